import { createRule } from './rule';

export const swallowedError = createRule({
  meta: {
    id: 'swallowed-error',
    title: 'Caught error is swallowed',
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
