import type { Finding, TextEdit } from './finding';

function touches(a: TextEdit, b: TextEdit): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * The edits of every fix in the file that is safe to batch (Fix.batchable): the
 * first such fix of each finding, in document order. A fix whose edits touch
 * text an earlier accepted fix changes is left out whole (the same fix for two
 * findings, a fix inside another's replacement), so no text is edited twice and
 * the result is what applying the accepted fixes one by one would give.
 */
export function batchableEdits(findings: readonly Finding[]): TextEdit[] {
  const inOrder = [...findings].sort((a, b) => a.startOffset - b.startOffset || a.ruleId.localeCompare(b.ruleId));
  const accepted: TextEdit[] = [];
  for (const finding of inOrder) {
    const fix = finding.fixes.find((candidate) => candidate.batchable === true && !candidate.files?.length);
    if (!fix || fix.edits.some((edit) => accepted.some((taken) => touches(edit, taken)))) continue;
    accepted.push(...fix.edits);
  }
  return accepted.sort((a, b) => a.start - b.start);
}
