import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { LspTestClient, fileUri, makeTempWorkspace } from '../server/lsp-client';
import { STATS_REQUEST } from 'preflight-server/out/lsp/server';
import { generatedSource, mutatedSource, seedSources, type MutatedInput } from './mutations';

/** Inputs through the real language server (with the engine suite's, at least 10,000 in all). */
const SERVER_RUNS = Number(process.env.PREFLIGHT_PROPERTY_SERVER_RUNS ?? 1_000);
/** Documents open at once: the scheduler analyses them one after another while the client waits. */
const BATCH = 20;

describe('property: the language server survives generated and mutated documents (issue 13)', function () {
  this.timeout(900_000);
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    workspace = makeTempWorkspace('preflight-property-');
    client = await LspTestClient.start({ workspaceFolders: [workspace] });
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it(`${SERVER_RUNS} documents: each gets diagnostics, no analysis fails or runs over its budget, the server stays up`, async () => {
    const seeds = seedSources();
    const input = fc.oneof({ arbitrary: mutatedSource(seeds), weight: 4 }, { arbitrary: generatedSource(), weight: 1 });
    let documents = 0;
    let counter = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: BATCH, maxLength: BATCH }), async (batch: MutatedInput[]) => {
        const uris = batch.map((_, index) => fileUri(path.join(workspace, 'src', `doc-${++counter}${index % 4 === 0 ? '.js' : '.ts'}`)));
        await Promise.all(batch.map((document, index) => client.open(uris[index]!, document.text, uris[index]!.endsWith('.js') ? 'javascript' : 'typescript')));
        for (const uri of uris) await client.diagnosticsForVersion(uri, 1);
        for (const uri of uris) await client.close(uri);
        documents += batch.length;
        const problems = client.logMessages.filter((message) => /failed|budget|RangeError|uncaught|unhandled/i.test(message));
        assert.deepEqual(problems, [], 'the server logged failures');
        assert.equal(client.process.exitCode, null, `the server exited:\n${client.stderr}`);
      }),
      { numRuns: Math.ceil(SERVER_RUNS / BATCH), seed: Number(process.env.PREFLIGHT_PROPERTY_SEED ?? 20261301), endOnFailure: true },
    );
    const stats = await client.request<{ analysesCompleted: number; rssBytes: number }>(STATS_REQUEST);
    console.log(`      server: ${documents} documents in ${((Date.now() - started) / 1000).toFixed(1)} s; ${stats.analysesCompleted} analyses completed; RSS ${(stats.rssBytes / 1e6).toFixed(0)} MB`);
    assert.ok(documents >= SERVER_RUNS);
  });
});
