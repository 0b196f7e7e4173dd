import type { Rule } from '../rules/rule';
import { ruleSummary } from '../docs/short-form';

const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'];
const SEVERITY_DESCRIPTIONS = [
  'Will break or leak in production.',
  'Likely to fail under load or faults.',
  'A gap a reviewer should decide on.',
  'A suggestion, shown faintly.',
  'The rule does not run.',
];

function ruleProperty(rule: Rule): Record<string, unknown> {
  const { meta } = rule;
  const summary = `${meta.title} (${meta.category}, default: ${meta.defaultSeverity}).`;
  return {
    description: summary,
    markdownDescription: `**${meta.title}** — category \`${meta.category}\`, default \`${meta.defaultSeverity}\`.\n\n${ruleSummary(meta)}`,
    allOf: [meta.options && meta.options.length > 0 ? settingWithOptions(rule) : { $ref: '#/definitions/ruleSetting' }],
  };
}

/** The schema of a rule's options object: the options its metadata declares, or any object when it declares none. */
export function ruleOptionsSchema(rule: Rule): Record<string, unknown> {
  const options = rule.meta.options ?? [];
  if (options.length === 0) return { type: 'object' };
  const properties: Record<string, unknown> = {};
  for (const option of options) {
    properties[option.name] = { description: option.description, type: option.type, default: option.default, ...(option.minimum !== undefined ? { minimum: option.minimum } : {}), ...(option.maximum !== undefined ? { maximum: option.maximum } : {}) };
  }
  return { type: 'object', description: `Options of ${rule.meta.id}.`, additionalProperties: false, properties };
}

/** A rule's setting: a severity, or `[severity, <options>]` with the options schema given. */
function severityOrPair(options: Record<string, unknown>): Record<string, unknown> {
  return {
    anyOf: [
      { $ref: '#/definitions/severity' },
      { type: 'array', description: '[severity, { options }]', minItems: 1, maxItems: 2, items: [{ $ref: '#/definitions/severity' }, options] },
    ],
  };
}

/** A rule that declares options: a severity, or `[severity, { <its options> }]`. */
function settingWithOptions(rule: Rule): Record<string, unknown> {
  return severityOrPair(ruleOptionsSchema(rule));
}

/** The JSON schema of preflight.config.json, with one property per rule of `rules`. */
export function buildConfigSchema(rules: readonly Rule[]): Record<string, unknown> {
  const ruleProperties: Record<string, unknown> = {};
  for (const rule of [...rules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))) ruleProperties[rule.meta.id] = ruleProperty(rule);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Preflight configuration',
    description: 'preflight.config.json: rule severities, ignored paths, test code and the readiness checklist. Generated from the rule registry by `npm run docs`.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: {
        description: 'Rule severities: "error", "warning", "info", "hint" or "off", or [severity, { options }]. Rules not listed run at their default severity.',
        type: 'object',
        additionalProperties: false,
        properties: ruleProperties,
      },
      ignore: {
        description: 'Paths not to analyse, in .gitignore syntax relative to this file, e.g. "scripts/**" or "**/*.generated.ts".',
        type: 'array',
        items: { type: 'string', minLength: 1 },
        uniqueItems: true,
      },
      tests: {
        description:
          'What counts as test code. Test code is not analysed: files named by convention (*.test.*, *.spec.*, *.e2e.*, *.e2e-*.*, *.stories.*, __tests__/, __mocks__/, __fixtures__/, test/, tests/, e2e/, fixtures/), the test files of the package\'s jest, vitest, mocha, playwright and cypress configuration, and modules imported only by test code.',
        type: 'object',
        additionalProperties: false,
        properties: {
          patterns: {
            description: 'More test code, in .gitignore syntax relative to this file, e.g. "qa/**".',
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          notTests: {
            description: 'Production code, whatever the conventions, test runners and imports say, in .gitignore syntax relative to this file, e.g. "src/fixtures/**". Wins over "patterns".',
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          analyze: {
            description: 'Analyse test code like any other code. Default: false.',
            type: 'boolean',
            default: false,
          },
        },
      },
      fixes: {
        description: 'What quick-fixes write.',
        type: 'object',
        additionalProperties: false,
        properties: {
          timeoutMs: {
            description: 'The timeout, in milliseconds, that the "Add a timeout" fixes give a call or a client (AbortSignal.timeout(ms), axios timeout, got timeout.request, superagent .timeout()). Default: 10000.',
            type: 'integer',
            minimum: 1,
            maximum: 600000,
            default: 10000,
          },
        },
      },
      checklist: {
        description: 'The readiness checklist.',
        type: 'object',
        additionalProperties: false,
        properties: {
          baseBranch: {
            description: 'The branch pull requests target; the checklist covers the files changed since the merge base with it. Default: origin/HEAD, else main, else master.',
            type: 'string',
            minLength: 1,
          },
          maxWarnings: {
            description:
              'How many warnings (warning findings plus project checks that warn) the checklist may have and still be ready to open the PR. Default: 0, so any warning makes it not ready; blocking items always do.',
            type: 'integer',
            minimum: 0,
            default: 0,
          },
          items: {
            description: 'Manual checklist items of this project, added to the built-in ones.',
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'title'],
              properties: {
                id: { description: 'Stable id; ticks are stored under it.', type: 'string', minLength: 1 },
                title: { description: 'What to check, as shown in the checklist.', type: 'string', minLength: 1 },
                required: { description: 'Whether the item must be ticked before the checklist passes.', type: 'boolean' },
              },
            },
          },
        },
      },
    },
    definitions: {
      severity: { enum: SEVERITIES, enumDescriptions: SEVERITY_DESCRIPTIONS },
      ruleSetting: severityOrPair({ type: 'object', description: 'Options of the rule.' }),
    },
  };
}
