import { PREFLIGHT_VERSION } from '../version';
import { previousVersionOfMigration } from '../workspace/previous-version';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisCancelled, analyzeSourceFileAsync, effectiveSeverity } from '../engine/analyze';
import { allRules } from '../rules';
import type { Finding } from '../engine/finding';
import { DEFAULT_MAX_WARNINGS, type ResolvedConfig } from '../config/types';
import type { SourceFile } from 'ts-morph';
import { AnalysisProject, firstParseProblem } from '../parse/project';
import type { Rule } from '../rules/rule';
import { collectSourceFiles, readSourceText } from '../workspace/files';
import { analyzeSqlFile } from '../engine/analyze-sql';
import { loadSqlParser } from '../parse/sql';
import { sqlFileMigration } from '../facts/migrations';
import { codeMigrationOf } from '../facts/code-migrations';
import { FileFacts } from '../facts';
import { checklistMigration, type ScopedMigration } from './migrations';
import { excludedDirectoryReason } from '../workspace/exclusions';
import { TestCodeClassifier } from '../workspace/test-code';
import { isAnalysablePath } from '../parse/project';
import { manualItems } from './manual-items';
import { runProjectChecks, type ChangeSet } from './project-checks';
import { NO_BRANCH_KEY, relativePath, resolveScope, type LineRange, type ResolvedScope } from './scope';
import { readTicks, ticksForBranch, TicksFileError, type TicksDocument } from './ticks';
import type {
  ChecklistCategory,
  ChecklistFinding,
  ChecklistProblem,
  ChecklistReport,
  ChecklistSection,
  ChecklistSummary,
  ManualItem,
  ProjectCheck,
  SeverityCounts,
} from './types';
import { findManifests } from './workspace-facts';
import { projectFactFiles, readProjectFacts, type FactsCache, type ProjectFactsReader } from './project-facts';

export const CHECKLIST_CATEGORIES: readonly { category: ChecklistCategory; title: string }[] = [
  { category: 'resilience', title: 'Resilience' },
  { category: 'error-handling', title: 'Error handling' },
  { category: 'data-integrity', title: 'Data integrity' },
  { category: 'security', title: 'Security' },
  { category: 'performance', title: 'Performance' },
  { category: 'operability', title: 'Operability' },
  { category: 'migrations', title: 'Migrations' },
];

export interface ChecklistProgress {
  message: string;
  /** Files done and to do in the current phase. */
  done: number;
  total: number;
  /** Overall 0–100. */
  percentage: number;
}

export type { FactsCache } from './project-facts';

export interface BuildChecklistOptions {
  /** The workspace root (where preflight.config.json and .preflight/ live). */
  root: string;
  scope: 'changed' | 'workspace';
  /** Base revision for a `changed` scope; default: config, origin/HEAD, main, master. */
  base?: string;
  config: ResolvedConfig;
  /** Polled between files and rules; when true, the build stops with AnalysisCancelled. */
  isCancelled?: () => boolean;
  onProgress?: (progress: ChecklistProgress) => void;
  /** Current text of a file when it differs from disk (an open editor document); undefined reads the disk. */
  readText?: (file: string) => string | undefined;
  /** The project to analyse in; reused across builds by the language server. Default: a new one. */
  project?: AnalysisProject;
  /** Remove from `project` the workspace files this build did not read (deleted or out of scope), so a reused project does not grow. */
  pruneProject?: boolean;
  /**
   * Project facts per file from earlier builds, reused while a file's text is unchanged
   * (the facts of a file depend on its text alone). The language server keeps one per folder.
   */
  factsCache?: FactsCache;
  /** Reads the project facts instead (the language server's worker thread, which keeps its own cache). */
  factsReader?: ProjectFactsReader;
  /**
   * Decides what is test code; the language server passes the one its editor analysis keeps for the
   * folder (made for the same `tests` config), whose package import scans outlive a scan.
   */
  classifier?: TestCodeClassifier;
  /** Treat every manual item as required (`--require-manual`). */
  requireManual?: boolean;
  /** False in an untrusted workspace: git is not run (the scope falls back to the workspace). */
  allowGit?: boolean;
  rules?: readonly Rule[];
  /** YYYY-MM-DD for suppression expiry. */
  today?: string;
}

/**
 * Builds the readiness report:
 * 1. scope: the changed files since the merge base (or the workspace);
 * 2. automated sections: the rules over the in-scope source files, one section per category;
 * 3. project checks: facts of every workspace source file and package.json (readiness is a property
 *    of the program, not of the diff), plus the diff for the change-specific checks;
 * 4. manual items with this branch's ticks.
 *
 * Blocking = error-severity findings + project checks with status `fail`.
 * Ready = nothing blocking, warnings within `checklist.maxWarnings`, every required manual item ticked.
 */
export async function buildChecklistReport(options: BuildChecklistOptions): Promise<ChecklistReport> {
  const root = path.resolve(options.root);
  const progress = progressReporter(options.onProgress);
  const cancelled = (): void => {
    if (options.isCancelled?.()) throw new AnalysisCancelled();
  };

  progress.step(options.scope === 'changed' ? 'Finding changed files' : 'Listing workspace files', 0);
  const classifier = options.classifier ?? new TestCodeClassifier({ root, tests: options.config.tests });
  const started = Date.now();
  options.factsReader?.prepare?.();
  const scope = await resolveScope({ root, scope: options.scope, base: options.base, config: options.config, allowGit: options.allowGit, classifier });
  const scopeMs = Date.now() - started;
  cancelled();

  const project = options.project ?? new AnalysisProject();
  const problems: ChecklistProblem[] = [];
  const loader = new SourceLoader(project, root, options.readText, problems);

  // The project checks' facts are read while the rules analyse the scope: with a worker thread
  // (the language server's) that is the machine's other core.
  // The files are listed first: type-checking blocks this thread, and the worker must have its list before.
  const { packages: factPackages, files: factFiles } = await projectFactFiles(scope, root, options.config, classifier);
  cancelled();
  const factsRead = readFactsForChecks(scope, factFiles, { root, options, loader, problems, cancelled, progress });
  factsRead.catch(() => undefined); // awaited below; a rules failure must not leave it unhandled

  // 1. The rules over the in-scope files (migrations' SQL is read by PostgreSQL's parser, compiled once).
  await loadSqlParser();
  const findings: Finding[] = [];
  let analysed = 0;
  const inScope = await loader.loadAll(scope.sourceFiles);
  for (const [index, sourceFile] of inScope.entries()) {
    cancelled();
    progress.phase('Analysing', index, inScope.length);
    const shown = relativePath(root, sourceFile.getFilePath());
    const parseProblem = firstParseProblem(sourceFile);
    if (parseProblem) {
      problems.push({ file: shown, line: parseProblem.line + 1, message: `does not parse, not analysed: ${parseProblem.message.split('\n')[0]}` });
      continue;
    }
    const result = await analyzeSourceFileAsync(sourceFile, {
      config: options.config,
      rules: options.rules,
      today: options.today,
      isCancelled: options.isCancelled,
      onRuleFailure: (failure) => problems.push({ file: shown, message: `rule ${failure.ruleId} failed here; its findings are missing: ${failure.error.split('\n')[0]}` }),
    });
    analysed += 1;
    findings.push(...result.findings);
  }
  progress.phase('Analysing', inScope.length, inScope.length);
  const migrations = await analyseMigrations(scope, inScope, { root, options, loader, findings });
  analysed += scope.migrationFiles.length;
  const rulesMs = Date.now() - started;

  // 2. The project checks, from the facts of the packages that contain the scope.
  const { facts, parsed, doneAt: factsDoneAt } = await factsRead;
  const { manifests, problems: manifestProblems } = findManifests(root, factFiles);
  problems.push(...manifestProblems);
  const testFiles = listTestFiles(root, classifier);
  const changes = scope.scope.kind === 'changed' ? await changeSet(scope, root, classifier) : undefined;
  cancelled();
  const projectChecks = runProjectChecks({ root, files: facts, manifests, testFiles, changes });

  // 3. Manual items.
  const ticks = readTicksReportingProblems(root, problems);
  const items = manualItems(options.config.checklist.items, ticksForBranch(ticks, scope.branchKey), { requireAll: options.requireManual });

  if (options.pruneProject) loader.pruneOthers();

  const enabledRules = (options.rules ?? allRules).filter((rule) => effectiveSeverity(rule, options.config) !== undefined).map((rule) => rule.meta);
  const { sections, outside } = buildSections(findings, root, enabledRules);
  const migrationSection = sections.find((section) => section.category === 'migrations');
  if (migrationSection && migrations.length > 0) migrationSection.migrations = migrations.map((scoped) => checklistMigration(scoped, findings));
  for (const finding of outside) problems.push({ file: finding.file, line: finding.line, message: `${finding.ruleId}: ${finding.message}` });
  progress.step('Done', 100);
  return {
    tool: 'preflight',
    version: PREFLIGHT_VERSION,
    root,
    scope: scope.scope,
    analysedFiles: analysed,
    projectFacts: { packages: factPackages.map((dir) => relativePath(root, dir)), files: factFiles.length, parsed },
    timings: { scopeMs, rulesMs, factsMs: factsDoneAt - started, totalMs: Date.now() - started },
    summary: summarise(sections, projectChecks, items, options.config.checklist.maxWarnings),
    sections,
    projectChecks,
    manualItems: items,
    problems: uniqueProblems(problems),
  };
}

/**
 * The migrations of the scope: SQL migration files, analysed here by the migration rules (their findings join
 * `findings`), and the JS/TS source files in scope that are migration modules (already analysed with the others).
 */
async function analyseMigrations(
  scope: ResolvedScope,
  inScope: readonly SourceFile[],
  context: { root: string; options: BuildChecklistOptions; loader: SourceLoader; findings: Finding[] },
): Promise<ScopedMigration[]> {
  const { root, options, loader, findings } = context;
  const scoped: ScopedMigration[] = [];
  for (const file of scope.migrationFiles) {
    const text = await loader.text(file);
    if (text === undefined) continue;
    const migration = sqlFileMigration(file, text);
    const previousVersion = await previousVersionOfMigration(migration);
    const result = analyzeSqlFile(file, text, { config: options.config, rules: options.rules, today: options.today, previousVersion, migration });
    findings.push(...result.findings);
    scoped.push({ migration, text, file: relativePath(root, file) });
  }
  for (const sourceFile of inScope) {
    const migration = codeMigrationOf(FileFacts.of(sourceFile));
    if (migration) scoped.push({ migration, text: sourceFile.getFullText(), file: relativePath(root, sourceFile.getFilePath()) });
  }
  return scoped.sort((a, b) => a.file.localeCompare(b.file));
}

/** A file the scope and the project facts both skip is reported once. */
function uniqueProblems(problems: readonly ChecklistProblem[]): ChecklistProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.file ?? ''}|${problem.line ?? ''}|${problem.message}`;
    return !seen.has(key) && seen.add(key);
  });
}

interface FactsForChecksContext {
  root: string;
  options: BuildChecklistOptions;
  loader: SourceLoader;
  problems: ChecklistProblem[];
  cancelled: () => void;
  progress: ReturnType<typeof progressReporter>;
}

/**
 * Facts for the project checks, from the packages that contain the scope (readiness is a property
 * of the program, not of the diff; other packages of a monorepo are not read for this change).
 */
async function readFactsForChecks(scope: ResolvedScope, factFiles: readonly string[], context: FactsForChecksContext) {
  const { root, options, loader, progress } = context;
  const reader = options.factsReader ?? { read: readProjectFacts };
  const read = await reader.read(factFiles, {
    root,
    text: (file) => loader.text(file),
    openText: options.readText,
    cache: options.factsCache,
    alwaysParse: new Set(scope.changedFiles),
    cancelled: context.cancelled,
    onProgress: (done, total) => progress.phase('Reading project facts', done, total),
    problems: context.problems,
  });
  progress.phase('Reading project facts', factFiles.length, factFiles.length);
  return { ...read, doneAt: Date.now() };
}

/** The manual items of a finished report, refreshed from the ticks file (after a tick, without re-analysing). */
export function withCurrentTicks(report: ChecklistReport, config: ResolvedConfig, options: { requireManual?: boolean } = {}): ChecklistReport {
  const branchKey = report.scope.branch ?? NO_BRANCH_KEY;
  const problems = report.problems.filter((problem) => !problem.file?.startsWith('.preflight/'));
  const ticks = readTicksReportingProblems(report.root, problems);
  const items = manualItems(config.checklist.items, ticksForBranch(ticks, branchKey), { requireAll: options.requireManual });
  return { ...report, manualItems: items, problems, summary: summarise(report.sections, report.projectChecks, items, config.checklist.maxWarnings) };
}

function readTicksReportingProblems(root: string, problems: ChecklistProblem[]): TicksDocument {
  try {
    return readTicks(root);
  } catch (error) {
    if (!(error instanceof TicksFileError)) throw error;
    problems.push({ file: relativePath(root, error.file), message: `manual ticks not read: ${error.message.slice(error.file.length + 2)}` });
    return { version: 1, branches: {} };
  }
}

// ---------------------------------------------------------------------------

/** Reads files into the project once, from the editor's text when it has one, reporting what it skips. */
class SourceLoader {
  private readonly texts = new Map<string, string | null>();
  private readonly loaded = new Set<string>();

  constructor(
    private readonly project: AnalysisProject,
    private readonly root: string,
    private readonly readText: ((file: string) => string | undefined) | undefined,
    private readonly problems: ChecklistProblem[],
  ) {}

  /** The file's text (editor text first, else disk), or undefined when it is skipped (reported once). */
  async text(file: string): Promise<string | undefined> {
    const known = this.texts.get(file);
    if (known !== undefined) return known ?? undefined;
    let text = this.readText?.(file);
    if (text === undefined) {
      const source = await readSourceText(file);
      if (source.kind === 'skipped') {
        this.problems.push({ file: relativePath(this.root, file), message: `skipped: ${source.reason}` });
        this.texts.set(file, null);
        return undefined;
      }
      text = source.text;
    }
    this.texts.set(file, text);
    return text;
  }

  async load(file: string): Promise<SourceFile | undefined> {
    const text = await this.text(file);
    if (text === undefined) return undefined;
    const sourceFile = this.project.upsert(file, text);
    this.loaded.add(file);
    this.loaded.add(sourceFile.getFilePath());
    return sourceFile;
  }

  async loadAll(files: readonly string[]): Promise<SourceFile[]> {
    const result: SourceFile[] = [];
    for (const file of files) {
      const sourceFile = await this.load(file);
      if (sourceFile) result.push(sourceFile);
    }
    return result;
  }

  /** Removes the project's files under the root that this build did not load (library declaration files stay). */
  pruneOthers(): void {
    for (const sourceFile of this.project.project.getSourceFiles()) {
      const file = sourceFile.getFilePath();
      if (this.loaded.has(file) || sourceFile.isInNodeModules() || sourceFile.isDeclarationFile()) continue;
      const relative = path.relative(this.root, file);
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) this.project.remove(file);
    }
  }
}

async function changeSet(scope: ResolvedScope, root: string, classifier: TestCodeClassifier): Promise<ChangeSet> {
  const byAbsolute = scope.addedLines ? await scope.addedLines() : new Map<string, LineRange[]>();
  const addedLines = new Map<string, LineRange[]>();
  for (const [file, ranges] of byAbsolute) addedLines.set(relativePath(root, file), ranges);
  const testFiles = scope.changedFiles.filter((file) => isTestFile(file, classifier));
  const testFileTexts = new Map<string, string>();
  for (const file of testFiles) {
    try {
      testFileTexts.set(relativePath(root, file), fs.readFileSync(file, 'utf8'));
    } catch {
      // A test that cannot be read simply does not count as importing anything.
    }
  }
  return { files: scope.scope.files, addedLines, testFiles: testFiles.map((file) => relativePath(root, file)), testFileTexts };
}

/**
 * A JS/TS test file as the classifier sees it (the config's `tests.patterns`,
 * the naming conventions, the test runners' configuration), without the
 * modules that only support tests: those are not tests of anything.
 */
export function isTestFile(file: string, classifier: TestCodeClassifier): boolean {
  return isAnalysablePath(file) && classifier.testFileVerdict(file) !== undefined;
}

/** Relative paths of the workspace's test files (outside dependencies, build output and dot-folders). */
export function listTestFiles(root: string, classifier: TestCodeClassifier): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 12) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (excludedDirectoryReason(entry.name)) continue;
        walk(full, depth + 1);
      } else if (entry.isFile()) {
        if (isTestFile(full, classifier)) found.push(relativePath(root, full));
      }
    }
  };
  walk(root, 0);
  return found.sort();
}

function emptyCounts(): SeverityCounts {
  return { error: 0, warning: 0, info: 0, hint: 0, total: 0 };
}

function toChecklistFinding(finding: Finding, root: string): ChecklistFinding {
  return {
    file: relativePath(root, finding.file),
    line: finding.range.start.line + 1,
    column: finding.range.start.character + 1,
    endLine: finding.range.end.line + 1,
    endColumn: finding.range.end.character + 1,
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
  };
}

function compareFindings(a: ChecklistFinding, b: ChecklistFinding): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

/** One section per category; findings of other categories (suppression problems) are returned apart. */
export function buildSections(
  findings: readonly Finding[],
  root: string,
  enabledRules: readonly { id: string; category: string }[],
): { sections: ChecklistSection[]; outside: ChecklistFinding[] } {
  const sections = CHECKLIST_CATEGORIES.map(
    ({ category, title }): ChecklistSection => ({
      category,
      title,
      status: 'pass',
      rules: enabledRules.filter((rule) => rule.category === category).map((rule) => rule.id),
      counts: emptyCounts(),
      findings: [],
    }),
  );
  const outside: ChecklistFinding[] = [];
  for (const finding of findings) {
    const converted = toChecklistFinding(finding, root);
    const section = sections.find((candidate) => candidate.category === finding.category);
    if (!section) {
      outside.push(converted);
      continue;
    }
    section.findings.push(converted);
    section.counts[finding.severity] += 1;
    section.counts.total += 1;
  }
  for (const section of sections) {
    section.findings.sort(compareFindings);
    section.status = section.counts.error + section.counts.warning > 0 ? 'fail' : section.rules.length === 0 ? 'not-checked' : 'pass';
  }
  return { sections, outside: outside.sort(compareFindings) };
}

/**
 * The summary: blocking = error findings + failed project checks; warnings =
 * warning findings + project checks that warn. Ready = nothing blocks, the
 * warnings are within `maxWarnings` (config `checklist.maxWarnings`, default 0)
 * and every required manual item is ticked.
 */
export function summarise(
  sections: readonly ChecklistSection[],
  checks: readonly ProjectCheck[],
  items: readonly ManualItem[],
  maxWarnings: number = DEFAULT_MAX_WARNINGS,
): ChecklistSummary {
  const total = (severity: keyof SeverityCounts): number => sections.reduce((sum, section) => sum + section.counts[severity], 0);
  const counts = {
    errorFindings: total('error'),
    failedChecks: checks.filter((c) => c.status === 'fail').length,
    warningFindings: total('warning'),
    warnedChecks: checks.filter((c) => c.status === 'warn').length,
  };
  const blocking = counts.errorFindings + counts.failedChecks;
  const warnings = counts.warningFindings + counts.warnedChecks;
  const requiredUnticked = items.filter((item) => item.required && !item.ticked).length;
  const notReadyBecause: ChecklistSummary['notReadyBecause'] = [];
  if (blocking > 0) notReadyBecause.push('blocking');
  if (warnings > maxWarnings) notReadyBecause.push('warnings');
  if (requiredUnticked > 0) notReadyBecause.push('manual');
  return {
    blocking,
    warnings,
    notices: total('info') + total('hint'),
    manual: { ticked: items.filter((item) => item.ticked).length, total: items.length, requiredUnticked },
    ready: notReadyBecause.length === 0,
    maxWarnings,
    counts,
    notReadyBecause,
  };
}

/** The counted phases, which run side by side, and their share of the scan's percentage. */
const COUNTED_PHASES = ['Analysing', 'Reading project facts'] as const;
type CountedPhase = (typeof COUNTED_PHASES)[number];
const FIRST_PERCENT = 5;
const LAST_PERCENT = 95;

/**
 * Progress of a scan whose two counted phases run together: the message names
 * each phase still running (`Analysing (3/40) · Reading project facts (466/1791)`),
 * and the percentage is their mean, so it only grows.
 */
function progressReporter(onProgress: BuildChecklistOptions['onProgress']) {
  const fractions = new Map<CountedPhase, number>();
  const running = new Map<CountedPhase, string>();
  let last = '';
  const emit = (message: string, done: number, total: number, percentage: number): void => {
    const key = `${percentage}|${[...running.keys()].join()}`;
    if (key === last && done !== 0) return;
    last = key;
    onProgress?.({ message, done, total, percentage });
  };
  return {
    /** A step that is not counted (`Finding changed files`, `Done`). */
    step(message: string, percentage: number): void {
      emit(message, 0, 0, percentage);
    },
    phase(name: CountedPhase, done: number, total: number): void {
      if (!onProgress) return;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      fractions.set(name, fraction);
      if (done < total) running.set(name, `${name} (${done}/${total})`);
      else running.delete(name);
      const mean = COUNTED_PHASES.reduce((sum, phase) => sum + (fractions.get(phase) ?? 0), 0) / COUNTED_PHASES.length;
      const percentage = Math.round(FIRST_PERCENT + (LAST_PERCENT - FIRST_PERCENT) * mean);
      emit([...running.values()].join(' · ') || `${name} (${done}/${total})`, done, total, percentage);
    },
  };
}

