/**
 * Stands in for the desktop VS Code executable that @vscode/test-electron's runTests() spawns
 * (`vscodeExecutablePath`): it takes the same arguments, runs the extension tests in the Node
 * extension host of a private code-server, with Debian's chromium (headless, through
 * playwright-core) showing the workbench, relays mocha's output, takes the screenshots the
 * tests ask for, and exits with the tests' exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { E2E_ENV, screenshotRequested } from '../shared';
import { ARTIFACTS_DIR, chromiumExecutable, codeServerEntry, scratchDir } from './paths';

export interface HostArguments {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string;
  userDataDir?: string;
  extensionsDir?: string;
  /** The folder to open. */
  folder?: string;
}

/** Desktop-only flags runTests() adds (sandbox, updates, welcome page): nothing to do in code-server. */
const IGNORED_FLAG = /^--(no-sandbox|disable-gpu-sandbox|disable-updates|skip-welcome|skip-release-notes|disable-workspace-trust|disable-extensions|new-window)$/;

export function parseHostArguments(argv: readonly string[]): HostArguments {
  const parsed: Partial<HostArguments> & { extensionDevelopmentPaths: string[] } = { extensionDevelopmentPaths: [] };
  for (const arg of argv) {
    const [, name, value] = /^--([a-zA-Z-]+)=(.*)$/.exec(arg) ?? [];
    if (name === 'extensionDevelopmentPath') parsed.extensionDevelopmentPaths.push(path.resolve(value));
    else if (name === 'extensionTestsPath') parsed.extensionTestsPath = path.resolve(value);
    else if (name === 'user-data-dir') parsed.userDataDir = path.resolve(value);
    else if (name === 'extensions-dir') parsed.extensionsDir = path.resolve(value);
    else if (!arg.startsWith('-')) parsed.folder = path.resolve(arg);
    else if (!IGNORED_FLAG.test(arg)) throw new Error(`code-server test host: unsupported argument ${arg}`);
  }
  if (!parsed.extensionTestsPath) throw new Error('code-server test host: --extensionTestsPath= is required');
  if (parsed.extensionDevelopmentPaths.length === 0) {
    // VS Code loads a test runner only for an extension under development.
    throw new Error('code-server test host: --extensionDevelopmentPath= is required');
  }
  return parsed as HostArguments;
}

// The flags Debian's chromium needs here: as root without a sandbox, and no calls out to the internet.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** User settings that keep code-server quiet and the screenshots about the editor. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
  'chat.commandCenter.enabled': false,
};

const RUN_TIMEOUT_MS = Number(process.env.PREFLIGHT_E2E_TIMEOUT_MS ?? 10 * 60_000);
const START_TIMEOUT_MS = 90_000;

interface RunningCodeServer {
  origin: string;
  process: ChildProcess;
  logFile: string;
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseHostArguments(argv);
  const entry = codeServerEntry();
  const browserExecutable = chromiumExecutable();
  const scratch = scratchDir('preflight-code-server-');
  const server = await startCodeServer(entry, args, scratch);
  // runTests() stops its executable with SIGINT on Ctrl+C: code-server runs in its own group, so end it too.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    killGroup(server.process, 'SIGKILL');
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    return await runTestsInWorkbench(server, args, browserExecutable, scratch);
  } catch (error) {
    printLogTail(server.logFile);
    throw error;
  } finally {
    await stopProcessGroup(server.process);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function startCodeServer(entry: string, args: HostArguments, scratch: string): Promise<RunningCodeServer> {
  const port = await freeLoopbackPort();
  const config = path.join(scratch, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const userDataDir = args.userDataDir ?? path.join(scratch, 'user-data');
  const extensionsDir = args.extensionsDir ?? path.join(scratch, 'extensions');
  writeUserSettings(userDataDir);
  const logFile = path.join(scratch, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const xdg = (name: string): string => {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  const child = spawn(
    process.execPath,
    [
      entry,
      '--config', config,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      // Its own process group, so that the extension hosts it forks end with it.
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: xdg('config'),
        XDG_DATA_HOME: xdg('data'),
        XDG_CACHE_HOME: xdg('cache'),
        // No extension gallery: nothing to fetch from the internet, and no errors about it in the output.
        EXTENSIONS_GALLERY: '{}',
        [E2E_ENV.screenshots]: '1',
      },
    },
  );
  fs.closeSync(log);
  const origin = `http://127.0.0.1:${port}`;
  const server = { origin, process: child, logFile };
  try {
    await waitUntilHealthy(origin, child);
  } catch (error) {
    printLogTail(logFile);
    await stopProcessGroup(child);
    throw error;
  }
  return server;
}

function writeUserSettings(userDataDir: string): void {
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (fs.existsSync(settingsFile)) return;
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify(USER_SETTINGS, null, 2));
}

async function runTestsInWorkbench(
  server: RunningCodeServer,
  args: HostArguments,
  executablePath: string,
  scratch: string,
): Promise<number> {
  // Chromium keeps its crash reports and caches under XDG folders: the run's own, not the home directory.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_CACHE_HOME: path.join(scratch, 'cache') },
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const screenshots = new ScreenshotTaker(page, process.env[E2E_ENV.artifactsDir] ?? ARTIFACTS_DIR);
    let finish: (code: number) => void = () => undefined;
    let abort: (error: Error) => void = () => undefined;
    const exitCode = new Promise<number>((resolve, reject) => {
      finish = resolve;
      abort = reject;
    });
    // The workbench calls these two when they exist: the extension host's console output, and the tests' exit code.
    await page.exposeFunction('codeAutomationLog', (type: string, logArgs: unknown) => {
      const line = Array.isArray(logArgs) ? util.format(...logArgs) : String(logArgs);
      (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
      const screenshot = screenshotRequested(line);
      if (screenshot) screenshots.take(screenshot);
    });
    await page.exposeFunction('codeAutomationExit', async (code: number) => {
      await screenshots.settled();
      finish(code);
    });
    page.on('crash', () => abort(new Error('the workbench page crashed')));
    page.on('pageerror', (error) => process.stderr.write(`[workbench] ${error.message}\n`));
    const timer = setTimeout(() => abort(new Error(`the tests did not finish within ${RUN_TIMEOUT_MS / 1000}s`)), RUN_TIMEOUT_MS);
    try {
      await page.goto(workbenchUrl(server.origin, args));
      return await exitCode;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await browser.close();
  }
}

/**
 * code-server has no --extensionDevelopmentPath flag; its workbench takes the same
 * settings as a `payload` URL parameter of vscode-remote URIs.
 */
export function workbenchUrl(origin: string, args: HostArguments): string {
  const remote = (file: string): string => `vscode-remote://${new URL(origin).host}${file}`;
  const payload = [
    ...args.extensionDevelopmentPaths.map((dir) => ['extensionDevelopmentPath', remote(dir)]),
    ['extensionTestsPath', remote(args.extensionTestsPath)],
  ];
  const query = new URLSearchParams({ payload: JSON.stringify(payload) });
  if (args.folder) query.set('folder', args.folder);
  return `${origin}/?${query.toString()}`;
}

/** Screenshots on request, one at a time; written under a temporary name first so a reader never sees half a file. */
class ScreenshotTaker {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly page: Page,
    private readonly dir: string,
  ) {}

  take(name: string): void {
    this.queue = this.queue.then(async () => {
      fs.mkdirSync(this.dir, { recursive: true });
      const file = path.join(this.dir, `${name}.png`);
      try {
        const image = await this.page.screenshot();
        fs.writeFileSync(`${file}.partial`, image);
        fs.renameSync(`${file}.partial`, file);
        process.stdout.write(`[screenshot] ${path.relative(process.cwd(), file)}\n`);
      } catch (error) {
        process.stderr.write(`[screenshot] ${name} failed: ${String(error)}\n`);
      }
    });
  }

  settled(): Promise<void> {
    return this.queue;
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilHealthy(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited before it was ready (${child.exitCode ?? child.signalCode})`);
    }
    if (await answers(`${origin}/healthz`)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer on ${origin} within ${START_TIMEOUT_MS / 1000}s`);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(2000, () => request.destroy());
  });
}

/** Signals the process group `child` leads; false when the group is gone. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Ends code-server and every extension host it forked (a browser session can leave one behind). */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (!killGroup(child, 'SIGTERM')) return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && killGroup(child, 0)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  killGroup(child, 'SIGKILL');
}

function printLogTail(logFile: string): void {
  try {
    const lines = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
    process.stderr.write(`--- last lines of code-server's log ---\n${lines.slice(-30).join('\n')}\n`);
  } catch {
    // no log written
  }
}
