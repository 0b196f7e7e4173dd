/**
 * The schema changes of a migration that lock or rewrite a table in
 * production (blocking operations) and those that break the application
 * version still running during a rolling deploy (destructive operations),
 * read from the parse tree of each statement. Locks and their meaning are in
 * tables/postgres-locks.ts.
 */
import { sqlNodesIn } from '../parse/sql';
import {
  functionName,
  inTransactionBlock,
  indexesCreatedBy,
  relationName,
  setsLockTimeout,
  tablesCreatedBy,
  upStatements,
  type BuilderOperation,
  type Migration,
  type MigrationStatement,
} from './migrations';
import { SERIAL_TYPES, VOLATILE_FUNCTIONS, type BlockingOperationKind } from './tables/postgres-locks';

export interface BlockingOperation {
  kind: BlockingOperationKind;
  table?: string;
  /** What the statement does, for the message: `CREATE INDEX "x_idx" ON "x"`. */
  what: string;
  statement?: MigrationStatement;
  builder?: BuilderOperation;
  /** For constraint additions: the constraint's name, when it has one (the NOT VALID fix needs it). */
  constraintName?: string;
}

type SqlFields = Record<string, unknown>;

/** Every blocking operation of the migration's `up`, in order. Tables the migration creates are exempt. */
export function blockingOperationsOf(migration: Migration): BlockingOperation[] {
  const created = tablesCreatedBy(migration);
  const createdIndexes = indexesCreatedBy(migration);
  const inTransaction = inTransactionBlock(migration);
  const checks: NotNullChecks = { valid: new Set(), pending: new Map() };
  const notValid: NotValidConstraints = new Map();
  const found: BlockingOperation[] = [];
  for (const statement of upStatements(migration)) {
    const { kind, node } = statement.sql;
    if (kind === 'IndexStmt') found.push(...indexOperations(statement, node, created, inTransaction(statement)));
    else if (kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX') found.push(...dropIndexOperations(statement, node, createdIndexes, inTransaction(statement)));
    else if (kind === 'ReindexStmt' && isConcurrentReindex(node) && inTransaction(statement)) found.push({ kind: 'concurrently-in-transaction', what: 'REINDEX CONCURRENTLY', statement });
    else if (kind === 'AlterTableStmt') {
      found.push(...alterTableOperations(statement, node, created, checks));
      found.push(...validationsUnderAddLock(statement, node, notValid, (added) => inTransaction(added) === true && inTransaction(statement) === true && !committedBetween(migration, added, statement)));
    }
  }
  for (const builder of migration.builderOperations) {
    if (builder.phase !== 'up' || builder.operation !== 'create-index' || !builder.table || created.has(builder.table)) continue;
    if (!builder.concurrently) found.push({ kind: 'create-index', table: builder.table, what: `an index on "${builder.table}"`, builder });
  }
  return found;
}

/** The first statement of the migration's `up` that sets lock_timeout, if any. */
export function lockTimeoutStatement(migration: Migration): MigrationStatement | undefined {
  return upStatements(migration).find(setsLockTimeout);
}

function indexOperations(statement: MigrationStatement, node: SqlFields, created: Set<string>, inTransaction: boolean | undefined): BlockingOperation[] {
  const table = relationName(node.relation);
  const name = typeof node.idxname === 'string' ? ` "${node.idxname}"` : '';
  const what = `CREATE ${node.unique ? 'UNIQUE ' : ''}INDEX${node.concurrent ? ' CONCURRENTLY' : ''}${name} ON "${table}"`;
  if (node.concurrent) return inTransaction ? [{ kind: 'concurrently-in-transaction', table, what, statement }] : [];
  if (table && created.has(table)) return [];
  return [{ kind: 'create-index', table, what, statement }];
}

function dropIndexOperations(statement: MigrationStatement, node: SqlFields, createdIndexes: Set<string>, inTransaction: boolean | undefined): BlockingOperation[] {
  const names = droppedNames(node);
  const what = `DROP INDEX${node.concurrent ? ' CONCURRENTLY' : ''} ${names.map((n) => `"${n}"`).join(', ')}`;
  if (node.concurrent) return inTransaction ? [{ kind: 'concurrently-in-transaction', what, statement }] : [];
  if (names.every((name) => createdIndexes.has(name))) return [];
  return [{ kind: 'drop-index', what, statement }];
}

/** The unqualified names a DROP statement drops. */
export function droppedNames(node: SqlFields): string[] {
  const objects = (node.objects as { List?: { items?: { String?: { sval?: string } }[] } }[] | undefined) ?? [];
  return objects.map((object) => object.List?.items?.at(-1)?.String?.sval).filter((name): name is string => typeof name === 'string');
}

function isConcurrentReindex(node: SqlFields): boolean {
  for (const [kind, fields] of sqlNodesIn(node.params)) if (kind === 'DefElem' && fields.defname === 'concurrently') return true;
  return false;
}

function alterTableOperations(statement: MigrationStatement, node: SqlFields, created: Set<string>, checks: NotNullChecks): BlockingOperation[] {
  const table = relationName(node.relation);
  if (!table || node.objtype !== 'OBJECT_TABLE') return [];
  const found: BlockingOperation[] = [];
  for (const item of (node.cmds as { AlterTableCmd?: SqlFields }[] | undefined) ?? []) {
    const cmd = item.AlterTableCmd;
    if (!cmd) continue;
    recordNotNullChecks(table, cmd, checks);
    if (created.has(table)) continue;
    const operation = alterTableCommandOperation(table, cmd, checks.valid);
    if (operation) found.push({ ...operation, table, statement });
  }
  return found;
}

type CommandOperation = Omit<BlockingOperation, 'table' | 'statement'>;

function alterTableCommandOperation(table: string, cmd: SqlFields, validChecks: Set<string>): CommandOperation | undefined {
  const column = typeof cmd.name === 'string' ? cmd.name : undefined;
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      return addColumnOperation(table, (cmd.def as { ColumnDef?: SqlFields } | undefined)?.ColumnDef);
    case 'AT_SetNotNull':
      return validChecks.has(`${table}.${column}`) ? undefined : { kind: 'set-not-null', what: `ALTER TABLE "${table}" ALTER COLUMN "${column}" SET NOT NULL` };
    case 'AT_AlterColumnType':
      return { kind: 'alter-column-type', what: `ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE ${typeNameOf((cmd.def as { ColumnDef?: SqlFields } | undefined)?.ColumnDef)}` };
    case 'AT_AddConstraint':
      return addConstraintOperation(table, (cmd.def as { Constraint?: SqlFields } | undefined)?.Constraint);
    default:
      return undefined;
  }
}

function addColumnOperation(table: string, column: SqlFields | undefined): CommandOperation | undefined {
  if (!column) return undefined;
  const name = column.colname as string;
  const type = typeNameOf(column);
  if (SERIAL_TYPES.has(type.toLowerCase())) return { kind: 'volatile-default', what: `ALTER TABLE "${table}" ADD COLUMN "${name}" ${type}` };
  for (const constraint of constraintsOf(column)) {
    if (constraint.contype === 'CONSTR_DEFAULT' && volatileCall(constraint.raw_expr)) {
      return { kind: 'volatile-default', what: `ALTER TABLE "${table}" ADD COLUMN "${name}" DEFAULT ${volatileCall(constraint.raw_expr)}()` };
    }
    if (constraint.contype === 'CONSTR_GENERATED' && constraint.generated_when !== undefined) {
      return { kind: 'volatile-default', what: `ALTER TABLE "${table}" ADD COLUMN "${name}" GENERATED ... STORED` };
    }
    if (constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') {
      return { kind: 'unique-constraint', what: `ALTER TABLE "${table}" ADD COLUMN "${name}" ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'}` };
    }
  }
  return undefined;
}

function addConstraintOperation(table: string, constraint: SqlFields | undefined): CommandOperation | undefined {
  if (!constraint) return undefined;
  const constraintName = typeof constraint.conname === 'string' ? constraint.conname : undefined;
  const named = constraintName ? ` "${constraintName}"` : '';
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
      if (constraint.skip_validation) return undefined;
      return { kind: 'foreign-key', what: `ALTER TABLE "${table}" ADD CONSTRAINT${named} FOREIGN KEY ... REFERENCES "${relationName(constraint.pktable)}"`, constraintName };
    case 'CONSTR_CHECK':
      if (constraint.skip_validation) return undefined;
      return { kind: 'check-constraint', what: `ALTER TABLE "${table}" ADD CONSTRAINT${named} CHECK (...)`, constraintName };
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      if (typeof constraint.indexname === 'string') return undefined;
      return { kind: 'unique-constraint', what: `ALTER TABLE "${table}" ADD CONSTRAINT${named} ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY'} (...)`, constraintName };
    default:
      return undefined;
  }
}

/** Constraints this migration adds NOT VALID, by `table.constraint`: which kind, and the statement that adds it. */
type NotValidConstraints = Map<string, { kind: 'validate-foreign-key-under-add-lock' | 'validate-check-under-add-lock'; statement: MigrationStatement }>;

/**
 * `VALIDATE CONSTRAINT c` in the transaction whose `ADD CONSTRAINT c ... NOT VALID` took the table's lock:
 * the lock is held until commit, so the validation scans under it and NOT VALID gains nothing.
 */
function validationsUnderAddLock(statement: MigrationStatement, node: SqlFields, notValid: NotValidConstraints, sameTransaction: (added: MigrationStatement) => boolean): BlockingOperation[] {
  const table = relationName(node.relation);
  if (!table || node.objtype !== 'OBJECT_TABLE') return [];
  const found: BlockingOperation[] = [];
  for (const item of (node.cmds as { AlterTableCmd?: SqlFields }[] | undefined) ?? []) {
    const cmd = item.AlterTableCmd;
    const constraint = (cmd?.def as { Constraint?: SqlFields } | undefined)?.Constraint;
    if (cmd?.subtype === 'AT_AddConstraint' && constraint?.skip_validation && typeof constraint.conname === 'string') {
      const kind = constraint.contype === 'CONSTR_FOREIGN' ? 'validate-foreign-key-under-add-lock' : constraint.contype === 'CONSTR_CHECK' ? 'validate-check-under-add-lock' : undefined;
      if (kind) notValid.set(`${table}.${constraint.conname}`, { kind, statement });
    }
    if (cmd?.subtype !== 'AT_ValidateConstraint') continue;
    const added = notValid.get(`${table}.${String(cmd.name)}`);
    if (!added || !sameTransaction(added.statement)) continue;
    found.push({ kind: added.kind, table, what: `ALTER TABLE "${table}" VALIDATE CONSTRAINT "${String(cmd.name)}"`, statement });
  }
  return found;
}

/** A COMMIT or ROLLBACK between two statements of the migration ends the transaction the first ran in. */
function committedBetween(migration: Migration, first: MigrationStatement, second: MigrationStatement): boolean {
  return upStatements(migration).some(
    (statement) => statement.start > first.start && statement.start < second.start && statement.sql.kind === 'TransactionStmt' && ['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK'].includes(String(statement.sql.node.kind)),
  );
}

/** `CHECK (col IS NOT NULL)` constraints added valid, or validated later, make a later SET NOT NULL skip its scan. */
interface NotNullChecks {
  /** `table.column` pairs with a validated CHECK (column IS NOT NULL). */
  valid: Set<string>;
  /** `table.constraint` to `table.column`, for checks added NOT VALID and validated later. */
  pending: Map<string, string>;
}

function recordNotNullChecks(table: string, cmd: SqlFields, checks: NotNullChecks): void {
  const constraint = (cmd.def as { Constraint?: SqlFields } | undefined)?.Constraint;
  if (cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_CHECK') {
    const column = notNullColumn(constraint.raw_expr);
    if (column) {
      checks.pending.set(`${table}.${String(constraint.conname)}`, `${table}.${column}`);
      if (!constraint.skip_validation) checks.valid.add(`${table}.${column}`);
    }
  }
  if (cmd.subtype === 'AT_ValidateConstraint') {
    const checked = checks.pending.get(`${table}.${String(cmd.name)}`);
    if (checked) checks.valid.add(checked);
  }
}

function notNullColumn(expression: unknown): string | undefined {
  const test = (expression as { NullTest?: SqlFields } | undefined)?.NullTest;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = ((test.arg as { ColumnRef?: { fields?: { String?: { sval?: string } }[] } } | undefined)?.ColumnRef?.fields ?? []);
  return fields.at(-1)?.String?.sval;
}

function constraintsOf(column: SqlFields): SqlFields[] {
  return ((column.constraints as { Constraint?: SqlFields }[] | undefined) ?? []).map((c) => c.Constraint).filter((c): c is SqlFields => c !== undefined);
}

/** The volatile function an expression calls, if any. */
function volatileCall(expression: unknown): string | undefined {
  for (const [kind, fields] of sqlNodesIn({ expression })) {
    if (kind !== 'FuncCall') continue;
    const name = functionName(fields);
    if (name && VOLATILE_FUNCTIONS.has(name.toLowerCase())) return name;
  }
  return undefined;
}

function typeNameOf(column: SqlFields | undefined): string {
  const names = ((column?.typeName as { names?: { String?: { sval?: string } }[] } | undefined)?.names ?? []).map((n) => n.String?.sval ?? '');
  const type = names.filter((n) => n !== 'pg_catalog').join('.');
  return type || 'a new type';
}

export type DestructiveOperationKind = 'drop-table' | 'drop-column' | 'rename-table' | 'rename-column';

export interface DestructiveOperation {
  kind: DestructiveOperationKind;
  table: string;
  column?: string;
  newName?: string;
  statement?: MigrationStatement;
  builder?: BuilderOperation;
}

/** Drops and renames, in the migration's `up`, of tables and columns that existed before it. */
export function destructiveOperationsOf(migration: Migration): DestructiveOperation[] {
  const created = tablesCreatedBy(migration);
  const found: DestructiveOperation[] = [];
  for (const statement of upStatements(migration)) {
    for (const operation of statementDestructiveOperations(statement)) {
      if (!created.has(operation.table)) found.push({ ...operation, statement });
    }
  }
  for (const builder of migration.builderOperations) {
    if (builder.phase !== 'up' || !builder.table || created.has(builder.table)) continue;
    if (builder.operation === 'drop-table' || builder.operation === 'drop-column' || builder.operation === 'rename-table' || builder.operation === 'rename-column') {
      found.push({ kind: builder.operation, table: builder.table, column: builder.column, builder });
    }
  }
  return found;
}

function statementDestructiveOperations(statement: MigrationStatement): Omit<DestructiveOperation, 'statement'>[] {
  const { kind, node } = statement.sql;
  if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') return droppedNames(node).map((table) => ({ kind: 'drop-table' as const, table }));
  if (kind === 'RenameStmt') {
    const table = relationName(node.relation);
    if (!table) return [];
    if (node.renameType === 'OBJECT_TABLE') return [{ kind: 'rename-table', table, newName: node.newname as string }];
    if (node.renameType === 'OBJECT_COLUMN') return [{ kind: 'rename-column', table, column: node.subname as string, newName: node.newname as string }];
    return [];
  }
  if (kind !== 'AlterTableStmt' || node.objtype !== 'OBJECT_TABLE') return [];
  const table = relationName(node.relation);
  if (!table) return [];
  return ((node.cmds as { AlterTableCmd?: SqlFields }[] | undefined) ?? [])
    .map((item) => item.AlterTableCmd)
    .filter((cmd): cmd is SqlFields => cmd?.subtype === 'AT_DropColumn')
    .map((cmd) => ({ kind: 'drop-column' as const, table, column: cmd.name as string }));
}

/** Whether the migration's `up` changes data or schema that existed before it (for irreversible-migration). */
export function changesExistingState(migration: Migration): boolean {
  const created = tablesCreatedBy(migration);
  const touchesExisting = (table: string | undefined): boolean => table === undefined || !created.has(table);
  for (const statement of upStatements(migration)) {
    const { kind, node } = statement.sql;
    switch (kind) {
      case 'CreateStmt':
      case 'CreateTableAsStmt':
      case 'CreateEnumStmt':
      case 'CreateExtensionStmt':
      case 'CreateSeqStmt':
      case 'CreateFunctionStmt':
      case 'CreateSchemaStmt':
      case 'CompositeTypeStmt':
      case 'CreateDomainStmt':
      case 'ViewStmt':
      case 'VariableSetStmt':
      case 'TransactionStmt':
      case 'SelectStmt':
      case 'CommentStmt':
        continue;
      case 'IndexStmt':
        if (touchesExisting(relationName(node.relation))) return true;
        continue;
      case 'DropStmt':
        // `DROP TABLE IF EXISTS t` before `CREATE TABLE t`: a set-up that starts from nothing.
        if (node.removeType === 'OBJECT_TABLE' && droppedNames(node).every((table) => created.has(table))) continue;
        return true;
      case 'AlterTableStmt':
      case 'RenameStmt':
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
        if (touchesExisting(relationName(node.relation))) return true;
        continue;
      default:
        return true;
    }
  }
  return migration.builderOperations.some((operation) => operation.phase === 'up' && operation.operation !== 'create-table' && touchesExisting(operation.table));
}
