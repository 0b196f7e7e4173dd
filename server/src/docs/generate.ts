import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Category } from '../engine/finding';
import type { Rule } from '../rules/rule';
import { allRules } from '../rules';
import { buildConfigSchema } from '../config/schema';
import { eslintEquivalentsFor } from '../facts/tables/eslint-equivalents';
import { MANIFEST_PATH, manifestWithRulesSetting } from './manifest-settings';
import { manifestWithLanguageModelTools } from './manifest-tools';
import { ruleShortFix, ruleSummary } from './short-form';

/*
 * Everything generated from rule metadata: docs/rules/<id>.md, the index
 * docs/rules/README.md, the JSON schema of preflight.config.json, and the
 * `preflight.rules` setting in package.json (the rest of it left as it is).
 * Run `npm run docs` after changing any rule's metadata; a test fails while
 * the committed files differ from what this produces.
 */

export const RULE_DOCS_FOLDER = 'docs/rules';
export const CONFIG_SCHEMA_PATH = 'server/schemas/preflight.config.schema.json';

const CATEGORY_ORDER: Category[] = ['resilience', 'error-handling', 'data-integrity', 'security', 'performance', 'operability', 'migrations', 'preflight'];
const CATEGORY_TITLES: Record<Category, string> = {
  resilience: 'Resilience',
  'error-handling': 'Error handling',
  'data-integrity': 'Data integrity',
  security: 'Security',
  performance: 'Performance',
  operability: 'Operability',
  migrations: 'Migrations',
  preflight: 'Preflight itself (suppression comments)',
};

const GENERATED_NOTE = '<!-- Generated from the rule metadata by `npm run docs`. Do not edit: change the rule in server/src/rules/ and regenerate. -->';

function codeBlock(code: string, language = 'ts'): string {
  const fence = code.includes('```') ? '~~~~' : '```';
  return `${fence}${language}\n${code.replace(/\s+$/, '')}\n${fence}`;
}

export function cweUrl(id: number): string {
  return `https://cwe.mitre.org/data/definitions/${id}.html`;
}

function severityLine(rule: Rule): string {
  const { meta } = rule;
  const parts = [`Rule id: \`${meta.id}\``, `category: **${meta.category}**`, `default severity: **${meta.defaultSeverity}**`];
  if (meta.usesTypes) parts.push('uses the type checker');
  for (const id of meta.cwe ?? []) parts.push(`[CWE-${id}](${cweUrl(id)})`);
  return parts.join(' · ');
}

/** The body of a rule's documentation (Markdown, no title): also the SARIF help text. */
export function renderRuleHelp(rule: Rule): string {
  const { meta } = rule;
  // The short forms open the page when the rule has them (the hover shows them too).
  const summary = meta.summary ? [`> ${ruleSummary(meta)}`] : [];
  const shortFix = meta.shortFix ? [`In short:\n\n${ruleShortFix(meta).map((line) => `- ${line}`).join('\n')}`] : [];
  const sections: string[] = [severityLine(rule), ...summary, '## How it fails in production', meta.explanation.trim(), '## How to fix it', ...shortFix, meta.fix.trim()];
  if (meta.notFlagged && meta.notFlagged.length > 0) {
    sections.push('## Not flagged', meta.notFlagged.map((item) => `- ${item.trim()}`).join('\n'));
  }
  sections.push('## Examples');
  if (meta.examples.length === 0) sections.push('_No examples yet._');
  meta.examples.forEach((example, i) => {
    const suffix = meta.examples.length > 1 ? ` ${i + 1}` : '';
    const language = meta.exampleLanguage ?? 'ts';
    sections.push(`Flagged${suffix}:`, codeBlock(example.bad, language), `Fixed${suffix}:`, codeBlock(example.good, language));
  });
  sections.push(
    '## Configuration',
    `In \`preflight.config.json\` (or the VS Code setting \`preflight.rules\`), set the severity to \`error\`, \`warning\`, \`info\`, \`hint\` or \`off\`:`,
    codeBlock(JSON.stringify({ rules: { [meta.id]: meta.defaultSeverity === 'error' ? 'warning' : 'error' } }, null, 2), 'json'),
    ...optionsSection(meta),
    '## Suppressing a finding',
    'Give the reason after `--`; a suppression without one still works but is reported itself. An `(until YYYY-MM-DD)` after the reason makes it expire.',
    codeBlock(
      [
        `// preflight-disable-next-line ${meta.id} -- why this is safe here`,
        `doSomething(); // preflight-disable-line ${meta.id} -- why this is safe here`,
        `/* preflight-disable ${meta.id} -- for the rest of this file: why (until 2027-03-31) */`,
      ].join('\n'),
    ),
    ...(rule.migration
      ? ['In a SQL migration file, the same comments with `--`:', codeBlock(`-- preflight-disable-next-line ${meta.id} -- the table is empty in production`, 'sql')]
      : []),
  );
  sections.push(...eslintDirectivesSection(meta.id));
  return `${sections.join('\n\n')}\n`;
}

/** The options a rule declares: a list, and a setting that passes them. */
function optionsSection(meta: Rule['meta']): string[] {
  const options = meta.options ?? [];
  if (options.length === 0) return [];
  const list = options.map((option) => `- \`${option.name}\` (${option.type}, default \`${option.default}\`): ${option.description.trim()}`).join('\n');
  const example = Object.fromEntries(options.map((option) => [option.name, option.default]));
  return ['Options, as the second item of `[severity, { ... }]`:', list, codeBlock(JSON.stringify({ rules: { [meta.id]: [meta.defaultSeverity, example] } }, null, 2), 'json')];
}

/** Which ESLint directives count as acknowledging the rule's findings (from facts/tables/eslint-equivalents.ts). */
function eslintDirectivesSection(ruleId: string): string[] {
  const equivalents = eslintEquivalentsFor(ruleId);
  if (equivalents.length === 0) return [];
  const names = equivalents.map((id) => `\`${id}\``).join(', ');
  return [
    '## ESLint directives',
    `An \`eslint-disable-next-line\`, \`eslint-disable-line\` or \`/* eslint-disable */\` block directive naming ${names} ` +
      'is the author acknowledging the same problem: the finding is still reported, at **hint** severity, with a message naming the directive (and its `-- description`). ' +
      'A directive naming no rule acknowledges nothing in particular. A `preflight-disable` comment with a reason silences it altogether.',
    codeBlock(`// eslint-disable-next-line ${equivalents[0]} -- why this is safe here`),
  ];
}

export function renderRuleDoc(rule: Rule): string {
  return `${GENERATED_NOTE}\n\n# ${rule.meta.title}\n\n${renderRuleHelp(rule)}`;
}

function escapeTableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderRulesIndex(rules: readonly Rule[]): string {
  const lines = [GENERATED_NOTE, '', '# Preflight rules', '', 'Each rule names one way that code which works in a demo fails in production. Run `npx preflight rules` for this list in the terminal.', ''];
  for (const category of CATEGORY_ORDER) {
    const inCategory = rules.filter((rule) => rule.meta.category === category);
    if (inCategory.length === 0) continue;
    lines.push(`## ${CATEGORY_TITLES[category]}`, '', '| Rule | What it flags | Default |', '|---|---|---|');
    for (const rule of inCategory) {
      lines.push(`| [\`${rule.meta.id}\`](${rule.meta.id}.md) | ${escapeTableCell(rule.meta.title)} | ${rule.meta.defaultSeverity} |`);
    }
    lines.push('');
  }
  lines.push('## Suppressing a finding', '', codeBlock('// preflight-disable-next-line missing-timeout -- upstream is in-cluster, 50ms p99'), '');
  return lines.join('\n');
}

/** Every generated file, by its path relative to the repository root (with `/`); package.json is read from `root`. */
export function generatedFiles(rules: readonly Rule[] = allRules, root = repositoryRoot()): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of rules) files.set(`${RULE_DOCS_FOLDER}/${rule.meta.id}.md`, renderRuleDoc(rule));
  files.set(`${RULE_DOCS_FOLDER}/README.md`, renderRulesIndex(rules));
  files.set(CONFIG_SCHEMA_PATH, `${JSON.stringify(buildConfigSchema(rules), null, 2)}\n`);
  files.set(MANIFEST_PATH, manifestWithLanguageModelTools(manifestWithRulesSetting(fs.readFileSync(path.join(root, MANIFEST_PATH), 'utf8'), rules)));
  return files;
}

/** The repository root, seen from server/out/docs. */
export function repositoryRoot(): string {
  return path.resolve(__dirname, '..', '..', '..');
}

/** Markdown files in docs/rules that no rule generates any more (a removed or renamed rule). */
export function staleDocFiles(root: string, files: Map<string, string>): string[] {
  const folder = path.join(root, RULE_DOCS_FOLDER);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.md') && !files.has(`${RULE_DOCS_FOLDER}/${name}`))
    .map((name) => `${RULE_DOCS_FOLDER}/${name}`);
}

/** Writes every generated file under `root` and removes stale rule docs; returns the paths written or removed. */
export function writeGeneratedFiles(root: string, rules: readonly Rule[] = allRules): { written: string[]; removed: string[] } {
  const files = generatedFiles(rules, root);
  const written: string[] = [];
  for (const [relative, content] of files) {
    const target = path.join(root, relative);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    if (current === content) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    written.push(relative);
  }
  const removed = staleDocFiles(root, files);
  for (const relative of removed) fs.rmSync(path.join(root, relative));
  return { written, removed };
}
