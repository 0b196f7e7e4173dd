import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildChecklistReport } from '../checklist/report';
import { checklistMarkdown, MAX_FINDINGS_PER_SECTION } from '../checklist/markdown';
import type { ChecklistReport } from '../checklist/types';
import { ToolInputError, toolResult } from './results';
import type { McpWorkspace } from './workspace';

/**
 * The report with at most MAX_FINDINGS_PER_SECTION findings per section, as in its Markdown;
 * each section says how many it leaves out (preflight_check pages through all of them).
 */
function summarisedReport(report: ChecklistReport): Record<string, unknown> {
  const sections = report.sections.map((section) => {
    const omitted = Math.max(0, section.findings.length - MAX_FINDINGS_PER_SECTION);
    return { ...section, findings: section.findings.slice(0, MAX_FINDINGS_PER_SECTION), omittedFindings: omitted };
  });
  const { timings: _timings, ...rest } = report;
  return { ...rest, sections, openManualItems: report.manualItems.filter((item) => !item.ticked).map((item) => item.title) };
}

/** `preflight_checklist`: the readiness report for the change since the merge base, manual items included. */
export async function runChecklistTool(workspace: McpWorkspace, input: { base?: string }): Promise<CallToolResult> {
  const { config, root } = workspace.loadConfig();
  const report = await buildChecklistReport({ root, scope: 'changed', base: input.base, config });
  const fallback = report.scope.fallbackReason;
  if (input.base !== undefined && fallback) {
    throw new ToolInputError(`base '${input.base}' cannot be used: ${fallback.replace(/: analysed the whole workspace.*$/, '')}.`);
  }
  const structured = summarisedReport(report);
  const omitted = report.sections.reduce((sum, section) => sum + Math.max(0, section.findings.length - MAX_FINDINGS_PER_SECTION), 0);
  const notes = [
    ...(report.scope.fallbackReason ? [`Note: ${report.scope.fallbackReason}.`] : []),
    ...(omitted > 0 ? [`${omitted} findings are counted but not listed here; preflight_check pages through all of them.`] : []),
    ...report.problems.map((problem) => `Problem: ${problem.file ? `${problem.file}${problem.line ? `:${problem.line}` : ''}: ` : ''}${problem.message}`),
  ];
  return toolResult([checklistMarkdown(report).trimEnd(), ...notes].join('\n\n'), structured);
}
