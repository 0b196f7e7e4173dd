import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { PREFLIGHT_VERSION } from '../version';
import { allRules } from '../rules';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, runCheckTool } from './check-tool';
import { runChecklistTool } from './checklist-tool';
import { runExplainTool } from './explain-tool';
import { runFixTool } from './fix-tool';
import { answering } from './results';
import type { McpWorkspace } from './workspace';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

const ruleIdSchema = z.string().min(1).describe(`A rule id: ${allRules.map((rule) => rule.meta.id).join(', ')}`);

/**
 * The Preflight tools over MCP. Every tool reads files and runs git at most; none
 * writes to the workspace or runs its code (preflight_fix returns edits for the agent to apply).
 */
export function createPreflightMcpServer(workspace: McpWorkspace): McpServer {
  const server = new McpServer(
    { name: 'preflight', title: 'Preflight', version: PREFLIGHT_VERSION },
    {
      instructions:
        'Preflight reviews JavaScript and TypeScript for production-readiness gaps (timeouts, retries, idempotency, transactions, swallowed errors). ' +
        'Before saying a change is done, call preflight_check (default scope: the change since the merge base), apply preflight_fix edits or fix by hand, and check again.',
    },
  );

  server.registerTool(
    'preflight_check',
    {
      title: 'Check for production-readiness problems',
      description:
        'Runs the Preflight rules. Default scope: the files changed since the merge base with the base branch (committed, staged, unstaged and untracked), as the readiness checklist. ' +
        'Each finding has rule, severity, location, message, why it fails in production, and the titles of its quick-fixes. Results are paged: see remaining and nextOffset.',
      inputSchema: {
        paths: z.array(z.string()).optional().describe('Files or folders to check, relative to the workspace root (default: the change since the merge base).'),
        changedSince: z.string().optional().describe('Only files changed since the merge base with this revision (e.g. main, HEAD~3).'),
        rules: z.array(ruleIdSchema).optional().describe('Only these rules (default: every rule enabled in the config).'),
        offset: z.number().int().min(0).optional().describe('Skip this many findings (from nextOffset of the previous page).'),
        limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Findings per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`),
      },
      annotations: READ_ONLY,
    },
    (input) => answering(() => runCheckTool(workspace, input)),
  );

  server.registerTool(
    'preflight_fix',
    {
      title: 'Get the edits of a Preflight quick-fix',
      description:
        'Returns the text edits of one quick-fix for a finding (file, ruleId and line as preflight_check reports them), for you to apply; nothing is written. ' +
        'Without fixTitle, the first fix; the others are listed. Errors name the findings or fixes that exist.',
      inputSchema: {
        file: z.string().min(1).describe('The file, relative to the workspace root.'),
        ruleId: ruleIdSchema,
        line: z.number().int().min(1).describe('The 1-based line the finding starts on.'),
        column: z.number().int().min(1).optional().describe('The 1-based column, when the rule reports more than one finding on the line.'),
        fixTitle: z.string().optional().describe('The title of the fix to use, as preflight_check lists them.'),
      },
      annotations: READ_ONLY,
    },
    (input) => answering(() => runFixTool(workspace, input)),
  );

  server.registerTool(
    'preflight_explain',
    {
      title: 'Explain a Preflight rule',
      description: "A rule's documentation: how it fails in production, how to fix it, what it does not flag, examples, configuration and suppression.",
      inputSchema: { ruleId: ruleIdSchema },
      annotations: READ_ONLY,
    },
    (input) => answering(() => runExplainTool(input)),
  );

  server.registerTool(
    'preflight_checklist',
    {
      title: 'Readiness checklist for this branch',
      description:
        'The readiness report for the change since the merge base: findings per category, project checks (graceful shutdown, health endpoint, tests for changes...) and the manual items still open.',
      inputSchema: {
        base: z.string().optional().describe('Compare with the merge base of HEAD and this revision (default: config checklist.baseBranch, origin/HEAD, main, master).'),
      },
      annotations: READ_ONLY,
    },
    (input) => answering(() => runChecklistTool(workspace, input)),
  );
  return server;
}
