import { Node } from 'ts-morph';
import { changesExistingState } from '../facts/migration-operations';
import type { DownFunction } from '../facts/migrations';
import { createRule } from './rule';

export const irreversibleMigration = createRule({
  meta: {
    id: 'irreversible-migration',
    title: 'Migration that changes existing schema has no working down',
    category: 'migrations',
    defaultSeverity: 'info',
    summary: [
      'A JS/TS migration whose `down` is missing, empty or throws cannot be rolled back: when the release has to be reverted, `migrate:down` / `migration:revert` does nothing or fails.',
      'The rollback then means restoring a backup or writing SQL by hand during the incident, while the reverted code runs against the new schema.',
    ].join(' '),
    explanation: [
      'knex, TypeORM, Sequelize and MikroORM run a migration\'s `up` on deploy and its `down` on rollback',
      '(`knex migrate:down`, `typeorm migration:revert`, `sequelize db:migrate:undo`, `mikro-orm migration:down`). When',
      'a release goes wrong, the plan is to roll the code back, and the schema with it.',
      '',
      'A `down` that is missing, empty or only throws breaks that plan at the worst moment: the revert either fails',
      'or reports success and changes nothing, and the previous version of the code runs against a schema it was not',
      'written for (a column it does not know as NOT NULL, a type it cannot read, an index it does not expect). The fix',
      'is then hand-written SQL under incident pressure, or a restore that loses the data written since.',
      '',
      'A migration that only creates new tables (and their indexes) is not flagged: the old version ignores them.',
      'A migration whose change cannot be undone (a dropped column\'s data) should say so in its `down` with a clear',
      'error and a suppression comment with the reason, so that the rollback plan accounts for it.',
    ].join('\n'),
    shortFix: [
      'Write a `down` that undoes the `up`, in reverse order: drop what it added, restore what it changed.',
      'If it truly cannot be undone, suppress the finding with the reason, and write the manual rollback in the runbook.',
    ].join('\n'),
    fix: [
      'Write the inverse of each change in `down`, in reverse order:',
      '',
      '- an added column or index: drop it; a created table: drop it;',
      '- a changed type, default or NOT NULL: change it back;',
      '- a renamed column or table: rename it back;',
      '- a data backfill: usually nothing (the old code ignores the new values), say so in a comment.',
      '',
      'A dropped column or table cannot be brought back with its data: keep it (expand/contract, see',
      '`destructive-migration`) until no rollback can need it, and say so in the suppression\'s reason.',
    ].join('\n'),
    notFlagged: [
      'SQL migration files (Prisma, drizzle, plain `migrations/*.sql`): their tools have no `down`; a rollback there is a new migration.',
      'Migrations that only create new tables and their indexes.',
      'A `down` with any statement that is not a `throw`: whether it undoes everything is not checked.',
    ],
    exampleLanguage: 'js',
    examples: [
      {
        bad: [
          'exports.up = async function (knex) {',
          "  await knex.schema.alterTable('orders', (table) => {",
          "    table.string('currency', 3).notNullable().defaultTo('EUR');",
          '  });',
          '};',
          '',
          'exports.down = async function () {};',
        ].join('\n'),
        good: [
          'exports.up = async function (knex) {',
          "  await knex.schema.alterTable('orders', (table) => {",
          "    table.string('currency', 3).notNullable().defaultTo('EUR');",
          '  });',
          '};',
          '',
          'exports.down = async function (knex) {',
          "  await knex.schema.alterTable('orders', (table) => {",
          "    table.dropColumn('currency');",
          '  });',
          '};',
        ].join('\n'),
      },
    ],
  },
  create() {
    return {};
  },
  migration(context) {
    const { migration } = context;
    if (!migration.down || migration.down.state === 'present') return;
    if (!changesExistingState(migration)) return;
    const anchor = anchorOf(migration.down);
    context.report({ start: anchor.getStart(), end: anchor.getEnd(), message: messageOf(migration.down, migration.tool) });
  },
});

const REVERT_COMMAND: Readonly<Record<string, string>> = {
  knex: 'knex migrate:down',
  typeorm: 'typeorm migration:revert',
  sequelize: 'sequelize db:migrate:undo',
  'mikro-orm': 'mikro-orm migration:down',
};

/** The name of the down function (or of the class or `up` function when there is no down). */
function anchorOf(down: DownFunction): Node {
  const node = down.node;
  if (Node.isClassDeclaration(node) || Node.isMethodDeclaration(node) || Node.isFunctionDeclaration(node)) return node.getNameNode() ?? node;
  const parent = node.getParent();
  if (parent && Node.isPropertyAssignment(parent)) return parent.getNameNode();
  if (parent && Node.isVariableDeclaration(parent)) return parent.getNameNode();
  if (parent && Node.isBinaryExpression(parent)) return parent.getLeft();
  return node;
}

function messageOf(down: DownFunction, tool: string): string {
  const revert = REVERT_COMMAND[tool] ?? 'the rollback';
  const state = down.state === 'missing' ? 'has no down' : down.state === 'empty' ? 'has an empty down' : 'has a down that only throws';
  return `This migration changes existing tables but ${state}: when the release is rolled back, ${revert} ${down.state === 'throws' ? 'fails' : 'changes nothing'}, and the previous version runs against the new schema. Write a down that undoes the up in reverse order, or suppress with the reason it cannot be undone.`;
}
