// Benchmark: the readiness checklist as the panel asks for it, from the real language server over
// stdio, on a real git repository with a branch: "Scan changed files" cold and warm, "Scan workspace",
// the server's peak RSS, and the CLI's full `preflight check` of the same folder for comparison.
// Prints figures and the README's targets beside them; asserts nothing.
//   npm run bench:checklist -- DIR
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChecklistReport } from 'preflight-server/out/checklist/types';
import { LspTestClient } from '../server/lsp-client';
import { runMeasuredCli } from '../support/measured-cli';

const TARGETS = { changedColdS: 10, changedWarmS: 2, workspaceOverCli: 1.2, peakRssMb: 1024 };

/** The server process's peak resident set so far (Linux), in MB. */
function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function timed(client: LspTestClient, scope: 'changed' | 'workspace'): Promise<{ seconds: number; report: ChecklistReport }> {
  const started = process.hrtime.bigint();
  const report = await client.connection.sendRequest<ChecklistReport>('preflight/checklist', { scope });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, report };
}

function describe(report: ChecklistReport): string {
  const facts = report.projectFacts;
  const packages = facts ? facts.packages.map((dir) => dir || '(root)').join(', ') : '?';
  const t = report.timings;
  const timings = t ? `; scope ${(t.scopeMs / 1000).toFixed(1)} s, rules done at ${(t.rulesMs / 1000).toFixed(1)} s, facts at ${(t.factsMs / 1000).toFixed(1)} s` : '';
  return `${report.analysedFiles} analysed, project facts from ${facts?.files ?? '?'} files of ${packages} (${facts?.parsed ?? '?'} parsed)${timings}`;
}

function verdict(value: number, target: number): string {
  return value <= target ? `within ${target}` : `OVER ${target}`;
}

async function main(): Promise<void> {
  const [dir] = process.argv.slice(2);
  if (!dir || !fs.existsSync(path.join(dir, '.git'))) {
    process.stderr.write('Usage: npm run bench:checklist -- DIR   (a git repository, on a branch with changes against its base)\n');
    process.exit(2);
  }
  const root = fs.realpathSync(dir);
  const client = await LspTestClient.start({ workspaceFolders: [root] });
  try {
    const cold = await timed(client, 'changed');
    process.stdout.write(`scan changed files, cold: ${cold.seconds.toFixed(1)} s (${verdict(cold.seconds, TARGETS.changedColdS)} s); ${describe(cold.report)}\n`);
    const warm = await timed(client, 'changed');
    process.stdout.write(`scan changed files, warm: ${warm.seconds.toFixed(1)} s (${verdict(warm.seconds, TARGETS.changedWarmS)} s); ${describe(warm.report)}\n`);
    const changedRss = peakRssMb(client.process.pid);
    process.stdout.write(`server peak RSS after the changed-files scans: ${changedRss === undefined ? 'unknown (no /proc)' : `${changedRss.toFixed(0)} MB (${verdict(changedRss, TARGETS.peakRssMb)} MB)`}\n`);
    const workspace = await timed(client, 'workspace');
    process.stdout.write(`scan workspace: ${workspace.seconds.toFixed(1)} s; ${describe(workspace.report)}\n`);
    const rss = peakRssMb(client.process.pid);
    process.stdout.write(`server peak RSS after the workspace scan: ${rss === undefined ? 'unknown (no /proc)' : `${rss.toFixed(0)} MB (${verdict(rss, TARGETS.peakRssMb)} MB)`}\n`);
    const cli = await runMeasuredCli(['check', '.', '--format', 'json'], root);
    const ratio = workspace.seconds / cli.seconds;
    process.stdout.write(
      `preflight check . (CLI full scan): ${cli.seconds.toFixed(1)} s, peak RSS ${cli.peakRssMb.toFixed(0)} MB; scan workspace / CLI = ${ratio.toFixed(2)} (${verdict(ratio, TARGETS.workspaceOverCli)})\n`,
    );
  } finally {
    await client.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:checklist: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
