/**
 * Edits to SQL text, wherever it is (a .sql file, or a JS/TS string literal
 * that holds it verbatim): a keyword after another, a clause at the end of a
 * statement, a statement after or before others. Located with PostgreSQL's
 * scanner (parse/sql), never by searching the text.
 */
import type { TextEdit } from '../engine/finding';
import { sqlTokensIn } from '../parse/sql';

/** Inserts ` WORD` after the first token named `after` in the statement (`INDEX` then ` CONCURRENTLY`). */
export function insertKeywordAfter(text: string, statementStart: number, statementEnd: number, after: string, word: string): TextEdit | undefined {
  const token = sqlTokensIn(text, statementStart, statementEnd).find((t) => t.name === after);
  return token && { start: token.end, end: token.end, newText: ` ${word}` };
}

/** Appends ` CLAUSE` at the statement's end (before its `;`). */
export function appendClause(statementEnd: number, clause: string): TextEdit {
  return { start: statementEnd, end: statementEnd, newText: ` ${clause}` };
}

/** Inserts a statement after the one ending at `statementEnd` (after its `;`, on a new line). */
export function insertStatementAfterSql(text: string, statementEnd: number, statement: string): TextEdit {
  const next = sqlTokensIn(text, statementEnd, Math.min(text.length, statementEnd + 200))[0];
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  if (next && next.name === 'ASCII_59') return { start: next.end, end: next.end, newText: `${newline}${statement};` };
  return { start: statementEnd, end: statementEnd, newText: `;${newline}${statement}` };
}

/** Inserts a statement at the top of a SQL file. */
export function insertStatementAtTop(text: string, statement: string): TextEdit {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { start: 0, end: 0, newText: `${statement};${newline}` };
}

/** A SQL identifier, quoted when it must be (or when the file quotes its names). */
export function sqlIdentifier(name: string): string {
  let plain = name.length > 0 && (name[0] === '_' || (name[0] >= 'a' && name[0] <= 'z'));
  for (const char of name) if (!(char === '_' || (char >= 'a' && char <= 'z') || (char >= '0' && char <= '9'))) plain = false;
  return plain ? name : `"${name.split('"').join('""')}"`;
}
