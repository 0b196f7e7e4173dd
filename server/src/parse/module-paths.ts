import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { readRegularFileSync } from '../workspace/regular-file';

/**
 * Where a bare module specifier of the project's own code points: tsconfig
 * `paths`, and, where no tsconfig says (it may not be checked out, or lives
 * above the analysed folder), a guess from the folders around the importer
 * (`~/db.server`, `@/lib/x`, `src/prisma/prisma.service`). Used by the
 * analysis project's module resolution and by the test-code classifier.
 */

export interface PathMapping {
  /** The text the `*` stands for, or undefined when the specifier does not match. */
  match(specifier: string): string | undefined;
  /** Absolute target templates with one `*`. */
  targets: string[];
}

/** tsconfig `compilerOptions.paths` (following relative `extends`), resolved against `baseUrl` or the tsconfig's folder. */
export function readPathMappings(tsconfig: string, depth = 0): PathMapping[] {
  if (depth > 5) return [];
  const read = ts.readConfigFile(tsconfig, (file) => {
    try {
      return readRegularFileSync(file);
    } catch {
      return undefined;
    }
  });
  const config = read.config as { extends?: unknown; compilerOptions?: { paths?: unknown; baseUrl?: unknown } } | undefined;
  if (!config) return [];
  const dir = path.dirname(tsconfig);
  const options = config.compilerOptions ?? {};
  if (typeof options.paths === 'object' && options.paths !== null) {
    const base = typeof options.baseUrl === 'string' ? path.resolve(dir, options.baseUrl) : dir;
    return Object.entries(options.paths as Record<string, unknown>).flatMap(([pattern, targets]) => {
      if (!Array.isArray(targets)) return [];
      const star = pattern.indexOf('*');
      const prefix = star === -1 ? pattern : pattern.slice(0, star);
      const suffix = star === -1 ? '' : pattern.slice(star + 1);
      const absoluteTargets = targets.filter((t): t is string => typeof t === 'string').map((t) => path.resolve(base, t.includes('*') ? t : `${t}`));
      const match = (specifier: string): string | undefined => {
        if (star === -1) return specifier === pattern ? '' : undefined;
        if (specifier.length < prefix.length + suffix.length || !specifier.startsWith(prefix) || !specifier.endsWith(suffix)) return undefined;
        return specifier.slice(prefix.length, specifier.length - suffix.length);
      };
      return [{ match, targets: absoluteTargets }];
    });
  }
  // No paths here: they may come from the extended config.
  const parents = typeof config.extends === 'string' ? [config.extends] : Array.isArray(config.extends) ? config.extends.filter((e): e is string => typeof e === 'string') : [];
  for (const parent of parents.reverse()) {
    if (!parent.startsWith('.')) continue;
    const file = path.resolve(dir, parent.endsWith('.json') ? parent : `${parent}.json`);
    const mappings = readPathMappings(file, depth + 1);
    if (mappings.length > 0) return mappings;
  }
  return [];
}


const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
/** Prefixes projects alias their source root with: `~/x`, `@/x`, `#/x`, `#x`. */
const ALIAS_PREFIX = /^(~\/|@\/|#\/|#)/;
const MAX_ANCESTORS = 8;

/**
 * Resolves the project's own bare specifiers for one analysis session,
 * memoising what it reads from disk (tsconfig files, folder listings).
 */
export class ProjectModuleGuesser {
  private readonly kinds = new Map<string, 'file' | 'folder' | 'none'>();
  private readonly mappingsByDir = new Map<string, PathMapping[]>();

  /** The source file `specifier` names from `containingFile`, when it is the project's own module. */
  resolve(specifier: string, containingFile: string): string | undefined {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
    const fromDir = path.dirname(containingFile);
    for (const mapping of this.pathMappingsFor(fromDir)) {
      const rest = mapping.match(specifier);
      if (rest === undefined) continue;
      for (const target of mapping.targets) {
        const file = this.sourceFileAt(target.replace('*', rest));
        if (file) return file;
      }
    }
    return this.guess(specifier, fromDir);
  }

  /** `~/db.server` → `<an ancestor>/db.server.ts`: the nearest folder above the importer where the path exists. */
  private guess(specifier: string, fromDir: string): string | undefined {
    const aliased = ALIAS_PREFIX.test(specifier);
    const rest = specifier.replace(ALIAS_PREFIX, '');
    const segments = rest.split('/').filter((s) => s !== '');
    if (segments.length === 0 || (!aliased && segments.length < 2) || segments[0]!.startsWith('@')) return undefined;
    let dir = fromDir;
    for (let i = 0; i < MAX_ANCESTORS; i++) {
      const head = path.join(dir, segments[0]!);
      if (segments.length === 1 ? true : this.folder(head)) {
        const file = this.sourceFileAt(path.join(dir, rest));
        if (file) return file;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return undefined;
  }

  private sourceFileAt(base: string): string | undefined {
    const ext = path.extname(base);
    const candidates = [
      ...(JS_TO_TS[ext] ?? []).map((replacement) => base.slice(0, -ext.length) + replacement),
      ...SOURCE_EXTENSIONS.map((extension) => base + extension),
      ...SOURCE_EXTENSIONS.map((extension) => path.join(base, `index${extension}`)),
    ];
    if (SOURCE_EXTENSIONS.includes(ext)) candidates.unshift(base);
    return candidates.find((candidate) => this.file(candidate));
  }

  private file(candidate: string): boolean {
    return this.kindOf(candidate) === 'file';
  }

  private folder(candidate: string): boolean {
    return this.kindOf(candidate) === 'folder';
  }

  private kindOf(candidate: string): 'file' | 'folder' | 'none' {
    let kind = this.kinds.get(candidate);
    if (kind === undefined) {
      try {
        const stat = fs.statSync(candidate);
        kind = stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'none';
      } catch {
        kind = 'none';
      }
      this.kinds.set(candidate, kind);
    }
    return kind;
  }

  /** The `paths` of the nearest tsconfig.json at or above `dir`. */
  private pathMappingsFor(dir: string): PathMapping[] {
    const cached = this.mappingsByDir.get(dir);
    if (cached) return cached;
    let mappings: PathMapping[];
    if (this.file(path.join(dir, 'tsconfig.json'))) mappings = readPathMappings(path.join(dir, 'tsconfig.json'));
    else {
      const parent = path.dirname(dir);
      mappings = parent === dir ? [] : this.pathMappingsFor(parent);
    }
    this.mappingsByDir.set(dir, mappings);
    return mappings;
  }
}
