import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG, type ResolvedConfig } from 'preflight-server';
import { buildChecklistReport, summarise } from 'preflight-server/out/checklist/report';
import type { ChecklistReport } from 'preflight-server/out/checklist/types';
import { GitRepo, requireGit, tempDir, writeFiles } from './git-fixture';
import * as fs from 'node:fs';

const FETCH_WITHOUT_TIMEOUT = (name: string) => `export async function ${name}(url: string) {\n  const res = await fetch(url);\n  return res.json();\n}\n`;
const CLEAN = (name: string) => `export function ${name}(a: number, b: number) {\n  return a + b;\n}\n`;

function findingLocations(report: ChecklistReport): string[] {
  return report.sections.flatMap((section) => section.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`));
}

/** CI variables that name a branch would change what a detached HEAD reports: keep them out. */
const BRANCH_VARIABLES = ['PREFLIGHT_BRANCH', 'GITHUB_HEAD_REF', 'CI_COMMIT_REF_NAME'];

describe('checklist report: scope on a real git repository', function () {
  this.timeout(60_000);
  const saved = new Map<string, string | undefined>();
  const cleanups: (() => void)[] = [];
  before(() => {
    requireGit();
    for (const name of BRANCH_VARIABLES) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
  });
  after(() => {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
    cleanups.forEach((cleanup) => cleanup());
  });

  function repo(files: Record<string, string>, branch = 'main'): GitRepo {
    const created = GitRepo.init(files, branch);
    cleanups.push(() => created.remove());
    return created;
  }

  const config = (overrides: Partial<ResolvedConfig['checklist']> = {}): ResolvedConfig => ({ ...DEFAULT_CONFIG, checklist: { ...DEFAULT_CONFIG.checklist, ...overrides } });

  describe('a feature branch with committed, staged, unstaged and untracked changes', () => {
    let git: GitRepo;
    let branchPoint: string;
    let report: ChecklistReport;

    before(async () => {
      git = repo({
        '.gitignore': 'dist/\n',
        'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '^4' } }, null, 2),
        'src/committed.ts': CLEAN('committed'),
        'src/staged.ts': CLEAN('staged'),
        'src/unstaged.ts': CLEAN('unstaged'),
        'src/main-only.ts': CLEAN('mainOnly'),
        'src/untouched.ts': FETCH_WITHOUT_TIMEOUT('untouched'),
      });
      branchPoint = git.git('rev-parse', 'HEAD').trim();
      git.git('checkout', '-q', '-b', 'feature/payments');
      git.commit('feature work', { 'src/committed.ts': FETCH_WITHOUT_TIMEOUT('committed') });
      // Main moves on after the branch point: its changes are not this branch's.
      git.git('checkout', '-q', 'main');
      git.commit('main moves on', { 'src/main-only.ts': FETCH_WITHOUT_TIMEOUT('mainOnly') });
      git.git('checkout', '-q', 'feature/payments');
      git.write({ 'src/staged.ts': FETCH_WITHOUT_TIMEOUT('staged') });
      git.git('add', 'src/staged.ts');
      git.write({ 'src/unstaged.ts': FETCH_WITHOUT_TIMEOUT('unstaged') });
      git.write({ 'src/untracked.ts': FETCH_WITHOUT_TIMEOUT('untracked') });
      git.write({ 'dist/ignored.js': 'fetch("x");\n' });
      git.write({ 'src/committed.test.ts': `import { committed } from './committed';\n` });
      // Test code by the e2e conventions, and a module only the e2e spec imports: in scope, not analysed.
      git.write({ 'e2e/checkout.e2e-spec.ts': `import { client } from '../src/testing/client';\n`, 'src/testing/client.ts': FETCH_WITHOUT_TIMEOUT('client') });
      report = await buildChecklistReport({ root: git.dir, scope: 'changed', config: config() });
    });

    it('covers exactly the files changed since the merge base, tracked or not, not ignored ones', () => {
      assert.equal(report.scope.kind, 'changed');
      assert.equal(report.scope.fallbackReason, undefined);
      assert.equal(report.scope.base, 'main');
      assert.equal(report.scope.mergeBase, branchPoint);
      assert.equal(report.scope.branch, 'feature/payments');
      assert.deepEqual(report.scope.files, ['e2e/checkout.e2e-spec.ts', 'src/committed.test.ts', 'src/committed.ts', 'src/staged.ts', 'src/testing/client.ts', 'src/unstaged.ts', 'src/untracked.ts']);
    });

    it('analyses the changed source files only (not tests or test support, not main-only changes, not untouched files)', () => {
      assert.equal(report.analysedFiles, 4);
      assert.deepEqual(findingLocations(report), [
        'src/committed.ts:2 missing-timeout',
        'src/staged.ts:2 missing-timeout',
        'src/unstaged.ts:2 missing-timeout',
        'src/untracked.ts:2 missing-timeout',
      ]);
      const resilience = report.sections.find((section) => section.category === 'resilience')!;
      assert.equal(resilience.status, 'fail');
      assert.equal(resilience.counts.warning, 4);
      assert.deepEqual(
        report.sections.filter((section) => section.category !== 'resilience').map((section) => `${section.category}:${section.status}`),
        ['error-handling:pass', 'data-integrity:pass', 'security:pass', 'performance:not-checked', 'operability:not-checked', 'migrations:not-checked'],
      );
    });

    it('summarises: warnings count, nothing blocking, not ready while the warnings exceed checklist.maxWarnings (default 0)', () => {
      assert.equal(report.summary.blocking, 0);
      assert.ok(report.summary.warnings >= 4, `warnings: ${report.summary.warnings}`);
      assert.equal(report.summary.ready, false);
      assert.deepEqual(report.summary.notReadyBecause, ['warnings']);
      assert.equal(report.summary.maxWarnings, 0);
      const tolerant = summarise(report.sections, report.projectChecks, report.manualItems, report.summary.warnings);
      assert.equal(tolerant.ready, true);
      assert.deepEqual(report.summary.manual, { ticked: 0, total: 5, requiredUnticked: 0 });
    });

    it('an explicit base compares with that revision instead', async () => {
      const sinceFeature = await buildChecklistReport({ root: git.dir, scope: 'changed', base: 'HEAD', config: config() });
      assert.equal(sinceFeature.scope.kind, 'changed');
      assert.deepEqual(sinceFeature.scope.files, ['e2e/checkout.e2e-spec.ts', 'src/committed.test.ts', 'src/staged.ts', 'src/testing/client.ts', 'src/unstaged.ts', 'src/untracked.ts']);
    });

    it('the workspace scope analyses every source file, whatever changed', async () => {
      const workspace = await buildChecklistReport({ root: git.dir, scope: 'workspace', config: config() });
      assert.equal(workspace.scope.kind, 'workspace');
      assert.equal(workspace.scope.fallbackReason, undefined);
      assert.equal(workspace.scope.branch, 'feature/payments');
      assert.deepEqual(workspace.scope.files, ['src/committed.ts', 'src/main-only.ts', 'src/staged.ts', 'src/unstaged.ts', 'src/untouched.ts', 'src/untracked.ts']);
      assert.ok(findingLocations(workspace).includes('src/untouched.ts:2 missing-timeout'));
    });
  });

  it('uses checklist.baseBranch from the config', async () => {
    const git = repo({ 'src/a.ts': CLEAN('a') });
    git.git('checkout', '-q', '-b', 'develop');
    git.commit('develop work', { 'src/dev.ts': CLEAN('dev') });
    git.git('checkout', '-q', '-b', 'feature');
    git.commit('feature work', { 'src/feature.ts': CLEAN('feature') });
    const fromDevelop = await buildChecklistReport({ root: git.dir, scope: 'changed', config: config({ baseBranch: 'develop' }) });
    assert.equal(fromDevelop.scope.base, 'develop');
    assert.deepEqual(fromDevelop.scope.files, ['src/feature.ts']);
    const fromMain = await buildChecklistReport({ root: git.dir, scope: 'changed', config: config() });
    assert.equal(fromMain.scope.base, 'main');
    assert.deepEqual(fromMain.scope.files, ['src/dev.ts', 'src/feature.ts']);
  });

  it('falls back to master when there is no main, and uses origin/HEAD in a clone', async () => {
    const upstream = repo({ 'src/a.ts': CLEAN('a') }, 'master');
    upstream.git('checkout', '-q', '-b', 'topic');
    upstream.commit('topic', { 'src/b.ts': CLEAN('b') });
    const viaMaster = await buildChecklistReport({ root: upstream.dir, scope: 'changed', config: config() });
    assert.equal(viaMaster.scope.base, 'master');
    assert.deepEqual(viaMaster.scope.files, ['src/b.ts']);

    upstream.git('checkout', '-q', 'master');
    const cloneDir = tempDir();
    cleanups.push(() => fs.rmSync(cloneDir, { recursive: true, force: true }));
    const clone = new GitRepo(cloneDir);
    clone.git('clone', '-q', upstream.dir, '.');
    clone.git('checkout', '-q', '-b', 'mine');
    clone.commit('mine', { 'src/c.ts': CLEAN('c') });
    const viaOrigin = await buildChecklistReport({ root: clone.dir, scope: 'changed', config: config() });
    assert.equal(viaOrigin.scope.base, 'origin/HEAD');
    assert.deepEqual(viaOrigin.scope.files, ['src/c.ts']);
  });

  describe('falls back to the whole workspace with a reason', () => {
    it('outside git', async () => {
      const dir = tempDir();
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      writeFiles(dir, { 'src/a.ts': FETCH_WITHOUT_TIMEOUT('a') });
      const report = await buildChecklistReport({ root: dir, scope: 'changed', config: config() });
      assert.equal(report.scope.kind, 'workspace');
      assert.match(report.scope.fallbackReason ?? '', /not a git repository/);
      assert.equal(report.scope.branch, null);
      assert.deepEqual(report.scope.files, ['src/a.ts']);
      assert.deepEqual(findingLocations(report), ['src/a.ts:2 missing-timeout']);
    });

    it('on a detached HEAD (unless a base is given)', async () => {
      const git = repo({ 'src/a.ts': CLEAN('a') });
      git.commit('second', { 'src/b.ts': CLEAN('b') });
      git.git('checkout', '-q', '--detach', 'HEAD');
      const report = await buildChecklistReport({ root: git.dir, scope: 'changed', config: config() });
      assert.equal(report.scope.kind, 'workspace');
      assert.match(report.scope.fallbackReason ?? '', /detached/);
      assert.deepEqual(report.scope.files, ['src/a.ts', 'src/b.ts']);

      const withBase = await buildChecklistReport({ root: git.dir, scope: 'changed', base: 'HEAD~1', config: config() });
      assert.equal(withBase.scope.kind, 'changed');
      assert.equal(withBase.scope.branch, null);
      assert.deepEqual(withBase.scope.files, ['src/b.ts']);
    });

    it('a detached HEAD in CI takes the branch name from the environment', async () => {
      const git = repo({ 'src/a.ts': CLEAN('a') });
      git.git('checkout', '-q', '--detach', 'HEAD');
      process.env.GITHUB_HEAD_REF = 'feature/from-ci';
      try {
        const report = await buildChecklistReport({ root: git.dir, scope: 'changed', base: 'main', config: config() });
        assert.equal(report.scope.branch, 'feature/from-ci');
      } finally {
        delete process.env.GITHUB_HEAD_REF;
      }
    });

    it('when no base branch exists', async () => {
      const git = repo({ 'src/a.ts': CLEAN('a') }, 'trunk');
      const report = await buildChecklistReport({ root: git.dir, scope: 'changed', config: config() });
      assert.equal(report.scope.kind, 'workspace');
      assert.match(report.scope.fallbackReason ?? '', /no base branch found/);
    });

    it('when the configured or given base does not exist', async () => {
      const git = repo({ 'src/a.ts': CLEAN('a') });
      const configured = await buildChecklistReport({ root: git.dir, scope: 'changed', config: config({ baseBranch: 'release' }) });
      assert.match(configured.scope.fallbackReason ?? '', /checklist\.baseBranch 'release' not found/);
      const given = await buildChecklistReport({ root: git.dir, scope: 'changed', base: 'nope', config: config() });
      assert.match(given.scope.fallbackReason ?? '', /base revision 'nope' not found/);
      assert.equal(given.scope.base, 'nope');
    });

    it('in a shallow clone without the base history', async () => {
      const upstream = repo({ 'src/a.ts': CLEAN('a') });
      for (let i = 0; i < 3; i++) upstream.commit(`main ${i}`, { [`src/m${i}.ts`]: CLEAN(`m${i}`) });
      upstream.git('checkout', '-q', '-b', 'feature');
      upstream.commit('feature', { 'src/f.ts': CLEAN('f') });
      upstream.git('checkout', '-q', 'main');
      upstream.commit('main after', { 'src/after.ts': CLEAN('after') });
      const cloneDir = tempDir();
      cleanups.push(() => fs.rmSync(cloneDir, { recursive: true, force: true }));
      const clone = new GitRepo(cloneDir);
      clone.git('clone', '-q', '--depth', '1', '--no-single-branch', `file://${upstream.dir}`, '.');
      clone.git('checkout', '-q', 'feature');
      const report = await buildChecklistReport({ root: clone.dir, scope: 'changed', config: config() });
      assert.equal(report.scope.kind, 'workspace');
      assert.match(report.scope.fallbackReason ?? '', /shallow clone/);
    });
  });

  it('a workspace folder inside a repository reports paths relative to the folder, and only its files', async () => {
    const git = repo({ 'services/api/src/a.ts': CLEAN('a'), 'services/web/src/w.ts': CLEAN('w') });
    git.git('checkout', '-q', '-b', 'feature');
    git.write({ 'services/api/src/new.ts': CLEAN('n'), 'services/web/src/new.ts': CLEAN('n') });
    const report = await buildChecklistReport({ root: `${git.dir}/services/api`, scope: 'changed', config: config() });
    assert.equal(report.scope.kind, 'changed');
    assert.deepEqual(report.scope.files, ['src/new.ts']);
  });
});
