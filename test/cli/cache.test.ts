import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanUp, makeProject, runCli, type CliResult } from './helpers';

const FETCHER = `export async function load(url: string) {
  const res = await fetch(url);
  return res.json();
}
`;

/** The same function, now unable to reject: callers that do not await it are no longer findings. */
const FETCHER_THAT_CATCHES = `export async function load(url: string) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return await res.json();
  } catch (error) {
    console.error('load failed', error);
    return undefined;
  }
}
`;

const CALLER = `import { load } from './fetcher';

export function refresh(): void {
  load('https://rates.example/today');
}
`;

const UNRELATED = `export async function ping(url: string) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
  } catch {}
}
`;

const HANDLER = `process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection', reason);
});
`;

function reusedOf(result: CliResult): [number, number] {
  const match = /cache: reused (\d+) of (\d+) file results/.exec(result.stderr);
  assert.ok(match, `no cache line in stderr:\n${result.stderr}`);
  return [Number(match[1]), Number(match[2])];
}

describe('preflight check --cache (real CLI processes)', function () {
  // Each test runs the real CLI several times over a project (three to five processes): 20 s is too tight on two busy cores.
  this.timeout(90_000);
  let dir: string;
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);

  /** Runs with the cache and without it; the outputs must be the same, whatever the cache held. */
  async function cachedRun(args: string[] = ['--format', 'json']): Promise<CliResult> {
    const cached = await runCli(['check', '--cache', ...args], dir);
    const fresh = await runCli(['check', ...args], dir);
    assert.equal(cached.stdout, fresh.stdout, 'the cached run prints what a fresh run prints');
    assert.equal(cached.code, fresh.code);
    return cached;
  }

  beforeEach(() => {
    dir = makeProject({
      'package.json': JSON.stringify({ name: 'api', version: '1.0.0' }),
      'src/fetcher.ts': FETCHER,
      'src/caller.ts': CALLER,
      'src/unrelated.ts': UNRELATED,
    });
  });
  afterEach(() => cleanUp(dir));

  it('reuses every result on an unchanged tree, and only those', async () => {
    assert.deepEqual(reusedOf(await cachedRun()), [0, 3]);
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', '.cache', 'preflight', 'results.json')));
    assert.deepEqual(reusedOf(await cachedRun()), [3, 3]);
    assert.deepEqual(reusedOf(await cachedRun(['--format', 'sarif'])), [3, 3], 'the format is not part of the key');
  });

  it("re-analyses a changed file, the files that import it and those it imports, and keeps the others'", async () => {
    const first = await cachedRun();
    assert.match(first.stdout, /"floating-promise"/);
    write('src/fetcher.ts', FETCHER_THAT_CATCHES);
    const second = await cachedRun();
    assert.deepEqual(reusedOf(second), [1, 3], 'only unrelated.ts is reused');
    assert.doesNotMatch(second.stdout, /"floating-promise"/, "caller.ts's finding went with the callee's change");
    write('src/caller.ts', `${CALLER}\n// touched\n`);
    assert.deepEqual(reusedOf(await cachedRun()), [1, 3], 'the callee it imports is re-analysed too (its importers are an input)');
  });

  it('re-analyses the package when another file adds a process-level handler (program facts)', async () => {
    await cachedRun();
    write('src/main.ts', HANDLER);
    const result = await cachedRun();
    assert.deepEqual(reusedOf(result), [0, 4]);
    assert.match(result.stdout, /unhandledRejection handler \(main\.ts:1\)/);
  });

  it('re-analyses everything when the config, a manifest or the lockfile changes', async () => {
    await cachedRun();
    write('preflight.config.json', JSON.stringify({ rules: { 'missing-timeout': 'error' } }));
    assert.deepEqual(reusedOf(await cachedRun()), [0, 3]);
    assert.deepEqual(reusedOf(await cachedRun()), [3, 3]);
    write('package.json', JSON.stringify({ name: 'api', version: '1.0.0', dependencies: { 'p-retry': '^7.0.0' } }));
    assert.deepEqual(reusedOf(await cachedRun()), [0, 3]);
    write('package-lock.json', '{}');
    assert.deepEqual(reusedOf(await cachedRun()), [0, 3]);
  });

  it('starts afresh, with one warning line, when the cache file is corrupt', async () => {
    await cachedRun();
    fs.writeFileSync(path.join(dir, 'node_modules', '.cache', 'preflight', 'results.json'), '{"format": 1, "entr');
    const result = await cachedRun();
    assert.match(result.stderr, /preflight: cache node_modules\/\.cache\/preflight\/results\.json is unreadable \(.+\); starting afresh/);
    assert.deepEqual(reusedOf(result), [0, 3]);
    assert.deepEqual(reusedOf(await cachedRun()), [3, 3], 'and rewrites it');
  });

  it('--cache-location keeps the cache elsewhere; shards share one cache', async () => {
    const location = path.join(dir, '.preflight-cache');
    await cachedRun(['--format', 'json', '--cache-location', location]);
    assert.ok(fs.existsSync(path.join(location, 'results.json')));
    assert.ok(!fs.existsSync(path.join(dir, 'node_modules', '.cache', 'preflight')));
    const [reused, of] = reusedOf(await cachedRun(['--format', 'json', '--cache-location', location, '--shard', '1/2']));
    assert.equal(reused, of);
    assert.ok(of < 3);
  });
});
