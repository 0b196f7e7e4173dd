/**
 * The end-to-end launcher (test/e2e/README.md). Runs, in this order:
 *  - host:   the suite in test/e2e/suite inside a real VS Code extension host, with Preflight under development;
 *  - neovim: Neovim as a second LSP client of `preflight-lsp --stdio`;
 *  - vsix:   the packaged .vsix installed into a fresh extensions folder, and test/e2e/vsix-suite against it.
 * Both VS Code suites go through @vscode/test-electron's runTests(): by default (offline) with the
 * code-server host as `vscodeExecutablePath`, or with a downloaded desktop VS Code when
 * PREFLIGHT_E2E_VSCODE=desktop.
 *
 * Usage: node test/e2e/out/run.js [host] [neovim] [vsix]     (no argument: all three)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { runMochaSuite } from './mocha-suite';
import { E2E_ENV, type SuiteResult } from './shared';
import {
  ARTIFACTS_DIR,
  CODE_SERVER_HOST_EXECUTABLE,
  E2E_DIR,
  E2E_OUT_DIR,
  FIXTURE_WORKSPACE,
  REPO_ROOT,
  codeServerEntry,
  chromiumExecutable,
  scratchDir,
} from './host/paths';

const PARTS = ['host', 'neovim', 'vsix'] as const;
type Part = (typeof PARTS)[number];

/** A VS Code that runTests() can start, and its way of installing a .vsix. */
interface VSCodeTarget {
  description: string;
  executable: string;
  installExtension(vsix: string, extensionsDir: string, scratch: string): void;
}

export async function main(argv: readonly string[]): Promise<number> {
  const parts = selectedParts(argv);
  const started = Date.now();
  const scratch = scratchDir('preflight-e2e-');
  const resultsFile = path.join(scratch, 'results.jsonl');
  fs.rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // Read by the suites, in this process (Neovim) and in the extension hosts (inherited environment).
  process.env[E2E_ENV.resultsFile] = resultsFile;
  process.env[E2E_ENV.artifactsDir] = ARTIFACTS_DIR;

  const errors = new Map<string, string>();
  let target: Promise<VSCodeTarget> | undefined;
  const vscode = (): Promise<VSCodeTarget> => (target ??= vscodeTarget());
  for (const part of parts) {
    const partStarted = Date.now();
    console.log(`\n[e2e] ${part}`);
    try {
      await runPart(part, vscode, scratch);
    } catch (error) {
      errors.set(part, error instanceof Error ? error.message : String(error));
    }
    console.log(`[e2e] ${part} took ${seconds(Date.now() - partStarted)}`);
  }
  const results = readResults(resultsFile);
  fs.rmSync(scratch, { recursive: true, force: true });
  return report(parts, results, errors, Date.now() - started);
}

function selectedParts(argv: readonly string[]): Part[] {
  if (argv.length === 0) return [...PARTS];
  for (const arg of argv) {
    if (!(PARTS as readonly string[]).includes(arg)) throw new Error(`unknown part ${arg}: expected ${PARTS.join(', ')}`);
  }
  return PARTS.filter((part) => argv.includes(part));
}

async function runPart(part: Part, vscode: () => Promise<VSCodeTarget>, scratch: string): Promise<void> {
  if (part === 'neovim') {
    await runMochaSuite('neovim', path.join(E2E_OUT_DIR, 'neovim'));
    return;
  }
  const target = await vscode();
  console.log(`[e2e] in ${target.description}`);
  if (part === 'host') await runDevelopmentSuite(target, scratch);
  else await runPackagedSuite(target, scratch);
}

async function vscodeTarget(): Promise<VSCodeTarget> {
  const kind = process.env.PREFLIGHT_E2E_VSCODE ?? 'offline';
  if (kind === 'desktop') return desktopTarget();
  if (kind !== 'offline') throw new Error(`PREFLIGHT_E2E_VSCODE=${kind}: expected offline or desktop`);
  return offlineTarget();
}

/** code-server from scripts/setup-e2e.sh, driven by headless chromium (test/e2e/host/code-server-host.ts). */
function offlineTarget(): VSCodeTarget {
  const entry = codeServerEntry();
  chromiumExecutable();
  return {
    description: 'offline: code-server + headless chromium',
    executable: CODE_SERVER_HOST_EXECUTABLE,
    installExtension(vsix, extensionsDir, scratch) {
      const home = path.join(scratch, 'code-server-cli');
      runChecked(process.execPath, [entry, '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(home, 'user-data')], {
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_DATA_HOME: path.join(home, 'data'),
      });
    },
  };
}

/** A desktop VS Code downloaded by @vscode/test-electron (needs the internet, and a display: xvfb-run on Linux). */
async function desktopTarget(): Promise<VSCodeTarget> {
  const version = process.env.PREFLIGHT_E2E_VSCODE_VERSION ?? 'stable';
  let executable: string;
  try {
    executable = await downloadAndUnzipVSCode(version);
  } catch (error) {
    throw new Error(`could not download desktop VS Code ${version} (${String(error)}); without the internet, use the offline route (unset PREFLIGHT_E2E_VSCODE)`);
  }
  return {
    description: `desktop VS Code ${version}`,
    executable,
    installExtension(vsix, extensionsDir, scratch) {
      const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(executable, { reuseMachineInstall: true });
      runChecked(cli, [...cliArgs, '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(scratch, 'cli-user-data')]);
    },
  };
}

async function runDevelopmentSuite(target: VSCodeTarget, scratch: string): Promise<void> {
  const run = freshRun(scratch, 'host');
  await runTests({
    vscodeExecutablePath: target.executable,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: path.join(E2E_OUT_DIR, 'suite', 'index'),
    launchArgs: [run.workspace, `--user-data-dir=${run.userDataDir}`, `--extensions-dir=${run.extensionsDir}`],
  });
}

async function runPackagedSuite(target: VSCodeTarget, scratch: string): Promise<void> {
  const vsix = packagedExtension();
  const run = freshRun(scratch, 'vsix');
  target.installExtension(vsix, run.extensionsDir, scratch);
  console.log(`[e2e] installed ${path.relative(REPO_ROOT, vsix)} into ${run.extensionsDir}`);
  await runTests({
    vscodeExecutablePath: target.executable,
    extensionDevelopmentPath: path.join(E2E_DIR, 'vsix-harness'),
    extensionTestsPath: path.join(E2E_OUT_DIR, 'vsix-suite', 'index'),
    launchArgs: [run.workspace, `--user-data-dir=${run.userDataDir}`, `--extensions-dir=${run.extensionsDir}`],
    extensionTestsEnv: { [E2E_ENV.extensionsDir]: run.extensionsDir },
  });
}

interface RunFolders {
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
}

/** A copy of the fixture workspace (tests edit files and settings) and empty profile folders. */
function freshRun(scratch: string, name: string): RunFolders {
  const root = path.join(scratch, name);
  const workspace = path.join(root, 'workspace');
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  return { workspace, userDataDir, extensionsDir };
}

/** The .vsix that `npm run package` made from the current build. */
function packagedExtension(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; main: string };
  const vsix = path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${path.basename(vsix)} not found: run npm run package first`);
  const main = path.join(REPO_ROOT, manifest.main);
  if (fs.existsSync(main) && fs.statSync(main).mtimeMs > fs.statSync(vsix).mtimeMs) {
    throw new Error(`${path.basename(vsix)} is older than ${manifest.main}: run npm run package to test the current build`);
  }
  return vsix;
}

function runChecked(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
  }
}

function readResults(file: string): SuiteResult[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SuiteResult);
}

function report(parts: readonly Part[], results: readonly SuiteResult[], errors: ReadonlyMap<string, string>, elapsedMs: number): number {
  console.log('\n[e2e] summary');
  let passed = 0;
  let failed = 0;
  for (const part of parts) {
    const result = results.find((candidate) => candidate.suite === part);
    const error = errors.get(part);
    // A part that broke down without a failing test (no host, no .vsix, a crash) counts as one failure.
    const partFailed = (result?.failed ?? 0) || (error ? 1 : 0);
    passed += result?.passed ?? 0;
    failed += partFailed;
    console.log(`  ${part}: ${result?.passed ?? 0} passed, ${partFailed} failed${error ? ` (${error})` : ''}`);
  }
  console.log(`  screenshots: ${path.relative(process.cwd(), ARTIFACTS_DIR)}/`);
  console.log(`  wall time: ${seconds(elapsedMs)}`);
  if (passed + failed === 0) failed = 1;
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
