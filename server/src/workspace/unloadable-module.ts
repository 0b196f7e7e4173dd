import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { ANALYSIS_COMPILER_OPTIONS } from '../parse/project';
import { findGitRoot, isIgnoredByLayers, readIgnoreFile, type IgnoreLayer } from './ignore-files';

/** Fewer missing relative imports than this is a file being written (an import typed before its module exists). */
const MIN_MISSING = 2;
const SHOWN = 3;

/**
 * Why a module cannot load as it stands, if it cannot: most of its relative
 * imports (and at least two) name no file on disk. Such a file is stale or
 * unbuilt code (a `legacy/` copy whose neighbours were moved away): it can
 * neither compile nor run, so what it would do in production is moot.
 * Imports of packages are not judged (node_modules may not be installed), nor
 * imports of git-ignored paths (generated at build time: `../generated/prisma/client`).
 */
export function unloadableModuleReason(filePath: string, text: string, isOpen: OpenDocuments = () => false): string | undefined {
  const relative = relativeSpecifiers(text);
  if (relative.length < MIN_MISSING) return undefined;
  const missing = missingOnDisk(filePath, relative).filter((specifier) => !candidatesOf(targetOf(specifier, filePath)).some(isOpen));
  if (missing.length < MIN_MISSING || missing.length * 2 <= relative.length) return undefined;
  const shown = missing.slice(0, SHOWN).join(', ') + (missing.length > SHOWN ? ', …' : '');
  return `${missing.length} of its ${relative.length} relative imports name no file (${shown}): it cannot load as it stands (stale or unbuilt code)`;
}

/**
 * The specifiers that name no file on disk. The editor asks on every keystroke with the same imports:
 * the answer is kept for a few seconds (files appear and disappear meanwhile, so not for longer).
 */
function missingOnDisk(filePath: string, relative: string[]): string[] {
  const key = `${filePath}\u0000${relative.join('\u0000')}`;
  const cached = recentAnswers.get(key);
  if (cached && Date.now() - cached.at < ANSWER_TTL_MS) return cached.missing;
  if (recentAnswers.size > MAX_ANSWERS) recentAnswers.clear();
  const missing = relative.filter((specifier) => !existsOnDisk(specifier, filePath));
  recentAnswers.set(key, { at: Date.now(), missing });
  return missing;
}

const ANSWER_TTL_MS = 5_000;
const MAX_ANSWERS = 512;
const recentAnswers = new Map<string, { at: number; missing: string[] }>();

function relativeSpecifiers(text: string): string[] {
  const names = ts.preProcessFile(text, true, true).importedFiles.map((reference) => reference.fileName);
  return [...new Set(names.filter((name) => name.startsWith('./') || name.startsWith('../')))];
}

/** Whether the editor holds a document at a path (an unsaved file another one imports). */
export type OpenDocuments = (filePath: string) => boolean;

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

function existsOnDisk(specifier: string, containingFile: string): boolean {
  const resolved = ts.resolveModuleName(specifier, containingFile, ANALYSIS_COMPILER_OPTIONS, ts.sys).resolvedModule;
  if (resolved) return true;
  const target = targetOf(specifier, containingFile);
  // A stylesheet, an image, a native addon, a folder: present on disk, whatever TypeScript makes of it.
  return fs.existsSync(target) || isBuildOutput(target);
}

function targetOf(specifier: string, containingFile: string): string {
  return path.resolve(path.dirname(containingFile), specifier);
}

/** The files a specifier can name: `./x` as `x.ts`, `x/index.ts`..., `./x.js` as `x.ts` too. */
function candidatesOf(target: string): string[] {
  const stem = target.replace(/\.[cm]?jsx?$/, '');
  return [target, ...SOURCE_EXTENSIONS.flatMap((extension) => [stem + extension, path.join(target, `index${extension}`)])];
}

/** The target, or a folder on its way, is git-ignored: a build step writes it (a generated client, compiled output). */
function isBuildOutput(target: string): boolean {
  const layers = gitignoreLayersAbove(target);
  if (layers.length === 0) return false;
  const top = layers[0]!.base;
  for (let current = target; current.startsWith(top) && current !== top; current = path.dirname(current)) {
    if (isIgnoredByLayers(layers, current, current !== target)) return true;
  }
  return false;
}

/** The .gitignore files from the repository root (or the file system root) down to the target's folder. */
function gitignoreLayersAbove(target: string): IgnoreLayer[] {
  const stop = findGitRoot(path.dirname(target));
  const layers: IgnoreLayer[] = [];
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const layer = readIgnoreFile(path.join(dir, '.gitignore'), dir);
    if (layer) layers.unshift(layer);
    if (dir === stop || path.dirname(dir) === dir) break;
  }
  return layers;
}
