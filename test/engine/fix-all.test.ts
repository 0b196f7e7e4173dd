import * as assert from 'node:assert/strict';
import { allRules, AnalysisProject, analyzeSourceFile, type Finding, type TextEdit } from 'preflight-server';
import { batchableEdits } from 'preflight-server/out/engine/fix-all';
import { parses } from '../support/rule-tester';
import { FIX_ALL_FIXTURE } from '../support/fix-all-fixture';

const project = new AnalysisProject({ inMemory: true });
let counter = 0;

function analyse(code: string): Finding[] {
  counter += 1;
  const path = `/fix-all/${counter}/case.ts`;
  try {
    return analyzeSourceFile(project.upsert(path, code), { rules: allRules }).findings;
  } finally {
    project.remove(path);
  }
}

function apply(code: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((text, edit) => text.slice(0, edit.start) + edit.newText + text.slice(edit.end), code);
}

/** A finding with one fix made of `edits`, for the overlap cases. */
function findingWith(start: number, edits: TextEdit[], batchable = true): Finding {
  const position = { line: 0, character: start };
  return {
    ruleId: 'some-rule',
    severity: 'warning',
    category: 'resilience',
    message: 'm',
    file: '/f.ts',
    range: { start: position, end: position },
    startOffset: start,
    endOffset: start,
    fixes: [{ title: 'fix', edits, batchable }],
    related: [],
  };
}

describe('fix all (batchable fixes)', () => {
  it('applies every batchable fix (logging swallowed failures) and none that is not (a timeout value to choose)', () => {
    const before = analyse(FIX_ALL_FIXTURE);
    assert.deepEqual(before.map((f) => `${f.ruleId}@${f.range.start.line + 1}`), ['swallowed-error@6', 'swallowed-error@7', 'missing-timeout@8']);
    const fixed = apply(FIX_ALL_FIXTURE, batchableEdits(before));
    assert.ok(parses(fixed), `does not parse:\n${fixed}`);
    const after = analyse(fixed);
    assert.deepEqual(after.map((f) => f.ruleId), ['missing-timeout'], `after:\n${fixed}`);
    assert.match(fixed, /catch \(err\) \{\n    console\.error\('remember failed', err\);\n  \}/);
    assert.match(fixed, /\.catch\(\(err\) => \{ console\.error\('loadProfile failed', err\); return null; \}\)/);
  });

  it('is idempotent: a second pass has nothing to batch', () => {
    const once = apply(FIX_ALL_FIXTURE, batchableEdits(analyse(FIX_ALL_FIXTURE)));
    assert.deepEqual(batchableEdits(analyse(once)), []);
  });

  it('never batches a fix that is not marked, nor suppression-related fixes', () => {
    const typo = '// preflight-disable-next-line missing-timout -- in-cluster\nexport const r = fetch("https://x.internal");\n';
    const findings = analyse(typo);
    assert.ok(findings.some((f) => f.ruleId === 'unknown-rule-in-suppression' && f.fixes.length > 0), 'the typo has a fix to offer');
    assert.deepEqual(batchableEdits(findings), []);
  });

  it('leaves out a fix that touches text an earlier fix changes, and the same fix reported twice', () => {
    const first = findingWith(0, [{ start: 0, end: 10, newText: 'A' }]);
    const inside = findingWith(5, [{ start: 5, end: 6, newText: 'B' }]);
    const twice = findingWith(20, [{ start: 20, end: 20, newText: 'C' }]);
    const again = findingWith(20, [{ start: 20, end: 20, newText: 'C' }]);
    const unmarked = findingWith(30, [{ start: 30, end: 31, newText: 'D' }], false);
    assert.deepEqual(batchableEdits([inside, twice, first, again, unmarked]).map((edit) => edit.newText), ['A', 'C']);
  });
});
