import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnalysisCancelled } from '../engine/analyze';
import type { FromFactsWorker, ToFactsWorker } from './facts-worker-protocol';
import { readProjectFacts, type FactsCache, type ProjectFactsRead, type ProjectFactsReader, type ReadFactsOptions } from './project-facts';

/**
 * The worker's script: facts-worker.js beside this file (server/out/checklist/, as tsc builds it), or
 * else the one-file bundle this code is in (dist/server.js), whose entry runs the worker when started
 * with WORKER_DATA.
 */
const WORKER_SCRIPT = fs.existsSync(path.join(__dirname, 'facts-worker.js')) ? path.join(__dirname, 'facts-worker.js') : __filename;
const WORKER_DATA = { preflightFactsWorker: true };

/** How often a running read checks whether it was cancelled (the worker cannot ask). */
const CANCEL_POLL_MS = 50;

interface PendingRead {
  options: ReadFactsOptions;
  resolve: (read: ProjectFactsRead) => void;
  reject: (error: unknown) => void;
}

/**
 * Project facts read on a worker thread, which keeps its facts cache between
 * scans. The language server keeps one per workspace folder, so a scan's
 * parsing runs on the second core while the main thread type-checks the
 * scope and answers the editor. When the worker cannot start or dies, the
 * read falls back to this thread (logged once), so a scan never fails for it.
 */
export class FactsThread implements ProjectFactsReader {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRead>();
  private readonly fallbackCache: FactsCache = new Map();
  private unavailable: string | undefined;

  constructor(private readonly log: (message: string) => void = () => undefined) {}

  async read(files: readonly string[], options: ReadFactsOptions): Promise<ProjectFactsRead> {
    const worker = this.unavailable === undefined ? this.started() : undefined;
    if (!worker) return readProjectFacts(files, { ...options, cache: this.fallbackCache });
    const id = this.nextId++;
    const openTexts: Record<string, string> = {};
    for (const file of files) {
      const text = options.openText?.(file);
      if (text !== undefined) openTexts[file] = text;
    }
    const message: ToFactsWorker = { type: 'read', id, root: options.root, files: [...files], alwaysParse: [...(options.alwaysParse ?? [])], openTexts };
    const done = new Promise<ProjectFactsRead>((resolve, reject) => this.pending.set(id, { options, resolve, reject }));
    const poll = setInterval(() => {
      try {
        options.cancelled();
      } catch {
        this.worker?.postMessage({ type: 'cancel', id } satisfies ToFactsWorker);
        clearInterval(poll);
      }
    }, CANCEL_POLL_MS);
    worker.postMessage(message);
    try {
      return await done;
    } finally {
      clearInterval(poll);
      this.pending.delete(id);
    }
  }

  prepare(): void {
    if (this.unavailable === undefined) this.started();
  }

  /** Stops the worker; its cache goes with it. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(WORKER_SCRIPT, { workerData: WORKER_DATA });
      worker.on('message', (message: FromFactsWorker) => this.received(message));
      worker.on('error', (error) => this.died(worker, error.message));
      worker.on('exit', (code) => this.died(worker, `it exited with code ${code}`));
      worker.unref();
      this.worker = worker;
      return worker;
    } catch (error) {
      this.giveUp(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  private received(message: FromFactsWorker): void {
    const read = this.pending.get(message.id);
    if (!read) return;
    switch (message.type) {
      case 'progress':
        read.options.onProgress(message.done, message.total);
        return;
      case 'done':
        read.options.problems.push(...message.problems);
        read.resolve({ facts: message.facts, parsed: message.parsed, reused: message.reused });
        return;
      case 'cancelled':
        read.reject(new AnalysisCancelled());
        return;
      case 'failed':
        read.reject(new Error(`reading project facts failed: ${message.message}`));
        return;
    }
  }

  /** A worker that died fails its reads; the next read starts a new one. */
  private died(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.log(`checklist: the project-facts worker stopped (${why}); the next scan starts a new one`);
    for (const read of this.pending.values()) read.reject(new Error(`the project-facts worker stopped: ${why}`));
  }

  private giveUp(why: string): void {
    this.unavailable = why;
    this.log(`checklist: project facts are read on the main thread (the worker could not start: ${why})`);
  }
}
