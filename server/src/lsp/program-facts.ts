import * as fs from 'node:fs';
import { AnalysisProject, MAX_ANALYSED_BYTES } from '../parse/project';
import { mayHaveProgramFacts, programFactsOf, type ProgramFacts } from '../facts/process-handlers';
import { collectSourceFiles, PackageRoots } from '../workspace';

/**
 * Each package's program facts, as `preflight check` finds them: what it does
 * with failures nobody handled (its process-level `unhandledRejection`/
 * `uncaughtException` handlers, for floating-promise) and the middleware it
 * registers (rate limiters, CORS options, for missing-rate-limit and
 * permissive-cors). Read from the package's files on disk once, cached per
 * package until one of its files changes. Only files whose text may hold such
 * a fact are parsed, in a project of their own.
 */
export class ProgramFactsIndex {
  private readonly roots = new PackageRoots();
  private readonly byRoot = new Map<string, Promise<ProgramFacts>>();

  factsFor(filePath: string): Promise<ProgramFacts> {
    const root = this.roots.of(filePath);
    let facts = this.byRoot.get(root);
    if (!facts) {
      facts = scanPackage(root);
      this.byRoot.set(root, facts);
    }
    return facts;
  }

  /**
   * The package's facts if they are known within `waitMs`, else undefined (the
   * file's own handlers are used), so a first scan of a large package never
   * holds up diagnostics; later analyses get the package's facts.
   */
  async factsSoon(filePath: string, waitMs: number): Promise<ProgramFacts | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
    try {
      return await Promise.race([this.factsFor(filePath), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Files changed on disk: the packages they belong to are read again when next asked. */
  invalidate(files: readonly string[]): void {
    for (const file of files) this.byRoot.delete(this.roots.of(file));
  }
}

async function scanPackage(root: string): Promise<ProgramFacts> {
  const { files } = await collectSourceFiles([root], root, { root });
  const project = new AnalysisProject({ inMemory: true });
  const sourceFiles = [];
  for (const file of files) {
    let text: string;
    try {
      if ((await fs.promises.stat(file)).size > MAX_ANALYSED_BYTES) continue;
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      continue;
    }
    if (!mayHaveProgramFacts(text)) continue;
    sourceFiles.push(project.upsert(file, text));
  }
  return programFactsOf(sourceFiles);
}
