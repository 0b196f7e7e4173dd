import * as path from 'node:path';
import { ts } from 'ts-morph';
import { ANALYSIS_COMPILER_OPTIONS } from './project';
import { ProjectModuleGuesser } from './module-paths';

/**
 * Which of a set of files import which, read without parsing (TypeScript's
 * import scanner) and resolved the way the analysis project resolves them.
 * What one file's analysis can consult of the others is its import closure in
 * both directions: what it imports, transitively (callee summaries, types), and
 * what imports it, transitively (where its code runs, who calls its methods).
 */
export class ModuleGraph {
  private readonly index = new Map<string, number>();
  private readonly files: string[];
  private readonly imports: number[][];
  private readonly importers: number[][];

  constructor(sources: readonly { file: string; text: string }[]) {
    this.files = sources.map((source) => path.normalize(source.file));
    this.files.forEach((file, i) => this.index.set(file, i));
    this.imports = this.files.map(() => []);
    this.importers = this.files.map(() => []);
    const resolve = importResolver();
    sources.forEach((source, i) => {
      for (const target of new Set(importedSpecifiers(source.text).map((specifier) => resolve(specifier, this.files[i]!)))) {
        const j = target === undefined ? undefined : this.index.get(path.normalize(target));
        if (j === undefined || j === i) continue;
        this.imports[i]!.push(j);
        this.importers[j]!.push(i);
      }
    });
  }

  /** The other files `file`'s analysis may read: everything it reaches by imports, and everything that reaches it. */
  neighbourhoodOf(file: string): string[] {
    const start = this.index.get(path.normalize(file));
    return start === undefined ? [] : this.neighbourIndices(start).map((i) => this.files[i]!);
  }

  /** Position of `file` in the sources the graph was built from. */
  indexOf(file: string): number | undefined {
    return this.index.get(path.normalize(file));
  }

  /** As neighbourhoodOf, by positions in the sources, ascending. */
  neighbourIndices(start: number): number[] {
    const reached = new Uint8Array(this.files.length);
    for (const edges of [this.imports, this.importers]) {
      const seen = new Uint8Array(this.files.length);
      seen[start] = 1;
      const queue = [start];
      while (queue.length > 0) {
        for (const next of edges[queue.pop()!]!) {
          if (seen[next]) continue;
          seen[next] = 1;
          reached[next] = 1;
          queue.push(next);
        }
      }
    }
    const found: number[] = [];
    reached.forEach((flag, i) => {
      if (flag) found.push(i);
    });
    return found;
  }
}

/** Module specifiers a file names: imports, exports from, require and import() with literal names, triple-slash references. */
function importedSpecifiers(text: string): string[] {
  const scanned = ts.preProcessFile(text, true, true);
  return [...scanned.importedFiles, ...scanned.referencedFiles].map((reference) => reference.fileName);
}

function importResolver(): (specifier: string, containingFile: string) => string | undefined {
  const guesser = new ProjectModuleGuesser();
  const cache = ts.createModuleResolutionCache(process.cwd(), (name) => name, ANALYSIS_COMPILER_OPTIONS);
  return (specifier, containingFile) =>
    ts.resolveModuleName(specifier, containingFile, ANALYSIS_COMPILER_OPTIONS, ts.sys, cache).resolvedModule?.resolvedFileName ??
    guesser.resolve(specifier, containingFile);
}
