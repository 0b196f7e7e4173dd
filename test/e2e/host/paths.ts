import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** test/e2e/ (this file runs from test/e2e/out/host/). */
export const E2E_DIR = path.resolve(__dirname, '..', '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const E2E_OUT_DIR = path.join(E2E_DIR, 'out');
export const ARTIFACTS_DIR = path.join(E2E_DIR, '.artifacts');
export const FIXTURE_WORKSPACE = path.join(E2E_DIR, 'fixtures', 'workspace');
/** The executable given to runTests() as `vscodeExecutablePath` for the offline route. */
export const CODE_SERVER_HOST_EXECUTABLE = path.join(E2E_DIR, 'bin', 'code-server-test-host');

const SETUP_HINT = 'run scripts/setup-e2e.sh, which installs what the offline route needs';

interface OfflineRoute {
  codeServerVersion: string;
}

/** code-server's entry script, as scripts/setup-e2e.sh installs it (fails loudly when it is not there). */
export function codeServerEntry(): string {
  const route = JSON.parse(fs.readFileSync(path.join(E2E_DIR, 'offline-route.json'), 'utf8')) as OfflineRoute;
  const cache = process.env.PREFLIGHT_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'preflight-e2e');
  const root = path.join(cache, `code-server-${route.codeServerVersion}`);
  if (!fs.existsSync(path.join(root, '.preflight-ready'))) {
    throw new Error(`code-server ${route.codeServerVersion} is not installed in ${root}: ${SETUP_HINT}.`);
  }
  return path.join(root, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Debian's chromium (or PREFLIGHT_E2E_CHROMIUM), which drives code-server's workbench headless. */
export function chromiumExecutable(): string {
  const executable = process.env.PREFLIGHT_E2E_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executable)) throw new Error(`chromium not found at ${executable}: ${SETUP_HINT}.`);
  return executable;
}

/** An executable on PATH, or a loud error naming the setup script. */
export function requireCommand(command: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${command} not found on PATH (Debian package ${debianPackage}): ${SETUP_HINT}.`);
}

/** A fresh temporary folder for one run. */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
