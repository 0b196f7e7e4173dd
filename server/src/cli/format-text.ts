import type { CheckReport, ReportedFinding } from './report';
import { countSeverities } from './report';

const COLORS = { red: 31, yellow: 33, blue: 34, gray: 90, green: 32, bold: 1, underline: 4 } as const;
type Color = keyof typeof COLORS;

function painter(enabled: boolean) {
  return (color: Color, text: string) => (enabled ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text);
}

const SEVERITY_COLOR: Record<ReportedFinding['severity'], Color> = { error: 'red', warning: 'yellow', info: 'blue', hint: 'gray' };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Findings grouped by file, one aligned line each, then a summary (like ESLint's "stylish"). */
export function formatText(report: CheckReport, options: { color: boolean }): string {
  const paint = painter(options.color);
  const byFile = new Map<string, ReportedFinding[]>();
  for (const finding of report.findings) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  const out: string[] = [];
  for (const [file, findings] of byFile) {
    out.push(paint('underline', file));
    const positions = findings.map((f) => `${f.line}:${f.column}`);
    const positionWidth = Math.max(...positions.map((p) => p.length));
    const severityWidth = Math.max(...findings.map((f) => f.severity.length));
    const messageWidth = Math.max(...findings.map((f) => f.message.length));
    findings.forEach((finding, i) => {
      const severity = paint(SEVERITY_COLOR[finding.severity], finding.severity.padEnd(severityWidth));
      const message = finding.message.padEnd(messageWidth);
      out.push(`  ${paint('gray', positions[i]!.padEnd(positionWidth))}  ${severity}  ${message}  ${paint('gray', finding.ruleId)}`);
    });
    out.push('');
  }
  for (const { file, reason } of report.skipped ?? []) out.push(`${paint('underline', file)}: ${paint('yellow', `skipped (${reason})`)}`);
  if ((report.skipped ?? []).length > 0) out.push('');
  const counts = countSeverities(report.findings);
  const total = report.findings.length;
  const filesChecked = `${plural(report.files, 'file')} checked`;
  if (total === 0) {
    out.push(paint('green', `\u2714 No problems found (${filesChecked}).`));
  } else {
    const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
    if (counts.info) parts.push(`${counts.info} info`);
    if (counts.hint) parts.push(plural(counts.hint, 'hint'));
    const color: Color = counts.error ? 'red' : counts.warning ? 'yellow' : 'blue';
    out.push(paint(color, paint('bold', `\u2716 ${plural(total, 'problem')} (${parts.join(", ")}), ${filesChecked}.`)));
  }
  return `${out.join('\n')}\n`;
}
