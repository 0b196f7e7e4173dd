import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource, ResponseError, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport } from 'vscode-languageserver-protocol/node';
import type { ChecklistReport, InsertIntoPrTemplateResult, MarkdownResult, TickResult } from 'preflight-server/out/checklist/types';
import { LspTestClient, defaultCapabilities, fileUri } from '../server/lsp-client';
import { GitRepo, requireGit } from './git-fixture';

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** A `$/progress` notification. */
interface ProgressParams {
  token: string | number;
  value: unknown;
}

const CLEAN = 'export function sum(a: number, b: number) {\n  return a + b;\n}\n';
const FETCH = 'export async function load(url: string) {\n  const res = await fetch(url);\n  return res.json();\n}\n';

describe('preflight/checklist over LSP (real server over stdio)', function () {
  this.timeout(90_000);
  let git: GitRepo;
  let client: LspTestClient;
  const progress: ProgressParams[] = [];
  const createdTokens: (string | number)[] = [];

  before(async () => {
    requireGit();
    git = GitRepo.init({ 'src/sum.ts': CLEAN, 'src/old.ts': FETCH });
    git.git('checkout', '-q', '-b', 'feature/lsp');
    git.commit('feature', { 'src/client.ts': FETCH });
    const capabilities = defaultCapabilities();
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
    client = await LspTestClient.start({ workspaceFolders: [git.dir], capabilities });
    client.connection.onRequest('window/workDoneProgress/create', (params: { token: string | number }) => {
      createdTokens.push(params.token);
      return null;
    });
    client.connection.onNotification('$/progress', (params: ProgressParams) => {
      progress.push(params);
    });
  });

  after(async () => {
    await client?.dispose();
    git?.remove();
  });

  function kinds(token: string | number): string[] {
    return progress.filter((p) => p.token === token).map((p) => (p.value as ProgressValue).kind);
  }

  it('answers the report for the changed files, with progress on the client token', async () => {
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'changed', workDoneToken: 'checklist-1' });
    assert.equal(report.scope.kind, 'changed');
    assert.equal(report.scope.branch, 'feature/lsp');
    assert.equal(report.scope.base, 'main');
    assert.deepEqual(report.scope.files, ['src/client.ts']);
    assert.deepEqual(
      report.sections.flatMap((s) => s.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)),
      ['src/client.ts:2 missing-timeout'],
    );
    await client.waitUntil(() => kinds('checklist-1').includes('end'), 'the progress end');
    const sequence = kinds('checklist-1');
    assert.equal(sequence[0], 'begin');
    assert.equal(sequence[sequence.length - 1], 'end');
    assert.ok(sequence.includes('report'), `progress reports: ${sequence.join(',')}`);
    const begin = progress.find((p) => p.token === 'checklist-1')!.value as WorkDoneProgressBegin;
    assert.equal(begin.title, 'Preflight checklist');
    assert.equal(begin.cancellable, true);
  });

  it('logs each scan in one line: files analysed, the packages its project facts came from, counts and time', async () => {
    const before = client.logMessages.length;
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'changed' });
    // The first test's scan left client.ts's facts in the cache (its text is unchanged), and the other two hold none.
    assert.deepEqual(report.projectFacts, { packages: [''], files: 3, parsed: 0 });
    await client.waitUntil(() => client.logMessages.slice(before).some((line) => line.startsWith('checklist (changed)')), 'the scan log line');
    const line = client.logMessages.slice(before).find((message) => message.startsWith('checklist (changed)'))!;
    assert.match(line, /^checklist \(changed\): 1 file\(s\) analysed · project facts from 3 file\(s\) of \(root\) \(0 parsed\) · 0 blocking, \d+ warning\(s\) · in \d+\.\d s/);
  });

  it('creates its own progress when the client sends no token', async () => {
    const before = createdTokens.length;
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'workspace' });
    assert.equal(report.scope.kind, 'workspace');
    assert.deepEqual(report.scope.files, ['src/client.ts', 'src/old.ts', 'src/sum.ts']);
    assert.equal(createdTokens.length, before + 1);
    const token = createdTokens[createdTokens.length - 1]!;
    await client.waitUntil(() => kinds(token).includes('end'), 'the server-created progress to end');
    assert.equal(kinds(token)[0], 'begin');
  });

  it('a cancelled request answers RequestCancelled (-32800)', async () => {
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('preflight/checklist', { scope: 'workspace', workDoneToken: 'to-cancel' }, source.token);
    source.cancel();
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof ResponseError, String(error));
      assert.equal(error.code, -32800);
      return true;
    });
    // The server is still there and answers the next request.
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'changed' });
    assert.equal(report.scope.kind, 'changed');
  });

  it('cancelling the server-created progress stops the build too', async () => {
    const createdBefore = createdTokens.length;
    let cancelled = false;
    const listener = client.connection.onNotification('$/progress', (params: ProgressParams) => {
      // Only the progress created for this request (late notifications of earlier requests may still arrive).
      const isOurs = createdTokens.indexOf(params.token) >= createdBefore;
      if (isOurs && !cancelled && (params.value as ProgressValue).kind === 'begin') {
        cancelled = true;
        void client.connection.sendNotification('window/workDoneProgress/cancel', { token: params.token });
      }
    });
    try {
      await assert.rejects(client.request('preflight/checklist', { scope: 'workspace' }), (error: unknown) => {
        assert.ok(error instanceof ResponseError, String(error));
        assert.equal(error.code, -32800);
        return true;
      });
      assert.ok(cancelled);
    } finally {
      listener.dispose();
    }
  });

  it('ticks persist to .preflight/checklist.json under the branch and show in the next report', async () => {
    const result = await client.request<TickResult>('preflight/checklist/tick', { id: 'rollback-plan', ticked: true });
    assert.equal(result.branch, 'feature/lsp');
    const item = result.manualItems.find((i) => i.id === 'rollback-plan')!;
    assert.equal(item.ticked, true);
    assert.equal(item.tickedBy, 'Test Author');
    const stored = JSON.parse(fs.readFileSync(path.join(git.dir, '.preflight', 'checklist.json'), 'utf8'));
    assert.equal(stored.branches['feature/lsp']['rollback-plan'].ticked, true);
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'changed', workspaceFolder: fileUri(git.dir) });
    assert.equal(report.manualItems.find((i) => i.id === 'rollback-plan')!.ticked, true);
    assert.equal(report.summary.manual.ticked, 1);

    const unticked = await client.request<TickResult>('preflight/checklist/tick', { id: 'rollback-plan', ticked: false });
    assert.equal(unticked.manualItems.find((i) => i.id === 'rollback-plan')!.ticked, false);
  });

  it('Markdown and the PR template use the latest report with current ticks', async () => {
    await client.request<ChecklistReport>('preflight/checklist', { scope: 'changed' });
    await client.request<TickResult>('preflight/checklist/tick', { id: 'runbook', ticked: true });
    const { markdown } = await client.request<MarkdownResult>('preflight/checklist/markdown', { scope: 'changed' });
    assert.match(markdown, /^## Preflight readiness checklist/);
    assert.match(markdown, /- \[x\] Runbook updated — ticked by Test Author/);
    assert.match(markdown, /`src\/client\.ts:2` `missing-timeout`/);
    const inserted = await client.request<InsertIntoPrTemplateResult>('preflight/checklist/insertIntoPrTemplate', { scope: 'changed' });
    assert.equal(inserted.file, path.join(git.dir, '.github', 'pull_request_template.md'));
    assert.equal(inserted.created, true);
    const template = fs.readFileSync(inserted.file, 'utf8');
    assert.ok(template.startsWith('<!-- preflight:checklist:start -->\n## Preflight readiness checklist'));
    assert.ok(template.trimEnd().endsWith('<!-- preflight:checklist:end -->'));
  });

  it('reports open documents at their editor text, not what is on disk', async () => {
    const uri = fileUri(path.join(git.dir, 'src', 'sum.ts'));
    const unsaved = CLEAN + FETCH.replace('load', 'loadUnsaved');
    await client.open(uri, unsaved);
    await client.waitForDiagnostics(uri, (params) => params.diagnostics.some((d) => d.code === 'missing-timeout'), 'the unsaved fetch', { includePast: true });
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'workspace' });
    const inSum = report.sections.flatMap((s) => s.findings).filter((f) => f.file === 'src/sum.ts');
    assert.deepEqual(inSum.map((f) => `${f.line} ${f.ruleId}`), ['5 missing-timeout']);
    await client.close(uri);
  });

  it('rejects bad params with InvalidParams, and keeps serving', async () => {
    for (const [method, params, pattern] of [
      ['preflight/checklist', { scope: 'everything' }, /scope must be/],
      ['preflight/checklist', { scope: 'changed', workspaceFolder: '/not/open' }, /not an open workspace folder/],
      ['preflight/checklist/tick', { id: 'no-such-item', ticked: true }, /unknown checklist item 'no-such-item'/],
      ['preflight/checklist/tick', { id: 'runbook', ticked: 'yes' }, /ticked must be true or false/],
    ] as const) {
      await assert.rejects(client.request(method, params), (error: unknown) => {
        assert.ok(error instanceof ResponseError, String(error));
        assert.equal(error.code, -32602, `${method} ${JSON.stringify(params)}`);
        assert.match(error.message, pattern);
        return true;
      });
    }
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'changed' });
    assert.equal(report.tool, 'preflight');
  });
});

describe('preflight/checklist in an untrusted workspace', function () {
  this.timeout(60_000);

  it('does not run git: falls back to the workspace, reads the branch from .git/HEAD', async () => {
    requireGit();
    const git = GitRepo.init({ 'src/a.ts': CLEAN });
    git.git('checkout', '-q', '-b', 'feature/untrusted');
    const client = await LspTestClient.start({ workspaceFolders: [git.dir], initializationOptions: { workspaceTrusted: false } });
    try {
      const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'changed' });
      assert.equal(report.scope.kind, 'workspace');
      assert.match(report.scope.fallbackReason ?? '', /not trusted/);
      assert.equal(report.scope.branch, 'feature/untrusted');
      const tick = await client.request<TickResult>('preflight/checklist/tick', { id: 'runbook', ticked: true });
      assert.equal(tick.branch, 'feature/untrusted');
    } finally {
      await client.dispose();
      git.remove();
    }
  });
});
