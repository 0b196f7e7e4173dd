import { SyntaxKind, type CallExpression, type NewExpression, type Node } from 'ts-morph';
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

/** Where an argument the call does not pass goes: after `padding` `undefined`s for the positions before it, before `before`, or in place of `replace` (an `undefined` placeholder). */
export interface MissingArgumentSlot {
  padding: number;
  before?: Node;
  replace?: Node;
}

/** Passes `argument` (source text) in a position the call leaves empty: `fetch(url)` → `fetch(url, { ... })`, `get(url, undefined)` → `get(url, { ... })`. */
export function insertMissingArgument(call: CallExpression, slot: MissingArgumentSlot, argument: string): TextEdit | undefined {
  const padding = 'undefined, '.repeat(slot.padding);
  if (slot.replace) return { start: slot.replace.getStart(), end: slot.replace.getEnd(), newText: argument };
  if (slot.before) return { start: slot.before.getStart(), end: slot.before.getStart(), newText: `${padding}${argument}, ` };
  const last = call.getArguments().at(-1);
  if (last) return { start: last.getEnd(), end: last.getEnd(), newText: `, ${padding}${argument}` };
  const open = call.getFirstChildByKind(SyntaxKind.OpenParenToken);
  if (!open) return undefined;
  return { start: open.getEnd(), end: open.getEnd(), newText: `${padding}${argument}` };
}
