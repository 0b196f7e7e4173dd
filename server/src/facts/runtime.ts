import { builtinModules } from 'node:module';
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { FileFacts } from './index';
import { moduleImports } from './imports';
import { libraryMatches } from './tables/libraries';
import { COMMAND_LINE_FOLDERS, IN_PAGE_CALLBACK_METHODS, SERVER_ONLY_MODULES, BROWSER_FOLDER_NAMES, BROWSER_GLOBALS, BROWSER_UI_MODULES, CLIENT_DIRECTIVE, SERVER_EXPORT_NAMES, SERVER_FILE_NAME } from './tables/runtimes';

export type Runtime = 'browser' | 'node';

const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules);

/**
 * Where the file's code runs, in this order: `node` for a `*.server.*` file;
 * `browser` under `client-only/` or when marked `'use client'`; `node` when it
 * imports a Node built-in module; `browser` when it imports a UI framework or
 * uses a browser-only global; otherwise, when the file itself shows nothing,
 * `browser` if every project file that imports it is browser code (a fetch
 * helper only components use); `node` by default (Preflight's audience is server code).
 */
export function fileRuntime(facts: FileFacts): Runtime {
  return runtimeOfFile(facts, new Set());
}

function runtimeOfFile(facts: FileFacts, visiting: Set<SourceFile>): Runtime {
  return facts.memo('runtime', () => {
    const own = ownRuntimeSignal(facts);
    if (own) return own;
    return importedOnlyByBrowserCode(facts, visiting) ? 'browser' : 'node';
  });
}

const MAX_IMPORTERS = 50;

function importedOnlyByBrowserCode(facts: FileFacts, visiting: Set<SourceFile>): boolean {
  const sourceFile = facts.sourceFile;
  if (visiting.has(sourceFile) || visiting.size > 4) return false;
  visiting.add(sourceFile);
  try {
    const importers = sourceFile.getReferencingSourceFiles().filter((importer) => !importer.isDeclarationFile() && !importer.isInNodeModules());
    if (importers.length === 0 || importers.length > MAX_IMPORTERS) return false;
    return importers.every((importer) => runtimeOfFile(facts.forFile(importer), visiting) === 'browser');
  } finally {
    visiting.delete(sourceFile);
  }
}

/**
 * Where the code at `node` runs: on the server inside a route module's server
 * exports (`export async function loader()`, `action`, `getServerSideProps`,
 * Next.js `GET`/`POST`), or in a `*.server.*` file, even when the file also
 * renders UI; otherwise as the file runs.
 */
export function runtimeAt(node: Node, facts: FileFacts): Runtime {
  if (fileRuntime(facts) === 'node') return 'node';
  for (let current: Node | undefined = node; current; current = current.getParent()) {
    if (isServerExport(current)) return 'node';
  }
  return 'browser';
}

function isServerExport(node: Node): boolean {
  if (Node.isFunctionDeclaration(node)) return node.isExported() && SERVER_EXPORT_NAMES.has(node.getName() ?? '');
  if (Node.isVariableDeclaration(node)) {
    const statement = node.getVariableStatement();
    return statement !== undefined && statement.isExported() && SERVER_EXPORT_NAMES.has(node.getName());
  }
  return false;
}

/** What the file itself says about where it runs, if anything. */
function ownRuntimeSignal(facts: FileFacts): Runtime | undefined {
  const filePath = facts.sourceFile.getFilePath();
  if (SERVER_FILE_NAME.test(filePath)) return 'node';
  if (filePath.split(/[\\/]/).some((segment) => BROWSER_FOLDER_NAMES.has(segment))) return 'browser';
  const [first] = facts.sourceFile.getStatements();
  if (first && Node.isExpressionStatement(first)) {
    const expression = first.getExpression();
    if (Node.isStringLiteral(expression) && expression.getLiteralValue() === CLIENT_DIRECTIVE) return 'browser';
  }
  const imports = moduleImports(facts);
  if (imports.some((imported) => NODE_BUILTINS.has(imported.module) || SERVER_ONLY_MODULES.some((entry) => libraryMatches(entry, imported.module)))) return 'node';
  if (imports.some((imported) => BROWSER_UI_MODULES.some((entry) => libraryMatches(entry, imported.module)))) return 'browser';
  const usesBrowserGlobal = facts.nodes
    .ofKind(SyntaxKind.Identifier)
    .some((identifier) => BROWSER_GLOBALS.has(identifier.getText()) && isGlobalReference(identifier, facts) && !isInPageCallback(identifier));
  return usesBrowserGlobal ? 'browser' : undefined;
}

/** `page.evaluate(() => document.title)`: code that runs in a headless browser's page. */
function isInPageCallback(identifier: Node): boolean {
  return identifier.getAncestors().some((ancestor) => {
    if (!Node.isCallExpression(ancestor)) return false;
    const callee = ancestor.getExpression();
    return Node.isPropertyAccessExpression(callee) && IN_PAGE_CALLBACK_METHODS.has(callee.getName());
  });
}

function isGlobalReference(identifier: Node, facts: FileFacts): boolean {
  const parent = identifier.getParent();
  // `x.window` or `{ window: 1 }` name a property, not the global.
  if (parent && Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) return false;
  if (parent && Node.isPropertyAssignment(parent) && parent.getNameNode() === identifier) return false;
  return facts.origin(identifier).kind === 'global';
}

/**
 * A command-line program rather than a server: a file under `bin/`, `cli/` or
 * `scripts/`, or a `#!` script. A failure ends its run with the error, and
 * nothing waits on it but the person (or build) that started it.
 */
export function isCommandLineProgram(sourceFile: SourceFile): boolean {
  if (sourceFile.getFullText().startsWith('#!')) return true;
  return sourceFile
    .getFilePath()
    .split('/')
    .slice(0, -1)
    .some((segment) => COMMAND_LINE_FOLDERS.has(segment));
}
