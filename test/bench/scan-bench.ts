// Benchmark: a full `preflight check` scan of a real repository, as CI runs it. Prints wall time and
// peak RSS per run and their medians; asserts nothing.
//   npm run bench:scan -- DIR [PATH...] [--runs N]
// e.g. npm run bench:scan -- /tmp/preflight-corpus/trigger-webapp apps/webapp/app
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMeasuredCli } from '../support/measured-cli';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt === -1 ? 3 : Number(args.splice(runsAt, 2)[1]);
  const [dir, ...paths] = args;
  if (!dir || !fs.existsSync(dir) || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write('Usage: npm run bench:scan -- DIR [PATH...] [--runs N]\n');
    process.exit(2);
  }
  const cwd = path.resolve(dir);
  const checkArgs = ['check', ...(paths.length > 0 ? paths : ['.']), '--format', 'json'];
  process.stdout.write(`preflight ${checkArgs.join(' ')}  (in ${cwd}, ${runs} runs)\n`);
  const seconds: number[] = [];
  const rss: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const run = await runMeasuredCli(checkArgs, cwd);
    const report = JSON.parse(run.stdout) as { files: number; findings: unknown[] };
    seconds.push(run.seconds);
    rss.push(run.peakRssMb);
    process.stdout.write(`  run ${i}: ${report.files} files, ${report.findings.length} findings, ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB\n`);
  }
  process.stdout.write(`median: ${median(seconds).toFixed(1)} s, peak RSS ${median(rss).toFixed(0)} MB\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scan: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
