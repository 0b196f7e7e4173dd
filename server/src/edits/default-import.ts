import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { statementEnd } from './insert-statement';
import { newlineOf } from './layout';
import { importDeclarationsOf } from '../facts/syntax';

/**
 * Brings in `module`'s default export as `localName`, in the file's module
 * style: `import localName from 'module'` after the last import of an ES
 * module, `const localName = require('module')` after the last top-level
 * require of a CommonJS one, quoted as the file quotes its module specifiers.
 */
export function addDefaultImport(sourceFile: SourceFile, localName: string, module: string): TextEdit {
  return addImportStatement(sourceFile, (quoted) => ({ esm: `import ${localName} from ${quoted}`, commonJs: `const ${localName} = require(${quoted})` }), module);
}

/**
 * Adds the import statement `write` gives for `module` (quoted as the file
 * quotes its specifiers), in the file's module style: after the last import
 * of an ES module, after the last top-level require of a CommonJS one, or at
 * the top after any directives.
 */
export function addImportStatement(sourceFile: SourceFile, write: (quotedModule: string) => { esm: string; commonJs: string }, module: string): TextEdit {
  const text = sourceFile.getFullText();
  const newline = newlineOf(text);
  const end = statementEnd(sourceFile);
  const quote = specifierQuote(sourceFile);
  const commonJs = isCommonJs(sourceFile);
  const written = write(`${quote}${module}${quote}`);
  const line = `${commonJs ? written.commonJs : written.esm}${end}`;
  const after = commonJs ? lastTopLevelRequire(sourceFile) : importDeclarationsOf(sourceFile).at(-1);
  if (after) return { start: after.getEnd(), end: after.getEnd(), newText: `${newline}${line}` };
  const first = firstStatementAfterDirectives(sourceFile);
  const start = first ? first.getStart() : text.length;
  return { start, end: start, newText: `${line}${newline}${first ? newline : ''}` };
}

/** The file is a CommonJS module: no `import` declarations, and a `.cjs`/`.cts` name, a top-level require or `module.exports`. */
export function isCommonJs(sourceFile: SourceFile): boolean {
  if (importDeclarationsOf(sourceFile).length > 0) return false;
  if (/\.c[jt]s$/.test(sourceFile.getFilePath())) return true;
  return lastTopLevelRequire(sourceFile) !== undefined || /\bmodule\.exports\b|\bexports\.\w+\s*=/.test(sourceFile.getFullText());
}

function lastTopLevelRequire(sourceFile: SourceFile): Node | undefined {
  return sourceFile
    .getStatements()
    .filter((statement) => Node.isVariableStatement(statement) && statement.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => call.getExpression().getText() === 'require'))
    .at(-1);
}

function specifierQuote(sourceFile: SourceFile): string {
  const specifiers = [
    ...importDeclarationsOf(sourceFile).map((declaration) => declaration.getModuleSpecifier().getText()),
    ...sourceFile
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((call) => call.getExpression().getText() === 'require')
      .map((call) => call.getArguments()[0]?.getText() ?? ''),
  ];
  const double = specifiers.filter((specifier) => specifier.startsWith('"')).length;
  return double > specifiers.length - double ? '"' : "'";
}

/** The first statement that is not a `'use strict'`-style directive (a shebang is trivia, before every statement). */
function firstStatementAfterDirectives(sourceFile: SourceFile): Node | undefined {
  const statements = sourceFile.getStatements();
  const index = statements.findIndex((statement) => !(Node.isExpressionStatement(statement) && Node.isStringLiteral(statement.getExpression())));
  return index === -1 ? undefined : statements[index];
}
