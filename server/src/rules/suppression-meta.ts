import { createRule } from './rule';

/*
 * Findings about suppression comments themselves. They are produced by
 * engine/suppression.ts while it applies the comments, so these rules only
 * carry metadata (docs, hover, config, schema) and check nothing on their own.
 */

export const suppressionWithoutReason = createRule({
  meta: {
    id: 'suppression-without-reason',
    title: 'Suppression comment without a reason',
    category: 'preflight',
    defaultSeverity: 'info',
    summary:
      'A `preflight-disable` comment switches off a production-readiness check, and months later nobody remembers why. ' +
      'Without a written reason a reviewer cannot tell a considered decision from a silenced warning.',
    shortFix: 'Write the reason after ` -- `: `// preflight-disable-next-line missing-timeout -- upstream is in-cluster, 50ms p99`.\nAdd `(until YYYY-MM-DD)` when the exception is temporary.',
    explanation:
      'A `preflight-disable` comment switches off a production-readiness check. Months later nobody remembers why: ' +
      'was the upstream really in-cluster, was the swallowed error really harmless, or was it a Friday-evening shortcut? ' +
      'Without a written reason a reviewer cannot tell a considered decision from a silenced warning, and the risk ' +
      'stays in the code long after the circumstances that justified it have changed.',
    fix:
      'Write the reason after ` -- ` in the same comment, for example ' +
      '`// preflight-disable-next-line missing-timeout -- upstream is in-cluster, 50ms p99`. ' +
      'When the exception is temporary, add an expiry date: `-- migrating in OPS-123 (until 2027-03-31)`; ' +
      'after that date the finding comes back by itself.',
    notFlagged: ['Suppression comments that give a reason after `--`, with or without an `(until YYYY-MM-DD)` date.'],
    examples: [
      {
        bad: '// preflight-disable-next-line missing-timeout\nconst res = await fetch(url);',
        good: '// preflight-disable-next-line missing-timeout -- in-cluster sidecar, 50ms p99\nconst res = await fetch(url);',
      },
    ],
  },
  create() {
    // Reported by engine/suppression.ts.
    return {};
  },
});

export const unknownRuleInSuppression = createRule({
  meta: {
    id: 'unknown-rule-in-suppression',
    title: 'Suppression comment names a rule that does not exist',
    category: 'preflight',
    defaultSeverity: 'warning',
    summary:
      'A suppression comment with a misspelt or removed rule id suppresses nothing: the finding it was meant to silence is still there, or the comment makes readers believe a risk was reviewed.',
    shortFix: 'Correct the rule id (`preflight rules` lists them), or remove the comment; put the reason after ` -- `.',
    explanation:
      'A suppression comment with a misspelt or removed rule id suppresses nothing, so the finding it was meant to ' +
      'silence is still there, or the comment is dead weight that makes readers believe a risk was reviewed. ' +
      'A reason written without the `--` separator is read as more rule ids and ends up here too.',
    fix:
      'Correct the rule id (run `preflight rules` for the list), or remove the comment if the rule no longer exists. ' +
      'Put the reason after ` -- `.',
    notFlagged: ['Ids of rules that Preflight ships, separated by commas or spaces.'],
    examples: [
      {
        bad: '// preflight-disable-next-line missing-timout -- in-cluster sidecar\nconst res = await fetch(url);',
        good: '// preflight-disable-next-line missing-timeout -- in-cluster sidecar\nconst res = await fetch(url);',
      },
    ],
  },
  create() {
    // Reported by engine/suppression.ts.
    return {};
  },
});

export const invalidSuppressionDate = createRule({
  meta: {
    id: 'invalid-suppression-date',
    title: 'Suppression comment with an expiry date that is not a real date',
    category: 'preflight',
    defaultSeverity: 'warning',
    summary:
      'An `(until ...)` date that is not a real `YYYY-MM-DD` date (`2027-02-30`, `2027-3-31`) never expires: the temporary exception silently becomes permanent.',
    shortFix: 'Write the date as a real `YYYY-MM-DD` date with two-digit month and day: `(until 2027-03-31)`.',
    explanation:
      'A suppression with `(until YYYY-MM-DD)` is meant to be temporary: past that date the finding comes back by itself. ' +
      'A date that does not exist (`2027-02-30`), or one written in another form (`2027-3-31`, `31/03/2027`), cannot be compared ' +
      'with today, so the suppression would never expire and nobody would be told.',
    fix: 'Write the expiry as a real calendar date in `YYYY-MM-DD` form, with two-digit month and day: `-- migrating in OPS-123 (until 2027-03-31)`.',
    notFlagged: ['`(until YYYY-MM-DD)` with a date that exists, such as `(until 2028-02-29)`.'],
    examples: [
      {
        bad: '// preflight-disable-next-line missing-timeout -- migrating (until 2027-3-31)\nconst res = await fetch(url);',
        good: '// preflight-disable-next-line missing-timeout -- migrating (until 2027-03-31)\nconst res = await fetch(url);',
      },
    ],
  },
  create() {
    // Reported by engine/suppression.ts.
    return {};
  },
});

export const suppressionMetaRules = [suppressionWithoutReason, unknownRuleInSuppression, invalidSuppressionDate];
