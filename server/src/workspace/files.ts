import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAnalysablePath, MAX_ANALYSED_BYTES } from '../parse/project';
import { isSqlMigrationPath } from '../facts/tables/migration-paths';
import { unloadableModuleReason, type OpenDocuments } from './unloadable-module';
import { excludedDirectoryReason, nonSourceReason, TEST_DIRECTORIES } from './exclusions';
import { ancestorGitignoreLayers, ignoreLayer, isIgnoredByLayers, readIgnoreFile, type IgnoreLayer } from './ignore-files';
import type { TestsConfig } from '../config/types';
import { tooDeeplyNestedReason } from '../parse/nesting';
import { describeFileKind, NotRegularFileError, readRegularFile } from './regular-file';
import { TestCodeClassifier } from './test-code';

export interface CollectOptions {
  /** Folder the config `ignore` patterns are relative to (the workspace root, where preflight.config.json lives). */
  root: string;
  /** Config `ignore` patterns, in .gitignore syntax (`scripts/**`, `**\/*.generated.ts`). */
  ignore?: readonly string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /** The config's `tests` section (default: test code is skipped). */
  tests?: TestsConfig;
  /** A classifier to share (the language server's, the checklist's); default: a new one for `root` and `tests`. */
  classifier?: TestCodeClassifier;
  /** Also collect SQL migration files (facts/tables/migration-paths.ts): `preflight check` analyses them. Default false. */
  sqlMigrations?: boolean;
}

/** A file or folder left out, with why, for a warning line. */
export interface SkippedPath {
  path: string;
  reason: string;
}

export interface CollectedFiles {
  /** Absolute paths of the source files to analyse, sorted, without duplicates. */
  files: string[];
  /** Things the user should hear about: unreadable folders, named files that are not analysed. */
  skipped: SkippedPath[];
}

export class PathNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`path not found: ${path}`);
  }
}

class FileCollector {
  readonly files = new Set<string>();
  readonly skipped: SkippedPath[] = [];
  private readonly configLayer: IgnoreLayer;
  readonly classifier: TestCodeClassifier;
  private readonly skipTestCode: boolean;
  /** Test-named folders can be skipped whole unless `tests.notTests` may pick files inside them. */
  private readonly pruneTestFolders: boolean;

  constructor(private readonly options: CollectOptions) {
    this.configLayer = ignoreLayer(path.resolve(options.root), options.ignore ?? []);
    this.classifier = options.classifier ?? new TestCodeClassifier({ root: options.root, tests: options.tests });
    const tests = this.classifier.tests;
    this.skipTestCode = !tests.analyze;
    this.pruneTestFolders = this.skipTestCode && tests.notTests.length === 0;
  }

  private readonly reportIgnoreFile = (file: string, reason: string): void => {
    this.skipped.push({ path: file, reason });
  };

  private isCollectedSqlMigration(file: string): boolean {
    return this.options.sqlMigrations === true && isSqlMigrationPath(file);
  }

  private get useGitignore(): boolean {
    return this.options.gitignore ?? true;
  }

  private ignoredByConfig(target: string, isDirectory: boolean): boolean {
    return isIgnoredByLayers([this.configLayer], target, isDirectory);
  }

  /**
   * A file named on the command line: analysed unless it is not source code,
   * the config ignores it, or it is test code (judged as the editor judges it,
   * relative to the config's folder), each said in a warning line.
   */
  async addNamedFile(file: string, stats: fs.Stats): Promise<void> {
    if (!stats.isFile()) {
      this.skipped.push({ path: file, reason: `not a regular file (${describeFileKind(stats)})` });
      return;
    }
    if (!isAnalysablePath(file) && !this.isCollectedSqlMigration(file)) {
      this.skipped.push({ path: file, reason: 'not a JavaScript or TypeScript source file or a SQL migration' });
      return;
    }
    if (this.ignoredByConfig(file, false)) {
      this.skipped.push({ path: file, reason: 'matches an "ignore" pattern in the config' });
      return;
    }
    const verdict = this.skipTestCode && !this.isCollectedSqlMigration(file) ? await this.classifier.classify(file, this.options.root) : undefined;
    if (verdict) this.skipped.push({ path: file, reason: `${verdict.reason}; "tests": { "analyze": true } in the config analyses test code` });
    else await this.add(file, (await fs.promises.lstat(file)).isSymbolicLink());
  }

  /** Each file once under its real path: a symlink to a file that is also found directly is not analysed twice. */
  private readonly byRealPath = new Map<string, { file: string; viaLink: boolean }>();

  private async add(file: string, viaLink: boolean): Promise<void> {
    let real = file;
    try {
      real = await fs.promises.realpath(file);
    } catch {
      // Unresolvable: keep the path as given.
    }
    const seen = this.byRealPath.get(real);
    if (seen && !(seen.viaLink && !viaLink)) return;
    if (seen) this.files.delete(seen.file);
    this.byRealPath.set(real, { file, viaLink });
    this.files.add(file);
  }

  async walkFolder(folder: string): Promise<void> {
    const layers = this.useGitignore ? ancestorGitignoreLayers(folder, this.reportIgnoreFile) : [];
    await this.walk(folder, layers, folder);
  }

  /** Test-runner configuration that could not be read, as warnings. */
  reportClassifierProblems(): void {
    for (const problem of this.classifier.problems()) {
      this.skipped.push({ path: problem.file, reason: `${problem.reason}; the test files it defines are analysed` });
    }
  }

  /** `base` is the folder named on the command line: naming conventions are judged below it. */
  private async walk(folder: string, inherited: IgnoreLayer[], base: string): Promise<void> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(folder, { withFileTypes: true });
    } catch (error) {
      this.skipped.push({ path: folder, reason: `cannot read folder (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      return;
    }
    const own = this.useGitignore && entries.some((e) => e.name === '.gitignore') ? readIgnoreFile(path.join(folder, '.gitignore'), folder, this.reportIgnoreFile) : undefined;
    const layers = own ? [...inherited, own] : inherited;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const target = path.join(folder, entry.name);
      const kind = await entryKind(entry, target);
      if (kind === 'folder') {
        if (excludedDirectoryReason(entry.name)) continue;
        if (this.pruneTestFolders && TEST_DIRECTORIES.has(entry.name)) continue;
        if (isIgnoredByLayers(layers, target, true) || this.ignoredByConfig(target, true)) continue;
        await this.walk(target, layers, base);
      } else if (kind === 'file') {
        const sqlMigration = this.isCollectedSqlMigration(target);
        if (!isAnalysablePath(entry.name) && !sqlMigration) continue;
        if (isIgnoredByLayers(layers, target, false) || this.ignoredByConfig(target, false)) continue;
        if (this.skipTestCode && !sqlMigration && (await this.classifier.classify(target, base))) continue;
        await this.add(target, entry.isSymbolicLink());
      }
    }
  }
}

/** Files and symlinks to files count as files; symlinked folders are not followed (they can loop). */
async function entryKind(entry: fs.Dirent, target: string): Promise<'file' | 'folder' | 'other'> {
  if (entry.isDirectory()) return 'folder';
  if (entry.isFile()) return 'file';
  if (entry.isSymbolicLink()) {
    try {
      return (await fs.promises.stat(target)).isFile() ? 'file' : 'other';
    } catch {
      return 'other';
    }
  }
  return 'other';
}

/**
 * The source files under `paths` (files or folders, relative to `cwd` or
 * absolute) that Preflight analyses: JS/TS sources, not in node_modules, dist,
 * build, coverage, out or dot-folders, not `*.d.ts`, not matched by
 * `.gitignore` files or the config's `ignore` patterns, and not test code
 * (TestCodeClassifier: conventions, the test runners' configuration, modules
 * imported only by tests) unless `tests.analyze`. Throws PathNotFoundError for
 * a path that does not exist.
 */
export async function collectSourceFiles(paths: readonly string[], cwd: string, options: CollectOptions): Promise<CollectedFiles> {
  const collector = new FileCollector(options);
  const targets = paths.length > 0 ? paths : ['.'];
  for (const given of targets) {
    const target = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(target);
    } catch {
      throw new PathNotFoundError(given);
    }
    if (stat.isDirectory()) await collector.walkFolder(target);
    else await collector.addNamedFile(target, stat);
  }
  collector.reportClassifierProblems();
  return { files: [...collector.files].sort(), skipped: collector.skipped };
}

/**
 * Whether a file inside `root` is analysed (ignoring .gitignore and config
 * `ignore` patterns): source code, not generated, and not test code unless the
 * classifier's `tests.analyze` says so.
 */
export async function isAnalysedByDefault(file: string, root: string, classifier: TestCodeClassifier): Promise<boolean> {
  if (nonSourceReason(path.relative(root, file)) !== undefined) return false;
  if (classifier.tests.analyze) return true;
  return (await classifier.classify(file, root)) === undefined;
}

export type SourceText = { kind: 'text'; text: string; bytes: number } | { kind: 'skipped'; reason: string };

const SNIFF_BYTES = 64 * 1024;
const MINIFIED_MIN_BYTES = 4096;
const MINIFIED_AVERAGE_LINE = 300;

export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} KB`;
  return `${bytes} bytes`;
}

/** String and template literals, whose length says nothing about minification (a data URL is one long line). */
const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;

/**
 * Minified bundles: a `.min.` name, or, over a file of some size, long lines
 * of code on average once string literals are set aside, so that a handwritten
 * file with one long data-URL or fixture string is still analysed.
 */
export function looksMinified(fileName: string, text: string): boolean {
  if (/\.min\.[cm]?[jt]sx?$/.test(fileName)) return true;
  if (text.length < MINIFIED_MIN_BYTES) return false;
  const lines = text.split('\n').length;
  if (text.length / lines <= MINIFIED_AVERAGE_LINE) return false;
  const code = text.replace(STRING_LITERAL, '""');
  return code.length / lines > MINIFIED_AVERAGE_LINE;
}

function hasNulByte(buffer: Buffer): boolean {
  return buffer.indexOf(0) !== -1;
}

/**
 * UTF-16 text: a byte-order mark, or (without one) NUL bytes in every other
 * position, as ASCII source saved as UTF-16 has. Undefined for anything else.
 */
export function utf16Encoding(buffer: Buffer): 'utf16le' | 'utf16be' | undefined {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return 'utf16le';
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) return 'utf16be';
  if (buffer.length < 4 || buffer.length % 2 !== 0) return undefined;
  const sample = Math.min(buffer.length, SNIFF_BYTES);
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i + 1 < sample; i += 2) {
    if (buffer[i] === 0) evenNuls++;
    if (buffer[i + 1] === 0) oddNuls++;
  }
  const pairs = Math.floor(sample / 2);
  if (oddNuls >= pairs * 0.9 && evenNuls === 0) return 'utf16le';
  if (evenNuls >= pairs * 0.9 && oddNuls === 0) return 'utf16be';
  return undefined;
}

/** The text of a UTF-16 buffer, without its byte-order mark. */
function decodeUtf16(buffer: Buffer, encoding: 'utf16le' | 'utf16be'): string {
  let bytes = buffer;
  if (encoding === 'utf16be') {
    bytes = Buffer.alloc(buffer.length - (buffer.length % 2));
    for (let i = 0; i + 1 < buffer.length; i += 2) {
      bytes[i] = buffer[i + 1]!;
      bytes[i + 1] = buffer[i]!;
    }
  }
  const text = bytes.toString('utf16le');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Source text from file bytes: UTF-8, or UTF-16 when it is that; undefined for binary content. */
function decodeSource(buffer: Buffer): string | undefined {
  const utf16 = utf16Encoding(buffer);
  if (utf16) return decodeUtf16(buffer, utf16);
  if (hasNulByte(buffer)) return undefined;
  return buffer.toString('utf8');
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Why source text is not analysed whatever the surface (CLI, checklist,
 * language server): minified, or nested too deeply to parse. Undefined when it is analysed.
 */
export function unanalysableTextReason(fileName: string, text: string, bytes: number): string | undefined {
  if (looksMinified(fileName, text)) return `minified (${formatBytes(bytes)})`;
  return tooDeeplyNestedReason(text);
}

/** A JavaScript or TypeScript module that cannot load as it stands (workspace/unloadable-module.ts). */
export function unloadableScriptReason(filePath: string, text: string, isOpen?: OpenDocuments): string | undefined {
  return SCRIPT_FILE.test(filePath) ? unloadableModuleReason(filePath, text, isOpen) : undefined;
}

const SCRIPT_FILE = /\.[cm]?[jt]sx?$/i;

/**
 * Reads a source file for analysis, or says why it is skipped: not a regular
 * file (a FIFO would block), unreadable, binary (NUL bytes that are not UTF-16),
 * minified, too deeply nested, or larger than MAX_ANALYSED_BYTES. UTF-16 files
 * are decoded. Never throws.
 */
export async function readSourceText(file: string): Promise<SourceText> {
  const name = path.basename(file);
  try {
    const stats = await fs.promises.stat(file);
    if (!stats.isFile()) return { kind: 'skipped', reason: `not a regular file (${describeFileKind(stats)})` };
    const { size } = stats;
    if (size > MAX_ANALYSED_BYTES) {
      const head = await readHead(file, SNIFF_BYTES);
      const text = decodeSource(head);
      if (text === undefined) return { kind: 'skipped', reason: `binary file (${formatBytes(size)})` };
      if (looksMinified(name, text)) return { kind: 'skipped', reason: `minified (${formatBytes(size)})` };
      return { kind: 'skipped', reason: `too large (${formatBytes(size)}; the limit is ${formatBytes(MAX_ANALYSED_BYTES)})` };
    }
    const buffer = await readRegularFile(file);
    const text = decodeSource(buffer);
    if (text === undefined) return { kind: 'skipped', reason: `binary file (${formatBytes(buffer.length)})` };
    const reason = unanalysableTextReason(name, text, buffer.length) ?? unloadableScriptReason(file, text);
    if (reason) return { kind: 'skipped', reason };
    return { kind: 'text', text, bytes: buffer.length };
  } catch (error) {
    if (error instanceof NotRegularFileError) return { kind: 'skipped', reason: error.message };
    return { kind: 'skipped', reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}
