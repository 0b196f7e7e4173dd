import { Node } from 'ts-morph';

/** The value of a string literal or a template literal without substitutions. */
export function stringLiteralValue(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return undefined;
}

/**
 * The string a property declared with a literal holds: `errors.notAllowed`
 * where `errors = Object.freeze({ notAllowed: 'not allowed to ...' })`.
 */
export function propertyStringValue(access: Node): string | undefined {
  // Through `Object.freeze({...})` the property is a mapped one whose declarations are still the original.
  const declaration = access.getSymbol()?.getDeclarations()[0];
  return declaration && Node.isPropertyAssignment(declaration) ? stringLiteralValue(declaration.getInitializer()) : undefined;
}

const MAX_DEPTH = 4;

/**
 * The string values an expression can take, as far as the file shows
 * literally: a literal; a `const` bound to one; an array literal of them (for
 * `process.on` with a list); the parameter of a `forEach` callback or the
 * variable of a `for...of` over such an array. Undefined when unknown.
 */
export function possibleStrings(node: Node | undefined, depth = 0): string[] | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  const literal = stringLiteralValue(node);
  if (literal !== undefined) return [literal];
  if (Node.isArrayLiteralExpression(node)) {
    const values: string[] = [];
    for (const element of node.getElements()) {
      const inner = possibleStrings(element, depth + 1);
      if (!inner) return undefined;
      values.push(...inner);
    }
    return values;
  }
  if (Node.isAsExpression(node) || Node.isParenthesizedExpression(node) || Node.isSatisfiesExpression(node)) {
    return possibleStrings(node.getExpression(), depth + 1);
  }
  if (Node.isIdentifier(node)) return identifierStrings(node, depth);
  return undefined;
}

function identifierStrings(identifier: Node, depth: number): string[] | undefined {
  if (!Node.isIdentifier(identifier)) return undefined;
  const declaration = identifier
    .getSymbol()
    ?.getDeclarations()
    .find((d) => d.getSourceFile() === identifier.getSourceFile());
  if (!declaration) return undefined;
  if (Node.isVariableDeclaration(declaration)) {
    const statement = declaration.getVariableStatement();
    const forOf = declaration.getParent()?.getParent();
    if (forOf && Node.isForOfStatement(forOf)) return possibleStrings(forOf.getExpression(), depth + 1);
    if (statement?.getDeclarationKind() === 'const') return possibleStrings(declaration.getInitializer(), depth + 1);
    return undefined;
  }
  if (Node.isParameterDeclaration(declaration)) {
    // `[...].forEach((signal) => ...)`: the first parameter takes the array's elements.
    const fn = declaration.getParent();
    if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn)) return undefined;
    if (fn.getParameters()[0] !== declaration) return undefined;
    const call = fn.getParent();
    if (!call || !Node.isCallExpression(call)) return undefined;
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !['forEach', 'map'].includes(callee.getName())) return undefined;
    return possibleStrings(callee.getExpression(), depth + 1);
  }
  return undefined;
}

/** The 1-based line a node starts on. */
export function lineOf(node: Node): number {
  return node.getStartLineNumber();
}

/** A node's text on one line, shortened for evidence and messages. */
export function excerpt(node: Node, max = 80): string {
  const text = node.getText().replace(/\s+/g, ' ').trim();
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** The text a URL-like expression starts with, as written: a string's value, or a template's text before its first `${}`. */
export function literalPrefixOf(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return Node.isTemplateExpression(node) ? node.getHead().getLiteralText() : undefined;
}

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
