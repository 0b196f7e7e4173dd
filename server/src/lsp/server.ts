import { PREFLIGHT_VERSION } from '../version';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisProject } from '../parse/project';
import { CONFIG_FILE_NAME, type ConfigProblem } from '../config/load';
import { ruleDocUrl } from '../docs/links';
import { findRule } from '../rules';
import { ServerLog, describeError, guarded } from './log';
import { AnalysisScheduler, analysisBudgetFromEnv, type AnalysedDocument } from './scheduler';
import { STATUS_NOTIFICATION, type StatusNotification } from './status-notification';
import {
  ConfigStore,
  type EditorOptions,
  settingsFromConfigurationChange,
  settingsFromInitializationOptions,
  workspaceTrustedFromInitializationOptions,
} from './settings';
import { configProblemDiagnostics, toDiagnostics } from './diagnostics';
import { hoverAt } from './hover';
import { SHOW_RULE_DOCS_COMMAND, codeActionsFor, type CodeActionOptions } from './code-actions';
import { FIX_ALL_KIND, fixAllAction, wantsFixAll } from './fix-all';
import { analysisPathFor, fileUriToPath, pathToFileUri } from './paths';
import { isIgnoredByConfig } from '../workspace/ignore-files';
import { isClassificationInput, TestCodeClassifier } from '../workspace/test-code';
import { ProgramFactsIndex } from './program-facts';
import type { ResolvedConfig } from '../config/types';
import { registerChecklistRequests } from './checklist';
import { registerAgentCheckRequest } from './agent-check';
import { WorkspaceProblems } from './workspace-problems';
import { HeapGuard } from './heap-guard';
import type { Disposable, DocumentFindings, PreflightServices, WorkspaceFolderInfo } from './services';

/** Wait after the last keystroke before analysing a document. */
export const CHANGE_DEBOUNCE_MS = 50;
/** How long a first analysis waits for its package's process-level handlers before going on without them. */
const PROGRAM_FACTS_WAIT_MS = 500;
/** How long hover and code actions wait for a pending analysis of the current version. */
const INTERACTIVE_WAIT_MS = 2_000;
/** How long a pull-diagnostics request waits (the client cancels it when the document changes). */
const PULL_WAIT_MS = 30_000;
/** How long to wait for the client's settings before analysing with what is known. */
const INITIAL_SETTINGS_WAIT_MS = 3_000;

/** Quiet time after a config file event seen by our own watcher before reloading. */
const FALLBACK_WATCH_SETTLE_MS = 100;
/** Quiet time after source files changed on disk before checking whether open documents became (or stopped being) test support. */
const TEST_CODE_RECHECK_MS = 500;

/** What the client is asked to watch: config files, and what decides which files are test code. */
export const WATCHED_FILE_GLOBS = [
  `**/${CONFIG_FILE_NAME}`,
  '**/package.json',
  '**/tsconfig*.json',
  '**/{jest,vitest,vite,playwright,cypress}.config.*',
  '**/jest.config.json',
  '**/cypress.json',
  '**/.mocharc.*',
  '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
];

export const STATS_REQUEST = 'preflight/stats';

/** What `preflight/stats` answers (used by the benchmark and for diagnosing slowness). */
export interface ServerStats {
  rssBytes: number;
  heapUsedBytes: number;
  openDocuments: number;
  projectFiles: number;
  analysesCompleted: number;
  analysesCancelled: number;
  lastAnalysisMs: number;
  diagnosticsMode: 'push' | 'pull';
  /** Full garbage collections the server made while idle, to keep its heap near what the open documents need, and their time. */
  heapCollections: number;
  heapCollectionMs: number;
}

interface ClientSupport {
  configuration: boolean;
  watchedFilesRegistration: boolean;
  pullDiagnostics: boolean;
  diagnosticsRefresh: boolean;
  documentChanges: boolean;
  snippetEdits: boolean;
  createFiles: boolean;
  showDocument: boolean;
  workspaceFolderChanges: boolean;
}

function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  return {
    configuration: capabilities.workspace?.configuration === true,
    watchedFilesRegistration: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    pullDiagnostics: capabilities.textDocument?.diagnostic !== undefined,
    diagnosticsRefresh: capabilities.workspace?.diagnostics?.refreshSupport === true,
    documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    snippetEdits: capabilities.workspace?.workspaceEdit?.snippetEditSupport === true,
    createFiles: capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create') === true,
    showDocument: capabilities.window?.showDocument?.support === true,
    workspaceFolderChanges: capabilities.workspace?.workspaceFolders === true,
  };
}

function toFolderInfos(folders: readonly WorkspaceFolder[]): WorkspaceFolderInfo[] {
  return folders.flatMap((folder) => {
    const folderPath = fileUriToPath(folder.uri);
    return folderPath ? [{ uri: folder.uri, name: folder.name, path: folderPath }] : [];
  });
}

function initialFolders(params: InitializeParams): WorkspaceFolderInfo[] {
  if (params.workspaceFolders) return toFolderInfos(params.workspaceFolders);
  const rootUri = params.rootUri ?? (params.rootPath ? pathToFileUri(params.rootPath) : null);
  return rootUri ? toFolderInfos([{ uri: rootUri, name: path.basename(rootUri) }]) : [];
}

/** The Preflight language server on one connection: wiring of LSP messages to analysis, config and features. */
export class PreflightServer {
  readonly log: ServerLog;
  readonly project = new AnalysisProject({ rebuiltOnEdits: true });
  private readonly documents = new TextDocuments(TextDocument);
  private readonly config = new ConfigStore();
  private readonly scheduler: AnalysisScheduler;
  private support: ClientSupport = clientSupport({});
  /** Config files that currently show problems, so that fixed ones get cleared. */
  private configFilesWithProblems = new Set<string>();
  private lastSettingsWarning = '';
  /** Problems in the config files, as last read; published for the folders Preflight is enabled in. */
  private fileConfigProblems: ConfigProblem[] = [];
  private publishedConfigProblems = '[]';
  private workspaceTrusted = true;
  private configReload: Promise<void> = Promise.resolve();
  private fallbackWatchers: fs.FSWatcher[] = [];
  private fallbackReloadTimer: NodeJS.Timeout | undefined;
  private readonly findingsListeners = new Set<(uri: string) => void>();
  private readonly configListeners = new Set<() => void>();
  /** Test-code classifiers by workspace folder ('' outside folders), each for the `tests` config it was made with. */
  private readonly classifiers = new Map<string, { tests: ResolvedConfig['tests']; classifier: TestCodeClassifier }>();
  /** Whether each open file was test code when it was last analysed. */
  private readonly testCodeVerdicts = new Map<string, boolean>();
  private testCodeRecheckTimer: NodeJS.Timeout | undefined;
  /** Per package: its process-level failure handlers, for floating-promise's messages. */
  private readonly programFacts = new ProgramFactsIndex();
  private readonly heapGuard = new HeapGuard();
  /** Checklist scans' findings in files that are not open (`preflight.problems.scope: workspace`). */
  private readonly workspaceProblems = new WorkspaceProblems({
    send: (uri, diagnostics) => void this.connection.sendDiagnostics({ uri, diagnostics }),
    isOpen: (filePath) => this.scheduler.openDocuments().some((open) => path.resolve(open.filePath) === filePath),
  });

  constructor(private readonly connection: Connection) {
    this.log = new ServerLog(connection);
    this.scheduler = new AnalysisScheduler({
      project: this.project,
      log: this.log,
      debounceMs: CHANGE_DEBOUNCE_MS,
      configFor: (filePath) => this.configForAnalysis(filePath),
      programFor: (filePath) => this.programFacts.factsSoon(filePath, PROGRAM_FACTS_WAIT_MS),
      onAnalysed: (result) => this.publish(result),
      onBusy: (analysing) => this.sendStatus({ analysing }),
      budgetMs: analysisBudgetFromEnv(),
    });
  }

  start(): void {
    const { connection, log } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(guarded(log, 'initialized', undefined, () => this.initialized()));
    connection.onShutdown(guarded(log, 'shutdown', undefined, () => this.shutdown()));

    this.documents.onDidOpen((event) => this.safely('didOpen', () => this.opened(event.document)));
    this.documents.onDidChangeContent((event) => this.safely('didChange', () => this.changed(event.document)));
    this.documents.onDidSave((event) => this.safely('didSave', () => this.scheduler.analyseIfChanged(event.document.uri)));
    this.documents.onDidClose((event) => this.safely('didClose', () => this.closed(event.document)));
    this.documents.listen(connection);

    connection.onHover(
      guarded(log, 'hover', null, async (params) => {
        const analysed = await this.currentAnalysis(params.textDocument.uri, INTERACTIVE_WAIT_MS);
        return analysed ? hoverAt(analysed, params.position) : null;
      }),
    );
    connection.onCodeAction(guarded(log, 'codeAction', [], (params) => this.codeActions(params)));
    connection.onExecuteCommand(
      guarded(log, 'executeCommand', null, async (params) => {
        if (params.command === SHOW_RULE_DOCS_COMMAND) await this.showRuleDocs(params.arguments?.[0]);
        else log.warn(`Unknown command ${params.command}`);
        return null;
      }),
    );
    connection.languages.diagnostics.on(
      guarded(log, 'textDocument/diagnostic', { kind: 'full' as const, items: [] }, async (params) => {
        const analysed = await this.scheduler.whenCurrent(params.textDocument.uri, PULL_WAIT_MS);
        return { kind: 'full' as const, items: analysed ? toDiagnostics(analysed) : [] };
      }),
    );
    connection.onDidChangeConfiguration(
      guarded(log, 'didChangeConfiguration', undefined, async (params) => {
        if (!this.support.configuration) {
          this.config.setClientSettingsEverywhere(settingsFromConfigurationChange(params.settings));
        }
        await this.reconfigure();
      }),
    );
    connection.onDidChangeWatchedFiles(
      guarded(log, 'didChangeWatchedFiles', undefined, async (params) => {
        const configChanged = params.changes.some((change) => path.basename(change.uri) === CONFIG_FILE_NAME);
        if (configChanged) {
          await this.reconfigure();
          return;
        }
        const changed = params.changes.flatMap((change) => fileUriToPath(change.uri) ?? []);
        if (params.changes.some((change) => change.type !== FileChangeType.Changed)) this.project.forgetModuleResolutions();
        this.programFacts.invalidate(changed);
        this.testCodeInputsChanged(changed);
      }),
    );
    connection.onRequest(STATS_REQUEST, guarded(log, STATS_REQUEST, null, () => this.stats()));

    try {
      registerChecklistRequests(connection, this.services());
    } catch (error) {
      log.error('Registering the checklist requests failed; the rest of the server works', error);
    }
    registerAgentCheckRequest(connection, this.services());
  }

  /** Quick fixes for the diagnostics in the request, and the fix-all action when the request asks for source actions. */
  private async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const document = this.documents.get(params.textDocument.uri);
    if (!document || !this.scheduler.isOpen(document.uri) || !this.editorOptionsFor(document).enable) return [];
    const actions: CodeAction[] = [];
    if (wantsFixAll(params.context.only)) {
      // On save the document may hold changes that were not analysed yet (`run: onSave`): analyse them first.
      this.scheduler.analyseIfChanged(document.uri);
      const analysed = await this.currentAnalysis(document.uri, PULL_WAIT_MS);
      const fixAll = analysed && fixAllAction(document, analysed, this.codeActionOptions());
      if (fixAll) actions.push(fixAll);
    }
    const analysed = await this.currentAnalysis(document.uri, INTERACTIVE_WAIT_MS);
    return [...actions, ...codeActionsFor(params, document, analysed, this.codeActionOptions())];
  }

  /** With `run: onSave` a change waits for didSave; otherwise it is analysed once typing pauses. */
  private changed(document: TextDocument): void {
    if (this.editorOptionsFor(document).run === 'onSave') return;
    this.scheduler.change(document);
  }

  private editorOptionsFor(document: TextDocument): EditorOptions {
    const filePath = analysisPathFor(document.uri, document.languageId) ?? fileUriToPath(document.uri) ?? '';
    return this.config.editorOptionsForFile(filePath);
  }

  private wantsWorkspaceProblems(folderPath: string): boolean {
    const options = this.config.editorOptionsForFile(folderPath);
    return options.enable && options.problemsScope === 'workspace';
  }

  private codeActionOptions(): CodeActionOptions {
    return { documentChanges: this.support.documentChanges, snippetEdits: this.support.snippetEdits, createFiles: this.support.createFiles };
  }

  /** Tells the client how many documents are being analysed; a client that has gone away is logged once. */
  private sendStatus(status: StatusNotification): void {
    this.safely('status', () => {
      this.connection.sendNotification(STATUS_NOTIFICATION, status).catch((error: unknown) => {
        this.log.once('status-notification', 'info', `Could not send ${STATUS_NOTIFICATION}: ${describeError(error)}`);
      });
    });
  }

  private safely(name: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.log.error(`${name} failed`, error);
    }
  }

  private initialize(params: InitializeParams): InitializeResult {
    try {
      this.support = clientSupport(params.capabilities);
      this.config.setFolders(initialFolders(params));
      this.config.setInitialSettings(settingsFromInitializationOptions(params.initializationOptions));
      this.workspaceTrusted = workspaceTrustedFromInitializationOptions(params.initializationOptions);
      this.fileConfigProblems = this.config.reloadFiles();
      this.config.resolve();
    } catch (error) {
      this.log.error('Reading the initial configuration failed; using defaults', error);
    }
    return { capabilities: this.capabilities(), serverInfo: { name: 'preflight', version: PREFLIGHT_VERSION } };
  }

  private capabilities(): ServerCapabilities {
    const capabilities: ServerCapabilities = {
      // didSave carries no text: the incremental changes already hold it.
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      executeCommandProvider: { commands: [SHOW_RULE_DOCS_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    };
    if (this.support.pullDiagnostics) {
      capabilities.diagnosticProvider = { identifier: 'preflight', interFileDependencies: false, workspaceDiagnostics: false };
    }
    return capabilities;
  }

  private async initialized(): Promise<void> {
    // Notifications may only follow the initialize response, so config problems are published here.
    this.reportSettingsProblems(this.config.resolve());
    this.publishConfigProblems();
    this.watchConfigFiles();
    if (this.support.workspaceFolderChanges) {
      this.connection.workspace.onDidChangeWorkspaceFolders(
        guarded(this.log, 'didChangeWorkspaceFolders', undefined, async (event) => {
          const removed = new Set(event.removed.map((folder) => folder.uri));
          const kept = this.config.getFolders().filter((folder) => !removed.has(folder.uri));
          this.config.setFolders([...kept, ...toFolderInfos(event.added)]);
          this.restartFallbackWatchers();
          await this.reconfigure();
        }),
      );
    }
    if (this.support.configuration) {
      const settingsArrived = this.pullSettings().then(() => {
        this.reportSettingsProblems(this.config.resolve());
        this.publishConfigProblems();
      });
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, INITIAL_SETTINGS_WAIT_MS));
      await Promise.race([settingsArrived.catch((error) => this.log.error('Reading editor settings failed', error)), timeout]);
    }
    this.scheduler.setReady();
  }

  /** Whether the client asked the server to shut down (exiting after that is not a crash). */
  shutdownRequested = false;

  private shutdown(): void {
    this.shutdownRequested = true;
    this.scheduler.dispose();
    this.heapGuard.dispose();
    for (const watcher of this.fallbackWatchers) watcher.close();
    this.fallbackWatchers = [];
    clearTimeout(this.fallbackReloadTimer);
    clearTimeout(this.testCodeRecheckTimer);
  }

  private opened(document: TextDocument): void {
    const filePath = analysisPathFor(document.uri, document.languageId);
    if (!filePath) return;
    this.scheduler.open(document, filePath);
    this.workspaceProblems.opened(filePath);
  }

  private closed(document: TextDocument): void {
    if (!this.scheduler.isOpen(document.uri)) return;
    const { filePath } = this.scheduler.openDocuments().find((open) => open.uri === document.uri) ?? {};
    const latest = this.scheduler.latest(document.uri);
    this.scheduler.close(document.uri);
    if (filePath && !this.scheduler.openDocuments().some((open) => open.filePath === filePath)) this.testCodeVerdicts.delete(filePath);
    const lastAnalysis = latest && latest.version === document.version ? toDiagnostics(latest) : undefined;
    const kept = filePath !== undefined && this.workspaceProblems.closed(filePath, lastAnalysis);
    if (!kept && !this.support.pullDiagnostics) this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    this.emitFindingsChanged(document.uri);
  }

  /** The analysis of the document's current version, or undefined when none arrives in time. */
  private async currentAnalysis(uri: string, waitMs: number): Promise<AnalysedDocument | undefined> {
    const analysed = await this.scheduler.whenCurrent(uri, waitMs);
    const document = this.documents.get(uri);
    return analysed && document && analysed.version === document.version ? analysed : undefined;
  }

  /**
   * The config a file is analysed with, or undefined when it is not analysed:
   * ignored by the config, or test code (unless `tests.analyze`), decided as
   * `preflight check .` run in the workspace folder decides it, so the editor and CI agree.
   */
  private async configForAnalysis(filePath: string): Promise<ResolvedConfig | undefined> {
    if (!this.config.editorOptionsForFile(filePath).enable) return undefined;
    const config = this.config.configForFile(filePath);
    const folder = this.config.folderOf(filePath)?.path;
    if (folder && isIgnoredByConfig(filePath, folder, config.ignore)) return undefined;
    if (config.tests.analyze) {
      this.testCodeVerdicts.delete(filePath);
      return config;
    }
    const isTestCode = await this.isTestCode(filePath, folder, config);
    this.testCodeVerdicts.set(filePath, isTestCode);
    return isTestCode ? undefined : config;
  }

  /** The test-code classifier of a folder ('' and the file's directory outside folders), for the config's `tests`. */
  private classifierFor(folder: string | undefined, root: string, config: ResolvedConfig): TestCodeClassifier {
    const key = folder ?? '';
    let entry = this.classifiers.get(key);
    if (!entry || entry.tests !== config.tests || (!folder && entry.classifier.root !== root)) {
      entry = { tests: config.tests, classifier: new TestCodeClassifier({ root, tests: config.tests }) };
      this.classifiers.set(key, entry);
    }
    return entry.classifier;
  }

  private async isTestCode(filePath: string, folder: string | undefined, config: ResolvedConfig): Promise<boolean> {
    const root = folder ?? path.dirname(filePath);
    const classifier = this.classifierFor(folder, root, config);
    try {
      const verdict = await classifier.classify(filePath, root);
      return verdict !== undefined;
    } catch (error) {
      this.log.once(`test-code:${error instanceof Error ? error.message : String(error)}`, 'error', `Deciding whether ${filePath} is test code failed; analysing it: ${describeError(error)}`);
      return false;
    }
  }

  /**
   * Files changed on disk: a package.json, tsconfig or test-runner config can
   * change any verdict (re-analyse every open document); a source file only
   * its package's imports (re-check the open documents there, and re-analyse
   * those whose verdict changed).
   */
  private testCodeInputsChanged(files: readonly string[]): void {
    if (files.length === 0) return;
    for (const { classifier } of this.classifiers.values()) for (const file of files) classifier.invalidate(file);
    if (files.some((file) => isClassificationInput(path.basename(file)))) {
      this.scheduler.reanalyseAll();
      return;
    }
    clearTimeout(this.testCodeRecheckTimer);
    this.testCodeRecheckTimer = setTimeout(() => void this.recheckTestCode(), TEST_CODE_RECHECK_MS);
  }

  private async recheckTestCode(): Promise<void> {
    for (const { uri, filePath } of this.scheduler.openDocuments()) {
      const before = this.testCodeVerdicts.get(filePath);
      if (before === undefined) continue;
      const config = this.config.configForFile(filePath);
      if (config.tests.analyze) continue;
      const now = await this.isTestCode(filePath, this.config.folderOf(filePath)?.path, config);
      if (now !== before) this.scheduler.reanalyse(uri);
    }
  }

  private publish(result: AnalysedDocument): void {
    if (!this.support.pullDiagnostics) {
      this.connection.sendDiagnostics({ uri: result.uri, version: result.version, diagnostics: toDiagnostics(result) });
    }
    this.emitFindingsChanged(result.uri);
    this.heapGuard.analysed(() => this.scheduler.analysing() === 0);
  }

  /** Re-reads config files and settings, then re-analyses every open document. Serialised. */
  private reconfigure(): Promise<void> {
    this.configReload = this.configReload.then(async () => {
      this.classifiers.clear();
      this.fileConfigProblems = this.config.reloadFiles();
      if (this.support.configuration) await this.pullSettings();
      this.reportSettingsProblems(this.config.resolve());
      this.publishConfigProblems();
      this.workspaceProblems.keepFolders((folderPath) => this.wantsWorkspaceProblems(folderPath));
      this.scheduler.reanalyseAll();
      if (this.support.pullDiagnostics && this.support.diagnosticsRefresh) {
        await this.connection.languages.diagnostics.refresh();
      }
      for (const listener of this.configListeners) this.safely('config listener', listener);
    });
    const done = this.configReload;
    this.configReload = done.catch((error) => this.log.error('Reloading the configuration failed', error));
    return done;
  }

  private async pullSettings(): Promise<void> {
    const folders = this.config.getFolders();
    const items = [...folders.map((folder) => ({ scopeUri: folder.uri, section: 'preflight' })), { section: 'preflight' }];
    const values: unknown[] = await this.connection.workspace.getConfiguration(items);
    folders.forEach((folder, index) => this.config.setClientSettings(folder.path, values[index]));
    this.config.setClientSettings(undefined, values[folders.length]);
  }

  private publishConfigProblems(): void {
    const problems = this.fileConfigProblems.filter((problem) => this.config.editorOptionsForFile(problem.file).enable);
    const byFile = new Map<string, ConfigProblem[]>();
    for (const problem of problems) byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), problem]);
    // Published again once the client's settings arrive; unchanged problems are not logged twice.
    const published = JSON.stringify([...byFile]);
    if (published === this.publishedConfigProblems) return;
    this.publishedConfigProblems = published;
    for (const file of this.configFilesWithProblems) {
      if (!byFile.has(file)) this.connection.sendDiagnostics({ uri: pathToFileUri(file), diagnostics: [] });
    }
    for (const [file, fileProblems] of byFile) {
      this.log.warn(`${file}: ${fileProblems.map((problem) => problem.message).join('; ')} (using defaults there)`);
      this.connection.sendDiagnostics({ uri: pathToFileUri(file), diagnostics: configProblemDiagnostics(fileProblems) });
    }
    this.configFilesWithProblems = new Set(byFile.keys());
  }

  /** Problems in editor settings have no file to show them on: log them, and tell the user once per change. */
  private reportSettingsProblems(problems: ConfigProblem[]): void {
    const text = problems.map((problem) => problem.message).join('; ');
    if (text === this.lastSettingsWarning) return;
    this.lastSettingsWarning = text;
    if (!text) return;
    this.log.warn(`Preflight settings: ${text} (ignored)`);
    void this.connection.window.showWarningMessage(`Preflight settings: ${text}`);
  }

  /** Asks the client to watch config files; falls back to watching the folders ourselves. */
  private watchConfigFiles(): void {
    if (this.support.watchedFilesRegistration) {
      this.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILE_GLOBS.map((globPattern) => ({ globPattern })) })
        .catch((error) => {
          this.log.error('The client refused to watch config files; watching them here', error);
          this.restartFallbackWatchers();
        });
    } else {
      this.restartFallbackWatchers();
    }
  }

  private restartFallbackWatchers(): void {
    if (this.support.watchedFilesRegistration) return;
    for (const watcher of this.fallbackWatchers) watcher.close();
    this.fallbackWatchers = [];
    for (const folder of this.config.getFolders()) {
      try {
        const watcher = fs.watch(folder.path, { persistent: false }, (_event, filename) => {
          const name = filename?.toString();
          if (name && name !== CONFIG_FILE_NAME && isClassificationInput(name)) {
            this.testCodeInputsChanged([path.join(folder.path, name)]);
            return;
          }
          if (name !== CONFIG_FILE_NAME) return;
          // One save fires several events; reload once they settle.
          clearTimeout(this.fallbackReloadTimer);
          this.fallbackReloadTimer = setTimeout(() => void this.reconfigure(), FALLBACK_WATCH_SETTLE_MS);
        });
        watcher.on('error', (error) => this.log.error(`Watching ${folder.path} for config changes failed`, error));
        this.fallbackWatchers.push(watcher);
      } catch (error) {
        this.log.error(`Cannot watch ${folder.path} for config changes`, error);
      }
    }
  }

  private async showRuleDocs(ruleId: unknown): Promise<void> {
    if (typeof ruleId !== 'string' || !findRule(ruleId)) {
      this.log.warn(`${SHOW_RULE_DOCS_COMMAND}: unknown rule ${String(ruleId)}`);
      return;
    }
    const uri = ruleDocUrl(ruleId);
    if (this.support.showDocument) {
      const result = await this.connection.window.showDocument({ uri, takeFocus: true });
      if (result.success) return;
    }
    void this.connection.window.showInformationMessage(`Documentation for ${ruleId}: ${uri}`);
  }

  private stats(): ServerStats {
    const memory = process.memoryUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      projectFiles: this.project.project.getSourceFiles().length,
      diagnosticsMode: this.support.pullDiagnostics ? 'pull' : 'push',
      heapCollections: this.heapGuard.stats.collections,
      heapCollectionMs: Math.round(this.heapGuard.stats.totalMs),
      ...this.scheduler.getStats(),
    };
  }

  private emitFindingsChanged(uri: string): void {
    for (const listener of this.findingsListeners) this.safely('findings listener', () => listener(uri));
  }

  services(): PreflightServices {
    const toFindings = (analysed: AnalysedDocument): DocumentFindings => ({
      uri: analysed.uri,
      filePath: analysed.filePath,
      version: analysed.version,
      findings: analysed.findings,
    });
    const subscribe = <T>(set: Set<T>, listener: T): Disposable => {
      set.add(listener);
      return { dispose: () => set.delete(listener) };
    };
    return {
      project: this.project,
      workspaceTrusted: () => this.workspaceTrusted,
      workspaceFolders: () => this.config.getFolders(),
      configFor: (folderPath) => this.config.configForFolder(folderPath),
      latestFindings: () => this.scheduler.allLatest().map(toFindings),
      findingsFor: (uri) => {
        const analysed = this.scheduler.latest(uri);
        return analysed ? toFindings(analysed) : undefined;
      },
      onFindingsChanged: (listener) => subscribe(this.findingsListeners, listener),
      onConfigChanged: (listener) => subscribe(this.configListeners, listener),
      // Shared only while the client reports source file changes, which is what keeps it current.
      testCodeClassifier: (folderPath) =>
        this.support.watchedFilesRegistration ? this.classifierFor(folderPath, folderPath, this.config.configForFolder(folderPath)) : undefined,
      showScanFindings: (folderPath, report) => {
        if (this.wantsWorkspaceProblems(folderPath)) this.workspaceProblems.publishScan(folderPath, report);
      },
      log: (level, message) => this.log[level](message),
    };
  }
}


export function startServer(connection: Connection): PreflightServer {
  const server = new PreflightServer(connection);
  server.start();
  return server;
}
