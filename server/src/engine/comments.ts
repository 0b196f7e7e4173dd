import { ts } from 'ts-morph';

/** The comment (as a text range) that contains `offset`, if `offset` is inside one. */
export function commentAt(sourceFile: ts.SourceFile, offset: number): ts.CommentRange | undefined {
  let node: ts.Node = sourceFile;
  for (;;) {
    const child: ts.Node | undefined = node.getChildren(sourceFile).find((c) => c.pos <= offset && offset < c.end);
    if (!child) break;
    if (ts.isJSDoc(child)) return { pos: child.pos, end: child.end, kind: ts.SyntaxKind.MultiLineCommentTrivia };
    node = child;
  }
  if (node === sourceFile || offset >= node.getStart(sourceFile)) return undefined;
  const text = sourceFile.text;
  const ranges = [...(ts.getTrailingCommentRanges(text, node.pos) ?? []), ...(ts.getLeadingCommentRanges(text, node.pos) ?? [])];
  return ranges.find((range) => range.pos <= offset && offset < range.end);
}

/** Every comment in the file whose text contains `marker`, in order (not strings or code that merely contain it). */
export function commentsContaining(sourceFile: ts.SourceFile, marker: string): ts.CommentRange[] {
  const text = sourceFile.text;
  const comments: ts.CommentRange[] = [];
  let searchFrom = 0;
  for (;;) {
    const offset = text.indexOf(marker, searchFrom);
    if (offset === -1) return comments;
    const range = commentAt(sourceFile, offset);
    if (range) comments.push(range);
    searchFrom = range ? Math.max(range.end, offset + marker.length) : offset + marker.length;
  }
}
