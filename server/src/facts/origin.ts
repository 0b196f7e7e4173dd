import { Node, SyntaxKind, ts, type Expression, type Identifier, type ImportDeclaration, type SourceFile, type Symbol as TsMorphSymbol } from 'ts-morph';
import { importedModuleOf, unwrapExpression } from './syntax';
import { nodeIndexOf, wrapCompilerNode } from '../parse/node-index';

/**
 * Where a value comes from, as far as the file shows:
 * - `module`: an import or require of a package; `path` is the member chain
 *   below the module's root (default export, namespace and `require()` result
 *   are all the root, so `import axios from 'axios'`, `import * as axios`,
 *   `require('axios')` and `require('axios').default` resolve alike);
 * - `global`: a name with no declaration in the file (or declared only by the
 *   standard library), such as `fetch` or `process`;
 * - `call`: the result of calling something (`axios.create({...})`), with the
 *   member chain read on that result;
 * - `local`: declared in this file (a parameter, a local function named
 *   `fetch`, a class) and not traceable further.
 */
export type Origin =
  | { kind: 'module'; module: string; path: string[] }
  | { kind: 'global'; path: string[] }
  | { kind: 'call'; call: Node; callee: Origin; path: string[] }
  | { kind: 'local'; declaration: Node; path: string[] }
  | { kind: 'unknown' };

const MAX_DEPTH = 8;

/** Strips `node:` and subpath-less variants so tables can name a module once. */
export function normaliseModuleName(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

function withPath(origin: Origin, extra: string[]): Origin {
  if (origin.kind === 'unknown' || extra.length === 0) return origin;
  if (origin.kind === 'module') return modulePath(origin.module, [...origin.path, ...extra]);
  return { ...origin, path: [...origin.path, ...extra] } as Origin;
}

function modulePath(module: string, path: string[]): Origin {
  // The default export is the module's root: require('x'), require('x').default,
  // (await import('x')).default and import x from 'x' all match.
  const trimmed = path[0] === 'default' ? path.slice(1) : path;
  return { kind: 'module', module: normaliseModuleName(module), path: trimmed };
}

/** `require('m')` or `await import('m')`: the module specifier, if the expression is one. */
export function requiredModule(expression: Node): string | undefined {
  let node: Node = expression;
  if (Node.isAwaitExpression(node)) node = node.getExpression();
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  const isRequire = Node.isIdentifier(callee) && callee.getText() === 'require';
  const isImport = callee.getKind() === SyntaxKind.ImportKeyword;
  if (!isRequire && !isImport) return undefined;
  const [first] = node.getArguments();
  return first && Node.isStringLiteral(first) ? first.getLiteralValue() : undefined;
}


/** Resolves an expression to its origin. */
export function resolveOrigin(expression: Node, depth = 0): Origin {
  if (depth > MAX_DEPTH) return { kind: 'unknown' };
  const node = unwrapExpression(expression);

  const required = requiredModule(node);
  if (required !== undefined) return modulePath(required, []);

  if (Node.isIdentifier(node)) return resolveIdentifier(node, depth);
  if (Node.isPropertyAccessExpression(node)) {
    return withPath(resolveOrigin(node.getExpression(), depth + 1), [node.getName()]);
  }
  if (Node.isElementAccessExpression(node)) {
    const arg = node.getArgumentExpression();
    if (arg && (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg))) {
      return withPath(resolveOrigin(node.getExpression(), depth + 1), [arg.getLiteralValue()]);
    }
    return { kind: 'unknown' };
  }
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) {
    const callee = node.getExpression();
    return { kind: 'call', call: node, callee: resolveOrigin(callee, depth + 1), path: [] };
  }
  if (Node.isAwaitExpression(node)) return resolveOrigin(node.getExpression(), depth + 1);
  return { kind: 'unknown' };
}

/** Names that stand for the global object itself when the file does not declare them. */
const GLOBAL_OBJECT_NAMES = new Set(['globalThis', 'window', 'self', 'global']);

/**
 * The symbol of the value an identifier reads. In a shorthand property (`{ agent }`)
 * the name's own symbol is the property; the value is the variable of that name.
 */
export function valueSymbol(identifier: Identifier): TsMorphSymbol | undefined {
  const parent = identifier.getParent();
  if (Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === identifier) {
    return identifier.getProject().getTypeChecker().getShorthandAssignmentValueSymbol(parent);
  }
  return identifier.getSymbol();
}

function resolveIdentifier(identifier: Identifier, depth: number): Origin {
  const name = identifier.getText();
  const symbol = valueSymbol(identifier);
  const declarations = symbol?.getDeclarations() ?? [];
  const sourceFile = identifier.getSourceFile();
  const declaration = declarations.find((d) => d.getSourceFile() === sourceFile);
  if (declaration) return resolveDeclaration(declaration, depth);
  // In a script (a .ts file with no import/export) a top-level `const fetch = require('node-fetch')`
  // merges with the lib's global, and the symbol shows only the lib's declaration.
  const scriptLevel = topLevelDeclaration(sourceFile, name);
  if (scriptLevel) return resolveDeclaration(scriptLevel, depth);
  // Not declared in this file: the standard library or an ambient global.
  if (GLOBAL_OBJECT_NAMES.has(name)) return { kind: 'global', path: [] };
  return { kind: 'global', path: [name] };
}

/** Per file text: the first top-level variable, function and class of each name (one pass, not one per lookup). */
const topLevelNames = new WeakMap<ts.SourceFile, { variables: Map<string, ts.Node>; functions: Map<string, ts.Node>; classes: Map<string, ts.Node> }>();

function topLevelNamesOf(sourceFile: ts.SourceFile) {
  let names = topLevelNames.get(sourceFile);
  if (names) return names;
  names = { variables: new Map(), functions: new Map(), classes: new Map() };
  const keepFirst = (map: Map<string, ts.Node>, name: string, node: ts.Node) => map.has(name) || map.set(name, node);
  for (const statement of sourceFile.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) keepFirst(names.variables, declaration.name.getText(sourceFile), declaration);
    } else if (ts.isFunctionDeclaration(statement) && statement.name && (statement.body || isAmbient(statement))) {
      keepFirst(names.functions, statement.name.text, statement);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      keepFirst(names.classes, statement.name.text, statement);
    }
  }
  topLevelNames.set(sourceFile, names);
  return names;
}

function isAmbient(node: ts.FunctionDeclaration): boolean {
  return (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Ambient) !== 0 || node.getSourceFile().isDeclarationFile;
}

/** The top-level variable, function or class named `name` (in that order, as ts-morph's lookups by name). */
function topLevelDeclaration(sourceFile: SourceFile, name: string): Node | undefined {
  const names = topLevelNamesOf(sourceFile.compilerNode);
  const found = names.variables.get(name) ?? names.functions.get(name) ?? names.classes.get(name);
  return found && wrapCompilerNode(sourceFile, found);
}

/** What an import names; unknown while the import names no module yet (`import { get } from ` being typed). */
function importedModulePath(declaration: ImportDeclaration, path: string[]): Origin {
  const module = importedModuleOf(declaration);
  return module === undefined ? { kind: 'unknown' } : modulePath(module, path);
}

function resolveDeclaration(declaration: Node, depth: number): Origin {
  if (Node.isImportClause(declaration)) {
    const importDeclaration = declaration.getParentOrThrow();
    if (!Node.isImportDeclaration(importDeclaration)) return { kind: 'unknown' };
    return importedModulePath(importDeclaration, []);
  }
  if (Node.isNamespaceImport(declaration)) {
    const importDeclaration = declaration.getFirstAncestorByKindOrThrow(SyntaxKind.ImportDeclaration);
    return importedModulePath(importDeclaration, []);
  }
  if (Node.isImportSpecifier(declaration)) {
    const importDeclaration = declaration.getImportDeclaration();
    return importedModulePath(importDeclaration, [declaration.getName()]);
  }
  if (Node.isImportEqualsDeclaration(declaration)) {
    const reference = declaration.getModuleReference();
    if (Node.isExternalModuleReference(reference)) {
      const specifier = reference.getExpression();
      if (specifier && Node.isStringLiteral(specifier)) return modulePath(specifier.getLiteralValue(), []);
    }
    return { kind: 'unknown' };
  }
  if (Node.isBindingElement(declaration)) return resolveBindingElement(declaration, depth);
  if (Node.isVariableDeclaration(declaration)) {
    const initializer = declaration.getInitializer();
    const isConst = declaration.getVariableStatement()?.getDeclarationKind() === 'const';
    const nameNode = declaration.getNameNode();
    if (initializer && Node.isIdentifier(nameNode) && (isConst || !isReassigned(nameNode))) {
      const origin = resolveOrigin(initializer, depth + 1);
      if (origin.kind !== 'unknown') return origin;
    }
    return { kind: 'local', declaration, path: [] };
  }
  return { kind: 'local', declaration, path: [] };
}

/** `const { get: httpGet } = require('axios')` and `const { a: { b } } = x`. */
function resolveBindingElement(element: Node, depth: number): Origin {
  const path: string[] = [];
  let current: Node | undefined = element;
  while (current && Node.isBindingElement(current)) {
    const pattern: Node = current.getParentOrThrow();
    if (Node.isArrayBindingPattern(pattern)) {
      // `const [scope, animate] = useAnimate()`: the element's index.
      path.unshift(String(pattern.getElements().indexOf(current as never)));
    } else {
      const propertyName = current.getPropertyNameNode();
      path.unshift(propertyName ? propertyName.getText().replace(/^['"]|['"]$/g, '') : current.getName());
    }
    current = Node.isObjectBindingPattern(pattern) || Node.isArrayBindingPattern(pattern) ? pattern.getParent() : undefined;
  }
  if (current && Node.isVariableDeclaration(current)) {
    const initializer = current.getInitializer();
    if (initializer) return withPath(resolveOrigin(initializer, depth + 1), path);
  }
  return { kind: 'local', declaration: element, path: [] };
}

/**
 * Identifiers written to anywhere in a file (`x = …`, `x ??= …`, `x += …`, `x++`),
 * by name. Keyed by the compiler's source file, which is replaced whenever the
 * text changes, so a stale table is never consulted.
 */
interface AssignmentTargets {
  /** Plain targets, compared by symbol so that shadowed names don't count. */
  byName: Map<string, Identifier[]>;
  /** Names written by destructuring assignment (`({ a } = x)`), compared by name only: the conservative side. */
  destructured: Set<string>;
}

const assignmentTargetsByFile = new WeakMap<object, AssignmentTargets>();

function assignmentTargets(sourceFile: SourceFile): AssignmentTargets {
  const key = sourceFile.compilerNode;
  const cached = assignmentTargetsByFile.get(key);
  if (cached) return cached;
  const targets: AssignmentTargets = { byName: new Map(), destructured: new Set() };
  const add = (node: Node): void => {
    if (Node.isIdentifier(node)) {
      const list = targets.byName.get(node.getText()) ?? [];
      list.push(node);
      targets.byName.set(node.getText(), list);
    } else if (Node.isObjectLiteralExpression(node) || Node.isArrayLiteralExpression(node)) {
      for (const identifier of node.getDescendantsOfKind(SyntaxKind.Identifier)) targets.destructured.add(identifier.getText());
    }
  };
  const index = nodeIndexOf(sourceFile);
  for (const node of index.ofKind(SyntaxKind.BinaryExpression)) {
    const operator = node.getOperatorToken().getKind();
    if (operator >= SyntaxKind.FirstAssignment && operator <= SyntaxKind.LastAssignment) add(unwrapExpression(node.getLeft()));
  }
  for (const node of [...index.ofKind(SyntaxKind.PrefixUnaryExpression), ...index.ofKind(SyntaxKind.PostfixUnaryExpression)]) {
    const operator = node.getOperatorToken();
    if (operator === SyntaxKind.PlusPlusToken || operator === SyntaxKind.MinusMinusToken) add(unwrapExpression(node.getOperand()));
  }
  assignmentTargetsByFile.set(key, targets);
  return targets;
}

/** True when the variable `name` declares is written again anywhere in its file (`=`, `??=`, `+=`, `++`, destructuring). */
export function isReassigned(name: Identifier): boolean {
  const targets = assignmentTargets(name.getSourceFile());
  if (targets.destructured.has(name.getText())) return true;
  const candidates = targets.byName.get(name.getText());
  if (!candidates) return false;
  const symbol = name.getSymbol()?.compilerSymbol;
  return candidates.some((target) => target.getSymbol()?.compilerSymbol === symbol);
}

/** True when `origin` is the package `module` (after `node:` normalisation) at exactly `path`. */
export function isModuleMember(origin: Origin, module: string | readonly string[], path: readonly string[]): boolean {
  if (origin.kind !== 'module') return false;
  const modules = typeof module === 'string' ? [module] : module;
  return modules.includes(origin.module) && samePath(origin.path, path);
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/** The source file's own text for a node's origin, for messages. */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'module':
      return [origin.module, ...origin.path].join('.');
    case 'global':
      return origin.path.join('.');
    case 'call':
      return `${describeOrigin(origin.callee)}()${origin.path.map((p) => '.' + p).join('')}`;
    case 'local':
      return `local${origin.path.map((p) => '.' + p).join('')}`;
    default:
      return 'unknown';
  }
}

export type { SourceFile, Expression };
