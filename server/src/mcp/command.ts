import * as path from 'node:path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { parseArgs } from '../cli/args';
import { CONFIG_FILE_NAME } from '../config/load';
import { EXIT_OK, UsageError, type CliIO } from '../cli/io';
import { createPreflightMcpServer } from './server';
import { McpWorkspace } from './workspace';

export const MCP_USAGE = `Usage: preflight mcp [options]

Runs a Model Context Protocol server over stdio (for coding agents): the tools
preflight_check, preflight_fix, preflight_explain and preflight_checklist on the
workspace, with the same engine and config as \`preflight check\`.

Options:
  --root DIR      the workspace (default: the current directory)
  --config FILE   config file (default: <root>/${CONFIG_FILE_NAME} if present)
  -h, --help      show this help
`;

/** `preflight mcp`: serves until the client closes stdin; stdout carries only the protocol. */
export async function mcpCommand(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, [{ name: 'root', value: { placeholder: 'DIR' } }, { name: 'config', value: { placeholder: 'FILE' } }, { name: 'help' }], 'preflight mcp');
  if (parsed.flags.has('help')) {
    io.stdout(MCP_USAGE);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}' for 'preflight mcp'`);
  const root = path.resolve(io.cwd, parsed.values.get('root') ?? '.');
  const configFile = parsed.values.get('config');
  // Anything printed by accident would corrupt the protocol on stdout: send it to stderr.
  console.log = console.info = (...items: unknown[]) => console.error(...items);
  const server = createPreflightMcpServer(new McpWorkspace(root, { configFile: configFile === undefined ? undefined : path.resolve(io.cwd, configFile) }));
  const closed = new Promise<void>((resolve) => (server.server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  process.stdin.once('end', () => void server.close());
  await closed;
  return EXIT_OK;
}
