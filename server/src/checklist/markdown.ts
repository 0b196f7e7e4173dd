import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomically } from './ticks';
import type { ChecklistMigration, ChecklistReport, ChecklistSection, Evidence, MigrationLock, ProjectCheck } from './types';

/** Findings listed per section in the Markdown; the rest are counted (PR descriptions have a size limit). */
export const MAX_FINDINGS_PER_SECTION = 50;

export const SECTION_START = '<!-- preflight:checklist:start -->';
export const SECTION_END = '<!-- preflight:checklist:end -->';

const CHECK_MARK: Record<ProjectCheck['status'], string> = { pass: '✅', warn: '⚠️', fail: '❌', 'n/a': '➖' };

/** The report as Markdown for a pull-request description (no markers; see upsertPrTemplateSection). */
export function checklistMarkdown(report: ChecklistReport): string {
  const lines: string[] = [];
  lines.push('## Preflight readiness checklist', '');
  lines.push(summaryLine(report), '');
  lines.push(scopeLine(report), '');
  if (report.scope.fallbackReason) lines.push(`> **Note:** ${escapeText(report.scope.fallbackReason)}`, '');

  lines.push('### Manual checks', '');
  for (const item of report.manualItems) {
    const box = item.ticked ? '[x]' : '[ ]';
    const required = item.required ? ' **(required)**' : '';
    const by = item.ticked && (item.tickedBy || item.tickedAt) ? ` — ticked${item.tickedBy ? ` by ${escapeText(item.tickedBy)}` : ''}${item.tickedAt ? ` on ${item.tickedAt.slice(0, 10)}` : ''}` : '';
    lines.push(`- ${box} ${escapeText(item.title)}${required}${by}`);
  }
  lines.push('');

  lines.push('### Automated checks', '');
  lines.push('| Section | Status | Errors | Warnings | Info |', '|---|---|---:|---:|---:|');
  for (const section of report.sections) {
    const status = section.status === 'pass' ? '✅ pass' : section.status === 'fail' ? '❌ fail' : '⚪ not checked (no rule enabled)';
    lines.push(`| ${escapeText(section.title)} | ${status} | ${section.counts.error} | ${section.counts.warning} | ${section.counts.info + section.counts.hint} |`);
  }
  lines.push('');
  for (const section of report.sections) {
    if (section.migrations && section.migrations.length > 0) lines.push(...migrationLines(section.migrations), '');
    if (section.findings.length > 0) lines.push(...sectionFindings(section), '');
  }

  lines.push('### Project checks', '');
  for (const check of report.projectChecks) lines.push(...projectCheckLines(check));
  lines.push('');

  if (report.problems.length > 0) {
    lines.push('### Not fully analysed', '');
    for (const problem of report.problems) {
      const where = problem.file ? `${code(problem.line ? `${problem.file}:${problem.line}` : problem.file)}: ` : '';
      lines.push(`- ${where}${escapeText(problem.message)}`);
    }
    lines.push('');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}

function summaryLine(report: ChecklistReport): string {
  const { summary } = report;
  const verdict = summary.ready ? '✅ **Ready**' : '❌ **Not ready**';
  const parts = [`${summary.blocking} blocking${breakdown(summary.counts?.errorFindings, summary.counts?.failedChecks)}`, warningsPart(summary)];
  parts.push(`${summary.manual.ticked}/${summary.manual.total} manual items`);
  if (summary.manual.requiredUnticked > 0) parts.push(`${summary.manual.requiredUnticked} required unticked`);
  return `${verdict}: ${parts.join(', ')}`;
}

/** `259 warnings (255 findings, 4 project checks; over the limit of 0)`. */
function warningsPart(summary: ChecklistReport['summary']): string {
  const words = `${summary.warnings} ${summary.warnings === 1 ? 'warning' : 'warnings'}`;
  const limit = summary.maxWarnings ?? 0;
  const over = summary.warnings > limit ? `over the limit of ${limit}` : summary.warnings > 0 ? `within the limit of ${limit}` : '';
  const from = summary.counts && summary.warnings > 0 ? findingsAndChecks(summary.counts.warningFindings, summary.counts.warnedChecks) : '';
  const detail = [from, over].filter((part) => part !== '').join('; ');
  return detail ? `${words} (${detail})` : words;
}

/** ` (2 findings, 1 project check)`; empty when there is nothing to break down (or an older report without counts). */
function breakdown(findings: number | undefined, checks: number | undefined): string {
  if (findings === undefined || checks === undefined || findings + checks === 0) return '';
  return ` (${findingsAndChecks(findings, checks)})`;
}

function findingsAndChecks(findings: number, checks: number): string {
  return `${findings} ${findings === 1 ? 'finding' : 'findings'}, ${checks} project ${checks === 1 ? 'check' : 'checks'}`;
}

function scopeLine(report: ChecklistReport): string {
  const { scope } = report;
  const files = `${report.analysedFiles} source ${report.analysedFiles === 1 ? 'file' : 'files'} analysed`;
  const branch = scope.branch ? ` on ${code(scope.branch)}` : '';
  if (scope.kind === 'changed') {
    const mergeBase = scope.mergeBase ? ` (merge base ${code(scope.mergeBase.slice(0, 7))})` : '';
    return `Scope: files changed since ${code(scope.base ?? '')}${mergeBase}${branch}: ${scope.files.length} changed, ${files}.`;
  }
  return `Scope: whole workspace${branch}: ${files}.`;
}

/** `ACCESS EXCLUSIVE on "Order", SHARE on "User"`: each lock and table once, in statement order. */
export function describeLocks(locks: readonly MigrationLock[]): string {
  if (locks.length === 0) return 'no long lock on an existing table';
  const parts = new Set(locks.map((lock) => `${lock.lock}${lock.table ? ` on "${lock.table}"` : ''}`));
  return [...parts].join(', ');
}

/** Each migration of the change, the locks it takes on existing tables and its findings. */
function migrationLines(migrations: readonly ChecklistMigration[]): string[] {
  const lines = ['Migrations in this change:', ''];
  for (const migration of migrations) {
    const findings = migration.findings === 0 ? 'no finding' : `${migration.findings} ${migration.findings === 1 ? 'finding' : 'findings'}`;
    const skipped = migration.notAnalysed > 0 ? `; ${migration.notAnalysed} not analysed` : '';
    lines.push(`- ${code(migration.file)} (${migration.tool}): ${escapeText(describeLocks(migration.locks))}; ${findings}${skipped}`);
  }
  return lines;
}

function sectionFindings(section: ChecklistSection): string[] {
  const count = section.findings.length;
  const lines = [`<details><summary>${escapeHtml(section.title)}: ${count} ${count === 1 ? 'finding' : 'findings'}</summary>`, ''];
  for (const finding of section.findings.slice(0, MAX_FINDINGS_PER_SECTION)) {
    lines.push(`- ${code(`${finding.file}:${finding.line}`)} ${code(finding.ruleId)} (${finding.severity}): ${escapeText(finding.message)}`);
  }
  if (count > MAX_FINDINGS_PER_SECTION) lines.push(`- … and ${count - MAX_FINDINGS_PER_SECTION} more`);
  lines.push('', '</details>');
  return lines;
}

function projectCheckLines(check: ProjectCheck): string[] {
  const lines = [`- ${CHECK_MARK[check.status]} **${escapeText(check.title)}** (${check.status}): ${escapeText(check.message)}`];
  if (check.evidence.length > 0) {
    for (const evidence of check.evidence) lines.push(`  - ${evidenceText(evidence)}`);
  } else {
    lines.push(`  - Looked for: ${escapeText(check.lookedFor)}`);
  }
  return lines;
}

function evidenceText(evidence: Evidence): string {
  const where = evidence.line > 0 ? `${evidence.file}:${evidence.line}` : evidence.file;
  return `${code(where)} ${code(evidence.text)}`;
}

/** Inline code that survives backticks in its content. */
function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * Plain text that GitHub renders literally: no HTML, links, emphasis or table
 * breaks; `@name` and `@scope/package` go in code spans so they notify nobody.
 */
export function escapeText(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  let result = '';
  let last = 0;
  for (const match of flat.matchAll(/(?<![\w.])@[\w-]+(?:\/[\w.*-]+)?/g)) {
    result += escapePlain(flat.slice(last, match.index)) + code(match[0]);
    last = match.index! + match[0].length;
  }
  return result + escapePlain(flat.slice(last));
}

function escapePlain(text: string): string {
  return text.replace(/[\\`*_[\]|~<>]/g, (char) => (char === '<' ? '&lt;' : char === '>' ? '&gt;' : `\\${char}`));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ---------------------------------------------------------------------------
// The marked section in .github/pull_request_template.md

/**
 * `text` with the marked checklist section replaced by `markdown` (between
 * SECTION_START and SECTION_END), or, when there is none, with the section
 * appended. Keeps the text's line endings.
 */
export function upsertPrTemplateSection(text: string, markdown: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = markdown.replace(/\r?\n/g, eol).replace(new RegExp(`(?:${eol})+$`), '');
  const block = `${SECTION_START}${eol}${body}${eol}${SECTION_END}`;
  const start = text.indexOf(SECTION_START);
  const end = start === -1 ? -1 : text.indexOf(SECTION_END, start);
  if (start !== -1 && end !== -1) return text.slice(0, start) + block + text.slice(end + SECTION_END.length);
  if (text.trim() === '') return block + eol;
  const separator = text.endsWith(eol + eol) ? '' : text.endsWith(eol) ? eol : eol + eol;
  return text + separator + block + eol;
}

/** Where GitHub looks for a pull-request template; the first that exists is updated, else the first is created. */
export const PR_TEMPLATE_LOCATIONS = ['.github/pull_request_template.md', '.github/PULL_REQUEST_TEMPLATE.md', 'docs/pull_request_template.md', 'pull_request_template.md'];

export interface PrTemplateUpdate {
  file: string;
  created: boolean;
  replaced: boolean;
}

/** Writes the checklist into the repository's PR template (atomically), creating `.github/pull_request_template.md` if there is none. */
export async function insertIntoPrTemplate(root: string, markdown: string): Promise<PrTemplateUpdate> {
  const existing = PR_TEMPLATE_LOCATIONS.map((relative) => path.join(root, relative)).find((file) => fs.existsSync(file));
  const file = existing ?? path.join(root, PR_TEMPLATE_LOCATIONS[0]!);
  const before = existing ? await fs.promises.readFile(file, 'utf8') : '';
  const replaced = before.includes(SECTION_START) && before.indexOf(SECTION_END, before.indexOf(SECTION_START)) !== -1;
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await writeAtomically(file, upsertPrTemplateSection(before, markdown));
  return { file, created: !existing, replaced };
}
