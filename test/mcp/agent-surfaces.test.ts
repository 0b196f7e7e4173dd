import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AGENT_CHECK_REQUEST, type AgentCheckResult } from 'preflight-server/out/lsp/agent-check-protocol';
import { cleanUp, repoRoot } from '../cli/helpers';
import { LspTestClient } from '../server/lsp-client';
import { callTool, makeShopRepository, textOf } from './fixture';

interface Located {
  file: string;
  line: number;
  ruleId: string;
}

const where = (findings: readonly Located[]): string[] => findings.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`);

describe('the MCP check from the other surfaces', function () {
  this.timeout(120_000);
  let repo: string;

  before(() => {
    repo = makeShopRepository();
  });
  after(() => cleanUp(repo));

  it('the extension bundle serves the same tools: `node dist/server.js mcp --root DIR`', async () => {
    const bundle = path.join(repoRoot, 'dist', 'server.js');
    assert.ok(fs.existsSync(bundle), 'dist/server.js is built (npm run build)');
    const client = new Client({ name: 'preflight-test-client', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bundle, 'mcp', '--root', repo], cwd: repoRoot, stderr: 'pipe' }));
    try {
      assert.equal((await client.listTools()).tools.length, 4);
      const result = await callTool(client, 'preflight_check', {});
      assert.notEqual(result.isError, true, textOf(result));
      assert.deepEqual(where((result.structuredContent as { findings: Located[] }).findings), ['src/billing.ts:2 missing-timeout', 'src/webhooks/stripe.ts:13 non-idempotent-handler']);
    } finally {
      await client.close();
    }
  });

  describe(`the language server's ${AGENT_CHECK_REQUEST} request (what the VS Code language-model tool sends)`, () => {
    let lsp: LspTestClient | undefined;
    afterEach(async () => {
      await lsp?.dispose();
      lsp = undefined;
    });

    it('answers the change since the merge base in a trusted workspace', async () => {
      lsp = await LspTestClient.start({ workspaceFolders: [repo], initializationOptions: { preflight: {}, workspaceTrusted: true } });
      const result = await lsp.connection.sendRequest<AgentCheckResult>(AGENT_CHECK_REQUEST, {});
      assert.equal(result.isError, false, result.text);
      assert.deepEqual(where((result.structured as { findings: Located[] }).findings), ['src/billing.ts:2 missing-timeout', 'src/webhooks/stripe.ts:13 non-idempotent-handler']);
      assert.match(result.text, /src\/billing\.ts:2:\d+ warning missing-timeout/);
    });

    it('runs no git in Restricted Mode: the whole workspace by default, and changedSince is an error', async () => {
      lsp = await LspTestClient.start({ workspaceFolders: [repo], initializationOptions: { preflight: {}, workspaceTrusted: false } });
      const whole = await lsp.connection.sendRequest<AgentCheckResult>(AGENT_CHECK_REQUEST, {});
      assert.equal((whole.structured as { scope: { kind: string } }).scope.kind, 'workspace');
      assert.equal((whole.structured as { total: number }).total, 3);
      const since = await lsp.connection.sendRequest<AgentCheckResult>(AGENT_CHECK_REQUEST, { changedSince: 'main' });
      assert.equal(since.isError, true);
      assert.match(since.text, /not trusted/);
    });

    it('answers an unknown path as an error sentence', async () => {
      lsp = await LspTestClient.start({ workspaceFolders: [repo], initializationOptions: { preflight: {}, workspaceTrusted: true } });
      const result = await lsp.connection.sendRequest<AgentCheckResult>(AGENT_CHECK_REQUEST, { paths: ['nowhere'] });
      assert.deepEqual(result, { text: `Path not found: nowhere (paths are relative to the workspace root ${repo}).`, isError: true });
    });
  });
});
