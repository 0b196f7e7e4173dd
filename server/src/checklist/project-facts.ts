import * as path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { SyntaxOnlyProject } from '../parse/project';
import { collectSourceFiles } from '../workspace/files';
import { PackageRoots } from '../workspace/package-root';
import type { TestCodeClassifier } from '../workspace/test-code';
import { relativePath, type ResolvedScope } from './scope';
import type { ChecklistProblem } from './types';
import { mayHaveReadinessFacts, noReadinessFacts, summariseFile, type FileReadinessFacts } from './workspace-facts';

/** Project facts per file from earlier builds, reused while a file's text is unchanged (they depend on its text alone). */
export type FactsCache = Map<string, { text: string; facts: FileReadinessFacts }>;

/** Files parsed together: the program is built once per batch, and memory holds one batch at a time. */
const BATCH_SIZE = 200;

/** The source files the project checks read, and the folders of the packages they belong to. */
export interface ProjectFactFiles {
  packages: string[];
  files: string[];
}

/**
 * The source files whose facts the project checks read: those of the packages
 * the scope touches (the nearest folder with a package.json above each changed
 * file, the root when there is none; every package for a workspace scope),
 * without the packages nested inside them (a monorepo root's workspaces are
 * packages of their own), honouring .gitignore, the config's `ignore` and test
 * code as `preflight check` does. A backend change reads the backend package,
 * not the frontend.
 */
export async function projectFactFiles(scope: ResolvedScope, root: string, config: ResolvedConfig, classifier: TestCodeClassifier): Promise<ProjectFactFiles> {
  if (scope.scope.kind === 'workspace') return { packages: [root], files: scope.sourceFiles };
  const owners = new PackageRoots(root);
  const packages = [...new Set([...scope.sourceFiles, ...scope.changedFiles].map((file) => owners.of(file)))].sort();
  const listed = await collectSourceFiles(
    packages.map((dir) => path.relative(root, dir) || '.'),
    root,
    { root, ignore: config.ignore, tests: config.tests, classifier },
  );
  const wanted = new Set(packages);
  return { packages, files: listed.files.filter((file) => wanted.has(owners.of(file))) };
}

export interface ReadFactsOptions {
  root: string;
  /** The file's text (editor text first), or undefined when it is skipped (the loader reports why). */
  text: (file: string) => Promise<string | undefined>;
  /** An open editor document's text, where it differs from the disk (what a reader on another thread is sent). */
  openText?: (file: string) => string | undefined;
  cache?: FactsCache;
  /** Files always parsed, even when the text rules out every fact: the changed files (their `hasCode` is asked). */
  alwaysParse?: ReadonlySet<string>;
  cancelled: () => void;
  onProgress: (done: number, total: number) => void;
  problems: ChecklistProblem[];
}

export interface ProjectFactsRead {
  facts: FileReadinessFacts[];
  /** Files whose facts came from the cache. */
  reused: number;
  /** Files parsed (the others had no fact their text could hold, or were cached). */
  parsed: number;
}

/** Where a build gets its project facts: this thread, or a worker thread (facts-thread.ts). */
export interface ProjectFactsReader {
  read(files: readonly string[], options: ReadFactsOptions): Promise<ProjectFactsRead>;
  /** Gets ready for a read soon (a worker starts loading its code while the scope is resolved). */
  prepare?(): void;
}

/** Reads the readiness facts of `files`: from the cache while a text is unchanged, else parsed in batches. */
export async function readProjectFacts(files: readonly string[], options: ReadFactsOptions): Promise<ProjectFactsRead> {
  const facts: FileReadinessFacts[] = [];
  const project = new SyntaxOnlyProject();
  let batch: { file: string; text: string }[] = [];
  let reused = 0;
  let parsed = 0;
  const flush = async (): Promise<void> => {
    options.cancelled();
    const summaries = project.withFiles(batch, (sourceFile, file) => summariseOrReport(sourceFile, file, options));
    for (const [index, summary] of summaries.entries()) {
      if (!summary) continue;
      facts.push(summary);
      options.cache?.set(batch[index]!.file, { text: batch[index]!.text, facts: summary });
    }
    batch = [];
    // Let the language server answer the editor between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (const [index, file] of files.entries()) {
    options.onProgress(index, files.length);
    const text = await options.text(file);
    if (text === undefined) continue;
    const cached = options.cache?.get(file);
    if (cached && cached.text === text) {
      facts.push(cached.facts);
      reused += 1;
      continue;
    }
    if (!options.alwaysParse?.has(file) && !mayHaveReadinessFacts(file, text)) {
      facts.push(noReadinessFacts(file, options.root));
      continue;
    }
    parsed += 1;
    batch.push({ file, text });
    if (batch.length >= BATCH_SIZE) await flush();
  }
  if (batch.length > 0) await flush();
  if (options.cache) {
    const current = new Set(files);
    for (const file of [...options.cache.keys()]) if (!current.has(file)) options.cache.delete(file);
  }
  return { facts, reused, parsed };
}

function summariseOrReport(sourceFile: Parameters<typeof summariseFile>[0], file: string, options: ReadFactsOptions): FileReadinessFacts | undefined {
  try {
    return summariseFile(sourceFile, options.root);
  } catch (error) {
    options.problems.push({ file: relativePath(options.root, file), message: `project facts could not be read: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}
