import type { CheckReport } from './report';

/** Exactly one JSON document (contracts.md, `--format json`). */
export function formatJson(report: CheckReport, version: string): string {
  const findings = report.findings.map(({ related: _related, ...finding }) => finding);
  const skipped = report.skipped ?? [];
  // `skipped` appears only when files were not analysed, so the usual document keeps the contract's four keys.
  const document = { tool: 'preflight', version, files: report.files, findings, ...(skipped.length > 0 ? { skipped } : {}) };
  return `${JSON.stringify(document, null, 2)}\n`;
}
