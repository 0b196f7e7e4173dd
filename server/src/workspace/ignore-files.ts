import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The patterns of one ignore file (or the config's `ignore` list), relative to `base`. */
export interface IgnoreLayer {
  base: string;
  matcher: Ignore;
}

export function ignoreLayer(base: string, patterns: readonly string[]): IgnoreLayer {
  return { base, matcher: ignore().add(patterns.flatMap(expandBraces)) };
}

/** `**\/*.{test,spec}.ts` → one pattern per alternative (glob braces; .gitignore syntax has none). */
export function expandBraces(pattern: string): string[] {
  const match = /\{([^{}]*,[^{}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  const before = pattern.slice(0, match.index);
  const after = pattern.slice(match.index + match[0].length);
  return match[1]!.split(',').flatMap((alternative) => expandBraces(`${before}${alternative}${after}`));
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
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') onError?.(file, `cannot be read (${code ?? String(error)}); its patterns are not applied`);
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
