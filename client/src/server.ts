import * as path from 'node:path';
import { TransportKind, type ServerOptions } from 'vscode-languageclient/node';

/** Where the bundled language server lives, relative to the extension folder (dev checkout and installed .vsix alike). */
export const SERVER_MODULE = path.join('dist', 'server.js');

/** The port a debugger attaches to when the extension host runs in debug mode. */
export const SERVER_DEBUG_PORT = 6009;

/** Runs the server module in a Node child process, talking LSP over Node IPC. */
export function serverOptions(serverModule: string): ServerOptions {
  return {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', `--inspect=${SERVER_DEBUG_PORT}`, '--enable-source-maps'] },
    },
  };
}
