import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import picomatch from 'picomatch';
import { NotRegularFileError, readRegularFileSync } from './regular-file';

/** What a set of patterns says about a path (the shape of the `ignore` package's answer). */
export interface PathMatcher {
  test(relativePath: string): { ignored: boolean; unignored: boolean };
}

/** The patterns of one ignore file (or the config's `ignore` list), relative to `base`. */
export interface IgnoreLayer {
  base: string;
  matcher: PathMatcher;
}

export function ignoreLayer(base: string, patterns: readonly string[]): IgnoreLayer {
  return { base, matcher: configPatternMatcher(patterns) };
}

const BRACE_GROUP = /\{[^{}]*,[^{}]*\}/;

/**
 * The config's patterns in order: runs of plain .gitignore patterns go to the
 * `ignore` package; a pattern with `{a,b}` alternatives (which .gitignore syntax
 * lacks) is matched by picomatch, never expanded (20 groups would be 2^20 patterns).
 * The last pattern that says something about a path decides, as in .gitignore.
 */
function configPatternMatcher(patterns: readonly string[]): PathMatcher {
  const segments: PathMatcher[] = [];
  let plain: string[] = [];
  const flushPlain = () => {
    if (plain.length > 0) segments.push(ignore().add(plain));
    plain = [];
  };
  for (const pattern of patterns) {
    if (BRACE_GROUP.test(pattern)) {
      flushPlain();
      segments.push(braceGlobMatcher(pattern));
    } else {
      plain.push(pattern);
    }
  }
  flushPlain();
  if (segments.length === 1) return segments[0]!;
  return {
    test(relativePath) {
      let verdict = { ignored: false, unignored: false };
      for (const segment of segments) {
        const result = segment.test(relativePath);
        if (result.ignored || result.unignored) verdict = result;
      }
      return verdict;
    },
  };
}

/**
 * One .gitignore-style pattern with brace alternatives, as a glob: `!` negates,
 * a slash before the end anchors it to the base (else it matches at any depth),
 * a trailing slash matches folders only, and a matched folder covers what is inside.
 */
function braceGlobMatcher(pattern: string): PathMatcher {
  const negated = pattern.startsWith('!');
  let glob = negated ? pattern.slice(1) : pattern;
  const folderOnly = glob.endsWith('/');
  if (folderOnly) glob = glob.replace(/\/+$/, '');
  const anchored = glob.includes('/');
  glob = glob.replace(/^\//, '');
  const matches = picomatch(anchored ? glob : `**/${glob}`, { dot: true });
  return {
    test(relativePath) {
      const isFolder = relativePath.endsWith('/');
      const parts = relativePath.replace(/\/+$/, '').split('/');
      let hit = false;
      for (let i = 1; i <= parts.length && !hit; i++) {
        const isWhole = i === parts.length;
        if (isWhole && folderOnly && !isFolder) continue;
        hit = matches(parts.slice(0, i).join('/'));
      }
      return { ignored: hit && !negated, unignored: hit && negated };
    },
  };
}

/**
 * Whether the config's `ignore` patterns exclude `file` (a file, or a folder when
 * `isDirectory`). Patterns are relative to `root` (the folder of
 * preflight.config.json), in .gitignore syntax plus `{a,b}` alternatives.
 */
export function isIgnoredByConfig(file: string, root: string, patterns: readonly string[], isDirectory = false): boolean {
  if (patterns.length === 0) return false;
  return isIgnoredByLayers([ignoreLayer(root, patterns)], file, isDirectory);
}

/** Called when an ignore file exists but cannot be read: its patterns are not applied. */
export type IgnoreFileErrorHandler = (file: string, reason: string) => void;

/**
 * Reads a .gitignore-style file into a layer; undefined when there is none.
 * A file that exists but cannot be read is passed to `onError` (and also gives undefined).
 */
export function readIgnoreFile(file: string, base = path.dirname(file), onError?: IgnoreFileErrorHandler): IgnoreLayer | undefined {
  let text: string;
  try {
    text = readRegularFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof NotRegularFileError) onError?.(file, `${error.message}; its patterns are not applied`);
    else if (code !== 'ENOENT' && code !== 'ENOTDIR') onError?.(file, `cannot be read (${code ?? String(error)}); its patterns are not applied`);
    return undefined;
  }
  return { base, matcher: ignore().add(text) };
}

/** Path of `target` relative to `base` with `/`, or undefined when it is not inside `base`. */
function relativeInside(base: string, target: string): string | undefined {
  const relative = path.relative(base, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/**
 * What one layer says about a path: 'ignored', 'unignored' (a `!pattern`
 * matched), or undefined when none of its patterns apply.
 */
export function layerVerdict(layer: IgnoreLayer, target: string, isDirectory: boolean): 'ignored' | 'unignored' | undefined {
  const relative = relativeInside(layer.base, target);
  if (relative === undefined) return undefined;
  const result = layer.matcher.test(isDirectory ? `${relative}/` : relative);
  if (result.ignored) return 'ignored';
  if (result.unignored) return 'unignored';
  return undefined;
}

/**
 * Git's precedence: the deepest .gitignore with a matching pattern decides.
 * `layers` are ordered from the shallowest to the deepest.
 */
export function isIgnoredByLayers(layers: readonly IgnoreLayer[], target: string, isDirectory: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const verdict = layerVerdict(layers[i]!, target, isDirectory);
    if (verdict) return verdict === 'ignored';
  }
  return false;
}

/** The folder holding `.git` at or above `start`, if any. */
export function findGitRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The ignore layers that apply above `folder` (exclusive): `.git/info/exclude`
 * and every .gitignore from the repository root down to `folder`'s parent.
 */
export function ancestorGitignoreLayers(folder: string, onError?: IgnoreFileErrorHandler): IgnoreLayer[] {
  const root = findGitRoot(folder);
  if (!root) return [];
  const layers: IgnoreLayer[] = [];
  const exclude = readIgnoreFile(path.join(root, '.git', 'info', 'exclude'), root, onError);
  if (exclude) layers.push(exclude);
  const chain: string[] = [];
  for (let dir = path.resolve(folder); dir !== root; dir = path.dirname(dir)) chain.unshift(path.dirname(dir));
  for (const dir of chain) {
    const layer = readIgnoreFile(path.join(dir, '.gitignore'), dir, onError);
    if (layer) layers.push(layer);
  }
  return layers;
}
