import * as assert from 'node:assert/strict';
import { AnalysisProject, analyzeSourceFile } from 'preflight-server';
import { floatingPromise } from 'preflight-server/out/rules/floating-promise';
import { testRule } from '../support/rule-tester';

const NOT_AWAITED = 'is not awaited: a rejection becomes an unhandledRejection and crashes the process (Node ≥15).';
const NO_HANDLER = 'has no rejection handler';

/** Declarations the TypeScript cases share: the rule needs real types. */
const DECLARATIONS = `declare function sendEmail(to: string): Promise<void>;
declare function count(): number;
declare const users: { id: string; email: string }[];
`;

const SEED = `declare function insertRows(): Promise<void>;
async function seed() {
  await insertRows();
}
function main() {
  seed();
}
main();
`;

testRule(floatingPromise, {
  valid: [
    {
      name: 'a top-level start-up call with no process-level handler: crashing on a failed start is the intended outcome',
      code: `async function main() {
  await start();
}
declare function start(): Promise<void>;
main();
if (process.env.RUN) main();`,
      filename: 'main.ts',
    },
    {
      name: 'listeners for shutdown signals: a failure while shutting down ends the process anyway',
      code: `${DECLARATIONS}process.on('SIGTERM', async () => { await sendEmail('ops'); process.exit(0); });
process.once('beforeExit', async () => { await sendEmail('bye'); });`,
      filename: 'server.ts',
    },
    {
      name: 'methods of injected services and wrappers that cannot reject (summaries follow this.x.method)',
      code: `${DECLARATIONS}declare const log: (e: unknown) => void;
class Mailer {
  async safeSend(to: string) {
    try { await sendEmail(to); } catch (err) { log(err); }
  }
}
class Notifier {
  async publish(topic: string) { this.topics.push(topic); }
  private topics: string[] = [];
}
class Orders {
  constructor(private readonly mailer: Mailer, private readonly notifier: Notifier) {}
  place() {
    this.mailer.safeSend('a');
    this.notifier.publish('order');
    Promise.allSettled([sendEmail('b')]);
    new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}`,
    },
    {
      name: 'a callee whose only failure is a library parser rejecting its input',
      code: `async function parseLater(raw: string) { return JSON.parse(raw) as unknown; }
function handle(raw: string) { parseLater(raw); }`,
    },
    {
      name: 'awaited, returned, void-ed, assigned and passed as an argument',
      code: `${DECLARATIONS}declare function track(p: Promise<void>): void;
async function a() { await sendEmail('a'); }
function b() { return sendEmail('b'); }
function c() { void sendEmail('c'); }
function d() { const pending = sendEmail('d'); return pending; }
let later: Promise<void>;
function e() { later = sendEmail('e'); }
function f() { track(sendEmail('f')); }
const g = () => sendEmail('g');`,
    },
    {
      name: 'chains with a rejection handler: .catch, .then(a, b), Promise.all(...).catch, .catch().finally()',
      code: `${DECLARATIONS}function go() {
  sendEmail('a').catch((err) => console.error(err));
  sendEmail('b').then(() => undefined, (err) => console.error(err));
  Promise.all([sendEmail('c'), sendEmail('d')]).catch((err) => console.error(err));
  sendEmail('e').then(() => count()).catch(() => undefined).finally(() => count());
}`,
    },
    {
      name: 'a call that does not return a promise, and a local function named like an async one that returns a number',
      code: `${DECLARATIONS}function fetchUser(id: string) { return id.length; }
function go() {
  count();
  fetchUser('x');
  users.push({ id: '1', email: 'a' });
}`,
    },
    {
      name: 'untyped calls in JS (unknown module, any): the rule judges by type, not by name',
      code: `const db = require('./db');
function save(row) {
  db.insert(row);
  row.saveAsync();
}`,
      filename: 'save.js',
    },
    {
      name: 'async callbacks passed to .map (the promises are used)',
      code: `${DECLARATIONS}async function notifyAll() {
  await Promise.all(users.map(async (u) => sendEmail(u.email)));
  const pending = users.map((u) => sendEmail(u.email));
  await Promise.allSettled(pending);
}`,
    },
    {
      name: 'async callbacks whose whole body is try/catch with a catch that does not rethrow cannot reject',
      code: `${DECLARATIONS}import { EventEmitter } from 'events';
const bus = new EventEmitter();
users.forEach(async (u) => {
  try {
    await sendEmail(u.email);
  } catch (err) {
    console.error('email failed', err);
  }
});
setInterval(async () => {
  try { await sendEmail('ops'); } catch (err) { console.error(err); }
}, 60_000);
bus.on('signup', async (email: string) => {
  const to = email;
  try { await sendEmail(to); } catch (err) { console.error(err); } finally { count(); }
});`,
    },
    {
      name: 'an async listener that guards with an if and does its work inside try/catch',
      code: `const os = require('os');
const { EventEmitter } = require('events');
const pubsub = new EventEmitter();
pubsub.on('plugins:upgrade', async (data) => {
  if (data.hostname !== os.hostname()) {
    try {
      await upgrade(data.id);
    } catch (err) {
      console.error(err.stack);
    }
  }
});
async function upgrade(id) { return id; }`,
      filename: 'plugins.js',
    },
    {
      name: 'a top-level call to an async main() that catches everything',
      code: `async function main() {
  try {
    await start();
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  }
}
async function start() { return 1; }
main();
(async () => {
  try { await start(); } catch (err) { console.error(err); }
})();`,
      filename: 'main.js',
    },
    {
      name: 'route handlers are not in the catalog: app.get("/", async (req, res) => ...)',
      code: `const express = require('express');
const app = express();
app.get('/', async (req, res) => {
  res.json(await load());
});
async function load() { return []; }`,
      filename: 'app.js',
    },
    {
      name: 'callbacks that handle their own rejection, and non-async callbacks',
      code: `${DECLARATIONS}setTimeout(() => sendEmail('a').catch((err) => console.error(err)), 1000);
setTimeout(() => { void count(); }, 10);
users.forEach((u) => console.log(u.id));
process.nextTick(() => count());`,
    },
    {
      name: 'emitters from libraries that await their listeners (Telegraf), and callees typed to take a promise-returning callback',
      code: `${DECLARATIONS}import { Telegraf } from 'telegraf';
const bot = new Telegraf('token');
bot.on('text', async (ctx: any) => { await sendEmail(ctx.from); });
declare const hooks: { on(event: string, handler: () => Promise<void>): void };
hooks.on('ready', async () => { await sendEmail('ready'); });`,
    },
    {
      name: 'void for an explicit fire-and-forget of an async IIFE',
      code: `void (async () => {
  await fetch('https://example.com/ping');
})();`,
      filename: 'ping.mjs',
    },
    {
      name: 'a promise in a condition or on the left of && is used, not dropped',
      code: `${DECLARATIONS}async function go(flag: boolean) {
  if (flag) await sendEmail('a');
  flag && count();
  const x = flag ? await sendEmail('b') : undefined;
  return x;
}`,
    },
    {
      name: 'a command-line program under scripts/ with no process-level handler: a failure ends the run with its error',
      code: SEED,
      filename: 'scripts/seed.ts',
    },
    {
      name: 'a command-line program under bin/',
      code: SEED,
      filename: 'bin/seed.ts',
    },
    {
      name: 'a #! script',
      code: `#!/usr/bin/env node\n${SEED}`,
      filename: 'seed.ts',
    },
    {
      name: 'an executor that names reject but never uses it cannot reject',
      code: `async function pause(ms: number) {
  await new Promise((resolve, reject) => setTimeout(resolve, ms));
}
export function later() {
  pause(10);
}`,
    },
  ],
  invalid: [
    {
      name: 'a call in an async function: the fix awaits it',
      code: `${DECLARATIONS}async function signup(email: string) {
  sendEmail(email);
  return { ok: true };
}`,
      findings: [{ line: 5, column: 3, message: `Promise returned by sendEmail() ${NOT_AWAITED}` }],
      output: `${DECLARATIONS}async function signup(email: string) {
  await sendEmail(email);
  return { ok: true };
}`,
    },
    {
      name: 'a call outside an async function: the fix logs the rejection with .catch',
      code: `${DECLARATIONS}function onSignup(email: string) {
  sendEmail(email);
}`,
      findings: [{ line: 5, message: `Promise returned by sendEmail() ${NOT_AWAITED}` }],
      output: `${DECLARATIONS}function onSignup(email: string) {
  sendEmail(email).catch((err) => console.error('sendEmail failed', err));
}`,
    },
    {
      name: '.then(a) alone and .finally() alone have no rejection handler',
      code: `${DECLARATIONS}function go() {
  sendEmail('a').then(() => count());
  sendEmail('b').finally(() => count());
  sendEmail('c').catch();
}`,
      findings: [
        { line: 5, message: NO_HANDLER },
        { line: 6, message: NO_HANDLER },
        { line: 7, message: NOT_AWAITED },
      ],
      output: `${DECLARATIONS}function go() {
  sendEmail('a').then(() => count()).catch((err) => console.error('sendEmail failed', err));
  sendEmail('b').finally(() => count());
  sendEmail('c').catch();
}`,
    },
    {
      name: 'JS: allowJs infers the Promise returned by a local async function',
      code: `async function sendWelcome(user) {
  await fetch('https://mail.example.com/send', { method: 'POST', body: JSON.stringify(user) });
}
function register(user) {
  sendWelcome(user);
  fetch('https://audit.example.com').then((r) => r.json());
}`,
      filename: 'register.js',
      findings: [
        { line: 5, message: `Promise returned by sendWelcome() ${NOT_AWAITED}` },
        { line: 6, message: NO_HANDLER },
      ],
    },
    {
      name: 'methods, optional calls and custom thenables',
      code: `class Repo { async save(x: unknown) { await db.write(x); } }
interface Job { then(onOk: (v: number) => void): void }
declare function schedule(): Job;
declare const maybe: { flush?: () => Promise<void> };
declare const db: { write(x: unknown): Promise<void> };
class Service {
  constructor(private repo: Repo) {}
  store(x: unknown) {
    this.repo.save(x);
    maybe.flush?.();
    schedule();
  }
}`,
      findings: [
        { line: 9, message: `Promise returned by this.repo.save() ${NOT_AWAITED}` },
        { line: 10, message: NOT_AWAITED },
        { line: 11, message: `Promise returned by schedule() ${NOT_AWAITED}` },
      ],
    },
    {
      name: 'a promise in a conditional or after && is dropped',
      code: `${DECLARATIONS}function go(flag: boolean) {
  flag ? sendEmail('a') : count();
  flag && sendEmail('b');
}`,
      findings: [
        { line: 5, column: 10, message: NOT_AWAITED },
        { line: 6, column: 11, message: NOT_AWAITED },
      ],
    },
    {
      name: 'an async IIFE without a handler',
      code: `function boot() {
  (async () => {
    await fetch('https://example.com');
  })();
}`,
      filename: 'boot.js',
      findings: [{ line: 2, message: NOT_AWAITED }],
      output: `function boot() {
  (async () => {
    await fetch('https://example.com');
  })().catch((err) => console.error('boot failed', err));
}`,
    },
    {
      name: 'arr.forEach(async ...) in an async function: the fix awaits Promise.all over map',
      code: `${DECLARATIONS}async function notifyAll() {
  users.forEach(async (u) => {
    await sendEmail(u.email);
  });
}`,
      findings: [{ line: 5, column: 3, message: 'users.forEach() does not wait for the promise returned by its callback' }],
      output: `${DECLARATIONS}async function notifyAll() {
  await Promise.all(users.map(async (u) => {
    await sendEmail(u.email);
  }));
}`,
    },
    {
      name: 'forEach with an async function passed by name, in TS and JS',
      code: `${DECLARATIONS}async function notify(u: { email: string }) { await sendEmail(u.email); }
function notifyAll() {
  users.forEach(notify);
}`,
      findings: [{ line: 6, column: 3, message: 'users.forEach() does not wait' }],
    },
    {
      name: 'forEach(async ...) over an untyped array in JS, outside an async function: the fix catches inside',
      code: `const { rows, db } = require('./data');
function run() {
  rows.forEach(async (row) => {
    await save(row);
  });
}
async function save(row) { await db.insert(row); }`,
      filename: 'run.js',
      findings: [{ line: 3, column: 3, message: 'rows.forEach() does not wait' }],
      output: `const { rows, db } = require('./data');
function run() {
  rows.forEach(async (row) => {
    try {
      await save(row);
    } catch (err) {
      console.error('rows.forEach callback failed', err);
    }
  });
}
async function save(row) { await db.insert(row); }`,
    },
    {
      name: 'async callbacks passed to setTimeout, setInterval and the timers module',
      code: `${DECLARATIONS}import { setImmediate as later } from 'timers';
setTimeout(async () => {
  await sendEmail('a');
}, 1000);
setInterval(async () => { await sendEmail('b'); }, 60_000);
later(async () => { await sendEmail('c'); });
window.setTimeout(() => sendEmail('d'), 5);`,
      findings: [
        { line: 5, column: 1, message: 'setTimeout() ignores the promise returned by its callback: a rejection becomes an unhandledRejection' },
        { line: 8, column: 1, message: 'setInterval() ignores the promise' },
        { line: 9, message: 'later() ignores the promise' },
        { line: 10, message: 'window.setTimeout() ignores the promise' },
      ],
      output: `${DECLARATIONS}import { setImmediate as later } from 'timers';
setTimeout(async () => {
  try {
    await sendEmail('a');
  } catch (err) {
    console.error('setTimeout callback failed', err);
  }
}, 1000);
setInterval(async () => { await sendEmail('b'); }, 60_000);
later(async () => { await sendEmail('c'); });
window.setTimeout(() => sendEmail('d'), 5);`,
    },
    {
      name: 'async listeners on event emitters: emitter.on, once, process.on',
      code: `const { EventEmitter } = require('events');
const { db } = require('./db');
const emitter = new EventEmitter();
emitter.on('data', async (x) => {
  await store(x);
});
emitter.once('end', store);
process.on('message', async (msg) => { await store(msg); });
async function store(x) { await db.put(x); }`,
      filename: 'worker.js',
      findings: [
        { line: 4, column: 1, message: 'emitter.on() ignores the promise returned by its callback' },
        { line: 7, message: 'emitter.once() ignores the promise' },
        { line: 8, message: 'process.on() ignores the promise' },
      ],
    },
    {
      name: 'an async callback whose catch rethrows can still reject',
      code: `${DECLARATIONS}setTimeout(async () => {
  try {
    await sendEmail('a');
  } catch (err) {
    console.error(err);
    throw err;
  }
}, 10);`,
      findings: [{ line: 4, message: 'setTimeout() ignores the promise' }],
    },
    {
      name: 'an await in the guard, or work before the try, can still reject',
      code: `${DECLARATIONS}declare function countUsers(): Promise<number>;
function pickRecipient(): string { if (users.length === 0) throw new Error('no users'); return users[0]!.email; }
setTimeout(async () => {
  if ((await countUsers()) === 0) return;
  try { await sendEmail('a'); } catch (err) { console.error(err); }
}, 10);
setTimeout(async () => {
  const to = pickRecipient();
  try { await sendEmail(to); } catch (err) { console.error(err); }
}, 10);`,
      findings: [
        { line: 6, message: 'setTimeout() ignores the promise' },
        { line: 10, message: 'setTimeout() ignores the promise' },
      ],
    },
    {
      name: 'a top-level start-up call where an unhandledRejection handler only logs: the process would run on half-started',
      code: `process.on('unhandledRejection', (reason) => console.error(reason));
async function main() {
  await start();
  console.log('started');
}
declare function start(): Promise<number>;
main();`,
      filename: 'index.mts',
      findings: [{ line: 7, message: 'Start-up call main() is not awaited: if it fails, the unhandledRejection handler (index.mts:1) only logs it and the process keeps running without having started.' }],
      output: `process.on('unhandledRejection', (reason) => console.error(reason));
async function main() {
  await start();
  console.log('started');
}
declare function start(): Promise<number>;
main().catch((err) => {
  console.error('main failed', err);
  process.exit(1);
});`,
    },
    {
      name: 'in browser code (a React component) the message says the failure is lost, not that a process crashes',
      code: `import { useEffect } from 'react';
declare function loadScript(): Promise<void>;
export function Checkout() {
  useEffect(() => {
    loadScript();
  }, []);
  return null;
}`,
      filename: 'Checkout.tsx',
      findings: [{ line: 5, message: 'Promise returned by loadScript() is not awaited: a rejection goes unhandled: the user sees nothing' }],
    },
    {
      name: 'code that uses the global navigator is browser code',
      code: `export function register() {
  navigator.serviceWorker.ready.then((registration) => registration.update());
}`,
      findings: [{ line: 2, message: 'has no rejection handler: a rejection goes unhandled' }],
    },
    {
      name: 'the same program outside a command-line folder is flagged',
      code: SEED,
      filename: 'src/seed.ts',
      findings: [{ line: 6, message: `Promise returned by seed() ${NOT_AWAITED}` }],
    },
    {
      name: 'a command-line program whose unhandledRejection handler only logs: the run would go on half-done',
      code: `process.on('unhandledRejection', (reason) => console.error(reason));\n${SEED}`,
      filename: 'scripts/seed.ts',
      findings: [{ line: 7, message: 'Start-up call seed() is not awaited: if it fails, the unhandledRejection handler (seed.ts:1) only logs it' }],
    },
    {
      name: 'an uncaughtException handler that exits: the message says the rejection ends the process through it',
      code: `${DECLARATIONS}process.on('uncaughtException', (error) => {
  console.error(error);
  process.exit(1);
});
export function signup(email: string) {
  sendEmail(email);
}`,
      findings: [
        {
          line: 9,
          message:
            "Promise returned by sendEmail() is not awaited: a rejection is raised as an uncaught exception (Node ≥15); the uncaughtException handler (case.ts:4) logs it without this caller's context and ends the process.",
        },
      ],
    },
    {
      name: 'an uncaughtException handler that only logs: the process carries on',
      code: `${DECLARATIONS}process.on('uncaughtException', (error) => console.error(error));
export function signup(email: string) {
  sendEmail(email);
}`,
      findings: [{ line: 6, message: "the uncaughtException handler (case.ts:4) logs it without this caller's context and the process carries on." }],
    },
    {
      name: 'an unhandledRejection handler that exits, preferred over an uncaughtException handler',
      code: `${DECLARATIONS}process.on('uncaughtException', (error) => console.error(error));
process.on('unhandledRejection', (reason) => { throw reason; });
export function signup(email: string) {
  sendEmail(email);
}`,
      findings: [
        { line: 7, message: "a rejection reaches the process's unhandledRejection handler (case.ts:5), which logs it without this caller's context and ends the process." },
      ],
    },
    {
      name: 'an unhandledRejection handler that only logs: the caller carries on as if the work had succeeded',
      code: `${DECLARATIONS}process.on('unhandledRejection', (reason) => console.error(reason));
export function signup(email: string) {
  sendEmail(email);
}`,
      findings: [{ line: 6, message: "only reaches the process's unhandledRejection handler (case.ts:4): it is logged without this caller's context and the caller carries on" }],
    },
    {
      name: 'an executor that calls reject can reject',
      code: `async function deadline(ms: number) {
  await new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), ms));
}
export function later() {
  deadline(10);
}`,
      findings: [{ line: 5, message: `Promise returned by deadline() ${NOT_AWAITED}` }],
    },
  ],
});

describe('rule floating-promise across files', () => {
  const project = new AnalysisProject({ inMemory: true });
  const DB_THAT_EXITS = `export default async function connectDB(): Promise<void> {
  try {
    await connect();
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
declare function connect(): Promise<void>;
declare const process: { exit(code: number): never };`;
  const DB_THAT_REJECTS = `export default async function connectDB(): Promise<void> {
  await connect();
}
declare function connect(): Promise<void>;`;

  function findingsFor(db: string, folder: string): string[] {
    project.upsert(`/${folder}/db.ts`, db);
    const server = project.upsert(`/${folder}/server.ts`, `import connectDB from './db';\nexport function start() {\n  connectDB();\n}\n`);
    return analyzeSourceFile(server, { rules: [floatingPromise] }).findings.map((f) => `${f.range.start.line + 1}:${f.ruleId}`);
  }

  it('an imported function whose body cannot reject is not flagged', () => {
    assert.deepEqual(findingsFor(DB_THAT_EXITS, 'exits'), []);
  });

  it('an imported async function that can reject is flagged', () => {
    assert.deepEqual(findingsFor(DB_THAT_REJECTS, 'rejects'), ['3:floating-promise']);
  });
});

describe('rule floating-promise with the types of libraries known never to reject', () => {
  const project = new AnalysisProject({ inMemory: true });
  let counter = 0;

  /** Findings (`line:message`) in `file`, next to an ambient declaration of the packages it imports. */
  function findingsWith(declarations: string, file: string, filename = 'component.tsx'): string[] {
    counter += 1;
    const folder = `/library-types/${counter}`;
    project.upsert(`${folder}/packages.d.ts`, declarations);
    const sourceFile = project.upsert(`${folder}/${filename}`, file);
    try {
      return analyzeSourceFile(sourceFile, { rules: [floatingPromise] }).findings.map((f) => `${f.range.start.line + 1}:${f.message}`);
    } finally {
      project.remove(`${folder}/${filename}`);
      project.remove(`${folder}/packages.d.ts`);
    }
  }

  const HOOKS = `declare module 'framer-motion' {
  export function useAnimate(): [{ current: unknown }, (target: unknown, keyframes: object) => Promise<void>];
}
declare module 'other-animations' {
  export function useAnimate(): [{ current: unknown }, (target: unknown, keyframes: object) => Promise<void>];
}
declare module 'react' {
  export function useEffect(effect: () => void, deps: unknown[]): void;
}`;
  const component = (module: string): string => `import { useEffect } from 'react';
import { useAnimate } from '${module}';
export function Banner() {
  const [scope, animate] = useAnimate();
  useEffect(() => {
    animate(scope.current, { opacity: 1 });
  }, []);
  return null;
}
`;

  it("framer-motion's animate from const [scope, animate] = useAnimate() resolves when cancelled: not flagged", () => {
    assert.deepEqual(findingsWith(HOOKS, component('framer-motion')), []);
  });

  it('the same hook from another package is flagged', () => {
    const findings = findingsWith(HOOKS, component('other-animations'));
    assert.equal(findings.length, 1);
    assert.match(findings[0]!, /^6:Promise returned by animate\(\) is not awaited/);
  });

  const CACHES = `declare module 'cache-manager' {
  export interface Cache { set(key: string, value: unknown): Promise<void>; get<T>(key: string): Promise<T | undefined> }
}
declare module 'some-cache' {
  export interface Cache { set(key: string, value: unknown): Promise<void>; get<T>(key: string): Promise<T | undefined> }
}`;
  const service = (module: string): string => `import { Cache } from '${module}';
export class Rates {
  constructor(private cache: Cache) {}
  remember(rate: number) {
    this.cache.set('rate', rate);
  }
}
`;

  it("a cache-manager Cache#set (private cache: Cache) reports store failures as events: not flagged", () => {
    assert.deepEqual(findingsWith(CACHES, service('cache-manager'), 'rates.ts'), []);
  });

  it('a Cache of another package is flagged', () => {
    const findings = findingsWith(CACHES, service('some-cache'), 'rates.ts');
    assert.equal(findings.length, 1);
    assert.match(findings[0]!, /^5:Promise returned by this\.cache\.set\(\) is not awaited/);
  });
});
