import type { ObjectLiteralExpression } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { endOfLine, indentationAt, newlineOf } from './layout';

/**
 * Adds `property` (its source text: `cause: err`, `timeout: 10_000`) as the last
 * property of an object literal, in the literal's own layout: `{ a }` → `{ a, cause: err }`;
 * one property a line → a new line with the same indentation, keeping a trailing comma
 * and a comment that ends the last property's line, and the file's line breaks.
 */
export function addObjectProperty(literal: ObjectLiteralExpression, property: string): TextEdit[] {
  const properties = literal.getProperties();
  const last = properties[properties.length - 1];
  if (!last) return [{ start: literal.getStart(), end: literal.getEnd(), newText: `{ ${property} }` }];

  const text = literal.getSourceFile().getFullText();
  const firstOnOwnLine = text.slice(literal.getStart() + 1, properties[0]!.getStart()).includes('\n');
  const comma = trailingCommaAfter(text, last.getEnd());
  const afterLast = comma === undefined ? last.getEnd() : comma + 1;
  const lineEnd = endOfLine(text, afterLast);
  const closeBrace = literal.getEnd() - 1;
  if (!firstOnOwnLine || lineEnd > closeBrace) {
    return [{ start: last.getEnd(), end: last.getEnd(), newText: `, ${property}` }];
  }
  const newline = newlineOf(text);
  const indent = indentationAt(text, last.getStart());
  if (comma !== undefined) return [{ start: lineEnd, end: lineEnd, newText: `${newline}${indent}${property},` }];
  if (lineEnd === last.getEnd()) return [{ start: lineEnd, end: lineEnd, newText: `,${newline}${indent}${property}` }];
  // A comment follows the last property on its line: the comma goes before it, the new property after it.
  return [
    { start: last.getEnd(), end: last.getEnd(), newText: ',' },
    { start: lineEnd, end: lineEnd, newText: `${newline}${indent}${property}` },
  ];
}

/** The offset of a comma that directly follows `offset` (spaces aside), if there is one. */
function trailingCommaAfter(text: string, offset: number): number | undefined {
  const match = /^[ \t]*,/.exec(text.slice(offset, offset + 200));
  return match ? offset + match[0].length - 1 : undefined;
}

/**
 * Adds several properties (their source text) as the last ones of an object literal, in its
 * layout: on the same line (`{ a, b: 1, c: 2 }`) or one a line, as `addObjectProperty` places one.
 */
export function addObjectProperties(literal: ObjectLiteralExpression, properties: readonly string[]): TextEdit[] {
  const last = literal.getProperties().at(-1);
  if (!last || properties.length <= 1) return addObjectProperty(literal, properties.join(', '));
  const text = literal.getSourceFile().getFullText();
  const oneALine = addObjectProperty(literal, '\u0000').some((edit) => edit.newText.includes('\n'));
  const separator = oneALine ? `,${newlineOf(text)}${indentationAt(text, last.getStart())}` : ', ';
  return addObjectProperty(literal, properties.join(separator));
}
