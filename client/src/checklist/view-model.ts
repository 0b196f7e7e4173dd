/**
 * What the checklist webview shows, derived from the server's report. Pure (no
 * `vscode` import) so that it is unit-tested outside the extension host.
 *
 * The webview never receives file paths it could ask the extension to open:
 * every clickable location is an opaque id that the extension resolves through
 * the `locations` map built together with the view model.
 */
import type {
  ChecklistFinding,
  ChecklistReport,
  ChecklistScope,
  ChecklistSection,
  ChecklistSeverity,
  ChecklistSummary,
  ManualItem,
  ProjectCheck,
} from 'preflight-server/out/checklist/types';

/** A place in the report's workspace, 1-based like the report. */
export interface ReportLocation {
  /** Relative to the report root, `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface SummaryView {
  /** `Ready to open the PR`, or `Not ready: ...` naming what stands in the way. */
  verdict: string;
  text: string;
  blocking: number;
  warnings: number;
  manualTicked: number;
  manualTotal: number;
  ready: boolean;
}

export interface ScopeView {
  text: string;
  /** Set when the changed-files scope was asked for but the whole workspace was analysed. */
  warning?: string;
}

export interface FindingView {
  locationId: string;
  severity: ChecklistSeverity;
  message: string;
  ruleId: string;
  /** `src/api.ts:12` */
  where: string;
}

export interface SectionView {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'not-checked';
  /** `2 errors, 1 warning`, or `No findings`. */
  countsText: string;
  total: number;
  findings: FindingView[];
}

export interface EvidenceView {
  text: string;
  /** `src/server.ts:42`, or the file alone for whole-file evidence. */
  where: string;
  locationId: string;
}

export interface ProjectCheckView {
  id: string;
  title: string;
  status: ProjectCheck['status'];
  message: string;
  lookedFor: string;
  evidence: EvidenceView[];
}

export interface ManualItemView {
  id: string;
  title: string;
  required: boolean;
  ticked: boolean;
  /** `Ticked by Ann, 2026-11-20`. */
  detail?: string;
}

export interface ProblemView {
  message: string;
  where?: string;
  locationId?: string;
}

export interface ChecklistViewModel {
  summary: SummaryView;
  scope: ScopeView;
  sections: SectionView[];
  projectChecks: ProjectCheckView[];
  /** `3 of 5 passing`. */
  projectChecksText: string;
  manualItems: ManualItemView[];
  problems: ProblemView[];
}

export interface BuiltViewModel {
  model: ChecklistViewModel;
  /** locationId → where it points. */
  locations: Map<string, ReportLocation>;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** "3 blocking (2 findings, 1 project check), 5 warnings (5 findings, 0 project checks), 4/6 manual items" */
export function summaryText(summary: ChecklistSummary): string {
  const manual = `${summary.manual.ticked}/${summary.manual.total} manual ${summary.manual.total === 1 ? 'item' : 'items'}`;
  const { counts } = summary;
  const blocking = `${summary.blocking} blocking${fromFindingsAndChecks(counts.errorFindings, counts.failedChecks)}`;
  const warnings = `${plural(summary.warnings, 'warning')}${fromFindingsAndChecks(counts.warningFindings, counts.warnedChecks)}`;
  return `${blocking}, ${warnings}, ${manual}`;
}

/** ` (2 findings, 1 project check)`; empty for a count of 0. */
function fromFindingsAndChecks(findings: number, checks: number): string {
  return findings + checks === 0 ? '' : ` (${plural(findings, 'finding')}, ${plural(checks, 'project check')})`;
}

/**
 * What the verdict says: ready, or each reason it is not, in order of weight,
 * with the warning limit when warnings are the reason ("No blockers, 259 warnings" is not ready).
 */
export function verdictText(summary: ChecklistSummary): string {
  if (summary.ready) return 'Ready to open the PR';
  const reasons = summary.notReadyBecause.map((reason) => {
    if (reason === 'blocking') return plural(summary.blocking, 'blocker');
    if (reason === 'warnings') return `${plural(summary.warnings, 'warning')}, over the limit of ${summary.maxWarnings}`;
    return `${summary.manual.requiredUnticked} required ${summary.manual.requiredUnticked === 1 ? 'item' : 'items'} to tick`;
  });
  return reasons.length > 0 ? `Not ready: ${reasons.join('; ')}` : 'Not ready';
}

function readinessOf(blocking: number, warnings: number, maxWarnings: number, requiredUnticked: number): ChecklistSummary['notReadyBecause'] {
  const reasons: ChecklistSummary['notReadyBecause'] = [];
  if (blocking > 0) reasons.push('blocking');
  if (warnings > maxWarnings) reasons.push('warnings');
  if (requiredUnticked > 0) reasons.push('manual');
  return reasons;
}

const SEVERITY_ORDER: ChecklistSeverity[] = ['error', 'warning', 'info', 'hint'];
const SEVERITY_NOUN: Record<ChecklistSeverity, string> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'hint',
};

export function sectionCountsText(section: Pick<ChecklistSection, 'counts'>): string {
  const parts = SEVERITY_ORDER.filter((severity) => section.counts[severity] > 0).map((severity) =>
    plural(section.counts[severity], SEVERITY_NOUN[severity]),
  );
  return parts.length > 0 ? parts.join(', ') : 'No findings';
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function scopeView(scope: ChecklistScope, analysedFiles: number): ScopeView {
  const branch = scope.branch ? ` on ${scope.branch}` : '';
  let text: string;
  if (scope.kind === 'changed') {
    const since = scope.base ? ` since ${scope.base}` : '';
    const mergeBase = scope.mergeBase ? ` (${shortSha(scope.mergeBase)})` : '';
    text = `${plural(scope.files.length, 'changed file')}${since}${mergeBase}${branch}`;
  } else {
    text = `Whole workspace${branch}, ${plural(analysedFiles, 'file')} analysed`;
  }
  return scope.fallbackReason ? { text, warning: scope.fallbackReason } : { text };
}

/** `src/a.ts:12`, or `src/a.ts` for whole-file places (line 0). */
export function locationLabel(file: string, line: number): string {
  return line > 0 ? `${file}:${line}` : file;
}

/**
 * The status bar's reading of the report: `Preflight: 2 blockers · 5 warnings`, `Preflight: 1 to tick`,
 * `Preflight: ready`. Warnings follow what blocks (they never block), and show beside `ready` too.
 */
export function statusBarText(summary: ChecklistSummary): string {
  const warnings = summary.warnings > 0 ? [plural(summary.warnings, 'warning')] : [];
  let state: string;
  if (summary.blocking > 0) state = plural(summary.blocking, 'blocker');
  else if (summary.manual.requiredUnticked > 0) state = `${summary.manual.requiredUnticked} to tick`;
  else state = summary.ready ? 'ready' : 'not ready';
  return `Preflight: ${[state, ...warnings].join(' · ')}`;
}

function manualDetail(item: ManualItem): string | undefined {
  if (!item.ticked || (!item.tickedBy && !item.tickedAt)) return undefined;
  const by = item.tickedBy ? ` by ${item.tickedBy}` : '';
  const at = item.tickedAt ? `, ${item.tickedAt.slice(0, 10)}` : '';
  return `Ticked${by}${at}`;
}

/** Builds the webview's model and the id → location map its clicks resolve through. */
export function buildViewModel(report: ChecklistReport): BuiltViewModel {
  const locations = new Map<string, ReportLocation>();
  const addLocation = (location: ReportLocation): string => {
    const id = `loc${locations.size}`;
    locations.set(id, location);
    return id;
  };
  const pointAt = (file: string, line: number): string =>
    addLocation({ file, line: Math.max(line, 1), column: 1, endLine: Math.max(line, 1), endColumn: 1 });

  const findingView = (finding: ChecklistFinding): FindingView => ({
    locationId: addLocation({
      file: finding.file,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
    }),
    severity: finding.severity,
    message: finding.message,
    ruleId: finding.ruleId,
    where: locationLabel(finding.file, finding.line),
  });

  const sections = report.sections.map(
    (section): SectionView => ({
      id: section.category,
      title: section.title,
      status: section.status,
      countsText: section.status === 'not-checked' ? 'Not checked: no rule for this category is enabled yet' : sectionCountsText(section),
      total: section.counts.total,
      findings: section.findings.map(findingView),
    }),
  );

  const projectChecks = report.projectChecks.map(
    (check): ProjectCheckView => ({
      id: check.id,
      title: check.title,
      status: check.status,
      message: check.message,
      lookedFor: check.lookedFor,
      evidence: check.evidence.map((evidence) => ({
        text: evidence.text,
        where: locationLabel(evidence.file, evidence.line),
        locationId: pointAt(evidence.file, evidence.line),
      })),
    }),
  );
  const applicable = report.projectChecks.filter((check) => check.status !== 'n/a');
  const passing = applicable.filter((check) => check.status === 'pass').length;

  const problems = report.problems.map(
    (problem): ProblemView =>
      problem.file
        ? {
            message: problem.message,
            where: locationLabel(problem.file, problem.line ?? 0),
            locationId: pointAt(problem.file, problem.line ?? 0),
          }
        : { message: problem.message },
  );

  const model: ChecklistViewModel = {
    summary: {
      verdict: verdictText(report.summary),
      text: summaryText(report.summary),
      blocking: report.summary.blocking,
      warnings: report.summary.warnings,
      manualTicked: report.summary.manual.ticked,
      manualTotal: report.summary.manual.total,
      ready: report.summary.ready,
    },
    scope: scopeView(report.scope, report.analysedFiles),
    sections,
    projectChecks,
    projectChecksText: `${passing} of ${applicable.length} passing`,
    manualItems: report.manualItems.map((item) => ({
      id: item.id,
      title: item.title,
      required: item.required,
      ticked: item.ticked,
      detail: manualDetail(item),
    })),
    problems,
  };
  return { model, locations };
}

/** Recomputes the summary after a tick, until the next full report arrives. */
export function withManualItems(report: ChecklistReport, manualItems: ManualItem[]): ChecklistReport {
  const ticked = manualItems.filter((item) => item.ticked).length;
  const requiredUnticked = manualItems.filter((item) => item.required && !item.ticked).length;
  const { blocking, warnings, maxWarnings } = report.summary;
  const notReadyBecause = readinessOf(blocking, warnings, maxWarnings, requiredUnticked);
  return {
    ...report,
    manualItems,
    summary: {
      ...report.summary,
      manual: { ticked, total: manualItems.length, requiredUnticked },
      ready: notReadyBecause.length === 0,
      notReadyBecause,
    },
  };
}
