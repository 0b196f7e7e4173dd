/**
 * What a database migration does, whatever it is written in: the SQL
 * statements it runs (parsed with PostgreSQL's parser, with their offsets in
 * the migration's file), the tables it creates itself, whether its tool runs it
 * inside a transaction, and where it sets `lock_timeout`.
 *
 * "A table that existed before this migration": every table this migration
 * does not create itself. A table created by an earlier migration of the same
 * folder is in production by the time this one runs, with production's rows
 * and traffic; only a table created earlier in THIS migration is new and empty.
 */
import type { Node } from 'ts-morph';
import { parseSql, sqlNodesIn, type SqlStatement } from '../parse/sql';
import { migrationToolOf } from './tables/migration-paths';
import { SQL_FILE_TOOLS, type TransactionMode } from './tables/migration-tools';

export interface MigrationStatement {
  sql: SqlStatement;
  /** Offsets of the statement in the migration's file. */
  start: number;
  end: number;
  /** For JS/TS migrations: the string literal (or concatenation) that holds the statement. */
  host?: Node;
  /** The function that runs it, for JS/TS migrations: `up` or `down`; SQL files are all `up`. */
  phase: 'up' | 'down';
  /** The file holds the statement's text as it is between start and end (no escapes), so it can be edited there. */
  verbatim: boolean;
}

/** Something the migration runs that Preflight did not analyse, and why. */
export interface UnanalysedSql {
  start: number;
  end: number;
  reason: string;
}

/** A schema change made through a tool's API instead of SQL text (knex.schema, queryInterface, queryRunner). */
export interface BuilderOperation {
  /** What it does, in SQL terms. */
  operation: 'create-index' | 'drop-table' | 'drop-column' | 'rename-table' | 'rename-column' | 'alter-column-type' | 'foreign-key' | 'create-table' | 'other';
  table?: string;
  column?: string;
  /** The call, for the finding's range. */
  node: Node;
  phase: 'up' | 'down';
  /** For create-index: the call asks for CONCURRENTLY. */
  concurrently?: boolean;
}

export interface DownFunction {
  state: 'missing' | 'empty' | 'throws' | 'present';
  /** The `down` function, when there is one; else the `up` function or class. */
  node: Node;
}

export interface Migration {
  file: string;
  /** The tool (prisma, drizzle, knex, typeorm, sequelize, mikro-orm, migrations-folder...). */
  tool: string;
  /** Whether the tool runs the migration in a transaction, after the migration's own opt-out. */
  transaction: TransactionMode;
  /** Why, in one sentence. */
  transactionSource: string;
  /** The migration's own opt-out of the tool's transaction (`transaction = false`), if it has one. */
  transactionOptOut?: Node;
  /** knex: the exported `config` object, where `transaction: false` goes. */
  transactionConfig?: Node;
  statements: MigrationStatement[];
  builderOperations: BuilderOperation[];
  unanalysed: UnanalysedSql[];
  /** For JS/TS migrations: the `down` function's state. SQL files have none. */
  down?: DownFunction;
  /** For JS/TS migrations: the class or the `up` function, where a transaction opt-out goes. */
  container?: Node;
}

export { isSqlMigrationPath } from './tables/migration-paths';

/** The migration a SQL file is. */
export function sqlFileMigration(file: string, text: string): Migration {
  const tool = migrationToolOf(file.split('\\').join('/')) ?? 'migrations-folder';
  const parsed = parseSql(text);
  const statements: MigrationStatement[] = parsed.statements.map((sql) => ({ sql, start: sql.start, end: sql.end, phase: 'up', verbatim: true }));
  const unanalysed = parsed.error ? [{ start: parsed.error.offset, end: parsed.error.offset, reason: `does not parse as PostgreSQL (${parsed.error.message}): not analysed` }] : [];
  const known = SQL_FILE_TOOLS.find((entry) => entry.tool === tool);
  return {
    file,
    tool,
    transaction: known?.transaction ?? 'unknown',
    transactionSource: known?.source ?? 'the tool that runs this folder is not known',
    statements,
    builderOperations: [],
    unanalysed,
  };
}

/** The name a statement's relation (`{ relname, schemaname }`) goes by, without the schema. */
export function relationName(relation: unknown): string | undefined {
  const name = (relation as { relname?: unknown } | undefined)?.relname;
  return typeof name === 'string' ? name : undefined;
}

/** Tables the migration's `up` creates (CREATE TABLE, CREATE TABLE AS, and builder createTable). */
export function tablesCreatedBy(migration: Migration): Set<string> {
  const created = new Set<string>();
  for (const statement of migration.statements) {
    if (statement.phase !== 'up') continue;
    const { kind, node } = statement.sql;
    if (kind === 'CreateStmt') addName(created, relationName(node.relation));
    if (kind === 'CreateTableAsStmt') addName(created, relationName((node.into as { rel?: unknown } | undefined)?.rel));
  }
  for (const operation of migration.builderOperations) {
    if (operation.phase === 'up' && operation.operation === 'create-table' && operation.table) created.add(operation.table);
  }
  return created;
}

function addName(names: Set<string>, name: string | undefined): void {
  if (name) names.add(name);
}

/** Index names the migration's `up` creates. */
export function indexesCreatedBy(migration: Migration): Set<string> {
  const created = new Set<string>();
  for (const statement of upStatements(migration)) {
    if (statement.sql.kind === 'IndexStmt') addName(created, statement.sql.node.idxname as string | undefined);
  }
  return created;
}

export function upStatements(migration: Migration): MigrationStatement[] {
  return migration.statements.filter((statement) => statement.phase === 'up');
}

/** Whether the statement sets `lock_timeout` (SET, SET LOCAL, or set_config('lock_timeout', ...)). */
export function setsLockTimeout(statement: MigrationStatement): boolean {
  const { kind, node } = statement.sql;
  if (kind === 'VariableSetStmt') return node.name === 'lock_timeout';
  if (kind !== 'SelectStmt') return false;
  for (const [inner, fields] of sqlNodesIn(node)) {
    if (inner !== 'FuncCall' || functionName(fields) !== 'set_config') continue;
    const [setting] = (fields.args as unknown[] | undefined) ?? [];
    if (stringConstant(setting) === 'lock_timeout') return true;
  }
  return false;
}

/** The unqualified name of a FuncCall's function. */
export function functionName(call: Record<string, unknown>): string | undefined {
  const names = (call.funcname as { String?: { sval?: string } }[] | undefined) ?? [];
  return names[names.length - 1]?.String?.sval;
}

/** The value of a string constant node (`{ A_Const: { sval: { sval } } }`). */
export function stringConstant(value: unknown): string | undefined {
  const constant = (value as { A_Const?: { sval?: { sval?: string } } } | undefined)?.A_Const;
  return constant?.sval?.sval;
}

/**
 * Whether each `up` statement runs inside a transaction block: the tool's own
 * transaction, PostgreSQL's implicit one around a multi-statement query, or an
 * explicit BEGIN ... COMMIT in the migration. Undefined where it cannot be known.
 */
export function inTransactionBlock(migration: Migration): (statement: MigrationStatement) => boolean | undefined {
  const ups = upStatements(migration);
  const explicit = new Set<MigrationStatement>();
  let open = false;
  for (const statement of ups) {
    if (statement.sql.kind === 'TransactionStmt') {
      const kind = statement.sql.node.kind;
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') open = true;
      else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') open = false;
      continue;
    }
    if (open) explicit.add(statement);
  }
  return (statement) => {
    if (explicit.has(statement)) return true;
    switch (migration.transaction) {
      case 'per-migration':
        return true;
      case 'one-query':
        return ups.length > 1;
      case 'none':
        return false;
      default:
        return undefined;
    }
  };
}
