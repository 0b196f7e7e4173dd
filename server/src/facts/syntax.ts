import { Node, ts, type CallExpression, type ExportDeclaration, type ImportDeclaration, type SourceFile } from 'ts-morph';

/** Parentheses, `as`, `!`, `<T>x` and `satisfies`: wrappers that do not change which value an expression is. */
export function isTransparentWrapper(node: Node): boolean {
  return (
    Node.isParenthesizedExpression(node) ||
    Node.isAsExpression(node) ||
    Node.isNonNullExpression(node) ||
    Node.isTypeAssertion(node) ||
    Node.isSatisfiesExpression(node)
  );
}

/** The expression inside any transparent wrappers: `(x as T)!` → `x`. */
export function unwrapExpression(node: Node): Node {
  let current = node;
  while (isTransparentWrapper(current)) current = (current as Node & { getExpression(): Node }).getExpression();
  return current;
}

/** A node whose body runs apart from the code around it: a function, method, accessor, constructor or static block. */
export function isFunctionScope(node: Node): boolean {
  return (
    Node.isArrowFunction(node) ||
    Node.isFunctionExpression(node) ||
    Node.isFunctionDeclaration(node) ||
    Node.isMethodDeclaration(node) ||
    Node.isConstructorDeclaration(node) ||
    Node.isGetAccessorDeclaration(node) ||
    Node.isSetAccessorDeclaration(node) ||
    Node.isClassStaticBlockDeclaration(node)
  );
}

/** True when `node` runs inside an async function or method (its nearest enclosing function scope is async). */
export function isInAsyncFunction(node: Node): boolean {
  const fn = node.getFirstAncestor(isFunctionScope);
  return fn !== undefined && (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) || Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) && fn.isAsync();
}

/**
 * The module an import declaration names, or undefined while it names none yet
 * (`import { get } from ` half-typed in the editor): ts-morph's
 * getModuleSpecifierValue() throws there.
 */
export function importedModuleOf(declaration: ImportDeclaration | ExportDeclaration): string | undefined {
  const specifier = declaration.compilerNode.moduleSpecifier;
  return specifier && ts.isStringLiteralLike(specifier) ? specifier.text : undefined;
}

/** The file's import declarations that name a module (getModuleSpecifierValue() is safe on them). */
export function importDeclarationsOf(sourceFile: SourceFile): ImportDeclaration[] {
  return sourceFile.getImportDeclarations().filter((declaration) => importedModuleOf(declaration) !== undefined);
}

/** The calls of a chain, outermost first: `knex('users').where(...).first()` → first, where, knex('users'). */
export function chainOf(call: CallExpression): CallExpression[] {
  const calls: CallExpression[] = [];
  let current: Node = call;
  while (Node.isCallExpression(current)) {
    calls.push(current);
    const callee = unwrapExpression(current.getExpression());
    current = Node.isPropertyAccessExpression(callee) ? unwrapExpression(callee.getExpression()) : callee;
  }
  return calls;
}
