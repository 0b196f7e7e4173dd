import { destructiveOperationsOf, type DestructiveOperation } from '../facts/migration-operations';
import { createRule, type MigrationRuleContext } from './rule';

const DOCS = 'https://www.postgresql.org/docs/current/sql-altertable.html';

export const destructiveMigration = createRule({
  meta: {
    id: 'destructive-migration',
    title: 'Migration drops or renames what the running version reads',
    category: 'migrations',
    defaultSeverity: 'warning',
    summary: [
      'A migration that drops or renames a table or column runs while the previous version of the application is still serving traffic: during a rolling deploy, and again after a rollback.',
      "That version's queries still name the old table or column, and fail with `column does not exist` until the last old instance is gone; a dropped column's data cannot be brought back.",
    ].join(' '),
    explanation: [
      'A deploy is not instant. The migration runs first (or beside the new instances), and for the minutes that the',
      'rollout takes, instances of the previous version keep serving requests. Everything they do was written against',
      'the old schema: their ORM selects every column of the model by name, their inserts name every column, their',
      'raw queries name the table.',
      '',
      '- `DROP COLUMN` / `DROP TABLE`: every query of the old version that names it fails (`column "x" does not exist`,',
      '  `relation "t" does not exist`): reads and writes of that model are errors until the rollout ends. A rollback',
      '  to the old version fails the same way, and the data is gone.',
      '- `RENAME COLUMN` / `RENAME TO`: the same errors for the old name, and the new version\'s queries failed before',
      '  the migration ran, if its instances started first.',
      '',
      'Tables the migration creates itself are new: no running version reads them.',
      '',
      '**Which version is running.** For a SQL migration in a git repository, Preflight looks at the version it is',
      'deployed on top of: for a migration that is not committed yet, or committed on a branch, the merge base with the',
      'default branch (`origin/HEAD`, `main`, `master`); for one the default branch already has, the parent (on its',
      'first-parent line) of the commit that brought it. A drop that version never names is a contract step and is not',
      'flagged: with a Prisma schema beside the migrations, a table none of whose accessors (`prisma.plan.`), quoted name',
      '(raw SQL) or relation fields appear in that version\'s code, and a column that version\'s schema no longer',
      'declares (a Prisma client selects every declared column); without one, a name that appears nowhere in its code.',
      'Outside git, or when git cannot tell, every such drop is flagged. JS/TS migrations (knex, TypeORM, Sequelize)',
      'are judged without history for now.',
    ].join('\n'),
    shortFix: [
      'Expand, then contract: deploy code that no longer reads or writes the column (or reads both names), then drop or rename it in a later migration.',
      'Rename by adding the new column, writing both, backfilling, moving reads, and dropping the old one last.',
    ].join('\n'),
    fix: [
      'Split the change over deploys so that every version running at any moment works with the schema:',
      '',
      '1. **Expand**: add the new table or column (nullable, or with a default). Deploy code that writes both and',
      '   still reads the old one.',
      '2. **Migrate**: backfill the new column in batches. Deploy code that reads the new one.',
      '3. **Contract**: deploy code that no longer names the old column at all (for Prisma, remove the field from the',
      '   schema; for TypeORM and Sequelize, from the entity or model, so that `SELECT *`-style selects drop it), and',
      '   only then, in a later migration, `DROP COLUMN` / `DROP TABLE`.',
      '',
      'A rename is an expand and a contract: never rename in place on a table the running version reads. A table can',
      'keep its old name for the old version through a view (`CREATE VIEW old_name AS SELECT * FROM new_name`).',
      '',
      `PostgreSQL documentation: [ALTER TABLE](${DOCS}), [DROP TABLE](https://www.postgresql.org/docs/current/sql-droptable.html).`,
    ].join('\n'),
    notFlagged: [
      'Drops and renames of tables the same migration creates.',
      'Drops of indexes, constraints, types and functions: the application does not name them in its queries (the locks they take are `blocking-migration`\'s business).',
      'The `down` of a JS/TS migration: it undoes the `up` on purpose.',
      'Statements that do not parse as PostgreSQL, and SQL built at run time: not analysed.',
    ],
    exampleLanguage: 'sql',
    examples: [
      {
        bad: ['-- AlterTable', 'ALTER TABLE "User" DROP COLUMN "legacyPlan";'].join('\n'),
        good: ['-- The release before this one stopped reading "legacyPlan"; this migration only contracts.', '-- preflight-disable-next-line destructive-migration -- contract step: no running version reads legacyPlan since release 4.2', 'ALTER TABLE "User" DROP COLUMN "legacyPlan";'].join('\n'),
      },
      {
        bad: ['ALTER TABLE "Order" RENAME COLUMN "total" TO "totalCents";'].join('\n'),
        good: ['ALTER TABLE "Order" ADD COLUMN "totalCents" INTEGER;', '-- backfill in batches, then move reads, then drop "total" in a later migration'].join('\n'),
      },
    ],
  },
  create() {
    return {};
  },
  migration(context) {
    for (const operation of destructiveOperationsOf(context.migration)) {
      // A contract step: the running version no longer names what this removes.
      if (context.previousVersion?.reads(operation) === false) continue;
      report(context, operation);
    }
  },
});

function spanOf(operation: DestructiveOperation): { start: number; end: number } {
  if (operation.statement) return { start: operation.statement.start, end: operation.statement.end };
  return { start: operation.builder!.node.getStart(), end: operation.builder!.node.getEnd() };
}

function messageOf(operation: DestructiveOperation): string {
  const table = `"${operation.table}"`;
  const column = operation.column ? `"${operation.column}"` : 'a column';
  switch (operation.kind) {
    case 'drop-column':
      return `Drops column ${column} of ${table}, which the version still running during the deploy reads and writes: its queries on ${table} fail with "column ${operation.column ?? ''} does not exist" until the rollout ends, and a rollback cannot bring the data back. Expand/contract: first deploy code that no longer uses ${column}, then drop it in a later migration.`;
    case 'drop-table':
      return `Drops table ${table}, which the version still running during the deploy reads: its queries fail with "relation ${operation.table} does not exist" until the rollout ends, and a rollback cannot bring the data back. Expand/contract: first deploy code that no longer uses ${table}, then drop it in a later migration.`;
    case 'rename-column':
      return `Renames column ${column} of ${table} to "${operation.newName ?? '?'}": the version still running during the deploy names ${column} and its queries fail until the rollout ends. Expand/contract: add "${operation.newName ?? 'the new column'}", write both, backfill, move reads, then drop ${column} in a later migration.`;
    case 'rename-table':
      return `Renames table ${table}${operation.newName ? ` to "${operation.newName}"` : ''}: the version still running during the deploy names ${table} and its queries fail until the rollout ends. Expand/contract: create the new table (or keep a view named ${table}), move the code over, then drop the old name in a later migration.`;
  }
}

function report(context: MigrationRuleContext, operation: DestructiveOperation): void {
  context.report({ ...spanOf(operation), message: messageOf(operation) });
}
