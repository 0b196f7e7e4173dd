/**
 * What the version still running during a deploy reads: the code and Prisma schema of the revision the
 * migration is deployed on top of (workspace/previous-version.ts finds it in git and searches it). A drop
 * or rename of a table or column that version never names is a contract step: the expand/contract
 * sequence done right.
 */
import type { PrismaSchema } from './prisma-schema';

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
 * What in the previous version's code would read the table (extended regular expressions, for
 * `git grep -E`): the Prisma accessor `.model.` / `.model?.`, the quoted name in raw SQL, the relation
 * fields that load it (`tags:`, `.tags`); without a Prisma schema, the name as a word.
 */
export function tableReadPatterns(table: string, schema: PrismaSchema | undefined): string[] {
  if (!schema) return [`\\b${escapeRegExp(table)}\\b`];
  const model = schema.modelOfTable(table)?.name ?? table;
  const accessor = model.charAt(0).toLowerCase() + model.slice(1);
  const relations = schema.relationFieldsTo(model).flatMap((field) => [`\\b${escapeRegExp(field)}\\s*:`, `\\.${escapeRegExp(field)}\\b`]);
  return [`\\.${escapeRegExp(accessor)}\\??\\.`, `"${escapeRegExp(table)}"`, ...relations];
}

/** The column's patterns when no Prisma schema says whether the old client selects it: the name as a word. */
export function columnReadPatterns(column: string): string[] {
  return [`\\b${escapeRegExp(column)}\\b`];
}

/**
 * Whether the previous version reads a removed name, from its schema and what its code mentions
 * (`mentioned`: did any of these patterns match). A Prisma client selects every scalar column of a
 * model it queries, so a column the old schema still declares is read, wherever the code is.
 */
export function previousVersionReads(removed: RemovedName, schema: PrismaSchema | undefined, mentioned: (patterns: string[]) => boolean | undefined): boolean | undefined {
  if (IMPLICIT_JOIN_TABLE.test(removed.table) && schema) return true;
  if (removed.kind === 'drop-table' || removed.kind === 'rename-table') return mentioned(tableReadPatterns(removed.table, schema));
  if (!removed.column) return undefined;
  if (!schema) return mentioned(columnReadPatterns(removed.column));
  const model = schema.modelOfTable(removed.table);
  if (!model) return mentioned(tableReadPatterns(removed.table, schema));
  return model.columns.has(removed.column);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
