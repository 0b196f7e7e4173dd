// Benchmark: a full Preflight scan of a folder against its floor (TypeScript's parser alone) and against
// ESLint with type information on the same files (test/bench/eslint-runner.ts). Prints figures and
// ratios; asserts nothing.
//   npm run bench -- DIR [--runs N]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { DEFAULT_CONFIG } from 'preflight-server';
import { ANALYSIS_COMPILER_OPTIONS } from 'preflight-server/out/parse/project';
import { collectSourceFiles, readSourceText } from 'preflight-server/out/workspace';
import { runMeasuredCli } from '../support/measured-cli';

interface Measured {
  seconds: number;
  peakRssMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The files `preflight check .` analyses in `dir`, with their texts. */
async function analysedFiles(dir: string): Promise<{ file: string; text: string }[]> {
  const collected = await collectSourceFiles(['.'], dir, { root: dir, ignore: DEFAULT_CONFIG.ignore, tests: DEFAULT_CONFIG.tests });
  const files: { file: string; text: string }[] = [];
  for (const file of collected.files) {
    const source = await readSourceText(file);
    if (source.kind === 'text') files.push({ file, text: source.text });
  }
  return files;
}

function parseOnlySeconds(files: readonly { file: string; text: string }[]): number {
  const started = process.hrtime.bigint();
  for (const { file, text } of files) ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** ESLint over the same files, with one tsconfig naming exactly them (Preflight's compiler options). */
function runEslint(dir: string, files: readonly string[]): Promise<Measured & { messages: number; fatal: number }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-bench-eslint-'));
  const tsconfig = path.join(work, 'tsconfig.json');
  const options = { ...ANALYSIS_COMPILER_OPTIONS, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', jsx: 'preserve', lib: ['es2022', 'dom'] };
  fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: options, files }));
  const job = path.join(work, 'job.json');
  fs.writeFileSync(job, JSON.stringify({ cwd: dir, files, tsconfig }));
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=8192', path.join(__dirname, 'eslint-runner.js'), job], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      fs.rmSync(work, { recursive: true, force: true });
      if (code !== 0) {
        reject(new Error(`ESLint failed (exit ${code}): ${stderr.slice(-2000)}`));
        return;
      }
      const stats = JSON.parse(stdout.trim().split('\n').pop()!) as { messages: number; fatal: number; maxRSS: number };
      resolve({ seconds, peakRssMb: stats.maxRSS / 1024, messages: stats.messages, fatal: stats.fatal });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt === -1 ? 1 : Number(args.splice(runsAt, 2)[1]);
  const [given] = args;
  if (!given || !fs.existsSync(given) || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write('Usage: npm run bench -- DIR [--runs N]   (without DIR: the language-server benchmark)\n');
    process.exit(2);
  }
  const dir = path.resolve(given);
  const files = await analysedFiles(dir);
  const lines = files.reduce((sum, { text }) => sum + text.split('\n').length, 0);
  process.stdout.write(`${dir}: ${files.length} files, ${lines.toLocaleString('en')} lines (the files preflight check analyses)\n`);

  const floor = median(Array.from({ length: 3 }, () => parseOnlySeconds(files)));
  process.stdout.write(`  parse only (TypeScript's parser, median of 3): ${floor.toFixed(2)} s\n`);

  const preflight: Measured[] = [];
  const eslint: (Measured & { messages: number; fatal: number })[] = [];
  for (let i = 1; i <= runs; i++) {
    const run = await runMeasuredCli(['check', '.', '--format', 'json'], dir);
    const report = JSON.parse(run.stdout) as { files: number; findings: unknown[] };
    preflight.push(run);
    process.stdout.write(`  run ${i} Preflight: ${report.files} files, ${report.findings.length} findings, ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB\n`);
    const linted = await runEslint(dir, files.map(({ file }) => file));
    eslint.push(linted);
    process.stdout.write(`  run ${i} ESLint with types: ${linted.messages} messages (${linted.fatal} fatal), ${linted.seconds.toFixed(1)} s, peak RSS ${linted.peakRssMb.toFixed(0)} MB\n`);
  }
  const p = { seconds: median(preflight.map((r) => r.seconds)), rss: median(preflight.map((r) => r.peakRssMb)) };
  const e = { seconds: median(eslint.map((r) => r.seconds)), rss: median(eslint.map((r) => r.peakRssMb)) };
  process.stdout.write(`median Preflight: ${p.seconds.toFixed(1)} s, ${p.rss.toFixed(0)} MB; ESLint with types: ${e.seconds.toFixed(1)} s, ${e.rss.toFixed(0)} MB\n`);
  process.stdout.write(`ratios: ESLint / Preflight time ${(e.seconds / p.seconds).toFixed(2)}x (target >= 4), Preflight / ESLint RSS ${(p.rss / e.rss).toFixed(2)} (target <= 0.5), Preflight / parse-only floor ${(p.seconds / floor).toFixed(1)}x (stretch <= 3)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
