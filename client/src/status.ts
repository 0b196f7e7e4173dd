import * as vscode from 'vscode';
import { Commands } from './commands';
import { DOCUMENT_SELECTOR } from './languages';

export type ServerState =
  | { kind: 'starting' }
  | { kind: 'ready'; detail?: string }
  | { kind: 'error'; reason: string };

/** The language status item's text for a number of files in analysis: `Preflight: analysing 3 files`. */
export function analysingText(files: number): string {
  return `Preflight: analysing ${files} ${files === 1 ? 'file' : 'files'}`;
}

const MAX_HISTORY = 50;

const RESTART = { title: 'Restart', command: Commands.restartServer, tooltip: 'Restart the Preflight language server' };

/** The language status item (under the `{}` beside the language mode in the status bar) showing the server's state. */
export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private current: ServerState = { kind: 'starting' };
  /** Files the running server is analysing (its `preflight/status`); shown over `ready`. */
  private analysing = 0;
  private readonly history: string[] = [];

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('preflight.server', DOCUMENT_SELECTOR);
    this.item.name = 'Preflight';
    this.item.command = RESTART;
    this.show({ kind: 'starting' });
  }

  get state(): ServerState {
    return this.current;
  }

  /** What the item shows and every text it has shown, oldest first (the e2e suite reads them). */
  get shown(): { text: string; busy: boolean; history: readonly string[] } {
    return { text: this.item.text, busy: this.item.busy, history: this.history };
  }

  /** What the server says it is doing: `analysing` files waiting for or in analysis, 0 when idle. */
  showAnalysing(analysing: number): void {
    this.analysing = analysing;
    if (this.current.kind === 'ready') this.show(this.current);
  }

  show(state: ServerState): void {
    this.current = state;
    if (state.kind !== 'ready') this.analysing = 0;
    switch (state.kind) {
      case 'starting':
        this.item.text = 'Preflight: starting';
        this.item.detail = 'Starting the language server';
        this.item.severity = vscode.LanguageStatusSeverity.Information;
        this.item.busy = true;
        break;
      case 'ready':
        this.item.text = this.analysing > 0 ? analysingText(this.analysing) : 'Preflight: ready';
        this.item.detail = state.detail ?? 'Reviewing JavaScript and TypeScript';
        this.item.severity = vscode.LanguageStatusSeverity.Information;
        this.item.busy = this.analysing > 0;
        break;
      case 'error':
        this.item.text = 'Preflight: error';
        this.item.detail = state.reason;
        this.item.severity = vscode.LanguageStatusSeverity.Error;
        this.item.busy = false;
        break;
    }
    if (this.history.at(-1) !== this.item.text) this.history.push(this.item.text);
    if (this.history.length > MAX_HISTORY) this.history.shift();
  }

  dispose(): void {
    this.item.dispose();
  }
}
