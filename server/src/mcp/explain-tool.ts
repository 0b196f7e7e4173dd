import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RULE_DOCS_FOLDER, renderRuleHelp } from '../docs/generate';
import { ruleShortFix, ruleSummary } from '../docs/short-form';
import { toolResult } from './results';
import { ruleById } from './workspace';

/** `preflight_explain`: the rule's docs, generated from its metadata as docs/rules/<id>.md is. */
export async function runExplainTool(input: { ruleId: string }): Promise<CallToolResult> {
  const rule = ruleById(input.ruleId);
  const { meta } = rule;
  const docs = renderRuleHelp(rule);
  return toolResult(`# ${meta.title}\n\n${docs}`, {
    ruleId: meta.id,
    title: meta.title,
    category: meta.category,
    defaultSeverity: meta.defaultSeverity,
    whyItFails: ruleSummary(meta),
    shortFix: ruleShortFix(meta),
    notFlagged: meta.notFlagged ?? [],
    docsPath: `${RULE_DOCS_FOLDER}/${meta.id}.md`,
    docs,
  });
}
