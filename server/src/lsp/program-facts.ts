import type { ProgramFacts } from '../facts/process-handlers';
import { PackageRoots } from '../workspace';
import { scanPackageProgramFacts } from '../workspace/package-program-facts';

/**
 * What each package does with failures nobody handled (its process-level
 * `unhandledRejection`/`uncaughtException` handlers), for the messages of
 * floating-promise, and where it handles SIGTERM (missing-graceful-shutdown), as `preflight check` finds them: read from the package's
 * files on disk once, cached per package until one of its files changes.
 * Only files that name the events are parsed, in a project of their own.
 */
export class ProgramFactsIndex {
  private readonly roots = new PackageRoots();
  private readonly byRoot = new Map<string, Promise<ProgramFacts>>();

  factsFor(filePath: string): Promise<ProgramFacts> {
    const root = this.roots.of(filePath);
    let facts = this.byRoot.get(root);
    if (!facts) {
      facts = scanPackageProgramFacts(root);
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
