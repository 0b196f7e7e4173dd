import * as path from 'node:path';
import { previousVersionOfMigration } from '../workspace/previous-version';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeSqlFile } from '../engine/analyze-sql';
import { isSqlMigrationPath } from '../facts/tables/migration-paths';
import { sqlFileMigration } from '../facts/migrations';
import { loadSqlParser } from '../parse/sql';
import { AnalysisCancelled, AnalysisOverBudget, analyzeSourceFileAsync, type RuleFailure } from '../engine/analyze';
import { isStackOverflow, STACK_OVERFLOW_REASON } from '../parse/nesting';
import { unanalysableTextReason, unloadableScriptReason } from '../workspace/files';
import type { Finding } from '../engine/finding';
import { programFactsOf, type ProgramFacts } from '../facts/process-handlers';
import type { Rule } from '../rules/rule';
import type { ResolvedConfig } from '../config/types';
import { MAX_ANALYSED_BYTES, type AnalysisProject } from '../parse/project';
import { describeError, type ServerLog } from './log';
import type { DocumentFindings } from './services';

/** The result of analysing one version of an open document. */
export interface AnalysedDocument extends DocumentFindings {
  languageId: string;
  /** The exact text the findings' offsets refer to. */
  text: string;
}

export interface SchedulerOptions {
  project: AnalysisProject;
  log: Pick<ServerLog, 'info' | 'error' | 'once'>;
  /** The rules to run; all of Preflight's by default. */
  rules?: readonly Rule[];
  /** Delay after a change before analysing, so that typing does not analyse every keystroke. */
  debounceMs: number;
  /**
   * The configuration for a file, or undefined when the file is not analysed
   * (ignored by the config, or test code). May be asynchronous: deciding
   * whether a file is test support reads its package's imports once.
   */
  configFor(filePath: string): ResolvedConfig | undefined | Promise<ResolvedConfig | undefined>;
  /** What the program the file belongs to does with unhandled failures (its process-level handlers). */
  programFor?(filePath: string): Promise<ProgramFacts | undefined>;
  /** Called with each document's current findings once they are known. */
  onAnalysed(result: AnalysedDocument): void;
  /** Called when the number of documents waiting for or in analysis changes (0: idle). */
  onBusy?(analysing: number): void;
  /** Time one analysis may spend on a document before it is stopped (default: DEFAULT_ANALYSIS_BUDGET_MS). */
  budgetMs?: number;
}

/** Per-file analysis budget: past it the analysis stops and says so, rather than keep the CPU for a generated file. */
export const DEFAULT_ANALYSIS_BUDGET_MS = 10_000;

/** The budget from PREFLIGHT_ANALYSIS_BUDGET_MS (for tests and slow machines), else the default. */
export function analysisBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.PREFLIGHT_ANALYSIS_BUDGET_MS);
  return env.PREFLIGHT_ANALYSIS_BUDGET_MS !== undefined && Number.isFinite(value) && value >= 0 ? value : DEFAULT_ANALYSIS_BUDGET_MS;
}

interface DocumentState {
  /** The live document (TextDocuments updates it in place). */
  document: TextDocument;
  filePath: string;
  /** Bumped on every change or re-analysis request; an analysis whose ticket is behind is stale. */
  ticket: number;
  scheduledVersion: number;
  timer?: NodeJS.Timeout;
  result?: AnalysedDocument;
  /** The ticket `result` answers; equal to `ticket` when the result is current. */
  resultTicket: number;
  waiters: ((result: AnalysedDocument | undefined) => void)[];
}

export interface SchedulerStats {
  openDocuments: number;
  analysesCompleted: number;
  analysesCancelled: number;
  lastAnalysisMs: number;
}

/**
 * Decides when each open document is analysed: debounced per document, one
 * analysis at a time over the shared project, a newer version cancelling a
 * stale one, and results published only for the version that is still current.
 */
export class AnalysisScheduler {
  private readonly states = new Map<string, DocumentState>();
  /** Documents whose debounce has elapsed, in the order they became due. */
  private readonly due = new Set<string>();
  private running = false;
  private ready = false;
  private readonly tooLargeLogged = new Set<string>();
  /** Per document, the last reason it was not (fully) analysed that was logged, so it is logged once. */
  private readonly skipLogged = new Map<string, string>();
  private readonly stats = { analysesCompleted: 0, analysesCancelled: 0, lastAnalysisMs: 0 };
  private reportedBusy = 0;

  constructor(private readonly options: SchedulerOptions) {}

  /** Analyses wait until the initial configuration is known. */
  setReady(): void {
    this.ready = true;
    this.pump();
  }

  open(document: TextDocument, filePath: string): void {
    this.close(document.uri);
    this.states.set(document.uri, {
      document,
      filePath,
      ticket: 0,
      scheduledVersion: -1,
      resultTicket: -1,
      waiters: [],
    });
    this.schedule(document.uri, 0);
  }

  /** The document's text changed (its live object already holds the new version). */
  change(document: TextDocument): void {
    const state = this.states.get(document.uri);
    if (!state || state.scheduledVersion === document.version) return;
    state.document = document;
    this.schedule(document.uri, this.options.debounceMs);
  }

  close(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    clearTimeout(state.timer);
    state.ticket++;
    this.states.delete(uri);
    this.due.delete(uri);
    this.reportBusy();
    this.tooLargeLogged.delete(uri);
    this.skipLogged.delete(uri);
    if (![...this.states.values()].some((other) => other.filePath === state.filePath)) {
      this.options.project.remove(state.filePath);
    }
    this.settle(state, undefined);
  }

  /** Re-analyses every open document (after a configuration change). */
  reanalyseAll(): void {
    for (const uri of this.states.keys()) this.schedule(uri, 0);
  }

  /** Re-analyses one open document (its configuration or classification changed). */
  reanalyse(uri: string): void {
    if (this.states.has(uri)) this.schedule(uri, 0);
  }

  /**
   * Analyses the document now if its current version has not been (with
   * `run: onSave` its changes are not analysed as they are typed).
   */
  analyseIfChanged(uri: string): void {
    const state = this.states.get(uri);
    if (state && state.scheduledVersion !== state.document.version) this.schedule(uri, 0);
  }

  /** The open documents and the paths they are analysed under. */
  openDocuments(): { uri: string; filePath: string }[] {
    return [...this.states.entries()].map(([uri, state]) => ({ uri, filePath: state.filePath }));
  }

  isOpen(uri: string): boolean {
    return this.states.has(uri);
  }

  /** The latest result for a document, whichever version it belongs to. */
  latest(uri: string): AnalysedDocument | undefined {
    return this.states.get(uri)?.result;
  }

  allLatest(): AnalysedDocument[] {
    return [...this.states.values()].flatMap((state) => (state.result ? [state.result] : []));
  }

  /**
   * The result for the document's current version and configuration, waiting
   * for a pending analysis up to `timeoutMs`; undefined when the document is
   * not open, was closed meanwhile, or the wait ran out.
   */
  whenCurrent(uri: string, timeoutMs: number): Promise<AnalysedDocument | undefined> {
    const state = this.states.get(uri);
    if (!state) return Promise.resolve(undefined);
    if (state.result && state.resultTicket === state.ticket) return Promise.resolve(state.result);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        state.waiters = state.waiters.filter((waiter) => waiter !== settle);
        resolve(undefined);
      }, timeoutMs);
      const settle = (result: AnalysedDocument | undefined): void => {
        clearTimeout(timer);
        resolve(result);
      };
      state.waiters.push(settle);
    });
  }

  /** Documents whose analysis is due or running (not those still in their debounce). */
  analysing(): number {
    return this.due.size + (this.running ? 1 : 0);
  }

  getStats(): SchedulerStats {
    return { openDocuments: this.states.size, ...this.stats };
  }

  dispose(): void {
    for (const uri of [...this.states.keys()]) this.close(uri);
  }

  private schedule(uri: string, delayMs: number): void {
    const state = this.states.get(uri);
    if (!state) return;
    state.ticket++;
    state.scheduledVersion = state.document.version;
    clearTimeout(state.timer);
    if (this.due.delete(uri)) this.reportBusy();
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.due.add(uri);
      this.pump();
    }, delayMs);
  }

  private pump(): void {
    this.reportBusy();
    if (this.running || !this.ready) return;
    const next = this.due.values().next();
    if (next.done) return;
    const uri = next.value;
    this.due.delete(uri);
    this.running = true;
    this.analyseGuarded(uri).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  private reportBusy(): void {
    const analysing = this.analysing();
    if (analysing === this.reportedBusy) return;
    this.reportedBusy = analysing;
    this.options.onBusy?.(analysing);
  }

  private async analyseGuarded(uri: string): Promise<void> {
    try {
      await this.analyse(uri);
    } catch (error) {
      const state = this.states.get(uri);
      const message = error instanceof Error ? error.message : String(error);
      this.options.log.once(`analysis-error:${message}`, 'error', `Analysis of ${uri} failed: ${describeError(error)}`);
      if (state) this.settle(state, undefined);
    }
  }

  private async analyse(uri: string): Promise<void> {
    const state = this.states.get(uri);
    if (!state) return;
    const ticket = state.ticket;
    const { document, filePath } = state;
    const base = { uri, filePath, version: document.version, languageId: document.languageId };
    const text = document.getText();
    const isStale = (): boolean => this.states.get(uri) !== state || state.ticket !== ticket;

    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_ANALYSED_BYTES) {
      this.skipTooLarge(state, ticket, { ...base, text, findings: [] });
      return;
    }
    // The CLI's limits: minified bundles and too deeply nested code are not analysed.
    const unanalysable = unanalysableTextReason(path.basename(filePath), text, bytes);
    if (unanalysable) {
      this.skipDocument(state, ticket, { ...base, text, findings: [] }, `it is ${unanalysable}; generated or bundled code is not reviewed`);
      return;
    }
    const unloadable = unloadableScriptReason(filePath, text, (file) => this.options.project.get(file) !== undefined);
    if (unloadable) {
      this.skipDocument(state, ticket, { ...base, text, findings: [] }, `${unloadable}, so it is not reviewed`);
      return;
    }
    const config = await this.options.configFor(filePath);
    if (isStale()) {
      this.stats.analysesCancelled++;
      return;
    }
    if (!config) {
      this.options.project.remove(filePath);
      this.finish(state, ticket, { ...base, text, findings: [] });
      return;
    }

    const started = performance.now();
    // SQL migrations, and the SQL strings of JS/TS migrations, are read by PostgreSQL's parser (compiled once).
    await loadSqlParser();
    if (isSqlMigrationPath(filePath)) {
      const failures: RuleFailure[] = [];
      // What the version still running during the deploy reads (git), for destructive-migration.
      const migration = sqlFileMigration(filePath, text);
      const previousVersion = await previousVersionOfMigration(migration);
      if (isStale()) {
        this.stats.analysesCancelled++;
        return;
      }
      const analysis = analyzeSqlFile(filePath, text, { config, rules: this.options.rules, onRuleFailure: (failure) => failures.push(failure), previousVersion, migration });
      if (isStale()) {
        this.stats.analysesCancelled++;
        return;
      }
      for (const failure of failures) this.logRuleFailure(failure, filePath);
      this.stats.analysesCompleted++;
      this.stats.lastAnalysisMs = Math.round(performance.now() - started);
      this.finish(state, ticket, { ...base, text, findings: analysis.findings });
      return;
    }
    const budgetMs = this.options.budgetMs ?? DEFAULT_ANALYSIS_BUDGET_MS;
    let sourceFile;
    try {
      sourceFile = this.options.project.upsert(filePath, text);
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      this.options.project.remove(filePath);
      this.skipDocument(state, ticket, { ...base, text, findings: [] }, `it is ${STACK_OVERFLOW_REASON}`);
      return;
    }
    const failures: RuleFailure[] = [];
    let findings: Finding[];
    try {
      // Until the package's facts are known, the file's own failure handlers stand in, and where the package
      // handles SIGTERM stays unknown (missing-graceful-shutdown says nothing rather than guess from open files).
      const program = (await this.options.programFor?.(filePath).catch(() => undefined)) ?? (this.options.programFor ? { ...programFactsOf([sourceFile]), shutdownHandling: undefined } : undefined);
      const analysis = await analyzeSourceFileAsync(sourceFile, {
        config,
        program,
        rules: this.options.rules,
        isCancelled: isStale,
        onRuleFailure: (failure) => failures.push(failure),
        budgetMs,
      });
      findings = analysis.findings;
    } catch (error) {
      if (error instanceof AnalysisOverBudget) {
        if (isStale()) return;
        this.skipDocument(state, ticket, { ...base, text, findings: [] }, `its analysis ran over the per-file budget of ${budgetMs} ms and was stopped; its findings are not shown`);
        return;
      }
      if (isStackOverflow(error)) {
        if (isStale()) return;
        this.options.project.remove(filePath);
        this.skipDocument(state, ticket, { ...base, text, findings: [] }, `it is ${STACK_OVERFLOW_REASON}`);
        return;
      }
      if (!(error instanceof AnalysisCancelled)) throw error;
      this.stats.analysesCancelled++;
      return;
    }
    if (isStale()) {
      this.stats.analysesCancelled++;
      return;
    }
    if (sourceFile.wasForgotten()) {
      // Someone replaced the file in the shared project mid-analysis; its nodes are gone. Try again.
      this.schedule(uri, 0);
      return;
    }
    for (const failure of failures) this.logRuleFailure(failure, filePath);
    this.stats.analysesCompleted++;
    this.stats.lastAnalysisMs = Math.round(performance.now() - started);
    this.finish(state, ticket, { ...base, text, findings });
  }

  private skipTooLarge(state: DocumentState, ticket: number, empty: AnalysedDocument): void {
    if (!this.tooLargeLogged.has(empty.uri)) {
      this.tooLargeLogged.add(empty.uri);
      this.options.log.info(
        `Not analysing ${empty.uri}: it is larger than ${MAX_ANALYSED_BYTES} bytes (generated or bundled code is not reviewed).`,
      );
    }
    this.options.project.remove(state.filePath);
    this.finish(state, ticket, empty);
  }

  /** Publishes no findings for a document that is not (fully) analysed, and logs why once per document and reason. */
  private skipDocument(state: DocumentState, ticket: number, empty: AnalysedDocument, why: string): void {
    if (this.skipLogged.get(empty.uri) !== why) {
      this.skipLogged.set(empty.uri, why);
      this.options.log.info(`Not analysing ${empty.uri}: ${why}.`);
    }
    this.options.project.remove(state.filePath);
    this.finish(state, ticket, empty);
  }

  private logRuleFailure(failure: RuleFailure, filePath: string): void {
    this.options.log.once(
      `rule-failure:${failure.ruleId}`,
      'error',
      `Rule ${failure.ruleId} failed on ${filePath}; its findings are missing there, other rules still ran. ` +
        `Further failures of this rule are not logged this session.\n${failure.error}`,
    );
  }

  private finish(state: DocumentState, ticket: number, result: AnalysedDocument): void {
    state.result = result;
    state.resultTicket = ticket;
    this.options.onAnalysed(result);
    this.settle(state, result);
  }

  private settle(state: DocumentState, result: AnalysedDocument | undefined): void {
    const waiters = state.waiters;
    state.waiters = [];
    for (const waiter of waiters) waiter(result);
  }
}
