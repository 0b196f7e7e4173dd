import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientCapabilities, CodeAction, CreateFile, TextDocumentEdit } from 'vscode-languageserver-protocol/node';
import { LspTestClient, applyEdits, defaultCapabilities, fileUri, makeTempWorkspace } from './lsp-client';

const ROUTE = [
  "import express from 'express';",
  "import axios from 'axios';",
  'const app = express();',
  "app.get('/rates', async (req, res) => {",
  "  const { data } = await axios.get('https://rates.example.com', { timeout: 5000 });",
  '  res.json(data);',
  '});',
  '',
].join('\n');
const MANIFEST = `${JSON.stringify({ name: 'api', version: '1.0.0', dependencies: { axios: '^1.7.0', express: '^4.19.0' } }, null, 2)}\n`;
const ADD_P_RETRY = /^Add p-retry to package\.json/;
const HELPER = /^Wrap in a retry with a new withRetry helper/;

function withFileCreation(create: boolean): ClientCapabilities {
  const capabilities = defaultCapabilities();
  capabilities.workspace!.workspaceEdit = { documentChanges: true, ...(create ? { resourceOperations: ['create'] } : {}) };
  return capabilities;
}

/** The document changes of an action, by kind. */
function changesOf(action: CodeAction): { creates: CreateFile[]; edits: TextDocumentEdit[] } {
  const changes = action.edit?.documentChanges ?? [];
  return {
    creates: changes.filter((change): change is CreateFile => 'kind' in change && change.kind === 'create'),
    edits: changes.filter((change): change is TextDocumentEdit => 'textDocument' in change),
  };
}

describe('language server: fixes that change other files (real server process)', function () {
  this.timeout(60_000);
  let workspace: string;
  let client: LspTestClient | undefined;

  beforeEach(() => {
    workspace = makeTempWorkspace();
    fs.mkdirSync(path.join(workspace, 'src'));
    fs.writeFileSync(path.join(workspace, 'package.json'), MANIFEST);
  });

  afterEach(async () => {
    await client?.dispose();
    client = undefined;
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  async function retryActions(capabilities: ClientCapabilities): Promise<{ uri: string; actions: CodeAction[] }> {
    client = await LspTestClient.start({ workspaceFolders: [workspace], capabilities });
    const uri = fileUri(path.join(workspace, 'src', 'rates.ts'));
    await client.open(uri, ROUTE);
    const { diagnostics } = await client.diagnosticsForVersion(uri, 1);
    const diagnostic = diagnostics.find((candidate) => candidate.code === 'missing-retry');
    assert.ok(diagnostic, `no missing-retry diagnostic: ${JSON.stringify(diagnostics.map((d) => d.code))}`);
    return { uri, actions: await client.codeActions(uri, diagnostic.range, [diagnostic]) };
  }

  it('adds p-retry to package.json in the same workspace edit as the wrap and its import', async () => {
    const { uri, actions } = await retryActions(withFileCreation(true));
    const addPRetry = actions.find((action) => ADD_P_RETRY.test(action.title));
    assert.ok(addPRetry, `no add-p-retry fix among ${JSON.stringify(actions.map((action) => action.title))}`);
    const { creates, edits } = changesOf(addPRetry);
    assert.deepEqual(creates, []);
    const manifestUri = fileUri(path.join(workspace, 'package.json'));
    const manifestEdit = edits.find((edit) => edit.textDocument.uri === manifestUri);
    assert.ok(manifestEdit, 'the edit does not touch package.json');
    const manifest = JSON.parse(applyEdits(MANIFEST, manifestEdit.edits as never)) as { dependencies: Record<string, string> };
    assert.deepEqual(manifest.dependencies, { axios: '^1.7.0', express: '^4.19.0', 'p-retry': '^7.1.1' });
    const own = edits.find((edit) => edit.textDocument.uri === uri)!;
    const fixed = applyEdits(ROUTE, own.edits as never);
    assert.ok(fixed.includes("import pRetry from 'p-retry';") && fixed.includes('await pRetry(() => axios.get('), fixed);
  });

  it('creates the withRetry helper module (which must not exist) and imports it', async () => {
    const { uri, actions } = await retryActions(withFileCreation(true));
    const helper = actions.find((action) => HELPER.test(action.title));
    assert.ok(helper, `no helper fix among ${JSON.stringify(actions.map((action) => action.title))}`);
    const { creates, edits } = changesOf(helper);
    const helperUri = fileUri(path.join(workspace, 'src', 'lib', 'with-retry.ts'));
    assert.deepEqual(creates, [{ kind: 'create', uri: helperUri, options: { overwrite: false, ignoreIfExists: false } }]);
    const content = edits.find((edit) => edit.textDocument.uri === helperUri);
    assert.ok(content && applyEdits('', content.edits as never).includes('export async function withRetry<T>('));
    const fixed = applyEdits(ROUTE, edits.find((edit) => edit.textDocument.uri === uri)!.edits as never);
    assert.ok(fixed.includes("import { withRetry } from './lib/with-retry';"), fixed);
  });

  it('does not offer the helper fix to a client that cannot create files, and still offers the rest', async () => {
    const { actions } = await retryActions(withFileCreation(false));
    const titles = actions.map((action) => action.title);
    assert.ok(!titles.some((title) => HELPER.test(title)), JSON.stringify(titles));
    assert.ok(titles.some((title) => ADD_P_RETRY.test(title)), JSON.stringify(titles));
  });
});
