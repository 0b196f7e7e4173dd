import { Node, SyntaxKind } from 'ts-morph';
import type { FileFacts } from './index';
import { isRelativeModule, moduleImports } from './imports';
import type { Origin } from './origin';
import { INJECTED_LOGGER_TYPES, LOGGER_CLASS_NAME, LOGGER_MODULE_NAME, LOGGER_MODULES, PROJECT_LOGGER_NAME, type LoggerModule } from './tables/logging';
import { importDeclarationsOf } from './syntax';

/**
 * A project's own logger, exported by this file: a function or class that makes
 * or wraps a logger, or a logger value (`export const logger = pino()`).
 */
export interface ProjectLoggerDefinition {
  /** The exported name (`getLogger`, `logger`; `default` for a default export). */
  name: string;
  /** The declaration: where the evidence points. */
  node: Node;
  /** The package it is built on: `log4js`, `@acme/core/logger`. */
  library: string;
  /**
   * `known`: a structured library of LOGGER_MODULES;
   * `workspace`: a logger class or factory of another package, whose output this package cannot show.
   */
  basis: 'known' | 'workspace';
}

/** Exported loggers and logger factories of this file. */
export function projectLoggerDefinitions(facts: FileFacts): ProjectLoggerDefinition[] {
  return facts.memo('projectLoggers.definitions', () => {
    const loggerNames = importedLoggerNames(facts);
    if (loggerNames.size === 0) return [];
    const found: ProjectLoggerDefinition[] = [];
    for (const [name, declarations] of facts.sourceFile.getExportedDeclarations()) {
      const declaration = declarations.find((d) => d.getSourceFile() === facts.sourceFile);
      if (!declaration) continue;
      const built = loggerBuiltBy(declaration, loggerNames, facts);
      if (built) found.push({ name, node: declaration, ...built });
    }
    return found;
  });
}

/**
 * Local names this file imports from a logger library, or from another
 * package's logger module: the only identifiers worth resolving in the exports' bodies.
 */
function importedLoggerNames(facts: FileFacts): Set<string> {
  const names = new Set<string>();
  for (const declaration of importDeclarationsOf(facts.sourceFile)) {
    if (declaration.isTypeOnly()) continue;
    const module = declaration.getModuleSpecifierValue();
    const isKnown = LOGGER_MODULES.some((logger) => logger.structured !== undefined && logger.module === module);
    const isOtherPackage = !isRelativeModule(module) && !module.startsWith('~/') && !module.startsWith('@/');
    if (!isKnown && !isOtherPackage) continue;
    const bound = [declaration.getDefaultImport()?.getText(), declaration.getNamespaceImport()?.getText(), ...declaration.getNamedImports().map((specifier) => (specifier.getAliasNode() ?? specifier.getNameNode()).getText())];
    for (const name of bound) if (name && (isKnown || LOGGER_CLASS_NAME.test(name) || LOGGER_MODULE_NAME.test(module))) names.add(name);
  }
  for (const moduleImport of moduleImports(facts)) {
    if (moduleImport.kind !== 'require' || !LOGGER_MODULES.some((logger) => logger.structured !== undefined && logger.module === moduleImport.module)) continue;
    const holder = moduleImport.node.getParent();
    if (holder && Node.isVariableDeclaration(holder)) for (const identifier of holder.getNameNode().getDescendantsOfKind(SyntaxKind.Identifier)) names.add(identifier.getText());
    if (holder && Node.isVariableDeclaration(holder) && Node.isIdentifier(holder.getNameNode())) names.add(holder.getName());
  }
  return names;
}

/** The logger library a declaration's value or body is built on, if any. */
function loggerBuiltBy(declaration: Node, loggerNames: ReadonlySet<string>, facts: FileFacts): Pick<ProjectLoggerDefinition, 'library' | 'basis'> | undefined {
  const body = valueOrBody(declaration);
  if (!body) return undefined;
  let workspace: string | undefined;
  const identifiers = Node.isIdentifier(body) ? [body] : body.getDescendantsOfKind(SyntaxKind.Identifier);
  for (const node of identifiers) {
    if (!loggerNames.has(node.getText())) continue;
    const origin = facts.origin(node);
    if (origin.kind !== 'module') continue;
    const known = structuredLoggerModule(origin);
    if (known) return { library: known.module, basis: 'known' };
    if (workspace === undefined && isWorkspaceLogger(origin, node)) workspace = origin.module;
  }
  return workspace ? { library: workspace, basis: 'workspace' } : undefined;
}

/** What to look into: a function's or class's body, a variable's initializer. */
function valueOrBody(declaration: Node): Node | undefined {
  if (Node.isFunctionDeclaration(declaration) || Node.isClassDeclaration(declaration)) return declaration;
  if (Node.isVariableDeclaration(declaration)) {
    const initializer = declaration.getInitializer();
    if (!initializer) return undefined;
    if (Node.isObjectLiteralExpression(initializer)) return undefined; // `{ info: (...a) => console.log(...a) }` is not a logger library
    return initializer;
  }
  return undefined;
}

function structuredLoggerModule(origin: Extract<Origin, { kind: 'module' }>): LoggerModule | undefined {
  return LOGGER_MODULES.find((logger) => logger.structured !== undefined && logger.module === origin.module && (logger.member === undefined || origin.path[0] === logger.member));
}

/** `new Logger(...)` from `@acme/core/logger`, `createLogger` from `@acme/logging`: another package's logger. */
function isWorkspaceLogger(origin: Extract<Origin, { kind: 'module' }>, node: Node): boolean {
  if (isRelativeModule(origin.module) || origin.module.startsWith('~/') || origin.module.startsWith('@/')) return false;
  const parent = node.getParent();
  const isBuilt = parent !== undefined && (Node.isNewExpression(parent) || Node.isCallExpression(parent)) && parent.getExpression() === node;
  if (!isBuilt) return false;
  const exported = origin.path[origin.path.length - 1];
  return (exported !== undefined && LOGGER_CLASS_NAME.test(exported)) || LOGGER_MODULE_NAME.test(origin.module);
}

/** An import of a project logger by another file: `import { getLogger } from '../logging'`. */
export interface ProjectLoggerImport {
  /** The specifier as written (`../logging`, `~/services/logger.server`, `@app/common/logger`). */
  module: string;
  /** The imported names that read as a logger (`default` for a default import). */
  names: string[];
}

/**
 * Imports of this file whose names read as a logger or logger factory, from
 * modules that are not known libraries: candidates for a project's own logger,
 * matched with the definitions by the project checks.
 */
export function projectLoggerImports(facts: FileFacts): ProjectLoggerImport[] {
  return facts.memo('projectLoggers.imports', () => {
    const found: ProjectLoggerImport[] = [];
    for (const declaration of importDeclarationsOf(facts.sourceFile)) {
      if (declaration.isTypeOnly()) continue;
      const module = declaration.getModuleSpecifierValue();
      if (LOGGER_MODULES.some((logger) => logger.module === module)) continue;
      const names = declaration
        .getNamedImports()
        .filter((specifier) => !specifier.isTypeOnly() && PROJECT_LOGGER_NAME.test(specifier.getName()))
        .map((specifier) => specifier.getName());
      const defaultImport = declaration.getDefaultImport();
      if (defaultImport && PROJECT_LOGGER_NAME.test(defaultImport.getText())) names.push('default');
      if (names.length > 0) found.push({ module, names });
    }
    for (const moduleImport of moduleImports(facts)) {
      if (moduleImport.kind !== 'require') continue;
      const names = moduleImport.names.filter((name) => PROJECT_LOGGER_NAME.test(name));
      if (names.length > 0) found.push({ module: moduleImport.module, names });
    }
    return found;
  });
}

/** Imports (type-only ones included) of a framework's logger interface: the framework injects its logger here. */
export function injectedLoggerTypes(facts: FileFacts): { node: Node; library: string }[] {
  return facts.memo('projectLoggers.injected', () => {
    const found: { node: Node; library: string }[] = [];
    for (const declaration of importDeclarationsOf(facts.sourceFile)) {
      const module = declaration.getModuleSpecifierValue();
      const names = declaration.getNamedImports().map((specifier) => specifier.getName());
      const known = INJECTED_LOGGER_TYPES.find((entry) => entry.module === module && names.includes(entry.name));
      if (known) found.push({ node: declaration, library: known.library });
    }
    return found;
  });
}
