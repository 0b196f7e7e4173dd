/**
 * What PostgreSQL does to a table that is in production traffic, per schema
 * change: the lock it takes, whether it reads or rewrites every row while it
 * holds it, and which queries queue behind it. From the PostgreSQL
 * documentation (explicit locking, ALTER TABLE, CREATE INDEX); adding an
 * operation is a change to this table and to the matcher in facts/migrations.
 */
export type PostgresLock = 'ACCESS EXCLUSIVE' | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'SHARE UPDATE EXCLUSIVE';

/** Which queries a lock makes wait, in production terms. */
export const LOCK_BLOCKS: Readonly<Record<PostgresLock, string>> = {
  'ACCESS EXCLUSIVE': 'every query on the table, reads included',
  SHARE: 'every INSERT, UPDATE and DELETE on the table (reads go on)',
  'SHARE ROW EXCLUSIVE': 'every INSERT, UPDATE and DELETE on both tables (reads go on)',
  'SHARE UPDATE EXCLUSIVE': 'other schema changes and VACUUM (reads and writes go on)',
};

export type BlockingOperationKind =
  | 'create-index'
  | 'drop-index'
  | 'volatile-default'
  | 'set-not-null'
  | 'alter-column-type'
  | 'foreign-key'
  | 'check-constraint'
  | 'unique-constraint'
  | 'validate-foreign-key-under-add-lock'
  | 'validate-check-under-add-lock'
  | 'concurrently-in-transaction';

export interface BlockingOperationKnowledge {
  lock: PostgresLock;
  /** What the statement does while it holds the lock. */
  work: string;
  /** Which queries wait, and for how long, in production terms. */
  impact: string;
  /** The safe sequence. */
  saferWay: string;
  /** PostgreSQL documentation page. */
  docs: string;
}

const DOCS = 'https://www.postgresql.org/docs/current';

export const BLOCKING_OPERATIONS: Readonly<Record<BlockingOperationKind, BlockingOperationKnowledge>> = {
  'create-index': {
    lock: 'SHARE',
    work: 'reads the whole table to build the index',
    impact: 'every INSERT, UPDATE and DELETE on it waits until the index is built: minutes on a large table',
    saferWay: 'CREATE INDEX CONCURRENTLY, in a migration that runs outside a transaction',
    docs: `${DOCS}/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY`,
  },
  'drop-index': {
    lock: 'ACCESS EXCLUSIVE',
    work: 'waits for every running query on the table, then drops the index',
    impact: 'it is quick once it holds the lock, but it first waits for every running query on the table, and every query that arrives meanwhile, reads included, queues behind it',
    saferWay: 'DROP INDEX CONCURRENTLY, in a migration that runs outside a transaction',
    docs: `${DOCS}/sql-dropindex.html`,
  },
  'volatile-default': {
    lock: 'ACCESS EXCLUSIVE',
    work: 'rewrites every row to store the default',
    impact: 'every query on it, reads included, waits until the rewrite is done: minutes on a large table',
    saferWay: 'add the column without a default (or with a constant one), backfill it in batches, then set the default',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-NOTES`,
  },
  'set-not-null': {
    lock: 'ACCESS EXCLUSIVE',
    work: 'reads every row to check that none is null',
    impact: 'every query on it, reads included, waits until the scan is done',
    saferWay: 'ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later step, then SET NOT NULL (it uses the validated check) and drop the check',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL`,
  },
  'alter-column-type': {
    lock: 'ACCESS EXCLUSIVE',
    work: 'rewrites every row and rebuilds the indexes (unless the old type converts without one, such as varchar(n) to text)',
    impact: 'every query on it, reads included, waits until the rewrite is done: minutes on a large table',
    saferWay: 'add a new column of the new type, write both, backfill in batches, switch reads, then drop the old column',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-NOTES`,
  },
  'foreign-key': {
    lock: 'SHARE ROW EXCLUSIVE',
    work: 'reads every row to check that it references an existing one',
    impact: 'every INSERT, UPDATE and DELETE on it and on the referenced table waits until every row is checked',
    saferWay: 'ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in another transaction, the next migration (it takes a lock that lets writes go on)',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT`,
  },
  'check-constraint': {
    lock: 'ACCESS EXCLUSIVE',
    work: 'reads every row to check the condition',
    impact: 'every query on it, reads included, waits until every row is checked',
    saferWay: 'ADD CONSTRAINT ... CHECK (...) NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in another transaction, the next migration',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT`,
  },
  'validate-foreign-key-under-add-lock': {
    lock: 'SHARE ROW EXCLUSIVE',
    work: 'reads every row to validate the foreign key while the ADD CONSTRAINT of the same transaction still holds its lock',
    impact: 'NOT VALID gained nothing: every INSERT, UPDATE and DELETE on both tables waits until every row is checked, as if the constraint had been added valid',
    saferWay: 'keep ADD CONSTRAINT ... NOT VALID here and move VALIDATE CONSTRAINT to the next migration, its own transaction, where it takes only a SHARE UPDATE EXCLUSIVE lock',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT`,
  },
  'validate-check-under-add-lock': {
    lock: 'ACCESS EXCLUSIVE',
    work: 'reads every row to validate the check while the ADD CONSTRAINT of the same transaction still holds its lock',
    impact: 'NOT VALID gained nothing: every query on the table, reads included, waits until every row is checked',
    saferWay: 'keep ADD CONSTRAINT ... NOT VALID here and move VALIDATE CONSTRAINT to the next migration, its own transaction, where it takes only a SHARE UPDATE EXCLUSIVE lock',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT`,
  },
  'unique-constraint': {
    lock: 'ACCESS EXCLUSIVE',
    work: 'builds a unique index over the whole table',
    impact: 'every query on it, reads included, waits until the index is built',
    saferWay: 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX (or PRIMARY KEY USING INDEX)',
    docs: `${DOCS}/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT`,
  },
  'concurrently-in-transaction': {
    lock: 'SHARE UPDATE EXCLUSIVE',
    work: 'fails at once: CONCURRENTLY cannot run inside a transaction block, so the deploy stops at this migration',
    impact: 'the deploy stops at this migration',
    saferWay: 'run the statement alone, in a migration the tool runs outside a transaction',
    docs: `${DOCS}/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY`,
  },
};

/**
 * Functions whose value differs per row: a column added with one of these as
 * its default is written into every existing row (a table rewrite). A
 * constant, or a stable function such as `now()`, is stored once in the
 * catalog since PostgreSQL 11 and rewrites nothing.
 */
export const VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'random', 'clock_timestamp',
  'timeofday', 'nextval', 'uuidv7', 'uuidv4', 'gen_random_bytes',
]);

/** Column types that fill every existing row from a sequence (a volatile default). */
export const SERIAL_TYPES: ReadonlySet<string> = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);
