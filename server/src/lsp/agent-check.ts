import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { runCheckTool } from '../mcp/check-tool';
import { answering } from '../mcp/results';
import { McpWorkspace } from '../mcp/workspace';
import { AGENT_CHECK_REQUEST, type AgentCheckParams, type AgentCheckResult } from './agent-check-protocol';
import { fileUriToPath, isInside } from './paths';
import type { PreflightServices } from './services';

function folderFor(services: PreflightServices, requested: string | undefined): string | undefined {
  const folders = services.workspaceFolders();
  if (requested === undefined) return folders[0]?.path;
  const asPath = requested.includes(':') && !path.isAbsolute(requested) ? fileUriToPath(requested) : requested;
  if (!asPath) return undefined;
  const resolved = path.resolve(asPath);
  return (folders.find((folder) => path.resolve(folder.path) === resolved) ?? folders.find((folder) => isInside(resolved, folder.path)))?.path;
}

/** The check the language-model tool runs: the MCP tool's, in the server process, never running workspace code (and no git in Restricted Mode). */
export function registerAgentCheckRequest(connection: Connection, services: PreflightServices): void {
  connection.onRequest(AGENT_CHECK_REQUEST, async (params: AgentCheckParams | undefined): Promise<AgentCheckResult> => {
    const { workspaceFolder, ...input } = params ?? {};
    const folder = folderFor(services, workspaceFolder);
    if (!folder) return { text: workspaceFolder ? `Not an open workspace folder: ${workspaceFolder}.` : 'No workspace folder is open.', isError: true };
    const workspace = new McpWorkspace(folder, { allowGit: services.workspaceTrusted(), config: () => ({ config: services.configFor(folder), root: folder }) });
    const result = await answering(() => runCheckTool(workspace, input));
    const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
    return result.isError ? { text, isError: true } : { text, isError: false, structured: result.structuredContent };
  });
}
