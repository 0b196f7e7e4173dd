import * as assert from 'node:assert/strict';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import {
  callSummary,
  failuresReaching,
  functionsOf,
  isByDesignError,
  rejectionsOf,
  summarize,
  withoutArguments,
} from 'preflight-server/out/facts/function-summary';
import { callExpressionStartingWith, callStartingWith, functionNamed, kinds, lastExpression, withFile, withFiles } from '../support/facts-project';

/** A library call the summaries know nothing about: it may reject with anything. */
const WORK = `declare function work(): Promise<number>;\n`;

function summaryOf(code: string, name: string, filename = 'case.ts') {
  return withFile(code, (sourceFile) => summarize(functionNamed(sourceFile, name)), filename);
}

/** What the promise of the file's last expression statement can reject with. */
function rejectionsOfLast(code: string): string[] {
  return withFile(code, (sourceFile) => kinds(rejectionsOf(lastExpression(sourceFile))));
}

describe('facts/function-summary', () => {
  describe('summarize: awaits, try/catch and rethrows', () => {
    it('an async function whose every await sits in a try whose catch does not rethrow cannot reject', () => {
      const summary = summaryOf(
        `${WORK}async function safe() {
  try {
    const n = await work();
    await work();
    return n;
  } catch (err) {
    console.error(err);
    return 0;
  }
}`,
        'safe',
      );
      assert.deepEqual(kinds(summary.rejects), []);
      assert.deepEqual(kinds(summary.throws), [], 'an async function throws nothing synchronously');
      assert.equal(summary.catchesEverything, true);
      assert.equal(summary.reports, true, 'console.error in its catch is a log line');
    });

    it('one await outside the try is enough to reject', () => {
      const summary = summaryOf(
        `${WORK}async function risky() {
  const first = await work();
  try { await work(); } catch { return first; }
  return first;
}`,
        'risky',
      );
      assert.deepEqual(kinds(summary.rejects), ['failure']);
      assert.equal(summary.catchesEverything, false);
    });

    it('a catch that logs and rethrows lets a reported failure out; one that only rethrows lets the failure out', () => {
      const code = `${WORK}async function logged() {
  try { await work(); } catch (err) { console.error('work failed', err); throw err; }
}
async function bare() {
  try { await work(); } catch (err) { throw err; }
}`;
      assert.deepEqual(kinds(summaryOf(code, 'logged').rejects), ['reported']);
      assert.deepEqual(kinds(summaryOf(code, 'bare').rejects), ['failure']);
    });

    it('a function returning an unknown promise rejects with what it returns, and a sync function throwing Error("boom") throws a failure', () => {
      const code = `${WORK}function relay() { return work(); }
function explode(): number { throw new Error('boom'); }`;
      const relay = summaryOf(code, 'relay');
      assert.deepEqual(kinds(relay.rejects), ['failure']);
      assert.deepEqual(kinds(relay.throws), []);
      const explode = summaryOf(code, 'explode');
      assert.deepEqual(kinds(explode.throws), ['failure']);
      assert.deepEqual(kinds(explode.rejects), []);
    });
  });

  describe('failuresReaching: what a try block lets through to its catch', () => {
    function reaching(code: string): string[] {
      return withFile(code, (sourceFile) => kinds(failuresReaching(sourceFile.getFirstDescendantByKindOrThrow(SyntaxKind.TryStatement).getTryBlock())));
    }

    it("the try block's own throw is a jump to its catch: by design", () => {
      assert.deepEqual(
        reaching(`function check(input: string) {
  try {
    if (input.length > 10) throw new Error('too long');
    return input;
  } catch {
    return '';
  }
}`),
        ['by-design'],
      );
    });

    it('an unknown awaited call beside it still reaches the catch as a failure', () => {
      assert.deepEqual(
        reaching(`${WORK}async function check(input: string) {
  try {
    if (input.length > 10) throw new Error('too long');
    return await work();
  } catch {
    return 0;
  }
}`),
        ['by-design', 'failure'],
      );
    });

    it('a callee that logs and rethrows reaches the catch as reported, not as a failure', () => {
      assert.deepEqual(
        reaching(`${WORK}async function caller() {
  try { return await logged(); } catch { return 0; }
}
async function logged() {
  try { return await work(); } catch (err) { console.error(err); throw err; }
}`),
        ['reported'],
      );
    });
  });

  describe('rejectionsOf: promises that never reject, and combinations', () => {
    it('Promise.allSettled and Promise.resolve never reject', () => {
      assert.deepEqual(rejectionsOfLast(`${WORK}Promise.allSettled([work(), work()]);`), []);
      assert.deepEqual(rejectionsOfLast(`Promise.resolve(1);`), []);
    });

    it('an unknown promise may reject, and so does Promise.reject', () => {
      assert.deepEqual(rejectionsOfLast(`${WORK}work();`), ['failure']);
      assert.deepEqual(rejectionsOfLast(`Promise.reject(new Error('x'));`), ['failure']);
    });

    it('new Promise((resolve) => setTimeout(resolve, 10)) never rejects; an executor that uses reject can', () => {
      assert.deepEqual(rejectionsOfLast(`new Promise<void>((resolve) => setTimeout(resolve, 10));`), []);
      assert.deepEqual(rejectionsOfLast(`new Promise<void>((resolve, reject) => setTimeout(() => reject(new Error('late')), 10));`), ['failure']);
    });

    it('an executor that names reject but never uses it cannot reject', () => {
      assert.deepEqual(rejectionsOfLast(`new Promise<void>((resolve, reject) => setTimeout(resolve, 10));`), []);
    });

    it('Promise.all([a(), b()]) rejects with the union of what a and b reject with', () => {
      const code = `${WORK}class NotFoundException extends Error {}
async function a() {
  try { await work(); } catch (err) { console.error(err); throw err; }
}
async function b() { throw new NotFoundException(); }
`;
      assert.deepEqual(rejectionsOfLast(`${code}Promise.all([a()]);`), ['reported']);
      assert.deepEqual(rejectionsOfLast(`${code}Promise.all([b()]);`), ['by-design']);
      assert.deepEqual(rejectionsOfLast(`${code}Promise.all([a(), b()]);`), ['by-design', 'reported']);
      assert.deepEqual(rejectionsOfLast(`${code}Promise.all([a(), b(), work()]);`), ['by-design', 'failure', 'reported']);
    });

    it('Promise.all over a spread is unknown', () => {
      assert.deepEqual(rejectionsOfLast(`declare const jobs: Promise<void>[];\nPromise.all([...jobs]);`), ['failure']);
    });
  });

  describe('methods of injected services in another file', () => {
    const SERVICE = `${WORK}export class UsersService {
  async safeLoad() {
    try { return await work(); } catch (err) { console.error(err); return null; }
  }
  async load() {
    return work();
  }
}
`;
    const CONTROLLER = `import { UsersService } from './users.service';
export class UsersController {
  constructor(private readonly service: UsersService) {}
  a() { return this.service.safeLoad(); }
  b() { return this.service.load(); }
}
`;

    it('this.service.method() is followed into the class of the constructor parameter, in its own file', () => {
      withFiles({ 'users.service.ts': SERVICE, 'users.controller.ts': CONTROLLER }, (file) => {
        const controller = file('users.controller.ts');
        const safeCall = callExpressionStartingWith(controller, 'this.service.safeLoad');
        const functions = functionsOf(safeCall.getExpression());
        assert.ok(functions, 'the callee is the project method');
        assert.equal(functions.length, 1);
        assert.ok(functions[0]!.getSourceFile().getFilePath().endsWith('/users.service.ts'));
        assert.ok(Node.isMethodDeclaration(functions[0]!) && functions[0]!.getName() === 'safeLoad');

        const safe = callSummary(safeCall);
        assert.ok(safe, 'a summary of the project method');
        assert.deepEqual(kinds(safe.rejects), []);
        assert.equal(safe.catchesEverything, true);

        const risky = callSummary(callExpressionStartingWith(controller, 'this.service.load'));
        assert.ok(risky);
        assert.deepEqual(kinds(risky.rejects), ['failure']);
        assert.equal(risky.catchesEverything, false);
      });
    });

    it('the rejections of the controller methods follow their service calls', () => {
      withFiles({ 'users.service.ts': SERVICE, 'users.controller.ts': CONTROLLER }, (file) => {
        const controller = file('users.controller.ts');
        assert.deepEqual(kinds(summarize(functionNamed(controller, 'a')).rejects), []);
        assert.deepEqual(kinds(summarize(functionNamed(controller, 'b')).rejects), ['failure']);
      });
    });

    it('a package function, a parameter and a declared function have no project body: functionsOf is undefined', () => {
      withFile(
        `import { readFile } from 'fs/promises';
declare function declared(): Promise<void>;
export function go(callback: () => Promise<void>) {
  readFile('x');
  callback();
  declared();
}`,
        (sourceFile) => {
          for (const prefix of ['readFile(', 'callback(', 'declared(']) {
            const call = callExpressionStartingWith(sourceFile, prefix);
            assert.equal(functionsOf(call.getExpression()), undefined, prefix);
            assert.equal(callSummary(call), undefined, prefix);
          }
        },
      );
    });
  });

  describe('designed failures: isByDesignError and probes', () => {
    function byDesign(expression: string): boolean {
      return withFile(
        `declare class NotFoundException extends Error {}
declare class HttpException extends Error { constructor(m: string, s: number) }
declare class AppError extends Error { constructor(code: string) }
declare const AppErrorCode: { NOT_FOUND: string; DB_DOWN: string };
declare const HttpStatus: { FORBIDDEN: number; INTERNAL_SERVER_ERROR: number };
declare function createError(status: number, message?: string): Error;
export function f() { throw ${expression}; }`,
        (sourceFile) => {
          const thrown = sourceFile.getFirstDescendantByKindOrThrow(SyntaxKind.ThrowStatement).getExpression();
          assert.ok(Node.isNewExpression(thrown) || Node.isCallExpression(thrown));
          return isByDesignError(thrown);
        },
      );
    }

    it('NotFoundException, AppError(AppErrorCode.NOT_FOUND), createError(404) and HttpException(..., HttpStatus.FORBIDDEN) are by design', () => {
      assert.ok(byDesign('new NotFoundException()'));
      assert.ok(byDesign('new AppError(AppErrorCode.NOT_FOUND)'));
      assert.ok(byDesign('createError(404)'));
      assert.ok(byDesign("new HttpException('no', HttpStatus.FORBIDDEN)"));
    });

    it("Error('boom'), createError(500), AppError(AppErrorCode.DB_DOWN) and HttpStatus.INTERNAL_SERVER_ERROR are not", () => {
      assert.ok(!byDesign("new Error('boom')"));
      assert.ok(!byDesign('createError(500)'));
      assert.ok(!byDesign('new AppError(AppErrorCode.DB_DOWN)'));
      assert.ok(!byDesign("new HttpException('no', HttpStatus.INTERNAL_SERVER_ERROR)"));
      assert.ok(!byDesign('createError(429)'), '429 is transient, not an answer');
    });

    it("a sync function's own throw of a by-design error is by-design, of Error('boom') a failure", () => {
      const code = `class NotFoundException extends Error {}
function requireName(name?: string) { if (!name) throw new NotFoundException(); return name; }
function crash(name?: string) { if (!name) throw new Error('boom'); return name; }`;
      assert.deepEqual(kinds(summaryOf(code, 'requireName').throws), ['by-design']);
      assert.deepEqual(kinds(summaryOf(code, 'crash').throws), ['failure']);
    });

    const LOOKUPS = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
class NotFoundError extends Error {}
export async function getUser(id: string) {
  const user = await prisma.user.findUnique({ where: { id } });
  if (!user) throw new NotFoundError(id);
  return user;
}
export async function getAndTouch(id: string) {
  const user = await prisma.user.findUnique({ where: { id } });
  if (!user) throw new NotFoundError(id);
  await prisma.user.update({ where: { id }, data: { seenAt: new Date() } });
  return user;
}
export async function getOrCrash(id: string) {
  const user = await prisma.user.findUnique({ where: { id } });
  if (!user) throw new Error('boom');
  return user;
}
export async function relay(id: string) {
  return getUser(id);
}
export async function relayAwaited(id: string) {
  return await getUser(id);
}
`;

    it('a lookup (one read, then throw NotFoundError when nothing came back) is a probe that writes nothing', () => {
      const summary = summaryOf(LOOKUPS, 'getUser');
      assert.equal(summary.probe, true);
      assert.equal(summary.writes, false);
      assert.deepEqual(kinds(summary.rejects), ['by-design', 'failure'], 'its own read can still fail');
    });

    it('the same lookup that also writes through Prisma is not a probe', () => {
      const summary = summaryOf(LOOKUPS, 'getAndTouch');
      assert.equal(summary.writes, true);
      assert.equal(summary.probe, false);
    });

    it('a Prisma write counts whether it is awaited, returned or kept in a const; a read does not', () => {
      const code = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function awaited(id: string) { await prisma.user.update({ where: { id }, data: {} }); }
export async function returned(id: string) { return prisma.user.delete({ where: { id } }); }
export function kept(id: string) { const pending = prisma.user.create({ data: { id } }); return pending; }
export async function reads(id: string) { return await prisma.user.findUnique({ where: { id } }); }`;
      assert.equal(summaryOf(code, 'awaited').writes, true);
      assert.equal(summaryOf(code, 'returned').writes, true);
      assert.equal(summaryOf(code, 'kept').writes, true);
      assert.equal(summaryOf(code, 'reads').writes, false);
    });

    it('a lookup that throws Error("boom") is not a probe', () => {
      assert.equal(summaryOf(LOOKUPS, 'getOrCrash').probe, false);
    });

    it("a caller of a probe sees only its designed failure", () => {
      withFile(LOOKUPS, (sourceFile) => {
        const call = callExpressionStartingWith(sourceFile, 'getUser(id)');
        assert.deepEqual(kinds(rejectionsOf(call)), ['by-design']);
        assert.deepEqual(kinds(summarize(functionNamed(sourceFile, 'relay')).rejects), ['by-design'], 'returning the probe adopts its designed failure');
        assert.equal(summarize(functionNamed(sourceFile, 'relayAwaited')).probe, true, 'a thin wrapper around one probe is a probe');
      });
    });
  });

  describe('ownThrows: a caller takes what its helper throws itself, not what the helper’s helpers throw', () => {
    const CODE = `function lookupStore(kind: string): number {
  if (kind !== 'memory') throw new Error('unknown store');
  return 1;
}
function storeFor(kind: string): number {
  return lookupStore(kind);
}
function handle(kind: string): number {
  return storeFor(kind);
}`;

    it('the helper that throws has the failure in throws and ownThrows', () => {
      const summary = summaryOf(CODE, 'lookupStore');
      assert.deepEqual(kinds(summary.throws), ['failure']);
      assert.deepEqual(kinds(summary.ownThrows), ['failure']);
    });

    it('its direct caller throws it, but not as its own', () => {
      const summary = summaryOf(CODE, 'storeFor');
      assert.deepEqual(kinds(summary.throws), ['failure']);
      assert.deepEqual(kinds(summary.ownThrows), []);
    });

    it('two helpers up, the invariant check is gone', () => {
      const summary = summaryOf(CODE, 'handle');
      assert.deepEqual(kinds(summary.throws), []);
      assert.deepEqual(kinds(summary.ownThrows), []);
    });

    it('synchronous I/O is the function’s own throw', () => {
      const summary = summaryOf(`import * as fs from 'fs';\nfunction save(text: string) { fs.writeFileSync('/tmp/x', text); }`, 'save');
      assert.deepEqual(kinds(summary.ownThrows), ['failure']);
    });
  });

  describe('recursion', () => {
    it('a function calling itself is summarised (least fixed point): it rejects only with what its own body does', () => {
      const code = `${WORK}async function countdown(n: number): Promise<number> {
  if (n <= 0) return 0;
  return countdown(n - 1);
}
async function crawl(n: number): Promise<number> {
  if (n <= 0) return work();
  return crawl(n - 1);
}
function ping(n: number): number { return n <= 0 ? 0 : pong(n - 1); }
function pong(n: number): number { return n <= 0 ? 1 : ping(n - 1); }`;
      assert.deepEqual(kinds(summaryOf(code, 'countdown').rejects), []);
      assert.deepEqual(kinds(summaryOf(code, 'crawl').rejects), ['failure']);
      assert.deepEqual(kinds(summaryOf(code, 'ping').throws), []);
    });
  });

  describe('result-tuple awaits', () => {
    const CODE = `${WORK}import to from 'await-to-js';
import { tryCatch } from 'some-result-wrapper';
export async function withTo() {
  const [err, data] = await to(work());
  return err ? 0 : data;
}
export async function withPackageWrapper() {
  const [error, result] = await tryCatch(work());
  return error ? 0 : result;
}
export async function notAnErrorFirst() {
  const [value, other] = await tryCatch(work());
  return value ?? other;
}
async function ownPassThrough<T>(promise: Promise<T>): Promise<[unknown, T | undefined]> {
  const value = await promise;
  return [null, value];
}
async function ownCatching<T>(promise: Promise<T>): Promise<[unknown, T | undefined]> {
  try { return [null, await promise]; } catch (e) { return [e, undefined]; }
}
export async function withOwnPassThrough() {
  const [error, result] = await ownPassThrough(work());
  return error ? 0 : result;
}
export async function withOwnCatching() {
  const [error, result] = await ownCatching(work());
  return error ? 0 : result;
}
`;

    it('const [err, data] = await to(promise) (await-to-js) does not reject', () => {
      assert.deepEqual(kinds(summaryOf(CODE, 'withTo').rejects), []);
    });

    it('an unknown package wrapper destructured as [error, result] does not reject', () => {
      assert.deepEqual(kinds(summaryOf(CODE, 'withPackageWrapper').rejects), []);
    });

    it('the same wrapper destructured without an error first may reject', () => {
      assert.deepEqual(kinds(summaryOf(CODE, 'notAnErrorFirst').rejects), ['failure']);
    });

    it("a project wrapper is judged by its body: one that awaits without a try rejects, one that catches does not", () => {
      assert.deepEqual(kinds(summaryOf(CODE, 'withOwnPassThrough').rejects), ['failure']);
      assert.deepEqual(kinds(summaryOf(CODE, 'withOwnCatching').rejects), []);
    });
  });

  describe('thrown constants', () => {
    const ERRORS = `const errors = Object.freeze({
  outsideScope: 'not allowed to read a file outside of the pages directory',
  disk: 'the disk gave up',
});
async function readPage(path: string) { if (path.includes('..')) throw errors.outsideScope; return path; }
async function readOther(path: string) { if (path.includes('..')) throw errors.disk; return path; }
`;
    it('throwing a constant whose message names a designed refusal is a designed failure; any other constant is a failure', () => {
      assert.deepEqual(kinds(summaryOf(ERRORS, 'readPage').rejects), ['by-design']);
      assert.deepEqual(kinds(summaryOf(ERRORS, 'readOther').rejects), ['failure']);
    });
  });

  describe('wrappers that await or call their parameters: judged with the argument at each call site', () => {
    const WRAPPER = `declare function work(): Promise<void>;
declare const log: (e: unknown) => void;
async function run(task: () => Promise<void>) {
  if (Math.random() > 2) return;
  await task();
}
async function safeTask() { try { await work(); } catch (err) { log(err); } }
async function riskyTask() { await work(); }
function afterwards(next: () => void) { next(); }
`;
    it('a wrapper given a task that catches everything cannot reject; given a risky task, or an unknown one, it can', () => {
      assert.deepEqual(rejectionsOfLast(`${WRAPPER}run(safeTask);`), []);
      assert.deepEqual(rejectionsOfLast(`${WRAPPER}run(riskyTask);`), ['failure']);
      assert.deepEqual(rejectionsOfLast(`${WRAPPER}declare const other: () => Promise<void>;\nrun(other);`), ['failure']);
    });
    it('without a call site (a callback handed to a timer) a parameter it awaits may reject; one it only calls is like any unknown call', () => {
      assert.deepEqual(kinds(withoutArguments(summaryOf(WRAPPER, 'run')).rejects), ['failure']);
      assert.deepEqual(kinds(withoutArguments(summaryOf(WRAPPER, 'afterwards')).throws), []);
    });
  });

  describe('promise-valued properties and consts', () => {
    it('this.isReady assigned a never-rejecting promise in the constructor: awaiting it cannot reject', () => {
      const summary = summaryOf(
        `class Connection {
  private isReady: Promise<void>;
  constructor() {
    this.isReady = new Promise((resolve) => setTimeout(resolve, 10));
  }
  async query() {
    await this.isReady;
    return 1;
  }
}`,
        'query',
      );
      assert.deepEqual(kinds(summary.rejects), []);
    });

    it('assigned again in a method: what the await sees is unknown', () => {
      const summary = summaryOf(
        `class Connection {
  private isReady: Promise<void>;
  constructor() {
    this.isReady = new Promise((resolve) => setTimeout(resolve, 10));
  }
  reconnect() {
    this.isReady = new Promise((resolve) => setTimeout(resolve, 10));
  }
  async query() {
    await this.isReady;
    return 1;
  }
}`,
        'query',
      );
      assert.deepEqual(kinds(summary.rejects), ['failure']);
    });

    it('a property initialised with a promise that can reject can reject', () => {
      const summary = summaryOf(
        `${WORK}class Connection {
  private isReady = work();
  async query() {
    await this.isReady;
    return 1;
  }
}`,
        'query',
      );
      assert.deepEqual(kinds(summary.rejects), ['failure']);
    });

    it('a const or a let holding a never-rejecting promise is followed to its values; a let also given an unknown promise is not safe', () => {
      const code = `declare function work(): Promise<void>;
async function a() {
  const pause = new Promise<void>((resolve) => setTimeout(resolve, 5));
  await pause;
}
async function b() {
  let pause = new Promise<void>((resolve) => setTimeout(resolve, 5));
  await pause;
}
async function c() {
  let pause = new Promise<void>((resolve) => setTimeout(resolve, 5));
  if (Math.random() > 0.5) pause = work();
  await pause;
}`;
      assert.deepEqual(kinds(summaryOf(code, 'a').rejects), []);
      assert.deepEqual(kinds(summaryOf(code, 'b').rejects), []);
      assert.deepEqual(kinds(summaryOf(code, 'c').rejects), ['failure']);
    });
  });

  describe('callSummary', () => {
    it('is undefined for a call to something that is not the project’s own function', () => {
      withFile(`${WORK}work();`, (sourceFile) => {
        const call = lastExpression(sourceFile) as CallExpression;
        assert.equal(callSummary(call), undefined);
      });
    });

    it('a `new` of a project class has no function summary; a call to an arrow held by a const has one', () => {
      withFile(`${WORK}const run = async () => { await work(); };\nclass Box {}\nnew Box();\nrun();`, (sourceFile) => {
        assert.equal(callSummary(callStartingWith(sourceFile, 'new Box')), undefined);
        const summary = callSummary(callStartingWith(sourceFile, 'run()'));
        assert.ok(summary);
        assert.deepEqual(kinds(summary.rejects), ['failure']);
      });
    });
  });
});
