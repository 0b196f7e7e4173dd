/** The language-model tool's name in `contributes.languageModelTools` and in `vscode.lm.tools`. */
export const CHECK_TOOL_NAME = 'preflight_check';
/** The id in `contributes.mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'preflight.mcpServers';

/**
 * 1.100 already has a `registerMcpServerDefinitionProvider`, an earlier form that wants another
 * contribution point; the finalized one (`contributes.mcpServerDefinitionProviders`) is 1.101's.
 */
export function hasFinalMcpApi(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 1 || (major === 1 && minor >= 101);
}
