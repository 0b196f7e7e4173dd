import { SyntaxKind, ts, type Node, type SourceFile } from 'ts-morph';

/** The whitespace a node's line starts with. */
export function lineIndentation(node: Node): string {
  return indentationAt(node.getSourceFile().getFullText(), node.getStart());
}

/** The whitespace the line holding `offset` starts with, up to `offset`. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

/** True when `later` starts on a line after the one `earlier` ends on. */
export function startsOnLaterLine(earlier: Node | number, later: Node): boolean {
  const text = later.getSourceFile().getFullText();
  const from = typeof earlier === 'number' ? earlier : earlier.getEnd();
  return text.slice(from, later.getStart()).includes('\n');
}

/** The offset of the line break (or `\r\n`) that ends the line containing `offset`. */
export function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** The file's line break: `\r\n` when it has any, else `\n`. */
export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * The quote most of the file's string literals use: `'` unless `"` is the
 * majority (of the first 200). Walks the compiler's tree, not ts-morph's, so
 * that no node is wrapped for it.
 */
export function stringQuoteOf(sourceFile: SourceFile): string {
  const root = sourceFile.compilerNode;
  let quote = stringQuotes.get(root);
  if (quote === undefined) {
    let single = 0;
    let double = 0;
    const visit = (node: ts.Node): boolean | undefined => {
      if (node.kind === SyntaxKind.StringLiteral) {
        if (root.text.charCodeAt(node.getStart(root)) === 34) double += 1;
        else single += 1;
      }
      return single + double >= 200 || ts.forEachChild(node, visit);
    };
    ts.forEachChild(root, visit);
    quote = double > single ? '"' : "'";
    stringQuotes.set(root, quote);
  }
  return quote;
}

const stringQuotes = new WeakMap<object, string>();
