import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const preflightBin = path.join(repoRoot, 'server', 'bin', 'preflight.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `node server/bin/preflight.js` in `cwd`. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [preflightBin, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** A temporary folder holding `files` (relative path → content); removed by `cleanUp`. */
export function makeProject(files: Record<string, string | Buffer>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-cli-')));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

export function cleanUp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Non-empty lines of stderr. */
export function stderrLines(result: CliResult): string[] {
  return result.stderr.split('\n').filter((line) => line.trim() !== '');
}

export interface JsonFinding {
  ruleId: string;
  severity: string;
  category: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fixes: { title: string }[];
}

export interface JsonReport {
  tool: string;
  version: string;
  files: number;
  findings: JsonFinding[];
}

export function parseJsonReport(result: CliResult): JsonReport {
  try {
    return JSON.parse(result.stdout) as JsonReport;
  } catch (error) {
    throw new Error(`stdout is not one JSON document (${String(error)}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** `file:line:column ruleId` for each finding. */
export function locations(report: JsonReport): string[] {
  return report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`);
}

/** A fetch without a timeout: `missing-timeout` flags it (warning). */
export const FETCH_WITHOUT_TIMEOUT = 'export async function load(url: string) {\n  return fetch(url);\n}\n';
/** An empty catch: `swallowed-error` flags it (warning). */
export const EMPTY_CATCH = 'export async function save(db: { write(raw: string): Promise<void> }, raw: string) {\n  try {\n    await db.write(raw);\n  } catch {}\n}\n';
/** Nothing to flag. */
export const CLEAN = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
