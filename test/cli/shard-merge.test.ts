import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inShard } from 'preflight-server/out/cli/shard';
import { cleanUp, makeProject, parseJsonReport, runCli, type JsonReport } from './helpers';

const SHARDS = 3;

const HANDLER = `process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection', reason);
});
`;

const FLOATING = `async function sendDigest(to: string): Promise<void> {
  const res = await fetch('https://mail.example/send', { method: 'POST', body: to, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(\`mail failed: \${res.status}\`);
}

export function startJobs(): void {
  sendDigest('ops@example.com');
}
`;

function fetchModule(n: number): string {
  return `export async function load${n}(url: string) {\n  const res = await fetch(url);\n  try {\n    return await res.json();\n  } catch {}\n}\n`;
}

/**
 * The package's unhandledRejection handler and the floating promise are put in
 * different shards, so the shard analysing the promise only knows the handler
 * if every file is still read.
 */
function handlerFileApartFrom(dir: string, floatingFile: string): string {
  for (let k = 0; ; k++) {
    const candidate = `src/main-${k}.ts`;
    const apart = [1, 2, 3].some((i) => inShard(path.join(dir, candidate), dir, { index: i, count: SHARDS }) !== inShard(path.join(dir, floatingFile), dir, { index: i, count: SHARDS }));
    if (apart) return candidate;
  }
}

describe('preflight check --shard and preflight merge (real CLI processes)', function () {
  // Each test runs the real CLI several times over a project (three to five processes): 20 s is too tight on two busy cores.
  this.timeout(90_000);
  let dir: string;
  let full: JsonReport;
  const outputs: string[] = [];

  before(async () => {
    const files: Record<string, string> = { 'package.json': JSON.stringify({ name: 'api', version: '1.0.0' }), 'src/jobs.ts': FLOATING };
    for (let n = 0; n < 12; n++) files[`src/clients/client-${n}.ts`] = fetchModule(n);
    // Files no shard can analyse are listed as skipped, in whichever shard holds them.
    files['src/broken.ts'] = 'export const = ;\n';
    files['src/broken-too.ts'] = 'export function (\n';
    dir = makeProject(files);
    fs.writeFileSync(path.join(dir, handlerFileApartFrom(dir, 'src/jobs.ts')), HANDLER);
    full = parseJsonReport(await runCli(['check', '--format', 'json'], dir));
    for (let i = 1; i <= SHARDS; i++) {
      for (const format of ['json', 'sarif']) {
        const result = await runCli(['check', '--format', format, '--shard', `${i}/${SHARDS}`], dir);
        assert.equal(result.code, 0, result.stderr);
        const file = path.join(dir, `shard-${i}.${format}`);
        fs.writeFileSync(file, result.stdout);
        outputs.push(file);
      }
    }
  });
  after(() => cleanUp(dir));

  const shardFiles = (format: string) => outputs.filter((file) => file.endsWith(`.${format}`)).map((file) => path.basename(file));

  it('splits the files: every file is analysed by exactly one shard, none is empty here', () => {
    const reports = shardFiles('json').map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as JsonReport);
    assert.equal(reports.reduce((sum, report) => sum + report.files, 0), full.files);
    assert.ok(reports.every((report) => report.files > 0 && report.files < full.files), 'each shard holds part of the files');
    const filesWithFindings = reports.map((report) => new Set(report.findings.map((f) => f.file)));
    for (let a = 0; a < filesWithFindings.length; a++) {
      for (let b = a + 1; b < filesWithFindings.length; b++) {
        assert.deepEqual([...filesWithFindings[a]!].filter((file) => filesWithFindings[b]!.has(file)), [], 'no file is in two shards');
      }
    }
  });

  it('merging the JSON shards gives exactly the full run, cross-file facts and skipped files included', async () => {
    const merged = await runCli(['merge', ...shardFiles('json')], dir);
    assert.equal(merged.code, 0, merged.stderr);
    assert.deepEqual(parseJsonReport(merged), full);
    assert.equal((full as JsonReport & { skipped?: unknown[] }).skipped?.length, 2);
    const floating = full.findings.find((f) => f.ruleId === 'floating-promise');
    assert.match(floating!.message, /unhandledRejection handler \(main-\d+\.ts:1\)/, 'the shard with the promise knew the handler in another shard');
  });

  it('merging the SARIF shards gives one run with every result and rule, and converts to the same JSON', async () => {
    const fullSarif = JSON.parse((await runCli(['check', '--format', 'sarif'], dir)).stdout) as { runs: { results: unknown[]; tool: { driver: { rules: { id: string }[] } } }[] };
    const merged = await runCli(['merge', ...shardFiles('sarif')], dir);
    assert.equal(merged.code, 0, merged.stderr);
    const log = JSON.parse(merged.stdout) as typeof fullSarif;
    assert.equal(log.runs.length, 1);
    assert.deepEqual(log.runs[0]!.results, fullSarif.runs[0]!.results);
    assert.deepEqual(log.runs[0]!.tool.driver.rules.map((r) => r.id), fullSarif.runs[0]!.tool.driver.rules.map((r) => r.id));
    const asJson = await runCli(['merge', '--format', 'json', ...shardFiles('sarif')], dir);
    assert.deepEqual(parseJsonReport(asJson), full);
  });

  it("a file's shard depends only on its own path, not on which other files exist", () => {
    const file = path.join(dir, 'src/jobs.ts');
    const before = [1, 2, 3].map((i) => inShard(file, dir, { index: i, count: SHARDS }));
    fs.writeFileSync(path.join(dir, 'src/new-file.ts'), fetchModule(99));
    assert.deepEqual([1, 2, 3].map((i) => inShard(file, dir, { index: i, count: SHARDS })), before);
    assert.equal(before.filter(Boolean).length, 1);
    fs.rmSync(path.join(dir, 'src/new-file.ts'));
  });

  it('rejects a malformed --shard and inputs merge cannot join, with one line and exit 2', async () => {
    for (const value of ['0/3', '4/3', '1/0', 'x', '1-3']) {
      const result = await runCli(['check', '--shard', value], dir);
      assert.equal(result.code, 2, value);
      assert.match(result.stderr, /--shard must be I\/N with 1 <= I <= N/);
    }
    const [json] = shardFiles('json');
    const [sarif] = shardFiles('sarif');
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ hello: 'world' }));
    const cases: [string[], RegExp][] = [
      [['merge', json!, sarif!], /mix JSON and SARIF/],
      [['merge', 'other.json'], /other\.json: is not the output of preflight check/],
      [['merge', 'missing.json'], /missing\.json: cannot be read \(ENOENT\)/],
      [['merge', '--format', 'sarif', json!], /JSON outputs carry no rule metadata/],
      [['merge'], /merge needs at least one output file/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, dir);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
    const older = JSON.parse(fs.readFileSync(path.join(dir, json!), 'utf8')) as JsonReport;
    fs.writeFileSync(path.join(dir, 'older.json'), JSON.stringify({ ...older, version: '0.0.1' }));
    const mixedVersions = await runCli(['merge', json!, 'older.json'], dir);
    assert.equal(mixedVersions.code, 2);
    assert.match(mixedVersions.stderr, /different Preflight versions/);
  });

  it('exits 1 when the merged findings hold an error, or more warnings than --max-warnings', async () => {
    const warnings = full.findings.filter((f) => f.severity === 'warning').length;
    assert.ok(warnings > 1);
    const within = await runCli(['merge', '--max-warnings', String(warnings), ...shardFiles('json')], dir);
    assert.equal(within.code, 0);
    const over = await runCli(['merge', '--max-warnings', String(warnings - 1), ...shardFiles('json')], dir);
    assert.equal(over.code, 1);
    assert.match(over.stderr, /Too many warnings/);
    const withError = JSON.parse(fs.readFileSync(path.join(dir, shardFiles('json')[0]!), 'utf8')) as JsonReport;
    withError.findings = [...withError.findings, { ...full.findings[0]!, severity: 'error', line: 999 }];
    fs.writeFileSync(path.join(dir, 'with-error.json'), JSON.stringify(withError));
    assert.equal((await runCli(['merge', 'with-error.json'], dir)).code, 1);
  });
});
