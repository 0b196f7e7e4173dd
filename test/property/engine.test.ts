import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AnalysisProject, allRules } from 'preflight-server';
import { AnalysisOverBudget, analyzeSourceFileAsync } from 'preflight-server/out/engine/analyze';
import { isStackOverflow } from 'preflight-server/out/parse/nesting';
import { unanalysableTextReason } from 'preflight-server/out/workspace/files';
import { generatedSource, mutatedSource, seedSources, type MutatedInput } from './mutations';

/** Inputs through the engine (PREFLIGHT_PROPERTY_RUNS overrides, for a longer local run). */
const ENGINE_RUNS = Number(process.env.PREFLIGHT_PROPERTY_RUNS ?? 9_000);
/** A file's analysis budget here: generous for a loaded 2-core CI machine; no input may need more. */
const BUDGET_MS = 5_000;

interface Tally {
  inputs: number;
  analysed: number;
  skipped: number;
  byMutation: Map<string, number>;
}

/** Inputs analysed together, as the CLI does: one program and type checker per batch rather than per input. */
const BATCH = 25;

/**
 * What the CLI does with a batch of inputs: skip each one the limits refuse
 * (minified, too deeply nested, a parser stack overflow), add the rest to the
 * project, then analyse each within its budget. Throws on anything else.
 */
async function throughTheEngine(project: AnalysisProject, batch: readonly MutatedInput[], tally: Tally): Promise<void> {
  const added: { file: string; sourceFile: ReturnType<AnalysisProject['upsert']> }[] = [];
  try {
    batch.forEach((input, index) => {
      tally.inputs += 1;
      for (const kind of input.kinds) tally.byMutation.set(kind, (tally.byMutation.get(kind) ?? 0) + 1);
      const file = `/property/input-${index}${index % 4 === 0 ? '.js' : '.ts'}`;
      if (unanalysableTextReason(file, input.text, Buffer.byteLength(input.text))) {
        tally.skipped += 1;
        return;
      }
      try {
        added.push({ file, sourceFile: project.upsert(file, input.text) });
      } catch (error) {
        if (!isStackOverflow(error)) throw error;
        project.remove(file);
        tally.skipped += 1;
      }
    });
    for (const { file, sourceFile } of added) {
      try {
        const analysis = await analyzeSourceFileAsync(sourceFile, { rules: allRules, budgetMs: BUDGET_MS, today: '2026-06-01' });
        assert.deepEqual(
          analysis.ruleFailures.map((failure) => `${failure.ruleId}: ${failure.error.split('\n').slice(0, 3).join(' | ')}`),
          [],
          `no rule may throw on any input (${file})`,
        );
        tally.analysed += 1;
      } catch (error) {
        if (error instanceof AnalysisOverBudget) throw new Error(`${file} went over its budget of ${BUDGET_MS} ms`);
        if (!isStackOverflow(error)) throw error;
        tally.skipped += 1;
      }
    }
  } finally {
    for (const { file } of added) project.remove(file);
  }
}

describe('property: the engine survives generated and mutated inputs (issue 13)', function () {
  this.timeout(600_000);

  it(`${ENGINE_RUNS} inputs: no exception escapes, no rule throws, no file over its budget`, async () => {
    const seeds = seedSources();
    const project = new AnalysisProject({ inMemory: true });
    // The first analysis loads the standard library's types (seconds on a loaded machine): not part of any input's budget.
    const warmUp = project.upsert('/property/warm-up.ts', seeds[0]!);
    await analyzeSourceFileAsync(warmUp, { rules: allRules });
    const tally: Tally = { inputs: 0, analysed: 0, skipped: 0, byMutation: new Map() };
    const started = Date.now();
    const input = fc.oneof({ arbitrary: mutatedSource(seeds), weight: 4 }, { arbitrary: generatedSource(), weight: 1 });
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        await throughTheEngine(project, batch, tally);
      }),
      { numRuns: Math.ceil(ENGINE_RUNS / BATCH), seed: Number(process.env.PREFLIGHT_PROPERTY_SEED ?? 20261301), endOnFailure: true },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `      engine: ${tally.inputs} inputs (${tally.analysed} analysed, ${tally.skipped} skipped by the limits) in ${seconds} s; mutations: ${[...tally.byMutation].map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
    );
    assert.ok(tally.inputs >= ENGINE_RUNS, `${tally.inputs} inputs`);
  });
});
