/**
 * What the version still running during a deploy reads: the code and Prisma schema of the revision the
 * migration is deployed on top of (workspace/previous-version.ts finds it in git and searches it). A drop
 * or rename of a table or column that version never names is a contract step: the expand/contract
 * sequence done right.
 */
import { escapeRegExp } from './literals';
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

/** A many-to-many join table Prisma manages itself (`_TaskRunToTag`): the two models it joins. */
const IMPLICIT_JOIN_TABLE = /^_(\w+)To(\w+)$/;

/**
 * Text in a code file: a literal `needle` that every match contains (what git searches for, fast), and the
 * regular expression `pattern` a line holding it must match.
 */
export interface CodeSign {
  needle: string;
  pattern: RegExp;
}

/**
 * A sign in the previous version's code that it reads something, found on some line of a code file; with
 * `alongside`, only in a file that also shows that sign (a relation field counts only beside a query of
 * the model that holds it).
 */
export interface ReadEvidence extends CodeSign {
  alongside?: CodeSign;
}

/**
 * What would read the table: a query through the Prisma accessor (`.model.findMany(`) and the quoted name
 * in raw SQL (`FROM "Model"`) anywhere, and a relation field that loads it (`attempts: true`,
 * `attempts: { ... }`, `.attempts(`) in a file that queries the model holding that field. A join table
 * Prisma manages is read when one model it joins loads the other. Without a Prisma schema: the name as a word.
 */
export function tableReadEvidence(table: string, schema: PrismaSchema | undefined): ReadEvidence[] {
  if (!schema) return [word(table)];
  const rawSql: ReadEvidence = { needle: `"${table}"`, pattern: rawSqlNaming(table) };
  const joined = joinedModels(table, schema);
  // A join table is read when one side loads the other.
  if (joined) return [rawSql, ...relationLoads(joined[0], schema, joined[1]), ...relationLoads(joined[1], schema, joined[0])];
  const model = schema.modelOfTable(table)?.name ?? table;
  return [accessorQuery(model), rawSql, ...relationLoads(model, schema)];
}

/** Loads of `model` through the relation fields of other models (of `owner` only, when given), beside a query of that model. */
function relationLoads(model: string, schema: PrismaSchema, owner?: string): ReadEvidence[] {
  return schema
    .relationsTo(model)
    .filter((relation) => owner === undefined || relation.owner === owner)
    .flatMap(({ owner: holder, field }) => {
      const alongside = accessorQuery(holder);
      return [
        { needle: field, pattern: new RegExp(`\\b${escapeRegExp(field)}\\s*:\\s*(true|\\{)`), alongside },
        { needle: `.${field}(`, pattern: new RegExp(`\\.${escapeRegExp(field)}\\(`), alongside },
      ];
    });
}

/** `_TaskRunToTag` → TaskRun and Tag, when both are models (names may themselves hold "To"). */
function joinedModels(table: string, schema: PrismaSchema): string[] | undefined {
  if (!IMPLICIT_JOIN_TABLE.test(table)) return undefined;
  const name = table.slice(1);
  for (let at = name.indexOf('To'); at > 0; at = name.indexOf('To', at + 1)) {
    const [a, b] = [name.slice(0, at), name.slice(at + 2)];
    if (schema.hasModel(a) && schema.hasModel(b)) return [a, b];
  }
  return undefined;
}

/** `prisma.taskRun.findMany(`, `tx.taskRun?.update(`: the model's accessor followed by one of its query methods. */
function accessorQuery(model: string): CodeSign {
  const accessor = model.charAt(0).toLowerCase() + model.slice(1);
  return { needle: `.${accessor}`, pattern: new RegExp(`\\.${escapeRegExp(accessor)}\\??\\.(${PRISMA_MODEL_METHODS.join('|')})\\b`) };
}

/** `FROM "TaskRun"`, `JOIN "public"."TaskRun"`, `UPDATE "TaskRun"`: raw SQL naming the table. */
function rawSqlNaming(table: string): RegExp {
  return new RegExp(`\\b(from|join|into|update|table)\\s+("[^"]+"\\.)?"${escapeRegExp(table)}"`, 'i');
}

function word(name: string): ReadEvidence {
  return { needle: name, pattern: new RegExp(`\\b${escapeRegExp(name)}\\b`) };
}

/** The column's sign when no Prisma schema says whether the old client selects it: the name as a word. */
export function columnReadEvidence(column: string): ReadEvidence[] {
  return [word(column)];
}

/**
 * Whether the previous version reads a removed name, from its schema and what its code shows
 * (`found`: is any of this evidence there). A Prisma client selects every scalar column of a
 * model it queries, so a column the old schema still declares is read, wherever the code is.
 */
export function previousVersionReads(removed: RemovedName, schema: PrismaSchema | undefined, found: (evidence: ReadEvidence[]) => boolean | undefined): boolean | undefined {
  if (removed.kind === 'drop-table' || removed.kind === 'rename-table') return found(tableReadEvidence(removed.table, schema));
  if (!removed.column) return undefined;
  if (!schema) return found(columnReadEvidence(removed.column));
  const model = schema.modelOfTable(removed.table);
  if (!model) return found(tableReadEvidence(removed.table, schema));
  return model.columns.has(removed.column);
}

