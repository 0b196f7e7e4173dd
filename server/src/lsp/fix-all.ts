import type { CodeAction } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { batchableEdits } from '../engine/fix-all';
import { workspaceEdit, type CodeActionOptions } from './code-actions';
import type { AnalysedDocument } from './scheduler';

/** The code action kind of "fix everything safe in this file" (for `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.preflight';

/** Whether a request's `only` asks for the fix-all action: a kind it falls under (`source`, `source.fixAll`, itself). */
export function wantsFixAll(only: readonly string[] | undefined): boolean {
  return only !== undefined && only.some((kind) => FIX_ALL_KIND === kind || FIX_ALL_KIND.startsWith(`${kind}.`));
}

/**
 * One action applying, in one WorkspaceEdit, every batchable fix of the
 * analysis (which must be of the document's current version); undefined when
 * there is nothing to fix.
 */
export function fixAllAction(document: TextDocument, analysed: AnalysedDocument, options: CodeActionOptions): CodeAction | undefined {
  const edits = batchableEdits(analysed.findings);
  if (edits.length === 0) return undefined;
  const analysedText = TextDocument.create(analysed.uri, analysed.languageId, analysed.version, analysed.text);
  const lspEdits = edits.map((edit) => ({
    range: { start: analysedText.positionAt(edit.start), end: analysedText.positionAt(edit.end) },
    newText: edit.newText,
  }));
  return { title: 'Fix all safe Preflight problems', kind: FIX_ALL_KIND, edit: workspaceEdit(document, lspEdits, options) };
}
