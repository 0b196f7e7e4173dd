import type { RuleMeta } from '../rules/rule';

/** At most this many sentences of "why it fails in production", and lines of "how to fix it", where space is short (hovers). */
export const SHORT_FORM_LIMIT = 3;

/** Why the rule's findings fail in production, in at most three sentences: `summary`, else the explanation's first sentences. */
export function ruleSummary(meta: Pick<RuleMeta, 'summary' | 'explanation'>): string {
  if (meta.summary) return meta.summary.trim();
  const firstParagraph = meta.explanation.trim().split(/\n\s*\n/)[0]!.replace(/\s*\n\s*/g, ' ');
  return sentences(firstParagraph).slice(0, SHORT_FORM_LIMIT).join(' ');
}

/** The fix in at most three lines: `shortFix`, else the fix's first lines. */
export function ruleShortFix(meta: Pick<RuleMeta, 'shortFix' | 'fix'>): string[] {
  const text = meta.shortFix ?? meta.fix;
  return text
    .split('\n')
    .map((line) => line.trim().replace(/^[-*]\s+/, ''))
    .filter((line) => line.length > 0)
    .slice(0, SHORT_FORM_LIMIT);
}

/** Prose split after `.`, `!` or `?` followed by a space; code spans are kept whole. */
export function sentences(text: string): string[] {
  const found: string[] = [];
  let start = 0;
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '`') inCode = !inCode;
    if (!inCode && (char === '.' || char === '!' || char === '?') && (i + 1 === text.length || /\s/.test(text[i + 1]!))) {
      found.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  const rest = text.slice(start).trim();
  if (rest) found.push(rest);
  return found;
}
