import * as vscode from 'vscode';
import { registerAgentTools } from './agent-tools';
import { registerChecklistPanel } from './checklist/panel';
import { Commands } from './commands';
import { ServerSession } from './session';
import { ServerStatus } from './status';

let session: ServerSession | undefined;

/** Registered only when the extension runs under tests (ExtensionMode.Test), never contributed. */
export const TestCommands = { serverStatus: 'preflight.test.serverStatus' } as const;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const outputChannel = vscode.window.createOutputChannel('Preflight', { log: true });
  const status = new ServerStatus();
  session = new ServerSession(context, outputChannel, status);
  const current = session;
  context.subscriptions.push(
    outputChannel,
    status,
    vscode.commands.registerCommand(Commands.restartServer, () => current.restart()),
    vscode.commands.registerCommand(Commands.showOutput, () => outputChannel.show(true)),
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(vscode.commands.registerCommand(TestCommands.serverStatus, () => status.shown));
  }
  registerPanelWhenTrusted(context, current);
  registerAgentTools(context, current.client, outputChannel);
  // Not awaited: activation finishes at once; the status item shows the server coming up.
  void current.start();
}

export async function deactivate(): Promise<void> {
  const ending = session;
  session = undefined;
  await ending?.dispose();
}

/**
 * The readiness checklist runs git, and a repository's own git config can make git run
 * programs; so in Restricted Mode the panel waits until the user trusts the workspace.
 * The server is restarted then so that it is told the workspace is trusted.
 */
function registerPanelWhenTrusted(context: vscode.ExtensionContext, current: ServerSession): void {
  if (vscode.workspace.isTrusted) {
    registerChecklistPanel(context, current.client);
    return;
  }
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      registerChecklistPanel(context, current.client);
      void current.restart();
    }),
  );
}
