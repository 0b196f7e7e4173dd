import * as assert from 'node:assert/strict';
import { SyntaxKind } from 'ts-morph';
import { AnalysisProject, analyzeSourceFile, DEFAULT_TESTS_CONFIG, type Rule } from 'preflight-server';

const throwingRule: Rule = {
  meta: { id: 'always-throws', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
  create() {
    throw new Error('boom');
  },
};

const reportingRule: Rule = {
  meta: { id: 'reports-calls', title: 't', category: 'resilience', defaultSeverity: 'info', explanation: '', fix: '', examples: [] },
  create({ report }) {
    return { [SyntaxKind.CallExpression]: (call) => report({ node: call, message: 'a call' }) };
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
    const asError = analyzeSourceFile(file, { rules: [reportingRule], config: { rules: { 'reports-calls': { severity: 'error' } }, ignore: [], tests: DEFAULT_TESTS_CONFIG, checklist: { items: [] }, fixes: { timeoutMs: 10_000 } } });
    assert.equal(asError.findings[0]?.severity, 'error');
    const off = analyzeSourceFile(file, { rules: [reportingRule], config: { rules: { 'reports-calls': { severity: 'off' } }, ignore: [], tests: DEFAULT_TESTS_CONFIG, checklist: { items: [] }, fixes: { timeoutMs: 10_000 } } });
    assert.equal(off.findings.length, 0);
  });

  it('a rule whose listener throws mid-walk loses its findings for the file; the others still hear every node', () => {
    const project = new AnalysisProject({ inMemory: true });
    const file = project.upsert('/y.ts', 'one();\ntwo();\nthree();\n');
    let heardAfterFailure = 0;
    let failed = false;
    const failsOnSecond: Rule = {
      meta: { ...reportingRule.meta, id: 'fails-on-second' },
      create({ report }) {
        return {
          [SyntaxKind.CallExpression]: (call) => {
            if (failed) heardAfterFailure += 1;
            report({ node: call, message: 'heard' });
            if (call.getText() === 'two()') {
              failed = true;
              throw new Error('boom');
            }
          },
        };
      },
    };
    const result = analyzeSourceFile(file, { rules: [failsOnSecond, reportingRule] });
    assert.equal(heardAfterFailure, 0);
    assert.deepEqual(result.ruleFailures.map((f) => f.ruleId), ['fails-on-second']);
    assert.deepEqual(result.findings.map((f) => `${f.ruleId}:${f.range.start.line}`), ['reports-calls:0', 'reports-calls:1', 'reports-calls:2']);
  });

  it('dispatches the nodes each rule listens to in document order, outer nodes first', () => {
    const project = new AnalysisProject({ inMemory: true });
    const file = project.upsert('/z.ts', 'try { a(b()); } catch (e) { c(); }\nd();\n');
    const heard: string[] = [];
    const recorder: Rule = {
      meta: { ...reportingRule.meta, id: 'records' },
      create() {
        return {
          [SyntaxKind.CallExpression]: (call) => heard.push(call.getExpression().getText()),
          [SyntaxKind.CatchClause]: () => heard.push('catch'),
          onFileEnd: () => heard.push('end'),
        };
      },
    };
    analyzeSourceFile(file, { rules: [recorder] });
    assert.deepEqual(heard, ['a', 'b', 'catch', 'c', 'd', 'end']);
  });
});
