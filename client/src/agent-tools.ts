import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AGENT_CHECK_REQUEST, type AgentCheckParams, type AgentCheckResult } from 'preflight-server/out/lsp/agent-check-protocol';
import { SERVER_MODULE } from './server';
import { CHECK_TOOL_NAME, hasFinalMcpApi, MCP_PROVIDER_ID } from './agent-tool-names';


/*
 * The language-model tool API was finalized in VS Code 1.95 and the MCP server
 * definitions in 1.101, after the 1.91 this extension supports (and types): the
 * shapes used here are declared locally and looked up at run time.
 */
interface ToolInvocation<T> {
  input: T;
}
interface LanguageModelToolApi {
  registerTool<T>(name: string, tool: { invoke(options: ToolInvocation<T>, token: vscode.CancellationToken): Promise<unknown> }): vscode.Disposable;
  registerMcpServerDefinitionProvider?(id: string, provider: { provideMcpServerDefinitions(): unknown[]; onDidChangeMcpServerDefinitions?: vscode.Event<void> }): vscode.Disposable;
}
interface LanguageModelToolClasses {
  LanguageModelToolResult: new (parts: unknown[]) => unknown;
  LanguageModelTextPart: new (text: string) => unknown;
  McpStdioServerDefinition?: new (label: string, command: string, args?: string[], env?: Record<string, string>, version?: string) => { cwd?: vscode.Uri };
}

function languageModelApi(): (LanguageModelToolApi & LanguageModelToolClasses) | undefined {
  const api = vscode as unknown as { lm?: Partial<LanguageModelToolApi> } & Partial<LanguageModelToolClasses>;
  if (typeof api.lm?.registerTool !== 'function' || !api.LanguageModelToolResult || !api.LanguageModelTextPart) return undefined;
  return {
    registerTool: api.lm.registerTool.bind(api.lm),
    registerMcpServerDefinitionProvider: api.lm.registerMcpServerDefinitionProvider?.bind(api.lm),
    LanguageModelToolResult: api.LanguageModelToolResult,
    LanguageModelTextPart: api.LanguageModelTextPart,
    McpStdioServerDefinition: api.McpStdioServerDefinition,
  };
}

type CheckToolInput = Omit<AgentCheckParams, 'workspaceFolder'> & { workspaceFolder?: string };

/**
 * Agent mode's access to Preflight: the `preflight_check` tool (through the
 * language server: the same engine, config and settings, no workspace code run)
 * and, where VS Code has MCP server definitions, the `preflight mcp` server.
 * Nothing happens on hosts without the API.
 */
export function registerAgentTools(context: vscode.ExtensionContext, client: LanguageClient, log: vscode.LogOutputChannel): void {
  const api = languageModelApi();
  if (!api) {
    log.info('This VS Code has no language-model tool API (1.95+): the preflight_check tool is not offered.');
    return;
  }
  try {
    registerCheckTool(context, client, api);
  } catch (error) {
    log.warn(`The preflight_check language-model tool could not be registered: ${describe(error)}`);
  }
  if (!hasFinalMcpApi(vscode.version)) return;
  try {
    registerMcpServers(context, api);
  } catch (error) {
    log.warn(`The Preflight MCP server could not be offered to VS Code: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function registerCheckTool(context: vscode.ExtensionContext, client: LanguageClient, api: LanguageModelToolApi & LanguageModelToolClasses): void {
  context.subscriptions.push(
    api.registerTool<CheckToolInput>(CHECK_TOOL_NAME, {
      invoke: async ({ input }, token) => {
        let result: AgentCheckResult;
        try {
          result = await client.sendRequest<AgentCheckResult>(AGENT_CHECK_REQUEST, input ?? {}, token);
        } catch (error) {
          throw new Error(`The Preflight language server did not answer (${describe(error)}); see the Preflight output.`);
        }
        // An error's sentence is the answer the model reads, so that it can correct the call.
        return new api.LanguageModelToolResult([new api.LanguageModelTextPart(result.text)]);
      },
    }),
  );
}

function registerMcpServers(context: vscode.ExtensionContext, api: LanguageModelToolApi & LanguageModelToolClasses): void {
  const register = api.registerMcpServerDefinitionProvider;
  const Definition = api.McpStdioServerDefinition;
  if (!register || !Definition) return;
  const changed = new vscode.EventEmitter<void>();
  const serverModule = context.asAbsolutePath(SERVER_MODULE);
  const definitions = () =>
    // git runs in the server (the default scope), so only for a trusted workspace.
    !vscode.workspace.isTrusted
      ? []
      : (vscode.workspace.workspaceFolders ?? [])
          .filter((folder) => folder.uri.scheme === 'file')
          .map((folder) => {
            const args = [serverModule, 'mcp', '--root', folder.uri.fsPath];
            // The extension host's executable runs the bundle as plain Node.
            const definition = new Definition(`Preflight (${folder.name})`, process.execPath, args, { ELECTRON_RUN_AS_NODE: '1' }, context.extension.packageJSON.version);
            definition.cwd = folder.uri;
            return definition;
          });
  const provider = register(MCP_PROVIDER_ID, { onDidChangeMcpServerDefinitions: changed.event, provideMcpServerDefinitions: definitions });
  context.subscriptions.push(
    provider,
    changed,
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()),
  );
}
