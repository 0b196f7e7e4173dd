import { irreversibleMigration } from 'preflight-server/out/rules/irreversible-migration';
import { testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const KNEX = 'migrations/20240301120000_change.js';
const KNEX_TS = 'src/migrations/20240301120000_change.ts';
const TYPEORM = 'src/migrations/1709294400000-Change.ts';
const SEQUELIZE = 'migrations/20240301120000-change.js';
const MIKRO = 'src/migrations/Migration20240301120000.ts';

const TYPEORM_UP = [
  "import { MigrationInterface, QueryRunner } from 'typeorm';",
  'export class Change1709294400000 implements MigrationInterface {',
  '  public async up(queryRunner: QueryRunner): Promise<void> {',
  '    await queryRunner.query(`ALTER TABLE "post" ALTER COLUMN "title" TYPE text`);',
  '  }',
];

testRule(irreversibleMigration, {
  invalid: [
    {
      name: 'knex (CommonJS): an empty down after altering a table',
      filename: KNEX,
      code: lines(
        'exports.up = async function (knex) {',
        "  await knex.schema.alterTable('orders', (table) => {",
        "    table.string('currency', 3).notNullable().defaultTo('EUR');",
        '  });',
        '};',
        'exports.down = async function () {};',
      ),
      findings: [{ line: 6, message: 'has an empty down' }],
    },
    {
      name: 'knex: no down at all',
      filename: KNEX,
      code: lines("exports.up = (knex) => knex.raw('ALTER TABLE orders ADD COLUMN note text');"),
      findings: [{ line: 1, message: 'has no down: when the release is rolled back, knex migrate:down changes nothing' }],
    },
    {
      name: 'knex (ESM TypeScript): a down that throws',
      filename: KNEX_TS,
      code: lines(
        "import type { Knex } from 'knex';",
        "export async function up(knex: Knex): Promise<void> { await knex.schema.renameTable('orders', 'purchases'); }",
        "export async function down(): Promise<void> { throw new Error('irreversible'); }",
      ),
      findings: [{ line: 3, message: 'has a down that only throws' }],
    },
    {
      name: 'TypeORM: an empty down',
      filename: TYPEORM,
      code: lines(...TYPEORM_UP, '  public async down(queryRunner: QueryRunner): Promise<void> {}', '}'),
      findings: [{ line: 6, message: 'typeorm migration:revert changes nothing' }],
    },
    {
      name: 'TypeORM: no down method',
      filename: TYPEORM,
      code: lines(...TYPEORM_UP, '}'),
      findings: [{ line: 2, message: 'has no down' }],
    },
    {
      name: 'TypeORM: a down that throws',
      filename: TYPEORM,
      code: lines(...TYPEORM_UP, '  public async down(): Promise<void> {', "    throw new Error('Not reversible');", '  }', '}'),
      findings: [{ line: 6, message: 'fails' }],
    },
    {
      name: 'Sequelize: a down that returns Promise.resolve()',
      filename: SEQUELIZE,
      code: lines(
        'module.exports = {',
        "  up: (queryInterface, Sequelize) => queryInterface.changeColumn('Users', 'age', { type: Sequelize.INTEGER }),",
        '  down: () => Promise.resolve(),',
        '};',
      ),
      findings: [{ line: 3, message: 'sequelize db:migrate:undo changes nothing' }],
    },
    {
      name: 'Sequelize: an async down with no statements, after a data update',
      filename: SEQUELIZE,
      code: lines(
        'module.exports = {',
        '  async up(queryInterface) {',
        '    await queryInterface.sequelize.query(\'UPDATE "Users" SET "plan" = \\\'free\\\' WHERE "plan" IS NULL\');',
        '  },',
        '  async down() {},',
        '};',
      ),
      findings: [{ line: 5, message: 'has an empty down' }],
    },
    {
      name: 'MikroORM: no down after an ALTER of an existing table',
      filename: MIKRO,
      code: lines(
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240301120000 extends Migration {',
        '  async up(): Promise<void> {',
        '    this.addSql(\'alter table if exists "store" add column if not exists "name" text null;\');',
        '  }',
        '}',
      ),
      findings: [{ line: 2, message: 'mikro-orm migration:down' }],
    },
    {
      name: 'knex: module.exports.down is an empty arrow after a dropColumn',
      filename: KNEX,
      code: lines(
        "module.exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('nickname'); });",
        'module.exports.down = () => {};',
      ),
      findings: [{ line: 2, message: 'has an empty down' }],
    },
  ],
  valid: [
    {
      name: 'knex: a down that undoes the up',
      filename: KNEX,
      code: lines(
        "exports.up = (knex) => knex.schema.alterTable('orders', (t) => { t.string('currency'); });",
        "exports.down = (knex) => knex.schema.alterTable('orders', (t) => { t.dropColumn('currency'); });",
      ),
    },
    {
      name: 'knex: a migration that only creates a table has nothing to undo for the old version',
      filename: KNEX,
      code: lines("exports.up = (knex) => knex.schema.createTable('audit', (t) => { t.increments('id'); });", 'exports.down = () => {};'),
    },
    {
      name: 'TypeORM: a down with statements',
      filename: TYPEORM,
      code: lines(...TYPEORM_UP, '  public async down(queryRunner: QueryRunner): Promise<void> {', '    await queryRunner.query(`ALTER TABLE "post" ALTER COLUMN "title" TYPE varchar(200)`);', '  }', '}'),
    },
    {
      name: 'TypeORM: new table, its index and an enum type only',
      filename: TYPEORM,
      code: lines(
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Change1709294400000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        "    await queryRunner.query(`CREATE TYPE \"tag_kind\" AS ENUM ('a', 'b')`);",
        '    await queryRunner.query(`CREATE TABLE "tag" ("id" SERIAL NOT NULL, "kind" "tag_kind" NOT NULL)`);',
        '    await queryRunner.query(`CREATE INDEX "IDX_tag_kind" ON "tag" ("kind")`);',
        '  }',
        '  public async down(): Promise<void> {}',
        '}',
      ),
    },
    {
      name: 'Sequelize: a down that removes the added column',
      filename: SEQUELIZE,
      code: lines(
        'module.exports = {',
        "  up: (queryInterface, Sequelize) => queryInterface.addColumn('Users', 'plan', Sequelize.STRING),",
        "  down: (queryInterface) => queryInterface.removeColumn('Users', 'plan'),",
        '};',
      ),
    },
    {
      name: 'MikroORM: a down with addSql',
      filename: MIKRO,
      code: lines(
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240301120000 extends Migration {',
        '  async up(): Promise<void> {',
        '    this.addSql(\'alter table "store" add column "name" text null;\');',
        '  }',
        '  async down(): Promise<void> {',
        '    this.addSql(\'alter table "store" drop column "name";\');',
        '  }',
        '}',
      ),
    },
    {
      name: 'Prisma SQL migrations have no down',
      filename: 'prisma/migrations/20240301120000_change/migration.sql',
      code: lines('ALTER TABLE "User" DROP COLUMN "legacyPlan";'),
    },
    {
      name: 'Not a migration: a module with up/down exports outside migration folders',
      filename: 'src/scaling/steps.js',
      code: lines('exports.up = (knex) => knex.raw(\'ALTER TABLE orders ADD COLUMN note text\');', 'exports.down = () => {};'),
    },
    {
      name: 'MikroORM: a new module\'s tables only (create if not exists)',
      filename: MIKRO,
      code: lines(
        "import { Migration } from '@mikro-orm/migrations';",
        'export class Migration20240301120000 extends Migration {',
        '  async up(): Promise<void> {',
        '    this.addSql(\'create table if not exists "region" ("id" text not null, constraint "region_pkey" primary key ("id"));\');',
        '    this.addSql(\'create index if not exists "IDX_region_id" on "region" ("id");\');',
        '  }',
        '}',
      ),
    },
    {
      name: 'knex: a suppression with the reason the change cannot be undone',
      filename: KNEX,
      code: lines(
        "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('nickname'); });",
        '// preflight-disable-next-line irreversible-migration -- the dropped data cannot come back; rollback is a restore',
        'exports.down = () => {};',
      ),
    },
  ],
});
