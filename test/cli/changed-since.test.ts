import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { changedFilesSince, GitError, mergeBase } from 'preflight-server/out/workspace';
import { cleanUp, CLEAN, FETCH_WITHOUT_TIMEOUT, locations, makeProject, parseJsonReport, runCli, stderrLines, writeFiles } from './helpers';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Preflight Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Preflight Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

describe('preflight check --changed-since (real git repository)', () => {
  let repo: string;

  before(() => {
    repo = makeProject({
      'src/untouched.ts': FETCH_WITHOUT_TIMEOUT,
      'src/committed.ts': CLEAN,
      'src/staged.ts': CLEAN,
      'src/unstaged.ts': CLEAN,
      'src/deleted.ts': FETCH_WITHOUT_TIMEOUT,
      '.gitignore': 'ignored/\n',
    });
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'base');
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    writeFiles(repo, { 'src/committed.ts': FETCH_WITHOUT_TIMEOUT });
    git(repo, 'commit', '--quiet', '-am', 'feature work');
    // main moves on after the branch point: its changes are not "changed since the merge base".
    git(repo, 'checkout', '--quiet', 'main');
    writeFiles(repo, { 'src/untouched.ts': `${FETCH_WITHOUT_TIMEOUT}// changed on main\n` });
    git(repo, 'commit', '--quiet', '-am', 'main moves on');
    git(repo, 'checkout', '--quiet', 'feature');
    writeFiles(repo, { 'src/staged.ts': FETCH_WITHOUT_TIMEOUT });
    git(repo, 'add', 'src/staged.ts');
    writeFiles(repo, { 'src/unstaged.ts': FETCH_WITHOUT_TIMEOUT, 'src/new file.ts': FETCH_WITHOUT_TIMEOUT, 'ignored/x.ts': FETCH_WITHOUT_TIMEOUT });
    fs.rmSync(path.join(repo, 'src', 'deleted.ts'));
  });
  after(() => cleanUp(repo));

  it('reports only files changed since the merge base: committed, staged, unstaged and untracked', async () => {
    const result = await runCli(['check', '--changed-since', 'main', '--format', 'json'], repo);
    assert.equal(result.code, 0, result.stderr);
    const report = parseJsonReport(result);
    assert.deepEqual(locations(report), [
      'src/committed.ts:2:10 missing-timeout',
      'src/new file.ts:2:10 missing-timeout',
      'src/staged.ts:2:10 missing-timeout',
      'src/unstaged.ts:2:10 missing-timeout',
    ]);
    assert.equal(report.files, 4);
  });

  it('combines with paths, and works from a subfolder', async () => {
    const sub = parseJsonReport(await runCli(['check', '--changed-since', 'main', '--format', 'json', '.'], path.join(repo, 'src')));
    assert.deepEqual(locations(sub), ['committed.ts:2:10 missing-timeout', 'new file.ts:2:10 missing-timeout', 'staged.ts:2:10 missing-timeout', 'unstaged.ts:2:10 missing-timeout']);
    const onePath = parseJsonReport(await runCli(['check', 'src/staged.ts', 'src/untouched.ts', '--changed-since', 'main', '--format', 'json'], repo));
    assert.deepEqual(locations(onePath), ['src/staged.ts:2:10 missing-timeout']);
  });

  it('changedFilesSince and mergeBase answer the same questions for other surfaces', async () => {
    const files = (await changedFilesSince('main', repo)).map((f) => path.relative(repo, f));
    assert.deepEqual(files, ['src/committed.ts', 'src/new file.ts', 'src/staged.ts', 'src/unstaged.ts']);
    assert.equal(await mergeBase('main', repo), git(repo, 'rev-parse', 'main~1').trim());
  });

  it('an unknown revision: exit 2 with one line', async () => {
    const result = await runCli(['check', '--changed-since', 'no-such-branch'], repo);
    assert.equal(result.code, 2);
    assert.deepEqual(stderrLines(result), ['preflight: --changed-since no-such-branch: unknown revision: no-such-branch']);
    await assert.rejects(changedFilesSince('no-such-branch', repo), GitError);
  });

  it('outside a git repository: exit 2 with one line', async () => {
    const plain = makeProject({ 'src/a.ts': FETCH_WITHOUT_TIMEOUT });
    try {
      const result = await runCli(['check', '--changed-since', 'main'], plain);
      assert.equal(result.code, 2);
      assert.deepEqual(stderrLines(result), [`preflight: --changed-since main: not a git repository: ${plain}`]);
    } finally {
      cleanUp(plain);
    }
  });
});
