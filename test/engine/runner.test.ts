import * as assert from 'node:assert/strict';
import { AnalysisProject, analyzeSourceFile, DEFAULT_TESTS_CONFIG, type Rule } from 'preflight-server';

const throwingRule: Rule = {
  meta: { id: 'always-throws', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
  check() {
    throw new Error('boom');
  },
};

const reportingRule: Rule = {
  meta: { id: 'reports-calls', title: 't', category: 'resilience', defaultSeverity: 'info', explanation: '', fix: '', examples: [] },
  check({ sourceFile, report }) {
    for (const call of sourceFile.getDescendants().filter((n) => n.getKindName() === 'CallExpression')) {
      report({ node: call, message: 'a call' });
    }
  },
};

describe('engine runner', () => {
  it('isolates a rule that throws: the failure is reported once and other rules still report', () => {
    const project = new AnalysisProject({ inMemory: true });
    const file = project.upsert('/x.ts', 'foo();\nbar();\n');
    const failures: string[] = [];
    const result = analyzeSourceFile(file, {
      rules: [throwingRule, reportingRule],
      onRuleFailure: (failure) => failures.push(failure.ruleId),
    });
    assert.deepEqual(failures, ['always-throws']);
    assert.equal(result.ruleFailures.length, 1);
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.range.start.line]), [['reports-calls', 0], ['reports-calls', 1]]);
  });

  it('applies configured severities and turns rules off', () => {
    const project = new AnalysisProject({ inMemory: true });
    const file = project.upsert('/y.ts', 'foo();\n');
    const asError = analyzeSourceFile(file, { rules: [reportingRule], config: { rules: { 'reports-calls': { severity: 'error' } }, ignore: [], tests: DEFAULT_TESTS_CONFIG, checklist: { items: [] } } });
    assert.equal(asError.findings[0]?.severity, 'error');
    const off = analyzeSourceFile(file, { rules: [reportingRule], config: { rules: { 'reports-calls': { severity: 'off' } }, ignore: [], tests: DEFAULT_TESTS_CONFIG, checklist: { items: [] } } });
    assert.equal(off.findings.length, 0);
  });
});
