/**
 * `preflight/agentCheck`: what the VS Code language-model tool asks the server.
 * The same check as the MCP tool preflight_check (server/src/mcp/check-tool.ts),
 * on an open workspace folder, with the folder's config and editor settings.
 */
export const AGENT_CHECK_REQUEST = 'preflight/agentCheck';

export interface AgentCheckParams {
  paths?: string[];
  changedSince?: string;
  rules?: string[];
  offset?: number;
  limit?: number;
  /** A workspace folder's path or file: URI; default the first folder. */
  workspaceFolder?: string;
}

export interface AgentCheckResult {
  /** The readable answer, as the MCP tool's text part. */
  text: string;
  /** A problem the caller can act on (unknown path, file that does not parse...): `text` is its one sentence. */
  isError: boolean;
  /** The findings and scope, as the MCP tool's structuredContent; absent on errors. */
  structured?: Record<string, unknown>;
}
