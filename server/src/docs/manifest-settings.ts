import type { Rule } from '../rules/rule';
import { ruleOptionsSchema } from '../config/schema';

/*
 * The `preflight.rules` setting in the extension manifest (package.json
 * `contributes.configuration`), generated from the rule registry by `npm run
 * docs`: one property per rule id with its metadata as description, and a
 * description whose example names real rules. The docs test fails while the
 * committed package.json differs.
 */

export const MANIFEST_PATH = 'package.json';
export const RULES_SETTING = 'preflight.rules';
/** In the order the settings editor offers them. */
export const SEVERITY_SETTINGS = ['off', 'error', 'warning', 'info', 'hint'] as const;

const SEVERITY_DESCRIPTIONS = [
  'Do not run the rule.',
  'Report findings as errors.',
  'Report findings as warnings.',
  'Report findings as information.',
  'Report findings as hints (shown faintly).',
];

function severitySchema(): Record<string, unknown> {
  return { type: 'string', enum: [...SEVERITY_SETTINGS], enumDescriptions: SEVERITY_DESCRIPTIONS };
}

/** The settings schema of one rule: a severity, or [severity, { options }]. */
export function ruleSettingSchema(rule: Rule): Record<string, unknown> {
  const { meta } = rule;
  return {
    description: `${meta.title}. Category: ${meta.category}; default severity: ${meta.defaultSeverity}.`,
    anyOf: [
      severitySchema(),
      {
        type: 'array',
        items: [{ type: 'string', enum: [...SEVERITY_SETTINGS] }, ruleOptionsSchema(rule)],
        minItems: 1,
        maxItems: 2,
      },
    ],
  };
}

/** An example setting made of real rules: the first checking rule made an error, the second turned off. */
export function exampleRulesSetting(rules: readonly Rule[]): Record<string, string> {
  const checking = rules.filter((rule) => rule.meta.category !== 'preflight');
  const [first, second] = checking.length > 0 ? checking : rules;
  const example: Record<string, string> = {};
  if (first) example[first.meta.id] = 'error';
  if (second) example[second.meta.id] = 'off';
  return example;
}

function formatExample(setting: Record<string, string>): string {
  return `{ ${Object.entries(setting).map(([id, severity]) => `"${id}": "${severity}"`).join(', ')} }`;
}

function rulesDescription(rules: readonly Rule[]): string {
  const severities = SEVERITY_SETTINGS.map((severity) => `\`"${severity}"\``).join(', ');
  const ids = [...rules].map((rule) => `\`${rule.meta.id}\``).sort().join(', ');
  return `Rule severities, over \`preflight.config.json\`: ${severities}, or \`[severity, { options }]\`. Rules: ${ids}. Example: \`${formatExample(exampleRulesSetting(rules))}\`.`;
}

/** The whole `preflight.rules` setting for the given rules (sorted by id, so the file diffs cleanly). */
export function rulesSettingSchema(rules: readonly Rule[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const rule of [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id))) properties[rule.meta.id] = ruleSettingSchema(rule);
  return {
    type: 'object',
    scope: 'resource',
    default: {},
    markdownDescription: rulesDescription(rules),
    properties,
    additionalProperties: false,
  };
}

interface Manifest {
  contributes?: { configuration?: { title?: string; properties?: Record<string, unknown> } };
}

/** The manifest text with `preflight.rules` generated from `rules`, everything else as it was. */
export function manifestWithRulesSetting(manifestText: string, rules: readonly Rule[]): string {
  const manifest = JSON.parse(manifestText) as Manifest;
  manifest.contributes ??= {};
  manifest.contributes.configuration ??= { title: 'Preflight', properties: {} };
  manifest.contributes.configuration.properties ??= {};
  manifest.contributes.configuration.properties[RULES_SETTING] = rulesSettingSchema(rules);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
