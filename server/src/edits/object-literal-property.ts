import { SyntaxKind, type ObjectLiteralExpression } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { lineIndentation, startsOnLaterLine } from './layout';

/**
 * Adds `property` (its source text: `cause: err`, `err`) as the last property
 * of an object literal, in the literal's own layout: `{ a }` → `{ a, cause: err }`;
 * one property a line → a new line with the same indentation, keeping a trailing comma.
 */
export function addObjectProperty(object: ObjectLiteralExpression, property: string): TextEdit {
  const properties = object.getProperties();
  const last = properties[properties.length - 1];
  if (!last) {
    const open = object.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken);
    return { start: open.getEnd(), end: object.getEnd() - 1, newText: ` ${property} ` };
  }
  const comma = last.getNextSiblingIfKind(SyntaxKind.CommaToken);
  const multiline = startsOnLaterLine(object.getStart() + 1, last);
  if (!multiline) return { start: last.getEnd(), end: last.getEnd(), newText: `, ${property}` };
  const indentation = lineIndentation(last);
  if (comma) return { start: comma.getEnd(), end: comma.getEnd(), newText: `\n${indentation}${property},` };
  return { start: last.getEnd(), end: last.getEnd(), newText: `,\n${indentation}${property}` };
}
