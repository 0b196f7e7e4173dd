import * as assert from 'node:assert/strict';
import { errorContextLost } from 'preflight-server/out/rules/error-context-lost';
import { applyFix, findingsOf, parses, testRule } from '../support/rule-tester';

const DROPS = 'This new error drops the caught';
const ONLY_MESSAGE = 'keeps only the message of';
const LOG = 'records a message but not the caught';

testRule(errorContextLost, {
  valid: [
    {
      name: 'the new error has the caught one as its cause',
      code: `declare const db: { order: { create(a: unknown): Promise<unknown> } };
export async function create(input: unknown) {
  try {
    return await db.order.create({ data: input });
  } catch (err) {
    throw new Error('Failed to create order', { cause: err });
  }
}`,
    },
    {
      name: 'a custom error class that takes the original as an argument, or in a property (Object.assign)',
      code: `class HttpError extends Error { constructor(readonly status: number, readonly original: unknown) { super('http'); } }
declare const api: { get(p: string): Promise<unknown> };
export async function a() {
  try { return await api.get('/a'); } catch (err) { throw new HttpError(500, err); }
}
export async function b() {
  try { return await api.get('/b'); } catch (error) { throw Object.assign(new Error('b failed'), { original: error }); }
}
export async function c() {
  try { return await api.get('/c'); } catch (e) { throw new HttpError(502, { upstream: 'c', error: e }); }
}`,
    },
    {
      name: 'the error is logged with its object first, then a new error is thrown: the stack is on record (pino)',
      code: `import pino from 'pino';
const logger = pino();
declare const payments: { charge(id: string): Promise<void> };
export async function pay(id: string) {
  try {
    await payments.charge(id);
  } catch (err) {
    logger.error({ err, id }, 'charge failed');
    throw new Error('Payment failed');
  }
}`,
    },
    {
      name: 'reported to Sentry, then a new error is thrown (CommonJS)',
      code: `const Sentry = require('@sentry/node');
async function sync(client) {
  try {
    await client.pull();
  } catch (err) {
    Sentry.captureException(err);
    throw new Error('sync failed');
  }
}
module.exports = { sync };`,
      filename: 'sync.js',
    },
    {
      name: 'a designed answer to the client: Nest 4xx exceptions, an HttpException with a 4xx status, a not-found error',
      code: `import { BadRequestException, ConflictException, HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
declare const repo: { insert(a: unknown): Promise<void>; find(id: string): Promise<unknown> };
export class Users {
  async create(dto: unknown) {
    try { await repo.insert(dto); } catch (e) { throw new ConflictException('email already registered'); }
  }
  async find(id: string) {
    try { return await repo.find(id); } catch (e) { throw new NotFoundException(); }
  }
  async update(dto: unknown) {
    try { await repo.insert(dto); } catch (e) { throw new HttpException('bad input', HttpStatus.BAD_REQUEST); }
  }
  async check(dto: unknown) {
    try { await repo.insert(dto); } catch (e) { throw new BadRequestException('invalid'); }
  }
}`,
    },
    {
      name: 'catch without a binding: the error was dropped on purpose',
      code: `declare const store: { load(): Promise<string> };
export async function load() {
  try {
    return await store.load();
  } catch {
    throw new Error('store unavailable');
  }
}`,
    },
    {
      name: 'a message logged, then the error rethrown (winston)',
      code: `import winston from 'winston';
const logger = winston.createLogger({});
declare const queue: { publish(m: string): Promise<void> };
export async function publish(m: string) {
  try {
    await queue.publish(m);
  } catch (err) {
    logger.warn('publish failed, the caller retries');
    throw err;
  }
}`,
    },
    {
      name: 'a message logged, then the error passed on with next(err) (Express, JS)',
      code: `const express = require('express');
const app = express();
app.get('/orders', async (req, res, next) => {
  try {
    res.json(await req.db.orders());
  } catch (err) {
    console.error('orders failed');
    next(err);
  }
});`,
      filename: 'app.js',
    },
    {
      name: 'a parse probe: the new error is the answer to "is this valid?"',
      code: `export function readSettings(raw: string) {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new Error('settings could not be read');
  }
}`,
    },
    {
      name: 'log calls that record the stack: err.stack, util.inspect(err), an alias of the error, a serialiser that returns an object',
      code: `import { inspect } from 'util';
import pino from 'pino';
const log = pino();
declare function serializeError(e: unknown): Record<string, unknown>;
declare const jobs: { run(): Promise<void> };
export async function a() { try { await jobs.run(); } catch (err: any) { log.error('run failed', err.stack); } }
export async function b() { try { await jobs.run(); } catch (err) { console.error('run failed ' + inspect(err)); } }
export async function c() { try { await jobs.run(); } catch (err) { const error = err as Error; log.error({ err: error }, 'run failed'); } }
export async function d() { try { await jobs.run(); } catch (err) { log.error({ error: serializeError(err) }, 'run failed'); } }`,
    },
    {
      name: 'framework error responses are not thrown errors: res.status(500).json, ctx.throw, reply.code(500).send',
      code: `declare const db: { save(a: unknown): Promise<void> };
export async function express(req: any, res: any) {
  try { await db.save(req.body); } catch (err) { res.status(500).json({ error: 'save failed' }); }
}
export async function koa(ctx: any) {
  try { await db.save(ctx.request.body); } catch (err) { ctx.throw(500, 'save failed'); }
}
export async function fastify(request: any, reply: any) {
  try { await db.save(request.body); } catch (err) { return reply.code(500).send({ error: 'save failed' }); }
}`,
    },
    {
      name: 'client code: a React component',
      code: `import { useState } from 'react';
declare const api: { save(): Promise<void> };
export function Form() {
  const [error, setError] = useState('');
  async function submit() {
    try { await api.save(); } catch (err) { console.error('save failed'); setError('Could not save'); }
  }
  return null;
}`,
      filename: 'form.tsx',
    },
    {
      name: 'the error is returned to the caller or stored',
      code: `import pino from 'pino';
const log = pino();
declare const mail: { send(to: string): Promise<void> };
export async function a(to: string) {
  try { await mail.send(to); return { ok: true as const }; } catch (err) { log.warn('send failed'); return { ok: false as const, error: err }; }
}
const failures: unknown[] = [];
export async function b(to: string) {
  try { await mail.send(to); } catch (err) { log.warn('send failed'); failures.push(err); }
}`,
    },
    {
      name: 'a branch that recognised the failure: an error code, a message, a project error class; a yes/no health check; debug logs; an _error binding',
      code: `import pino from 'pino';
const log = pino();
class AssetProfileInvalidError extends Error {}
class DelistedError extends Error {}
declare const db: { insert(a: unknown): Promise<void>; ping(): Promise<void> };
export async function a(row: unknown) {
  try { await db.insert(row); } catch (err: any) {
    if (err.code === 'P2002') { log.warn('row already there'); return; }
    throw err;
  }
}
export async function b(symbol: string) {
  try { await db.insert(symbol); } catch (error: any) {
    if (error.message === 'Quote not found') throw new DelistedError(symbol + ' may be delisted');
    if (error instanceof AssetProfileInvalidError) throw new Error('profile unusable');
    throw error;
  }
}
export async function healthy() {
  try { await db.ping(); return true; } catch (e: any) { log.error(e.message); return false; }
}
export async function c(row: unknown) {
  try { await db.insert(row); } catch (err) { log.debug('insert failed, ignoring'); }
}
export async function d(row: unknown) {
  try { await db.insert(row); } catch (_error) { log.warn('insert failed'); }
}`,
    },
  ],
  invalid: [
    {
      name: 'a new Error without the caught one: fix adds { cause: err }',
      code: `declare const db: { order: { create(a: unknown): Promise<unknown> } };
export async function create(input: unknown) {
  try {
    return await db.order.create({ data: input });
  } catch (err) {
    throw new Error('Failed to create order');
  }
}`,
      findings: [{ line: 6, message: DROPS, column: 15 }],
      output: `declare const db: { order: { create(a: unknown): Promise<unknown> } };
export async function create(input: unknown) {
  try {
    return await db.order.create({ data: input });
  } catch (err) {
    throw new Error('Failed to create order', { cause: err });
  }
}`,
    },
    {
      name: 'only err.message goes into the new error',
      code: `declare const api: { get(p: string): Promise<unknown> };
export async function get() {
  try {
    return await api.get('/x');
  } catch (e: any) {
    throw new Error(e.message);
  }
}`,
      findings: [{ line: 6, message: ONLY_MESSAGE }],
      output: `declare const api: { get(p: string): Promise<unknown> };
export async function get() {
  try {
    return await api.get('/x');
  } catch (e: any) {
    throw new Error(e.message, { cause: e });
  }
}`,
    },
    {
      name: 'the error turned into text: a template, String(err), a helper that returns a string (CommonJS JS)',
      code: `function describe(e) { return 'failed: ' + String(e); }
async function a(client) {
  try { await client.a(); } catch (err) { throw new Error(\`a failed: \${err}\`); }
}
async function b(client) {
  try { await client.b(); } catch (err) { throw new Error(String(err)); }
}
async function c(client) {
  try { await client.c(); } catch (err) { throw new Error(describe(err)); }
}
module.exports = { a, b, c };`,
      filename: 'client.js',
      findings: [
        { line: 3, message: ONLY_MESSAGE },
        { line: 6, message: ONLY_MESSAGE },
        { line: 9, message: ONLY_MESSAGE },
      ],
    },
    {
      name: 'a custom error class whose constructor takes options with a cause: merged into the options object already passed (multi-line)',
      code: `class ApiError extends Error {
  constructor(options: { code: string; message: string; cause?: unknown }) { super(options.message); }
}
declare const billing: { invoice(id: string): Promise<void> };
export async function invoice(id: string) {
  try {
    await billing.invoice(id);
  } catch (error) {
    throw new ApiError({
      code: 'INTERNAL',
      message: 'invoice failed',
    });
  }
}`,
      findings: [{ line: 9, message: DROPS }],
      output: `class ApiError extends Error {
  constructor(options: { code: string; message: string; cause?: unknown }) { super(options.message); }
}
declare const billing: { invoice(id: string): Promise<void> };
export async function invoice(id: string) {
  try {
    await billing.invoice(id);
  } catch (error) {
    throw new ApiError({
      code: 'INTERNAL',
      message: 'invoice failed',
      cause: error,
    });
  }
}`,
    },
    {
      name: 'a custom error class with a status and an options parameter: { cause } added after the message',
      code: `class HttpError extends Error {
  constructor(readonly status: number, message: string, options?: ErrorOptions) { super(message, options); }
}
declare const upstream: { call(): Promise<void> };
export async function proxy() {
  try { await upstream.call(); } catch (cause) { throw new HttpError(502, 'upstream failed'); }
}`,
      findings: [{ line: 6, message: DROPS }],
      output: `class HttpError extends Error {
  constructor(readonly status: number, message: string, options?: ErrorOptions) { super(message, options); }
}
declare const upstream: { call(): Promise<void> };
export async function proxy() {
  try { await upstream.call(); } catch (cause) { throw new HttpError(502, 'upstream failed', { cause }); }
}`,
    },
    {
      name: 'a custom error class that takes no cause: flagged, no fix; an Object.assign without the error too',
      code: `class SyncError extends Error { constructor(message: string) { super(message); } }
declare const remote: { pull(): Promise<void> };
export async function pull() {
  try { await remote.pull(); } catch (err) { throw new SyncError('pull failed'); }
}
export async function pullAgain() {
  try { await remote.pull(); } catch (err) { throw Object.assign(new Error('pull failed'), { retryable: true }); }
}`,
      findings: [
        { line: 4, message: DROPS },
        { line: 7, message: DROPS },
      ],
    },
    {
      name: 'pino: a message logged without the error, fix puts { err } first',
      code: `import pino from 'pino';
const logger = pino();
declare function syncInventory(): Promise<void>;
export async function sync() {
  try {
    await syncInventory();
  } catch (err) {
    logger.error('inventory sync failed');
  }
}`,
      findings: [{ line: 8, message: LOG, column: 5 }],
      output: `import pino from 'pino';
const logger = pino();
declare function syncInventory(): Promise<void>;
export async function sync() {
  try {
    await syncInventory();
  } catch (err) {
    logger.error({ err }, 'inventory sync failed');
  }
}`,
    },
    {
      name: 'pino child logger with fields and only the message of the error: err merged into the fields',
      code: `import pino from 'pino';
const root = pino();
declare const jobs: { run(id: string): Promise<void> };
export async function run(id: string) {
  const log = root.child({ id });
  try {
    await jobs.run(id);
  } catch (e) {
    log.warn({ id, reason: (e as Error).message }, 'job failed');
  }
}`,
      findings: [{ line: 9, message: LOG }],
      output: `import pino from 'pino';
const root = pino();
declare const jobs: { run(id: string): Promise<void> };
export async function run(id: string) {
  const log = root.child({ id });
  try {
    await jobs.run(id);
  } catch (e) {
    log.warn({ id, reason: (e as Error).message, err: e }, 'job failed');
  }
}`,
    },
    {
      name: 'winston with a meta object: the stack goes in the meta',
      code: `import winston from 'winston';
const logger = winston.createLogger({});
declare const mailer: { send(to: string): Promise<void> };
export async function notify(to: string) {
  try {
    await mailer.send(to);
  } catch (err) {
    logger.error('mail failed', { to, error: err instanceof Error ? err.message : String(err) });
  }
}`,
      findings: [{ line: 8, message: LOG }],
      output: `import winston from 'winston';
const logger = winston.createLogger({});
declare const mailer: { send(to: string): Promise<void> };
export async function notify(to: string) {
  try {
    await mailer.send(to);
  } catch (err) {
    logger.error('mail failed', { to, error: err instanceof Error ? err.message : String(err), stack: (err as Error).stack });
  }
}`,
    },
    {
      name: 'console in JS: the error goes as one more argument',
      code: `async function handler(req, res) {
  try {
    await req.store.save(req.body);
    res.end();
  } catch (err) {
    console.error(\`save failed: \${err.message}\`);
    res.statusCode = 500;
    res.end();
  }
}
module.exports = handler;`,
      filename: 'handler.js',
      findings: [{ line: 6, message: LOG }],
      output: `async function handler(req, res) {
  try {
    await req.store.save(req.body);
    res.end();
  } catch (err) {
    console.error(\`save failed: \${err.message}\`, err);
    res.statusCode = 500;
    res.end();
  }
}
module.exports = handler;`,
    },
    {
      name: 'Nest Logger: error(message, stack)',
      code: `import { Injectable, Logger } from '@nestjs/common';
declare const repo: { sync(): Promise<void> };
@Injectable()
export class Sync {
  private readonly logger = new Logger(Sync.name);
  async run() {
    try {
      await repo.sync();
    } catch (e) {
      this.logger.error('sync failed');
    }
  }
}`,
      findings: [{ line: 10, message: LOG }],
      output: `import { Injectable, Logger } from '@nestjs/common';
declare const repo: { sync(): Promise<void> };
@Injectable()
export class Sync {
  private readonly logger = new Logger(Sync.name);
  async run() {
    try {
      await repo.sync();
    } catch (e) {
      this.logger.error('sync failed', (e as Error).stack);
    }
  }
}`,
    },
    {
      name: 'a Nest 5xx exception without the cause',
      code: `import { InternalServerErrorException } from '@nestjs/common';
declare const repo: { insert(a: unknown): Promise<void> };
export class Orders {
  async create(dto: unknown) {
    try { await repo.insert(dto); } catch (error) { throw new InternalServerErrorException('Failed to create order'); }
  }
}`,
      findings: [{ line: 5, message: DROPS }],
    },
    {
      name: 'instanceof Error recognises nothing; the branch of err.code !== ... is every other failure',
      code: `import pino from 'pino';
const log = pino();
declare const db: { insert(a: unknown): Promise<void> };
export async function a(row: unknown) {
  try { await db.insert(row); } catch (err) {
    if (err instanceof Error) log.error(err.message);
  }
}
export async function b(row: unknown) {
  try { await db.insert(row); } catch (err: any) {
    if (err.code !== 'ENOENT') throw new Error('insert failed');
  }
}`,
      findings: [
        { line: 6, message: LOG },
        { line: 11, message: DROPS },
      ],
    },
    {
      name: 'a new error built in a local of the catch and thrown',
      code: `declare const store: { put(k: string): Promise<void> };
export async function put(k: string) {
  try {
    await store.put(k);
  } catch (err) {
    const failure = new Error('put failed: ' + k);
    throw failure;
  }
}`,
      findings: [{ line: 6, message: DROPS }],
    },
  ],
});

describe('rule error-context-lost: quick-fixes', () => {
  const cases: { name: string; code: string; filename?: string }[] = [
    {
      name: 'cause',
      code: `declare const db: { q(): Promise<void> };
export async function a() { try { await db.q(); } catch (err) { throw new Error('a failed'); } }`,
    },
    {
      name: 'log',
      code: `import pino from 'pino';
const log = pino();
declare const db: { q(): Promise<void> };
export async function a() { try { await db.q(); } catch (err) { log.error('a failed'); } }`,
    },
    {
      name: 'console (JS)',
      code: `async function a(db) { try { await db.q(); } catch (error) { console.warn('a failed'); } }
module.exports = a;`,
      filename: 'a.js',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: parses, clears the finding, offers nothing more (idempotent)`, () => {
      const findings = findingsOf(errorContextLost, c.code, c.filename);
      assert.equal(findings.length, 1);
      const fix = findings[0]!.fixes[0];
      assert.ok(fix, 'a fix');
      const fixed = applyFix(c.code, fix);
      assert.ok(parses(fixed, c.filename), fixed);
      const after = findingsOf(errorContextLost, fixed, c.filename);
      assert.deepEqual(after.map((f) => f.message), []);
      const again = after.flatMap((f) => f.fixes).reduce((text, f) => applyFix(text, f), fixed);
      assert.equal(again, fixed);
    });
  }
});
