import * as fs from 'node:fs';
import {
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity } from '../engine/finding';
import type { ChecklistFinding } from '../checklist/types';
import type { ConfigProblem } from '../config/load';
import { ruleDocUrl } from '../docs/links';
import type { AnalysedDocument } from './scheduler';

export const DIAGNOSTIC_SOURCE = 'preflight';

/** What a Preflight diagnostic carries for its code actions, so that they need no other state. */
export interface PreflightDiagnosticData {
  ruleId: string;
  /** The document version the diagnostic (and its fixes' ranges) belong to. */
  version: number;
  fixes: { title: string; edits: LspTextEdit[]; placeholder?: string }[];
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
    fixes: finding.fixes.map((fix) => ({
      title: fix.title,
      edits: fix.edits.map((edit) => ({
        range: { start: analysedText().positionAt(edit.start), end: analysedText().positionAt(edit.end) },
        newText: edit.newText,
      })),
      ...(fix.placeholder ? { placeholder: fix.placeholder } : {}),
    })),
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
        lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
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
