import * as assert from 'node:assert/strict';
import { SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from 'preflight-server/out/facts';
import { entryPointOf } from 'preflight-server/out/facts/entry-points';
import { retryAround } from 'preflight-server/out/facts/retry-policies';
import { withFile } from '../support/facts-project';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

/** The entry point of the first call whose callee reads `callee`. */
function entryOfCall(sourceFile: SourceFile, callee: string): string | undefined {
  const call = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).find((candidate) => candidate.getExpression().getText() === callee);
  assert.ok(call, `no call of ${callee}`);
  return entryPointOf(call, FileFacts.of(sourceFile)) ?? 'none';
}

describe('facts: entry points (request-handling and job code)', () => {
  it('a route handler and the function of the file it calls are request-handling code; start-up code is neither', () => {
    const code = lines(
      `import express from 'express';`,
      `const app = express();`,
      `async function load(id: string) { return lookup(id); }`,
      `async function lookup(id: string) { return id; }`,
      `function boot() { configure(); }`,
      `function configure() {}`,
      `app.get('/x/:id', async (req, res) => res.json(await load(req.params.id)));`,
      `boot();`,
    );
    withFile(code, (sourceFile) => {
      assert.equal(entryOfCall(sourceFile, 'lookup'), 'request');
      assert.equal(entryOfCall(sourceFile, 'configure'), 'none');
    });
  });

  it('a BullMQ processor and a kafkajs eachMessage handler are job code', () => {
    const code = lines(
      `import { Worker } from 'bullmq';`,
      `import { Kafka } from 'kafkajs';`,
      `new Worker('q', async (job) => { handle(job.data); });`,
      `const consumer = new Kafka({ brokers: [] }).consumer({ groupId: 'g' });`,
      `consumer.run({ eachMessage: async ({ message }) => { index(message); } });`,
      `function handle(data: unknown) {}`,
      `function index(message: unknown) {}`,
    );
    withFile(code, (sourceFile) => {
      assert.equal(entryOfCall(sourceFile, 'handle'), 'job');
      assert.equal(entryOfCall(sourceFile, 'index'), 'job');
    });
  });

  it('retry wrappers: p-retry by import, a callee named *retry*, but not a look-alike of another package', () => {
    const code = lines(
      `import pRetry from 'p-retry';`,
      `import { run } from 'p-limit';`,
      `import { withRetries } from './resilience';`,
      `pRetry(() => first());`,
      `withRetries(() => second());`,
      `run(() => third());`,
      `function first() {}`,
      `function second() {}`,
      `function third() {}`,
    );
    withFile(code, (sourceFile) => {
      const facts = FileFacts.of(sourceFile);
      const call = (name: string) => sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).find((c) => c.getExpression().getText() === name)!;
      assert.equal(retryAround(call('first'), facts), 'wrapper');
      assert.equal(retryAround(call('second'), facts), 'wrapper');
      assert.equal(retryAround(call('third'), facts), undefined);
    });
  });
});
