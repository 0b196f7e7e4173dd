import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  LanguageClient,
  State,
  type CloseHandlerResult,
  type ErrorHandler,
  type LanguageClientOptions,
} from 'vscode-languageclient/node';
import { DOCUMENT_SELECTOR } from './languages';
import { SERVER_MODULE, serverOptions } from './server';
import { currentSettings, SETTINGS_SECTION } from './settings';
import type { ServerStatus } from './status';
import { STATUS_NOTIFICATION, type StatusNotification } from 'preflight-server/out/lsp/status-notification';

const CONFIG_FILE_GLOB = '**/preflight.config.json';

/** What the server receives as `initializationOptions`. */
export interface PreflightInitializationOptions {
  /** The `preflight.*` settings when the session starts (later changes arrive through `workspace/configuration`). */
  preflight: Record<string, unknown>;
  /** False in Restricted Mode: the server must not run programs (git) on the workspace's behalf. */
  workspaceTrusted: boolean;
}

/**
 * One language client for the extension's lifetime: starts the server, keeps the
 * status item in step with it, and restarts it on request.
 */
export class ServerSession implements vscode.Disposable {
  readonly client: LanguageClient;
  private readonly serverModule: string;
  /** True while we stop the server ourselves, so that the stop is not shown as an error. */
  private stopping = false;
  /** The client cannot start again after a failed start (vscode-languageclient keeps the failure). */
  private startFailed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    context: vscode.ExtensionContext,
    private readonly outputChannel: vscode.LogOutputChannel,
    private readonly status: ServerStatus,
  ) {
    this.serverModule = context.asAbsolutePath(SERVER_MODULE);
    const configWatcher = vscode.workspace.createFileSystemWatcher(CONFIG_FILE_GLOB);
    this.disposables.push(configWatcher);

    let defaultErrorHandler: ErrorHandler | undefined;
    const fallbackHandler = (): ErrorHandler => (defaultErrorHandler ??= this.client.createDefaultErrorHandler());
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel,
      diagnosticCollectionName: 'preflight',
      synchronize: { configurationSection: SETTINGS_SECTION, fileEvents: configWatcher },
      initializationOptions: (): PreflightInitializationOptions => ({
        preflight: currentSettings(),
        workspaceTrusted: vscode.workspace.isTrusted,
      }),
      errorHandler: {
        error: (error, message, count) => fallbackHandler().error(error, message, count),
        closed: async (): Promise<CloseHandlerResult> => {
          const result = await fallbackHandler().closed();
          if (result.action === CloseAction.DoNotRestart) {
            this.status.show({ kind: 'error', reason: 'The server stopped after crashing repeatedly. See the Preflight output.' });
          }
          return result;
        },
      },
    };
    this.client = new LanguageClient('preflight', 'Preflight', serverOptions(this.serverModule), clientOptions);
    this.disposables.push(
      this.client.onDidChangeState(({ newState }) => this.onStateChange(newState)),
      this.client.onNotification(STATUS_NOTIFICATION, (params: StatusNotification) => this.status.showAnalysing(params.analysing)),
    );
  }

  /** Starts the server; failures are shown in the status item and logged, never thrown. */
  async start(): Promise<void> {
    if (!fs.existsSync(this.serverModule)) {
      const reason = `The server bundle ${this.serverModule} is missing: run \`npm run build\` in the extension folder.`;
      this.outputChannel.error(reason);
      this.status.show({ kind: 'error', reason });
      return;
    }
    this.status.show({ kind: 'starting' });
    this.outputChannel.info(`Starting the Preflight server: ${this.serverModule}`);
    try {
      await this.client.start();
    } catch (error) {
      this.startFailed = true;
      const reason = `The server failed to start: ${describe(error)}`;
      this.outputChannel.error(reason);
      this.status.show({ kind: 'error', reason });
    }
  }

  async restart(): Promise<void> {
    if (this.startFailed) {
      await this.offerReload();
      return;
    }
    switch (this.client.state) {
      case State.Starting:
        this.outputChannel.info('The server is already starting.');
        return;
      case State.Running:
        this.outputChannel.info('Restarting the Preflight server.');
        await this.stop();
        await this.start();
        return;
      case State.Stopped:
        await this.start();
        return;
    }
  }

  /** Stops the server if it runs (waiting for a start in progress first); never throws. */
  async stop(): Promise<void> {
    this.stopping = true;
    try {
      if (this.client.state === State.Starting) await this.client.start().catch(() => undefined);
      if (this.client.state === State.Running) await this.client.stop();
    } catch (error) {
      this.outputChannel.warn(`Stopping the server failed: ${describe(error)}`);
    } finally {
      this.stopping = false;
    }
  }

  async dispose(): Promise<void> {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    await this.stop();
  }

  private onStateChange(state: State): void {
    switch (state) {
      case State.Starting:
        this.status.show({ kind: 'starting' });
        break;
      case State.Running: {
        const info = this.client.initializeResult?.serverInfo;
        this.status.show({ kind: 'ready', detail: info ? `${info.name} ${info.version ?? ''}`.trim() : undefined });
        break;
      }
      case State.Stopped:
        if (!this.stopping && this.status.state.kind !== 'error') {
          this.status.show({ kind: 'error', reason: 'The server stopped. See the Preflight output.' });
        }
        break;
    }
  }

  private async offerReload(): Promise<void> {
    const reload = 'Reload Window';
    const output = 'Show Output';
    const choice = await vscode.window.showErrorMessage(
      'The Preflight server failed to start in this window and cannot be restarted here. Reload the window to try again.',
      reload,
      output,
    );
    if (choice === reload) await vscode.commands.executeCommand('workbench.action.reloadWindow');
    if (choice === output) this.outputChannel.show(true);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
