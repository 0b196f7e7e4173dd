import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from 'preflight-server';
import { manualItems } from 'preflight-server/out/checklist/manual-items';
import { readTicks, ticksFilePath, TicksFileError, writeTick, serialiseTicks } from 'preflight-server/out/checklist/ticks';
import { buildChecklistReport } from 'preflight-server/out/checklist/report';
import { GitRepo, requireGit, tempDir } from './git-fixture';

const TICKS_MODULE = path.resolve(__dirname, '..', '..', '..', 'server', 'out', 'checklist', 'ticks.js');

describe('checklist manual items and ticks', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const folder = (): string => {
    const dir = tempDir('preflight-ticks-');
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('writes .preflight/checklist.json keyed by branch, stable and readable', async () => {
    const root = folder();
    await writeTick(root, { branch: 'feature/a', id: 'runbook', ticked: true, by: 'Ada', at: '2026-01-02T03:04:05.000Z' });
    await writeTick(root, { branch: 'feature/a', id: 'rollback-plan', ticked: true, by: 'Ada', at: '2026-01-02T03:04:06.000Z' });
    await writeTick(root, { branch: 'feature/b', id: 'runbook', ticked: false, by: 'Bob', at: '2026-01-03T00:00:00.000Z' });
    const text = fs.readFileSync(path.join(root, '.preflight', 'checklist.json'), 'utf8');
    assert.equal(
      text,
      `{
  "version": 1,
  "branches": {
    "feature/a": {
      "rollback-plan": {
        "ticked": true,
        "by": "Ada",
        "at": "2026-01-02T03:04:06.000Z"
      },
      "runbook": {
        "ticked": true,
        "by": "Ada",
        "at": "2026-01-02T03:04:05.000Z"
      }
    },
    "feature/b": {
      "runbook": {
        "ticked": false,
        "by": "Bob",
        "at": "2026-01-03T00:00:00.000Z"
      }
    }
  }
}
`,
    );
    const document = readTicks(root);
    const onA = manualItems([], document.branches['feature/a']!);
    assert.deepEqual(
      onA.filter((item) => item.ticked).map((item) => `${item.id} by ${item.tickedBy} at ${item.tickedAt}`),
      ['rollback-plan by Ada at 2026-01-02T03:04:06.000Z', 'runbook by Ada at 2026-01-02T03:04:05.000Z'],
    );
    assert.equal(manualItems([], document.branches['feature/b']!).filter((item) => item.ticked).length, 0);
    assert.deepEqual(fs.readdirSync(path.join(root, '.preflight')), ['checklist.json'], 'no temporary or lock files left behind');
  });

  it('keeps a tick written by someone else since this process last read the file (re-read and merge)', async () => {
    const root = folder();
    await writeTick(root, { branch: 'main', id: 'runbook', ticked: true });
    const seenEarlier = readTicks(root);
    // Another process (the CLI, a second editor) ticks an item meanwhile, writing the file directly.
    const other = { version: 1 as const, branches: { main: { ...seenEarlier.branches.main!, 'staged-rollout': { ticked: true, by: 'Other', at: '2026-02-01T00:00:00.000Z' } } } };
    fs.writeFileSync(ticksFilePath(root), serialiseTicks(other));
    await writeTick(root, { branch: 'main', id: 'rollback-plan', ticked: true });
    const merged = readTicks(root).branches.main!;
    assert.deepEqual(Object.keys(merged).sort(), ['rollback-plan', 'runbook', 'staged-rollout']);
    assert.equal(merged['staged-rollout']!.by, 'Other');
  });

  it('concurrent writers from separate processes all land (lock + atomic rename)', async () => {
    const root = folder();
    const ids = Array.from({ length: 8 }, (_, i) => `item-${i}`);
    const script = `const { writeTick } = require(${JSON.stringify(TICKS_MODULE)});
writeTick(process.argv[1], { branch: 'main', id: process.argv[2], ticked: true, by: 'p' + process.pid }).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
    const codes = await Promise.all(
      ids.map(
        (id) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, ['-e', script, root, id], { stdio: ['ignore', 'ignore', 'inherit'] });
            child.on('exit', resolve);
          }),
      ),
    );
    assert.deepEqual(codes, ids.map(() => 0));
    assert.deepEqual(Object.keys(readTicks(root).branches.main!).sort(), ids);
    assert.deepEqual(fs.readdirSync(path.join(root, '.preflight')), ['checklist.json']);
  });

  it('a reader never sees a partly written file', async () => {
    const root = folder();
    await writeTick(root, { branch: 'main', id: 'seed', ticked: true });
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        const text = fs.readFileSync(ticksFilePath(root), 'utf8');
        JSON.parse(text); // throws on a torn write
        reads += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 30; i++) await writeTick(root, { branch: 'main', id: `i${i}`, ticked: i % 2 === 0, by: 'x'.repeat(2000) });
    stop = true;
    await reader;
    assert.ok(reads > 0);
  });

  it('refuses to overwrite a ticks file it cannot understand, and leaves it as it was', async () => {
    const root = folder();
    fs.mkdirSync(path.join(root, '.preflight'));
    fs.writeFileSync(ticksFilePath(root), '{ "version": 1, "branches": { oops');
    await assert.rejects(writeTick(root, { branch: 'main', id: 'runbook', ticked: true }), (error: unknown) => {
      assert.ok(error instanceof TicksFileError);
      assert.match(error.message, /not valid JSON/);
      return true;
    });
    assert.equal(fs.readFileSync(ticksFilePath(root), 'utf8'), '{ "version": 1, "branches": { oops');
    const report = await buildChecklistReport({ root, scope: 'workspace', config: DEFAULT_CONFIG });
    assert.ok(report.problems.some((problem) => problem.file === '.preflight/checklist.json' && /not valid JSON/.test(problem.message)));
  });

  it('config items are added, can override a built-in, and can be required', () => {
    const items = manualItems(
      [
        { id: 'load-test', title: 'Load-tested the new endpoint', required: true },
        { id: 'runbook', title: 'Runbook updated in the wiki', required: true },
      ],
      { 'load-test': { ticked: true, at: '2026-01-01T00:00:00.000Z' } },
    );
    assert.deepEqual(
      items.map((item) => `${item.id}|${item.title}|${item.required}|${item.ticked}|${item.source}`),
      [
        'rollback-plan|Rollback plan written|false|false|builtin',
        'feature-flag|Feature flag guards the new path|false|false|builtin',
        'monitoring-alerts|Monitoring and alerts cover the new path|false|false|builtin',
        'staged-rollout|Staged rollout plan|false|false|builtin',
        'runbook|Runbook updated in the wiki|true|false|builtin',
        'load-test|Load-tested the new endpoint|true|true|config',
      ],
    );
    assert.ok(manualItems([], {}, { requireAll: true }).every((item) => item.required));
  });

  it('the report reads the ticks of the checked-out branch only', async () => {
    requireGit();
    const git = GitRepo.init({ 'src/a.ts': 'export const a = 1;\n' });
    dirs.push(git.dir);
    git.git('checkout', '-q', '-b', 'feature/x');
    await writeTick(git.dir, { branch: 'feature/x', id: 'rollback-plan', ticked: true, by: 'Ada' });
    await writeTick(git.dir, { branch: 'main', id: 'runbook', ticked: true, by: 'Ada' });
    const config = { ...DEFAULT_CONFIG, checklist: { items: [{ id: 'load-test', title: 'Load test', required: true }] } };
    const onFeature = await buildChecklistReport({ root: git.dir, scope: 'changed', config });
    assert.deepEqual(onFeature.manualItems.filter((item) => item.ticked).map((item) => item.id), ['rollback-plan']);
    assert.deepEqual(onFeature.summary.manual, { ticked: 1, total: 6, requiredUnticked: 1 });
    assert.equal(onFeature.summary.ready, false);
    await writeTick(git.dir, { branch: 'feature/x', id: 'load-test', ticked: true });
    const afterTick = await buildChecklistReport({ root: git.dir, scope: 'changed', config });
    assert.equal(afterTick.summary.manual.requiredUnticked, 0);
    git.git('checkout', '-q', 'main');
    const onMain = await buildChecklistReport({ root: git.dir, scope: 'workspace', config });
    assert.deepEqual(onMain.manualItems.filter((item) => item.ticked).map((item) => item.id), ['runbook']);
  });
});
