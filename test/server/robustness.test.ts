import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspTestClient, fileUri, makeTempWorkspace } from './lsp-client';
import { STATS_REQUEST } from 'preflight-server/out/lsp/server';

const HANDLER = 'export async function load(url: string) {\n  const response = await fetch(url);\n  return response.json();\n}\n';

/** About 200 KB of minified code (the size that blocked every request for 37 s). */
function minifiedBundle(bytes = 200_000): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const part = `function a${i}(b,c){return fetch(b).then(function(r){return r.json()}).catch(function(){})}var v${i}=a${i}("/x",2);`;
    parts.push(part);
    length += part.length;
  }
  return `${parts.join('')}\n`;
}

function canMakeFifos(): boolean {
  if (process.platform === 'win32') return false;
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('language server robustness (issue 13, real server process)', function () {
  this.timeout(120_000);
  const clients: LspTestClient[] = [];
  const workspaces: string[] = [];

  function workspace(): string {
    const dir = makeTempWorkspace('preflight-robust-');
    workspaces.push(dir);
    return dir;
  }

  async function start(folder: string, options: Parameters<typeof LspTestClient.start>[0] = {}): Promise<LspTestClient> {
    const client = await LspTestClient.start({ workspaceFolders: [folder], ...options });
    clients.push(client);
    return client;
  }

  after(async () => {
    for (const client of clients) await client.dispose();
    for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('defect 3: large and minified files do not freeze the server', () => {
    it('skips a 200 KB minified bundle as the CLI does, says so, and keeps answering', async () => {
      const folder = workspace();
      const client = await start(folder);
      const bundle = fileUri(path.join(folder, 'public', 'bundle.js'));
      const handler = fileUri(path.join(folder, 'src', 'handler.ts'));
      await client.open(bundle, minifiedBundle(), 'javascript');
      await client.open(handler, HANDLER);
      // Before the fix the bundle's analysis held the event loop for tens of seconds; WAIT_MS is 15 s.
      const published = await client.diagnosticsForVersion(handler, 1);
      assert.equal(published.diagnostics.filter((d) => d.code === 'missing-timeout').length, 1);
      const bundleDiagnostics = await client.diagnosticsForVersion(bundle, 1);
      assert.deepEqual(bundleDiagnostics.diagnostics, []);
      await client.waitUntil(() => client.logMessages.some((message) => message.includes('bundle.js') && /minified/.test(message)), 'a log message saying the bundle is minified');
    });

    it('a stale module (its relative imports name no file on disk) gets no diagnostics and a log line saying why, as in the CLI', async () => {
      const folder = workspace();
      const client = await start(folder);
      const stale = fileUri(path.join(folder, 'legacy', 'worker.ts'));
      await client.open(stale, `import logger from './logger';\nimport { pool } from './server';\n${HANDLER}`);
      const published = await client.diagnosticsForVersion(stale, 1);
      assert.deepEqual(published.diagnostics, []);
      await client.waitUntil(() => client.logMessages.some((message) => message.includes('worker.ts') && /relative imports name no file/.test(message)), 'a log message saying the module cannot load');
    });

    it('a module whose imports name documents open in the editor but not saved yet is analysed', async () => {
      const folder = workspace();
      const client = await start(folder);
      const uri = (name: string) => fileUri(path.join(folder, 'src', name));
      await client.open(uri('logger.ts'), 'export const logger = console;\n');
      await client.open(uri('server.ts'), 'export const pool = 1;\n');
      await client.open(uri('worker.ts'), `import { logger } from './logger';\nimport { pool } from './server.js';\n${HANDLER}`);
      const published = await client.diagnosticsForVersion(uri('worker.ts'), 1);
      assert.equal(published.diagnostics.filter((d) => d.code === 'missing-timeout').length, 1);
    });

    it('aborts an analysis that runs over the per-file budget, says so, and answers other requests', async () => {
      const folder = workspace();
      const client = await start(folder, { env: { PREFLIGHT_ANALYSIS_BUDGET_MS: '0' } });
      const uri = fileUri(path.join(folder, 'src', 'slow.ts'));
      await client.open(uri, HANDLER);
      const published = await client.diagnosticsForVersion(uri, 1);
      assert.deepEqual(published.diagnostics, [], 'an aborted analysis publishes no partial findings');
      await client.waitUntil(
        () => client.logMessages.some((message) => message.includes('slow.ts') && /budget/.test(message)),
        'a log message saying the analysis ran over its budget',
      );
      const stats = await client.request<{ analysesCompleted: number }>(STATS_REQUEST);
      assert.equal(typeof stats.analysesCompleted, 'number');
    });

    it('analyses normally within the default budget', async () => {
      const folder = workspace();
      const client = await start(folder);
      const uri = fileUri(path.join(folder, 'src', 'ok.ts'));
      await client.open(uri, HANDLER);
      const published = await client.diagnosticsForVersion(uri, 1);
      assert.equal(published.diagnostics.filter((d) => d.code === 'missing-timeout').length, 1);
      assert.ok(!client.logMessages.some((message) => /budget/.test(message)), client.logMessages.join('\n'));
    });

    it('a deeply nested file gets no stack trace and the server goes on', async () => {
      const folder = workspace();
      const client = await start(folder);
      const deep = fileUri(path.join(folder, 'src', 'deep.ts'));
      const ok = fileUri(path.join(folder, 'src', 'ok.ts'));
      await client.open(deep, `export const x = ${'('.repeat(1_500)}1${')'.repeat(1_500)};\n`);
      await client.open(ok, HANDLER);
      const published = await client.diagnosticsForVersion(ok, 1);
      assert.equal(published.diagnostics.filter((d) => d.code === 'missing-timeout').length, 1);
      await client.waitUntil(() => client.logMessages.some((message) => message.includes('deep.ts') && /too deeply nested/.test(message)), 'a log message saying deep.ts is too deeply nested');
      assert.ok(!client.logMessages.some((message) => /RangeError/.test(message)), client.logMessages.join('\n'));
    });
  });

  describe('defect 4: a FIFO config does not stop initialize', function () {
    before(function () {
      if (!canMakeFifos()) this.skip();
    });

    it('answers initialize and analyses with defaults', async () => {
      const folder = workspace();
      execFileSync('mkfifo', [path.join(folder, 'preflight.config.json')]);
      execFileSync('mkfifo', [path.join(folder, 'package.json')]);
      const client = await start(folder);
      const uri = fileUri(path.join(folder, 'src', 'handler.ts'));
      await client.open(uri, HANDLER);
      const published = await client.diagnosticsForVersion(uri, 1);
      assert.equal(published.diagnostics.filter((d) => d.code === 'missing-timeout').length, 1);
      await client.waitUntil(() => client.logMessages.some((message) => /preflight\.config\.json.*not a regular file/.test(message)), 'a log message about the FIFO config');
    });
  });

  describe('defect 5: a brace-bomb preflight.ignore setting does not wedge the server', () => {
    it('analyses with the pattern matched, not expanded', async () => {
      const folder = workspace();
      const client = await start(folder, { initializationOptions: { preflight: { ignore: [`${'{a,b}'.repeat(20)}/**`] } } });
      const uri = fileUri(path.join(folder, 'src', 'handler.ts'));
      await client.open(uri, HANDLER);
      const published = await client.diagnosticsForVersion(uri, 1);
      assert.equal(published.diagnostics.filter((d) => d.code === 'missing-timeout').length, 1);
    });
  });

  describe('defect 9: a malformed header', () => {
    for (const [name, header] of [
      ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n'],
      ['a header without Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n'],
    ] as const) {
      it(`${name} makes the server exit with an error, so that the client restarts it`, async () => {
        const folder = workspace();
        const client = await start(folder);
        client.process.stdin!.write(header);
        const code = await client.exitCode();
        assert.notEqual(code, 0, 'a non-zero exit code tells the client to restart the server');
        assert.match(client.stderr, /header/i);
      });
    }

    it('a body that is not JSON (with a correct length) is skipped and the server keeps answering', async () => {
      const folder = workspace();
      const client = await start(folder);
      client.process.stdin!.write('Content-Length: 5\r\n\r\n{"a":');
      const stats = await client.request<{ openDocuments: number }>(STATS_REQUEST);
      assert.equal(stats.openDocuments, 0);
    });
  });
});
