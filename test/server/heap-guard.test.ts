import * as assert from 'node:assert/strict';
import { HeapGuard, IDLE_COLLECT_MS } from 'preflight-server/out/lsp/heap-guard';

const afterIdle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, IDLE_COLLECT_MS + 200));

describe('heap guard', () => {
  it('collects the garbage of past analyses once the server has been idle', async () => {
    const guard = new HeapGuard();
    assert.ok(guard.active, 'V8 lets the server collect');
    guard.analysed(() => true);
    await afterIdle();
    assert.equal(guard.stats.collections, 1);
    guard.dispose();
  });

  it('does not collect while analyses are still waiting', async () => {
    const guard = new HeapGuard();
    guard.analysed(() => false);
    await afterIdle();
    assert.equal(guard.stats.collections, 0);
    guard.dispose();
  });

  it('waits for the last of several analyses, and skips a collection that would free little', async () => {
    const guard = new HeapGuard();
    guard.analysed(() => true);
    await afterIdle();
    for (let i = 0; i < 3; i++) guard.analysed(() => true);
    await afterIdle();
    // Nothing was allocated since the first collection: the second is not worth its pause.
    assert.equal(guard.stats.collections, 1);
    guard.dispose();
  });

  it('collects again once the heap has grown', async () => {
    const guard = new HeapGuard();
    guard.analysed(() => true);
    await afterIdle();
    const retained: number[][] = [];
    const target = process.memoryUsage().heapUsed * 0.5;
    for (let bytes = 0; bytes < target; bytes += 8 * 100_000) retained.push(new Array<number>(100_000).fill(1.5));
    guard.analysed(() => true);
    await afterIdle();
    assert.equal(guard.stats.collections, 2);
    assert.ok(retained.length > 0);
    guard.dispose();
  });
});
