import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisCancelled } from 'preflight-server/out/engine/analyze';
import { FactsThread } from 'preflight-server/out/checklist/facts-thread';
import { readProjectFacts, type ReadFactsOptions } from 'preflight-server/out/checklist/project-facts';
import type { ChecklistProblem } from 'preflight-server/out/checklist/types';
import { makeTempWorkspace } from '../server/lsp-client';

const FILES: Record<string, string> = {
  'src/server.ts': `import express from 'express';\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(3000);\n`,
  'src/shutdown.js': `process.on('SIGTERM', () => process.exit(0));\n`,
  'src/cache.ts': `export const cache = new Map<string, number>();\n`,
  'src/broken.ts': `export function (\n`,
};

describe('checklist project facts on a worker thread', function () {
  this.timeout(60_000);
  let root: string;
  let files: string[];
  /** Enough files with facts that a read takes longer than the cancel poll and the worker's start. */
  let many: string[];
  const threads: FactsThread[] = [];
  const thread = (log?: (message: string) => void): FactsThread => {
    const created = new FactsThread(log);
    threads.push(created);
    return created;
  };

  before(() => {
    root = makeTempWorkspace('preflight-facts-thread-');
    for (const [file, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
    fs.writeFileSync(path.join(root, 'src/minified.js'), `var a=${'1+'.repeat(40_000)}1;`);
    files = [...Object.keys(FILES), 'src/minified.js'].map((file) => path.join(root, file)).sort();
    many = Array.from({ length: 800 }, (_, index) => {
      const file = path.join(root, 'src', 'routes', `route${index}.ts`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `import { Router } from 'express';\nexport const router${index} = Router();\nrouter${index}.get('/items/${index}', (req, res) => res.json([]));\n`);
      return file;
    });
  });

  after(async () => {
    await Promise.all(threads.map((created) => created.dispose()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  function options(overrides: Partial<ReadFactsOptions> = {}): ReadFactsOptions & { problems: ChecklistProblem[]; progress: number[] } {
    const progress: number[] = [];
    return {
      root,
      text: async (file) => fs.readFileSync(file, 'utf8'),
      cancelled: () => undefined,
      onProgress: (done) => progress.push(done),
      problems: [],
      progress,
      ...overrides,
    };
  }

  it('reads the same facts as this thread, reports progress and the files it skips', async () => {
    const here = await readProjectFacts(files.filter((file) => !file.endsWith('minified.js')), options());
    const read = options();
    const there = await thread().read(files, read);
    assert.deepEqual(there.facts.filter((facts) => !facts.file.endsWith('minified.js')), here.facts);
    assert.equal(there.parsed, here.parsed);
    assert.ok(read.progress.length > 0, 'progress arrived from the worker');
    assert.deepEqual(read.problems.map((problem) => problem.file), ['src/minified.js']);
    assert.match(read.problems[0]!.message, /^skipped: minified/);
  });

  it('keeps its cache between reads: an unchanged file is not parsed again, an edited one is', async () => {
    const facts = thread();
    const first = await facts.read(files, options());
    assert.ok(first.parsed >= 2);
    const second = await facts.read(files, options());
    assert.equal(second.parsed, 0);
    assert.equal(second.reused, first.parsed);
    const shutdown = path.join(root, 'src/shutdown.js');
    const third = await facts.read(files, options({ openText: (file) => (file === shutdown ? `// no handler any more\nexport {};\n` : undefined) }));
    assert.equal(third.reused, first.parsed - 1, 'the open document replaced the disk text of one file');
    assert.equal(third.facts.find((fact) => fact.file === 'src/shutdown.js')!.shutdown.length, 0);
  });

  it('stops when the scan is cancelled, and serves the next read', async () => {
    const facts = thread();
    let cancelled = false;
    const read = options({
      cancelled: () => {
        if (cancelled) throw new AnalysisCancelled();
      },
    });
    const pending = facts.read(many, read);
    // Cancelled once the worker is under way, as the panel's Cancel button would.
    await new Promise<void>((resolve) => {
      const waiting = setInterval(() => {
        if (read.progress.length > 0) {
          clearInterval(waiting);
          resolve();
        }
      }, 5);
    });
    cancelled = true;
    await assert.rejects(pending, (error: unknown) => error instanceof AnalysisCancelled);
    assert.ok(Math.max(...read.progress) < many.length - 1, 'the worker stopped before the end');
    const next = await facts.read(files, options());
    assert.equal(next.facts.length, files.length - 1);
  });

  it('a worker that dies fails its read with the reason, and the next read starts a new one', async () => {
    const logged: string[] = [];
    const facts = thread((message) => logged.push(message));
    await facts.read(files, options());
    const worker = (facts as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const pending = facts.read(many, options());
    await worker.terminate();
    await assert.rejects(pending, /the project-facts worker stopped/);
    assert.ok(logged.some((line) => line.includes('the project-facts worker stopped')), logged.join('\n'));
    const again = await facts.read(files, options());
    assert.equal(again.facts.length, files.length - 1);
  });
});
