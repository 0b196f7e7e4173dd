import * as assert from 'node:assert/strict';
import type { Finding, Rule } from 'preflight-server';
import { floatingPromise } from 'preflight-server/out/rules/floating-promise';
import { missingTimeout } from 'preflight-server/out/rules/missing-timeout';
import { swallowedError } from 'preflight-server/out/rules/swallowed-error';
import { findingsOf } from '../support/rule-tester';

/** The text a finding's range covers. */
function rangeText(code: string, finding: Finding): string {
  return code.slice(finding.startOffset, finding.endOffset);
}

function onlyFinding(rule: Rule, code: string, filename?: string): Finding {
  const findings = findingsOf(rule, code, filename);
  assert.equal(findings.length, 1, `expected one finding, got ${findings.map((f) => f.message).join(' | ')}`);
  return findings[0]!;
}

/** A finding's range is the smallest node that names the problem: a call's callee, not its arguments. */
describe('finding ranges', () => {
  it('floating-promise: a six-line call is reported on its callee', () => {
    const code = `declare function a(): number;
export class Jobs {
  constructor(private readonly schedulerService: { schedule(a: number, b: number, c: number): Promise<void> }) {}
  start() {
    this.schedulerService.schedule(
      a(),
      a(),
      a(),
    );
  }
}`;
    const finding = onlyFinding(floatingPromise, code);
    assert.equal(rangeText(code, finding), 'this.schedulerService.schedule');
    assert.equal(finding.range.start.line, finding.range.end.line);
  });
  it('floating-promise: a callback ignored by forEach is reported on forEach\'s callee, not the callback\'s body', () => {
    const code = `declare function send(to: string): Promise<void>;
export function notifyAll(users: string[]) {
  users.forEach(async (user) => {
    await send(user);
  });
}`;
    assert.equal(rangeText(code, onlyFinding(floatingPromise, code)), 'users.forEach');
  });
  it('floating-promise: an async IIFE has no callee name and keeps its whole call', () => {
    const code = `export function boot() {\n  (async () => {\n    await fetch('https://example.com');\n  })();\n}`;
    assert.equal(rangeText(code, onlyFinding(floatingPromise, code)), `(async () => {\n    await fetch('https://example.com');\n  })()`);
  });
  it('missing-timeout: a call with a multi-line options object is reported on its callee; a client creation too', () => {
    const call = `import axios from 'axios';\nexport const load = () =>\n  axios.get('https://a.example/x', {\n    headers: { accept: 'json' },\n  });`;
    assert.equal(rangeText(call, onlyFinding(missingTimeout, call)), 'axios.get');
    const creation = `import axios from 'axios';\nexport const api = axios.create({\n  baseURL: 'https://a.example',\n});`;
    assert.equal(rangeText(creation, onlyFinding(missingTimeout, creation)), 'axios.create');
  });
  it('swallowed-error: the catch keyword, and the .catch of a promise handler (already minimal)', () => {
    const clause = `declare function run(): Promise<void>;\nexport async function tick() {\n  try {\n    await run();\n  } catch {\n  }\n}`;
    assert.equal(rangeText(clause, onlyFinding(swallowedError, clause)), 'catch');
    const handler = `declare function run(): Promise<void>;\nexport async function tick() {\n  await run().catch(() => {\n  });\n}`;
    assert.equal(rangeText(handler, onlyFinding(swallowedError, handler)), 'catch');
  });
});
