import { SyntaxKind, type Node } from 'ts-morph';
import type { TextEdit } from '../engine/finding';

/**
 * Removes one element of a comma-separated list (an object literal's property,
 * a call's argument, an array element) with its comma: `{ a, b, c }` → `{ a, c }`,
 * the last one together with the comma before it, one a line → the whole line.
 */
export function removeListElement(element: Node): TextEdit {
  return removeListElements([element])[0]!;
}

/**
 * Removes several elements of one or more comma-separated lists, each run of
 * neighbours as one edit so that no two edits share a comma:
 * `{ a, b, c, d }` without b, c and d → `{ a }`.
 */
export function removeListElements(elements: readonly Node[]): TextEdit[] {
  const byList = new Map<Node, Node[]>();
  for (const element of elements) {
    const list = element.getParentSyntaxList() ?? element.getParentOrThrow();
    byList.set(list, [...(byList.get(list) ?? []), element]);
  }
  return [...byList].flatMap(([list, removed]) => runsOf(list, removed).map((run) => removeRun(list, run)));
}

/** The removed elements of a list in runs of neighbours. */
function runsOf(list: Node, removed: readonly Node[]): Node[][] {
  const items = listItems(list);
  const runs: Node[][] = [];
  let current: Node[] = [];
  for (const item of items) {
    if (removed.includes(item)) current.push(item);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function listItems(list: Node): Node[] {
  return list.getChildren().filter((child) => child.getKind() !== SyntaxKind.CommaToken);
}

function removeRun(list: Node, run: Node[]): TextEdit {
  const text = list.getSourceFile().getFullText();
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const comma = last.getNextSibling();
  if (comma?.getKind() === SyntaxKind.CommaToken) {
    const following = comma.getNextSibling();
    const lineStart = text.lastIndexOf('\n', first.getStart() - 1) + 1;
    const startsLine = /^[ \t]*$/.test(text.slice(lineStart, first.getStart()));
    if (!following) {
      // A trailing comma: one a line, the lines go; else just the elements and the comma.
      const lineEnd = text.indexOf('\n', comma.getEnd());
      const restOfLine = lineEnd === -1 ? '' : text.slice(comma.getEnd(), lineEnd);
      if (startsLine && /^[ \t]*$/.test(restOfLine)) return { start: lineStart, end: lineEnd + 1, newText: '' };
      return { start: first.getStart(), end: comma.getEnd(), newText: '' };
    }
    // One a line: take the line's indentation too, so the next element keeps its own.
    const ownLine = startsLine && text.slice(comma.getEnd(), following.getStart()).includes('\n');
    if (ownLine) return { start: lineStart, end: text.lastIndexOf('\n', following.getStart() - 1) + 1, newText: '' };
    return { start: first.getStart(), end: following.getStart(), newText: '' };
  }
  const previous = first.getPreviousSibling();
  if (previous?.getKind() === SyntaxKind.CommaToken) return { start: previous.getStart(), end: last.getEnd(), newText: '' };
  return { start: first.getStart(), end: last.getEnd(), newText: '' };
}
