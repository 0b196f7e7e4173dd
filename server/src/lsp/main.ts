import { ProposedFeatures, createConnection, type Connection } from 'vscode-languageserver/node';
import { describeError } from './log';
import { startServer, type PreflightServer } from './server';

const USAGE =
  'Usage: preflight-lsp --stdio | --node-ipc | --socket=<port>\n' +
  'Starts the Preflight language server; an editor (LSP client) runs it and talks to it over that transport.\n';

let server: PreflightServer | undefined;

/** Last resort: an error no handler caught is logged, and the server keeps serving. */
function logUncaught(kind: string, error: unknown): void {
  const message = `Preflight language server: ${kind}: ${describeError(error)}`;
  if (server) server.log.error(message);
  else process.stderr.write(`${message}\n`);
}

/** Entry point of `preflight-lsp` and of the bundled server the VS Code extension starts. */
export function main(): void {
  process.on('uncaughtException', (error) => logUncaught('uncaught exception', error));
  process.on('unhandledRejection', (reason) => logUncaught('unhandled rejection', reason));

  let connection: Connection;
  try {
    // Picks the transport from argv: --stdio, --node-ipc or --socket=<port>.
    connection = createConnection(ProposedFeatures.all);
  } catch (error) {
    process.stderr.write(`preflight-lsp: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  server = startServer(connection);
  connection.listen();
}
