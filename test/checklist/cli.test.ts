import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChecklistReport } from 'preflight-server/out/checklist/types';
import { GIT_ENV, GitRepo, requireGit, tempDir, writeFiles } from './git-fixture';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const PREFLIGHT = path.join(REPO_ROOT, 'server', 'bin', 'preflight.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `node server/bin/preflight.js checklist ...` in `cwd`. */
function preflight(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [PREFLIGHT, ...args], { cwd, env: { ...GIT_ENV, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function json(result: Result): ChecklistReport {
  try {
    return JSON.parse(result.stdout) as ChecklistReport;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

const SERVER_WITH_SHUTDOWN = `import express from 'express';
const app = express();
app.get('/healthz', (req, res) => res.send('ok'));
const server = app.listen(3000);
process.on('SIGTERM', () => server.close());
`;

describe('preflight checklist (real CLI process)', function () {
  this.timeout(60_000);
  const cleanups: (() => void)[] = [];
  after(() => cleanups.forEach((cleanup) => cleanup()));
  before(requireGit);

  /** A repository on a feature branch; its config tolerates warnings (`checklist.maxWarnings`) unless `config` sets the limit. */
  function featureRepo(change: Record<string, string>, config: { checklist?: Record<string, unknown> } & Record<string, unknown> = {}): GitRepo {
    const withLimit = { ...config, checklist: { maxWarnings: 100, ...config.checklist } };
    const git = GitRepo.init({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '^4', pino: '^9' } }, null, 2),
      'src/server.ts': SERVER_WITH_SHUTDOWN,
      'preflight.config.json': JSON.stringify(withLimit, null, 2),
    });
    cleanups.push(() => git.remove());
    git.git('checkout', '-q', '-b', 'feature/x');
    git.commit('change', change);
    return git;
  }

  it('prints Markdown for the changed files and exits 0 when ready', async () => {
    const git = featureRepo({ 'src/sum.ts': 'export function sum(a: number, b: number) {\n  return a + b;\n}\n', 'test/sum.test.ts': "import { sum } from '../src/sum';\n" });
    const result = await preflight(['checklist'], git.dir);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^## Preflight readiness checklist\n\n✅ \*\*Ready\*\*: 0 blocking, \d+ warnings? \([^)]*within the limit of 100\), 0\/5 manual items\n/);
    assert.match(result.stdout, /Scope: files changed since `main` \(merge base `[0-9a-f]{7}`\) on `feature\/x`: 2 changed, 1 source file analysed\./);
    assert.match(result.stdout, /- \[ \] Rollback plan written/);
    assert.match(result.stdout, /✅ \*\*Graceful shutdown handled\*\* \(pass\)[^\n]*\n  - `src\/server\.ts:5` `process\.on\('SIGTERM', \(\) => server\.close\(\)\)`/);
  });

  it('exits 1 with warnings over checklist.maxWarnings (default 0), saying so in the summary', async () => {
    const change = { 'src/sum.ts': 'export function sum(a: number, b: number) {\n  return a + b;\n}\n' };
    const git = featureRepo(change, { checklist: { maxWarnings: 0 } });
    const result = await preflight(['checklist'], git.dir);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /❌ \*\*Not ready\*\*: 0 blocking, \d+ warnings? \(\d+ findings?, \d+ project checks?; over the limit of 0\)/);
    const report = json(await preflight(['checklist', '--format', 'json'], git.dir));
    assert.equal(report.summary.ready, false);
    assert.equal(report.summary.maxWarnings, 0);
    assert.deepEqual(report.summary.notReadyBecause, ['warnings']);
    assert.equal(report.summary.warnings, report.summary.counts.warningFindings + report.summary.counts.warnedChecks);
  });

  it('--format json prints exactly one report document', async () => {
    const git = featureRepo({ 'src/client.ts': 'export async function load(url: string) {\n  return (await fetch(url)).json();\n}\n' });
    const result = await preflight(['checklist', '--format', 'json'], git.dir);
    const report = json(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(report.tool, 'preflight');
    assert.equal(report.root, git.dir);
    assert.equal(report.scope.kind, 'changed');
    assert.equal(report.scope.branch, 'feature/x');
    assert.deepEqual(report.scope.files, ['src/client.ts']);
    assert.deepEqual(report.sections.map((s) => s.category), ['resilience', 'error-handling', 'data-integrity', 'security', 'performance', 'operability', 'migrations']);
    const resilience = report.sections[0]!;
    assert.equal(resilience.status, 'fail');
    assert.deepEqual(resilience.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.severity}`), ['src/client.ts:2:17 missing-timeout warning']);
    assert.equal(report.projectChecks.length, 8);
  });

  it('exits 1 when an error-severity finding blocks', async () => {
    const git = featureRepo(
      { 'src/client.ts': 'export async function load(url: string) {\n  return (await fetch(url)).json();\n}\n' },
      { rules: { 'missing-timeout': 'error' } },
    );
    const result = await preflight(['checklist'], git.dir);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /❌ \*\*Not ready\*\*: 1 blocking/);
    assert.match(result.stdout, /- `src\/client\.ts:2` `missing-timeout` \(error\)/);
  });

  it('exits 1 when a project check fails (a server without SIGTERM handling)', async () => {
    const git = featureRepo({ 'src/server.ts': SERVER_WITH_SHUTDOWN.replace("process.on('SIGTERM', () => server.close());\n", '') });
    const result = await preflight(['checklist', '--format', 'json'], git.dir);
    assert.equal(result.code, 1);
    const report = json(result);
    assert.equal(report.projectChecks.find((c) => c.id === 'graceful-shutdown')!.status, 'fail');
    assert.equal(report.summary.blocking, 1);
  });

  it('exits 1 while a required manual item is unticked, 0 once the ticks file has it (CI reads the ticks)', async () => {
    const git = featureRepo({ 'src/a.ts': 'export const a = 1;\n' }, { checklist: { items: [{ id: 'load-test', title: 'Load-tested', required: true }] } });
    const before = await preflight(['checklist'], git.dir);
    assert.equal(before.code, 1);
    assert.match(before.stdout, /1 required unticked/);
    assert.match(before.stdout, /- \[ \] Load-tested \*\*\(required\)\*\*/);
    writeFiles(git.dir, {
      '.preflight/checklist.json': JSON.stringify({ version: 1, branches: { 'feature/x': { 'load-test': { ticked: true, by: 'Ada', at: '2026-01-01T00:00:00.000Z' } } } }),
    });
    const after = await preflight(['checklist'], git.dir);
    assert.equal(after.code, 0, after.stdout);
    assert.match(after.stdout, /- \[x\] Load-tested \*\*\(required\)\*\* — ticked by Ada on 2026-01-01/);
  });

  it('--require-manual makes every manual item required', async () => {
    const git = featureRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const result = await preflight(['checklist', '--require-manual', '--format', 'json'], git.dir);
    assert.equal(result.code, 1);
    assert.equal(json(result).summary.manual.requiredUnticked, 5);
  });

  it('--base compares with the given revision; --workspace checks everything', async () => {
    const git = featureRepo({ 'src/a.ts': 'export const a = 1;\n' });
    git.write({ 'src/b.ts': 'export const b = 2;\n' });
    const sinceHead = json(await preflight(['checklist', '--base', 'HEAD', '--format', 'json'], git.dir));
    assert.deepEqual(sinceHead.scope.files, ['src/b.ts']);
    const workspace = json(await preflight(['checklist', '--workspace', '--format', 'json'], git.dir));
    assert.equal(workspace.scope.kind, 'workspace');
    assert.deepEqual(workspace.scope.files, ['src/a.ts', 'src/b.ts', 'src/server.ts']);
  });

  it('falls back to the workspace with the reason on stderr: outside git, git missing, unknown base', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, { 'src/a.ts': 'export const a = 1;\n', 'preflight.config.json': '{ "checklist": { "maxWarnings": 100 } }' });
    const outside = await preflight(['checklist', '--format', 'json'], dir);
    assert.equal(outside.code, 0);
    assert.match(outside.stderr, /^preflight: not a git repository: .*analysed the whole workspace\n$/);
    assert.equal(json(outside).scope.kind, 'workspace');

    const git = featureRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const noGit = await preflight(['checklist'], git.dir, { PATH: path.join(dir, 'no-such-bin') });
    assert.equal(noGit.code, 0, noGit.stderr);
    assert.match(noGit.stderr, /git is not installed or not on PATH: analysed the whole workspace/);
    assert.match(noGit.stdout, /> \*\*Note:\*\* git is not installed/);

    const unknownBase = await preflight(['checklist', '--base', 'no-such-branch'], git.dir);
    assert.match(unknownBase.stderr, /base revision 'no-such-branch' not found/);
  });

  it('exits 2 with one clear line for usage and configuration errors', async () => {
    const git = featureRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const unknown = await preflight(['checklist', '--frobnicate'], git.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^preflight: unknown option --frobnicate for 'preflight checklist'/);
    const badFormat = await preflight(['checklist', '--format', 'sarif'], git.dir);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format must be one of markdown, json/);
    const both = await preflight(['checklist', '--workspace', '--base', 'main'], git.dir);
    assert.equal(both.code, 2);
    writeFiles(git.dir, { 'preflight.config.json': '{ "rules": { ' });
    const brokenConfig = await preflight(['checklist'], git.dir);
    assert.equal(brokenConfig.code, 2);
    assert.match(brokenConfig.stderr, /^preflight: preflight\.config\.json/);
    assert.equal(brokenConfig.stderr.trim().split('\n').length, 1);
    assert.equal(brokenConfig.stdout, '');
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await preflight(['checklist', '--help'], REPO_ROOT);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: preflight checklist/);
  });
});
