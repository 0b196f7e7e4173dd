import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from 'preflight-server';
import { buildChecklistReport } from 'preflight-server/out/checklist/report';
import { checklistMarkdown } from 'preflight-server/out/checklist/markdown';
import type { ChecklistReport } from 'preflight-server/out/checklist/types';
import { GitRepo, requireGit } from './git-fixture';

describe('checklist: the Migrations section and migration-with-code', function () {
  this.timeout(60_000);
  let git: GitRepo;
  let report: ChecklistReport;

  before(async () => {
    requireGit();
    git = GitRepo.init(
      {
        'package.json': JSON.stringify({ name: 'svc', dependencies: { '@prisma/client': '^5', knex: '^3' } }, null, 2),
        'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Order" ("id" TEXT NOT NULL, "userId" TEXT NOT NULL);\nCREATE INDEX "Order_id_idx" ON "Order"("id");\n',
        'src/orders.ts': 'export function total(a: number, b: number) {\n  return a + b;\n}\n',
      },
      'main',
    );
    git.git('checkout', '-q', '-b', 'feature/index');
    git.write({
      'prisma/migrations/20240301000000_order_user_index/migration.sql': '-- CreateIndex\nCREATE INDEX "Order_userId_idx" ON "Order"("userId");\n',
      'db/migrations/20240301000001_add_note.js': "exports.up = (knex) => knex.raw('ALTER TABLE orders ADD COLUMN note text');\nexports.down = (knex) => knex.raw('ALTER TABLE orders DROP COLUMN note');\n",
      'db/migrations/helpers.js': 'exports.columns = () => ["note"];\n',
      'src/orders.ts': 'export function total(a: number, b: number, c: number) {\n  return a + b + c;\n}\n',
    });
    report = await buildChecklistReport({ root: git.dir, scope: 'changed', config: DEFAULT_CONFIG });
  });

  after(() => git?.remove());

  it('lists each migration of the change with the locks it takes and its findings', () => {
    const section = report.sections.find((candidate) => candidate.category === 'migrations')!;
    assert.equal(section.status, 'fail');
    assert.deepEqual(
      section.migrations?.map((m) => `${m.file} ${m.tool} ${m.locks.map((lock) => `${lock.lock}:${lock.table}:${lock.line}`).join(',')} ${m.findings}`),
      ['db/migrations/20240301000001_add_note.js knex  0', 'prisma/migrations/20240301000000_order_user_index/migration.sql prisma SHARE:Order:2 2'],
    );
    assert.deepEqual(section.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`), [
      'prisma/migrations/20240301000000_order_user_index/migration.sql:2 blocking-migration',
      'prisma/migrations/20240301000000_order_user_index/migration.sql:2 blocking-migration',
    ]);
  });

  it('renders the migrations in the Markdown export', () => {
    const markdown = checklistMarkdown(report);
    assert.ok(markdown.includes('- `prisma/migrations/20240301000000_order_user_index/migration.sql` (prisma): SHARE on "Order"; 2 findings'), markdown);
    assert.ok(markdown.includes('- `db/migrations/20240301000001_add_note.js` (knex): no long lock on an existing table; no finding'), markdown);
  });

  it('migration-with-code reads the same facts: a helper beside the migrations is application code', () => {
    const check = report.projectChecks.find((candidate) => candidate.id === 'migration-with-code')!;
    assert.equal(check.status, 'warn');
    assert.deepEqual(check.evidence.map((e) => `${e.file} ${e.text}`), [
      'db/migrations/20240301000001_add_note.js migration (knex)',
      'prisma/migrations/20240301000000_order_user_index/migration.sql migration (prisma)',
      'db/migrations/helpers.js application code',
      'src/orders.ts application code',
    ]);
  });
});
