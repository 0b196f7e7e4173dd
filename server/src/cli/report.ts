import * as path from 'node:path';
import type { Finding, Severity } from '../engine/finding';

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
}

/** What a `check` run found, before it is formatted. */
export interface CheckReport {
  /** Number of files analysed. */
  files: number;
  findings: ReportedFinding[];
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

export function toReported(finding: Finding, cwd: string): ReportedFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    category: finding.category,
    message: finding.message,
    file: displayPath(finding.file, cwd),
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    endLine: finding.range.end.line + 1,
    endColumn: finding.range.end.character + 1,
    fixes: finding.fixes.map((fix) => ({ title: fix.title })),
  };
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
