// Runs the real `preflight` CLI in a child process and measures it: wall time and the child's peak RSS
// (process.resourceUsage().maxRSS, read by the child itself when the command has finished).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const cliMain = path.resolve(__dirname, '..', '..', '..', 'server', 'out', 'cli', 'main.js');

export interface MeasuredRun {
  exitCode: number;
  stdout: string;
  /** stderr without the measurement line. */
  stderr: string;
  seconds: number;
  peakRssMb: number;
}

export function runMeasuredCli(args: readonly string[], cwd: string): Promise<MeasuredRun> {
  const probe =
    `const m=require(${JSON.stringify(cliMain)});let out='';` +
    `const io={cwd:process.cwd(),color:false,stdout:(s)=>{out+=s},stderr:(s)=>process.stderr.write(s)};` +
    `m.main(${JSON.stringify(args)},io).then((code)=>{process.stdout.write(out);` +
    `process.stderr.write('\\nPREFLIGHT_STATS '+JSON.stringify({code,maxRSS:process.resourceUsage().maxRSS})+'\\n')})`;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', probe], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const lines = stderr.split('\n');
      const statsLine = lines.find((l) => l.startsWith('PREFLIGHT_STATS '));
      if (code !== 0 || !statsLine) {
        reject(new Error(`preflight ${args.join(' ')} in ${cwd} failed (exit ${code}):\n${stderr.slice(-2000)}`));
        return;
      }
      const stats = JSON.parse(statsLine.slice('PREFLIGHT_STATS '.length)) as { code: number; maxRSS: number };
      resolve({
        exitCode: stats.code,
        stdout,
        stderr: lines.filter((l) => !l.startsWith('PREFLIGHT_STATS ')).join('\n'),
        seconds,
        peakRssMb: stats.maxRSS / 1024,
      });
    });
  });
}
