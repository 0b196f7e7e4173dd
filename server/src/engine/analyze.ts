import type { Node, SourceFile, SyntaxKind } from 'ts-morph';
import type { PreviousVersion } from '../facts/previous-version';
import { FileFacts } from '../facts';
import { programFactsOf, type ProgramFacts } from '../facts/process-handlers';
import { shutdownLocationsIn } from '../facts/process';
import { PackageRoots } from '../workspace/package-root';
import { listenedKinds, type Rule, type FindingReport, type RuleListeners } from '../rules/rule';
import { allRules } from '../rules';
import type { ResolvedConfig } from '../config/types';
import { DEFAULT_CONFIG } from '../config/types';
import type { Finding, Severity, Range, Position } from './finding';
import type { Migration } from '../facts/migrations';
import { codeMigrationOf } from '../facts/code-migrations';
import { firstParseProblem, type ParseProblem } from '../parse/project';
import { applySuppressions, type SuppressedFinding } from './suppression';
import { applyEslintDirectives } from './eslint-directives';

export interface RuleFailure {
  ruleId: string;
  error: string;
}

export interface FileAnalysis {
  file: string;
  findings: Finding[];
  parseProblem?: ParseProblem;
  /** Rules that threw on this file; their findings are missing, the others' are not. */
  ruleFailures: RuleFailure[];
  /** Findings that suppression comments hold back, with the comments' reasons. */
  suppressed: SuppressedFinding[];
}

export interface AnalyzeOptions {
  config?: ResolvedConfig;
  rules?: readonly Rule[];
  /** Called once per rule failure, for the log. */
  onRuleFailure?: (failure: RuleFailure, file: string) => void;
  /** Facts about the program the file belongs to (its package's process-level failure handlers). */
  program?: ProgramFacts;
  /** Today's date (YYYY-MM-DD) for suppression expiry; defaults to the real date. */
  today?: string;
  /** For a migration: the version still running while it is deployed (workspace/previous-version). */
  previousVersion?: PreviousVersion;
  /** For a SQL migration file: its statements, when the caller has parsed them already (facts/migrations sqlFileMigration). */
  migration?: Migration;
}

export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

/** The analysis of one file took more than its time budget and was stopped; its findings are unknown. */
export class AnalysisOverBudget extends Error {
  constructor(readonly budgetMs: number) {
    super(`analysis stopped after its budget of ${budgetMs} ms`);
  }
}

/** The severity a rule runs at under `config`, or undefined when it is off. */
function severityOf(rule: Rule, config: ResolvedConfig): Severity | undefined {
  return effectiveSeverity(rule, config);
}

/** Runs one rule's migration hook, adding its findings (offsets mapped to positions by `position`) to `found`. */
export function runMigrationRule(
  rule: Rule,
  migration: Migration,
  text: string,
  config: ResolvedConfig,
  position: (offset: number) => Position,
  found: Finding[],
  severity: Severity,
  previousVersion?: PreviousVersion,
): void {
  const range = (start: number, end: number): Range => ({ start: position(start), end: position(end) });
  rule.migration!({
    migration,
    text,
    options: config.rules[rule.meta.id]?.options,
    fixes: config.fixes ?? DEFAULT_CONFIG.fixes,
    previousVersion,
    report: (r) => {
      found.push({
        ruleId: rule.meta.id,
        severity,
        category: rule.meta.category,
        message: r.message,
        file: migration.file,
        range: range(r.start, r.end),
        startOffset: r.start,
        endOffset: r.end,
        fixes: r.fixes ?? [],
        related: (r.related ?? []).map((rel) => ({ range: range(rel.start, rel.end), message: rel.message })),
      });
    },
  });
}

export function effectiveSeverity(rule: Rule, config: ResolvedConfig): Severity | undefined {
  const setting = config.rules[rule.meta.id]?.severity ?? rule.meta.defaultSeverity;
  return setting === 'off' ? undefined : setting;
}

export function rangeOf(node: Node): { range: Range; startOffset: number; endOffset: number } {
  const sourceFile = node.getSourceFile().compilerNode;
  const startOffset = node.getStart();
  const endOffset = node.getEnd();
  const start = sourceFile.getLineAndCharacterOfPosition(startOffset);
  const end = sourceFile.getLineAndCharacterOfPosition(endOffset);
  return { range: { start, end }, startOffset, endOffset };
}

/** How long an asynchronous analysis runs before it gives way to the event loop (other requests, cancellation). */
const SLICE_MS = 15;

interface ActiveRule {
  rule: Rule;
  listeners: RuleListeners;
  found: Finding[];
  failed: boolean;
}

/**
 * Runs the rules over one file: each enabled rule says which node kinds it
 * listens to, the file is walked once (facts/NodeIndex), and every listened-to
 * node goes to its rules in document order. Yields now and then so that an
 * asynchronous caller can give way to newer work or cancel. A rule that throws
 * loses its findings for the file and hears nothing more; the others go on.
 */
function* runRules(sourceFile: SourceFile, options: AnalyzeOptions): Generator<void, FileAnalysis> {
  const config = options.config ?? DEFAULT_CONFIG;
  const rules = options.rules ?? allRules;
  const facts = FileFacts.of(sourceFile);
  const file = sourceFile.getFilePath();
  const ruleFailures: RuleFailure[] = [];
  const active: ActiveRule[] = [];

  const fail = (entry: ActiveRule, error: unknown): void => {
    entry.failed = true;
    entry.found.length = 0;
    const failure = { ruleId: entry.rule.meta.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    ruleFailures.push(failure);
    options.onRuleFailure?.(failure, file);
  };

  for (const rule of rules) {
    const severity = effectiveSeverity(rule, config);
    if (!severity) continue;
    const configured = config.rules[rule.meta.id]?.severity !== undefined;
    const entry: ActiveRule = { rule, listeners: {}, found: [], failed: false };
    const report = (r: FindingReport): void => {
      entry.found.push({
        ruleId: rule.meta.id,
        severity: (!configured && r.severity) || severity,
        category: rule.meta.category,
        message: r.message,
        file,
        ...rangeOf(r.node),
        fixes: r.fixes ?? [],
        related: (r.related ?? []).map((rel) => ({ range: rangeOf(rel.node).range, message: rel.message })),
      });
    };
    active.push(entry);
    try {
      entry.listeners = rule.create({ sourceFile, facts, program: options.program ?? programFactsBeside(sourceFile), options: config.rules[rule.meta.id]?.options, fixes: config.fixes ?? DEFAULT_CONFIG.fixes, report });
    } catch (error) {
      fail(entry, error);
    }
  }

  yield;

  const subscribers = new Map<SyntaxKind, ActiveRule[]>();
  for (const entry of active) {
    if (entry.failed) continue;
    for (const kind of listenedKinds(entry.listeners)) {
      const list = subscribers.get(kind);
      if (list) list.push(entry);
      else subscribers.set(kind, [entry]);
    }
  }

  for (const { kind, node } of facts.nodes.inDocumentOrder(subscribers.keys())) {
    for (const entry of subscribers.get(kind)!) {
      if (entry.failed) continue;
      try {
        (entry.listeners[kind as keyof RuleListeners] as (node: Node) => void)(node);
      } catch (error) {
        fail(entry, error);
      }
      // A chance to give way after every call: the asynchronous driver decides by the clock whether to take it.
      yield;
    }
  }
  for (const entry of active) {
    if (entry.failed || !entry.listeners.onFileEnd) continue;
    try {
      entry.listeners.onFileEnd();
    } catch (error) {
      fail(entry, error);
    }
    yield;
  }

  const text = sourceFile.getFullText();
  const position = (offset: number) => sourceFile.compilerNode.getLineAndCharacterOfPosition(offset);
  for (const entry of active) {
    if (entry.failed || !entry.rule.migration) continue;
    try {
      const migration = codeMigrationOf(facts);
      if (migration) runMigrationRule(entry.rule, migration, text, config, position, entry.found, severityOf(entry.rule, config)!, options.previousVersion);
    } catch (error) {
      fail(entry, error);
    }
  }

  const findings = active.flatMap((entry) => entry.found);
  const knownRuleIds = new Set([...allRules, ...rules].map((r) => r.meta.id));
  const metaSeverity = (ruleId: string): Severity | undefined => {
    const rule = rules.find((r) => r.meta.id === ruleId);
    return rule && effectiveSeverity(rule, config);
  };
  const outcome = applySuppressions(sourceFile, findings, { knownRuleIds, today: options.today, metaSeverity });
  const kept = applyEslintDirectives(sourceFile, outcome.findings);
  return { file, findings: sortFindings(kept), parseProblem: firstParseProblem(sourceFile), ruleFailures, suppressed: outcome.suppressed };
}

export function analyzeSourceFile(sourceFile: SourceFile, options: AnalyzeOptions = {}): FileAnalysis {
  const run = runRules(sourceFile, options);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

export interface AsyncAnalyzeOptions extends AnalyzeOptions {
  isCancelled?: () => boolean;
  /** Time the analysis itself may take (not counting time given to other work); past it, AnalysisOverBudget. */
  budgetMs?: number;
}

/**
 * As analyzeSourceFile, giving way to the event loop every SLICE_MS; throws
 * AnalysisCancelled when asked to stop, and AnalysisOverBudget once the work on
 * this file has taken longer than its budget.
 */
export async function analyzeSourceFileAsync(sourceFile: SourceFile, options: AsyncAnalyzeOptions = {}): Promise<FileAnalysis> {
  const run = runRules(sourceFile, options);
  let spentMs = 0;
  let sliceStart = performance.now();
  for (;;) {
    if (options.isCancelled?.()) throw new AnalysisCancelled();
    const step = run.next();
    if (step.done) return step.value;
    const now = performance.now();
    if (options.budgetMs !== undefined && spentMs + (now - sliceStart) >= options.budgetMs) {
      run.return(undefined as never);
      throw new AnalysisOverBudget(options.budgetMs);
    }
    if (now - sliceStart < SLICE_MS) continue;
    spentMs += now - sliceStart;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  }
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

/**
 * Program facts when the caller has none: the file's own failure handlers, and
 * the shutdown handling of the files of its package that the project holds
 * (asked lazily: only a file that starts a server needs it).
 */
function programFactsBeside(sourceFile: SourceFile): ProgramFacts {
  let shutdown: ShutdownLocations | undefined;
  const own = programFactsOf([sourceFile]);
  return {
    failureHandlers: own.failureHandlers,
    middleware: own.middleware,
    get shutdownHandling() {
      shutdown ??= shutdownLocationsInPackageOf(sourceFile);
      return shutdown;
    },
  };
}

type ShutdownLocations = ReturnType<typeof shutdownLocationsIn>;

function shutdownLocationsInPackageOf(sourceFile: SourceFile): ShutdownLocations {
  const roots = new PackageRoots();
  const root = roots.of(sourceFile.getFilePath());
  return sourceFile
    .getProject()
    .getSourceFiles()
    .filter((other) => roots.of(other.getFilePath()) === root && !other.isDeclarationFile())
    .flatMap((other) => shutdownLocationsIn(other));
}
