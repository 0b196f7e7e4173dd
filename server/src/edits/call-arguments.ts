import { SyntaxKind, type CallExpression, type NewExpression } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { lineIndentation, startsOnLaterLine } from './layout';

/**
 * Inserts an argument (its source text) at `index` of a call or `new`, in the
 * call's layout: `f(a)` → `f(a, x)`, `f(a)` → `f(x, a)`; arguments one a line → one more line.
 */
export function insertArgument(call: CallExpression | NewExpression, index: number, argument: string): TextEdit {
  const args = call.getArguments();
  if (args.length === 0) {
    const open = call.getFirstChildByKind(SyntaxKind.OpenParenToken);
    // `new Error` without parentheses.
    if (!open) return { start: call.getEnd(), end: call.getEnd(), newText: `(${argument})` };
    return { start: open.getEnd(), end: open.getEnd(), newText: argument };
  }
  const open = call.getFirstChildByKindOrThrow(SyntaxKind.OpenParenToken);
  const onePerLine = startsOnLaterLine(open.getEnd(), args[0]!);
  if (index >= args.length) {
    const last = args[args.length - 1]!;
    const separator = onePerLine ? `,\n${lineIndentation(last)}` : ', ';
    return { start: last.getEnd(), end: last.getEnd(), newText: `${separator}${argument}` };
  }
  const before = args[index]!;
  const separator = onePerLine ? `,\n${lineIndentation(before)}` : ', ';
  return { start: before.getStart(), end: before.getStart(), newText: `${argument}${separator}` };
}
