/**
 * ESLint rules that look for the same problem as a Preflight rule. A finding
 * under an `eslint-disable…` directive naming one of them has already been
 * looked at by its author: it is reported at hint severity, saying so, instead
 * of being raised again at full severity (see engine/eslint-directives.ts).
 * Keys are ESLint rule ids as written in directives, plugin prefix included;
 * adding an equivalence is a change to this table only.
 */
export const ESLINT_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  // An empty catch block, an empty `.catch(() => {})` handler.
  'no-empty': ['swallowed-error'],
  'no-empty-function': ['swallowed-error'],
  '@typescript-eslint/no-empty-function': ['swallowed-error'],
  'sonarjs/no-ignored-exceptions': ['swallowed-error'],
  // A promise nobody awaits or catches; an async callback where a void one is expected.
  '@typescript-eslint/no-floating-promises': ['floating-promise'],
  '@typescript-eslint/no-misused-promises': ['floating-promise'],
  'promise/catch-or-return': ['floating-promise'],
  // Synchronous I/O (blocking-call-in-handler, in the rule catalogue; the entry waits for it).
  'no-sync': ['blocking-call-in-handler'],
  'n/no-sync': ['blocking-call-in-handler'],
  'node/no-sync': ['blocking-call-in-handler'],
};

/** The Preflight rules an ESLint rule id stands for (none for an unrelated rule). */
export function preflightEquivalentsOf(eslintRuleId: string): readonly string[] {
  return Object.hasOwn(ESLINT_EQUIVALENTS, eslintRuleId) ? ESLINT_EQUIVALENTS[eslintRuleId]! : [];
}

/** The ESLint rules whose directives acknowledge a Preflight rule's findings, for its docs. */
export function eslintEquivalentsFor(preflightRuleId: string): string[] {
  return Object.entries(ESLINT_EQUIVALENTS)
    .filter(([, ids]) => ids.includes(preflightRuleId))
    .map(([eslintRuleId]) => eslintRuleId);
}
