import * as assert from 'node:assert/strict';
import { loadSqlParser } from 'preflight-server';
import { blockingMigration } from 'preflight-server/out/rules/blocking-migration';
import { analyzeCase, applyFix, applyFixToFiles, findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const PRISMA = 'prisma/migrations/20240301120000_change/migration.sql';
const DRIZZLE = 'drizzle/0004_change.sql';
const KNEX = 'migrations/20240301120000_change.js';
const KNEX_TS = 'src/migrations/20240301120000_change.ts';
const TYPEORM = 'src/migrations/1709294400000-Change.ts';
const SEQUELIZE = 'migrations/20240301120000-change.js';
const MIKRO = 'src/migrations/Migration20240301120000.ts';
const TIMEOUT = "SET lock_timeout = '5s';";

testRule(blockingMigration, {
  invalid: [
    {
      name: 'Prisma: NOT VALID, then VALIDATE in the same migration.sql (one implicit transaction): the validation scans under the ADD\'s lock',
      filename: PRISMA,
      code: lines(
        TIMEOUT,
        'ALTER TABLE "Order" ADD CONSTRAINT "Order_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") NOT VALID;',
        'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_accountId_fkey";',
      ),
      findings: [{ line: 3, message: 'NOT VALID gained nothing: every INSERT, UPDATE and DELETE on both tables waits' }],
    },
    {
      name: 'knex (a transaction per migration): a CHECK added NOT VALID and validated in the same up',
      filename: KNEX,
      code: lines(
        'exports.up = async function (knex) {',
        "  await knex.raw(\"SET LOCAL lock_timeout = '5s'\");",
        "  await knex.raw('ALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total >= 0) NOT VALID');",
        "  await knex.raw('ALTER TABLE orders VALIDATE CONSTRAINT positive_total');",
        '};',
        'exports.down = async function (knex) {',
        "  await knex.raw('ALTER TABLE orders DROP CONSTRAINT positive_total');",
        '};',
      ),
      findings: [{ line: 4, message: 'ACCESS EXCLUSIVE lock on "orders" and reads every row to validate the check while the ADD CONSTRAINT' }],
    },
    {
      name: 'Prisma: CREATE INDEX on an existing table, alone in its migration (quick fix adds CONCURRENTLY)',
      filename: PRISMA,
      code: lines('-- CreateIndex', 'CREATE INDEX "Order_userId_idx" ON "Order"("userId");'),
      findings: [
        { line: 2, message: 'takes a SHARE lock on "Order" and reads the whole table' },
        { line: 2, message: 'with no lock_timeout' },
      ],
      output: lines('-- CreateIndex', 'CREATE INDEX CONCURRENTLY "Order_userId_idx" ON "Order"("userId");'),
    },
    {
      name: 'Prisma: a foreign key on an existing table, validated at once (quick fix: NOT VALID here, VALIDATE in a new migration)',
      filename: PRISMA,
      code: lines(TIMEOUT, 'ALTER TABLE "Order" ADD CONSTRAINT "Order_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE;'),
      findings: [{ line: 2, message: 'SHARE ROW EXCLUSIVE lock on "Order"' }],
      output: lines(
        TIMEOUT,
        'ALTER TABLE "Order" ADD CONSTRAINT "Order_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE NOT VALID;',
      ),
    },
    {
      name: 'SQL: no lock_timeout before a CHECK constraint (quick fix sets it at the top)',
      filename: 'db/migrations/0007_check.sql',
      code: lines('ALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total >= 0);'),
      findings: [
        { line: 1, message: 'ACCESS EXCLUSIVE lock on "orders" and reads every row to check the condition' },
        { line: 1, message: 'with no lock_timeout' },
      ],
    },
    {
      name: 'Prisma: SET NOT NULL and a column type change on an existing table, in a table created by an earlier migration',
      filename: PRISMA,
      code: lines(TIMEOUT, 'ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL,', 'ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);'),
      findings: [
        { line: 2, message: 'SET NOT NULL takes an ACCESS EXCLUSIVE lock on "User" and reads every row' },
        { line: 2, message: 'TYPE varchar takes an ACCESS EXCLUSIVE lock on "User" and rewrites every row' },
      ],
    },
    {
      name: 'SQL: a column added with a volatile default rewrites the table',
      filename: PRISMA,
      code: lines(TIMEOUT, 'ALTER TABLE "Session" ADD COLUMN "token" UUID NOT NULL DEFAULT gen_random_uuid();'),
      findings: [{ line: 2, message: 'DEFAULT gen_random_uuid() takes an ACCESS EXCLUSIVE lock on "Session" and rewrites every row' }],
    },
    {
      name: 'SQL: ADD PRIMARY KEY and UNIQUE build their index under the lock; DROP INDEX without CONCURRENTLY',
      filename: 'migrations/003_keys.sql',
      code: lines(TIMEOUT, 'ALTER TABLE events ADD PRIMARY KEY (id);', 'ALTER TABLE events ADD CONSTRAINT events_key UNIQUE (key);', 'DROP INDEX events_old_idx;'),
      findings: [
        { line: 2, message: 'PRIMARY KEY (...) takes an ACCESS EXCLUSIVE lock on "events" and builds a unique index' },
        { line: 3, message: 'UNIQUE (...) takes an ACCESS EXCLUSIVE lock' },
        { line: 4, message: 'DROP INDEX "events_old_idx" takes an ACCESS EXCLUSIVE lock' },
      ],
    },
    {
      name: 'Prisma: CREATE INDEX CONCURRENTLY beside another statement runs in the one-query transaction and fails',
      filename: PRISMA,
      code: lines(TIMEOUT, 'CREATE INDEX CONCURRENTLY "Run_status_idx" ON "Run"("status");'),
      findings: [{ line: 2, message: 'runs inside a transaction (prisma migrate sends migration.sql as one script' }],
    },
    {
      name: 'drizzle: CONCURRENTLY inside the migrator\'s transaction',
      filename: DRIZZLE,
      code: lines('CREATE INDEX CONCURRENTLY IF NOT EXISTS "runs_status_idx" ON "runs" USING btree ("status");'),
      findings: [{ line: 1, message: "drizzle-kit's migrator runs pending migrations in a transaction" }],
    },
    {
      name: 'SQL: an explicit BEGIN ... COMMIT around DROP INDEX CONCURRENTLY',
      filename: 'migrations/010_drop.sql',
      code: lines('BEGIN;', 'DROP INDEX CONCURRENTLY IF EXISTS "jobs_old_idx";', 'COMMIT;'),
      findings: [{ line: 2, message: 'DROP INDEX CONCURRENTLY "jobs_old_idx" runs inside a transaction' }],
    },
    {
      name: 'knex (CommonJS): knex.raw CREATE INDEX in a transactional migration (quick fix adds CONCURRENTLY and config.transaction = false)',
      filename: KNEX,
      code: lines(
        'exports.up = async function (knex) {',
        `  await knex.raw("SET LOCAL lock_timeout = '5s'");`,
        "  await knex.raw('CREATE INDEX orders_user_id_idx ON orders (user_id)');",
        '};',
        '',
        'exports.down = async function (knex) {',
        "  await knex.raw('DROP INDEX orders_user_id_idx');",
        '};',
      ),
      findings: [{ line: 3, message: 'CREATE INDEX "orders_user_id_idx" ON "orders" takes a SHARE lock', column: 19 }],
      output: lines(
        'exports.up = async function (knex) {',
        `  await knex.raw("SET LOCAL lock_timeout = '5s'");`,
        "  await knex.raw('CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id)');",
        '};',
        '',
        'exports.down = async function (knex) {',
        "  await knex.raw('DROP INDEX orders_user_id_idx');",
        '};',
        '',
        'exports.config = { transaction: false };',
      ),
    },
    {
      name: 'knex (ESM TypeScript): an index built through the schema builder on an existing table',
      filename: KNEX_TS,
      code: lines(
        "import type { Knex } from 'knex';",
        'export async function up(knex: Knex): Promise<void> {',
        `  await knex.raw("SET LOCAL lock_timeout = '5s'");`,
        "  await knex.schema.alterTable('orders', (table) => {",
        "    table.index(['status']);",
        '  });',
        '}',
        'export async function down(knex: Knex): Promise<void> {}',
      ),
      findings: [{ line: 5, message: 'an index on "orders"' }],
    },
    {
      name: 'TypeORM: queryRunner.query with a foreign key and no lock_timeout (the lock_timeout fix adds SET LOCAL before)',
      filename: TYPEORM,
      code: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`ALTER TABLE "post" ADD CONSTRAINT "FK_post_author" FOREIGN KEY ("authorId") REFERENCES "user"("id")`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`ALTER TABLE "post" DROP CONSTRAINT "FK_post_author"`);',
        '  }',
        '}',
      ),
      findings: [
        { line: 4, message: 'SHARE ROW EXCLUSIVE lock on "post"' },
        { line: 4, message: 'with no lock_timeout' },
      ],
    },
    {
      name: 'TypeORM: CREATE INDEX CONCURRENTLY inside the migration transaction (quick fix: transaction = false)',
      filename: TYPEORM,
      code: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_post_title" ON "post" ("title")`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`DROP INDEX CONCURRENTLY "IDX_post_title"`);',
        '  }',
        '}',
      ),
      findings: [{ line: 4, message: 'TypeORM runs migrations in one transaction' }],
      output: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  transaction = false;',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_post_title" ON "post" ("title")`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`DROP INDEX CONCURRENTLY "IDX_post_title"`);',
        '  }',
        '}',
      ),
    },
    {
      name: 'Sequelize: queryInterface.sequelize.query with SET NOT NULL, and addIndex without concurrently',
      filename: SEQUELIZE,
      code: lines(
        "'use strict';",
        'module.exports = {',
        '  async up(queryInterface, Sequelize) {',
        `    await queryInterface.sequelize.query("SET lock_timeout = '5s'");`,
        '    await queryInterface.sequelize.query(\'ALTER TABLE "Users" ALTER COLUMN "email" SET NOT NULL\');',
        "    await queryInterface.addIndex('Users', ['createdAt']);",
        '  },',
        '  async down(queryInterface) {',
        "    await queryInterface.removeIndex('Users', ['createdAt']);",
        '  },',
        '};',
      ),
      findings: [
        { line: 5, message: 'SET NOT NULL takes an ACCESS EXCLUSIVE lock on "Users"' },
        { line: 6, message: 'an index on "Users"' },
      ],
    },
    {
      name: 'MikroORM: this.addSql with a column type change, SQL split over a concatenation of literals',
      filename: MIKRO,
      code: lines(
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240301120000 extends Migration {',
        '  async up(): Promise<void> {',
        `    this.addSql("SET LOCAL lock_timeout = '5s';");`,
        '    this.addSql(\'alter table "order_item" \' + \'alter column "quantity" type numeric;\');',
        '  }',
        '}',
      ),
      findings: [{ line: 5, message: 'ALTER TABLE "order_item" ALTER COLUMN "quantity" TYPE numeric' }],
    },
  ],
  valid: [
    {
      name: 'SQL with explicit transactions: NOT VALID committed, then VALIDATE in its own transaction',
      filename: 'migrations/006_fk.sql',
      code: lines(
        'BEGIN;',
        "SET LOCAL lock_timeout = '5s';",
        'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
        'COMMIT;',
        'BEGIN;',
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
        'COMMIT;',
      ),
    },
    {
      name: 'Prisma: a table created and indexed in the same migration, with its foreign keys',
      filename: PRISMA,
      code: lines(
        'CREATE TABLE "Invoice" ("id" TEXT NOT NULL, "userId" TEXT NOT NULL, CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id"));',
        'CREATE INDEX "Invoice_userId_idx" ON "Invoice"("userId");',
        'CREATE UNIQUE INDEX "Invoice_id_userId_key" ON "Invoice"("id", "userId");',
        'ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;',
      ),
    },
    {
      name: 'Prisma: CREATE INDEX CONCURRENTLY alone in its migration (one statement: no implicit transaction)',
      filename: PRISMA,
      code: lines('-- CreateIndex', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "TaskRun_status_idx" ON "TaskRun"("status");'),
    },
    {
      name: 'SQL: NOT VALID, then VALIDATE CONSTRAINT',
      filename: 'migrations/004_fk.sql',
      code: lines(
        'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
        'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;',
      ),
    },
    {
      name: 'SQL: SET NOT NULL after a validated CHECK (col IS NOT NULL)',
      filename: 'migrations/005_not_null.sql',
      code: lines(
        TIMEOUT,
        'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;',
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      ),
    },
    {
      name: 'Prisma: nullable columns, a constant default and now() (no rewrite since PostgreSQL 11)',
      filename: PRISMA,
      code: lines(
        'ALTER TABLE "User" ADD COLUMN "bio" TEXT;',
        'ALTER TABLE "User" ADD COLUMN "role" TEXT NOT NULL DEFAULT \'USER\';',
        'ALTER TABLE "User" ADD COLUMN "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;',
        'ALTER TABLE "User" ADD COLUMN "checkedAt" TIMESTAMPTZ DEFAULT now();',
        'ALTER TABLE "User" ALTER COLUMN "bio" DROP NOT NULL;',
      ),
    },
    {
      name: 'SQL: UNIQUE USING INDEX built concurrently first (separate migration), no transaction tool',
      filename: 'migrations/006_unique.sql',
      code: lines(TIMEOUT, 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;'),
    },
    {
      name: 'knex: CONCURRENTLY with config.transaction = false (CommonJS)',
      filename: KNEX,
      code: lines(
        'exports.config = { transaction: false };',
        'exports.up = (knex) => knex.raw("CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)");',
        'exports.down = (knex) => knex.raw("DROP INDEX CONCURRENTLY orders_status_idx");',
      ),
    },
    {
      name: 'knex: a new table with its indexes through the schema builder',
      filename: KNEX_TS,
      code: lines(
        "import type { Knex } from 'knex';",
        'export async function up(knex: Knex): Promise<void> {',
        "  await knex.schema.createTable('invoices', (table) => {",
        "    table.increments('id');",
        "    table.string('number').index();",
        '  });',
        '}',
        'export async function down(knex: Knex): Promise<void> {',
        "  await knex.schema.dropTable('invoices');",
        '}',
      ),
    },
    {
      name: 'TypeORM: CONCURRENTLY with transaction = false',
      filename: TYPEORM,
      code: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  transaction = false;',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_post_title" ON "post" ("title")`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`DROP INDEX CONCURRENTLY "IDX_post_title"`);',
        '  }',
        '}',
      ),
    },
    {
      name: 'TypeORM: a table created and indexed in the same migration',
      filename: TYPEORM,
      code: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE TABLE "tag" ("id" SERIAL NOT NULL, "name" varchar NOT NULL, CONSTRAINT "PK_tag" PRIMARY KEY ("id"))`);',
        '    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_tag_name" ON "tag" ("name")`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`DROP TABLE "tag"`);',
        '  }',
        '}',
      ),
    },
    {
      name: 'Sequelize: addIndex with concurrently: true (Sequelize runs migrations without a transaction)',
      filename: SEQUELIZE,
      code: lines(
        'module.exports = {',
        '  up: async (queryInterface) => {',
        "    await queryInterface.addIndex('Users', ['createdAt'], { concurrently: true });",
        '  },',
        '  down: async (queryInterface) => {',
        "    await queryInterface.removeIndex('Users', ['createdAt']);",
        '  },',
        '};',
      ),
    },
    {
      name: 'Not a migration: the same SQL in application code',
      filename: 'src/reports/indexes.ts',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        "export const rebuild = () => pool.query('CREATE INDEX orders_user_id_idx ON orders (user_id)');",
      ),
    },
    {
      name: 'MikroORM: a new table and its index; SQL built at run time is not analysed',
      filename: MIKRO,
      code: lines(
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240301120000 extends Migration {',
        '  async up(): Promise<void> {',
        '    this.addSql(\'create table if not exists "tax_rate" ("id" text not null, "rate" numeric null, constraint "tax_rate_pkey" primary key ("id"));\');',
        '    this.addSql(\'CREATE INDEX IF NOT EXISTS "IDX_tax_rate_rate" ON "tax_rate" (rate);\');',
        '    const table = process.env.TABLE;',
        '    this.addSql(`create index on ${table} (id)`);',
        '  }',
        '}',
      ),
    },
    {
      name: 'MySQL: a migration that does not parse as PostgreSQL is not analysed',
      filename: PRISMA,
      code: lines('ALTER TABLE `User` ADD INDEX `User_email_idx`(`email`);'),
    },
    {
      name: 'SQL: a suppression comment with a reason',
      filename: PRISMA,
      code: lines(TIMEOUT, '-- preflight-disable-next-line blocking-migration -- the table holds 20 rows: one per plan', 'CREATE INDEX "Plan_name_idx" ON "Plan"("name");'),
    },
  ],
});

describe('blocking-migration fixes', () => {
  before(() => loadSqlParser());

  it('sets lock_timeout at the top of a SQL migration, and the lock_timeout finding is gone', () => {
    const code = lines('ALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total >= 0);');
    const timeout = findingsOf(blockingMigration, code, 'db/migrations/0007_check.sql').find((f) => f.message.includes('lock_timeout'));
    assert.ok(timeout?.fixes[0], 'a lock_timeout fix');
    const fixed = applyFix(code, timeout.fixes[0]);
    assert.equal(fixed, lines(TIMEOUT, 'ALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total >= 0);'));
    assert.deepEqual(
      findingsOf(blockingMigration, fixed, 'db/migrations/0007_check.sql').map((f) => f.message.includes('lock_timeout')),
      [false],
    );
  });

  it('sets LOCAL lock_timeout through the migration\'s own SQL call in a TypeORM migration', () => {
    const code = lines(
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      'export class Change1709294400000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      '    await queryRunner.query(`ALTER TABLE "post" ALTER COLUMN "title" SET NOT NULL`);',
      '  }',
      '}',
    );
    const timeout = findingsOf(blockingMigration, code, TYPEORM).find((f) => f.message.includes('lock_timeout'));
    const fixed = applyFix(code, timeout!.fixes[0]!);
    assert.ok(fixed.includes(`    await queryRunner.query("SET LOCAL lock_timeout = '5s'");\n    await queryRunner.query(\`ALTER TABLE`), fixed);
  });

  it('maps a statement inside a literal back to its offsets in the file', () => {
    const code = lines('exports.up = (knex) => knex.raw(`', "  SET lock_timeout = '5s';", '  CREATE INDEX orders_idx ON orders (id);', '`);', 'exports.down = () => {};');
    const [finding] = findingsOf(blockingMigration, code, SEQUELIZE.replace('-change', '-index'));
    assert.equal(finding?.range.start.line, 2);
    assert.equal(finding?.range.start.character, 2);
    assert.equal(code.slice(finding!.startOffset, finding!.endOffset), 'CREATE INDEX orders_idx ON orders (id)');
  });

  it('NOT VALID in a Prisma migration puts VALIDATE in a new migration one second later: in the same script it would run under the lock the ADD took', () => {
    const code = lines(TIMEOUT, 'ALTER TABLE "Order" ADD CONSTRAINT "Order_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id");');
    const { findings, dir } = analyzeCase(blockingMigration, code, PRISMA);
    const fix = findings.flatMap((finding) => finding.fixes).find((candidate) => candidate.title.startsWith('Add NOT VALID'));
    assert.ok(fix, 'a NOT VALID fix');
    assert.equal(fix.title, 'Add NOT VALID, and VALIDATE CONSTRAINT in a new migration right after this one');
    const created = applyFixToFiles(fix, dir);
    assert.deepEqual(Object.keys(created), ['prisma/migrations/20240301120001_validate_order_accountid_fkey/migration.sql']);
    const validation = Object.values(created)[0]!;
    assert.ok(validation.includes('ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_accountId_fkey";'), validation);
    // The new migration has nothing left to flag, and the fixed one no foreign key validated at once.
    assert.deepEqual(findingsOf(blockingMigration, validation, 'prisma/migrations/20240301120001_validate_order_accountid_fkey/migration.sql'), []);
    assert.deepEqual(findingsOf(blockingMigration, applyFix(code, fix), PRISMA).map((finding) => finding.message).filter((message) => message.includes('SHARE ROW EXCLUSIVE')), []);
  });

  it('a migration run in a transaction whose folder layout is not known (drizzle) gets no NOT VALID fix: VALIDATE has nowhere safe to go', () => {
    const code = lines(TIMEOUT, 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);');
    const titles = (filename: string) => findingsOf(blockingMigration, code, filename).flatMap((finding) => finding.fixes.map((fix) => fix.title));
    assert.ok(titles(DRIZZLE).every((title) => !title.startsWith('Add NOT VALID')), 'drizzle runs each migration in a transaction');
  });
});
