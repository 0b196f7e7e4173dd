import { SyntaxKind } from 'ts-morph';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection } from 'vscode-languageserver/node';
import { AnalysisProject, DEFAULT_CONFIG, MAX_ANALYSED_BYTES, type Rule } from 'preflight-server';
import { AnalysisScheduler, type AnalysedDocument } from 'preflight-server/out/lsp/scheduler';
import { ServerLog } from 'preflight-server/out/lsp/log';

// The scheduler with real rules over a real (in-memory) ts-morph project; only the
// connection behind the log is replaced by a recorder, since these tests are about
// what gets logged and delivered, not about the transport (lsp.test.ts covers that).

const callsRule: Rule = {
  meta: { id: 'reports-calls', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
  create({ report }) {
    return { [SyntaxKind.CallExpression]: (call) => report({ node: call, message: 'a call' }) };
  },
};

const throwingRule: Rule = {
  meta: { id: 'always-throws', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
  create() {
    throw new Error('boom');
  },
};

function recordingLog(): { log: ServerLog; lines: string[] } {
  const lines: string[] = [];
  const record = (message: string): void => {
    lines.push(message);
  };
  const connection = { console: { info: record, warn: record, error: record, log: record } } as unknown as Connection;
  return { log: new ServerLog(connection), lines };
}

function setup(rules: Rule[], debounceMs = 10) {
  const { log, lines } = recordingLog();
  const delivered: AnalysedDocument[] = [];
  const busy: number[] = [];
  const scheduler = new AnalysisScheduler({
    project: new AnalysisProject({ inMemory: true }),
    log,
    rules,
    debounceMs,
    configFor: () => DEFAULT_CONFIG,
    onAnalysed: (result) => delivered.push(result),
    onBusy: (analysing) => busy.push(analysing),
  });
  scheduler.setReady();
  return { scheduler, delivered, lines, busy };
}

function edit(document: TextDocument, text: string): TextDocument {
  return TextDocument.update(document, [{ text }], document.version + 1);
}

describe('analysis scheduler', () => {
  it('reports how many documents are waiting for or in analysis, once per change of the count, down to 0', async () => {
    const { scheduler, busy } = setup([callsRule]);
    const documents = ['x', 'y', 'z'].map((name) => TextDocument.create(`file:///${name}.ts`, 'typescript', 1, 'foo();\n'));
    documents.forEach((document, i) => scheduler.open(document, `/${['x', 'y', 'z'][i]}.ts`));
    await Promise.all(documents.map((document) => scheduler.whenCurrent(document.uri, 5_000)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(busy.at(-1), 0, `ends idle: ${JSON.stringify(busy)}`);
    assert.ok(Math.max(...busy) >= 1 && Math.max(...busy) <= 3, JSON.stringify(busy));
    assert.ok(busy.slice(1).every((count, i) => count !== busy[i]), `a count is reported only when it changes: ${JSON.stringify(busy)}`);
    assert.equal(scheduler.analysing(), 0);
    scheduler.dispose();
  });

  it('logs a throwing rule once per session, not on every change, and still delivers the other rules’ findings', async () => {
    const { scheduler, delivered, lines } = setup([throwingRule, callsRule]);
    let document = TextDocument.create('file:///a.ts', 'typescript', 1, 'foo();\n');
    scheduler.open(document, '/a.ts');
    assert.equal((await scheduler.whenCurrent(document.uri, 5_000))?.findings.length, 1);
    for (let i = 0; i < 3; i++) {
      document = edit(document, `foo();\nbar${i}();\n`);
      scheduler.change(document);
      const result = await scheduler.whenCurrent(document.uri, 5_000);
      assert.equal(result?.version, document.version);
      assert.equal(result?.findings.length, 2);
    }
    const failures = lines.filter((line) => line.includes('always-throws'));
    assert.equal(failures.length, 1, `expected one log line for the failing rule, got ${JSON.stringify(failures)}`);
    assert.match(failures[0], /boom/);
    assert.equal(delivered.length, 4);
    scheduler.dispose();
  });

  it('cancels an analysis overtaken by a change and never delivers the stale version', async () => {
    let scheduler!: AnalysisScheduler;
    let document = TextDocument.create('file:///b.ts', 'typescript', 1, 'one();\n');
    let typedDuringAnalysis = false;
    // A rule during which the user "types": the change arrives while version 1 is being analysed.
    const typingRule: Rule = {
      ...callsRule,
      meta: { ...callsRule.meta, id: 'types-meanwhile' },
      create() {
        return {
          onFileEnd() {
            if (typedDuringAnalysis) return;
            typedDuringAnalysis = true;
            document = edit(document, 'one();\ntwo();\n');
            scheduler.change(document);
          },
        };
      },
    };
    const setUp = setup([typingRule, callsRule]);
    scheduler = setUp.scheduler;
    scheduler.open(document, '/b.ts');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const result = await scheduler.whenCurrent(document.uri, 5_000);
    assert.ok(typedDuringAnalysis, 'the change did not happen during the analysis');
    assert.equal(result?.version, 2);
    assert.deepEqual(setUp.delivered.map((d) => [d.version, d.findings.length]), [[2, 2]]);
    assert.equal(scheduler.getStats().analysesCancelled, 1);
    scheduler.dispose();
  });

  it('debounces bursts of changes into one analysis of the newest version', async () => {
    const { scheduler, delivered } = setup([callsRule], 50);
    let document = TextDocument.create('file:///c.ts', 'typescript', 1, '');
    scheduler.open(document, '/c.ts');
    await scheduler.whenCurrent(document.uri, 5_000);
    for (let i = 1; i <= 5; i++) {
      document = edit(document, 'f();\n'.repeat(i));
      scheduler.change(document);
    }
    const result = await scheduler.whenCurrent(document.uri, 5_000);
    assert.equal(result?.version, 6);
    assert.deepEqual(delivered.map((d) => d.version), [1, 6]);
    assert.equal(result?.findings.length, 5);
    scheduler.dispose();
  });

  it('skips documents over the size limit with one log line, delivering no findings', async () => {
    const { scheduler, delivered, lines } = setup([callsRule]);
    let document = TextDocument.create('file:///big.ts', 'typescript', 1, 'f();\n'.repeat(MAX_ANALYSED_BYTES / 4));
    scheduler.open(document, '/big.ts');
    await scheduler.whenCurrent(document.uri, 5_000);
    document = edit(document, document.getText() + 'g();\n');
    scheduler.change(document);
    await scheduler.whenCurrent(document.uri, 5_000);
    assert.deepEqual(delivered.map((d) => d.findings.length), [0, 0]);
    assert.equal(lines.filter((line) => line.includes('larger than')).length, 1);
    scheduler.dispose();
  });

  it('answers waiters with undefined when the document closes', async () => {
    const { scheduler } = setup([callsRule], 1_000);
    const document = TextDocument.create('file:///d.ts', 'typescript', 1, 'f();\n');
    scheduler.open(document, '/d.ts');
    scheduler.change(edit(document, 'g();\n'));
    const waiting = scheduler.whenCurrent(document.uri, 5_000);
    scheduler.close(document.uri);
    assert.equal(await waiting, undefined);
  });
});
