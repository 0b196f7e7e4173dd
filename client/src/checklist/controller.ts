import * as vscode from 'vscode';
import { State, WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  ChecklistRequestMethods,
  type ChecklistParams,
  type ChecklistReport,
  type MarkdownResult,
  type TickParams,
  type TickResult,
} from 'preflight-server/out/checklist/types';
import type { HostMessage, ScanProgress, ScanScope, WebviewMessage } from './messages';
import { writePrTemplateSection } from './pr-template';
import { buildViewModel, withManualItems, type BuiltViewModel, type ReportLocation } from './view-model';

/** Where a webview message came from, so that replies and opened files go to the right place. */
export interface ChecklistSurface {
  readonly webview: vscode.Webview;
  /** The column to open files in: beside an editor-tab checklist, the active one for the sidebar view. */
  readonly openColumn: () => vscode.ViewColumn;
  readonly isVisible: () => boolean;
}

/** What a webview rendered, as it answers an `inspect` message. */
export interface WebviewSnapshot {
  /** Whether the element asked to be clicked was found (and clicked). */
  clicked: boolean;
  text: string;
  html: string;
}

const DIAGNOSTICS_DEBOUNCE_MS = 500;
/** The `source` of the server's diagnostics (contracts: "Diagnostics in the editor"). */
const DIAGNOSTIC_SOURCE = 'preflight';
const SNAPSHOT_TIMEOUT_MS = 5000;
const SERVER_START_TIMEOUT_MS = 60_000;
/** Progress reaches the webviews at most this often. */
const PROGRESS_INTERVAL_MS = 250;

/** `preflight.checklist.autoScan`: what is scanned without being asked (at start, and again as diagnostics and saves change). */
export type AutoScan = 'off' | 'changed' | 'workspace';

export function autoScanSetting(): AutoScan {
  const value = vscode.workspace.getConfiguration('preflight').get<string>('checklist.autoScan', 'changed');
  return value === 'off' || value === 'workspace' ? value : 'changed';
}

/**
 * Owns the current report: asks the server for it, keeps every open checklist
 * surface (sidebar view, editor tab) and the status item in step, and acts on
 * what the webviews post.
 */
export class ChecklistController implements vscode.Disposable {
  private report: ChecklistReport | undefined;
  private built: BuiltViewModel | undefined;
  private busy = false;
  /** How many scans were started, asked for or not (read by the e2e tests). */
  scansStarted = 0;
  private progress: ScanProgress | null = null;
  private error: string | null = null;
  private scope: ScanScope = 'changed';
  private inFlight: vscode.CancellationTokenSource | undefined;
  /** A diagnostics change arrived during a scan: scan once more when it ends. */
  private rescanAfterCurrent = false;
  private debounce: NodeJS.Timeout | undefined;
  private readonly surfaces = new Set<ChecklistSurface>();
  private readonly pendingSnapshots = new Map<string, (snapshot: WebviewSnapshot) => void>();
  /** uri → a signature of its Preflight diagnostics, to tell their changes from other sources' (e.g. TypeScript's, on every keystroke). */
  private readonly preflightDiagnostics = new Map<string, string>();
  private readonly onDidChangeReportEmitter = new vscode.EventEmitter<ChecklistReport>();
  private readonly disposables: vscode.Disposable[] = [this.onDidChangeReportEmitter];

  /** Fires when a new report (or tick result) arrives. */
  readonly onDidChangeReport = this.onDidChangeReportEmitter.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly viewId: string,
  ) {
    this.disposables.push(
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (this.preflightDiagnosticsChanged(event.uris)) this.scheduleRescan();
      }),
      // Project checks (a SIGTERM handler, a health route) can change without any finding changing.
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (isWorkspaceFile(document.uri)) this.scheduleRescan();
      }),
    );
    // Ticks written elsewhere (the CLI, another window) and config changes (severities, the config's
    // own manual items) change the report even when no diagnostics change.
    for (const glob of ['**/.preflight/checklist.json', '**/preflight.config.json']) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      const rescan = (): void => this.scheduleRescan();
      this.disposables.push(watcher, watcher.onDidChange(rescan), watcher.onDidCreate(rescan), watcher.onDidDelete(rescan));
    }
    this.disposables.push(
      // After a server restart the last report may be stale.
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Running && this.report) this.scheduleRescan();
      }),
    );
  }

  get currentReport(): ChecklistReport | undefined {
    return this.report;
  }

  attach(surface: ChecklistSurface): vscode.Disposable {
    this.surfaces.add(surface);
    return new vscode.Disposable(() => this.surfaces.delete(surface));
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.inFlight?.cancel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** Asks the server for a fresh report of `scope` (default: the last one asked for). */
  async scan(scope: ScanScope = this.scope): Promise<void> {
    this.scope = scope;
    this.scansStarted += 1;
    this.inFlight?.cancel();
    const cancellation = new vscode.CancellationTokenSource();
    this.inFlight = cancellation;
    this.busy = true;
    this.progress = null;
    this.broadcastState();
    const workDoneToken = `preflight-checklist-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    let progressListener: vscode.Disposable | undefined;
    try {
      const report = await vscode.window.withProgress({ location: { viewId: this.viewId } }, async () => {
        await this.serverRunning();
        progressListener = this.followProgress(workDoneToken, scope, cancellation);
        return this.client.sendRequest<ChecklistReport>(
          ChecklistRequestMethods.checklist,
          this.params({ scope, workDoneToken }),
          cancellation.token,
        );
      });
      if (cancellation.token.isCancellationRequested) return;
      this.setReport(report);
      this.error = null;
    } catch (error) {
      if (cancellation.token.isCancellationRequested) return;
      this.error = `The checklist could not be computed: ${describe(error)}`;
    } finally {
      progressListener?.dispose();
      if (this.inFlight === cancellation) {
        this.inFlight = undefined;
        this.busy = false;
        this.progress = null;
        this.broadcastState();
        cancellation.dispose();
        if (this.rescanAfterCurrent) {
          this.rescanAfterCurrent = false;
          this.scheduleRescan();
        }
      }
    }
  }

  /** Stops the running scan; the last report stays. */
  cancelScan(): void {
    if (!this.inFlight) return;
    this.rescanAfterCurrent = false;
    clearTimeout(this.debounce);
    const cancelled = this.inFlight;
    this.inFlight = undefined;
    cancelled.cancel();
    cancelled.dispose();
    this.busy = false;
    this.progress = null;
    this.broadcastState();
  }

  /** Shows the server's work-done progress for this scan in every checklist surface, a few times a second at most. */
  private followProgress(token: string, scope: ScanScope, cancellation: vscode.CancellationTokenSource): vscode.Disposable {
    let lastSent = 0;
    return this.client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (cancellation.token.isCancellationRequested || value.kind === 'end') return;
      this.progress = { scope, message: value.message ?? 'Starting', percentage: value.percentage ?? 0 };
      const now = Date.now();
      if (now - lastSent < PROGRESS_INTERVAL_MS) return;
      lastSent = now;
      this.broadcastState();
    });
  }

  /** Re-requests the report after diagnostics settle; a scan in progress is let finish first. Nothing with `autoScan: off`. */
  scheduleRescan(): void {
    const auto = autoScanSetting();
    if (auto === 'off') return;
    if (this.busy) {
      this.rescanAfterCurrent = true;
      return;
    }
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      // The setting may have changed while the timer ran.
      if (autoScanSetting() !== 'off') void this.scan(this.report ? this.scope : auto);
    }, DIAGNOSTICS_DEBOUNCE_MS);
  }

  /** The scan that starts without being asked (extension start, a view opening), per `preflight.checklist.autoScan`. */
  autoScan(): void {
    const auto = autoScanSetting();
    if (auto !== 'off' && !this.report && !this.busy) void this.scan(auto);
  }

  async handleMessage(message: WebviewMessage, surface: ChecklistSurface): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.post(surface.webview, this.stateMessage());
        this.autoScan();
        return;
      case 'scan':
        await this.scan(message.scope);
        return;
      case 'cancel':
        this.cancelScan();
        return;
      case 'open':
        await this.open(message.locationId, surface.openColumn());
        return;
      case 'tick':
        await this.tick(message.itemId, message.ticked);
        return;
      case 'copyMarkdown':
        await this.copyMarkdown();
        return;
      case 'insertIntoPrTemplate':
        await this.insertIntoPrTemplate();
        return;
      case 'inspected':
        this.pendingSnapshots.get(message.requestId)?.(message);
        this.pendingSnapshots.delete(message.requestId);
        return;
    }
  }

  /** The rendered text and markup of a visible checklist webview (used by the e2e tests). */
  snapshot(): Promise<WebviewSnapshot> {
    return this.inspect(undefined);
  }

  /** Makes the visible webview click its element with this `data-key`, then snapshots it (e2e tests). */
  clickInWebview(dataKey: string): Promise<WebviewSnapshot> {
    return this.inspect(dataKey);
  }

  private inspect(click: string | undefined): Promise<WebviewSnapshot> {
    // The most recently opened visible one: the editor tab when it is open beside the view.
    const surface = [...this.surfaces].reverse().find((candidate) => candidate.isVisible());
    if (!surface) return Promise.reject(new Error('No checklist view is visible.'));
    const requestId = `snapshot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    return new Promise<WebviewSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingSnapshots.delete(requestId);
        reject(new Error(`The checklist webview did not answer within ${SNAPSHOT_TIMEOUT_MS} ms.`));
      }, SNAPSHOT_TIMEOUT_MS);
      this.pendingSnapshots.set(requestId, (snapshot) => {
        clearTimeout(timer);
        resolve(snapshot);
      });
      this.post(surface.webview, click === undefined ? { type: 'inspect', requestId } : { type: 'inspect', requestId, click });
    });
  }

  stateMessage(): HostMessage {
    return { type: 'state', model: this.built?.model ?? null, busy: this.busy, progress: this.progress, error: this.error };
  }

  private preflightDiagnosticsChanged(uris: readonly vscode.Uri[]): boolean {
    let changed = false;
    for (const uri of uris) {
      if (!isWorkspaceFile(uri)) continue;
      const key = uri.toString();
      const signature = vscode.languages
        .getDiagnostics(uri)
        .filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE)
        .map((diagnostic) => `${diagnostic.range.start.line}:${diagnostic.range.start.character}:${diagnostic.severity}:${diagnostic.message}`)
        .join('\n');
      if ((this.preflightDiagnostics.get(key) ?? '') === signature) continue;
      changed = true;
      if (signature) this.preflightDiagnostics.set(key, signature);
      else this.preflightDiagnostics.delete(key);
    }
    return changed;
  }

  /** Resolves once the language client runs (it is started after the panel registers). */
  private serverRunning(): Promise<void> {
    if (this.client.state === State.Running) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        listener.dispose();
        reject(new Error('the Preflight server is not running (see the Preflight output).'));
      }, SERVER_START_TIMEOUT_MS);
      const listener = this.client.onDidChangeState(({ newState }) => {
        if (newState !== State.Running) return;
        clearTimeout(timer);
        listener.dispose();
        resolve();
      });
    });
  }

  private setReport(report: ChecklistReport): void {
    this.report = report;
    this.built = buildViewModel(report);
    this.onDidChangeReportEmitter.fire(report);
  }

  /** The folder the checklist is about: the one the report covers, else the first workspace folder. */
  private folder(): vscode.Uri | undefined {
    return this.report ? vscode.Uri.file(this.report.root) : vscode.workspace.workspaceFolders?.[0]?.uri;
  }

  private params<T extends object>(extra: T): T & { workspaceFolder?: string } {
    const folder = this.folder();
    return folder ? { ...extra, workspaceFolder: folder.toString() } : extra;
  }

  private broadcastState(): void {
    const message = this.stateMessage();
    for (const surface of this.surfaces) this.post(surface.webview, message);
  }

  private post(webview: vscode.Webview, message: HostMessage): void {
    // A webview that is being disposed rejects; the next 'ready' resends the state.
    void Promise.resolve(webview.postMessage(message)).catch(() => undefined);
  }

  private async open(locationId: string, column: vscode.ViewColumn): Promise<void> {
    const location = this.built?.locations.get(locationId);
    if (!location || !this.report) return;
    const uri = resolveInRoot(this.report.root, location);
    if (!uri) return;
    const selection = new vscode.Range(
      location.line - 1,
      location.column - 1,
      location.endLine - 1,
      location.endColumn - 1,
    );
    try {
      await vscode.window.showTextDocument(uri, { selection, viewColumn: column, preview: true });
    } catch (error) {
      void vscode.window.showErrorMessage(`Preflight could not open ${location.file}: ${describe(error)}`);
    }
  }

  private async tick(itemId: string, ticked: boolean): Promise<void> {
    if (!this.report?.manualItems.some((item) => item.id === itemId)) return;
    try {
      const params: TickParams = this.params({ id: itemId, ticked });
      const result = await this.client.sendRequest<TickResult>(ChecklistRequestMethods.tick, params);
      if (this.report) this.setReport(withManualItems(this.report, result.manualItems));
      this.error = null;
    } catch (error) {
      this.error = `The tick could not be saved: ${describe(error)}`;
    }
    // Also after a failure: the webview's checkbox goes back to the stored state.
    this.broadcastState();
  }

  private async copyMarkdown(): Promise<void> {
    try {
      const params: ChecklistParams = this.params({ scope: this.report?.scope.kind ?? this.scope });
      const result = await this.client.sendRequest<MarkdownResult>(ChecklistRequestMethods.markdown, params);
      await vscode.env.clipboard.writeText(result.markdown);
      void vscode.window.showInformationMessage('Preflight: the PR checklist is on the clipboard.');
    } catch (error) {
      void vscode.window.showErrorMessage(`Preflight could not build the PR checklist: ${describe(error)}`);
    }
  }

  private async insertIntoPrTemplate(): Promise<void> {
    try {
      const folder = this.folder();
      if (!folder) throw new Error('no folder is open.');
      const params: ChecklistParams = this.params({ scope: this.report?.scope.kind ?? this.scope });
      const { markdown } = await this.client.sendRequest<MarkdownResult>(ChecklistRequestMethods.markdown, params);
      const update = await writePrTemplateSection(folder, markdown);
      await vscode.window.showTextDocument(update.uri, { preview: true });
      const verb = update.created ? 'created' : update.replaced ? 'updated the checklist in' : 'added the checklist to';
      void vscode.window.showInformationMessage(`Preflight ${verb} ${vscode.workspace.asRelativePath(update.uri)}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Preflight could not write the PR template: ${describe(error)}`);
    }
  }
}

function isWorkspaceFile(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

/** The file's URI under the report root; undefined for a path that would leave it. */
function resolveInRoot(root: string, location: ReportLocation): vscode.Uri | undefined {
  const segments = location.file.split('/');
  if (segments.some((segment) => segment === '..' || segment === '')) return undefined;
  return vscode.Uri.joinPath(vscode.Uri.file(root), ...segments);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
