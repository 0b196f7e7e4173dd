import { swallowedError } from 'preflight-server/out/rules/swallowed-error';
import { testRule } from '../support/rule-tester';

const EMPTY = 'Empty catch: the error is swallowed';
const FALLBACK = 'falls back without recording the error';
const OTHER_WORK = 'handles the failure without logging, reporting or rethrowing the error';

testRule(swallowedError, {
  valid: [
    {
      name: 'a handler variable that a promise executor reassigns to its reject: the rejection is handed on',
      code: `declare function createPartitions(): Promise<void>;
export class Provider {
  ready?: Promise<unknown>;
  async start() {
    let ok: (value: unknown) => void = () => {};
    let fail: (reason: unknown) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      ok = resolve;
      fail = reject;
    });
    await createPartitions().then(ok).catch(fail);
  }
}`,
    },
    {
      name: 'a lookup in memory whose "nothing matched" is a plain Error after .find (JS, CommonJS)',
      code: `const dashboards = [{ key: 'runs', title: 'Runs' }];
function dashboard(key) {
  const found = dashboards.find((d) => d.key === key);
  if (!found) {
    throw new Error(\`No dashboard "\${key}"\`);
  }
  return found;
}
module.exports.list = function list(keys) {
  return keys.map((key) => {
    try {
      return dashboard(key);
    } catch {
      return null;
    }
  });
};`,
      filename: 'dashboards.js',
    },
    {
      name: 'a keyed update whose fallback is tested right away and answered "not found"',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function start(id: string, res: { status(n: number): { send(t: string): unknown } }) {
  const job = await prisma.job.update({ where: { id, status: 'PENDING' }, data: { status: 'RUNNING' } }).catch(() => null);
  if (!job) return res.status(404).send('Job not found');
  return job;
}`,
    },
    {
      name: 'Prisma lookups that throw by design, keyed writes whose catch answers "not found" / "already exists" (injected client, custom generator output)',
      code: `import { PrismaClient } from './generated/prisma/client';
import * as E from 'fp-ts/Either';
class PrismaService extends PrismaClient {}
export class Users {
  constructor(private readonly prisma: PrismaService) {}
  async find(uid: string) {
    try { return E.right(await this.prisma.user.findUniqueOrThrow({ where: { uid } })); } catch { return E.left('USER_NOT_FOUND'); }
  }
  async rename(uid: string, name: string) {
    try { return E.right(await this.prisma.user.update({ where: { uid }, data: { name } })); } catch { return E.left('USER_NOT_FOUND'); }
  }
  async register(email: string) {
    try { return E.right(await this.prisma.user.create({ data: { email } })); } catch { return E.left('USER_ALREADY_EXISTS'); }
  }
}`,
    },
    {
      name: 'a lookup helper that throws NotFound by design, a failure metric, a reporting helper, a yes/no probe, cleanup, zod .catch, void-ed fire and forget',
      code: `import { metrics } from '@opentelemetry/api';
import { z } from 'zod';
declare const db: { findUser(id: string): Promise<{ id: string } | null>; ping(): Promise<void> };
declare const redis: { quit(): Promise<void> };
class NotFoundError extends Error {}
async function getUser(id: string) {
  const user = await db.findUser(id);
  if (!user) throw new NotFoundError(id);
  return user;
}
const failures = metrics.getMeter('app').createCounter('failures_total');
function recordFailure(fn: string) { failures.add(1, { fn }); }
export async function profile(id: string) {
  return getUser(id).catch(() => null);
}
export async function plan(id: string) {
  try { return await db.findUser(id); } catch { recordFailure('plan'); return undefined; }
}
export async function isHealthy() {
  try { await db.ping(); return true; } catch { return false; }
}
export async function shutdown() {
  await redis.quit().catch(() => {});
}
export const Query = z.object({ page: z.coerce.number().catch(1) });
export function copy(text: string) { void navigator.clipboard.writeText(text).catch(() => {}); }`,
    },
    {
      name: 'reading an optional file with a fallback: its absence is the expected failure (real code: bundled assets, cached copies)',
      code: `import fs from 'fs';
export function loadConfig(file: string) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}`,
    },
    {
      name: 'an empty catch around a parse: the fallback that follows is the answer to "is this valid?"',
      code: `export function load(raw: string) {
  let config = {};
  try { config = JSON.parse(raw); } catch {}
  return config;
}`,
    },
    {
      name: 'a catch around in-memory work only (serialising, formatting, reading browser storage) and around a callee that catches everything',
      code: `declare const log: (e: unknown) => void;
declare function fetchRows(): Promise<string[]>;
async function safeRows() { try { return await fetchRows(); } catch (err) { log(err); return []; } }
export function describe(value: unknown) {
  try { return JSON.stringify(value); } catch { return String(value); }
}
export function stored(key: string) {
  try { return localStorage.getItem(key); } catch { return null; }
}
export async function rows() {
  try { return await safeRows(); } catch { return []; }
}
export function later() {
  return safeRows().catch(() => []);
}`,
    },
    {
      name: 'catch logs the error with console.error',
      code: `async function run(job: () => Promise<void>) {
  try {
    await job();
  } catch (err) {
    console.error('job failed', err);
  }
}`,
    },
    {
      name: 'catch logs without the error through an imported pino logger (error-context-lost decides about the missing error)',
      code: `import pino from 'pino';
const log = pino();
export async function warm(cache: { load(): Promise<void> }) {
  try {
    await cache.load();
  } catch {
    log.warn('cache warm-up failed, starting cold');
  }
}`,
    },
    {
      name: 'catch logs through a winston logger created from a require',
      code: `const winston = require('winston');
const audit = winston.createLogger({});
async function save(repo, row) {
  try {
    await repo.insert(row);
  } catch (e) {
    audit.error('insert failed');
    return false;
  }
}`,
      filename: 'save.js',
    },
    {
      name: 'catch reports to Sentry through a namespace import',
      code: `import * as Sentry from '@sentry/node';
export async function charge(pay: () => Promise<void>) {
  try {
    await pay();
  } catch (err) {
    Sentry.captureException(err);
    return { ok: false };
  }
}`,
    },
    {
      name: 'catch reports to Bugsnag, New Relic, OpenTelemetry and Rollbar',
      code: `import Bugsnag from '@bugsnag/js';
const newrelic = require('newrelic');
import Rollbar from 'rollbar';
const rollbar = new Rollbar({ accessToken: 'x' });
export async function work(step: () => Promise<void>, span: any) {
  try { await step(); } catch { Bugsnag.notify(new Error('step failed')); }
  try { await step(); } catch { newrelic.noticeError(new Error('step failed')); }
  try { await step(); } catch (e) { span.recordException(e as Error); }
  try { await step(); } catch { rollbar.error('step failed'); }
}`,
    },
    {
      name: 'Fastify request.log, Nest this.logger and a child logger count as logging',
      code: `export async function handler(request: any, reply: any, store: any) {
  try {
    await store.save(request.body);
  } catch {
    request.log.error('save failed');
    return reply.code(500).send();
  }
}
class Jobs {
  private readonly logger: any;
  async run(job: () => Promise<void>) {
    try { await job(); } catch (e) { this.logger.child({ job: 'x' }).warn('job failed'); }
  }
}`,
    },
    {
      name: 'catch rethrows, or throws a new error (error-context-lost decides about the cause)',
      code: `async function a(f: () => Promise<void>) {
  try { await f(); } catch (err) { throw err; }
}
async function b(f: () => Promise<void>) {
  try { await f(); } catch { throw new Error('upload failed'); }
}`,
    },
    {
      name: 'catch passes the error on: next(err), reject(err), callback(err)',
      code: `app.get('/users', async (req, res, next) => {
  try {
    res.json(await users.list());
  } catch (err) {
    next(err);
  }
});
function read(path, callback) {
  return new Promise((resolve, reject) => {
    load(path).then(resolve).catch(reject);
    try { parseSync(path); } catch (e) { callback(e); }
  });
}`,
      filename: 'routes.js',
    },
    {
      name: 'catch uses the error to decide (ENOENT means no file)',
      code: `import { promises as fs } from 'fs';
export async function readOptional(path: string) {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err: any) {
    if (err.code === 'ENOENT') return null;
  }
}`,
    },
    {
      name: 'the error returned in a result object (shorthand property) or collected',
      code: `export async function attempt(jobs: (() => Promise<void>)[]) {
  const failures: unknown[] = [];
  for (const job of jobs) {
    try { await job(); } catch (e) { failures.push(e); }
  }
  try {
    await jobs[0]!();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}`,
    },
    {
      name: 'destructured error binding that is read',
      code: `async function f(job: () => Promise<void>) {
  try { await job(); } catch ({ message }) { return { failed: message }; }
}`,
    },
    {
      name: 'empty catch with a comment explaining why',
      code: `async function cleanup(tmp: string, fs: any) {
  try {
    await fs.unlink(tmp);
  } catch {
    // the file may already be gone; cleanup is best effort
  }
}`,
    },
    {
      name: 'fallback catch with a comment explaining why, and a commented .catch(() => null)',
      code: `async function cached(cache: any, key: string) {
  try {
    return await cache.get(key);
  } catch {
    /* the cache is optional: a miss is fine */
    return undefined;
  }
}
async function peek(cache: any) {
  return cache.get('k').catch(() => null); // cache is optional
}`,
    },
    {
      name: 'probe: JSON.parse whose failure is the answer',
      code: `export function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}`,
    },
    {
      name: 'probe: jwt.verify whose catch answers 401',
      code: `const jwt = require('jsonwebtoken');
function auth(req, res, next) {
  let payload;
  try {
    payload = jwt.verify(req.headers.authorization.slice(7), process.env.KEY);
  } catch {
    return res.status(401).end();
  }
  req.user = payload;
  next();
}`,
      filename: 'auth.js',
    },
    {
      name: 'probes: new URL, decodeURIComponent, BigInt, require.resolve, fs.statSync, optional require',
      code: `import fs from 'node:fs';
export function isUrl(s: string) { try { new URL(s); return true; } catch { return false; } }
export function decode(s: string) { try { return decodeURIComponent(s); } catch { return s; } }
export function big(s: string) { try { return BigInt(s.trim()); } catch { return null; } }
export function has(m: string) { try { require.resolve(m); return true; } catch { return false; } }
export function exists(p: string) { try { return fs.statSync(p).isFile(); } catch { return false; } }
let sharp: unknown;
try { sharp = require('sharp'); } catch { sharp = null; }`,
    },
    {
      name: 'probes: zod schema.parse answering 400, and an awaited fs.promises.access existence check',
      code: `import { z } from 'zod';
import { access } from 'fs/promises';
const Body = z.object({ email: z.string() });
export function validate(req: any, res: any) {
  try {
    const body = Body.parse(req.body);
    return res.json(body);
  } catch {
    return res.status(400).json({ error: 'invalid body' });
  }
}
export async function exists(p: string) {
  try { await access(p); return true; } catch { return false; }
}`,
    },
    {
      name: 'probe chains: fs.promises.access(...).then().catch() and import().catch()',
      code: `import fs from 'fs';
export const exists = (p: string) => fs.promises.access(p).then(() => true).catch(() => false);
export const loadPlugin = () => import('optional-plugin').catch(() => null);`,
    },
    {
      name: '.catch with a handler that logs, uses the error, or is defined elsewhere',
      code: `import { logger } from './logger';
import { handleError } from './errors';
export function go(p: Promise<unknown>, next: (e: unknown) => void) {
  p.catch(console.error);
  p.catch(handleError);
  p.catch(next);
  p.catch((err) => err);
  p.catch((err) => logger.error({ err }, 'failed'));
  p.then((v) => v, (e) => ({ error: e }));
  p.then((v) => v);
}`,
    },
    {
      name: 'catch in a retry loop followed by a throw once attempts run out',
      code: `async function fetchWithRetry(get: () => Promise<string>) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await get();
    } catch {
      await new Promise((r) => setTimeout(r, 2 ** attempt * 100));
    }
  }
  throw new Error('gave up after 3 attempts');
}`,
    },
    {
      name: 'catch that exits the process, Koa ctx.throw, emitting error, the debug module',
      code: `const debug = require('debug')('app:db');
async function main(start) {
  try { await start(); } catch { process.exit(1); }
}
async function koa(ctx, next) {
  try { await next(); } catch { ctx.throw(502, 'upstream failed'); }
}
function pump(stream, emitter) {
  stream.read().catch(() => emitter.emit('error', new Error('read failed')));
  stream.read().catch((e) => debug(e));
}`,
      filename: 'main.js',
    },
    {
      name: 'a project helper named like a logger or reporter',
      code: `import { logError, reportError } from './telemetry';
async function f(g: () => Promise<void>) {
  try { await g(); } catch { logError('g failed'); }
  try { await g(); } catch { reportError(new Error('g failed')); }
}`,
    },
    {
      name: 'a fallback that only decorates an error thrown right after',
      code: `export async function call(url: string) {
  const response = await fetch(url);
  if (!response.ok) {
    const details = await response.text().catch(() => '<unreadable body>');
    throw new Error(\`\${url} answered \${response.status}: \${details}\`);
  }
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    body = undefined;
  }
  throw new Error(String(body));
}`,
    },
    {
      name: 'a promise whose rejection is observed elsewhere: the .catch only silences this branch',
      code: `export async function prefetch(load: () => Promise<string>) {
  const pending = load();
  pending.catch(() => {});
  await new Promise((r) => setTimeout(r, 10));
  return pending;
}
class Connection {
  ready: Promise<void>;
  constructor(open: () => Promise<void>) {
    this.ready = open();
    this.ready.catch(() => undefined);
  }
  async query() {
    await this.ready;
  }
}`,
    },
    {
      name: 'a comment above a .catch fallback that says the result degrades on error',
      code: `declare const repository: { countDeliveries(ids: string[]): Promise<Map<string, number>> };
export async function deliveryCounts(ids: string[]) {
  // One grouped query for every endpoint. Degrade to empty counts on error rather than failing the whole tab.
  const counts = await repository
    .countDeliveries(ids)
    .catch(() => new Map<string, number>());
  return counts;
}`,
    },
    {
      name: 'a comment above the try that explains the expected failure',
      code: `declare function getLuminance(color: string): number;
export function luminances(colors: string[]) {
  const out: number[] = [];
  for (const color of colors) {
    // getLuminance throws for anything that is not a real colour: skip those.
    try {
      out.push(getLuminance(color));
    } catch {
      continue;
    }
  }
  return out;
}`,
    },
    {
      name: 'a catch that does other work with a comment explaining it',
      code: `export async function replies(req: any, res: any, next: () => void, collections: any) {
  let page;
  try {
    page = await collections.generate(req.params.pid);
  } catch (e) {
    return next(); // an invalid page number: fall through to the 404 handler
  }
  res.json(page);
}`,
    },
    {
      name: 'existence checks with an empty catch: in a loop over candidates, or alone',
      code: `const fs = require('fs');
const path = require('path');
function packageManager(root) {
  for (const [name, lockfile] of Object.entries({ npm: 'package-lock.json', yarn: 'yarn.lock' })) {
    try {
      fs.accessSync(path.join(root, lockfile));
      return name;
    } catch (e) {}
  }
  return 'npm';
}
let sharp = null;
try { sharp = require('sharp'); } catch {}`,
      filename: 'pm.js',
    },
    {
      name: 'a project logging helper on any receiver: helpers.log, this.logError',
      code: `export async function followers(activitypub: any, actor: any) {
  try {
    actor.count = (await activitypub.get(actor.followers)).totalItems;
  } catch (e) {
    activitypub.helpers.log('Unable to retrieve follower counts');
  }
}`,
    },
    {
      name: 'a try block that calls nothing that can fail in production (pure string work)',
      code: `export function isConnectionString(url: string, protocols: string[]) {
  try {
    const match = url.match(/^(\w+):\/\//);
    if (!match || !protocols.includes(match[1]!)) return false;
    const rest = url.substring(url.indexOf('://') + 3);
    return rest.split('/')[0]!.length > 0;
  } catch {
    return false;
  }
}`,
    },
    {
      name: 'a helper named like a token verifier, answering 403',
      code: `async function unsubscribe(req, res, jwtVerifyAsync) {
  let payload;
  try {
    payload = await jwtVerifyAsync(req.params.token);
    if (!payload) return res.sendStatus(404);
  } catch (err) {
    return res.sendStatus(403);
  }
  return payload;
}`,
      filename: 'unsubscribe.js',
    },
    {
      name: 'a catch that counts the failure in a prom-client counter or a StatsD metric',
      code: `import { Counter } from 'prom-client';
import StatsD from 'hot-shots';
const failures = new Counter({ name: 'sync_failures_total', help: 'failed syncs' });
const statsd = new StatsD();
export async function sync(job: () => Promise<void>) {
  try { await job(); } catch { failures.inc(); }
  try { await job(); } catch { statsd.increment('sync.failed'); return false; }
  return true;
}`,
    },
    {
      name: "a doc comment on the function says what it returns when it fails",
      code: `/** The user's saved theme, or null when it cannot be read. */
export async function savedTheme(store: { get(key: string): Promise<string> }) {
  try {
    return await store.get('theme');
  } catch {
    return null;
  }
}
/** Falls back to the default locale if the profile service is unavailable. */
export const locale = async (profiles: { locale(): Promise<string> }) => {
  try { return await profiles.locale(); } catch { return 'en'; }
};`,
    },
    {
      name: "reading a request body: a body that is not JSON is the client's mistake",
      code: `export async function POST(request: Request) {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return new Response('invalid JSON', { status: 400 });
  }
  return Response.json(body);
}`,
    },
    {
      name: 'reading a cache: a miss, or a cache that is down, means "compute it"',
      code: `export class Rates {
  constructor(private readonly redisCacheService: { get(key: string): Promise<string | null> }) {}
  async cached(key: string) {
    try {
      return await this.redisCacheService.get(key);
    } catch {
      return undefined;
    }
  }
}`,
    },
    {
      name: "the try block's own throw is a jump to its catch; what else it calls cannot fail",
      code: `declare const log: (e: unknown) => void;
declare function fetchLimit(): Promise<number>;
async function loadLimit(): Promise<number | undefined> {
  try { return await fetchLimit(); } catch (err) { log(err); return undefined; }
}
export async function limit() {
  try {
    const value = await loadLimit();
    if (value === undefined) throw new Error('no limit configured');
    return value;
  } catch {
    return 100;
  }
}`,
    },
    {
      name: 'a callee that logs the failure and rethrows it: the failure is already recorded',
      code: `declare const gateway: { charge(id: string): Promise<void> };
async function charge(id: string) {
  try {
    await gateway.charge(id);
  } catch (err) {
    console.error('charge failed', err);
    throw err;
  }
}
export async function checkout(id: string) {
  try {
    await charge(id);
    return 'ok';
  } catch {
    return 'failed';
  }
}`,
    },
    {
      name: 'keyed writes answered with 404 and 409, and an empty catch around a delete',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function remove(req: any, res: any) {
  try {
    await prisma.post.delete({ where: { id: req.params.id } });
    return res.status(204).end();
  } catch {
    return res.status(404).json({ message: 'Post not found' });
  }
}
export async function register(req: any, reply: any) {
  try {
    return await prisma.user.create({ data: req.body });
  } catch {
    return reply.code(409).send({ message: 'email taken' });
  }
}
export async function logout(id: string) {
  try {
    await prisma.session.delete({ where: { id } });
  } catch {}
}`,
    },
    {
      name: 'a yes/no probe on a promise of a boolean: .catch(() => false)',
      code: `declare function canAccess(userId: string, documentId: string): Promise<boolean>;
declare function ping(): Promise<void>;
export const allowed = (userId: string, documentId: string) => canAccess(userId, documentId).catch(() => false);
export const isUp = () => ping().then(() => true).catch(() => false);`,
    },
    {
      name: 'an untyped promise answered with false is taken for a yes/no question too (JS: .catch(() => false), .catch(function () { return false; }))',
      code: `exports.isUsingPlugin = (rbac) => rbac.isUsingPlugin().catch(() => false);
exports.hasAccess = (acl, id) => acl.check(id).catch(function () { return false; });`,
      filename: 'plugins.js',
    },
    {
      name: 'best-effort cleanup in a try block: quit, rmSync, terminate',
      code: `import fs from 'node:fs';
declare const redis: { quit(): Promise<void> };
declare const worker: { terminate(): Promise<number> };
export async function shutdown(tmp: string) {
  try { await redis.quit(); } catch {}
  try { fs.rmSync(tmp, { recursive: true }); } catch {}
  try { await worker.terminate(); } catch { return false; }
  return true;
}`,
    },
    {
      name: 'in browser code, a catch that tells the user (sets an error state) without the error',
      code: `import { useState } from 'react';
export function SaveButton({ api }: { api: { save(): Promise<void> } }) {
  const [error, setError] = useState('');
  async function onSave() {
    try {
      await api.save();
    } catch {
      setError('Could not save your changes');
    }
  }
  return error ? null : onSave;
}`,
      filename: 'SaveButton.tsx',
    },
    {
      name: 'a catch answering "not found" around a probe helper (a lookup that throws NotFoundError)',
      code: `class NotFoundError extends Error {}
declare const db: { findUser(id: string): Promise<{ id: string } | null> };
async function getUser(id: string) {
  const user = await db.findUser(id);
  if (!user) throw new NotFoundError(id);
  return user;
}
export async function show(req: any, res: any) {
  try {
    return res.json(await getUser(req.params.id));
  } catch {
    return res.status(404).json({ message: 'Not found' });
  }
}`,
    },
  ],
  invalid: [
    {
      name: 'a noop handler held by a let that is never reassigned is still a noop',
      code: `declare function flush(): Promise<void>;
export async function run() {
  let ignore = () => {};
  await flush().catch(ignore);
}`,
      findings: [{ line: 4, column: 17, message: 'swallows the rejection' }],
    },
    {
      name: 'a plain Error thrown when a load (not a lookup) comes back empty is a failure, not "not found"',
      code: `declare const api: { load(key: string): Promise<{ key: string } | undefined> };
async function dashboard(key: string) {
  const found = await api.load(key);
  if (!found) throw new Error('Dashboard store unavailable ' + key);
  return found;
}
export async function show(key: string) {
  try {
    return await dashboard(key);
  } catch {
    return null;
  }
}`,
      findings: [{ line: 10, column: 5, message: FALLBACK }],
    },
    {
      name: 'empty catch with a binding: log and rethrow fix',
      code: `async function save(repo: any, row: unknown) {
  try {
    await repo.insert(row);
  } catch (e) {}
}`,
      findings: [{ line: 4, column: 5, message: EMPTY }],
      output: `async function save(repo: any, row: unknown) {
  try {
    await repo.insert(row);
  } catch (e) {
    console.error('save failed', e);
    throw e;
  }
}`,
    },
    {
      name: 'empty catch without a binding in JS: the fix adds one',
      code: `async function sync(db) {
    try {
        await db.flush();
    } catch {
    }
}`,
      filename: 'sync.js',
      findings: [{ line: 4, column: 7, message: EMPTY }],
      output: `async function sync(db) {
    try {
        await db.flush();
    } catch (err) {
        console.error('sync failed', err);
        throw err;
    }
}`,
    },
    {
      name: 'a TODO or lint directive is not an explanation',
      code: `async function a(f: () => Promise<void>) {
  try { await f(); } catch (err) {
    // TODO: handle this
  }
  try { await f(); } catch {
    // eslint-disable-line no-empty
  }
}`,
      findings: [
        { line: 2, message: EMPTY },
        { line: 5, message: EMPTY },
      ],
    },
    {
      name: '.catch(() => {}) with a fix that logs',
      code: `export async function warm(cache: { set(k: string, v: string): Promise<void> }) {
  await cache.set('k', 'v').catch(() => {});
}`,
      findings: [{ line: 2, column: 29, message: '.catch(() => {}) swallows the rejection' }],
      output: `export async function warm(cache: { set(k: string, v: string): Promise<void> }) {
  await cache.set('k', 'v').catch((err) => console.error('cache.set failed', err));
}`,
    },
    {
      name: '.catch(() => null) on its own line of a chain',
      code: `export function profile(api: any, id: string) {
  return api
    .get(\`/users/\${id}\`)
    .then((r: any) => r.data)
    .catch(() => null);
}`,
      findings: [{ line: 5, column: 6, message: '.catch(() => null) hides the failure: log or report the error before returning a fallback.' }],
      output: `export function profile(api: any, id: string) {
  return api
    .get(\`/users/\${id}\`)
    .then((r: any) => r.data)
    .catch((err: unknown) => { console.error('api.get failed', err); return null; });
}`,
    },
    {
      name: '.catch returning undefined, [], 0 and {}',
      code: `const a = load().catch(() => undefined);
const b = load().catch(() => []);
const c = load().catch(function () { return 0; });
const d = load().catch(() => ({}));`,
      filename: 'fallbacks.js',
      findings: [
        { line: 1, message: '.catch(() => undefined) hides the failure' },
        { line: 2, message: '.catch(() => []) hides the failure' },
        { line: 3, message: 'hides the failure' },
        { line: 4, message: '.catch(() => ({})) hides the failure' },
      ],
    },
    {
      name: '.catch(noop) from lodash (named import, require and lodash/noop) and Function.prototype',
      code: `import { noop } from 'lodash';
import noop2 from 'lodash/noop';
const _ = require('lodash');
export function fire(p: Promise<void>) {
  p.catch(noop);
  p.catch(_.noop);
  p.catch(noop2);
  p.catch(Function.prototype as any);
}`,
      findings: [
        { line: 5, message: '.catch(noop) swallows the rejection' },
        { line: 6, message: '.catch(_.noop) swallows the rejection' },
        { line: 7, message: '.catch(noop2) swallows the rejection' },
        { line: 8, message: 'swallows the rejection' },
      ],
      output: `import { noop } from 'lodash';
import noop2 from 'lodash/noop';
const _ = require('lodash');
export function fire(p: Promise<void>) {
  p.catch((err) => console.error('fire failed', err));
  p.catch(_.noop);
  p.catch(noop2);
  p.catch(Function.prototype as any);
}`,
    },
    {
      name: '.catch with a local empty function',
      code: `function ignoreIt() {}
const quiet = () => null;
export function fire(p: Promise<void>) {
  p.catch(ignoreIt);
  p.catch(quiet);
}`,
      findings: [
        { line: 4, message: '.catch(ignoreIt) swallows the rejection' },
        { line: 5, message: '.catch(quiet) hides the failure' },
      ],
    },
    {
      name: 'catch that only returns a fallback value',
      code: `export async function getRates(client: any) {
  try {
    return await client.fetchRates();
  } catch (error) {
    return DEFAULT_RATES;
  }
}
const DEFAULT_RATES = { usd: 1 };`,
      findings: [{ line: 4, column: 5, message: FALLBACK }],
    },
    {
      name: 'catch that assigns a fallback or skips to the next item',
      code: `async function loadAll(ids, load) {
  let settings;
  try { settings = await load('settings'); } catch (e) { settings = {}; }
  for (const id of ids) {
    try { await load(id); } catch { continue; }
  }
  return settings;
}`,
      filename: 'load.js',
      findings: [
        { line: 3, message: FALLBACK },
        { line: 5, message: FALLBACK },
      ],
    },
    {
      name: 'catch that answers 500 without recording the error (decision: flagged)',
      code: `import express from 'express';
const app = express();
app.post('/orders', async (req, res) => {
  try {
    const order = await orders.create(req.body);
    res.status(201).json(order);
  } catch (err) {
    res.status(500).json({ error: 'Internal error' });
  }
});
declare const orders: any;`,
      findings: [{ line: 7, column: 5, message: OTHER_WORK }],
    },
    {
      name: 'catch that sets UI state without recording the error (decision: flagged)',
      code: `export function useUser(setError: (m: string) => void, api: any) {
  return async () => {
    try {
      return await api.me();
    } catch {
      setError('Could not load your profile');
    }
  };
}`,
      findings: [{ line: 5, message: OTHER_WORK }],
    },
    {
      name: 'a probe next to real work is not a probe: the catch turns a database failure into a 400',
      code: `import { z } from 'zod';
const Input = z.object({ name: z.string() });
export async function create(req: any, res: any, db: any) {
  try {
    const input = Input.parse(req.body);
    const row = await db.user.create({ data: input });
    return res.json(row);
  } catch {
    return res.status(400).json({ error: 'invalid input' });
  }
}`,
      findings: [{ line: 8, message: OTHER_WORK }],
    },
    {
      name: 'a keyed write whose catch answers a generic failure: a database outage is hidden behind "update failed"',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function rename(id: string, name: string) {
  try {
    return { ok: await prisma.user.update({ where: { id }, data: { name } }) };
  } catch {
    return { error: 'USER_UPDATE_FAILED' };
  }
}`,
      findings: [{ line: 6, message: FALLBACK }],
    },
    {
      name: '.then(onFulfilled, () => null) and .catch(() => res.sendStatus(500))',
      code: `function route(req, res, service) {
  service.load().then((v) => res.json(v), () => null);
  service.load().then((v) => res.json(v)).catch(() => res.sendStatus(500));
}`,
      filename: 'route.js',
      findings: [
        { line: 2, column: 43, message: '.then(…, () => null) hides the failure' },
        { line: 3, message: 'handles the failure without logging' },
      ],
    },
    {
      name: 'a logger is imported but the catch does not use it',
      code: `const logger = require('pino')();
async function send(queue, msg) {
  try {
    await queue.publish(msg);
  } catch (_err) {
    return false;
  }
  logger.info('sent');
  return true;
}`,
      filename: 'send.js',
      findings: [{ line: 5, message: FALLBACK }],
    },
    {
      name: 'a comment above the try that does not talk about the failure is not an explanation',
      code: `export async function saveUser(db: any, user: unknown) {
  // Save the user
  try {
    await db.users.insert(user);
  } catch {
    return false;
  }
  return true;
}`,
      findings: [{ line: 5, message: FALLBACK }],
    },
    {
      name: 'a file written in a try whose catch falls back: the failed write is hidden',
      code: `import fs from 'fs';
export function saveConfig(file: string, config: object) {
  try {
    fs.writeFileSync(file, JSON.stringify(config));
    return true;
  } catch {
    return null;
  }
}`,
      findings: [{ line: 6, message: FALLBACK }],
    },
    {
      name: 'catch in a loop with no throw afterwards is not a retry policy',
      code: `async function poll(ping: () => Promise<void>) {
  while (true) {
    try {
      await ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}`,
      findings: [{ line: 6, message: OTHER_WORK }],
    },
    {
      name: 'a keyed update of an injected client whose catch answers UPDATE_FAILED: the outage is hidden',
      code: `import { PrismaClient } from '@prisma/client';
export class Users {
  constructor(private readonly prisma: PrismaClient) {}
  async rename(id: string, name: string) {
    try {
      return await this.prisma.user.update({ where: { id }, data: { name } });
    } catch {
      return { error: 'UPDATE_FAILED' };
    }
  }
}`,
      findings: [{ line: 7, message: FALLBACK }],
    },
    {
      name: 'a catch answering 500 "Internal Server Error" around a probe admits an unexpected failure',
      code: `class NotFoundError extends Error {}
declare const db: { findUser(id: string): Promise<{ id: string } | null> };
async function getUser(id: string) {
  const user = await db.findUser(id);
  if (!user) throw new NotFoundError(id);
  return user;
}
export async function show(req: any, res: any) {
  try {
    return res.json(await getUser(req.params.id));
  } catch {
    return res.status(500).json({ message: 'Internal Server Error' });
  }
}`,
      findings: [{ line: 11, message: OTHER_WORK }],
    },
    {
      name: 'a cache write (not a read) swallowed: the cache silently stops being filled',
      code: `export class Rates {
  constructor(private readonly redisCacheService: { set(key: string, value: string): Promise<void> }) {}
  async remember(key: string, value: string) {
    try {
      await this.redisCacheService.set(key, value);
    } catch {}
  }
}`,
      findings: [{ line: 6, message: EMPTY }],
    },
    {
      name: 'a lookup that also writes is not a probe: its catch answering "not found" hides a failed write',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
class NotFoundException extends Error {}
async function touchUser(id: string) {
  const user = await prisma.user.findUnique({ where: { id } });
  if (!user) throw new NotFoundException();
  await prisma.auditLog.create({ data: { userId: id } });
  return user;
}
export async function touch(id: string) {
  try {
    return await touchUser(id);
  } catch {
    return { error: 'USER_NOT_FOUND' };
  }
}`,
      findings: [{ line: 13, message: FALLBACK }],
    },
    {
      name: 'an empty catch around deleteMany (not a keyed write), and cleanup next to other work',
      code: `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const redis: { quit(): Promise<void> };
declare function flushQueue(): Promise<void>;
export async function reset(userId: string) {
  try {
    await prisma.session.deleteMany({ where: { userId } });
  } catch {}
  try {
    await flushQueue();
    await redis.quit();
  } catch {}
}`,
      findings: [
        { line: 8, message: EMPTY },
        { line: 12, message: EMPTY },
      ],
    },
    {
      name: 'a doc comment that does not talk about failure is no explanation',
      code: `/** The user's saved theme. */
export async function savedTheme(store: { get(key: string): Promise<string> }) {
  try {
    return await store.get('theme');
  } catch {
    return null;
  }
}`,
      findings: [{ line: 5, message: FALLBACK }],
    },
    {
      name: ".catch(() => false) on a promise that is not a yes/no answer",
      code: `declare function loadCount(): Promise<number>;
export const count = () => loadCount().catch(() => false);`,
      findings: [{ line: 2, message: '.catch(() => false) hides the failure' }],
    },
    {
      name: "the try block's throw beside a call that can fail: the call's failure is swallowed",
      code: `declare function fetchLimit(): Promise<number>;
export async function limit() {
  try {
    const value = await fetchLimit();
    if (value < 0) throw new Error('negative limit');
    return value;
  } catch {
    return 100;
  }
}`,
      findings: [{ line: 7, message: FALLBACK }],
    },
    {
      name: 'a callee that logs but does not rethrow, beside a call that can fail',
      code: `declare const gateway: { charge(id: string): Promise<void> };
export async function checkout(id: string) {
  try {
    await gateway.charge(id);
    return 'ok';
  } catch {
    return 'failed';
  }
}`,
      findings: [{ line: 6, message: FALLBACK }],
    },
  ],
});
