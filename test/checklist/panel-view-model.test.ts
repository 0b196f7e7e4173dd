import { strict as assert } from 'node:assert';
import type { ChecklistReport, ManualItem } from 'preflight-server/out/checklist/types';
import {
  buildViewModel,
  locationLabel,
  scopeView,
  sectionCountsText,
  statusBarText,
  summaryText,
  verdictText,
  withManualItems,
} from 'preflight-client/out/checklist/view-model';

const HOSTILE_FILE = 'src/<img src=x onerror=alert(1)>.ts';
const HOSTILE_MESSAGE = 'fetch() has no timeout <b>bold</b> <script>alert(2)</script> &amp;';

function counts(error: number, warning: number, info = 0, hint = 0) {
  return { error, warning, info, hint, total: error + warning + info + hint };
}

function manual(id: string, ticked: boolean, required = false): ManualItem {
  return { id, title: `Item ${id}`, required, ticked, source: 'builtin' };
}

function report(overrides: Partial<ChecklistReport> = {}): ChecklistReport {
  return {
    tool: 'preflight',
    version: '0.1.0',
    root: '/repo',
    scope: {
      kind: 'changed',
      base: 'origin/main',
      mergeBase: '3f9c2a17b5d84e0c9a1b2c3d4e5f60718293a4b5',
      branch: 'feature/x',
      files: ['src/a.ts', HOSTILE_FILE],
    },
    analysedFiles: 2,
    summary: { blocking: 2, warnings: 1, notices: 0, manual: { ticked: 1, total: 2, requiredUnticked: 1 }, ready: false, maxWarnings: 0, counts: { errorFindings: 0, failedChecks: 0, warningFindings: 0, warnedChecks: 0 }, notReadyBecause: ['blocking', 'warnings', 'manual'] },
    sections: [
      {
        category: 'resilience',
        title: 'Resilience',
        status: 'fail',
        rules: ['missing-timeout'],
        counts: counts(1, 1),
        findings: [
          { file: 'src/a.ts', line: 12, column: 5, endLine: 12, endColumn: 30, ruleId: 'missing-timeout', severity: 'error', message: 'axios.get() has no timeout.' },
          { file: HOSTILE_FILE, line: 3, column: 1, endLine: 4, endColumn: 2, ruleId: 'missing-timeout', severity: 'warning', message: HOSTILE_MESSAGE },
        ],
      },
      { category: 'security', title: 'Security', status: 'not-checked', rules: [], counts: counts(0, 0), findings: [] },
    ],
    projectChecks: [
      {
        id: 'graceful-shutdown',
        title: 'Graceful shutdown',
        status: 'pass',
        message: 'SIGTERM closes the server.',
        evidence: [{ file: 'src/server.ts', line: 40, text: "process.on('SIGTERM')" }],
        lookedFor: 'a SIGTERM handler',
      },
      {
        id: 'health-endpoint',
        title: 'Health endpoint',
        status: 'fail',
        message: 'No health route.',
        evidence: [],
        lookedFor: 'GET /health',
      },
      {
        id: 'tests-for-changes',
        title: 'Tests for changed files',
        status: 'warn',
        message: 'No test.',
        evidence: [{ file: HOSTILE_FILE, line: 0, text: 'no test file' }],
        lookedFor: 'a test beside each changed file',
      },
      { id: 'auth-rate-limit', title: 'Rate limiting', status: 'n/a', message: 'No auth routes.', evidence: [], lookedFor: 'auth routes' },
    ],
    manualItems: [manual('rollback-plan', true, true), manual('runbook', false, true)],
    problems: [{ message: 'Could not parse src/broken.ts', file: 'src/broken.ts', line: 7 }, { message: 'Config: unknown rule' }],
    ...overrides,
  };
}

describe('checklist panel view model', () => {
  it('words the summary as blocking, warnings and ticked manual items, each split into findings and project checks', () => {
    const zero = { errorFindings: 0, failedChecks: 0, warningFindings: 0, warnedChecks: 0 };
    assert.equal(
      summaryText({ blocking: 3, warnings: 5, notices: 0, manual: { ticked: 4, total: 6, requiredUnticked: 0 }, ready: false, maxWarnings: 0, counts: { errorFindings: 2, failedChecks: 1, warningFindings: 5, warnedChecks: 0 }, notReadyBecause: ['blocking', 'warnings'] }),
      '3 blocking (2 findings, 1 project check), 5 warnings (5 findings, 0 project checks), 4/6 manual items',
    );
    assert.equal(
      summaryText({ blocking: 0, warnings: 1, notices: 2, manual: { ticked: 0, total: 1, requiredUnticked: 1 }, ready: false, maxWarnings: 0, counts: { ...zero, warnedChecks: 1 }, notReadyBecause: ['warnings', 'manual'] }),
      '0 blocking, 1 warning (0 findings, 1 project check), 0/1 manual item',
    );
  });

  it('says in the verdict what stands in the way: blockers, warnings over the limit, items to tick', () => {
    const summary = { blocking: 0, warnings: 259, notices: 0, manual: { ticked: 1, total: 2, requiredUnticked: 0 }, ready: false, maxWarnings: 10, counts: { errorFindings: 0, failedChecks: 0, warningFindings: 255, warnedChecks: 4 }, notReadyBecause: ['warnings' as const] };
    assert.equal(verdictText(summary), 'Not ready: 259 warnings, over the limit of 10');
    assert.equal(
      verdictText({ ...summary, blocking: 2, manual: { ...summary.manual, requiredUnticked: 1 }, notReadyBecause: ['blocking', 'warnings', 'manual'] }),
      'Not ready: 2 blockers; 259 warnings, over the limit of 10; 1 required item to tick',
    );
    assert.equal(verdictText({ ...summary, warnings: 3, ready: true, notReadyBecause: [] }), 'Ready to open the PR');
    assert.equal(buildViewModel(report()).model.summary.verdict.startsWith('Not ready: 2 blockers'), true);
  });

  it('counts a section by severity, most severe first, and says when it has none', () => {
    assert.equal(sectionCountsText({ counts: counts(2, 1, 1) }), '2 errors, 1 warning, 1 notice');
    assert.equal(sectionCountsText({ counts: counts(0, 0, 0, 2) }), '2 hints');
    assert.equal(sectionCountsText({ counts: counts(0, 0) }), 'No findings');
  });

  it('describes the changed-files scope with base, short merge base and branch', () => {
    const view = scopeView(report().scope, 2);
    assert.equal(view.text, '2 changed files since origin/main (3f9c2a1) on feature/x');
    assert.equal(view.warning, undefined);
  });

  it('describes a workspace scan and carries the reason a changed-files scan fell back', () => {
    const view = scopeView(
      { kind: 'workspace', base: null, mergeBase: null, branch: null, files: ['a.ts'], fallbackReason: 'Not a git repository.' },
      1,
    );
    assert.equal(view.text, 'Whole workspace, 1 file analysed');
    assert.equal(view.warning, 'Not a git repository.');
  });

  it('labels whole-file places by the file alone', () => {
    assert.equal(locationLabel('src/a.ts', 12), 'src/a.ts:12');
    assert.equal(locationLabel('package.json', 0), 'package.json');
  });

  it('gives every clickable place its own id that resolves to the finding range', () => {
    const { model, locations } = buildViewModel(report());
    const [first, second] = model.sections[0]!.findings;
    assert.notEqual(first!.locationId, second!.locationId);
    assert.deepEqual(locations.get(first!.locationId), { file: 'src/a.ts', line: 12, column: 5, endLine: 12, endColumn: 30 });
    assert.deepEqual(locations.get(second!.locationId), { file: HOSTILE_FILE, line: 3, column: 1, endLine: 4, endColumn: 2 });
    const evidence = model.projectChecks[0]!.evidence[0]!;
    assert.equal(evidence.where, 'src/server.ts:40');
    assert.deepEqual(locations.get(evidence.locationId), { file: 'src/server.ts', line: 40, column: 1, endLine: 40, endColumn: 1 });
    // Whole-file evidence opens the file at its first line.
    const wholeFile = model.projectChecks[2]!.evidence[0]!;
    assert.equal(wholeFile.where, HOSTILE_FILE);
    assert.equal(locations.get(wholeFile.locationId)!.line, 1);
    const ids = [...locations.keys()];
    assert.equal(new Set(ids).size, ids.length);
  });

  it('passes file names and messages through as text, neither escaped nor altered (the webview sets textContent)', () => {
    const { model } = buildViewModel(report());
    const hostile = model.sections[0]!.findings[1]!;
    assert.equal(hostile.message, HOSTILE_MESSAGE);
    assert.equal(hostile.where, `${HOSTILE_FILE}:3`);
  });

  it('summarises sections and project checks, leaving checks that do not apply out of the count', () => {
    const { model } = buildViewModel(report());
    assert.deepEqual(
      model.sections.map((section) => [section.id, section.status, section.countsText, section.total]),
      [
        ['resilience', 'fail', '1 error, 1 warning', 2],
        ['security', 'not-checked', 'Not checked: no rule for this category is enabled yet', 0],
      ],
    );
    assert.equal(model.projectChecksText, '1 of 3 passing');
    assert.equal(model.summary.text, '2 blocking, 1 warning, 1/2 manual items');
  });

  it('links problems that name a file and keeps the others as plain lines', () => {
    const { model, locations } = buildViewModel(report());
    assert.equal(model.problems[0]!.where, 'src/broken.ts:7');
    assert.equal(locations.get(model.problems[0]!.locationId!)!.file, 'src/broken.ts');
    assert.deepEqual(model.problems[1], { message: 'Config: unknown rule' });
  });

  it('says who ticked a manual item and when', () => {
    const ticked: ManualItem = { ...manual('rollback-plan', true), tickedBy: 'Ann', tickedAt: '2026-11-20T10:00:00Z' };
    const { model } = buildViewModel(report({ manualItems: [ticked, manual('runbook', false)] }));
    assert.equal(model.manualItems[0]!.detail, 'Ticked by Ann, 2026-11-20');
    assert.equal(model.manualItems[1]!.detail, undefined);
  });

  it('recomputes the manual counts and readiness after a tick, keeping the warning limit', () => {
    const clean = report({ summary: { ...report().summary, blocking: 0, warnings: 0 } });
    const allTicked = withManualItems(clean, [manual('rollback-plan', true, true), manual('runbook', true, true)]);
    assert.deepEqual(allTicked.summary.manual, { ticked: 2, total: 2, requiredUnticked: 0 });
    assert.equal(allTicked.summary.ready, true);
    assert.deepEqual(allTicked.summary.notReadyBecause, []);
    const stillBlocked = withManualItems(report(), [manual('rollback-plan', true, true), manual('runbook', true, true)]);
    assert.equal(stillBlocked.summary.ready, false);
    const overLimit = report({ summary: { ...report().summary, blocking: 0, warnings: 3, maxWarnings: 2 } });
    const ticked = withManualItems(overLimit, [manual('rollback-plan', true, true), manual('runbook', true, true)]);
    assert.equal(ticked.summary.ready, false);
    assert.deepEqual(ticked.summary.notReadyBecause, ['warnings']);
    const withinLimit = withManualItems({ ...overLimit, summary: { ...overLimit.summary, maxWarnings: 3 } }, ticked.manualItems);
    assert.equal(withinLimit.summary.ready, true);
  });

  it('reads "Preflight: …" in the status bar: blockers first, then required items to tick, then ready; warnings beside them', () => {
    const base = { ...report().summary, warnings: 5 };
    assert.equal(statusBarText(base), 'Preflight: 2 blockers · 5 warnings');
    assert.equal(statusBarText({ ...base, blocking: 1, warnings: 0 }), 'Preflight: 1 blocker');
    assert.equal(statusBarText({ ...base, blocking: 0, warnings: 1 }), 'Preflight: 1 to tick · 1 warning');
    const ready = { ...base, blocking: 0, manual: { ...base.manual, requiredUnticked: 0 }, ready: true };
    assert.equal(statusBarText({ ...ready, warnings: 0 }), 'Preflight: ready');
    assert.equal(statusBarText(ready), 'Preflight: ready · 5 warnings');
  });
});
