import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  ExecuteCommandRequest,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowDocumentRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ClientCapabilities,
  type CodeAction,
  type Command,
  type ConfigurationItem,
  type Diagnostic,
  type FileEvent,
  type Hover,
  type InitializeResult,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type Registration,
  type ShowDocumentParams,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The server under test; PREFLIGHT_TEST_SERVER_BIN runs the suite against another build (to see a test fail on old code). */
export const SERVER_BIN = process.env.PREFLIGHT_TEST_SERVER_BIN ?? path.join(REPO_ROOT, 'server', 'bin', 'preflight-lsp.js');

/** How long a test waits for the server before failing with a message saying what it waited for. */
export const WAIT_MS = 15_000;

export function fileUri(filePath: string): string {
  return pathToFileURL(filePath).href;
}

export function makeTempWorkspace(prefix = 'preflight-lsp-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Capabilities of a typical modern client (push diagnostics, dynamic file watching, versioned edits). */
export function defaultCapabilities(): ClientCapabilities {
  return {
    workspace: {
      configuration: false,
      didChangeWatchedFiles: { dynamicRegistration: true },
      workspaceEdit: { documentChanges: true },
      workspaceFolders: true,
    },
    textDocument: {
      synchronization: { dynamicRegistration: false },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: {
        codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
        isPreferredSupport: true,
        dataSupport: true,
      },
    },
    window: { showDocument: { support: true } },
  };
}

export interface StartOptions {
  workspaceFolders?: string[];
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Answers workspace/configuration items (only asked when capabilities.workspace.configuration is true). */
  settings?: (item: ConfigurationItem) => unknown;
  /** Extra environment variables for the server process. */
  env?: NodeJS.ProcessEnv;
}

interface DiagnosticsWaiter {
  uri: string;
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (params: PublishDiagnosticsParams) => void;
}

/** A real LSP client for tests: spawns `node server/bin/preflight-lsp.js --stdio` and speaks LSP to it. */
export class LspTestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logMessages: string[] = [];
  readonly registrations: Registration[] = [];
  readonly shownDocuments: ShowDocumentParams[] = [];
  /** Every `preflight/status` notification's `analysing` count, in order. */
  readonly statuses: number[] = [];
  stderr = '';
  initializeResult!: InitializeResult;
  private readonly waiters = new Set<DiagnosticsWaiter>();
  private readonly exited: Promise<number | null>;
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.accept(params)) {
          this.waiters.delete(waiter);
          waiter.resolve(params);
        }
      }
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logMessages.push(params.message);
    });
    connection.onNotification('preflight/status', (params: { analysing: number }) => {
      this.statuses.push(params.analysing);
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    connection.onRequest(ShowDocumentRequest.type, (params) => {
      this.shownDocuments.push(params);
      return { success: true };
    });
    connection.onRequest('window/showMessageRequest', () => null);
    connection.onNotification('window/showMessage', (params: { message: string }) => {
      this.logMessages.push(params.message);
    });
    connection.listen();
  }

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    if (!fs.existsSync(SERVER_BIN)) throw new Error(`server binary missing: ${SERVER_BIN}`);
    const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new LspTestClient(child, connection);
    if (options.settings) {
      const answer = options.settings;
      connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => answer(item)));
    }
    const folders = options.workspaceFolders ?? [];
    // A server that never answers initialize is killed, so it does not outlive the test run.
    const killIfUnanswered = (error: unknown): never => {
      child.kill('SIGKILL');
      throw error;
    };
    client.initializeResult = await client.withTimeout(
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: folders[0] ? fileUri(folders[0]) : null,
        workspaceFolders: folders.map((folder) => ({ uri: fileUri(folder), name: path.basename(folder) })),
        capabilities: options.capabilities ?? defaultCapabilities(),
        initializationOptions: options.initializationOptions,
      }),
      'the initialize response',
    ).catch(killIfUnanswered);
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Races a promise against WAIT_MS, failing with what was awaited and the server's stderr. */
  async withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}.\nserver stderr:\n${this.stderr}\nserver log:\n${this.logMessages.join('\n')}`)),
        ms,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Polls `condition` until it holds, failing after WAIT_MS with `what`. */
  async waitUntil(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!condition()) {
      if (Date.now() > deadline) await this.withTimeout(new Promise(() => undefined), what, 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async open(uri: string, text: string, languageId = 'typescript', version = 1): Promise<void> {
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
  }

  /** Sends incremental changes (applied in order, as LSP specifies) and returns the new version. */
  async change(uri: string, changes: { range: Range; text: string }[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    let text = this.text(uri);
    for (const change of changes) text = applyEdits(text, [{ range: change.range, newText: change.text }]);
    this.texts.set(uri, text);
    const contentChanges: TextDocumentContentChangeEvent[] = changes;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
    return version;
  }

  /** Applies text edits to the document as the editor would (one incremental change per edit, last first). */
  async applyTextEdits(uri: string, edits: TextEdit[]): Promise<number> {
    const lastFirst = [...edits].sort((a, b) => comparePositions(b.range.start, a.range.start));
    return this.change(uri, lastFirst.map((edit) => ({ range: edit.range, text: edit.newText })));
  }

  /** Applies a WorkspaceEdit for `uri` (checking a versioned edit still matches the document). */
  async applyWorkspaceEdit(uri: string, edit: WorkspaceEdit): Promise<number> {
    return this.applyTextEdits(uri, editsFor(uri, edit, this.version(uri)));
  }

  /** didSave without text (the server declares `includeText: false`). */
  async save(uri: string): Promise<void> {
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  text(uri: string): string {
    const text = this.texts.get(uri);
    if (text === undefined) throw new Error(`document not open in the test client: ${uri}`);
    return text;
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** The next (or an already received) publishDiagnostics for `uri` that `accept` takes. */
  waitForDiagnostics(
    uri: string,
    accept: (params: PublishDiagnosticsParams) => boolean,
    what: string,
    options: { includePast?: boolean; ms?: number } = {},
  ): Promise<PublishDiagnosticsParams> {
    if (options.includePast) {
      const past = this.published.filter((params) => params.uri === uri && accept(params)).pop();
      if (past) return Promise.resolve(past);
    }
    const received = new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.add({ uri, accept, resolve }));
    return this.withTimeout(received, `diagnostics for ${path.basename(uri)}: ${what}`, options.ms);
  }

  /** The diagnostics published for exactly `version` of the document. */
  diagnosticsForVersion(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return this.waitForDiagnostics(uri, (params) => params.version === version, `version ${version}`, {
      includePast: true,
    });
  }

  lastPublished(uri: string): PublishDiagnosticsParams | undefined {
    return this.published.filter((params) => params.uri === uri).pop();
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.withTimeout(
      this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }),
      'the hover response',
    );
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const context = only ? { diagnostics, only } : { diagnostics };
    const result = await this.withTimeout(
      this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context }),
      'the codeAction response',
    );
    return (result ?? []).filter((item): item is CodeAction => !isCommand(item));
  }

  executeCommand(command: string, args: unknown[]): Promise<unknown> {
    return this.withTimeout(
      this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),
      `executeCommand ${command}`,
    );
  }

  pullDiagnostics(uri: string): Promise<DocumentDiagnosticReport> {
    return this.withTimeout(
      this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }),
      'the textDocument/diagnostic response',
    );
  }

  request<R>(method: string, params?: unknown): Promise<R> {
    return this.withTimeout(this.connection.sendRequest<R>(method, params), `the ${method} response`);
  }

  async configurationChanged(settings: unknown): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  async watchedFilesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** Resolves with the server's exit code once its process has exited (fails after `ms`). */
  exitCode(ms = WAIT_MS): Promise<number | null> {
    return this.withTimeout(this.exited, 'the server process to exit', ms);
  }

  /** shutdown + exit; resolves with the server's exit code. */
  async shutdown(): Promise<number | null> {
    await this.withTimeout(this.connection.sendRequest(ShutdownRequest.type), 'the shutdown response');
    await this.connection.sendNotification(ExitNotification.type);
    const code = await this.withTimeout(this.exited, 'the server process to exit');
    this.connection.dispose();
    return code;
  }

  /** For after-hooks: ends the server whatever state it is in. */
  async dispose(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    try {
      await this.shutdown();
    } catch {
      this.process.kill('SIGKILL');
    }
  }
}

function isCommand(item: CodeAction | Command): item is Command {
  return typeof (item as Command).command === 'string';
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** The offset of a position in `text` (LSP: 0-based line and UTF-16 character). */
export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const newline = text.indexOf('\n', offset);
    if (newline === -1) return text.length;
    offset = newline + 1;
  }
  return Math.min(offset + position.character, text.length);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Applies non-overlapping edits, as LSP defines them (all ranges refer to the original text). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const byOffset = edits
    .map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of byOffset) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}

/** The edits a WorkspaceEdit makes to one document; throws if a versioned edit targets another version. */
export function editsFor(uri: string, edit: WorkspaceEdit, currentVersion: number): TextEdit[] {
  const edits: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if (!('textDocument' in change) || change.textDocument.uri !== uri) continue;
    if (change.textDocument.version !== null && change.textDocument.version !== currentVersion) {
      throw new Error(`edit is for version ${change.textDocument.version}, document is at ${currentVersion}`);
    }
    for (const textEdit of change.edits) {
      if (!('range' in textEdit) || !('newText' in textEdit)) throw new Error('unexpected edit kind in WorkspaceEdit');
      edits.push({ range: textEdit.range, newText: textEdit.newText });
    }
  }
  return edits;
}

/** The range of the first occurrence of `needle` in `text`. */
export function rangeOf(text: string, needle: string, from = 0): Range {
  const start = text.indexOf(needle, from);
  if (start === -1) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  return { start: positionAt(text, start), end: positionAt(text, start + needle.length) };
}
