import * as assert from 'node:assert/strict';
import { SourceFile, SyntaxKind } from 'ts-morph';
import { AnalysisProject, analyzeSourceFile, allRules, type Finding, type Rule } from 'preflight-server';

const project = new AnalysisProject({ inMemory: true });
let counter = 0;

function analyse(code: string, options: { rules?: readonly Rule[]; today?: string } = {}) {
  counter += 1;
  const file = project.upsert(`/robustness/${counter}/case.ts`, code);
  try {
    return analyzeSourceFile(file, { rules: options.rules ?? allRules, today: options.today ?? '2026-06-01' });
  } finally {
    project.remove(file.getFilePath());
  }
}

function ruleIds(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.ruleId);
}

/**
 * Counts the calls to ts-morph's top-level lookups by name, each of which
 * reads every top-level statement of the file.
 */
function countTopLevelLookups(run: () => void): number {
  const prototype = SourceFile.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = ['getVariableDeclaration', 'getFunction', 'getClass', 'getStatements', 'getVariableStatements', 'getFunctions', 'getClasses'];
  const originals = names.map((name) => prototype[name]!);
  let calls = 0;
  names.forEach((name, index) => {
    prototype[name] = function (this: unknown, ...args: unknown[]) {
      calls += 1;
      return originals[index]!.apply(this, args);
    };
  });
  try {
    run();
  } finally {
    names.forEach((name, index) => (prototype[name] = originals[index]!));
  }
  return calls;
}

describe('engine robustness (issue 13)', function () {
  this.timeout(120_000);

  describe('defect 2: analysis is linear in the size of a file', () => {
    const globalCalls = (lines: number) => `${Array.from({ length: lines }, (_, i) => `console.log('line ${i}', process.pid);`).join('\n')}\n`;

    it('reads the top-level statements a bounded number of times however many calls to globals the file makes', () => {
      const small = countTopLevelLookups(() => analyse(globalCalls(20)));
      const large = countTopLevelLookups(() => analyse(globalCalls(2_000)));
      // Before: one scan of every top-level statement per call to a global (2,000 statements × 4,000 calls).
      assert.ok(large <= small + 10, `top-level lookups grow with the file: ${small} for 20 lines, ${large} for 2,000 lines`);
    });

    it('still resolves a script-level declaration that shadows a global', () => {
      const code = "const fetch = require('node-fetch');\nasync function load(url) {\n  return fetch(url);\n}\n";
      const findings = analyse(code).findings.filter((finding) => finding.ruleId === 'missing-timeout');
      assert.equal(findings.length, 1, JSON.stringify(ruleIds(findings)));
    });
  });

  describe('defect 6: malformed (until ...) dates in suppressions are reported', () => {
    const suppressed = (until: string) =>
      `export async function load(url: string) {\n  // preflight-disable-next-line missing-timeout -- in-cluster sidecar (until ${until})\n  return fetch(url);\n}\n`;

    for (const bad of ['2027-02-30', '2027-3-31', '2027-13-01', '27-03-31', 'next week']) {
      it(`reports (until ${bad})`, () => {
        const findings = analyse(suppressed(bad)).findings;
        const dateFindings = findings.filter((finding) => finding.ruleId === 'invalid-suppression-date');
        assert.equal(dateFindings.length, 1, `findings: ${JSON.stringify(findings.map((f) => [f.ruleId, f.message]))}`);
        assert.match(dateFindings[0]!.message, new RegExp(bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
        assert.equal(dateFindings[0]!.range.start.line, 1);
      });
    }

    it('does not report a real date, and the suppression still works and expires', () => {
      const live = analyse(suppressed('2027-03-31')).findings;
      assert.deepEqual(ruleIds(live), []);
      const expired = analyse(suppressed('2026-03-31')).findings;
      assert.deepEqual(ruleIds(expired), ['missing-timeout']);
    });

    it('does not report a leap day that exists', () => {
      assert.deepEqual(ruleIds(analyse(suppressed('2028-02-29')).findings), []);
    });
  });

  describe('defect 7: a half-typed import does not make rules fail for the whole file', () => {
    const halfTyped = [
      "import { get } from ",
      'export async function save(db: { write(raw: string): Promise<void> }, raw: string) {',
      '  db.write(raw);',
      '  try {',
      '    await db.write(raw);',
      '  } catch {}',
      '}',
      '',
    ].join('\n');

    it('keeps every rule running and their findings', () => {
      const analysis = analyse(halfTyped);
      assert.deepEqual(analysis.ruleFailures.map((failure) => `${failure.ruleId}: ${failure.error.split('\n')[0]}`), []);
      const found = ruleIds(analysis.findings);
      assert.ok(found.includes('floating-promise'), `floating-promise's finding is missing: ${JSON.stringify(found)}`);
      assert.ok(found.includes('swallowed-error'), `swallowed-error's finding is missing: ${JSON.stringify(found)}`);
    });

    for (const partial of ["import ", "import { get ", "import { get } from ", "import * as http from ", "import fetch from 'node-", "export { get } from "]) {
      it(`no rule fails on ${JSON.stringify(partial)}`, () => {
        const analysis = analyse(`${partial}\nexport async function f() {\n  await fetch('https://x');\n}\n`);
        assert.deepEqual(analysis.ruleFailures.map((failure) => `${failure.ruleId}: ${failure.error.split('\n')[0]}`), []);
      });
    }
  });

  it('the engine subscribes rules by node kind (sanity: a call listener hears every call)', () => {
    let calls = 0;
    const counting: Rule = {
      meta: { id: 'count-calls', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
      create: () => ({ [SyntaxKind.CallExpression]: () => void (calls += 1) }),
    };
    analyse('a();\nb();\nc(d());\n', { rules: [counting] });
    assert.equal(calls, 4);
  });
});
