import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { GitRepo, requireGit } from '../checklist/git-fixture';
import { cleanUp, locations, makeProject, parseJsonReport, runCli } from './helpers';

/** destructive-migration asks git which version runs while the migration deploys, and what it reads. */
describe('destructive-migration and the version still running (real git repositories, real CLI)', function () {
  this.timeout(120_000);
  const repos: GitRepo[] = [];
  const folders: string[] = [];
  before(requireGit);
  after(() => {
    repos.forEach((repo) => repo.remove());
    folders.forEach(cleanUp);
  });

  const SCHEMA_BEFORE = `model User {\n  id Int @id\n  name String\n  legacyPlan String?\n}\nmodel Plan {\n  id Int @id\n}\nmodel Coupon {\n  id Int @id\n  code String\n}\n`;
  const SCHEMA_AFTER = `model User {\n  id Int @id\n  name String\n}\nmodel Plan {\n  id Int @id\n}\n`;
  const CODE_BEFORE = `import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport const users = () => prisma.user.findMany();\nexport const plans = () => prisma.plan.findMany();\nexport const coupons = () => prisma.coupon.findMany();\n`;
  const CODE_AFTER = `import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport const users = () => prisma.user.findMany();\nexport const plans = () => prisma.plan.findMany();\n`;
  const CONTRACT = ['DROP TABLE "Coupon";', 'ALTER TABLE "User" DROP COLUMN "legacyPlan";', 'DROP TABLE "Plan";', 'ALTER TABLE "User" DROP COLUMN "name";', ''].join('\n');
  const MIGRATION = 'prisma/migrations/20260101000000_contract/migration.sql';

  function repoAfterCleanup(): GitRepo {
    const repo = GitRepo.init({ 'package.json': '{"name":"app"}', 'prisma/schema.prisma': SCHEMA_BEFORE, 'src/db.ts': CODE_BEFORE });
    repos.push(repo);
    repo.commit('stop reading Coupon and User.legacyPlan', { 'prisma/schema.prisma': SCHEMA_AFTER, 'src/db.ts': CODE_AFTER });
    return repo;
  }

  async function destructiveLines(dir: string): Promise<string[]> {
    const result = await runCli(['check', 'prisma', '--format', 'json'], dir);
    assert.equal(result.code === 2, false, result.stderr);
    return locations(parseJsonReport(result)).filter((l) => l.endsWith('destructive-migration'));
  }

  it('a new migration: drops of what the last deploy no longer names pass; what it still reads is flagged', async () => {
    const repo = repoAfterCleanup();
    repo.write({ [MIGRATION]: CONTRACT });
    assert.deepEqual(await destructiveLines(repo.dir), [`${MIGRATION}:3:1 destructive-migration`, `${MIGRATION}:4:1 destructive-migration`]);
  });

  it('a migration the default branch has had: judged against the parent of the commit that brought it', async () => {
    const repo = repoAfterCleanup();
    repo.commit('contract', { [MIGRATION]: CONTRACT });
    repo.commit('later work', { 'src/other.ts': 'export const x = 1;\n' });
    assert.deepEqual(await destructiveLines(repo.dir), [`${MIGRATION}:3:1 destructive-migration`, `${MIGRATION}:4:1 destructive-migration`]);
  });

  it('on a branch, code removed earlier on the same branch still runs in production: judged against the merge base', async () => {
    const repo = GitRepo.init({ 'package.json': '{"name":"app"}', 'prisma/schema.prisma': SCHEMA_BEFORE, 'src/db.ts': CODE_BEFORE });
    repos.push(repo);
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('stop reading Coupon', { 'prisma/schema.prisma': SCHEMA_AFTER, 'src/db.ts': CODE_AFTER });
    repo.commit('contract', { [MIGRATION]: CONTRACT });
    assert.deepEqual(await destructiveLines(repo.dir), [1, 2, 3, 4].map((line) => `${MIGRATION}:${line}:1 destructive-migration`));
  });

  it('outside git every drop is flagged', async () => {
    const dir = makeProject({ 'package.json': '{"name":"app"}', 'prisma/schema.prisma': SCHEMA_AFTER, 'src/db.ts': CODE_AFTER, [MIGRATION]: CONTRACT });
    folders.push(dir);
    assert.equal(fs.existsSync(`${dir}/.git`), false);
    assert.deepEqual(await destructiveLines(dir), [1, 2, 3, 4].map((line) => `${MIGRATION}:${line}:1 destructive-migration`));
  });
});
