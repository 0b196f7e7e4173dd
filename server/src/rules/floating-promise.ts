import { createRule } from './rule';

export const floatingPromise = createRule({
  meta: {
    id: 'floating-promise',
    title: 'Promise rejection is never handled',
    category: 'error-handling',
    defaultSeverity: 'warning',
    explanation: 'TODO',
    fix: 'TODO',
    examples: [],
  },
  check() {
    // TODO: implement to rules.md
  },
});
