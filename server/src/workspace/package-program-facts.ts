import * as fs from 'node:fs';
import { AnalysisProject, MAX_ANALYSED_BYTES } from '../parse/project';
import { isStackOverflow } from '../parse/nesting';
import { mayHaveProgramFacts, programFactsOf, type ProgramFacts } from '../facts/process-handlers';
import type { SourceFile } from 'ts-morph';
import { collectSourceFiles } from './files';
import { PackageRoots } from './package-root';
import { readRegularFile } from './regular-file';

/**
 * The program facts of the package rooted at `root`, from all its files: its
 * process-level failure handlers, where it handles SIGTERM, and the middleware
 * it registers (rate limiters, CORS options). `known` gives the text of files
 * already read (the run's, or the editor's unsaved documents); the others are
 * read from disk. Only files whose text may hold such a fact are parsed, in one
 * project of their own (so limiters exported by one file and applied in another
 * are seen together), never in the caller's.
 */
export async function scanPackageProgramFacts(root: string, known: ReadonlyMap<string, string> = new Map()): Promise<ProgramFacts> {
  const { files: found } = await collectSourceFiles([root], root, { root });
  // A package nested below (a workspace of a monorepo root) is a program of its own.
  const roots = new PackageRoots();
  const files = new Set(found.filter((file) => roots.of(file) === root));
  for (const file of known.keys()) if (roots.of(file) === root) files.add(file);
  const project = new AnalysisProject({ inMemory: true });
  const sourceFiles: SourceFile[] = [];
  for (const file of [...files].sort()) {
    const text = known.get(file) ?? (await readSmallFile(file));
    if (text === undefined || !mayHaveProgramFacts(text)) continue;
    try {
      sourceFiles.push(project.upsert(file, text));
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      project.remove(file);
    }
  }
  return programFactsOf(sourceFiles);
}

async function readSmallFile(file: string): Promise<string | undefined> {
  try {
    if ((await fs.promises.stat(file)).size > MAX_ANALYSED_BYTES) return undefined;
    return (await readRegularFile(file)).toString('utf8');
  } catch {
    return undefined;
  }
}
