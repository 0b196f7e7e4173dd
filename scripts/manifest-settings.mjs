#!/usr/bin/env node
// Keeps the `preflight.rules` setting in package.json in step with the rule registry:
// one property per rule id, its description taken from the rule's metadata.
//   node scripts/manifest-settings.mjs          rewrite package.json (after `tsc -b`)
//   node scripts/manifest-settings.mjs --check  exit 1 if package.json is out of date
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const RULES_SETTING = 'preflight.rules';
export const SEVERITY_SETTINGS = ['off', 'error', 'warning', 'info', 'hint'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = path.join(root, 'package.json');

function severitySchema() {
  return {
    type: 'string',
    enum: SEVERITY_SETTINGS,
    enumDescriptions: [
      'Do not run the rule.',
      'Report findings as errors.',
      'Report findings as warnings.',
      'Report findings as information.',
      'Report findings as hints (shown faintly).',
    ],
  };
}

/** The settings schema of one rule: a severity, or [severity, { options }]. */
export function ruleSettingSchema(meta) {
  return {
    description: `${meta.title}. Category: ${meta.category}; default severity: ${meta.defaultSeverity}.`,
    anyOf: [
      severitySchema(),
      {
        type: 'array',
        items: [{ type: 'string', enum: SEVERITY_SETTINGS }, { type: 'object' }],
        minItems: 1,
        maxItems: 2,
      },
    ],
  };
}

/** The whole `preflight.rules` setting for the given rules (sorted by id, so the file diffs cleanly). */
export function rulesSettingSchema(rules) {
  const properties = {};
  for (const meta of rules.map((rule) => rule.meta).sort((a, b) => a.id.localeCompare(b.id))) {
    properties[meta.id] = ruleSettingSchema(meta);
  }
  return {
    type: 'object',
    scope: 'resource',
    default: {},
    markdownDescription:
      'Rule severities, over `preflight.config.json`: `"off"`, `"error"`, `"warning"`, `"info"`, `"hint"`, or `[severity, { options }]`. Example: `{ "missing-retry": "off" }`.',
    properties,
    additionalProperties: false,
  };
}

/** The registry as built by `tsc -b` (server/out), the same modules the CLI and server run. */
export function loadRules() {
  const requireFromRoot = createRequire(manifestPath);
  return requireFromRoot('preflight-server').allRules;
}

export function readManifest() {
  return JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
}

export function isUpToDate(manifest, rules) {
  const current = manifest.contributes?.configuration?.properties?.[RULES_SETTING];
  return JSON.stringify(current) === JSON.stringify(rulesSettingSchema(rules));
}

function writeRulesSetting(rules) {
  // Re-read just before writing: others edit package.json too.
  const manifest = readManifest();
  manifest.contributes ??= {};
  manifest.contributes.configuration ??= { title: 'Preflight', properties: {} };
  manifest.contributes.configuration.properties ??= {};
  manifest.contributes.configuration.properties[RULES_SETTING] = rulesSettingSchema(rules);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}

function main(argv) {
  const rules = loadRules();
  if (argv.includes('--check')) {
    if (isUpToDate(readManifest(), rules)) return 0;
    process.stderr.write(`package.json: "${RULES_SETTING}" does not match the rule registry; run \`npm run manifest\`.\n`);
    return 1;
  }
  writeRulesSetting(rules);
  console.log(`package.json: "${RULES_SETTING}" lists ${rules.length} rules`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
