import type { CheckReport } from './report';

/** Exactly one JSON document (contracts.md, `--format json`). */
export function formatJson(report: CheckReport, version: string): string {
  const findings = report.findings.map(({ related: _related, ...finding }) => finding);
  const document = { tool: 'preflight', version, files: report.files, findings };
  return `${JSON.stringify(document, null, 2)}\n`;
}
