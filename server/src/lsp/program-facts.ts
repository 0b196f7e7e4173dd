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
  /** The facts of the packages whose scan has finished. */
  private readonly known = new Map<string, ProgramFacts>();
  /** Packages whose scan an analysis has already waited for once. */
  private readonly waitedFor = new Set<string>();

  factsFor(filePath: string): Promise<ProgramFacts> {
    const root = this.roots.of(filePath);
    let facts = this.byRoot.get(root);
    if (!facts) {
      const scan = scanPackageProgramFacts(root);
      facts = scan;
      this.byRoot.set(root, scan);
      scan.then((value) => this.byRoot.get(root) === scan && this.known.set(root, value)).catch(() => undefined);
    }
    return facts;
  }

  /**
   * The package's facts if they are known within `waitMs`, else undefined (the
   * file's own handlers are used), so a first scan of a large package never
   * holds up diagnostics; later analyses get the package's facts. Only the
   * first analysis in a package waits: while the scan goes on, every edit is
   * analysed without it rather than wait again.
   */
  async factsSoon(filePath: string, waitMs: number): Promise<ProgramFacts | undefined> {
    const root = this.roots.of(filePath);
    const facts = this.factsFor(filePath);
    const known = this.known.get(root);
    if (known) return known;
    if (this.waitedFor.has(root)) return undefined;
    this.waitedFor.add(root);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
    try {
      return await Promise.race([facts, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Files changed on disk: the packages they belong to are read again when next asked. */
  invalidate(files: readonly string[]): void {
    for (const file of files) {
      const root = this.roots.of(file);
      this.byRoot.delete(root);
      this.known.delete(root);
      this.waitedFor.delete(root);
    }
  }
}
