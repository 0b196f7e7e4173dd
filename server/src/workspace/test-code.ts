import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ts } from 'ts-morph';
import { isAnalysablePath, MAX_ANALYSED_BYTES } from '../parse/project';
import { readPathMappings, type PathMapping } from '../parse/module-paths';
import { DEFAULT_TESTS_CONFIG, type TestsConfig } from '../config/types';
import { excludedDirectoryReason, TEST_CONVENTIONS, testConventionOf } from './exclusions';
import { ignoreLayer, isIgnoredByLayers, type IgnoreLayer } from './ignore-files';
import { isRunnerConfigFileName, readFolderRunnerConfig, type RunnerConfigProblem, type TestRunnerDefinition } from './test-runners';
import { readRegularFile, readRegularFileSync } from './regular-file';


export type TestCodeKind = 'config' | 'convention' | 'runner' | 'support';

/** Why a file is test code. */
export interface TestCodeVerdict {
  kind: TestCodeKind;
  /** For a warning line: `test code (e2e/)`. */
  reason: string;
}

export interface TestCodeOptions {
  /** The folder `tests.patterns` and `tests.notTests` are relative to (that of preflight.config.json). */
  root: string;
  tests?: TestsConfig;
}

interface CompiledDefinition {
  definition: TestRunnerDefinition;
  matchers: ((relative: string) => boolean)[];
  files: Set<string>;
}

/** A test file's importers' view of one package: which of its modules are test support. */
interface PackageClassification {
  folder: string;
  /** Test-support module → a test file that imports it (for the reason). */
  support: Map<string, string>;
}

/** The naming verdict of a file before its imports are looked at. */
type DirectVerdict = TestCodeVerdict | 'production' | undefined;

/**
 * Decides what is test code, as the user's project defines it (rules.md: test
 * code is not analysed):
 *
 * 1. `tests.notTests` in the config: never test code; `tests.patterns`: test code;
 * 2. the naming conventions of TEST_CONVENTIONS (`*.spec.*`, `e2e/`, ...);
 * 3. the package's own test-runner configuration (jest, vitest, mocha, playwright, cypress), read as data;
 * 4. test support: modules that only test code imports (computed per package, once, from a cheap import scan).
 *
 * One instance per CLI run; the language server keeps one per config and drops
 * what a changed file may affect (`invalidate`). Never throws for unreadable files.
 */
export class TestCodeClassifier {
  readonly root: string;
  readonly tests: TestsConfig;
  private readonly patterns: IgnoreLayer;
  private readonly notTests: IgnoreLayer;
  private readonly listings = new Map<string, ReadonlySet<string>>();
  private readonly runnerConfigs = new Map<string, CompiledDefinition[]>();
  private readonly packages = new Map<string, Promise<PackageClassification>>();
  private readonly problemsByFile = new Map<string, RunnerConfigProblem>();

  constructor(options: TestCodeOptions) {
    this.root = path.resolve(options.root);
    this.tests = options.tests ?? DEFAULT_TESTS_CONFIG;
    this.patterns = ignoreLayer(this.root, this.tests.patterns);
    this.notTests = ignoreLayer(this.root, this.tests.notTests);
  }

  /** Test-runner configuration files that could not be read (their settings are not applied). */
  problems(): RunnerConfigProblem[] {
    return [...this.problemsByFile.values()];
  }

  /**
   * Why `file` is test code, or undefined for production code. Naming
   * conventions are judged on the path below `conventionBase` (default: the
   * config root), so that a folder named on the command line can be called `test`.
   */
  async classify(file: string, conventionBase: string = this.root): Promise<TestCodeVerdict | undefined> {
    const absolute = path.resolve(file);
    const direct = this.directVerdict(absolute, conventionBase);
    if (direct === 'production') return undefined;
    if (direct) return direct;
    const folder = this.packageFolderOf(absolute);
    if (!folder) return undefined;
    const classification = await this.packageClassification(folder);
    const importer = classification.support.get(absolute);
    if (importer === undefined) return undefined;
    return { kind: 'support', reason: `test support (imported only by test code, such as ${this.display(importer)})` };
  }

  /** Test files proper: the config's patterns, the conventions and the runners, without test support. Synchronous. */
  testFileVerdict(file: string, conventionBase: string = this.root): TestCodeVerdict | undefined {
    const direct = this.directVerdict(path.resolve(file), conventionBase);
    return direct === 'production' ? undefined : direct;
  }

  /**
   * Forgets what a changed, created or deleted file can affect: all of it for a
   * package.json, tsconfig or runner configuration, else the import scan of
   * the package holding it. Without a file, everything.
   */
  invalidate(changed?: string): void {
    if (changed === undefined || isClassificationInput(path.basename(changed))) {
      this.listings.clear();
      this.runnerConfigs.clear();
      this.packages.clear();
      this.problemsByFile.clear();
      return;
    }
    const absolute = path.resolve(changed);
    this.listings.delete(path.dirname(absolute));
    for (const folder of [...this.packages.keys()]) if (isInside(absolute, folder)) this.packages.delete(folder);
  }

  private display(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/');
  }

  private directVerdict(file: string, conventionBase: string): DirectVerdict {
    if (isIgnoredByLayers([this.notTests], file, false)) return 'production';
    if (isIgnoredByLayers([this.patterns], file, false)) return { kind: 'config', reason: 'test code (matches "tests.patterns" in the config)' };
    const convention = testConventionOf(path.relative(conventionBase, file));
    if (convention) return { kind: 'convention', reason: `test code (${convention})` };
    for (const compiled of this.runnerDefinitionsFor(file)) {
      if (matchesDefinition(compiled, file)) {
        const { runner, source } = compiled.definition;
        return { kind: 'runner', reason: `test code (by the ${runner} configuration in ${this.display(source)})` };
      }
    }
    return undefined;
  }

  private listing(folder: string): ReadonlySet<string> {
    let names = this.listings.get(folder);
    if (!names) {
      try {
        names = new Set(fs.readdirSync(folder));
      } catch {
        names = new Set();
      }
      this.listings.set(folder, names);
    }
    return names;
  }

  /** The folders from the file's own up to its package (the nearest package.json), innermost first. */
  private folderChain(file: string): string[] {
    const chain: string[] = [];
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      chain.push(dir);
      if (this.listing(dir).has('package.json') || path.dirname(dir) === dir) return chain;
    }
  }

  private runnerDefinitionsFor(file: string): CompiledDefinition[] {
    return this.folderChain(file).flatMap((folder) => this.folderDefinitions(folder));
  }

  private folderDefinitions(folder: string): CompiledDefinition[] {
    let compiled = this.runnerConfigs.get(folder);
    if (!compiled) {
      const names = this.listing(folder);
      const relevant = [...names].some((name) => name === 'package.json' || isRunnerConfigFileName(name));
      if (relevant) {
        const config = readFolderRunnerConfig(folder, names);
        for (const problem of config.problems) this.problemsByFile.set(problem.file, problem);
        compiled = config.definitions.map(compileDefinition);
      } else {
        compiled = [];
      }
      this.runnerConfigs.set(folder, compiled);
    }
    return compiled;
  }

  /**
   * The folder whose modules are scanned together for test support: the
   * nearest package.json, else the outermost folder with a runner configuration.
   */
  private packageFolderOf(file: string): string | undefined {
    const chain = this.folderChain(file);
    const last = chain[chain.length - 1]!;
    if (this.listing(last).has('package.json')) return last;
    const withConfig = chain.filter((folder) => this.folderDefinitions(folder).length > 0);
    return withConfig[withConfig.length - 1];
  }

  private packageClassification(folder: string): Promise<PackageClassification> {
    let pending = this.packages.get(folder);
    if (!pending) {
      pending = classifyPackage(folder, (file) => this.directVerdict(file, folder));
      this.packages.set(folder, pending);
    }
    return pending;
  }
}

/** Files whose change can change any verdict: package.json, tsconfig files, test-runner configuration. */
export function isClassificationInput(name: string): boolean {
  return name === 'package.json' || /^tsconfig.*\.json$/.test(name) || isRunnerConfigFileName(name);
}

function compileDefinition(definition: TestRunnerDefinition): CompiledDefinition {
  const matchers = definition.globs.flatMap((glob) => {
    try {
      return [picomatch(glob, { dot: true })];
    } catch {
      return [];
    }
  });
  const files = new Set(definition.files.map((file) => path.resolve(file)));
  return { definition, matchers, files };
}

function matchesDefinition(compiled: CompiledDefinition, file: string): boolean {
  const { definition } = compiled;
  if (compiled.files.has(file) || compiled.files.has(stripExtension(file))) return true;
  if (definition.folders.some((folder) => isInside(file, folder))) return true;
  if (definition.roots && !definition.roots.some((root) => isInside(file, root))) return false;
  const relative = path.relative(definition.base, file).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
  return compiled.matchers.some((matches) => matches(relative)) || definition.regexes.some((regex) => regex.test(`/${relative}`));
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function stripExtension(file: string): string {
  return file.replace(/\.[cm]?[jt]sx?$/, '');
}

// ---------------------------------------------------------------------------
// Test support: modules imported only from test code

interface ScannedPackage {
  files: string[];
  /** Folders holding a tsconfig.json. */
  tsconfigFolders: Set<string>;
}

/** An import of one module by another; `weak` when only guessed from the specifier's last segments. */
interface ImportEdge {
  from: string;
  weak: boolean;
}

async function scanPackage(folder: string): Promise<ScannedPackage> {
  const files: string[] = [];
  const tsconfigFolders = new Set<string>();
  const walk = async (dir: string, isTop: boolean): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // A nested package is scanned on its own.
    if (!isTop && entries.some((entry) => entry.name === 'package.json' && entry.isFile())) return;
    for (const entry of entries) {
      const target = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!excludedDirectoryReason(entry.name)) await walk(target, false);
      } else if (entry.isFile()) {
        if (entry.name === 'tsconfig.json') tsconfigFolders.add(dir);
        else if (isAnalysablePath(entry.name)) files.push(target);
      }
    }
  };
  await walk(folder, true);
  return { files, tsconfigFolders };
}

const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `./x.js` in TypeScript source names `./x.ts`. */
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

class ModuleResolver {
  private readonly fileSet: Set<string>;
  /** Files by the last segment of their extension-less path (and `index` files by their folder's name). */
  private readonly byStem = new Map<string, string[]>();
  private readonly pathsByTsconfig = new Map<string, PathMapping[]>();

  constructor(
    private readonly folder: string,
    files: readonly string[],
    private readonly tsconfigFolders: ReadonlySet<string>,
  ) {
    this.fileSet = new Set(files);
    for (const file of files) {
      const noExt = stripExtension(file);
      const stem = path.basename(noExt);
      const keys = stem === 'index' ? [stem, path.basename(path.dirname(noExt))] : [stem];
      for (const key of keys) this.byStem.set(key, [...(this.byStem.get(key) ?? []), file]);
    }
  }

  resolveFile(base: string): string | undefined {
    if (this.fileSet.has(base)) return base;
    const ext = path.extname(base);
    for (const replacement of JS_TO_TS[ext] ?? []) {
      const candidate = base.slice(0, -ext.length) + replacement;
      if (this.fileSet.has(candidate)) return candidate;
    }
    for (const extension of RESOLVE_EXTENSIONS) {
      if (this.fileSet.has(base + extension)) return base + extension;
    }
    for (const extension of RESOLVE_EXTENSIONS) {
      const index = path.join(base, `index${extension}`);
      if (this.fileSet.has(index)) return index;
    }
    return undefined;
  }

  /** The package modules a specifier in `importer` names: resolved exactly (relative, tsconfig `paths`), or guessed (weak). */
  resolve(importer: string, specifier: string): { file: string; weak: boolean }[] {
    if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
      const file = this.resolveFile(path.resolve(path.dirname(importer), specifier));
      return file ? [{ file, weak: false }] : [];
    }
    if (specifier.startsWith('/') || specifier.startsWith('node:')) return [];
    for (const mapping of this.pathMappingsFor(importer)) {
      const rest = mapping.match(specifier);
      if (rest === undefined) continue;
      for (const target of mapping.targets) {
        const file = this.resolveFile(target.replace('*', rest));
        if (file) return [{ file, weak: false }];
      }
    }
    return this.guess(specifier).map((file) => ({ file, weak: true }));
  }

  /**
   * Modules an unresolved alias (`~/utils/x`, `@/lib/x`, `src/lib/x`) may name:
   * those whose path ends with the specifier, with or without its first
   * segment. Guesses only ever keep a module in production (see classifyPackage).
   */
  private guess(specifier: string): string[] {
    const segments = specifier.split('/').filter((s) => s !== '');
    if (segments.length < 2) return [];
    const suffixes = [segments.join('/'), segments.slice(1).join('/')];
    const stem = stripExtension(segments[segments.length - 1]!);
    const found: string[] = [];
    for (const file of this.byStem.get(stem) ?? []) {
      const relative = stripExtension(path.relative(this.folder, file).split(path.sep).join('/'));
      const withoutIndex = relative.replace(/\/index$/, '');
      if (suffixes.some((suffix) => [relative, withoutIndex].some((candidate) => candidate === suffix || candidate.endsWith(`/${suffix}`)))) found.push(file);
    }
    return found;
  }

  private pathMappingsFor(importer: string): PathMapping[] {
    for (let dir = path.dirname(importer); isInside(dir, this.folder) || dir === this.folder; dir = path.dirname(dir)) {
      if (!this.tsconfigFolders.has(dir)) continue;
      let mappings = this.pathsByTsconfig.get(dir);
      if (!mappings) {
        mappings = readPathMappings(path.join(dir, 'tsconfig.json'));
        this.pathsByTsconfig.set(dir, mappings);
      }
      return mappings;
    }
    return [];
  }
}

/**
 * The source files package.json names as entry points (main, module, browser,
 * bin, exports, types; `index.js` when none is given). An entry point in build
 * output (`dist/index.js`, `lib/cjs/index.js`) stands for the source it is
 * built from: the same path below `src/` or the package folder, any extension.
 */
function entryPoints(folder: string, resolver: ModuleResolver): Set<string> {
  const entries = new Set<string>();
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readRegularFileSync(path.join(folder, 'package.json'))) as Record<string, unknown>;
  } catch {
    return entries;
  }
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  for (const key of ['main', 'module', 'browser', 'bin', 'exports', 'source', 'types', 'typings']) collect(manifest[key]);
  if (!['main', 'module', 'exports'].some((key) => manifest[key] !== undefined)) values.push('index.js');
  for (const value of values) {
    if (value.includes('*')) continue;
    const file = sourceOfEntry(folder, value.replace(/\.d\.[cm]?ts$/, '.ts'), resolver);
    if (file) entries.add(file);
  }
  return entries;
}

/** The build configs whose `include` and `files` may name a package's entry modules, not only its folders. */
const BUILD_CONFIGS = ['tsconfig.build.json', 'tsconfig.lib.json', 'tsconfig.json'];

/**
 * Modules a build config of the package names by file (`"include": ["./src/**\/index.ts"]`,
 * `"files": ["src/server.ts"]`): what the package builds and publishes as its entry points, such as
 * a plugin library's subpath imports (`@vendure/payments-plugin/package/stripe`) that nothing inside
 * the package imports. A pattern that names a folder (`src`, `src/**\/*`) names no entry.
 */
function builtEntryFiles(folder: string, files: readonly string[]): string[] {
  const patterns: string[] = [];
  for (const name of BUILD_CONFIGS) {
    const file = path.join(folder, name);
    if (!fs.existsSync(file)) continue;
    const config = ts.readConfigFile(file, (target) => readOrUndefined(target)).config as { include?: unknown; files?: unknown } | undefined;
    for (const value of [config?.include, config?.files]) {
      if (!Array.isArray(value)) continue;
      for (const entry of value) if (typeof entry === 'string' && namesFiles(entry)) patterns.push(entry.replace(/^\.\//, ''));
    }
  }
  if (patterns.length === 0) return [];
  const matches = picomatch(patterns, { dot: true });
  return files.filter((file) => matches(path.relative(folder, file).split(path.sep).join('/')));
}

/** `src/**\/index.ts`, `src/main.ts`: a pattern whose last part is a file name, not `*.ts` (every file of a folder). */
function namesFiles(pattern: string): boolean {
  const last = pattern.split('/').pop() ?? '';
  return isAnalysablePath(last) && !last.includes('*') && !pattern.startsWith('..');
}

function sourceOfEntry(folder: string, value: string, resolver: ModuleResolver): string | undefined {
  const direct = path.resolve(folder, value);
  const found = resolver.resolveFile(direct) ?? resolver.resolveFile(stripExtension(direct));
  if (found) return found;
  const segments = path.relative(folder, direct).split(path.sep);
  for (let skip = 1; skip <= Math.min(3, segments.length - 1); skip++) {
    const rest = stripExtension(segments.slice(skip).join('/'));
    const source = resolver.resolveFile(path.join(folder, 'src', rest)) ?? resolver.resolveFile(path.join(folder, rest));
    if (source) return source;
  }
  return undefined;
}

/** `login.e2e-spec.ts` → `login`; `__tests__/login.ts` → `login`. */
function testSubjectStem(testFile: string): string {
  const parts = path.basename(testFile).split('.');
  parts.pop();
  const markers = TEST_CONVENTIONS.fileMarkers.map((marker) => (marker.endsWith('*') ? (part: string) => part.startsWith(marker.slice(0, -1)) : (part: string) => part === marker));
  while (parts.length > 1 && markers.some((isMarker) => isMarker(parts[parts.length - 1]!))) parts.pop();
  return parts.join('.');
}

/** The names a test of `file` may carry: `client` for `client.ts`; also `billing` for `billing/index.ts`. */
function subjectNames(file: string): string[] {
  const stem = path.basename(stripExtension(file));
  return stem === 'index' ? [stem, path.basename(path.dirname(file))] : [stem];
}

/**
 * Which modules of the package at `folder` are test support: a module every
 * importer of which is test code or test support (a greatest fixpoint over the
 * modules reachable from test files), and that at least one of them imports.
 * Never test support: package entry points, and a module imported by a test
 * named after it (`client.test.ts` → `client.ts` is the code under test).
 * Imports are read with `ts.preProcessFile` (no AST, no type checker).
 */
async function classifyPackage(folder: string, directVerdict: (file: string) => DirectVerdict): Promise<PackageClassification> {
  const { files, tsconfigFolders } = await scanPackage(folder);
  const resolver = new ModuleResolver(folder, files, tsconfigFolders);
  const importers = new Map<string, ImportEdge[]>();
  const imports = new Map<string, string[]>();
  for (const [index, file] of files.entries()) {
    let text: string;
    try {
      const buffer = await readRegularFile(file);
      if (buffer.length > MAX_ANALYSED_BYTES) continue;
      text = buffer.toString('utf8');
    } catch {
      continue;
    }
    const strong: string[] = [];
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      for (const { file: target, weak } of resolver.resolve(file, imported.fileName)) {
        if (target === file) continue;
        importers.set(target, [...(importers.get(target) ?? []), { from: file, weak }]);
        if (!weak) strong.push(target);
      }
    }
    imports.set(file, strong);
    // Let the language server answer other requests during a long scan.
    if (index % 200 === 199) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const tests = new Set<string>();
  const production = new Set<string>();
  for (const file of files) {
    const verdict = directVerdict(file);
    if (verdict === 'production') production.add(file);
    else if (verdict) tests.add(file);
  }
  for (const entry of entryPoints(folder, resolver)) production.add(entry);
  for (const entry of builtEntryFiles(folder, files)) production.add(entry);
  for (const test of tests) {
    const subject = testSubjectStem(test);
    for (const target of imports.get(test) ?? []) {
      if (!tests.has(target) && subjectNames(target).includes(subject)) production.add(target);
    }
  }

  // Candidates: every module reachable from test files through exact imports.
  const support = new Map<string, string>();
  const queue = [...tests];
  const origin = new Map<string, string>();
  for (const test of tests) origin.set(test, test);
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const target of imports.get(from) ?? []) {
      if (tests.has(target) || production.has(target) || support.has(target)) continue;
      support.set(target, origin.get(from)!);
      origin.set(target, origin.get(from)!);
      queue.push(target);
    }
  }
  // Drop any module that something outside test code imports, until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const candidate of [...support.keys()]) {
      const edges = importers.get(candidate) ?? [];
      if (edges.some((edge) => !tests.has(edge.from) && !support.has(edge.from))) {
        support.delete(candidate);
        changed = true;
      }
    }
  }
  // The reason names a test file that imports the module directly when there is one.
  for (const candidate of support.keys()) {
    const direct = (importers.get(candidate) ?? []).find((edge) => !edge.weak && tests.has(edge.from));
    if (direct) support.set(candidate, direct.from);
  }
  return { folder, support };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readRegularFileSync(file);
  } catch {
    return undefined;
  }
}
