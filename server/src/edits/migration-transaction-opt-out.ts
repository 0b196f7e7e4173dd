/**
 * Edits that take a JS/TS migration out of its tool's transaction, so that
 * CONCURRENTLY can run: knex's `config = { transaction: false }` export,
 * TypeORM's `transaction = false` property, MikroORM's `isTransactional()`.
 */
import { Node, SyntaxKind, type ClassDeclaration, type SourceFile } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { isCommonJs } from './default-import';
import { indentationAt, newlineOf } from './layout';
import { statementEnd } from './insert-statement';
import { addObjectProperty } from './object-literal-property';

/** knex: `exports.config = { transaction: false }` (or `export const config`), or the property added to an existing config. */
export function knexTransactionOptOut(sourceFile: SourceFile, existingConfig: Node | undefined): TextEdit[] {
  if (existingConfig && Node.isObjectLiteralExpression(existingConfig)) return addObjectProperty(existingConfig, 'transaction: false');
  const text = sourceFile.getFullText();
  const newline = newlineOf(text);
  const line = isCommonJs(sourceFile) ? 'exports.config = { transaction: false }' : 'export const config = { transaction: false }';
  const trailing = text.endsWith('\n') ? '' : newline;
  return [{ start: text.length, end: text.length, newText: `${trailing}${newline}${line}${statementEnd(sourceFile)}${newline}` }];
}

/** A class member written as the first member of `declaration`, at the members' indentation. */
function firstClassMember(declaration: ClassDeclaration, member: string): TextEdit[] {
  const text = declaration.getSourceFile().getFullText();
  const newline = newlineOf(text);
  const open = declaration.getFirstChildByKind(SyntaxKind.OpenBraceToken);
  if (!open) return [];
  const first = declaration.getMembers()[0];
  const indent = first ? indentationAt(text, first.getStart()) : `${indentationAt(text, declaration.getStart())}  `;
  const lines = member.split('\n').map((line) => `${indent}${line}`).join(newline);
  const sameLine = !text.slice(open.getEnd(), first ? first.getStart() : open.getEnd() + 1).includes('\n');
  return [{ start: open.getEnd(), end: open.getEnd(), newText: `${newline}${lines}${sameLine ? newline : ''}` }];
}

/** TypeORM: `transaction = false` as the class's first member. */
export function typeormTransactionOptOut(declaration: ClassDeclaration): TextEdit[] {
  return firstClassMember(declaration, `transaction = false${statementEnd(declaration.getSourceFile())}`);
}

/** MikroORM: `isTransactional()` returning false, as the class's first member. */
export function mikroOrmTransactionOptOut(declaration: ClassDeclaration): TextEdit[] {
  const sourceFile = declaration.getSourceFile();
  const typed = /\.[cm]?tsx?$/.test(sourceFile.getFilePath()) ? ': boolean' : '';
  return firstClassMember(declaration, `isTransactional()${typed} {\n  return false${statementEnd(sourceFile)}\n}`);
}
