import * as path from 'node:path';
import type { Finding, Range, Severity } from '../engine/finding';
import type { SuppressedFinding } from '../engine/suppression';

/** A finding as the CLI prints it (contracts.md, `--format json`). */
export interface ReportedFinding {
  ruleId: string;
  severity: Severity;
  category: string;
  message: string;
  /** Relative to the current directory, with `/`. */
  file: string;
  /** 1-based; endColumn is one past the last character, as in ESLint and SARIF. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fixes: { title: string }[];
  /** Other places that explain the finding (not in `--format json`). */
  related: ReportedLocation[];
}

/** A 1-based region of the finding's file, with what it shows. */
export interface ReportedRegion {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ReportedLocation extends ReportedRegion {
  message: string;
}

/** A finding a suppression comment holds back (listed in SARIF as suppressed). */
export interface ReportedSuppression {
  finding: ReportedFinding;
  reason?: string;
  comment: ReportedRegion;
}

/** What a `check` run found, before it is formatted. */
export interface CheckReport {
  /** Number of files analysed. */
  files: number;
  findings: ReportedFinding[];
  /** Findings held back by suppression comments, sorted as findings are. */
  suppressed: ReportedSuppression[];
  /** The text of each file with findings, by its reported path (for SARIF fingerprints). */
  sources: Map<string, string>;
  /** Files selected for analysis whose content was not analysed (minified, too large, does not parse, ...). */
  skipped?: SkippedFile[];
}

/** A selected file that was not analysed, by its reported path, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file) || path.basename(file);
  return relative.split(path.sep).join('/');
}

export function regionOf(range: Range): ReportedRegion {
  return { line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

export function toReported(finding: Finding, cwd: string): ReportedFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    category: finding.category,
    message: finding.message,
    file: displayPath(finding.file, cwd),
    ...regionOf(finding.range),
    fixes: finding.fixes.map((fix) => ({ title: fix.title })),
    related: finding.related.map((related) => ({ message: related.message, ...regionOf(related.range) })),
  };
}

export function toReportedSuppression(suppressed: SuppressedFinding, cwd: string): ReportedSuppression {
  return { finding: toReported(suppressed.finding, cwd), reason: suppressed.reason, comment: regionOf(suppressed.comment) };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** By file, line, column, ruleId (contracts.md). */
export function compareReported(a: ReportedFinding, b: ReportedFinding): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.ruleId, b.ruleId);
}

export type SeverityCounts = Record<Severity, number>;

export function countSeverities(findings: readonly ReportedFinding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}
