import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver/node';
import type { Finding } from '../engine/finding';
import { findRule } from '../rules';
import { ruleDocUrl } from '../docs/links';
import type { AnalysedDocument } from './scheduler';

/** The hover for a position: every finding whose range holds it, or null off findings. */
export function hoverAt(analysed: AnalysedDocument, position: Position): Hover | null {
  const findings = analysed.findings.filter((finding) => contains(finding.range, position));
  if (findings.length === 0) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: findings.map(describeFinding).join('\n\n---\n\n') },
    range: findings[0].range,
  };
}

export function contains(range: Range, position: Position): boolean {
  const afterStart =
    position.line > range.start.line ||
    (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd =
    position.line < range.end.line || (position.line === range.end.line && position.character < range.end.character);
  const isEmptyRangeAt =
    range.start.line === range.end.line &&
    range.start.character === range.end.character &&
    position.line === range.start.line &&
    position.character === range.start.character;
  return (afterStart && beforeEnd) || isEmptyRangeAt;
}

function describeFinding(finding: Finding): string {
  const meta = findRule(finding.ruleId)?.meta;
  const parts = [
    `**${escapeMarkdown(meta?.title ?? finding.ruleId)}** · \`${finding.ruleId}\` (${finding.severity})`,
    escapeMarkdown(finding.message),
  ];
  if (meta?.explanation) parts.push(`**How this fails in production**\n\n${meta.explanation}`);
  if (meta?.fix) parts.push(`**How to fix it**\n\n${meta.fix}`);
  parts.push(`[Rule documentation: ${finding.ruleId}](${ruleDocUrl(finding.ruleId)})`);
  return parts.join('\n\n');
}

/** Finding messages are plain text that quote code; keep `*`, `_` and brackets literal. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_[\]<>])/g, '\\$1');
}
