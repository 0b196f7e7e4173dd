import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Position,
  type Range,
  type SnippetTextEdit,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE, isPreflightDiagnosticData, toDiagnostics, type DiagnosticFix, type PreflightDiagnosticData } from './diagnostics';
import type { AnalysedDocument } from './scheduler';

export const SHOW_RULE_DOCS_COMMAND = 'preflight.showRuleDocs';

/**
 * What the user replaces with the reason the finding is acceptable here. It is
 * a placeholder the suppression checker recognises, so a comment left as
 * inserted is reported as having no reason.
 */
export const SUPPRESSION_REASON_PROMPT = '<why this is safe here>';

export interface CodeActionOptions {
  /** The client applies versioned TextDocumentEdits (rejecting them if the document moved on). */
  documentChanges: boolean;
  /** The client applies snippet edits (LSP 3.18), so the reason prompt can be left selected. */
  snippetEdits?: boolean;
  /** The client creates files from a workspace edit (`resourceOperations` has `create`): fixes that add a module need it. */
  createFiles?: boolean;
}

type PreflightDiagnostic = Omit<Diagnostic, 'data'> & { data: PreflightDiagnosticData };

/**
 * Quick fixes for the Preflight diagnostics in the request: the finding's own
 * fixes, a suppression comment for the line, and the rule's documentation.
 * Uses the diagnostics the client sent; when it sent none of ours, the latest
 * analysis of the document (if it is of the current version).
 */
export function codeActionsFor(
  params: CodeActionParams,
  document: TextDocument,
  analysed: AnalysedDocument | undefined,
  options: CodeActionOptions,
): CodeAction[] {
  if (params.context.only && !params.context.only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const diagnostics = preflightDiagnosticsOf(params, analysed, document.version);
  const fixes: CodeAction[] = [];
  const suppressions: CodeAction[] = [];
  const docs: CodeAction[] = [];
  const seen = new Set<string>();
  const once = (key: string): boolean => !seen.has(key) && Boolean(seen.add(key));

  for (const diagnostic of diagnostics) {
    const { ruleId } = diagnostic.data;
    if (diagnostic.data.version === document.version) {
      diagnostic.data.fixes.forEach((fix, index) => {
        const edit = fixWorkspaceEdit(document, fix, options);
        if (!edit) return;
        fixes.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: index === 0, edit });
      });
    }
    const line = diagnostic.range.start.line;
    if (line < document.lineCount && once(`disable:${ruleId}:${line}`)) {
      suppressions.push({
        title: `Disable ${ruleId} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: suppressionWorkspaceEdit(document, line, ruleId, options),
      });
    }
    if (once(`docs:${ruleId}`)) {
      const title = `Show documentation for ${ruleId}`;
      docs.push({
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title, command: SHOW_RULE_DOCS_COMMAND, arguments: [ruleId] },
      });
    }
  }
  return [...fixes, ...suppressions, ...docs];
}

function preflightDiagnosticsOf(
  params: CodeActionParams,
  analysed: AnalysedDocument | undefined,
  currentVersion: number,
): PreflightDiagnostic[] {
  const fromClient = params.context.diagnostics.filter(
    (diagnostic): diagnostic is PreflightDiagnostic =>
      diagnostic.source === DIAGNOSTIC_SOURCE && isPreflightDiagnosticData(diagnostic.data),
  );
  if (fromClient.length > 0 || !analysed || analysed.version !== currentVersion) return fromClient;
  return toDiagnostics(analysed).filter(
    (diagnostic): diagnostic is PreflightDiagnostic =>
      overlaps(diagnostic.range, params.range) && isPreflightDiagnosticData(diagnostic.data),
  );
}

/** The comment inserted above `line`, indented like it, split around where the reason goes. */
function suppressionCommentAt(document: TextDocument, line: number, ruleId: string): { at: Position; beforeReason: string; afterReason: string } {
  const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indentation = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  const eol = document.getText().includes('\r\n') ? '\r\n' : '\n';
  return { at: { line, character: 0 }, beforeReason: `${indentation}// preflight-disable-next-line ${ruleId} -- `, afterReason: eol };
}

/** `// preflight-disable-next-line <rule> -- <why this is safe here>` above `line`, indented like it. */
export function suppressionEdit(document: TextDocument, line: number, ruleId: string): TextEdit {
  const { at, beforeReason, afterReason } = suppressionCommentAt(document, line, ruleId);
  return { range: { start: at, end: at }, newText: `${beforeReason}${SUPPRESSION_REASON_PROMPT}${afterReason}` };
}

/** The suppression comment; as a snippet with the reason prompt selected where the client takes snippet edits. */
function suppressionWorkspaceEdit(document: TextDocument, line: number, ruleId: string, options: CodeActionOptions): WorkspaceEdit {
  if (!options.documentChanges || !options.snippetEdits) return workspaceEdit(document, [suppressionEdit(document, line, ruleId)], options);
  const { at, beforeReason, afterReason } = suppressionCommentAt(document, line, ruleId);
  const value = `${escapeSnippet(beforeReason)}\${1:${escapeSnippet(SUPPRESSION_REASON_PROMPT)}}${escapeSnippet(afterReason)}`;
  const snippetEdit: SnippetTextEdit = { range: { start: at, end: at }, snippet: { kind: 'snippet', value } };
  return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: [snippetEdit] }] };
}

/**
 * A fix's edits with its placeholder as a snippet tab stop, selected for the
 * user to type over, where the client takes snippet edits; elsewhere the
 * plain edits, whose placeholder text stays in the code (and the rule goes on
 * reporting it) until replaced.
 */
function placeholderWorkspaceEdit(document: TextDocument, edits: TextEdit[], placeholder: string, options: CodeActionOptions): WorkspaceEdit {
  if (!options.documentChanges || !options.snippetEdits) return workspaceEdit(document, edits, options);
  const snippetEdits = edits.map((edit): TextEdit | SnippetTextEdit => {
    const at = edit.newText.indexOf(placeholder);
    if (at === -1) return edit;
    const before = escapeSnippet(edit.newText.slice(0, at));
    const after = escapeSnippet(edit.newText.slice(at + placeholder.length));
    return { range: edit.range, snippet: { kind: 'snippet', value: `${before}\${1:${escapeSnippet(placeholder)}}${after}` } };
  });
  return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: snippetEdits }] };
}

function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (character) => `\\${character}`);
}

/**
 * The workspace edit of a fix. One that changes other files (a dependency in
 * package.json, a helper module it creates) needs versioned document changes,
 * and file creation when it creates one; a client without them is not offered it.
 * A file to create must not exist: the client then rejects the whole edit rather than writing into it.
 */
function fixWorkspaceEdit(document: TextDocument, fix: DiagnosticFix, options: CodeActionOptions): WorkspaceEdit | undefined {
  const files = fix.files ?? [];
  if (files.length === 0) return fix.placeholder ? placeholderWorkspaceEdit(document, fix.edits, fix.placeholder, options) : workspaceEdit(document, fix.edits, options);
  if (!options.documentChanges || (files.some((file) => file.create !== undefined) && !options.createFiles)) return undefined;
  const changes: NonNullable<WorkspaceEdit['documentChanges']> = [{ textDocument: { uri: document.uri, version: document.version }, edits: fix.edits }];
  for (const file of files) {
    if (file.create !== undefined) {
      changes.push({ kind: 'create', uri: file.uri, options: { overwrite: false, ignoreIfExists: false } });
      changes.push({ textDocument: { uri: file.uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.create }] });
    }
    if (file.edits) changes.push({ textDocument: { uri: file.uri, version: null }, edits: file.edits });
  }
  return { documentChanges: changes };
}

export function workspaceEdit(document: TextDocument, edits: TextEdit[], options: CodeActionOptions): WorkspaceEdit {
  if (options.documentChanges) {
    return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits }] };
  }
  return { changes: { [document.uri]: edits } };
}

function overlaps(a: Range, b: Range): boolean {
  return !isBefore(a.end, b.start) && !isBefore(b.end, a.start);
}

function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
