import { z } from 'zod';
import { allRules } from '../rules';

/*
 * The tools' input schemas (zod, as the MCP SDK takes them). preflight_check's is
 * also the VS Code language-model tool's: `npm run docs` writes it into package.json.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const ruleId = () => z.string().min(1).describe(`A rule id: ${allRules.map((rule) => rule.meta.id).join(', ')}.`);

export const CHECK_TOOL_DESCRIPTION =
  'Runs the Preflight production-readiness rules (timeouts, retries, idempotency, transactions, swallowed errors) on JavaScript and TypeScript. ' +
  'Default scope: the files changed since the merge base with the base branch (committed, staged, unstaged and untracked), as the readiness checklist. ' +
  'Each finding has rule, severity, location, message, why it fails in production, and the titles of its quick-fixes. Results are paged: see remaining and nextOffset.';

export const CHECK_INPUT_SHAPE = {
  paths: z.array(z.string()).optional().describe('Files or folders to check, relative to the workspace root (default: the change since the merge base).'),
  changedSince: z.string().optional().describe('Only files changed since the merge base with this revision (e.g. main, HEAD~3).'),
  rules: z.array(ruleId()).optional().describe('Only these rules (default: every rule enabled in the config).'),
  offset: z.number().int().min(0).optional().describe('Skip this many findings (nextOffset of the previous page).'),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Findings per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`),
};

export const FIX_INPUT_SHAPE = {
  file: z.string().min(1).describe('The file, relative to the workspace root.'),
  ruleId: ruleId(),
  line: z.number().int().min(1).describe('The 1-based line the finding starts on.'),
  column: z.number().int().min(1).optional().describe('The 1-based column, when the rule reports more than one finding on the line.'),
  fixTitle: z.string().optional().describe('The title of the fix to use, as preflight_check lists them (default: the first).'),
};

export const EXPLAIN_INPUT_SHAPE = { ruleId: ruleId() };

export const CHECKLIST_INPUT_SHAPE = {
  base: z.string().optional().describe('Compare with the merge base of HEAD and this revision (default: config checklist.baseBranch, origin/HEAD, main, master).'),
};

/** preflight_check's input as a JSON schema (for package.json's languageModelTools). */
export function checkInputJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(z.object(CHECK_INPUT_SHAPE)) as Record<string, unknown>;
  return schema;
}
