import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver/node';
import type { Finding } from '../engine/finding';
import { findRule } from '../rules';
import { ruleDocUrl } from '../docs/links';
import { ruleShortFix, ruleSummary } from '../docs/short-form';
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

/**
 * One finding, short enough to read at a glance: the message once, why it
 * fails in production (at most three sentences), the fix (at most three
 * lines), and a link to the rule's full story. All but the message come from
 * the rule's metadata, as its docs do.
 */
function describeFinding(finding: Finding): string {
  const meta = findRule(finding.ruleId)?.meta;
  const parts = [`${escapeMarkdown(finding.message)} \`${finding.ruleId}\``];
  if (meta) {
    parts.push(`**Why it fails in production:** ${ruleSummary(meta)}`);
    parts.push(`**Fix:**\n${ruleShortFix(meta).map((line) => `- ${line}`).join('\n')}`);
  }
  parts.push(`[${meta ? escapeMarkdown(meta.title) : finding.ruleId}: the full story](${ruleDocUrl(finding.ruleId)})`);
  return parts.join('\n\n');
}

/** Finding messages are plain text that quote code; keep `*`, `_` and brackets literal. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_[\]<>])/g, '\\$1');
}
