import { PREFLIGHT_VERSION } from '../version';
import { allRules } from '../rules';
import type { Rule } from '../rules/rule';
import { ruleDocUrl } from '../docs/links';
import { parseArgs } from './args';
import { EXIT_OK, UsageError, type CliIO } from './io';

export const RULES_USAGE = `Usage: preflight rules [--format text|json|markdown]

Lists every rule with its id, category, default severity and title.
`;

function textTable(rules: readonly Rule[]): string {
  const rows = [['RULE', 'CATEGORY', 'DEFAULT', 'TITLE'], ...rules.map((r) => [r.meta.id, r.meta.category, r.meta.defaultSeverity, r.meta.title])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return `${rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n')}\n`;
}

function markdownTable(rules: readonly Rule[]): string {
  const lines = ['| Rule | Category | Default | Title |', '|---|---|---|---|'];
  for (const rule of rules) {
    lines.push(`| [\`${rule.meta.id}\`](docs/rules/${rule.meta.id}.md) | ${rule.meta.category} | ${rule.meta.defaultSeverity} | ${rule.meta.title.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function jsonList(rules: readonly Rule[]): string {
  const document = {
    tool: 'preflight',
    version: PREFLIGHT_VERSION,
    rules: rules.map((r) => ({
      id: r.meta.id,
      title: r.meta.title,
      category: r.meta.category,
      defaultSeverity: r.meta.defaultSeverity,
      usesTypes: r.meta.usesTypes ?? false,
      docs: ruleDocUrl(r.meta.id),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export async function rulesCommand(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, [{ name: 'format', value: { placeholder: 'FORMAT', choices: ['text', 'json', 'markdown'] } }, { name: 'help' }], 'preflight rules');
  if (parsed.flags.has('help')) {
    io.stdout(RULES_USAGE);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`'preflight rules' takes no arguments (got '${parsed.positionals[0]}')`);
  }
  const format = parsed.values.get('format') ?? 'text';
  const rules = allRules;
  io.stdout(format === 'json' ? jsonList(rules) : format === 'markdown' ? markdownTable(rules) : textTable(rules));
  return EXIT_OK;
}
