import { Node, SyntaxKind } from 'ts-morph';
import type { TextEdit } from '../engine/finding';

/**
 * Replaces `node` with the expression `text` (an arithmetic or other operator expression), in parentheses
 * where the place it goes would otherwise bind part of it to its neighbours: `wait(1000)` becomes
 * `wait(1000 * 2 ** n)`, but `1000 + extra` becomes `(1000 * 2 ** n) + extra`.
 */
export function replaceExpression(node: Node, text: string): TextEdit {
  const newText = takesAnyExpression(node) ? text : `(${text})`;
  return { start: node.getStart(), end: node.getEnd(), newText };
}

/**
 * `text` as an operand of a multiplication: as it is when it is a name, a literal, a member or a call,
 * or already wrapped in one pair of parentheses; in parentheses otherwise (`a + b` → `(a + b)`).
 */
export function asOperand(text: string): string {
  const trimmed = text.trim();
  if (/^[\w$.]+(\([^()]*\))?$/.test(trimmed) || isWrapped(trimmed)) return trimmed;
  return `(${trimmed})`;
}

/** `(a + b)`, but not `(a) + (b)`: the first parenthesis closes at the very end. */
function isWrapped(text: string): boolean {
  if (!text.startsWith('(')) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i === text.length - 1;
  }
  return false;
}

/** True when the place `node` sits in takes a whole expression, so nothing around it binds tighter. */
function takesAnyExpression(node: Node): boolean {
  const parent = node.getParent();
  if (!parent) return true;
  if ((Node.isCallExpression(parent) || Node.isNewExpression(parent)) && parent.getArguments().includes(node)) return true;
  if (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent) || Node.isParameterDeclaration(parent)) return parent.getInitializer() === node;
  if (Node.isBinaryExpression(parent)) return isAssignmentOperator(parent.getOperatorToken().getKind()) && parent.getRight() === node;
  if (Node.isArrowFunction(parent)) return parent.getBody() === node;
  if (Node.isConditionalExpression(parent)) return parent.getWhenTrue() === node || parent.getWhenFalse() === node;
  return (
    Node.isReturnStatement(parent) ||
    Node.isParenthesizedExpression(parent) ||
    Node.isArrayLiteralExpression(parent) ||
    Node.isTemplateSpan(parent) ||
    Node.isSpreadElement(parent) ||
    Node.isExpressionStatement(parent)
  );
}

function isAssignmentOperator(kind: SyntaxKind): boolean {
  return kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
}

/** A node's text with edits applied (offsets in the file, all within the node): to write it again inside another edit. */
export function textWithEdits(node: Node, edits: readonly TextEdit[]): string {
  const start = node.getStart();
  let text = node.getText();
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start - start) + edit.newText + text.slice(edit.end - start);
  return text;
}
