/**
 * What the version still running during a deploy reads: the code and Prisma schema of the revision the
 * migration is deployed on top of (workspace/previous-version.ts finds it in git and searches it). A drop
 * or rename of a table or column that version never names is a contract step: the expand/contract
 * sequence done right.
 */
import type { PrismaSchema } from './prisma-schema';
import { DATABASE_CLIENTS } from './tables/databases';

const PRISMA_MODEL_METHODS = DATABASE_CLIENTS.find((client) => client.id === 'prisma')!.modelMethods;

export interface RemovedName {
  kind: 'drop-table' | 'drop-column' | 'rename-table' | 'rename-column';
  table: string;
  column?: string;
}

export interface PreviousVersion {
  /** The commit the running version was built from. */
  revision: string;
  /** Whether that version reads what the operation removes; undefined when it cannot be told. */
  reads(removed: RemovedName): boolean | undefined;
}

/** A many-to-many join table Prisma manages itself (`_TaskRunToTag`): read through relations nobody names. */
const IMPLICIT_JOIN_TABLE = /^_\w+To\w+$/;

/**
 * A sign in the previous version's code that it reads something: a pattern (an extended regular
 * expression, for `git grep -E`) found in some code file, and, when `alongside` is set, found in a file
 * that also matches `alongside` (a relation field counts only beside a query of the model that holds it).
 */
export interface ReadEvidence {
  pattern: string;
  alongside?: string;
}

/**
 * What would read the table: a query through the Prisma accessor (`.model.findMany(`) and the quoted name in
 * raw SQL (`FROM "Model"`) anywhere, and a relation field that loads it (`attempts: true`, `attempts: { ... }`, `.attempts(`) in
 * a file that queries the model holding that field; without a Prisma schema, the name as a word.
 */
export function tableReadEvidence(table: string, schema: PrismaSchema | undefined): ReadEvidence[] {
  if (!schema) return [{ pattern: `\\b${escapeRegExp(table)}\\b` }];
  const model = schema.modelOfTable(table)?.name ?? table;
  const relations = schema.relationsTo(model).flatMap(({ owner, field }) => {
    const alongside = accessorPattern(owner);
    return [{ pattern: `\\b${escapeRegExp(field)}\\s*:\\s*(true|\\{)`, alongside }, { pattern: `\\.${escapeRegExp(field)}\\(`, alongside }];
  });
  return [{ pattern: accessorPattern(model) }, { pattern: rawSqlPattern(table) }, ...relations];
}

/** `prisma.taskRun.findMany(`, `tx.taskRun?.update(`: the model's accessor followed by one of its query methods. */
function accessorPattern(model: string): string {
  const accessor = escapeRegExp(model.charAt(0).toLowerCase() + model.slice(1));
  return `\\.${accessor}\\??\\.(${PRISMA_MODEL_METHODS.join('|')})\\b`;
}

/** `FROM "TaskRun"`, `JOIN "public"."TaskRun"`, `UPDATE "TaskRun"`: raw SQL naming the table. */
function rawSqlPattern(table: string): string {
  const keywords = ['from', 'join', 'into', 'update', 'table'].map(anyCase).join('|');
  return `(${keywords})\\s+("[^"]+"\\.)?"${escapeRegExp(table)}"`;
}

function anyCase(word: string): string {
  return [...word].map((c) => `[${c.toUpperCase()}${c}]`).join('');
}

/** The column's sign when no Prisma schema says whether the old client selects it: the name as a word. */
export function columnReadEvidence(column: string): ReadEvidence[] {
  return [{ pattern: `\\b${escapeRegExp(column)}\\b` }];
}

/**
 * Whether the previous version reads a removed name, from its schema and what its code shows
 * (`found`: is any of this evidence there). A Prisma client selects every scalar column of a
 * model it queries, so a column the old schema still declares is read, wherever the code is.
 */
export function previousVersionReads(removed: RemovedName, schema: PrismaSchema | undefined, found: (evidence: ReadEvidence[]) => boolean | undefined): boolean | undefined {
  if (IMPLICIT_JOIN_TABLE.test(removed.table) && schema) return true;
  if (removed.kind === 'drop-table' || removed.kind === 'rename-table') return found(tableReadEvidence(removed.table, schema));
  if (!removed.column) return undefined;
  if (!schema) return found(columnReadEvidence(removed.column));
  const model = schema.modelOfTable(removed.table);
  if (!model) return found(tableReadEvidence(removed.table, schema));
  return model.columns.has(removed.column);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
