import { Node, SyntaxKind } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { indentationAt, newlineOf } from './layout';
import { statementEnd } from './insert-statement';

export interface StatementWrap {
  /** The run of statements, in order, consecutive in one block. */
  statements: readonly Node[];
  /** What opens the callback, up to its `{`: `await prisma.$transaction(async (tx) =>`. */
  opening: string;
  /** Replacements inside the run (a client renamed to the callback's parameter), as offsets in the file. */
  replacements: readonly TextEdit[];
  /** Return the callback's value (`return await ...`): the run ends the function and returns from inside. */
  returnsValue: boolean;
}

/**
 * Moves a run of statements into the body of a callback:
 *
 * ```ts
 * await a();            await prisma.$transaction(async (tx) => {
 * await b();     →        await a();
 *                         await b();
 *                       });
 * ```
 *
 * The statements move one indentation level in, in the file's own line breaks, indentation and
 * statement ends. Undefined when a line of theirs belongs to a multi-line template literal or string,
 * whose text would change with the indentation.
 */
export function wrapStatementsInCallback(wrap: StatementWrap): TextEdit | undefined {
  const first = wrap.statements[0];
  const last = wrap.statements[wrap.statements.length - 1];
  if (!first || !last || spansLinesOfALiteral(wrap.statements)) return undefined;
  const sourceFile = first.getSourceFile();
  const text = sourceFile.getFullText();
  const start = first.getStart();
  const end = last.getEnd();
  const replacements = [...wrap.replacements].filter((edit) => edit.start >= start && edit.end <= end).sort((a, b) => b.start - a.start);
  let body = text.slice(start, end);
  for (const edit of replacements) body = body.slice(0, edit.start - start) + edit.newText + body.slice(edit.end - start);
  const newline = newlineOf(text);
  const indent = indentationAt(text, start);
  const unit = indentUnit(first, indent);
  const moved = body
    .split(/\r?\n/)
    .map((line, index) => (index === 0 ? `${indent}${unit}${line}` : line.trim() === '' ? line : `${unit}${line}`))
    .join(newline);
  const prefix = wrap.returnsValue ? 'return ' : '';
  const newText = `${prefix}${wrap.opening} {${newline}${moved}${newline}${indent}})${statementEnd(sourceFile)}`;
  return { start, end, newText };
}

/** The indentation one level deeper than `indent`: the step the enclosing block's statements take. */
function indentUnit(statement: Node, indent: string): string {
  const text = statement.getSourceFile().getFullText();
  const block = statement.getParent();
  if (block && Node.isBlock(block)) {
    const outer = indentationAt(text, block.getStart());
    if (indent.startsWith(outer) && indent.length > outer.length) return indent.slice(outer.length);
  }
  return indent.includes('\t') ? '\t' : '  ';
}

function spansLinesOfALiteral(statements: readonly Node[]): boolean {
  return statements.some((statement) =>
    [SyntaxKind.NoSubstitutionTemplateLiteral, SyntaxKind.TemplateExpression, SyntaxKind.StringLiteral].some((kind) =>
      statement.getDescendantsOfKind(kind).some((literal) => literal.getText().includes('\n')),
    ),
  );
}
