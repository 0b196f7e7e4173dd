import { createRule } from './rule';

export const missingTimeout = createRule({
  meta: {
    id: 'missing-timeout',
    title: 'Outbound HTTP call without a timeout',
    category: 'resilience',
    defaultSeverity: 'warning',
    explanation: 'TODO',
    fix: 'TODO',
    examples: [],
  },
  check() {
    // TODO: implement to rules.md
  },
});
