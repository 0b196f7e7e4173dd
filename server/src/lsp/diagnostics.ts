import * as fs from 'node:fs';
import {
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileChange, Finding, Severity, TextEdit } from '../engine/finding';
import { pathToFileUri } from './paths';
import type { ChecklistFinding } from '../checklist/types';
import type { ConfigProblem } from '../config/load';
import { ruleDocUrl } from '../docs/links';
import type { AnalysedDocument } from './scheduler';
import { readRegularFileSync } from '../workspace/regular-file';

export const DIAGNOSTIC_SOURCE = 'preflight';

/** What a Preflight diagnostic carries for its code actions, so that they need no other state. */
export interface PreflightDiagnosticData {
  ruleId: string;
  /** The document version the diagnostic (and its fixes' ranges) belong to. */
  version: number;
  fixes: DiagnosticFix[];
}

/** A fix as its code action needs it: LSP edits of the document, and of the other files it changes. */
export interface DiagnosticFix {
  title: string;
  edits: LspTextEdit[];
  /** Files other than the document: created with `create`, or edited (ranges in their text when the analysis ran). */
  files?: FileChangeData[];
  /** Text in the edits the user must replace (selected as a snippet tab stop where the client takes snippets). */
  placeholder?: string;
}

export interface FileChangeData {
  uri: string;
  create?: string;
  edits?: LspTextEdit[];
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostics(analysed: AnalysedDocument): Diagnostic[] {
  let snapshot: TextDocument | undefined;
  const analysedText = (): TextDocument =>
    (snapshot ??= TextDocument.create(analysed.uri, analysed.languageId, analysed.version, analysed.text));
  return analysed.findings.map((finding) => toDiagnostic(finding, analysed, analysedText));
}

function toDiagnostic(finding: Finding, analysed: AnalysedDocument, analysedText: () => TextDocument): Diagnostic {
  const data: PreflightDiagnosticData = {
    ruleId: finding.ruleId,
    version: analysed.version,
    fixes: finding.fixes.flatMap((fix): DiagnosticFix[] => {
      const files = (fix.files ?? []).map(toFileChange);
      // A file the fix edits that cannot be read now: its edits could land in the wrong places.
      if (files.some((file) => file === undefined)) return [];
      return [{ title: fix.title, edits: lspEdits(analysedText(), fix.edits), ...(files.length > 0 ? { files: files as FileChangeData[] } : {}), ...(fix.placeholder ? { placeholder: fix.placeholder } : {}) }];
    }),
  };
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITIES[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: { href: ruleDocUrl(finding.ruleId) },
    message: finding.message,
    data,
  };
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map(
      (related): DiagnosticRelatedInformation => ({
        location: { uri: analysed.uri, range: related.range },
        message: related.message,
      }),
    );
  }
  return diagnostic;
}

function lspEdits(text: TextDocument, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((edit) => ({ range: { start: text.positionAt(edit.start), end: text.positionAt(edit.end) }, newText: edit.newText }));
}

/** A fix's change to another file, its offsets turned into positions in that file's text on disk (which the analysis read). */
function toFileChange(change: FileChange): FileChangeData | undefined {
  const uri = pathToFileUri(change.file);
  if (!change.edits) return { uri, create: change.create };
  let text: string;
  try {
    text = readRegularFileSync(change.file);
  } catch {
    return undefined;
  }
  return { uri, ...(change.create !== undefined ? { create: change.create } : {}), edits: lspEdits(TextDocument.create(uri, 'json', 0, text), change.edits) };
}

/**
 * A checklist scan's finding in a file that is not open. It has no fix data:
 * opening the file analyses it again, and that analysis offers the fixes.
 */
export function scanFindingDiagnostic(finding: ChecklistFinding): Diagnostic {
  return {
    range: {
      start: { line: finding.line - 1, character: finding.column - 1 },
      end: { line: finding.endLine - 1, character: finding.endColumn - 1 },
    },
    severity: SEVERITIES[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: { href: ruleDocUrl(finding.ruleId) },
    message: finding.message,
  };
}

export function isPreflightDiagnosticData(value: unknown): value is PreflightDiagnosticData {
  if (typeof value !== 'object' || value === null) return false;
  const data = value as Partial<PreflightDiagnosticData>;
  return typeof data.ruleId === 'string' && typeof data.version === 'number' && Array.isArray(data.fixes);
}

/** One error diagnostic per config problem, spanning the rest of the offending line. */
export function configProblemDiagnostics(problems: readonly ConfigProblem[]): Diagnostic[] {
  const linesByFile = new Map<string, string[]>();
  const linesOf = (file: string): string[] => {
    let lines = linesByFile.get(file);
    if (!lines) {
      try {
        lines = readRegularFileSync(file).split(/\r?\n/);
      } catch {
        lines = [];
      }
      linesByFile.set(file, lines);
    }
    return lines;
  };
  return problems.map((problem) => {
    const lineText = linesOf(problem.file)[problem.line] ?? '';
    const endCharacter = Math.max(problem.character + 1, lineText.trimEnd().length);
    return {
      range: {
        start: { line: problem.line, character: problem.character },
        end: { line: problem.line, character: endCharacter },
      },
      severity: DiagnosticSeverity.Error,
      source: DIAGNOSTIC_SOURCE,
      message: problem.message,
    };
  });
}
