import { builtinModules } from 'node:module';
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { FileFacts } from './index';
import { moduleImports } from './imports';
import { libraryMatches } from './tables/libraries';
import { COMMAND_LINE_FOLDERS, BROWSER_FOLDER_NAMES, BROWSER_GLOBALS, BROWSER_UI_MODULES, CLIENT_DIRECTIVE, SERVER_EXPORT_NAMES, SERVER_FILE_NAME } from './tables/runtimes';

export type Runtime = 'browser' | 'node';

const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules);

/**
 * Where the file's code runs, as far as the file shows, in this order: `browser`
 * when it is marked `'use client'`; `node` when it imports a Node built-in
 * module; `browser` when it imports a UI framework or uses a browser-only
 * global; `node` otherwise (Preflight's default audience is server code).
 */
export function fileRuntime(facts: FileFacts): Runtime {
  return facts.memo('runtime', () => (looksLikeBrowserCode(facts) ? 'browser' : 'node'));
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

function looksLikeBrowserCode(facts: FileFacts): boolean {
  const filePath = facts.sourceFile.getFilePath();
  if (SERVER_FILE_NAME.test(filePath)) return false;
  if (filePath.split(/[\\/]/).some((segment) => BROWSER_FOLDER_NAMES.has(segment))) return true;
  const [first] = facts.sourceFile.getStatements();
  if (first && Node.isExpressionStatement(first)) {
    const expression = first.getExpression();
    if (Node.isStringLiteral(expression) && expression.getLiteralValue() === CLIENT_DIRECTIVE) return true;
  }
  const imports = moduleImports(facts);
  if (imports.some((imported) => NODE_BUILTINS.has(imported.module))) return false;
  if (imports.some((imported) => BROWSER_UI_MODULES.some((entry) => libraryMatches(entry, imported.module)))) return true;
  return facts.nodes
    .ofKind(SyntaxKind.Identifier)
    .some((identifier) => BROWSER_GLOBALS.has(identifier.getText()) && isGlobalReference(identifier, facts));
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
