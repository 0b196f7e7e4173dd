import { checkFiles, skippedDetail, type CheckedFiles, type LoadedRunConfig } from '../cli/check';
import { compareReported, countSeverities, toReported, type ReportedFinding, type SeverityCounts } from '../cli/report';
import { resolveScope } from '../checklist/scope';
import { ruleSummary } from '../docs/short-form';
import { allRules } from '../rules';
import type { Rule } from '../rules/rule';
import { changedFilesSince, collectSourceFiles, GitError } from '../workspace';
import { plural, ToolInputError, toolResult } from './results';
import { ruleById, type McpWorkspace } from './workspace';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_PAGE_SIZE } from './tool-schemas';

export interface CheckToolInput {
  paths?: string[];
  changedSince?: string;
  rules?: string[];
  offset?: number;
  limit?: number;
}


/** What was checked, in the words of the result. */
export interface CheckScope {
  kind: 'paths' | 'changed' | 'workspace';
  /** The revision compared with (`changedSince`, or the checklist's base branch). */
  base?: string;
  mergeBase?: string;
  paths?: string[];
  /** Why the scope is not what was asked for (no git: the whole workspace was checked). */
  note?: string;
}

/** A finding as an agent reads it: the CLI's JSON finding, with why it fails in production. */
export interface AgentFinding extends ReportedFinding {
  whyItFails: string;
}

interface ScopedFiles {
  scope: CheckScope;
  files: string[];
  skippedPaths: { file: string; reason: string }[];
}

/** The source files a call covers: `paths` and/or `changedSince`, else the change since the merge base, as the checklist. */
async function scopedFiles(workspace: McpWorkspace, input: CheckToolInput, configured: LoadedRunConfig): Promise<ScopedFiles> {
  const { config, root } = configured;
  if (!input.paths?.length && input.changedSince === undefined) {
    const resolved = await resolveScope({ root: workspace.root, scope: 'changed', config, allowGit: workspace.allowGit });
    const scope: CheckScope = { kind: resolved.scope.kind, base: resolved.scope.base ?? undefined, mergeBase: resolved.scope.mergeBase ?? undefined };
    if (resolved.scope.fallbackReason) scope.note = resolved.scope.fallbackReason;
    return { scope, files: resolved.sourceFiles, skippedPaths: [] };
  }
  const paths = input.paths?.length ? input.paths : ['.'];
  for (const given of paths) workspace.existingPath(given);
  const collected = await collectSourceFiles(paths, workspace.root, { root, ignore: config.ignore, tests: config.tests });
  let files = collected.files;
  const scope: CheckScope = input.paths?.length ? { kind: 'paths', paths: input.paths } : { kind: 'changed' };
  if (input.changedSince !== undefined) {
    const changed = new Set(await changedSince(input.changedSince, workspace));
    files = files.filter((file) => changed.has(file));
    scope.base = input.changedSince;
  }
  return { scope, files, skippedPaths: collected.skipped.map((skipped) => ({ file: skipped.path, reason: skipped.reason })) };
}

async function changedSince(revision: string, workspace: McpWorkspace): Promise<string[]> {
  if (!workspace.allowGit) {
    throw new ToolInputError(`changedSince '${revision}' cannot be used: the workspace is not trusted, so Preflight does not run git here (trust the workspace, or pass paths).`);
  }
  const root = workspace.root;
  try {
    return await changedFilesSince(revision, root);
  } catch (error) {
    if (error instanceof GitError) throw new ToolInputError(`changedSince '${revision}' cannot be used: ${error.message.replace(/\.$/, '')}.`);
    throw error;
  }
}

function selectedRules(ids: readonly string[] | undefined): readonly Rule[] {
  return ids?.length ? ids.map(ruleById) : allRules;
}

/** A file named in `paths` that does not parse is the call's error; one met in a folder or the change is listed as skipped. */
function failOnNamedUnparsable(workspace: McpWorkspace, input: CheckToolInput, checked: CheckedFiles): void {
  const named = new Set((input.paths ?? []).map((given) => workspace.existingPath(given)));
  const broken = checked.skipped.find((skipped) => skipped.parseProblem && named.has(skipped.file));
  if (broken) {
    throw new ToolInputError(`${workspace.shown(broken.file)}${skippedDetail(broken)}; fix the syntax error and check again.`);
  }
}

function toAgentFinding(finding: ReportedFinding): AgentFinding {
  return { ...finding, whyItFails: ruleSummary(ruleById(finding.ruleId).meta) };
}

function pageOf<T>(items: readonly T[], offset: number, limit: number): { page: T[]; remaining: number; nextOffset?: number } {
  const page = items.slice(offset, offset + limit);
  const remaining = Math.max(0, items.length - offset - page.length);
  return remaining > 0 ? { page, remaining, nextOffset: offset + page.length } : { page, remaining };
}

/** `preflight_check`: the findings of the scope, one page at a time. */
export async function runCheckTool(workspace: McpWorkspace, input: CheckToolInput): Promise<CallToolResult> {
  const configured = workspace.loadConfig();
  const rules = selectedRules(input.rules);
  const scoped = await scopedFiles(workspace, input, configured);
  const programFacts = workspace.programFacts();
  const checked = await checkFiles(scoped.files, { config: configured.config, rules, programFactsOf: (file) => programFacts.factsFor(file) });
  failOnNamedUnparsable(workspace, input, checked);

  const findings = checked.findings.map((finding) => toReported(finding, workspace.root)).sort(compareReported);
  const offset = input.offset ?? 0;
  const { page, remaining, nextOffset } = pageOf(findings, offset, input.limit ?? DEFAULT_PAGE_SIZE);
  const skipped = [
    ...scoped.skippedPaths.map((skipped) => ({ file: workspace.shown(skipped.file), reason: skipped.reason })),
    ...checked.skipped.map((skipped) => ({ file: workspace.shown(skipped.file), reason: skippedDetail(skipped).replace(/^:\s*/, '') })),
  ];
  const ruleFailures = [...checked.ruleFailures].map(([ruleId, failed]) => ({ ruleId, files: failed.files.map((file) => workspace.shown(file)), error: failed.error }));
  const structured = {
    scope: scoped.scope,
    analysedFiles: checked.analysed,
    total: findings.length,
    counts: countSeverities(findings),
    offset,
    returned: page.length,
    remaining,
    ...(nextOffset !== undefined ? { nextOffset } : {}),
    findings: page.map(toAgentFinding),
    skipped,
    ruleFailures,
  };
  return toolResult(checkText(structured), structured);
}

interface CheckStructured {
  scope: CheckScope;
  analysedFiles: number;
  total: number;
  counts: SeverityCounts;
  offset: number;
  returned: number;
  remaining: number;
  nextOffset?: number;
  findings: AgentFinding[];
  skipped: { file: string; reason: string }[];
  ruleFailures: { ruleId: string; files: string[]; error: string }[];
}

function scopeText(scope: CheckScope): string {
  if (scope.kind === 'paths') return `${scope.paths!.join(', ')}${scope.base ? `, changed since ${scope.base}` : ''}`;
  if (scope.kind === 'changed') return `the change since ${scope.base}${scope.mergeBase ? ` (merge base ${scope.mergeBase.slice(0, 7)})` : ''}`;
  return 'the whole workspace';
}

function checkText(result: CheckStructured): string {
  const lines = [`Preflight checked ${plural(result.analysedFiles, 'file')} in ${scopeText(result.scope)}: ${plural(result.total, 'finding')}.`];
  if (result.scope.note) lines.push(`Note: ${result.scope.note}.`);
  if (result.total > 0 && result.returned < result.total) {
    lines.push(`Findings ${result.offset + 1}–${result.offset + result.returned} of ${result.total}${result.remaining > 0 ? `; ${result.remaining} more: call preflight_check again with offset ${result.nextOffset}` : ''}.`);
  } else if (result.total > 0 && result.returned === 0) {
    lines.push(`No findings at offset ${result.offset}: there are ${result.total}.`);
  }
  result.findings.forEach((finding, i) => {
    lines.push('', `${result.offset + i + 1}. ${finding.file}:${finding.line}:${finding.column} ${finding.severity} ${finding.ruleId}: ${finding.message}`);
    lines.push(`   Why it fails in production: ${finding.whyItFails}`);
    if (finding.fixes.length > 0) {
      lines.push(`   Fixes (preflight_fix with file, ruleId, line): ${finding.fixes.map((fix) => `"${fix.title}"`).join('; ')}`);
    }
  });
  if (result.skipped.length > 0) {
    lines.push('', `Not analysed (${result.skipped.length}):`, ...result.skipped.map((skipped) => `- ${skipped.file}: ${skipped.reason}`));
  }
  for (const failed of result.ruleFailures) {
    lines.push('', `Rule ${failed.ruleId} failed on ${failed.files.join(', ')} (its findings there are missing): ${failed.error}`);
  }
  return lines.join('\n');
}
