import { Node, SyntaxKind } from 'ts-morph';
import type { FileFacts } from './index';
import { normaliseModuleName, requiredModule } from './origin';
import { LIBRARIES, libraryMatches, type LibraryKind, type LibraryEntry } from './tables/libraries';
import { importDeclarationsOf, importedModuleOf } from './syntax';

/** One import of a package or file: `import`, `require(...)`, `import(...)` or `export ... from`. */
export interface ModuleImport {
  /** The specifier with `node:` stripped (`express`, `./app`). */
  module: string;
  /** Exported names taken by name (`import { Logger }` → `Logger`); empty for default/namespace/require. */
  names: string[];
  /** The import declaration or require/import() call. */
  node: Node;
  kind: 'import' | 'require' | 'dynamic-import' | 're-export';
}

/** Every runtime import of the file (type-only imports are left out: they load nothing). */
export function moduleImports(facts: FileFacts): ModuleImport[] {
  return facts.memo('imports.moduleImports', () => collectImports(facts));
}

function collectImports(facts: FileFacts): ModuleImport[] {
  const imports: ModuleImport[] = [];
  const sourceFile = facts.sourceFile;
  for (const declaration of importDeclarationsOf(sourceFile)) {
    if (declaration.isTypeOnly()) continue;
    const names = declaration
      .getNamedImports()
      .filter((specifier) => !specifier.isTypeOnly())
      .map((specifier) => specifier.getName());
    imports.push({ module: normaliseModuleName(declaration.getModuleSpecifierValue()), names, node: declaration, kind: 'import' });
  }
  for (const declaration of sourceFile.getExportDeclarations()) {
    const specifier = importedModuleOf(declaration);
    if (specifier === undefined || declaration.isTypeOnly()) continue;
    const names = declaration.getNamedExports().map((exported) => exported.getName());
    imports.push({ module: normaliseModuleName(specifier), names, node: declaration, kind: 're-export' });
  }
  for (const node of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const specifier = requiredModule(node);
    if (specifier === undefined) continue;
    const isDynamic = node.getExpression().getKind() === SyntaxKind.ImportKeyword;
    imports.push({ module: normaliseModuleName(specifier), names: destructuredNames(node), node, kind: isDynamic ? 'dynamic-import' : 'require' });
  }
  for (const declaration of facts.nodes.ofKind(SyntaxKind.ImportEqualsDeclaration)) {
    const reference = declaration.getModuleReference();
    if (!Node.isExternalModuleReference(reference)) continue;
    const expression = reference.getExpression();
    if (expression && Node.isStringLiteral(expression)) {
      imports.push({ module: normaliseModuleName(expression.getLiteralValue()), names: [], node: declaration, kind: 'require' });
    }
  }
  return imports.sort((a, b) => a.node.getStart() - b.node.getStart());
}

/** `const { Logger, format } = require('x')` → the property names taken. */
function destructuredNames(call: Node): string[] {
  const parent = call.getParent();
  if (!parent || !Node.isVariableDeclaration(parent)) return [];
  const name = parent.getNameNode();
  if (!Node.isObjectBindingPattern(name)) return [];
  return name.getElements().map((element) => element.getPropertyNameNode()?.getText() ?? element.getName());
}

/** An import that brings in a library of a given kind. */
export interface LibraryUse {
  kind: LibraryKind;
  module: string;
  entry: LibraryEntry;
  import: ModuleImport;
}

/** The imports of this file that load a library of `kind` (per the libraries table). */
export function libraryImports(facts: FileFacts, kind: LibraryKind): LibraryUse[] {
  return facts.memo(`imports.library.${kind}`, () => {
    const uses: LibraryUse[] = [];
    for (const moduleImport of moduleImports(facts)) {
      const entry = LIBRARIES[kind].find((candidate) => importMatchesEntry(moduleImport, candidate));
      if (entry) uses.push({ kind, module: moduleImport.module, entry, import: moduleImport });
    }
    return uses;
  });
}

function importMatchesEntry(moduleImport: ModuleImport, entry: LibraryEntry): boolean {
  if (!libraryMatches(entry, moduleImport.module)) return false;
  return entry.member === undefined || moduleImport.names.includes(entry.member);
}

export function isRelativeModule(module: string): boolean {
  return module.startsWith('./') || module.startsWith('../') || module === '.' || module === '..';
}

/**
 * The local name the file gives `module`'s default export (or the module
 * itself, through `require`): `import pRetry from 'p-retry'`,
 * `import { default as retry } from 'p-retry'`, `const retry = require('p-retry')`,
 * `require('p-retry').default`, `import retry = require('p-retry')`.
 */
export function defaultImportName(facts: FileFacts, module: string): string | undefined {
  for (const declaration of importDeclarationsOf(facts.sourceFile)) {
    if (declaration.isTypeOnly() || normaliseModuleName(declaration.getModuleSpecifierValue()) !== module) continue;
    const named = declaration.getNamedImports().find((specifier) => specifier.getName() === 'default');
    const name = declaration.getDefaultImport()?.getText() ?? named?.getAliasNode()?.getText();
    if (name) return name;
  }
  return requiredAs(facts, module, (initializer) => (Node.isPropertyAccessExpression(initializer) && initializer.getName() === 'default' ? initializer.getExpression() : initializer));
}

/** The local name of the export `name` of `module` in the file (`import { withRetry as retry } from './lib/with-retry'`, `const { withRetry } = require(...)`). */
export function namedImportName(facts: FileFacts, module: string, name: string): string | undefined {
  for (const declaration of importDeclarationsOf(facts.sourceFile)) {
    if (declaration.isTypeOnly() || declaration.getModuleSpecifierValue() !== module) continue;
    const specifier = declaration.getNamedImports().find((candidate) => candidate.getName() === name && !candidate.isTypeOnly());
    if (specifier) return specifier.getAliasNode()?.getText() ?? name;
  }
  for (const declaration of facts.nodes.ofKind(SyntaxKind.VariableDeclaration)) {
    const initializer = declaration.getInitializer();
    const binding = declaration.getNameNode();
    if (!initializer || !Node.isObjectBindingPattern(binding) || requiredModule(initializer) !== module) continue;
    const element = binding.getElements().find((candidate) => (candidate.getPropertyNameNode()?.getText() ?? candidate.getName()) === name);
    if (element) return element.getName();
  }
  return undefined;
}

function requiredAs(facts: FileFacts, module: string, unwrap: (initializer: Node) => Node): string | undefined {
  for (const declaration of facts.nodes.ofKind(SyntaxKind.VariableDeclaration)) {
    const initializer = declaration.getInitializer();
    const nameNode = declaration.getNameNode();
    if (!initializer || !Node.isIdentifier(nameNode)) continue;
    const unwrapped = unwrap(initializer);
    // `await import('m')` is the namespace; only its `.default` is the default export.
    if (unwrapped === initializer && Node.isAwaitExpression(initializer)) continue;
    const specifier = requiredModule(unwrapped);
    if (specifier !== undefined && normaliseModuleName(specifier) === module) return nameNode.getText();
  }
  for (const declaration of facts.nodes.ofKind(SyntaxKind.ImportEqualsDeclaration)) {
    const reference = declaration.getModuleReference();
    const expression = Node.isExternalModuleReference(reference) ? reference.getExpression() : undefined;
    if (expression && Node.isStringLiteral(expression) && normaliseModuleName(expression.getLiteralValue()) === module) return declaration.getName();
  }
  return undefined;
}
