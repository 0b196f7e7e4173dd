import type { Node } from 'ts-morph';

/** The whitespace a node's line starts with. */
export function lineIndentation(node: Node): string {
  const text = node.getSourceFile().getFullText();
  const lineStart = text.lastIndexOf('\n', node.getStart() - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** True when `later` starts on a line after the one `earlier` ends on. */
export function startsOnLaterLine(earlier: Node | number, later: Node): boolean {
  const text = later.getSourceFile().getFullText();
  const from = typeof earlier === 'number' ? earlier : earlier.getEnd();
  return text.slice(from, later.getStart()).includes('\n');
}
