import * as vscode from 'vscode';
import { Commands } from './commands';
import { DOCUMENT_SELECTOR } from './languages';

export type ServerState =
  | { kind: 'starting' }
  | { kind: 'ready'; detail?: string }
  | { kind: 'error'; reason: string };

const RESTART = { title: 'Restart', command: Commands.restartServer, tooltip: 'Restart the Preflight language server' };

/** The language status item (under the `{}` beside the language mode in the status bar) showing the server's state. */
export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private current: ServerState = { kind: 'starting' };

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('preflight.server', DOCUMENT_SELECTOR);
    this.item.name = 'Preflight';
    this.item.command = RESTART;
    this.show({ kind: 'starting' });
  }

  get state(): ServerState {
    return this.current;
  }

  show(state: ServerState): void {
    this.current = state;
    switch (state.kind) {
      case 'starting':
        this.item.text = 'Preflight: starting';
        this.item.detail = 'Starting the language server';
        this.item.severity = vscode.LanguageStatusSeverity.Information;
        this.item.busy = true;
        break;
      case 'ready':
        this.item.text = 'Preflight: ready';
        this.item.detail = state.detail ?? 'Reviewing JavaScript and TypeScript';
        this.item.severity = vscode.LanguageStatusSeverity.Information;
        this.item.busy = false;
        break;
      case 'error':
        this.item.text = 'Preflight: error';
        this.item.detail = state.reason;
        this.item.severity = vscode.LanguageStatusSeverity.Error;
        this.item.busy = false;
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
