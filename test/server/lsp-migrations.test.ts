import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspTestClient, fileUri, makeTempWorkspace } from './lsp-client';

const MIGRATION = ['-- CreateIndex', 'CREATE INDEX "Order_userId_idx" ON "Order"("userId");', ''].join('\n');

describe('language server: SQL migration documents (real server process)', function () {
  this.timeout(60_000);
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    workspace = makeTempWorkspace();
    client = await LspTestClient.start({ workspaceFolders: [workspace] });
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('reviews a Prisma migration.sql: the lock in the hover, CONCURRENTLY as a quick fix', async () => {
    const uri = fileUri(path.join(workspace, 'prisma', 'migrations', '20240301000000_index', 'migration.sql'));
    await client.open(uri, MIGRATION, 'sql');
    const { diagnostics } = await client.diagnosticsForVersion(uri, 1);
    assert.deepEqual(diagnostics.map((d) => `${d.code}:${d.range.start.line}`), ['blocking-migration:1', 'blocking-migration:1']);
    const hover = await client.hover(uri, { line: 1, character: 3 });
    const text = (hover?.contents as MarkupContent).value;
    assert.ok(text.includes('SHARE lock on "Order"') && text.includes('postgresql.org/docs'), text);
    const actions = await client.codeActions(uri, diagnostics[0]!.range, diagnostics, ['quickfix']);
    assert.ok(actions.some((action) => action.title === 'Add CONCURRENTLY'), actions.map((a) => a.title).join(', '));
  });

  it('answers nothing for a SQL file outside migration folders', async () => {
    const uri = fileUri(path.join(workspace, 'queries', 'report.sql'));
    await client.open(uri, MIGRATION, 'sql');
    // A migration opened after it is answered; by then the other would have been too, had it been analysed.
    const migration = fileUri(path.join(workspace, 'migrations', '002_index.sql'));
    await client.open(migration, MIGRATION, 'sql');
    await client.diagnosticsForVersion(migration, 1);
    assert.deepEqual(client.lastPublished(uri)?.diagnostics ?? [], []);
  });
});
