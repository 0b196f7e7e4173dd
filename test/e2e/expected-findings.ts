// What Preflight must report on the fixture workspace (test/e2e/fixtures/workspace), whichever
// client asks: VS Code (dev and installed .vsix) and Neovim. Everything else in those files is a
// near miss that must stay unflagged (a fetch with a signal, a catch that logs, a `void`-ed call).

export interface ExpectedFinding {
  ruleId: string;
  /** 0-based, as in LSP and `vscode.Range`. */
  line: number;
  /** The source text the diagnostic's range covers: the smallest node that names the problem (a call's callee). */
  text: string;
}

export const EXPECTED_FINDINGS: Readonly<Record<string, readonly ExpectedFinding[]>> = {
  'src/orders.ts': [
    { ruleId: 'missing-timeout', line: 8, text: 'fetch' },
    { ruleId: 'swallowed-error', line: 23, text: 'catch' },
    { ruleId: 'floating-promise', line: 37, text: 'saveOrder' },
  ],
  'src/billing.ts': [{ ruleId: 'missing-timeout', line: 3, text: 'axios.create' }],
  'services/rates/src/rates.ts': [{ ruleId: 'missing-retry', line: 7, text: 'axios.get' }],
  'src/profile.js': [
    { ruleId: 'missing-timeout', line: 2, text: 'fetch' },
    { ruleId: 'swallowed-error', line: 9, text: 'catch' },
    { ruleId: 'floating-promise', line: 14, text: 'fetchProfile' },
  ],
};

/** A finding as "line:rule-id `text`", so that a failed comparison reads as a list of findings. */
export function describeFinding(finding: ExpectedFinding): string {
  return `${finding.line}:${finding.ruleId} \`${finding.text}\``;
}

/** Findings in a stable order: by line, then rule id. */
export function sortedFindings(findings: readonly ExpectedFinding[]): ExpectedFinding[] {
  return [...findings].sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}
