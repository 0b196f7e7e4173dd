import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { E2E_ENV, type SuiteResult } from './shared';

/**
 * Runs every `*.test.js` in `dir` with mocha's spec reporter (the files named in `first` first, in
 * that order, then the rest by name), records the counts for the launcher's summary, and resolves
 * with them. Used inside the extension host (the `run()` of a test runner module) and in plain
 * Node (the Neovim tests).
 */
export function runMochaSuite(suite: string, dir: string, first: readonly string[] = []): Promise<SuiteResult> {
  // PREFLIGHT_E2E_GREP runs only the tests whose full title matches (mocha's --grep), for working on one test.
  const grep = process.env.PREFLIGHT_E2E_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, ...(grep ? { grep } : {}) });
  const rest = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.js') && !first.includes(name))
    .sort();
  const files = [...first, ...rest];
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files in ${dir}`));
  for (const file of files) mocha.addFile(path.join(dir, file));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        const result = { suite, passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 };
        recordResult(result);
        resolve(result);
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** The shape VS Code expects of a test runner module's `run()`: rejects when a test failed. */
export async function runExtensionHostSuite(suite: string, dir: string, first: readonly string[] = []): Promise<void> {
  const result = await runMochaSuite(suite, dir, first);
  if (result.failed > 0) throw new Error(`${result.failed} of ${result.passed + result.failed} tests failed`);
  if (result.passed === 0) throw new Error('no test ran');
}

function recordResult(result: SuiteResult): void {
  const file = process.env[E2E_ENV.resultsFile];
  if (file) fs.appendFileSync(file, `${JSON.stringify(result)}\n`);
}
