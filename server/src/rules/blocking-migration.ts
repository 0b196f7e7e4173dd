import { Node, SyntaxKind, type ClassDeclaration } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import { blockingOperationsOf, lockTimeoutStatement, type BlockingOperation } from '../facts/migration-operations';
import { inTransactionBlock, upStatements, type Migration, type MigrationStatement } from '../facts/migrations';
import { BLOCKING_OPERATIONS } from '../facts/tables/postgres-locks';
import { appendClause, insertKeywordAfter, insertStatementAfterSql, insertStatementAtTop, sqlIdentifier } from '../edits/sql-statement';
import { knexTransactionOptOut, mikroOrmTransactionOptOut, typeormTransactionOptOut } from '../edits/migration-transaction-opt-out';
import { insertStatementBefore } from '../edits/insert-statement';
import { createRule, type MigrationRuleContext } from './rule';

const LOCK_TIMEOUT = "'5s'";

export const blockingMigration = createRule({
  meta: {
    id: 'blocking-migration',
    title: 'Migration locks or rewrites a table in production',
    category: 'migrations',
    defaultSeverity: 'warning',
    summary: [
      'A migration that builds an index, validates a constraint or rewrites a column on a table that is already in production holds a lock on it until it is done: minutes on a large table.',
      'Every query that needs the table queues behind that lock, the connection pool fills with waiting requests, and the application stops answering while the migration runs.',
    ].join(' '),
    explanation: [
      'A migration runs against the production database while the application serves traffic. Most schema changes take a',
      'lock on the table they change, and some of them hold it while they read or rewrite every row:',
      '',
      '- `CREATE INDEX` (without `CONCURRENTLY`) takes a SHARE lock and reads the whole table: every INSERT, UPDATE and',
      '  DELETE waits until the index is built. `DROP INDEX` takes an ACCESS EXCLUSIVE lock.',
      '- `ADD CONSTRAINT ... FOREIGN KEY` or `CHECK` without `NOT VALID` reads every row to check it while it holds a lock',
      '  that blocks writes (a CHECK blocks reads too).',
      '- `ALTER COLUMN ... SET NOT NULL` reads every row under an ACCESS EXCLUSIVE lock, unless a validated',
      '  `CHECK (col IS NOT NULL)` already proves it.',
      '- `ALTER COLUMN ... TYPE` rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the old type',
      '  converts without a rewrite, as `varchar(n)` to `text`).',
      '- `ADD COLUMN` with a volatile default (`gen_random_uuid()`, `random()`, `clock_timestamp()`, a `serial`) writes',
      '  every row. A constant default, or `now()`, does not (PostgreSQL 11 and later).',
      '- `ADD PRIMARY KEY` / `UNIQUE` builds the index under an ACCESS EXCLUSIVE lock, unless it reuses one (`USING INDEX`).',
      '',
      'On a staging database with a thousand rows each of these takes milliseconds. On a production table with fifty',
      'million rows it takes minutes, and while it runs the queries that need the table wait in line: web requests time',
      'out, the connection pool is exhausted, health checks fail and the deploy looks like an outage.',
      '',
      'Even a change that is quick once it has its lock can stop traffic: it must wait for every query already running',
      'on the table (a long report, an idle transaction), and every query that arrives after it waits behind it. A',
      '`lock_timeout` makes the migration give up after a few seconds instead, so it can be retried at a quieter time.',
      '',
      '`CONCURRENTLY` cannot run inside a transaction block. A migration tool that wraps each migration in a',
      'transaction (knex, TypeORM, MikroORM, drizzle) makes it fail at once; Prisma sends a migration.sql file as one',
      'query, which PostgreSQL runs as one transaction when the file holds more than one statement.',
      '',
      'Tables the migration creates itself are new and empty: changing them locks nothing anyone is waiting for. A',
      'table an earlier migration created is in production, so it is judged as any other.',
      '',
      'PostgreSQL documentation: [explicit locking](https://www.postgresql.org/docs/current/explicit-locking.html),',
      '[ALTER TABLE](https://www.postgresql.org/docs/current/sql-altertable.html),',
      '[building indexes concurrently](https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY).',
    ].join('\n'),
    shortFix: [
      'Build indexes with `CREATE INDEX CONCURRENTLY` in a migration that runs outside a transaction; add constraints `NOT VALID` and `VALIDATE CONSTRAINT` them in a separate step.',
      "Start the migration with `SET lock_timeout = '5s';` so that it gives up instead of stopping traffic while it waits for its lock.",
    ].join('\n'),
    fix: [
      'Make each change in the steps that keep the table available:',
      '',
      '- Index: `CREATE INDEX CONCURRENTLY` (and `DROP INDEX CONCURRENTLY`), alone in a migration that runs outside a',
      '  transaction: in Prisma, a migration.sql holding only that statement; in knex, `exports.config = { transaction: false }`;',
      '  in TypeORM, `transaction = false` on the migration class; in MikroORM, `isTransactional()` returning false.',
      '- Foreign key or check: `ADD CONSTRAINT ... NOT VALID` (instant), then `ALTER TABLE ... VALIDATE CONSTRAINT ...`',
      '  in another transaction, that is the next migration: it reads the rows under a lock that lets reads and writes go',
      '  on. In the transaction that added the constraint (a Prisma migration.sql is one), VALIDATE would read them under',
      '  the lock the ADD took. For Prisma the quick fix creates that next migration.',
      '- NOT NULL: `ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT c`, then `SET NOT NULL`',
      '  (which uses the check and reads nothing) and `DROP CONSTRAINT c`.',
      '- Column type: add a new column, write to both, backfill in batches, move reads, drop the old column.',
      '- Volatile default: add the column without one, backfill in batches, then `SET DEFAULT`.',
      '- Primary key or unique: `CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT ... UNIQUE USING INDEX`.',
      '',
      "And start every migration that takes such a lock with `SET lock_timeout = '5s';` (`SET LOCAL` inside a",
      'transaction), so that it fails fast when the table is busy instead of queueing everyone behind it.',
    ].join('\n'),
    notFlagged: [
      'Changes to tables the same migration creates (`CREATE TABLE` then `CREATE INDEX` on it, or its foreign keys).',
      '`CREATE INDEX CONCURRENTLY` and `DROP INDEX CONCURRENTLY` outside a transaction; constraints added `NOT VALID`; `VALIDATE CONSTRAINT`; `UNIQUE` / `PRIMARY KEY USING INDEX`.',
      '`SET NOT NULL` after a validated `CHECK (col IS NOT NULL)` in the same migration.',
      '`ADD COLUMN` with a constant default or `now()`, and nullable columns without a default.',
      'Statements that do not parse as PostgreSQL (MySQL, SQLite), SQL built at run time, and what runs inside functions, `DO` blocks and triggers: they are not analysed.',
      'Migrations whose lock_timeout is set outside the migration (the connection string, the role): the rule cannot see it, and asks for it in the migration.',
    ],
    exampleLanguage: 'sql',
    examples: [
      {
        bad: ['-- CreateIndex', 'CREATE INDEX "Order_customerId_idx" ON "Order"("customerId");'].join('\n'),
        good: ['-- CreateIndex', 'CREATE INDEX CONCURRENTLY "Order_customerId_idx" ON "Order"("customerId");'].join('\n'),
      },
      {
        bad: ['ALTER TABLE "Order" ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id");'].join('\n'),
        good: [
          "SET lock_timeout = '5s';",
          'ALTER TABLE "Order" ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") NOT VALID;',
          '-- then, in the next migration (its own transaction): ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_customerId_fkey";',
        ].join('\n'),
      },
    ],
  },
  create() {
    return {};
  },
  migration(context) {
    const operations = blockingOperationsOf(context.migration);
    for (const operation of operations) reportOperation(context, operation);
    const locking = operations.filter((operation) => operation.kind !== 'concurrently-in-transaction');
    if (locking.length > 0) reportMissingLockTimeout(context, locking);
  },
});

function spanOf(operation: BlockingOperation): { start: number; end: number } {
  if (operation.statement) return { start: operation.statement.start, end: operation.statement.end };
  return { start: operation.builder!.node.getStart(), end: operation.builder!.node.getEnd() };
}

function messageOf(operation: BlockingOperation, migration: Migration): string {
  const knowledge = BLOCKING_OPERATIONS[operation.kind];
  if (operation.kind === 'concurrently-in-transaction') {
    return `${operation.what} runs inside a transaction (${migration.transactionSource}) and ${knowledge.work}. Fix: ${knowledge.saferWay}.`;
  }
  const table = operation.table ? `"${operation.table}"` : 'the table';
  return `${operation.what} takes ${article(knowledge.lock)} ${knowledge.lock} lock on ${table} and ${knowledge.work}: ${knowledge.impact}. Safer: ${knowledge.saferWay}. ${knowledge.docs}`;
}

function article(lock: string): string {
  return lock.startsWith('A') ? 'an' : 'a';
}

function reportOperation(context: MigrationRuleContext, operation: BlockingOperation): void {
  context.report({ ...spanOf(operation), message: messageOf(operation, context.migration), fixes: fixesFor(context, operation) });
}

function reportMissingLockTimeout(context: MigrationRuleContext, locking: BlockingOperation[]): void {
  const first = locking[0];
  const setting = lockTimeoutStatement(context.migration);
  if (setting && (!first.statement || setting.start < first.statement.start)) return;
  const tables = [...new Set(locking.map((operation) => operation.table).filter((table) => table !== undefined))].map((table) => `"${table}"`);
  const lock = BLOCKING_OPERATIONS[first.kind].lock;
  const on = tables.length > 0 ? ` on ${tables.join(', ')}` : '';
  const fix = lockTimeoutFix(context);
  context.report({
    ...spanOf(first),
    message: `This migration takes ${lock} locks${on} with no lock_timeout: while it waits for a long-running query or an open transaction on the table, every new query on it queues behind the migration. Start it with SET lock_timeout = ${LOCK_TIMEOUT}; so that it gives up and can be retried. https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT`,
    fixes: fix ? [fix] : [],
  });
}

// --- fixes ----------------------------------------------------------------

function fixesFor(context: MigrationRuleContext, operation: BlockingOperation): Fix[] {
  const fixes: Fix[] = [];
  if (operation.kind === 'create-index' || operation.kind === 'drop-index') {
    const fix = concurrentlyFix(context, operation);
    if (fix) fixes.push(fix);
  }
  if (operation.kind === 'concurrently-in-transaction') {
    const optOut = transactionOptOut(context.migration);
    if (optOut) fixes.push({ title: `Run this migration outside a transaction (${optOut.title})`, edits: optOut.edits });
  }
  if (operation.kind === 'foreign-key' || operation.kind === 'check-constraint') {
    const fix = notValidFix(context, operation);
    if (fix) fixes.push(fix);
  }
  return fixes;
}

/** The statement's SQL is in the file verbatim (a .sql file, or a literal without escapes), so its tokens can be edited. */
function editableStatement(statement: MigrationStatement | undefined): statement is MigrationStatement {
  return statement !== undefined && statement.verbatim;
}

function concurrentlyFix(context: MigrationRuleContext, operation: BlockingOperation): Fix | undefined {
  const { migration, text } = context;
  const statement = operation.statement;
  if (!editableStatement(statement)) return undefined;
  const keyword = insertKeywordAfter(text, statement.start, statement.end, 'INDEX', 'CONCURRENTLY');
  if (!keyword) return undefined;
  if (!statement.host) {
    // A SQL file: CONCURRENTLY only works where the file does not run in a transaction block.
    const alone = migration.transaction === 'one-query' && upStatements(migration).length === 1;
    if (!alone && migration.transaction !== 'none') return undefined;
    if (inTransactionBlock(migration)(statement)) return undefined;
    return { title: 'Add CONCURRENTLY', edits: [keyword] };
  }
  if (migration.transaction === 'none') return { title: 'Add CONCURRENTLY', edits: [keyword] };
  const optOut = transactionOptOut(migration);
  if (!optOut) return undefined;
  return { title: `Add CONCURRENTLY and run this migration outside a transaction (${optOut.title})`, edits: [keyword, ...optOut.edits] };
}

function transactionOptOut(migration: Migration): { title: string; edits: TextEdit[] } | undefined {
  if (migration.transactionOptOut) return undefined;
  const container = migration.container;
  if (!container) return undefined;
  if (migration.tool === 'knex') return { title: 'config.transaction = false', edits: knexTransactionOptOut(container.getSourceFile(), migration.transactionConfig) };
  if (!Node.isClassDeclaration(container)) return undefined;
  if (migration.tool === 'typeorm') return { title: 'transaction = false', edits: typeormTransactionOptOut(container as ClassDeclaration) };
  if (migration.tool === 'mikro-orm') return { title: 'isTransactional() returns false', edits: mikroOrmTransactionOptOut(container as ClassDeclaration) };
  return undefined;
}

/**
 * NOT VALID on the constraint, then VALIDATE CONSTRAINT in another transaction: VALIDATE run in the
 * transaction that added the constraint scans the table under the lock the ADD took, which is the very
 * wait NOT VALID avoids. A file whose statements each commit on their own takes it as the next statement;
 * a Prisma migration (one script, one implicit transaction) gets a new migration right after it. SQL files only.
 */
function notValidFix(context: MigrationRuleContext, operation: BlockingOperation): Fix | undefined {
  const { migration } = context;
  const statement = operation.statement;
  if (!statement || statement.host || !operation.constraintName || !operation.table) return undefined;
  const commands = (statement.sql.node.cmds as unknown[] | undefined) ?? [];
  if (commands.length !== 1) return undefined;
  const relation = statement.sql.node.relation as { schemaname?: string } | undefined;
  const table = `${relation?.schemaname ? `${sqlIdentifier(relation.schemaname)}.` : ''}${sqlIdentifier(operation.table)}`;
  const validate = `ALTER TABLE ${table} VALIDATE CONSTRAINT ${sqlIdentifier(operation.constraintName)}`;
  const notValid = appendClause(statement.end, 'NOT VALID');
  const separateTransaction = migration.transaction === 'none';
  if (separateTransaction && !inTransactionBlock(migration)(statement)) {
    return { title: 'Add NOT VALID, then VALIDATE CONSTRAINT in a separate statement', edits: [notValid, insertStatementAfterSql(context.text, statement.end, validate)] };
  }
  const next = migration.tool === 'prisma' ? nextPrismaMigration(migration.file, `validate_${operation.constraintName}`) : undefined;
  if (!next) return undefined;
  return {
    title: 'Add NOT VALID, and VALIDATE CONSTRAINT in a new migration right after this one',
    edits: [notValid],
    files: [{ file: next, create: `-- Validates ${operation.constraintName} without blocking writes: a SHARE UPDATE EXCLUSIVE lock, in its own transaction.\n${validate};\n` }],
  };
}

/** `prisma/migrations/20240301120000_change/migration.sql` → the folder one second later, which migrate deploy applies next. */
function nextPrismaMigration(file: string, name: string): string | undefined {
  const match = /^(.*[\\/]migrations[\\/])(\d{14})_[^\\/]+([\\/]migration\.sql)$/.exec(file);
  if (!match) return undefined;
  const [, folder, stamp, tail] = match as unknown as [string, string, string, string];
  const at = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12), +stamp.slice(12, 14)) + 1000;
  const next = new Date(at).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  return `${folder}${next}_${slug}${tail}`;
}

function lockTimeoutFix(context: MigrationRuleContext): Fix | undefined {
  const { migration, text } = context;
  const title = `Set lock_timeout = ${LOCK_TIMEOUT} at the top of the migration`;
  const first = upStatements(migration)[0];
  if (!first) return undefined;
  if (!first.host) return { title, edits: [insertStatementAtTop(text, `SET lock_timeout = ${LOCK_TIMEOUT}`)] };
  // JS/TS: the same SQL call as the migration's first statement, before it.
  const call = first.host.getParentIfKind(SyntaxKind.CallExpression);
  const statement = call?.getFirstAncestor((node) => Node.isExpressionStatement(node));
  if (!call || !statement) return undefined;
  const awaited = Node.isAwaitExpression(unwrapParentheses(statement.getFirstChild()));
  const local = migration.transaction === 'none' ? '' : 'LOCAL ';
  const callText = `${awaited ? 'await ' : ''}${call.getExpression().getText()}("SET ${local}lock_timeout = ${LOCK_TIMEOUT}")`;
  const edit = insertStatementBefore(statement, callText);
  return edit && { title, edits: [edit] };
}

function unwrapParentheses(node: Node | undefined): Node | undefined {
  let current = node;
  while (current && Node.isParenthesizedExpression(current)) current = current.getExpression();
  return current;
}
