import * as os from 'node:os';
import * as path from 'node:path';
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import { AnalysisCancelled } from '../engine/analyze';
import { AnalysisProject } from '../parse/project';
import { buildChecklistReport, withCurrentTicks } from '../checklist/report';
import { FactsThread } from '../checklist/facts-thread';
import { checklistMarkdown, insertIntoPrTemplate } from '../checklist/markdown';
import { manualItems } from '../checklist/manual-items';
import { branchFromGitHead, gitUserName, NO_BRANCH_KEY } from '../checklist/scope';
import { currentBranch } from '../workspace/git';
import { readTicks, ticksForBranch, TicksFileError, writeTick } from '../checklist/ticks';
import {
  ChecklistRequestMethods,
  type ChecklistParams,
  type ChecklistReport,
  type InsertIntoPrTemplateResult,
  type MarkdownResult,
  type TickParams,
  type TickResult,
} from '../checklist/types';
import { fileUriToPath, isInside } from './paths';
import type { PreflightServices, WorkspaceFolderInfo } from './services';

/**
 * The `preflight/checklist*` requests (method names and payloads in checklist/types.ts):
 * - `preflight/checklist` (ChecklistParams → ChecklistReport): reports work-done
 *   progress (on the client's token, else one the server creates) and stops
 *   when the request or the progress is cancelled (error -32800);
 * - `preflight/checklist/tick` (TickParams → TickResult): writes .preflight/checklist.json;
 * - `preflight/checklist/markdown` (ChecklistParams → MarkdownResult);
 * - `preflight/checklist/insertIntoPrTemplate` (ChecklistParams → InsertIntoPrTemplateResult).
 * Bad params answer InvalidParams; failures answer an error with a message (never a crash).
 */
export function registerChecklistRequests(connection: Connection, services: PreflightServices): void {
  const checklists = new FolderChecklists(services);

  connection.onRequest(ChecklistRequestMethods.checklist, (params: unknown, token: CancellationToken) =>
    answer(services, ChecklistRequestMethods.checklist, async () => {
      const request = checklistParams(params);
      const folder = resolveFolder(services, request.workspaceFolder);
      const progress = await startProgress(connection, request.workDoneToken);
      try {
        return await checklists.build(folder, request, {
          isCancelled: () => token.isCancellationRequested || progress.token.isCancellationRequested,
          onProgress: (message, percentage) => progress.report(percentage, message),
        });
      } finally {
        progress.done();
      }
    }),
  );

  connection.onRequest(ChecklistRequestMethods.tick, (params: unknown) =>
    answer(services, ChecklistRequestMethods.tick, async (): Promise<TickResult> => {
      const request = tickParams(params);
      const folder = resolveFolder(services, request.workspaceFolder);
      return checklists.tick(folder, request);
    }),
  );

  connection.onRequest(ChecklistRequestMethods.markdown, (params: unknown, token: CancellationToken) =>
    answer(services, ChecklistRequestMethods.markdown, async (): Promise<MarkdownResult> => {
      const request = checklistParams(params);
      const folder = resolveFolder(services, request.workspaceFolder);
      const report = await checklists.latestOrBuild(folder, request, () => token.isCancellationRequested);
      return { markdown: checklistMarkdown(report) };
    }),
  );

  connection.onRequest(ChecklistRequestMethods.insertIntoPrTemplate, (params: unknown, token: CancellationToken) =>
    answer(services, ChecklistRequestMethods.insertIntoPrTemplate, async (): Promise<InsertIntoPrTemplateResult> => {
      const request = checklistParams(params);
      const folder = resolveFolder(services, request.workspaceFolder);
      const report = await checklists.latestOrBuild(folder, request, () => token.isCancellationRequested);
      return insertIntoPrTemplate(folder.path, checklistMarkdown(report));
    }),
  );
}

// ---------------------------------------------------------------------------
// Per-folder state: one analysis project (kept between runs, so the type
// checker's work is reused) and the last report per scope.

interface FolderState {
  project: AnalysisProject;
  /** Reads project facts on a worker thread, which reuses a file's facts while its text is unchanged. */
  facts: FactsThread;
  /** Last report per `${scope}|${base}`. */
  reports: Map<string, ChecklistReport>;
  /** Builds run one at a time per folder (they share the project). */
  queue: Promise<unknown>;
}

class FolderChecklists {
  private readonly folders = new Map<string, FolderState>();

  constructor(private readonly services: PreflightServices) {}

  private state(folder: WorkspaceFolderInfo): FolderState {
    let state = this.folders.get(folder.path);
    if (!state) {
      state = { project: new AnalysisProject(), facts: new FactsThread((message) => this.services.log('warn', message)), reports: new Map(), queue: Promise.resolve() };
      this.folders.set(folder.path, state);
    }
    return state;
  }

  async build(
    folder: WorkspaceFolderInfo,
    request: ChecklistParams,
    hooks: { isCancelled: () => boolean; onProgress?: (message: string, percentage: number) => void },
  ): Promise<ChecklistReport> {
    const state = this.state(folder);
    const run = state.queue.then(async () => {
      if (hooks.isCancelled()) throw new AnalysisCancelled();
      const started = Date.now();
      const report = await buildChecklistReport({
        root: folder.path,
        scope: request.scope,
        base: request.base,
        config: this.services.configFor(folder.path),
        project: state.project,
        pruneProject: true,
        factsReader: state.facts,
        classifier: this.services.testCodeClassifier(folder.path),
        allowGit: this.services.workspaceTrusted(),
        readText: this.openDocumentText(folder),
        isCancelled: hooks.isCancelled,
        onProgress: (progress) => hooks.onProgress?.(progress.message, progress.percentage),
      });
      state.reports.set(reportKey(request), report);
      // A workspace scan type-checked every file: keeping that program would hold its memory (over a
      // gigabyte on a large repository) for the rest of the session. The next changed-files scan builds
      // its smaller one again.
      if (report.scope.kind === 'workspace') state.project = new AnalysisProject();
      this.services.log('info', scanLogLine(report, Date.now() - started));
      this.services.showScanFindings(folder.path, report);
      return report;
    });
    state.queue = run.catch((error: unknown) => {
      if (error instanceof AnalysisCancelled) this.services.log('info', `checklist (${request.scope}): cancelled`);
    });
    return run;
  }

  async latestOrBuild(folder: WorkspaceFolderInfo, request: ChecklistParams, isCancelled: () => boolean): Promise<ChecklistReport> {
    const latest = this.state(folder).reports.get(reportKey(request));
    if (latest) return withCurrentTicks(latest, this.services.configFor(folder.path));
    return this.build(folder, request, { isCancelled });
  }

  async tick(folder: WorkspaceFolderInfo, request: TickParams): Promise<TickResult> {
    const config = this.services.configFor(folder.path);
    const known = manualItems(config.checklist.items, {});
    if (!known.some((item) => item.id === request.id)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `unknown checklist item '${request.id}' (known: ${known.map((item) => item.id).join(', ')})`);
    }
    const trusted = this.services.workspaceTrusted();
    const branch = (trusted ? await currentBranch(folder.path).catch(() => undefined) : branchFromGitHead(folder.path)) ?? NO_BRANCH_KEY;
    const by = (trusted ? await gitUserName(folder.path) : undefined) ?? osUserName();
    const document = await writeTick(folder.path, { branch, id: request.id, ticked: request.ticked, by });
    return { branch, manualItems: manualItems(config.checklist.items, ticksForBranch(document, branch)) };
  }

  /** Open editor documents inside the folder, at their editor text. */
  private openDocumentText(folder: WorkspaceFolderInfo): (file: string) => string | undefined {
    const open = new Map<string, string>();
    for (const document of this.services.latestFindings()) {
      if (!isInside(document.filePath, folder.path)) continue;
      const text = this.services.project.get(document.filePath)?.getFullText();
      if (text !== undefined) open.set(path.resolve(document.filePath), text);
    }
    return (file) => open.get(path.resolve(file));
  }
}

/**
 * One line per scan in the output channel: what was read and how long it took,
 * then every file skipped and every rule that failed, so a slow or partial
 * report can be explained without a debugger.
 */
export function scanLogLine(report: ChecklistReport, elapsedMs: number): string {
  const facts = report.projectFacts;
  const packages = facts ? facts.packages.map((dir) => dir || '(root)').join(', ') : 'the workspace';
  const parts = [
    `checklist (${report.scope.kind}): ${report.analysedFiles} file(s) analysed`,
    facts ? `project facts from ${facts.files} file(s) of ${packages} (${facts.parsed} parsed)` : undefined,
    `${report.summary.blocking} blocking, ${report.summary.warnings} warning(s)`,
    `in ${(elapsedMs / 1000).toFixed(1)} s${timingsText(report.timings)}`,
  ].filter((part): part is string => part !== undefined);
  const problems = report.problems.map((problem) => `\n  ${problem.file ?? ''}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`);
  return parts.join(' · ') + problems.join('');
}

/** ` (scope 2.1 s, rules done at 7.9 s, facts at 9.6 s)`: where a scan's time went. */
function timingsText(timings: ChecklistReport['timings']): string {
  if (!timings) return '';
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return ` (scope ${seconds(timings.scopeMs)}, rules done at ${seconds(timings.rulesMs)}, facts at ${seconds(timings.factsMs)})`;
}

function reportKey(request: ChecklistParams): string {
  return `${request.scope}|${request.base ?? ''}`;
}

function osUserName(): string | undefined {
  try {
    return os.userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Params and errors

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checklistParams(params: unknown): ChecklistParams {
  const record = isRecord(params) ? params : {};
  const scope = record.scope ?? 'changed';
  if (scope !== 'changed' && scope !== 'workspace') throw invalid(`scope must be 'changed' or 'workspace'`);
  if (record.base !== undefined && (typeof record.base !== 'string' || record.base.trim() === '' || record.base.startsWith('-'))) {
    throw invalid('base must be a revision name');
  }
  if (record.workspaceFolder !== undefined && typeof record.workspaceFolder !== 'string') throw invalid('workspaceFolder must be a URI or path');
  const token = record.workDoneToken;
  if (token !== undefined && typeof token !== 'string' && typeof token !== 'number') throw invalid('workDoneToken must be a string or number');
  return {
    scope,
    base: record.base as string | undefined,
    workspaceFolder: record.workspaceFolder as string | undefined,
    workDoneToken: token as string | number | undefined,
  };
}

function tickParams(params: unknown): TickParams {
  if (!isRecord(params)) throw invalid('expected { id, ticked }');
  if (typeof params.id !== 'string' || params.id === '') throw invalid('id must be a non-empty string');
  if (typeof params.ticked !== 'boolean') throw invalid('ticked must be true or false');
  if (params.workspaceFolder !== undefined && typeof params.workspaceFolder !== 'string') throw invalid('workspaceFolder must be a URI or path');
  return { id: params.id, ticked: params.ticked, workspaceFolder: params.workspaceFolder as string | undefined };
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

/** The open workspace folder named by URI or path (default: the first one). */
function resolveFolder(services: PreflightServices, requested: string | undefined): WorkspaceFolderInfo {
  const folders = services.workspaceFolders();
  if (requested === undefined) {
    const first = folders[0];
    if (!first) throw new ResponseError(ErrorCodes.InvalidRequest, 'no workspace folder is open');
    return first;
  }
  const requestedPath = requested.includes(':') && !path.isAbsolute(requested) ? fileUriToPath(requested) : requested;
  if (!requestedPath) throw invalid(`workspaceFolder is not a file: URI or path: ${requested}`);
  const resolved = path.resolve(requestedPath);
  const folder = folders.find((candidate) => path.resolve(candidate.path) === resolved) ?? folders.find((candidate) => isInside(resolved, candidate.path));
  if (!folder) throw invalid(`not an open workspace folder: ${requested}`);
  return folder;
}

/** Runs a request handler, turning cancellations and failures into LSP errors and logging unexpected ones. */
async function answer<T>(services: PreflightServices, method: string, run: () => Promise<T>): Promise<T | ResponseError<void>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ResponseError) return error;
    if (error instanceof AnalysisCancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, 'checklist cancelled');
    if (error instanceof TicksFileError) return new ResponseError(ErrorCodes.InternalError, error.message);
    services.log('error', `${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return new ResponseError(ErrorCodes.InternalError, `${method} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// ---------------------------------------------------------------------------
// Work-done progress

interface Progress {
  token: { isCancellationRequested: boolean };
  report(percentage: number, message: string): void;
  done(): void;
}

/** Progress on the client's token, or on one the server creates (when the client supports it); a no-op otherwise. */
async function startProgress(connection: Connection, clientToken: string | number | undefined): Promise<Progress> {
  let reporter: WorkDoneProgressReporter & { token?: CancellationToken };
  try {
    reporter = clientToken !== undefined ? connection.window.attachWorkDoneProgress(clientToken) : await connection.window.createWorkDoneProgress();
  } catch {
    return { token: { isCancellationRequested: false }, report: () => undefined, done: () => undefined };
  }
  reporter.begin('Preflight checklist', 0, 'Starting', true);
  let last = -1;
  return {
    token: { get isCancellationRequested() { return reporter.token?.isCancellationRequested ?? false; } },
    report(percentage, message) {
      if (percentage === last) return;
      last = percentage;
      reporter.report(percentage, message);
    },
    done: () => reporter.done(),
  };
}
