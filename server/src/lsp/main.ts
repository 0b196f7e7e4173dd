import { ProposedFeatures, StreamMessageReader, StreamMessageWriter, createConnection, type Connection } from 'vscode-languageserver/node';
import { inspect } from 'node:util';
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
    // Picks the transport from argv: --stdio (read here, to watch its headers), --node-ipc or --socket=<port>.
    connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
  } catch (error) {
    process.stderr.write(`preflight-lsp: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  server = startServer(connection);
  connection.listen();
}

/**
 * The --stdio connection, with its reader in hand: after a malformed header
 * (no Content-Length, or one that is not a number) the reader cannot tell
 * where the next message starts and goes quiet, so the server exits with an
 * error and the client restarts it. A body that is not JSON is only logged:
 * its length was known, so the next message is read correctly.
 */
function stdioConnection(): Connection {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  reader.onError((error) => {
    if (error instanceof SyntaxError) return;
    process.stderr.write(`preflight-lsp: unreadable message header from the client (${error.message.split('\n')[0]}); exiting so that the client restarts the server\n`);
    process.exit(1);
  });
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  redirectConsole(connection);
  // As the library does for the streams it opens itself: the client went away.
  const clientGone = () => process.exit(server?.shutdownRequested ? 0 : 1);
  process.stdin.on('end', clientGone);
  process.stdin.on('close', clientGone);
  return connection;
}

/** stdout carries the protocol: console output goes to the client's log instead (as the library does for --stdio). */
function redirectConsole(connection: Connection): void {
  const text = (args: unknown[]) => args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
  console.log = (...args: unknown[]) => connection.console.log(text(args));
  console.info = (...args: unknown[]) => connection.console.info(text(args));
  console.debug = (...args: unknown[]) => connection.console.log(text(args));
  console.warn = (...args: unknown[]) => connection.console.warn(text(args));
  console.error = (...args: unknown[]) => connection.console.error(text(args));
}
