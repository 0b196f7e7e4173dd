import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { PREFLIGHT_VERSION } from '../version';
import { runCheckTool } from './check-tool';
import { runChecklistTool } from './checklist-tool';
import { runExplainTool } from './explain-tool';
import { runFixTool } from './fix-tool';
import { answering } from './results';
import { CHECK_INPUT_SHAPE, CHECK_TOOL_DESCRIPTION, CHECKLIST_INPUT_SHAPE, EXPLAIN_INPUT_SHAPE, FIX_INPUT_SHAPE } from './tool-schemas';
import type { McpWorkspace } from './workspace';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

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
      description: CHECK_TOOL_DESCRIPTION,
      inputSchema: CHECK_INPUT_SHAPE,
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
      inputSchema: FIX_INPUT_SHAPE,
      annotations: READ_ONLY,
    },
    (input) => answering(() => runFixTool(workspace, input)),
  );

  server.registerTool(
    'preflight_explain',
    {
      title: 'Explain a Preflight rule',
      description: "A rule's documentation: how it fails in production, how to fix it, what it does not flag, examples, configuration and suppression.",
      inputSchema: EXPLAIN_INPUT_SHAPE,
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
      inputSchema: CHECKLIST_INPUT_SHAPE,
      annotations: READ_ONLY,
    },
    (input) => answering(() => runChecklistTool(workspace, input)),
  );
  return server;
}
