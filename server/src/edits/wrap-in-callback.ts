import type { Node } from 'ts-morph';
import type { TextEdit } from '../engine/finding';

/**
 * Wraps `expression` in a call that runs it from a callback:
 * `fetch(url)` becomes `pRetry(() => fetch(url), { retries: 3 })` for
 * callee `pRetry` and trailing arguments `{ retries: 3 }`. Meant for a place
 * that takes any expression or an operand of `await` (a call binds tighter).
 */
export function wrapInCallback(expression: Node, callee: string, trailingArguments: readonly string[] = []): TextEdit {
  const rest = trailingArguments.map((argument) => `, ${argument}`).join('');
  return { start: expression.getStart(), end: expression.getEnd(), newText: `${callee}(() => ${expression.getText()}${rest})` };
}
