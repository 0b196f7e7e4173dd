import { Node } from 'ts-morph';

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
