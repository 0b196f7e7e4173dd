import { SyntaxKind, type Node } from 'ts-morph';
import type { TextEdit } from '../engine/finding';

/**
 * Removes one element of a comma-separated list (an object literal's property,
 * a call's argument, an array element) with its comma: `{ a, b, c }` → `{ a, c }`,
 * the last one together with the comma before it, one a line → the whole line.
 */
export function removeListElement(element: Node): TextEdit {
  const text = element.getSourceFile().getFullText();
  const next = element.getNextSibling();
  if (next?.getKind() === SyntaxKind.CommaToken) {
    const following = next.getNextSibling();
    const end = following ? following.getStart() : next.getEnd();
    const lineStart = text.lastIndexOf('\n', element.getStart() - 1) + 1;
    // One a line: take the line's indentation too, so the next element keeps its own.
    const ownLine = /^[ \t]*$/.test(text.slice(lineStart, element.getStart())) && text.slice(next.getEnd(), end).includes('\n');
    if (ownLine) return { start: lineStart, end: text.lastIndexOf('\n', end - 1) + 1, newText: '' };
    return { start: element.getStart(), end, newText: '' };
  }
  const previous = element.getPreviousSibling();
  if (previous?.getKind() === SyntaxKind.CommaToken) return { start: previous.getStart(), end: element.getEnd(), newText: '' };
  return { start: element.getStart(), end: element.getEnd(), newText: '' };
}
