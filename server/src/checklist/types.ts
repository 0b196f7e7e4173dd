/**
 * The readiness checklist report: one model shared by the language server
 * (`preflight/checklist`), `preflight checklist --format json`, the Markdown
 * export and the VS Code panel.
 *
 * Only type imports, so the client can import it without the engine. Every
 * field is plain JSON. Changing a field is a contract change.
 */

import type { Category, Severity } from '../engine/finding';

/** The automated sections: every rule category but Preflight's own (suppression findings). */
export type ChecklistCategory = Exclude<Category, 'preflight'>;

export type ChecklistSeverity = Severity;

export interface ChecklistScope {
  /** What was analysed: the changed files, or the whole workspace (asked for, or fallen back to). */
  kind: 'changed' | 'workspace';
  /** The base revision compared against (e.g. `origin/main`), when `kind` is `changed`. */
  base: string | null;
  /** The merge-base commit (full SHA), when `kind` is `changed`. */
  mergeBase: string | null;
  /** The current branch; null outside git or on a detached HEAD. */
  branch: string | null;
  /**
   * Files in scope, relative to the root with `/` separators, sorted. For
   * `changed` this includes non-source files (migrations, package.json); for
   * `workspace` it lists the analysable source files.
   */
  files: string[];
  /** Why a `changed` scope was asked for but the whole workspace was analysed (no git, detached HEAD, ...). */
  fallbackReason?: string;
}

export interface ChecklistFinding {
  /** Relative to the report's root, `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based (UTF-16 code units). */
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: ChecklistSeverity;
  message: string;
}

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
  hint: number;
  total: number;
}

/** A lock a migration takes on a table that existed before it (blocking-migration's operations). */
export interface MigrationLock {
  /** PostgreSQL's lock mode: `ACCESS EXCLUSIVE`, `SHARE`, `SHARE ROW EXCLUSIVE`. */
  lock: string;
  /** The table, when the statement names it (a DROP INDEX does not). */
  table: string | null;
  /** 1-based line of the statement. */
  line: number;
  /** The statement, shortened: `CREATE INDEX "Order_userId_idx" ON "Order"`. */
  statement: string;
}

/** One migration in scope (a SQL migration file or a JS/TS migration module), in the Migrations section. */
export interface ChecklistMigration {
  /** Relative to the report's root, `/` separators. */
  file: string;
  /** The migration tool: prisma, drizzle, knex, typeorm, sequelize, mikro-orm, migrations-folder... */
  tool: string;
  /** The locks it takes on existing tables; empty when it takes none that last. */
  locks: MigrationLock[];
  /** Its findings of the migration rules (also listed in the section's findings). */
  findings: number;
  /** Statements or SQL strings it runs that were not analysed (do not parse as PostgreSQL, built at run time). */
  notAnalysed: number;
}

export interface ChecklistSection {
  category: ChecklistCategory;
  /** Human title, e.g. "Error handling". */
  title: string;
  /**
   * `fail` when the section has any error or warning finding; info/hint findings are listed but pass.
   * `not-checked` when no enabled rule covers the category: no finding means nothing was looked at, not a pass.
   */
  status: 'pass' | 'fail' | 'not-checked';
  /** The enabled rules that check this category. */
  rules: string[];
  counts: SeverityCounts;
  findings: ChecklistFinding[];
  /** The Migrations section only, when the scope has migrations: each one, with the locks it takes. */
  migrations?: ChecklistMigration[];
}

export interface Evidence {
  /** Relative to the report's root, `/` separators. */
  file: string;
  /** 1-based; 0 when the evidence is a whole file (e.g. a package.json dependency is given its line when found). */
  line: number;
  /** A short excerpt or description, e.g. `process.on('SIGTERM', ...)`. */
  text: string;
}

export type ProjectCheckId =
  | 'graceful-shutdown'
  | 'health-endpoint'
  | 'structured-logger'
  | 'auth-rate-limit'
  | 'validation-library'
  | 'tests-for-changes'
  | 'migration-with-code'
  | 'feature-flag-guard';

export interface ProjectCheck {
  id: ProjectCheckId;
  title: string;
  /**
   * `pass`: satisfied (see evidence). `fail`: not satisfied and blocking.
   * `warn`: not satisfied or needs a human look, not blocking. `n/a`: does not apply (e.g. no server here).
   */
  status: 'pass' | 'warn' | 'fail' | 'n/a';
  /** One line saying what was found or missing. */
  message: string;
  /** Where the check found what it looked for (or, for a failure, what triggered it). */
  evidence: Evidence[];
  /** What the check looked for, always present so that a `fail` or `n/a` explains itself. */
  lookedFor: string;
}

export interface ManualItem {
  id: string;
  title: string;
  /** Required items must be ticked for the report to be ready. */
  required: boolean;
  ticked: boolean;
  /** Who ticked it (git user.name, else the OS user). */
  tickedBy?: string;
  /** ISO 8601 timestamp. */
  tickedAt?: string;
  /** Built into Preflight, or from `checklist.items` in preflight.config.json. */
  source: 'builtin' | 'config';
}

export interface ChecklistProblem {
  /** Relative to the root; absent for problems not tied to a file (e.g. the config). */
  file?: string;
  line?: number;
  message: string;
}

export interface ChecklistSummary {
  /** Error-severity findings + project checks with status `fail`. */
  blocking: number;
  /** Warning-severity findings + project checks with status `warn`. */
  warnings: number;
  /** Info/hint findings: listed, never blocking. */
  notices: number;
  manual: { ticked: number; total: number; requiredUnticked: number };
  /**
   * No blocking items, no more warnings than `maxWarnings`, and every required
   * manual item ticked. "No blockers, 259 warnings" is not ready.
   */
  ready: boolean;
  /** The warning threshold applied (config `checklist.maxWarnings`, default 0). */
  maxWarnings: number;
  /** Where the blocking and warning counts come from. */
  counts: {
    errorFindings: number;
    failedChecks: number;
    warningFindings: number;
    warnedChecks: number;
  };
  /** Why the report is not ready, in order of weight; empty when it is ready. */
  notReadyBecause: ('blocking' | 'warnings' | 'manual')[];
}

export interface ProjectFactsScope {
  packages: string[];
  /** Source files of those packages whose facts were read. */
  files: number;
  /** Of those, parsed now (the rest could hold no fact, or were unchanged since the last scan). */
  parsed: number;
}

export interface ChecklistReport {
  tool: 'preflight';
  version: string;
  /** Absolute path of the workspace root the report is about. */
  root: string;
  scope: ChecklistScope;
  /** How many source files were analysed (a subset of scope.files for `changed`). */
  analysedFiles: number;
  /** Where the project checks' facts came from: the packages that contain the scope (relative folders, '' for the root). */
  projectFacts?: ProjectFactsScope;
  /**
   * Where the scan's time went, in milliseconds from its start: the scope resolved (git, test code),
   * the rules done with the scope, the project facts read (the two run side by side), the report done.
   */
  timings?: { scopeMs: number; rulesMs: number; factsMs: number; totalMs: number };
  summary: ChecklistSummary;
  /** One per category, always all seven, in ChecklistCategory order. */
  sections: ChecklistSection[];
  projectChecks: ProjectCheck[];
  manualItems: ManualItem[];
  /** Files that could not be read or parsed, rules that failed: the report is partial there. */
  problems: ChecklistProblem[];
}

// ---- Language-server requests (method names and payloads) ----

export const ChecklistRequestMethods = {
  /** ChecklistParams → ChecklistReport. Reports work-done progress; cancellable. */
  checklist: 'preflight/checklist',
  /** TickParams → TickResult. Writes .preflight/checklist.json. */
  tick: 'preflight/checklist/tick',
  /** ChecklistParams → MarkdownResult. Reuses the last report for these params when there is one. */
  markdown: 'preflight/checklist/markdown',
  /** ChecklistParams → InsertIntoPrTemplateResult. Writes .github/pull_request_template.md. */
  insertIntoPrTemplate: 'preflight/checklist/insertIntoPrTemplate',
} as const;

export interface ChecklistParams {
  scope: 'changed' | 'workspace';
  /** Base revision; default: config `checklist.baseBranch`, else origin/HEAD, else main/master. */
  base?: string;
  /** file: URI (or absolute path) of the workspace folder; default: the first workspace folder. */
  workspaceFolder?: string;
  /** LSP work-done token, when the client created one (otherwise the server creates a progress itself). */
  workDoneToken?: string | number;
}

export interface TickParams {
  id: string;
  ticked: boolean;
  workspaceFolder?: string;
}

export interface TickResult {
  /** The branch key the tick was stored under. */
  branch: string;
  /** All manual items with their current ticks. */
  manualItems: ManualItem[];
}

export interface MarkdownResult {
  markdown: string;
}

export interface InsertIntoPrTemplateResult {
  /** Absolute path of the template written. */
  file: string;
  /** True when the file did not exist before. */
  created: boolean;
  /** True when an existing marked section was replaced (false: appended). */
  replaced: boolean;
}
