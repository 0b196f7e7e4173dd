import * as assert from 'node:assert/strict';
import { SyntaxKind } from 'ts-morph';
import { AnalysisProject, analyzeSourceFile, allRules, DEFAULT_TESTS_CONFIG, type Finding, type ResolvedConfig, type Rule } from 'preflight-server';
import { suppressionMetaRules } from 'preflight-server/out/rules/suppression-meta';
import { findSuppressionComments, isPlaceholderReason } from 'preflight-server/out/engine/suppression';

/** Flags every call to a function named `flagMe`. */
const flagCalls: Rule = {
  meta: { id: 'flag-calls', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
  create({ report }) {
    return {
      [SyntaxKind.CallExpression]: (call) => {
        if (call.getText().startsWith('flagMe(')) report({ node: call, message: 'flagged' });
      },
    };
  },
};

/** Flags every call to a function named `otherMe`. */
const otherCalls: Rule = {
  meta: { id: 'other-calls', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
  create({ report }) {
    return {
      [SyntaxKind.CallExpression]: (call) => {
        if (call.getText().startsWith('otherMe(')) report({ node: call, message: 'other' });
      },
    };
  },
};

const project = new AnalysisProject({ inMemory: true });
let counter = 0;

function analyse(code: string, options: { today?: string; config?: ResolvedConfig; rules?: Rule[]; filename?: string } = {}): Finding[] {
  counter += 1;
  const path = `/suppression/${counter}/${options.filename ?? 'case.ts'}`;
  const file = project.upsert(path, code);
  try {
    return analyzeSourceFile(file, {
      rules: options.rules ?? [flagCalls, otherCalls, ...suppressionMetaRules],
      today: options.today ?? '2026-06-01',
      config: options.config,
    }).findings;
  } finally {
    project.remove(path);
  }
}

/** `ruleId@line` (1-based) for each finding, in order. */
function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId}@${f.range.start.line + 1}`);
}

describe('suppression comments', () => {
  it('disable-next-line suppresses the named rule on the next line only', () => {
    const code = ['// preflight-disable-next-line flag-calls -- in-cluster, 50ms p99', 'flagMe();', 'flagMe();'].join('\n');
    assert.deepEqual(summary(analyse(code)), ['flag-calls@3']);
  });

  it('disable-line suppresses a finding on the same line as a trailing comment', () => {
    const code = ['flagMe(); // preflight-disable-line flag-calls -- not security sensitive', 'flagMe();'].join('\n');
    assert.deepEqual(summary(analyse(code)), ['flag-calls@2']);
  });

  it('a block disable comment suppresses from that point to the end of the file', () => {
    const code = ['flagMe();', '/* preflight-disable flag-calls -- legacy module, tracked in OPS-123 */', 'flagMe();', 'function f() {', '  flagMe();', '}', 'otherMe();'].join('\n');
    assert.deepEqual(summary(analyse(code)), ['flag-calls@1', 'other-calls@7']);
  });

  it('accepts several ids separated by commas and spaces', () => {
    const code = ['// preflight-disable-next-line flag-calls, other-calls -- both reviewed', 'flagMe(otherMe());', '// preflight-disable-next-line other-calls flag-calls -- both reviewed', 'flagMe(otherMe());'].join('\n');
    assert.deepEqual(summary(analyse(code)), []);
  });

  it('does not suppress rules it does not name', () => {
    const code = ['// preflight-disable-next-line other-calls -- reviewed', 'flagMe();'].join('\n');
    assert.deepEqual(summary(analyse(code)), ['flag-calls@2']);
  });

  it('a suppression without a reason still suppresses, and is reported as info at the comment', () => {
    const code = ['const a = 1;', '// preflight-disable-next-line flag-calls', 'flagMe();'].join('\n');
    const findings = analyse(code);
    assert.deepEqual(summary(findings), ['suppression-without-reason@2']);
    const meta = findings[0]!;
    assert.equal(meta.severity, 'info');
    assert.equal(meta.category, 'preflight');
    assert.match(meta.message, /flag-calls/);
    assert.equal(meta.range.start.character, 0);
  });

  it('an empty reason after -- counts as no reason', () => {
    const code = ['// preflight-disable-next-line flag-calls --   ', 'flagMe();'].join('\n');
    assert.deepEqual(summary(analyse(code)), ['suppression-without-reason@1']);
  });

  for (const placeholder of ['…', '...', 'TODO', 'todo:', 'reason', 'Reason: …', '<reason>', '<why this is safe here>', 'why this is safe here', '?!', '-', 'TBD (until 2030-01-01)']) {
    it(`a placeholder reason (${JSON.stringify(placeholder)}) still suppresses, and is reported as having no reason`, () => {
      const code = [`// preflight-disable-next-line flag-calls -- ${placeholder}`, 'flagMe();'].join('\n');
      const findings = analyse(code);
      assert.deepEqual(summary(findings), ['suppression-without-reason@1']);
      assert.match(findings[0]!.message, /placeholder/);
    });
  }

  for (const reason of ['TODO: remove once OPS-12 ships', 'why: the sidecar answers in 50ms', '<b>internal</b> probe', 'ok', 'n/a here: health probe']) {
    it(`a real reason that merely contains a placeholder word (${JSON.stringify(reason)}) counts`, () => {
      const code = [`// preflight-disable-next-line flag-calls -- ${reason}`, 'flagMe();'].join('\n');
      assert.deepEqual(summary(analyse(code)), []);
    });
  }

  it('isPlaceholderReason: punctuation only, template slots and placeholder words, in any case', () => {
    for (const text of ['', '  ', '…', '....', '???', '<>', '<TODO>', 'TODO', 'Todo.', 'FIXME!', 'reason: …', 'N/A']) {
      assert.equal(isPlaceholderReason(text), true, text);
    }
    for (const text of ['in-cluster, 50ms p99', 'todo list is cached', 'reason unknown but harmless in dev']) {
      assert.equal(isPlaceholderReason(text), false, text);
    }
  });

  it('an (until DATE) suppression holds up to and including that date, then the finding returns', () => {
    const code = ['// preflight-disable-next-line flag-calls -- migrating in OPS-9 (until 2026-03-31)', 'flagMe();'].join('\n');
    assert.deepEqual(summary(analyse(code, { today: '2026-03-30' })), []);
    assert.deepEqual(summary(analyse(code, { today: '2026-03-31' })), []);
    const expired = analyse(code, { today: '2026-04-01' });
    assert.deepEqual(summary(expired), ['flag-calls@2']);
    assert.equal(expired[0]!.related.length, 1);
    assert.match(expired[0]!.related[0]!.message, /expired on 2026-03-31/);
    assert.equal(expired[0]!.related[0]!.range.start.line, 0);
  });

  it('a reason that is only an (until DATE) counts as no reason', () => {
    const code = ['// preflight-disable-next-line flag-calls -- (until 2030-01-01)', 'flagMe();'].join('\n');
    assert.deepEqual(summary(analyse(code)), ['suppression-without-reason@1']);
  });

  it('defaults today to the real date: a suppression that expired long ago does not hold', () => {
    counter += 1;
    const file = project.upsert(`/suppression/${counter}/case.ts`, '// preflight-disable-next-line flag-calls -- old (until 2001-01-01)\nflagMe();\n');
    const findings = analyzeSourceFile(file, { rules: [flagCalls] }).findings;
    assert.deepEqual(summary(findings), ['flag-calls@2']);
  });

  it('reports an unknown rule id at the id, with a close match as a fix', () => {
    const code = ['// preflight-disable-next-line missing-timout -- in-cluster', 'flagMe();'].join('\n');
    const findings = analyse(code, { rules: [flagCalls, ...allRules] });
    const unknown = findings.filter((f) => f.ruleId === 'unknown-rule-in-suppression');
    assert.equal(unknown.length, 1);
    assert.equal(unknown[0]!.severity, 'warning');
    assert.match(unknown[0]!.message, /"missing-timout".*Did you mean "missing-timeout"/);
    assert.equal(unknown[0]!.range.start.character, '// preflight-disable-next-line '.length);
    assert.equal(unknown[0]!.endOffset - unknown[0]!.startOffset, 'missing-timout'.length);
    assert.deepEqual(unknown[0]!.fixes[0]!.edits.map((e) => e.newText), ['missing-timeout']);
    assert.ok(findings.some((f) => f.ruleId === 'flag-calls'), 'the misspelt suppression suppresses nothing');
  });

  it('a reason written without -- is read as rule ids and reported', () => {
    const code = ['// preflight-disable-next-line flag-calls because reviewed', 'flagMe();'].join('\n');
    const findings = analyse(code);
    assert.deepEqual(summary(findings).sort(), ['suppression-without-reason@1', 'unknown-rule-in-suppression@1', 'unknown-rule-in-suppression@1']);
  });

  it('ignores the marker inside strings, templates and in the middle of a comment', () => {
    const code = [
      'const s = "// preflight-disable-next-line flag-calls -- x";',
      'flagMe();',
      'const t = `',
      '/* preflight-disable flag-calls -- x */`;',
      'flagMe(); // see preflight-disable-line flag-calls in the docs',
    ].join('\n');
    assert.deepEqual(summary(analyse(code)), ['flag-calls@2', 'flag-calls@5']);
  });

  it('finds comments in any trivia position: inside an empty block and before a closing brace', () => {
    const code = [
      'try { flagMe(); } catch { /* preflight-disable-line flag-calls -- best effort */ }',
      'function f() {',
      '  otherMe();',
      '  // preflight-disable other-calls -- rest of file is generated',
      '}',
      'otherMe();',
    ].join('\n');
    assert.deepEqual(summary(analyse(code)), ['other-calls@3']);
  });

  it('parses the comment forms into scope, ids, reason and expiry', () => {
    counter += 1;
    const file = project.upsert(
      `/suppression/${counter}/case.ts`,
      [
        '/* preflight-disable a-rule, b-rule -- legacy (until 2027-03-31) */',
        'x(); // preflight-disable-line c-rule',
        '/**',
        ' * preflight-disable-next-line d-rule -- documented',
        ' */',
        'y();',
      ].join('\n'),
    );
    const comments = findSuppressionComments(file).map((c) => ({ scope: c.scope, ids: c.ruleIds.map((r) => r.id), reason: c.reason, until: c.until, lines: [c.startLine, c.endLine] }));
    assert.deepEqual(comments, [
      { scope: 'rest-of-file', ids: ['a-rule', 'b-rule'], reason: 'legacy', until: '2027-03-31', lines: [0, 0] },
      { scope: 'line', ids: ['c-rule'], reason: undefined, until: undefined, lines: [1, 1] },
      { scope: 'next-line', ids: ['d-rule'], reason: 'documented', until: undefined, lines: [2, 4] },
    ]);
  });

  it('a comment with no ids suppresses every rule on its line', () => {
    const code = ['// preflight-disable-next-line -- generated code', 'flagMe(otherMe());', 'flagMe();'].join('\n');
    assert.deepEqual(summary(analyse(code)), ['flag-calls@3']);
  });

  it('the meta findings follow the config: off turns them off, a severity changes them', () => {
    const code = ['// preflight-disable-next-line flag-calls', 'flagMe();'].join('\n');
    const off: ResolvedConfig = { rules: { 'suppression-without-reason': { severity: 'off' } }, ignore: [], tests: DEFAULT_TESTS_CONFIG, checklist: { items: [] }, fixes: { timeoutMs: 10_000 } };
    assert.deepEqual(summary(analyse(code, { config: off })), []);
    const asWarning: ResolvedConfig = { rules: { 'suppression-without-reason': { severity: 'warning' } }, ignore: [], tests: DEFAULT_TESTS_CONFIG, checklist: { items: [] }, fixes: { timeoutMs: 10_000 } };
    assert.equal(analyse(code, { config: asWarning })[0]?.severity, 'warning');
  });

  it('works in JavaScript and JSX files', () => {
    const code = [
      'export function View() {',
      '  return (',
      '    <div>',
      '      {/* preflight-disable-next-line flag-calls -- render-only */}',
      '      {flagMe()}',
      '      {flagMe()}',
      '    </div>',
      '  );',
      '}',
    ].join('\n');
    assert.deepEqual(summary(analyse(code, { filename: 'view.jsx' })), ['flag-calls@6']);
  });

  it('suppresses a real rule: missing-timeout on fetch(url) without a signal', () => {
    const flagged = analyse('export async function load(url: string) {\n  return fetch(url);\n}\n', { rules: [...allRules] });
    assert.deepEqual(summary(flagged), ['missing-timeout@2'], 'missing-timeout should flag fetch(url) without a signal');
    const suppressed = analyse(
      'export async function load(url: string) {\n  // preflight-disable-next-line missing-timeout -- in-cluster sidecar\n  return fetch(url);\n}\n',
      { rules: [...allRules] },
    );
    assert.deepEqual(summary(suppressed), []);
  });
});
