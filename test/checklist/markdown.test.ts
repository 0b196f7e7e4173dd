import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checklistMarkdown, insertIntoPrTemplate, SECTION_END, SECTION_START, upsertPrTemplateSection } from 'preflight-server/out/checklist/markdown';
import type { ChecklistReport } from 'preflight-server/out/checklist/types';
import { tempDir } from './git-fixture';

/**
 * Golden files live in test/checklist/golden/ (the sources, not test/out).
 * To accept a deliberate change of the Markdown: `UPDATE_GOLDEN=1 npx mocha test/out/checklist/markdown.test.js`,
 * then review the diff of the .md files and commit them.
 */
const GOLDEN_DIR = path.resolve(__dirname, '..', '..', 'checklist', 'golden');

function assertGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`golden file missing: ${file} (run with UPDATE_GOLDEN=1 to create it)`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 to accept a deliberate change)`);
}

const counts = (error: number, warning: number, info = 0) => ({ error, warning, info, hint: 0, total: error + warning + info });

function sampleReport(): ChecklistReport {
  return {
    tool: 'preflight',
    version: '0.1.0',
    root: '/work/payments',
    scope: {
      kind: 'changed',
      base: 'origin/main',
      mergeBase: '3f2a9c1d5e7b8a9f0c1d2e3f4a5b6c7d8e9f0a1b',
      branch: 'feature/refunds',
      files: ['migrations/004_refunds.sql', 'src/billing/client.ts', 'src/routes/auth.ts', 'src/refunds.ts'],
    },
    analysedFiles: 3,
    summary: {
      blocking: 2,
      warnings: 3,
      notices: 1,
      manual: { ticked: 2, total: 6, requiredUnticked: 1 },
      ready: false,
      maxWarnings: 0,
      counts: { errorFindings: 1, failedChecks: 1, warningFindings: 2, warnedChecks: 1 },
      notReadyBecause: ['blocking', 'warnings', 'manual'],
    },
    sections: [
      {
        category: 'resilience',
        title: 'Resilience',
        status: 'fail',
        rules: ['missing-timeout', 'missing-retry'],
        counts: counts(0, 1, 1),
        findings: [
          { file: 'src/billing/client.ts', line: 14, column: 9, endLine: 14, endColumn: 31, ruleId: 'missing-timeout', severity: 'warning', message: 'fetch() has no timeout: a slow upstream holds this request open forever.' },
          { file: 'src/refunds.ts', line: 40, column: 3, endLine: 40, endColumn: 20, ruleId: 'missing-retry', severity: 'info', message: 'stripe.refunds.create() is not retried; a retry needs an idempotency key first.' },
        ],
      },
      { category: 'error-handling', title: 'Error handling', status: 'pass', rules: ['swallowed-error'], counts: counts(0, 0), findings: [] },
      { category: 'data-integrity', title: 'Data integrity', status: 'not-checked', rules: [], counts: counts(0, 0), findings: [] },
      {
        category: 'security',
        title: 'Security',
        status: 'fail',
        rules: ['hardcoded-secret'],
        counts: counts(1, 0),
        findings: [
          { file: 'src/routes/auth.ts', line: 7, column: 20, endLine: 7, endColumn: 44, ruleId: 'hardcoded-secret', severity: 'error', message: 'A credential in source: use an environment variable or a secret store | not `"sk_live_…"`.' },
        ],
      },
      { category: 'performance', title: 'Performance', status: 'pass', rules: ['unbounded-query'], counts: counts(0, 0), findings: [] },
      { category: 'operability', title: 'Operability', status: 'not-checked', rules: [], counts: counts(0, 0), findings: [] },
      { category: 'migrations', title: 'Migrations', status: 'not-checked', rules: [], counts: counts(0, 0), findings: [] },
    ],
    projectChecks: [
      { id: 'graceful-shutdown', title: 'Graceful shutdown handled', status: 'pass', message: 'SIGTERM is handled where the server starts.', evidence: [{ file: 'src/server.ts', line: 52, text: "process.on('SIGTERM', shutdown)" }], lookedFor: 'listen calls and SIGTERM handlers' },
      { id: 'auth-rate-limit', title: 'Rate limiting on auth routes', status: 'fail', message: '1 authentication route with no rate limiting: open to credential stuffing and code guessing.', evidence: [{ file: 'src/routes/auth.ts', line: 12, text: "router.post('/login', login)" }], lookedFor: 'auth routes and @nestjs/throttler, express-rate-limit' },
      { id: 'structured-logger', title: 'Structured logger used', status: 'warn', message: 'No structured logger found: console output has no levels, fields or request ids to search by.', evidence: [], lookedFor: 'pino, winston, bunyan' },
      { id: 'migration-with-code', title: 'Migration deployed separately from code', status: 'warn', message: 'A migration and 2 application source files change together: deploy the migration first, compatible with the running code, then the code.', evidence: [{ file: 'migrations/004_refunds.sql', line: 0, text: 'migration (migrations-folder)' }, { file: 'src/refunds.ts', line: 0, text: 'application code' }], lookedFor: 'migrations and code' },
      { id: 'feature-flag-guard', title: 'New routes behind a feature flag', status: 'n/a', message: 'No feature-flag SDK in use.', evidence: [], lookedFor: 'A feature-flag SDK (@launchdarkly/*, unleash-client)' },
    ],
    manualItems: [
      { id: 'rollback-plan', title: 'Rollback plan written', required: false, ticked: true, tickedBy: 'Ada Lovelace', tickedAt: '2026-03-01T09:30:00.000Z', source: 'builtin' },
      { id: 'feature-flag', title: 'Feature flag guards the new path', required: false, ticked: false, source: 'builtin' },
      { id: 'monitoring-alerts', title: 'Monitoring and alerts cover the new path', required: false, ticked: true, tickedAt: '2026-03-02T10:00:00.000Z', source: 'builtin' },
      { id: 'staged-rollout', title: 'Staged rollout plan', required: false, ticked: false, source: 'builtin' },
      { id: 'runbook', title: 'Runbook updated', required: false, ticked: false, source: 'builtin' },
      { id: 'load-test', title: 'Load-tested the <new> endpoint', required: true, ticked: false, source: 'config' },
    ],
    problems: [{ file: 'src/legacy.js', line: 3, message: 'does not parse, not analysed: Unexpected token' }],
  };
}

describe('checklist Markdown export', () => {
  it('matches the golden file for a report with findings, checks, ticks and problems', () => {
    assertGolden('report.md', checklistMarkdown(sampleReport()));
  });

  it('matches the golden file for a ready report that fell back to the workspace', () => {
    const report = sampleReport();
    report.scope = { kind: 'workspace', base: null, mergeBase: null, branch: null, files: ['src/a.ts'], fallbackReason: 'not a git repository: analysed the whole workspace' };
    report.analysedFiles = 1;
    report.sections = report.sections.map((section) => ({ ...section, status: 'pass', counts: counts(0, 0), findings: [] }));
    report.projectChecks = report.projectChecks.filter((check) => check.status !== 'fail');
    report.manualItems = report.manualItems.slice(0, 2);
    report.problems = [];
    report.summary = {
      blocking: 0,
      warnings: 2,
      notices: 0,
      manual: { ticked: 1, total: 2, requiredUnticked: 0 },
      ready: true,
      maxWarnings: 5,
      counts: { errorFindings: 0, failedChecks: 0, warningFindings: 1, warnedChecks: 1 },
      notReadyBecause: [],
    };
    assertGolden('ready-workspace.md', checklistMarkdown(report));
  });

  it('escapes what comes from files, findings and config: no HTML, no mentions, no broken tables', () => {
    const report = sampleReport();
    report.sections[0]!.findings[0]!.message = 'fetch() <img src=x onerror=alert(1)> from @octocat [link](http://x) | cell';
    report.sections[0]!.findings[0]!.file = 'src/<script>.ts';
    const markdown = checklistMarkdown(report);
    const outsideCodeSpans = markdown.replace(/(`+)[^`]*?\1/g, '').replace(/<\/?(?:details|summary)>/g, '');
    assert.ok(!/[<>]/.test(outsideCodeSpans), `raw < or > outside code spans:\n${outsideCodeSpans}`);
    assert.ok(markdown.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(markdown.includes('`@octocat`'), 'mentions are put in code spans');
    assert.ok(markdown.includes('\\[link\\](http://x) \\| cell'));
    assert.ok(markdown.includes('`src/<script>.ts:14`'), 'a file name is shown verbatim inside a code span');
    assert.ok(markdown.includes('Load-tested the &lt;new&gt; endpoint **(required)**'));
  });

  it('lists at most 50 findings per section and counts the rest', () => {
    const report = sampleReport();
    const resilience = report.sections[0]!;
    resilience.findings = Array.from({ length: 53 }, (_, i) => ({ ...resilience.findings[0]!, line: i + 1 }));
    const markdown = checklistMarkdown(report);
    assert.equal(markdown.split('\n').filter((line) => line.startsWith('- `src/billing/client.ts:')).length, 50);
    assert.ok(markdown.includes('- … and 3 more'));
  });
});

describe('PR template section', () => {
  const body = '## Preflight readiness checklist\n\n- [ ] Rollback plan written\n';

  it('appends a marked section to a template without one', () => {
    const template = '## What\n\nDescribe the change.\n';
    assert.equal(upsertPrTemplateSection(template, body), `## What\n\nDescribe the change.\n\n${SECTION_START}\n${body}${SECTION_END}\n`);
    assert.equal(upsertPrTemplateSection('', body), `${SECTION_START}\n${body}${SECTION_END}\n`);
  });

  it('replaces the marked section in place, leaving the rest alone, and is idempotent', () => {
    const template = `## What\n\n${SECTION_START}\nold checklist\n${SECTION_END}\n\n## Notes\nkeep me\n`;
    const once = upsertPrTemplateSection(template, body);
    assert.equal(once, `## What\n\n${SECTION_START}\n${body}${SECTION_END}\n\n## Notes\nkeep me\n`);
    assert.equal(upsertPrTemplateSection(once, body), once);
  });

  it('keeps CRLF line endings', () => {
    const template = `## What\r\n\r\n${SECTION_START}\r\nold\r\n${SECTION_END}\r\n`;
    const updated = upsertPrTemplateSection(template, body);
    assert.equal(updated, `## What\r\n\r\n${SECTION_START}\r\n## Preflight readiness checklist\r\n\r\n- [ ] Rollback plan written\r\n${SECTION_END}\r\n`);
  });

  it('insertIntoPrTemplate creates .github/pull_request_template.md, then updates it (or an existing upper-case one)', async () => {
    const root = tempDir('preflight-template-');
    try {
      const created = await insertIntoPrTemplate(root, body);
      assert.deepEqual(created, { file: path.join(root, '.github', 'pull_request_template.md'), created: true, replaced: false });
      const updated = await insertIntoPrTemplate(root, body.replace('[ ]', '[x]'));
      assert.deepEqual(updated, { file: created.file, created: false, replaced: true });
      assert.equal(fs.readFileSync(created.file, 'utf8'), `${SECTION_START}\n${body.replace('[ ]', '[x]')}${SECTION_END}\n`);
      fs.rmSync(created.file);
      fs.writeFileSync(path.join(root, '.github', 'PULL_REQUEST_TEMPLATE.md'), '# Template\n');
      const upper = await insertIntoPrTemplate(root, body);
      assert.equal(path.basename(upper.file), 'PULL_REQUEST_TEMPLATE.md');
      assert.equal(upper.created, false);
      assert.ok(fs.readFileSync(upper.file, 'utf8').startsWith('# Template\n\n<!-- preflight:checklist:start -->'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
