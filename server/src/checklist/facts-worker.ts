/**
 * The project-facts worker thread: reads and parses the files the project
 * checks need while the main thread type-checks the scope, on the machine's
 * other core. It keeps its own facts cache between scans, so a warm scan
 * parses only what changed. Started by facts-thread.ts.
 */
import { parentPort } from 'node:worker_threads';
import { AnalysisCancelled } from '../engine/analyze';
import { readSourceText } from '../workspace/files';
import { relativePath } from './scope';
import { readProjectFacts, type FactsCache } from './project-facts';
import type { ChecklistProblem } from './types';
import type { FromFactsWorker, ReadFactsRequest, ToFactsWorker } from './facts-worker-protocol';

const cache: FactsCache = new Map();
const cancelledRequests = new Set<number>();

function post(message: FromFactsWorker): void {
  parentPort!.postMessage(message);
}

async function read(request: ReadFactsRequest): Promise<void> {
  const problems: ChecklistProblem[] = [];
  const text = async (file: string): Promise<string | undefined> => {
    const open = request.openTexts[file];
    if (open !== undefined) return open;
    const source = await readSourceText(file);
    if (source.kind === 'text') return source.text;
    problems.push({ file: relativePath(request.root, file), message: `skipped: ${source.reason}` });
    return undefined;
  };
  try {
    const result = await readProjectFacts(request.files, {
      root: request.root,
      text,
      cache,
      alwaysParse: new Set(request.alwaysParse),
      cancelled: () => {
        if (cancelledRequests.has(request.id)) throw new AnalysisCancelled();
      },
      onProgress: (done, total) => post({ type: 'progress', id: request.id, done, total }),
      problems,
    });
    post({ type: 'done', id: request.id, facts: result.facts, parsed: result.parsed, reused: result.reused, problems });
  } catch (error) {
    if (error instanceof AnalysisCancelled) post({ type: 'cancelled', id: request.id });
    else post({ type: 'failed', id: request.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  } finally {
    cancelledRequests.delete(request.id);
  }
}

parentPort?.on('message', (message: ToFactsWorker) => {
  if (message.type === 'cancel') cancelledRequests.add(message.id);
  else void read(message);
});
