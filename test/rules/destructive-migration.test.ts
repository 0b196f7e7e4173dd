import { destructiveMigration } from 'preflight-server/out/rules/destructive-migration';
import { testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const PRISMA = 'prisma/migrations/20240301120000_change/migration.sql';
const KNEX = 'migrations/20240301120000_change.js';
const TYPEORM = 'src/migrations/1709294400000-Change.ts';
const SEQUELIZE = 'migrations/20240301120000-change.js';
const MIKRO = 'src/migrations/Migration20240301120000.ts';

testRule(destructiveMigration, {
  invalid: [
    {
      name: 'Prisma: DROP COLUMN of an existing table',
      filename: PRISMA,
      code: lines('-- AlterTable', 'ALTER TABLE "User" DROP COLUMN "legacyPlan";'),
      findings: [{ line: 2, message: 'Drops column "legacyPlan" of "User"' }],
    },
    {
      name: 'Prisma: two columns dropped in one ALTER TABLE',
      filename: PRISMA,
      code: lines('ALTER TABLE "Order" DROP COLUMN "currency",', 'DROP COLUMN "symbol";'),
      findings: [
        { line: 1, message: 'Drops column "currency"' },
        { line: 1, message: 'Drops column "symbol"' },
      ],
    },
    {
      name: 'Prisma: DROP TABLE',
      filename: PRISMA,
      code: lines('-- DropTable', 'DROP TABLE "Banner";'),
      findings: [{ line: 2, message: 'Drops table "Banner"' }],
    },
    {
      name: 'SQL: RENAME COLUMN, with the expand/contract sequence',
      filename: 'migrations/0009_rename.sql',
      code: lines('ALTER TABLE orders RENAME COLUMN total TO total_cents;'),
      findings: [{ line: 1, message: 'Expand/contract: add "total_cents", write both, backfill' }],
    },
    {
      name: 'drizzle: RENAME TO',
      filename: 'drizzle/0003_rename.sql',
      code: lines('ALTER TABLE "users" RENAME TO "accounts";'),
      findings: [{ line: 1, message: 'Renames table "users" to "accounts"' }],
    },
    {
      name: 'knex: dropColumn through the schema builder',
      filename: KNEX,
      code: lines(
        'exports.up = async (knex) => {',
        "  await knex.schema.alterTable('users', (table) => {",
        "    table.dropColumn('nickname');",
        '  });',
        '};',
        'exports.down = async (knex) => {',
        "  await knex.schema.alterTable('users', (table) => table.string('nickname'));",
        '};',
      ),
      findings: [{ line: 3, message: 'Drops column "nickname" of "users"' }],
    },
    {
      name: 'knex: knex.schema.dropTable',
      filename: KNEX,
      code: lines('exports.up = (knex) => knex.schema.dropTable(\'sessions\');', 'exports.down = () => {};'),
      findings: [{ line: 1, message: 'Drops table "sessions"' }],
    },
    {
      name: 'TypeORM: queryRunner.query DROP COLUMN and queryRunner.renameColumn',
      filename: TYPEORM,
      code: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`ALTER TABLE "post" DROP COLUMN "legacy"`);',
        "    await queryRunner.renameColumn('post', 'title', 'headline');",
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {}',
        '}',
      ),
      findings: [
        { line: 4, message: 'Drops column "legacy" of "post"' },
        { line: 5, message: 'Renames column "title" of "post"' },
      ],
    },
    {
      name: 'Sequelize: removeColumn and dropTable',
      filename: SEQUELIZE,
      code: lines(
        'module.exports = {',
        '  async up(queryInterface) {',
        "    await queryInterface.removeColumn('Users', 'legacyId');",
        "    await queryInterface.dropTable('Tokens');",
        '  },',
        '  async down() {},',
        '};',
      ),
      findings: [
        { line: 3, message: 'Drops column "legacyId" of "Users"' },
        { line: 4, message: 'Drops table "Tokens"' },
      ],
    },
    {
      name: 'MikroORM: this.addSql drop column',
      filename: MIKRO,
      code: lines(
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240301120000 extends Migration {',
        '  async up(): Promise<void> {',
        '    this.addSql(\'alter table if exists "store" drop column if exists "default_currency_code";\');',
        '  }',
        '}',
      ),
      findings: [{ line: 4, message: 'Drops column "default_currency_code" of "store"' }],
    },
  ],
  valid: [
    {
      name: 'Prisma: adding columns and tables',
      filename: PRISMA,
      code: lines('ALTER TABLE "User" ADD COLUMN "plan" TEXT;', 'CREATE TABLE "Plan" ("id" TEXT NOT NULL, CONSTRAINT "Plan_pkey" PRIMARY KEY ("id"));'),
    },
    {
      name: 'Prisma: drops of indexes, constraints and types',
      filename: PRISMA,
      code: lines('ALTER TABLE "Order" DROP CONSTRAINT "Order_userId_fkey";', 'DROP INDEX "Order_userId_idx";', 'DROP TYPE "OldStatus";'),
    },
    {
      name: 'SQL: a table created and renamed in the same migration',
      filename: 'migrations/0010_swap.sql',
      code: lines('CREATE TABLE orders_new (id bigint primary key);', 'ALTER TABLE orders_new RENAME COLUMN id TO order_id;', 'DROP TABLE orders_new;'),
    },
    {
      name: 'Prisma: DROP TABLE IF EXISTS before creating it again (a set-up)',
      filename: PRISMA,
      code: lines('DROP TABLE IF EXISTS "Cache";', 'CREATE TABLE "Cache" ("key" TEXT NOT NULL);'),
    },
    {
      name: 'knex: the down drops what the up created',
      filename: KNEX,
      code: lines(
        "exports.up = (knex) => knex.schema.createTable('audit', (table) => { table.increments('id'); });",
        "exports.down = (knex) => knex.schema.dropTable('audit');",
      ),
    },
    {
      name: 'TypeORM: the down drops the column the up added',
      filename: TYPEORM,
      code: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`ALTER TABLE "post" ADD "legacy" varchar`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`ALTER TABLE "post" DROP COLUMN "legacy"`);',
        '  }',
        '}',
      ),
    },
    {
      name: 'Sequelize: addColumn, and a removeColumn in down',
      filename: SEQUELIZE,
      code: lines(
        'module.exports = {',
        "  up: (queryInterface, Sequelize) => queryInterface.addColumn('Users', 'plan', Sequelize.STRING),",
        "  down: (queryInterface) => queryInterface.removeColumn('Users', 'plan'),",
        '};',
      ),
    },
    {
      name: 'Not a migration: a DROP TABLE in a script outside migration folders',
      filename: 'scripts/reset.ts',
      code: lines("import { Client } from 'pg';", 'const client = new Client();', "export const reset = () => client.query('DROP TABLE sessions');"),
    },
    {
      name: 'MikroORM: dropping a table the migration creates again (idempotent set-up)',
      filename: MIKRO,
      code: lines(
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240301120000 extends Migration {',
        '  async up(): Promise<void> {',
        "    this.addSql('drop table if exists notification');",
        '    this.addSql(\'create table if not exists "notification" ("id" text not null);\');',
        '  }',
        '}',
      ),
    },
    {
      name: 'SQL: a suppression comment on a contract step',
      filename: PRISMA,
      code: lines('-- preflight-disable-next-line destructive-migration -- contract: no release since 4.2 reads legacyPlan', 'ALTER TABLE "User" DROP COLUMN "legacyPlan";'),
    },
  ],
});
