import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { parse as parseYaml } from 'yaml';
import { readRegularFileSync } from './regular-file';

/**
 * What a package's own test runners say is test code, read from their
 * configuration files as data. Configuration written in JavaScript or
 * TypeScript is parsed, never run (the extension must not execute workspace
 * code): only literal values in the exported object count
 * (`export default {...}`, `module.exports = {...}`, `defineConfig({...})`,
 * a `const` holding the object); anything computed is ignored.
 */

export type TestRunner = 'jest' | 'vitest' | 'mocha' | 'playwright' | 'cypress';

/** What one runner configuration defines as test code, in absolute terms. */
export interface TestRunnerDefinition {
  runner: TestRunner;
  /** The file it was read from (a config file or package.json). */
  source: string;
  /** The folder `globs` and `regexes` are relative to (jest `<rootDir>`, vitest `root`, playwright `testDir`). */
  base: string;
  /** Test file globs (picomatch syntax, as the runners use), relative to `base`. */
  globs: string[];
  /** Regular expressions (jest `testRegex`, playwright RegExp `testMatch`), tested on `/` + the path relative to `base`. */
  regexes: RegExp[];
  /** When given, `globs` and `regexes` apply only inside these folders (jest `roots`, vitest `dir`). */
  roots?: string[];
  /** Folders wholly test code (the `cypress/` folder). */
  folders: string[];
  /** Test code named by path (setup files, cypress `supportFile`, the config file itself); may lack an extension. */
  files: string[];
}

export interface RunnerConfigProblem {
  file: string;
  reason: string;
}

export interface FolderRunnerConfig {
  definitions: TestRunnerDefinition[];
  problems: RunnerConfigProblem[];
}

const CODE_EXTENSIONS = '(?:[cm]?[jt]s)';
const CONFIG_FILES: readonly { runner: TestRunner; name: RegExp; format: 'code' | 'json' | 'yaml' }[] = [
  { runner: 'jest', name: new RegExp(`^jest\\.config\\.${CODE_EXTENSIONS}$`), format: 'code' },
  { runner: 'jest', name: /^jest\.config\.json$/, format: 'json' },
  { runner: 'vitest', name: new RegExp(`^vitest\\.config\\.${CODE_EXTENSIONS}$`), format: 'code' },
  { runner: 'vitest', name: new RegExp(`^vite\\.config\\.${CODE_EXTENSIONS}$`), format: 'code' },
  { runner: 'mocha', name: /^\.mocharc\.(?:json|jsonc)$/, format: 'json' },
  { runner: 'mocha', name: /^\.mocharc\.(?:yml|yaml)$/, format: 'yaml' },
  { runner: 'mocha', name: /^\.mocharc\.[cm]?js$/, format: 'code' },
  { runner: 'playwright', name: new RegExp(`^playwright\\.config\\.${CODE_EXTENSIONS}$`), format: 'code' },
  { runner: 'cypress', name: new RegExp(`^cypress\\.config\\.${CODE_EXTENSIONS}$`), format: 'code' },
  { runner: 'cypress', name: /^cypress\.json$/, format: 'json' },
];

/** Whether a file name is a test runner's configuration file (also `vite.config.*`, which may hold `test`). */
export function isRunnerConfigFileName(name: string): boolean {
  return CONFIG_FILES.some((config) => config.name.test(name));
}

/** The runner defaults, as the runners document them. */
const JEST_DEFAULT_TEST_MATCH = ['**/__tests__/**/*.?([mc])[jt]s?(x)', '**/?(*.)+(spec|test).?([mc])[jt]s?(x)'];
const VITEST_DEFAULT_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];
const MOCHA_DEFAULT_SPEC = ['./test/*.{js,cjs,mjs}'];
const PLAYWRIGHT_DEFAULT_TEST_MATCH = ['**/*.@(spec|test).?(c|m)[jt]s?(x)'];
const CYPRESS_DEFAULT_E2E_SPEC = ['cypress/e2e/**/*.cy.{js,jsx,ts,tsx}'];
const CYPRESS_DEFAULT_COMPONENT_SPEC = ['**/*.cy.{js,jsx,ts,tsx}'];

/**
 * The test-runner configuration in one folder: its config files and the
 * `jest` and `mocha` keys of its package.json. `names` are the folder's entries.
 */
export function readFolderRunnerConfig(folder: string, names: ReadonlySet<string>): FolderRunnerConfig {
  const result: FolderRunnerConfig = { definitions: [], problems: [] };
  const sorted = [...names].sort();
  for (const name of sorted) {
    const config = CONFIG_FILES.find((candidate) => candidate.name.test(name));
    if (!config) continue;
    const file = path.join(folder, name);
    const value = readConfigValue(file, config.format, result.problems);
    if (value === undefined) continue;
    const isViteConfig = name.startsWith('vite.config.');
    if (isViteConfig && !isRecord(value.test)) continue;
    const definitions = interpret(config.runner, value, folder, file);
    // The config file is test tooling too; vite.config.* is the build's configuration.
    if (!isViteConfig && definitions[0]) definitions[0].files.push(file);
    result.definitions.push(...definitions);
  }
  if (names.has('package.json')) {
    const file = path.join(folder, 'package.json');
    const manifest = readConfigValue(file, 'json', result.problems);
    if (manifest && isRecord(manifest.jest)) result.definitions.push(...jestDefinitions(manifest.jest, folder, file));
    if (manifest && isRecord(manifest.mocha)) result.definitions.push(mochaDefinition(manifest.mocha, folder, file));
  }
  return result;
}

type Config = Record<string, unknown>;

function interpret(runner: TestRunner, value: Config, folder: string, file: string): TestRunnerDefinition[] {
  switch (runner) {
    case 'jest':
      return jestDefinitions(value, folder, file);
    case 'vitest':
      return vitestDefinitions(value, folder, file);
    case 'mocha':
      return [mochaDefinition(value, folder, file)];
    case 'playwright':
      return playwrightDefinitions(value, folder, file);
    case 'cypress':
      return [cypressDefinition(value, folder, file, path.basename(file) === 'cypress.json')];
  }
}

function readConfigValue(file: string, format: 'code' | 'json' | 'yaml', problems: RunnerConfigProblem[]): Config | undefined {
  let text: string;
  try {
    text = readRegularFileSync(file);
  } catch (error) {
    problems.push({ file, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
    return undefined;
  }
  if (format === 'json') {
    // TypeScript's reader of tsconfig files: JSON with comments and trailing commas.
    const parsed = ts.parseConfigFileTextToJson(file, text);
    if (parsed.error) {
      problems.push({ file, reason: `is not valid JSON (${ts.flattenDiagnosticMessageText(parsed.error.messageText, ' ')})` });
      return undefined;
    }
    return isRecord(parsed.config) ? parsed.config : undefined;
  }
  if (format === 'yaml') {
    try {
      const parsed: unknown = parseYaml(text);
      return isRecord(parsed) ? parsed : undefined;
    } catch (error) {
      problems.push({ file, reason: `is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` });
      return undefined;
    }
  }
  return exportedConfigObject(file, text);
}

// ---------------------------------------------------------------------------
// Runner by runner

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function regexes(value: unknown): RegExp[] {
  const items = Array.isArray(value) ? value : [value];
  const result: RegExp[] = [];
  for (const item of items) {
    if (item instanceof RegExp) result.push(item);
    else if (typeof item === 'string') {
      try {
        result.push(new RegExp(item));
      } catch {
        // Not a regular expression the runner could use either.
      }
    }
  }
  return result;
}

/** Globs as the runners take them, made relative to `base`; negations only narrow a runner's run and are left out. */
function relativeGlobs(patterns: readonly string[], base: string): string[] {
  const result: string[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    if (path.isAbsolute(pattern)) {
      const relative = path.relative(base, pattern).split(path.sep).join('/');
      if (!relative.startsWith('..')) result.push(relative);
    } else {
      result.push(pattern.replace(/^\.\//, ''));
    }
  }
  return result;
}

/** Paths of local files (`./setup.ts`, `<rootDir>/x`), not package names (`jest-extended/all`). */
function localFiles(values: readonly string[], base: string): string[] {
  return values.filter((value) => value.startsWith('.') || path.isAbsolute(value)).map((value) => path.resolve(base, value));
}

function definition(runner: TestRunner, source: string, base: string, parts: Partial<TestRunnerDefinition>): TestRunnerDefinition {
  return { runner, source, base, globs: [], regexes: [], folders: [], files: [], ...parts };
}

function jestDefinitions(config: Config, folder: string, source: string): TestRunnerDefinition[] {
  const rawRootDir = typeof config.rootDir === 'string' ? config.rootDir.replaceAll('<rootDir>', folder) : undefined;
  const rootDir = rawRootDir ? path.resolve(folder, rawRootDir) : folder;
  const withRootDir = (values: string[]): string[] => values.map((value) => value.replaceAll('<rootDir>', rootDir));
  const testMatch = withRootDir(strings(config.testMatch));
  const testRegex = regexes(config.testRegex);
  const roots = config.roots === undefined ? undefined : withRootDir(strings(config.roots)).map((root) => path.resolve(rootDir, root));
  const setup = ['setupFiles', 'setupFilesAfterEnv', 'globalSetup', 'globalTeardown'].flatMap((key) => withRootDir(strings(config[key])));
  const own = definition('jest', source, rootDir, {
    globs: relativeGlobs(testMatch.length === 0 && testRegex.length === 0 ? JEST_DEFAULT_TEST_MATCH : testMatch, rootDir),
    regexes: testRegex,
    roots,
    files: localFiles(setup, rootDir),
  });
  const projects = Array.isArray(config.projects) ? config.projects.filter(isRecord) : [];
  return [own, ...projects.flatMap((project) => jestDefinitions(project, folder, source))];
}

function vitestDefinitions(config: Config, folder: string, source: string): TestRunnerDefinition[] {
  const viteRoot = typeof config.root === 'string' ? path.resolve(folder, config.root) : folder;
  const test = isRecord(config.test) ? config.test : {};
  const root = typeof test.root === 'string' ? path.resolve(viteRoot, test.root) : viteRoot;
  const include = strings(test.include);
  const own = definition('vitest', source, root, {
    globs: relativeGlobs(include.length > 0 ? include : VITEST_DEFAULT_INCLUDE, root),
    roots: typeof test.dir === 'string' ? [path.resolve(root, test.dir)] : undefined,
    files: localFiles([...strings(test.setupFiles), ...strings(test.globalSetup)], root),
  });
  const projects = [test.projects, test.workspace].flatMap((list) => (Array.isArray(list) ? list.filter(isRecord) : []));
  return [own, ...projects.flatMap((project) => vitestDefinitions(project, root, source))];
}

function mochaDefinition(config: Config, folder: string, source: string): TestRunnerDefinition {
  const recursive = config.recursive === true;
  const spec = strings(config.spec);
  const globs: string[] = [];
  const files: string[] = [];
  for (const entry of spec.length > 0 ? spec : MOCHA_DEFAULT_SPEC) {
    if (entry.startsWith('!')) continue;
    const absolute = path.resolve(folder, entry);
    let isFolder = false;
    if (!/[*?[\]{}()!]/.test(entry)) {
      try {
        isFolder = fs.statSync(absolute).isDirectory();
      } catch {
        isFolder = false;
      }
      if (!isFolder) {
        files.push(absolute);
        continue;
      }
    }
    const relative = relativeGlobs([absolute], folder)[0];
    if (relative === undefined) continue;
    // Mocha runs the files of a named folder, and of its subfolders with --recursive.
    globs.push(isFolder ? `${relative === '' ? '' : `${relative}/`}${recursive ? '**/' : ''}*` : relative);
  }
  files.push(...localFiles(strings(config.file), folder));
  return definition('mocha', source, folder, { globs, files });
}

function playwrightDefinitions(config: Config, folder: string, source: string, inherited?: { testDir: string; testMatch: unknown }): TestRunnerDefinition[] {
  const testDir = typeof config.testDir === 'string' ? path.resolve(folder, config.testDir) : (inherited?.testDir ?? folder);
  const testMatch = config.testMatch ?? inherited?.testMatch;
  const matchList = Array.isArray(testMatch) ? testMatch : testMatch === undefined ? PLAYWRIGHT_DEFAULT_TEST_MATCH : [testMatch];
  const own = definition('playwright', source, testDir, {
    globs: relativeGlobs(strings(matchList), testDir),
    regexes: matchList.filter((item): item is RegExp => item instanceof RegExp),
    roots: [testDir],
    files: inherited ? [] : localFiles([...strings(config.globalSetup), ...strings(config.globalTeardown)], folder),
  });
  const projects = inherited ? [] : Array.isArray(config.projects) ? config.projects.filter(isRecord) : [];
  return [own, ...projects.flatMap((project) => playwrightDefinitions(project, folder, source, { testDir, testMatch }))];
}

function cypressDefinition(config: Config, folder: string, source: string, legacy: boolean): TestRunnerDefinition {
  const folders = [path.join(folder, 'cypress')];
  const globs: string[] = [];
  const files: string[] = [];
  if (legacy) {
    // cypress.json (Cypress 9 and older): folders rather than patterns.
    for (const key of ['integrationFolder', 'componentFolder']) folders.push(...strings(config[key]).map((value) => path.resolve(folder, value)));
    files.push(...strings(config.supportFile).map((value) => path.resolve(folder, value)));
  } else {
    for (const [key, defaults] of [
      ['e2e', CYPRESS_DEFAULT_E2E_SPEC],
      ['component', CYPRESS_DEFAULT_COMPONENT_SPEC],
    ] as const) {
      const testingType = isRecord(config[key]) ? config[key] : {};
      const specPattern = strings(testingType.specPattern);
      globs.push(...relativeGlobs(specPattern.length > 0 ? specPattern : defaults, folder));
      files.push(...strings(testingType.supportFile).map((value) => path.resolve(folder, value)));
    }
  }
  return definition('cypress', source, folder, { globs, folders, files });
}

function isRecord(value: unknown): value is Config {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}

// ---------------------------------------------------------------------------
// Reading literal values from a JS/TS config file

const NOT_LITERAL = Symbol('not a literal');
type Value = unknown;
const MAX_DEPTH = 8;

/** The object a config module exports, merged from what can be read literally; undefined when there is none. */
export function exportedConfigObject(file: string, text: string): Config | undefined {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  const reader = new LiteralReader(sourceFile);
  const objects: Config[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isExportAssignment(statement)) {
      objects.push(...reader.configObjects(statement.expression, 0));
    } else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = statement.expression.left.getText(sourceFile).replace(/\s+/g, '');
      if (target === 'module.exports' || target === 'exports.default') objects.push(...reader.configObjects(statement.expression.right, 0));
    } else if (ts.isFunctionDeclaration(statement) && hasDefaultExport(statement)) {
      objects.push(...reader.returnedObjects(statement, 0));
    }
  }
  if (objects.length === 0) return undefined;
  return objects.reduce<Config>((merged, object) => mergeConfigs(merged, object), {});
}

function scriptKindOf(file: string): ts.ScriptKind {
  return /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

function hasDefaultExport(node: ts.FunctionDeclaration): boolean {
  const modifiers = ts.getModifiers(node) ?? [];
  return modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) && modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

/** Deep merge, as `mergeConfig` does: objects merge, arrays concatenate, other values are replaced. */
function mergeConfigs(base: Config, override: Config): Config {
  const merged: Config = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = merged[key];
    if (isRecord(existing) && isRecord(value)) merged[key] = mergeConfigs(existing, value);
    else if (Array.isArray(existing) && Array.isArray(value)) merged[key] = [...(existing as unknown[]), ...(value as unknown[])];
    else merged[key] = value;
  }
  return merged;
}

class LiteralReader {
  /** Top-level `const x = ...` (and let/var) initialisers, by name. */
  private readonly bindings = new Map<string, ts.Expression>();
  private readonly functions = new Map<string, ts.FunctionDeclaration>();

  constructor(private readonly sourceFile: ts.SourceFile) {
    for (const statement of sourceFile.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.initializer) this.bindings.set(declaration.name.text, declaration.initializer);
        }
      } else if (ts.isFunctionDeclaration(statement) && statement.name) {
        this.functions.set(statement.name.text, statement);
      }
    }
  }

  /** The config objects an exported expression stands for: through identifiers, `defineConfig(...)` calls and config functions. */
  configObjects(expression: ts.Expression, depth: number): Config[] {
    if (depth > MAX_DEPTH) return [];
    const node = unwrap(expression);
    if (ts.isObjectLiteralExpression(node)) {
      const value = this.value(node, depth + 1);
      return isRecord(value) ? [value] : [];
    }
    if (ts.isIdentifier(node)) {
      const bound = this.bindings.get(node.text);
      if (bound) return this.configObjects(bound, depth + 1);
      const declared = this.functions.get(node.text);
      return declared ? this.returnedObjects(declared, depth + 1) : [];
    }
    if (ts.isCallExpression(node)) return node.arguments.flatMap((argument) => this.configObjects(argument, depth + 1));
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return this.returnedObjects(node, depth + 1);
    return [];
  }

  returnedObjects(fn: ts.FunctionLikeDeclaration, depth: number): Config[] {
    const body = fn.body;
    if (!body) return [];
    if (!ts.isBlock(body)) return this.configObjects(body, depth);
    const objects: Config[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isReturnStatement(node) && node.expression) objects.push(...this.configObjects(node.expression, depth));
      else if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    return objects;
  }

  /** The literal value of an expression, or NOT_LITERAL. Object properties and array items that are not literal are left out. */
  value(expression: ts.Expression, depth: number): Value | typeof NOT_LITERAL {
    if (depth > MAX_DEPTH) return NOT_LITERAL;
    const node = unwrap(expression);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (node.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isRegularExpressionLiteral(node)) {
      const match = /^\/(.*)\/([a-z]*)$/s.exec(node.text);
      try {
        return match ? new RegExp(match[1]!, match[2]) : NOT_LITERAL;
      } catch {
        return NOT_LITERAL;
      }
    }
    if (ts.isIdentifier(node)) {
      const bound = this.bindings.get(node.text);
      return bound ? this.value(bound, depth + 1) : NOT_LITERAL;
    }
    if (ts.isArrayLiteralExpression(node)) {
      const items: unknown[] = [];
      for (const element of node.elements) {
        if (ts.isSpreadElement(element)) {
          const spread = this.value(element.expression, depth + 1);
          if (Array.isArray(spread)) items.push(...(spread as unknown[]));
          continue;
        }
        const item = this.value(element, depth + 1);
        if (item !== NOT_LITERAL) items.push(item);
      }
      return items;
    }
    if (ts.isObjectLiteralExpression(node)) {
      const object: Config = {};
      for (const property of node.properties) {
        if (ts.isSpreadAssignment(property)) {
          const spread = this.value(property.expression, depth + 1);
          if (isRecord(spread)) Object.assign(object, spread);
          continue;
        }
        const key = propertyKey(property.name);
        if (key === undefined) continue;
        const item = ts.isPropertyAssignment(property)
          ? this.value(property.initializer, depth + 1)
          : ts.isShorthandPropertyAssignment(property)
            ? this.value(property.name, depth + 1)
            : NOT_LITERAL;
        if (item !== NOT_LITERAL) object[key] = item;
      }
      return object;
    }
    return NOT_LITERAL;
  }
}

function propertyKey(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function unwrap(expression: ts.Expression): ts.Expression {
  let node = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node)) {
      node = node.expression;
    } else if (ts.isAwaitExpression(node)) {
      node = node.expression;
    } else {
      return node;
    }
  }
}
