import * as assert from 'node:assert/strict';
import { retryWithoutBackoff } from 'preflight-server/out/rules/retry-without-backoff';
import { applyFix, findingsOf, parses, testRule } from '../support/rule-tester';

const CONSTANT = 'waits the same';
const IMMEDIATE = 'tries again immediately';

testRule(retryWithoutBackoff, {
  valid: [
    {
      name: 'a loop that polls for a lock another replica holds (redlock, declared type): contention, not an outage',
      code: [
        `import Redlock, { type Lock } from 'redlock';`,
        `export class Leader {`,
        `  private lock?: Lock;`,
        `  constructor(private readonly redlock: Redlock, private readonly intervalMs: number) {}`,
        `  async acquire(deadline: number): Promise<boolean> {`,
        `    while (Date.now() < deadline) {`,
        `      try {`,
        `        this.lock = await this.redlock.acquire(['leader'], 30_000);`,
        `        return true;`,
        `      } catch (error) {`,
        `        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));`,
        `      }`,
        `    }`,
        `    return false;`,
        `  }`,
        `}`,
      ].join('\n'),
    },
    {
      name: 'a proper-lockfile lock polled in CommonJS',
      filename: 'worker.js',
      code: [
        `const lockfile = require('proper-lockfile');`,
        `async function take(file) {`,
        `  for (let attempt = 0; attempt < 50; attempt++) {`,
        `    try {`,
        `      return await lockfile.lock(file);`,
        `    } catch (err) {`,
        `      await new Promise((r) => setTimeout(r, 100));`,
        `    }`,
        `  }`,
        `  throw new Error('lock busy');`,
        `}`,
        `module.exports = { take };`,
      ].join('\n'),
    },
    {
      name: 'the wait doubles with the attempt (2 ** attempt)',
      code: `declare function call(): Promise<string>;
export async function load() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt === 4) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}`,
    },
    {
      name: 'Math.pow of the attempt, through timers/promises (CommonJS)',
      filename: 'client.js',
      code: `const { setTimeout: sleep } = require('node:timers/promises');
async function send(client, body) {
  let attempts = 0;
  while (attempts < 3) {
    try {
      return await client.send(body);
    } catch (err) {
      attempts++;
      await sleep(Math.pow(2, attempts) * 100);
    }
  }
}
module.exports = { send };`,
    },
    {
      name: 'a delay variable multiplied each round',
      code: `import { setTimeout as wait } from 'timers/promises';
declare function connect(): Promise<void>;
export async function connectWithRetry() {
  let delay = 500;
  for (let i = 0; i < 6; i++) {
    try {
      await connect();
      return;
    } catch {
      await wait(delay);
      delay *= 2;
    }
  }
}`,
    },
    {
      name: 'a constant wait with Math.random() jitter',
      code: `import delay from 'delay';
declare function publish(): Promise<void>;
export async function publishWithRetry() {
  for (let i = 0; i < 3; i++) {
    try {
      await publish();
      break;
    } catch {
      await delay(1000 + Math.random() * 500);
    }
  }
}`,
    },
    {
      name: 'the catch breaks out of the loop: nothing is retried',
      code: `declare function call(): Promise<void>;
declare function sleep(ms: number): Promise<void>;
export async function once() {
  while (true) {
    try {
      await call();
      return;
    } catch (err) {
      console.error(err);
      break;
    }
  }
}`,
    },
    {
      name: 'the catch rethrows: nothing is retried',
      code: `declare function call(): Promise<void>;
export async function run() {
  for (let i = 0; i < 3; i++) {
    try {
      await call();
      return;
    } catch (err) {
      await new Promise((r) => setTimeout(r, 1000));
      throw err;
    }
  }
}`,
    },
    {
      name: 'a poll loop: success falls through to the next round',
      code: `declare function status(id: string): Promise<string>;
export async function waitUntilReady(id: string) {
  for (let i = 0; i < 60; i++) {
    try {
      const state = await status(id);
      if (state === 'ready') return state;
    } catch (err) {
      console.warn('status failed', err);
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  throw new Error('not ready');
}`,
    },
    {
      name: 'a for...of over items that carries on after a failed item',
      code: `declare function sendEmail(to: string): Promise<void>;
export async function notifyAll(users: string[]) {
  for (const user of users) {
    try {
      await sendEmail(user);
    } catch (err) {
      console.error('email failed', err);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}`,
    },
    {
      name: 'a queue consumer loop that keeps going after each message',
      filename: 'worker.mjs',
      code: `import { setTimeout as sleep } from 'node:timers/promises';
export async function consume(queue, handle) {
  while (queue.running) {
    try {
      const message = await queue.receive();
      await handle(message);
    } catch (err) {
      console.error(err);
      await sleep(1000);
    }
  }
}`,
    },
    {
      name: 'p-retry: a retry library, not a loop',
      code: `import pRetry from 'p-retry';
declare function call(): Promise<string>;
export const load = () => pRetry(call, { retries: 5 });`,
    },
    {
      name: 'the wait is computed by a helper given the attempt',
      code: `import { setTimeout as sleep } from 'timers/promises';
export class Inserter {
  constructor(private readonly insert: () => Promise<void>) {}
  private retryDelay(attempt: number) { return Math.min(100 * 2 ** attempt, 5000); }
  async insertWithRetry() {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.insert();
        return;
      } catch {
        await sleep(this.retryDelay(attempt));
      }
    }
  }
}`,
    },
    {
      name: 'a schedule of waits indexed by the attempt',
      code: `const DELAYS = [100, 500, 2000];
declare function call(): Promise<void>;
export async function run() {
  for (let attempt = 0; attempt < DELAYS.length; attempt++) {
    try {
      return await call();
    } catch {
      await new Promise((r) => setTimeout(r, DELAYS[attempt]));
    }
  }
}`,
    },
    {
      name: 'a wait the file cannot read: an awaited helper from a package outside the try',
      code: `import { backoff } from 'some-backoff';
declare function call(): Promise<void>;
export async function run() {
  for (let i = 0; i < 5; i++) {
    try {
      return await call();
    } catch {
      await backoff.wait();
    }
  }
}`,
    },
    {
      name: 'a one-off script: one client cannot make a storm',
      filename: 'scripts/seed.ts',
      code: `declare function call(): Promise<void>;
export async function seed() {
  for (let i = 0; i < 5; i++) {
    try {
      return await call();
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}`,
    },
    {
      name: 'synchronous work retried (nothing awaited): no remote call to storm',
      code: `declare function parse(text: string): unknown;
export function parseWithRetry(read: () => string) {
  for (let i = 0; i < 3; i++) {
    try {
      return parse(read());
    } catch {}
  }
}`,
    },
    {
      name: 'a helper whose body computes a jittered wait',
      code: `function pause() { return new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 500)); }
declare function call(): Promise<void>;
export async function run() {
  for (let i = 0; i < 5; i++) {
    try {
      return await call();
    } catch {
      await pause();
    }
  }
}`,
    },
    {
      name: 'an immediate retry of a unique-constraint conflict only; other errors rethrow',
      code: `import { Prisma } from '@prisma/client';
declare const db: { tag: { upsert(args: object): Promise<object> } };
export async function createTag(name: string) {
  let attempts = 0;
  while (attempts < 3) {
    try {
      return await db.tag.upsert({ where: { name }, create: { name }, update: {} });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        attempts++;
        if (attempts >= 3) throw new Error('too many conflicts');
      } else {
        throw error;
      }
    }
  }
}`,
    },
    {
      name: 'an immediate retry after repairing the input, for parse errors only (a derived flag)',
      filename: 'insert.js',
      code: `async function insertRepairing(insert, rows, isParseError, repair) {
  for (let round = 0; round < 5; round++) {
    try {
      await insert(rows);
      return true;
    } catch (err) {
      const parseFailure = isParseError(err);
      if (!parseFailure) throw err;
      rows = repair(rows, err);
    }
  }
  return false;
}
module.exports = { insertRepairing };`,
    },
  ],
  invalid: [
    {
      name: 'a for loop waiting a constant 1000 ms: the fix backs off from the loop counter',
      code: `declare function call(): Promise<string>;
export async function load() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt === 4) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}`,
      findings: [{ line: 3, column: 3, message: `${CONSTANT} 1000 ms` }],
      output: `declare function call(): Promise<string>;
export async function load() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt === 4) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** Math.min(attempt, 5) * (0.5 + Math.random() / 2)));
    }
  }
}`,
    },
    {
      name: 'a while loop with a counter and an aliased timers/promises setTimeout of a constant',
      code: `import { setTimeout as sleep } from 'node:timers/promises';
const RETRY_DELAY_MS = 2000;
declare function connect(): Promise<void>;
export async function start() {
  let attempts = 1;
  while (attempts <= 3) {
    try {
      await connect();
      return;
    } catch (error) {
      attempts++;
      await sleep(RETRY_DELAY_MS);
    }
  }
}`,
      findings: [{ line: 6, column: 3, message: `${CONSTANT} 2000 ms` }],
      output: `import { setTimeout as sleep } from 'node:timers/promises';
const RETRY_DELAY_MS = 2000;
declare function connect(): Promise<void>;
export async function start() {
  let attempts = 1;
  while (attempts <= 3) {
    try {
      await connect();
      return;
    } catch (error) {
      attempts++;
      await sleep(RETRY_DELAY_MS * 2 ** Math.min(attempts - 1, 5) * (0.5 + Math.random() / 2));
    }
  }
}`,
    },
    {
      name: 'CommonJS do-while with a success flag and a destructured promise timer',
      filename: 'publisher.js',
      code: `const { setTimeout: wait } = require('timers/promises');
async function publish(channel, message) {
  let sent = false;
  let tries = 0;
  do {
    try {
      await channel.publish(message);
      sent = true;
    } catch (err) {
      tries += 1;
      await wait(500);
    }
  } while (!sent && tries < 5);
}
module.exports = { publish };`,
      findings: [{ line: 5, column: 3, message: `${CONSTANT} 500 ms` }],
    },
    {
      name: 'an immediate retry: the fix adds a growing, jittered wait at the end of the catch',
      code: `declare function save(row: object): Promise<void>;
export async function saveWithRetry(row: object) {
  for (let i = 0; i < 3; i++) {
    try {
      await save(row);
      return;
    } catch (err) {
      if (i === 2) throw err;
    }
  }
}`,
      findings: [{ line: 3, column: 3, message: IMMEDIATE }],
      output: `declare function save(row: object): Promise<void>;
export async function saveWithRetry(row: object) {
  for (let i = 0; i < 3; i++) {
    try {
      await save(row);
      return;
    } catch (err) {
      if (i === 2) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** Math.min(i, 5) * (0.5 + Math.random() / 2)));
    }
  }
}`,
    },
    {
      name: 'while (true) with continue and a project sleep helper given a constant parameter',
      code: `function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
declare function fetchToken(): Promise<string>;
export async function token(retryDelayMs: number) {
  while (true) {
    try {
      return await fetchToken();
    } catch (err) {
      console.warn('token failed', err);
      await sleep(retryDelayMs);
      continue;
    }
  }
}`,
      findings: [{ line: 6, column: 3, message: `${CONSTANT} \`retryDelayMs\`` }],
      output: `function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
declare function fetchToken(): Promise<string>;
export async function token(retryDelayMs: number) {
  let attempt = 0;
  while (true) {
    try {
      return await fetchToken();
    } catch (err) {
      console.warn('token failed', err);
      await sleep(retryDelayMs * 2 ** Math.min(attempt++, 5) * (0.5 + Math.random() / 2));
      continue;
    }
  }
}`,
    },
    {
      name: 'the delay package with a setting the loop never changes',
      code: `import pause from 'delay';
declare function send(): Promise<void>;
export class Notifier {
  constructor(private readonly options: { retryDelay: number; retries: number }) {}
  async notify() {
    for (let n = 0; n < this.options.retries; n++) {
      try {
        await send();
        break;
      } catch (e) {
        await pause(this.options.retryDelay);
      }
    }
  }
}`,
      findings: [{ line: 6, column: 5, message: `${CONSTANT} \`this.options.retryDelay\`` }],
    },
    {
      name: 'a class method sleep helper',
      code: `declare function query(): Promise<number>;
export class Db {
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      setTimeout(() => resolve(), ms);
    });
  }
  async ping() {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        return await query();
      } catch {
        await this.sleep(250);
      }
    }
    return -1;
  }
}`,
      findings: [{ line: 9, column: 5, message: `${CONSTANT} 250 ms` }],
    },
    {
      name: 'util.promisify(setTimeout) in JS',
      filename: 'sync.js',
      code: `const util = require('util');
const sleep = util.promisify(setTimeout);
async function sync(api) {
  for (let i = 0; i < 4; i++) {
    try {
      return await api.pull();
    } catch (err) {
      await sleep(3000);
    }
  }
}
module.exports = sync;`,
      findings: [{ line: 4, column: 3, message: `${CONSTANT} 3000 ms` }],
    },
    {
      name: 'a counter that counts down: the fix adds an attempt counter of its own',
      code: `declare function call(): Promise<void>;
export async function run() {
  // Upstream restarts take a few seconds.
  for (let retries = 3; retries > 0; retries--) {
    try {
      await call();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 1500));
    }
  }
}`,
      findings: [{ line: 4, column: 3, message: `${CONSTANT} 1500 ms` }],
      output: `declare function call(): Promise<void>;
export async function run() {
  let attempt = 0;
  // Upstream restarts take a few seconds.
  for (let retries = 3; retries > 0; retries--) {
    try {
      await call();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 1500 * 2 ** Math.min(attempt++, 5) * (0.5 + Math.random() / 2)));
    }
  }
}`,
    },
    {
      name: 'an immediate retry in a file without semicolons, continuing with continue',
      filename: 'client.mjs',
      code: `import { setTimeout as sleep } from 'node:timers/promises'
export async function getUser(http, id) {
  let attempt = 0
  while (attempt < 3) {
    attempt++
    try {
      return await http.get('/users/' + id)
    } catch (err) {
      console.warn(err)
      continue
    }
  }
  await sleep(1)
}`,
      findings: [{ line: 4, column: 3, message: IMMEDIATE }],
      output: `import { setTimeout as sleep } from 'node:timers/promises'
export async function getUser(http, id) {
  let attempt = 0
  while (attempt < 3) {
    attempt++
    try {
      return await http.get('/users/' + id)
    } catch (err) {
      console.warn(err)
      await sleep(1000 * 2 ** Math.min(attempt, 5) * (0.5 + Math.random() / 2))
      continue
    }
  }
  await sleep(1)
}`,
    },
    {
      name: 'a try that returns on success and throws otherwise, retried on retryable errors only',
      code: `declare function isRetryable(err: unknown): boolean;
export async function load(url: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return await response.json();
      throw new Error(\`status \${response.status}\`);
    } catch (err) {
      if (!isRetryable(err)) throw err;
      const wait = 1000;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}`,
      findings: [{ line: 3, column: 3, message: `${CONSTANT} 1000 ms` }],
    },
    {
      name: 'a zero wait is an immediate retry',
      code: `declare function call(): Promise<void>;
export async function run() {
  for (let i = 0; i < 3; i++) {
    try {
      return await call();
    } catch {
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}`,
      findings: [{ line: 3, column: 3, message: IMMEDIATE }],
    },
  ],
});

describe('rule retry-without-backoff: fixes', () => {
  const constantLoop = `declare function call(): Promise<void>;
export async function run() {
  for (let i = 0; i < 3; i++) {
    try {
      return await call();
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}`;

  it('is not batched by fix all: it changes how long the code waits', () => {
    const [finding] = findingsOf(retryWithoutBackoff, constantLoop);
    assert.ok(finding?.fixes[0]);
    assert.notEqual(finding.fixes[0].batchable, true);
  });

  it('is idempotent: the fixed loop is not flagged, so no fix is offered again', () => {
    const [finding] = findingsOf(retryWithoutBackoff, constantLoop);
    const fixed = applyFix(constantLoop, finding!.fixes[0]!);
    assert.ok(parses(fixed), fixed);
    assert.deepEqual(findingsOf(retryWithoutBackoff, fixed), []);
  });

  it('reports on the loop keyword, with the wait as a related location', () => {
    const [finding] = findingsOf(retryWithoutBackoff, constantLoop);
    assert.equal(constantLoop.slice(finding!.startOffset, finding!.endOffset), 'for');
    assert.equal(finding!.related.length, 1);
  });

  it('parenthesises a composite constant wait in the fix', () => {
    const code = constantLoop.replace('setTimeout(r, 1000)', 'setTimeout(r, BASE + 250)').replace('declare function', 'const BASE = 750;\ndeclare function');
    const [finding] = findingsOf(retryWithoutBackoff, code);
    const fixed = applyFix(code, finding!.fixes[0]!);
    assert.match(fixed, /setTimeout\(r, \(BASE \+ 250\) \* 2 \*\* Math\.min\(i, 5\)/);
    assert.deepEqual(findingsOf(retryWithoutBackoff, fixed), []);
    const twoGroups = constantLoop.replace('setTimeout(r, 1000)', 'setTimeout(r, (BASE) + (250))').replace('declare function', 'const BASE = 750;\ndeclare function');
    const [grouped] = findingsOf(retryWithoutBackoff, twoGroups);
    assert.match(applyFix(twoGroups, grouped!.fixes[0]!), /setTimeout\(r, \(\(BASE\) \+ \(250\)\) \* 2 \*\*/);
  });
});
