/**
 * Messages between the checklist and its project-facts worker thread
 * (facts-worker.ts). Plain data only: they cross the thread boundary by
 * structured clone.
 */
import type { ChecklistProblem } from './types';
import type { FileReadinessFacts } from './workspace-facts';

export interface ReadFactsRequest {
  type: 'read';
  id: number;
  root: string;
  files: string[];
  /** Files parsed even when their text rules out every fact (the changed files). */
  alwaysParse: string[];
  /** Editor texts of open files, which differ from the disk. */
  openTexts: Record<string, string>;
}

export interface CancelRequest {
  type: 'cancel';
  id: number;
}

export type ToFactsWorker = ReadFactsRequest | CancelRequest;

export type FromFactsWorker =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; facts: FileReadinessFacts[]; parsed: number; reused: number; problems: ChecklistProblem[] }
  | { type: 'cancelled'; id: number }
  | { type: 'failed'; id: number; message: string };
