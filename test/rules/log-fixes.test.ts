import * as assert from 'node:assert/strict';
import type { Rule } from 'preflight-server';
import { floatingPromise } from 'preflight-server/out/rules/floating-promise';
import { swallowedError } from 'preflight-server/out/rules/swallowed-error';
import { applyFix, findingsOf, parses } from '../support/rule-tester';

/**
 * The quick-fixes that write a log call write it through the logger the code
 * already uses, the way its library takes an error; with none, through console.
 */
interface LogFixCase {
  name: string;
  rule: Rule;
  code: string;
  filename?: string;
  /** The title of the fix to apply. */
  fix: string;
  /** The log call the fixed code must contain. */
  logs: string;
}

const LOG_FIX_CASES: LogFixCase[] = [
  {
    name: 'empty catch in a Nest service with a Logger property: this.logger, message first',
    rule: swallowedError,
    fix: 'Log the error and continue',
    code: `import { Injectable, Logger } from '@nestjs/common';
declare const repo: { insert(row: unknown): Promise<void> };
@Injectable()
export class Orders {
  private readonly logger = new Logger(Orders.name);
  async save(row: unknown) {
    try {
      await repo.insert(row);
    } catch (e) {}
  }
}`,
    logs: "this.logger.error('save failed', e);",
  },
  {
    name: 'empty catch with a module-level pino logger: object first, err field',
    rule: swallowedError,
    fix: 'Log and rethrow the error',
    code: `import pino from 'pino';
const logger = pino();
declare const repo: { insert(row: unknown): Promise<void> };
export async function save(row: unknown) {
  try {
    await repo.insert(row);
  } catch {}
}`,
    logs: "logger.error({ err }, 'save failed');",
  },
  {
    name: '.catch(() => {}) with a project logger from config.getLogger used in the file',
    rule: swallowedError,
    fix: 'Log the error before ignoring it',
    code: `declare const config: { getLogger(name: string): any };
declare const cache: { set(k: string, v: string): Promise<void> };
const logger = config.getLogger('cache');
export async function warm() {
  logger.info('warming');
  await cache.set('k', 'v').catch(() => {});
}`,
    logs: "logger.error('cache.set failed', err)",
  },
  {
    name: '.catch(() => null) with a bunyan logger parameter typed from bunyan',
    rule: swallowedError,
    fix: 'Log the error before ignoring it',
    code: `import type Logger from 'bunyan';
declare const api: { get(path: string): Promise<unknown> };
export function profile(log: Logger, id: string) {
  return api.get(id).catch(() => null);
}`,
    logs: "(err) => { log.error({ err }, 'api.get failed'); return null; }",
  },
  {
    name: 'empty catch in CommonJS with a winston logger',
    rule: swallowedError,
    fix: 'Log the error and continue',
    filename: 'jobs.js',
    code: `const winston = require("winston");
const log = winston.createLogger({ level: "info" });
async function sync(db) {
  try {
    await db.flush();
  } catch (error) {}
}
module.exports = { sync };`,
    logs: 'log.error("sync failed", error);',
  },
  {
    name: 'empty catch with a log4js logger',
    rule: swallowedError,
    fix: 'Log the error and continue',
    code: `import log4js from 'log4js';
const jobsLog = log4js.getLogger('jobs');
declare function run(): Promise<void>;
export async function tick() {
  try { await run(); } catch (err) {}
}`,
    logs: "jobsLog.error('tick failed', err);",
  },
  {
    name: 'a file that imports winston but holds no logger: winston\'s default logger',
    rule: swallowedError,
    fix: 'Log the error and continue',
    code: `import winston from 'winston';
declare function run(): Promise<void>;
export async function tick() {
  try { await run(); } catch (err) {}
}`,
    logs: "winston.error('tick failed', err);",
  },
  {
    name: 'no logger anywhere: console.error',
    rule: swallowedError,
    fix: 'Log the error and continue',
    code: `declare function run(): Promise<void>;
export async function tick() {
  try { await run(); } catch (err) {}
}`,
    logs: "console.error('tick failed', err);",
  },
  {
    name: 'floating promise: .catch through the Nest logger injected in the constructor',
    rule: floatingPromise,
    fix: 'Log the rejection (.catch)',
    code: `import { Logger } from '@nestjs/common';
declare function sendEmail(to: string): Promise<void>;
export class Signup {
  constructor(private readonly logger: Logger) {}
  handle(email: string) {
    sendEmail(email);
  }
}`,
    logs: "sendEmail(email).catch((err) => this.logger.error('sendEmail failed', err));",
  },
  {
    name: 'floating promise: .catch through a pino child logger',
    rule: floatingPromise,
    fix: 'Log the rejection (.catch)',
    code: `import pino from 'pino';
const root = pino();
declare function sendEmail(to: string): Promise<void>;
export function handle(email: string) {
  const log = root.child({ email });
  sendEmail(email);
}`,
    logs: "sendEmail(email).catch((err) => log.error({ err }, 'sendEmail failed'));",
  },
  {
    name: 'floating callback: the catch inside the callback logs through the module logger',
    rule: floatingPromise,
    fix: 'Catch and log errors inside the callback',
    code: `import pino from 'pino';
const logger = pino();
declare function sync(): Promise<void>;
setInterval(async () => {
  await sync();
}, 60_000);`,
    logs: "logger.error({ err }, 'setInterval callback failed');",
  },
  {
    name: 'floating promise with no logger: console.error',
    rule: floatingPromise,
    fix: 'Log the rejection (.catch)',
    code: `declare function sendEmail(to: string): Promise<void>;
export function handle(email: string) {
  sendEmail(email);
}`,
    logs: "sendEmail(email).catch((err) => console.error('sendEmail failed', err));",
  },
];

describe('quick-fixes that log use the logger in scope', () => {
  for (const c of LOG_FIX_CASES) {
    it(c.name, () => {
      const findings = findingsOf(c.rule, c.code, c.filename);
      assert.equal(findings.length, 1, `expected one finding, got ${findings.map((f) => f.message).join(' | ')}`);
      const fix = findings[0]!.fixes.find((f) => f.title === c.fix);
      assert.ok(fix, `no fix "${c.fix}" among ${findings[0]!.fixes.map((f) => f.title).join(', ')}`);
      const fixed = applyFix(c.code, fix);
      assert.ok(fixed.includes(c.logs), `the fixed code does not log with ${c.logs}:\n${fixed}`);
      assert.ok(parses(fixed, c.filename), `fixed code does not parse:\n${fixed}`);
      const after = findingsOf(c.rule, fixed, c.filename);
      assert.deepEqual(after.map((f) => f.message), [], `the fix did not clear the finding:\n${fixed}`);
      // Idempotent: nothing is left to fix, so applying the fixes again changes nothing.
      const again = after.flatMap((f) => f.fixes).reduce((text, f) => applyFix(text, f), fixed);
      assert.equal(again, fixed);
    });
  }
});
