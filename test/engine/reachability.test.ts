import * as assert from 'node:assert/strict';
import { missingTimeout } from 'preflight-server/out/rules/missing-timeout';
import { findingsOf } from '../support/rule-tester';

/** Lines of the missing-timeout findings the engine keeps for `code`. */
function keptLines(code: string, filename = 'module.ts'): number[] {
  return findingsOf(missingTimeout, code, filename).map((f) => f.range.start.line + 1);
}

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

describe('engine: findings in code that never runs (facts/reachability)', () => {
  it('a finding inside a non-exported function that nothing calls is dropped', () => {
    assert.deepEqual(
      keptLines(lines(`export const version = 1;`, `function unused(url: string) {`, `  return fetch(url);`, `}`)),
      [],
    );
  });

  it('the same function called from exported code is kept', () => {
    assert.deepEqual(
      keptLines(lines(`export function load(url: string) {`, `  return helper(url);`, `}`, `function helper(url: string) {`, `  return fetch(url);`, `}`)),
      [5],
    );
  });

  it('an unused arrow held by a const is dropped; a used one is kept', () => {
    assert.deepEqual(
      keptLines(
        lines(
          `export const version = 1;`,
          `const unused = async (url: string) => fetch(url);`,
          `const used = async (url: string) => fetch(url);`,
          `setInterval(() => used('https://a.example/ping'), 1000);`,
        ),
      ),
      [3],
    );
  });

  it('a private function only an unused private function calls is dropped too; one called through a used one is kept', () => {
    assert.deepEqual(
      keptLines(
        lines(
          `export const run = () => outer();`,
          `function outer() { return inner(); }`,
          `function inner() { return fetch('https://a.example'); }`,
          `function deadOuter() { return deadInner(); }`,
          `function deadInner() { return fetch('https://b.example'); }`,
        ),
      ),
      [3],
    );
  });

  it('export { f } keeps it', () => {
    assert.deepEqual(keptLines(lines(`function load(url: string) {`, `  return fetch(url);`, `}`, `export { load };`)), [2]);
  });

  it('module.exports = { f } keeps it (a CommonJS file is a module: an unexported function in it is still dropped)', () => {
    assert.deepEqual(
      keptLines(
        lines(
          `function load(url) {`,
          `  return fetch(url);`,
          `}`,
          `function unused(url) {`,
          `  return fetch(url);`,
          `}`,
          `module.exports = { load };`,
        ),
        'client.js',
      ),
      [2],
    );
  });

  it('a script file without imports or exports keeps everything (its functions share one global scope)', () => {
    assert.deepEqual(keptLines(lines(`function unused(url: string) {`, `  return fetch(url);`, `}`), 'script.ts'), [2]);
  });

  it('code outside any function is always analysed', () => {
    assert.deepEqual(keptLines(lines(`export const version = 1;`, `fetch('https://a.example');`)), [2]);
  });
});
