import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import type { ChecklistReport } from 'preflight-server/out/checklist/types';
import { LspTestClient, defaultCapabilities, fileUri } from '../server/lsp-client';
import { GitRepo, requireGit } from './git-fixture';

const CLEAN = 'export function sum(a: number, b: number) {\n  return a + b;\n}\n';
const FETCH = 'export async function load(url: string) {\n  const res = await fetch(url);\n  return res.json();\n}\n';

/** Scan findings carry no fix data; a live analysis does. */
function isScanPublish(params: PublishDiagnosticsParams): boolean {
  return params.diagnostics.length > 0 && params.diagnostics.every((diagnostic) => diagnostic.data === undefined);
}

describe('preflight.problems.scope over LSP (real server over stdio)', function () {
  this.timeout(90_000);
  let git: GitRepo;
  let client: LspTestClient;
  let settings: unknown = {};
  const uriOf = (file: string): string => fileUri(path.join(git.dir, file));

  before(async () => {
    requireGit();
    git = GitRepo.init({ 'src/open.ts': FETCH, 'src/closed.ts': FETCH, 'src/sum.ts': CLEAN });
    const capabilities = defaultCapabilities();
    capabilities.workspace = { ...capabilities.workspace, configuration: true };
    client = await LspTestClient.start({
      workspaceFolders: [git.dir],
      capabilities,
      settings: (item) => (item.section === 'preflight' ? settings : null),
    });
    await client.open(uriOf('src/open.ts'), FETCH);
    await client.diagnosticsForVersion(uriOf('src/open.ts'), 1);
  });

  after(async () => {
    await client?.dispose();
    git?.remove();
  });

  it('openFiles (the default): a workspace scan publishes nothing for files that are not open', async () => {
    const report = await client.request<ChecklistReport>('preflight/checklist', { scope: 'workspace' });
    assert.ok(report.sections.some((section) => section.findings.some((finding) => finding.file === 'src/closed.ts')));
    assert.equal(client.published.filter((params) => params.uri === uriOf('src/closed.ts')).length, 0);
  });

  it('workspace: the scan publishes the findings of files that are not open, and leaves open files to their live analysis', async () => {
    settings = { problems: { scope: 'workspace' } };
    await client.configurationChanged({});
    const openBefore = client.published.filter((params) => params.uri === uriOf('src/open.ts')).length;
    const published = client.waitForDiagnostics(uriOf('src/closed.ts'), isScanPublish, 'the scan findings');
    await client.request<ChecklistReport>('preflight/checklist', { scope: 'workspace' });
    const params = await published;
    assert.deepEqual(
      params.diagnostics.map((d) => [d.code, d.source, d.range.start.line, d.severity]),
      [['missing-timeout', 'preflight', 1, 2]],
    );
    const openAfter = client.published.filter((p) => p.uri === uriOf('src/open.ts')).slice(openBefore);
    assert.equal(openAfter.some(isScanPublish), false, 'an open file keeps its live diagnostics');
    assert.equal(client.published.some((p) => p.uri === uriOf('src/sum.ts')), false, 'a clean file never scanned before gets nothing');
  });

  it('opening a scanned file swaps its scan findings for its live analysis; closing it keeps the last analysis', async () => {
    const uri = uriOf('src/closed.ts');
    const cleared = client.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0, 'the scan findings cleared');
    await client.open(uri, FETCH);
    await cleared;
    const live = await client.diagnosticsForVersion(uri, 1);
    assert.equal(live.diagnostics.length, 1);
    assert.ok(live.diagnostics[0]!.data !== undefined, 'the live analysis carries its fixes');
    const kept = client.waitForDiagnostics(uri, (p) => p.version === undefined || p.diagnostics.length > 0, 'diagnostics on close');
    await client.close(uri);
    const afterClose = await kept;
    assert.deepEqual(afterClose.diagnostics.map((d) => d.code), ['missing-timeout']);
  });

  it('a fixed file scanned again is cleared; switching back to openFiles clears every scan finding', async () => {
    git.write({ 'src/closed.ts': CLEAN });
    const cleared = client.waitForDiagnostics(uriOf('src/closed.ts'), (p) => p.diagnostics.length === 0, 'the fixed file cleared');
    await client.request<ChecklistReport>('preflight/checklist', { scope: 'workspace' });
    await cleared;

    git.write({ 'src/third.ts': FETCH });
    const third = client.waitForDiagnostics(uriOf('src/third.ts'), isScanPublish, 'the new file published');
    await client.request<ChecklistReport>('preflight/checklist', { scope: 'workspace' });
    await third;
    settings = { problems: { scope: 'openFiles' } };
    const gone = client.waitForDiagnostics(uriOf('src/third.ts'), (p) => p.diagnostics.length === 0, 'cleared by openFiles');
    await client.configurationChanged({});
    await gone;
  });
});
