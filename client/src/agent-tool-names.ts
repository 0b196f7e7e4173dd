/** The language-model tool's name in `contributes.languageModelTools` and in `vscode.lm.tools`. */
export const CHECK_TOOL_NAME = 'preflight_check';
/** The id in `contributes.mcpServerDefinitionProviders`. */
export const MCP_PROVIDER_ID = 'preflight.mcpServers';
