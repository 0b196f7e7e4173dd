import { Node, SyntaxKind, type Block, type SourceFile } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { indentationAt, newlineOf } from './layout';

/**
 * Inserts the statement `text` (written without its `;`) on its own line before `statement`, at its
 * indentation and above the comments that lead it, ending it as the file ends its statements.
 * Undefined when `statement` is not in a statement list (the body of an `if` without braces).
 */
export function insertStatementBefore(statement: Node, text: string): TextEdit | undefined {
  const target = Node.isLabeledStatement(statement.getParent()) ? statement.getParentOrThrow() : statement;
  const list = target.getParent();
  if (!list || !(Node.isBlock(list) || Node.isSourceFile(list) || Node.isCaseClause(list) || Node.isDefaultClause(list))) return undefined;
  const sourceText = target.getSourceFile().getFullText();
  const start = leadingCommentStart(target) ?? target.getStart();
  const lineStart = sourceText.lastIndexOf('\n', start - 1) + 1;
  const before = sourceText.slice(lineStart, start);
  const line = `${text}${statementEnd(target.getSourceFile())}`;
  if (/\S/.test(before)) return { start, end: start, newText: `${line} ` };
  return { start: lineStart, end: lineStart, newText: `${before}${line}${newlineOf(sourceText)}` };
}

/** Appends the statement `text` (without its `;`) as the last statement of `block`, in the block's indentation. */
export function appendStatement(block: Block, text: string): TextEdit {
  const sourceText = block.getSourceFile().getFullText();
  const newline = newlineOf(sourceText);
  const line = `${text}${statementEnd(block.getSourceFile())}`;
  const statements = block.getStatements();
  const last = statements[statements.length - 1];
  const base = indentationAt(sourceText, block.getStart());
  if (!last) {
    const inner = base + indentUnit(sourceText, block);
    return { start: block.getStart(), end: block.getEnd(), newText: `{${newline}${inner}${line}${newline}${base}}` };
  }
  const indent = indentationAt(sourceText, last.getStart());
  const lineEnd = endOfLineAfter(sourceText, last.getEnd());
  if (lineEnd === undefined) return { start: last.getEnd(), end: last.getEnd(), newText: ` ${line}` };
  return { start: lineEnd, end: lineEnd, newText: `${newline}${indent}${line}` };
}

/** Inserts the statement `text` (without its `;`) on its own line after `statement`, at its indentation. */
export function insertStatementAfter(statement: Node, text: string): TextEdit {
  const sourceText = statement.getSourceFile().getFullText();
  const line = `${text}${statementEnd(statement.getSourceFile())}`;
  const indent = indentationAt(sourceText, statement.getStart());
  const lineEnd = endOfLineAfter(sourceText, statement.getEnd());
  if (lineEnd === undefined) return { start: statement.getEnd(), end: statement.getEnd(), newText: ` ${line}` };
  return { start: lineEnd, end: lineEnd, newText: `${newlineOf(sourceText)}${indent}${line}` };
}

/** `;` when most of the file's statements end with one, else nothing. */
export function statementEnd(sourceFile: SourceFile): string {
  const key = sourceFile.compilerNode;
  let end = statementEnds.get(key);
  if (end === undefined) {
    let withSemicolon = 0;
    let without = 0;
    for (const kind of [SyntaxKind.ExpressionStatement, SyntaxKind.VariableStatement, SyntaxKind.ReturnStatement]) {
      for (const statement of sourceFile.getDescendantsOfKind(kind)) {
        if (statement.getText().trimEnd().endsWith(';')) withSemicolon++;
        else without++;
      }
    }
    end = without > withSemicolon ? '' : ';';
    statementEnds.set(key, end);
  }
  return end;
}

const statementEnds = new WeakMap<object, string>();

function leadingCommentStart(statement: Node): number | undefined {
  const comments = statement.getLeadingCommentRanges();
  return comments[0]?.getPos();
}

/** The end of the line `offset` is on, when nothing but spaces or a line comment follows it there. */
function endOfLineAfter(text: string, offset: number): number | undefined {
  const match = /^[ \t]*(\/\/[^\r\n]*)?(?=\r?\n|$)/.exec(text.slice(offset));
  return match ? offset + match[0].length : undefined;
}

function indentUnit(text: string, block: Block): string {
  const base = indentationAt(text, block.getStart());
  const sample = /\n([ \t]+)\S/.exec(text);
  const unit = sample?.[1] ?? '  ';
  return unit.startsWith(base) && unit.length > base.length ? unit.slice(base.length) : unit.includes('\t') ? '\t' : '  ';
}
