import * as assert from 'node:assert/strict';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import { AnalysisProject, FileFacts } from 'preflight-server';
import {
  cannotReject,
  hasThenableType,
  ignoredCallbackOf,
  isRejectionHandled,
  localFunctionOf,
} from 'preflight-server/out/facts/promises';
import { forwardsFailure, isKnownNoop } from 'preflight-server/out/facts/error-handlers';

const project = new AnalysisProject({ inMemory: true });
let fileCounter = 0;

function withFile<T>(code: string, filename: string, inspect: (facts: FileFacts) => T): T {
  fileCounter += 1;
  const path = `/promise-facts/${fileCounter}/${filename}`;
  const sourceFile = project.upsert(path, code);
  try {
    return inspect(new FileFacts(sourceFile));
  } finally {
    project.remove(path);
  }
}

/** The expression of the file's last statement. */
function lastExpression<T>(code: string, inspect: (node: Node, facts: FileFacts) => T, filename = 'p.ts'): T {
  return withFile(code, filename, (facts) => {
    const statements = facts.sourceFile.getStatements();
    const last = statements[statements.length - 1]!;
    assert.ok(Node.isExpressionStatement(last), 'the last statement must be an expression');
    return inspect(last.getExpression(), facts);
  });
}

describe('facts/promises', () => {
  describe('hasThenableType', () => {
    const thenable = (code: string, filename?: string): boolean => lastExpression(code, (node) => hasThenableType(node), filename);

    it('Promise, a union with undefined, a custom thenable and a type parameter bounded by Promise', () => {
      assert.ok(thenable(`declare function f(): Promise<void>;\nf();`));
      assert.ok(thenable(`declare const o: { f?: () => Promise<number> };\no.f?.();`));
      assert.ok(thenable(`declare function job(): { then(ok: () => void): void };\njob();`));
      assert.ok(thenable(`function run<T extends Promise<void>>(t: T) { return t; }\nrun(Promise.resolve());`));
    });
    it('JS: the Promise an async function returns, inferred with allowJs', () => {
      assert.ok(thenable(`async function send() { return 1; }\nsend();`, 'a.js'));
    });
    it('numbers, any, and objects whose then is not callable are not thenable', () => {
      assert.ok(!thenable(`declare function f(): number;\nf();`));
      assert.ok(!thenable(`declare const x: any;\nx.save();`));
      assert.ok(!thenable(`declare function f(): { then: string };\nf();`));
    });
    it('Cypress Chainable is not treated as a promise', () => {
      assert.ok(!thenable(`interface Chainable<T> { then(fn: (v: T) => void): Chainable<T> }\ndeclare const cy: { get(s: string): Chainable<number> };\ncy.get('x');`));
    });
  });

  describe('isRejectionHandled', () => {
    const handled = (code: string): boolean => lastExpression(`declare const p: Promise<void>;\n${code}`, (node) => isRejectionHandled(node));
    it('catch with a handler, then with two handlers, finally after either', () => {
      assert.ok(handled(`p.catch(() => 1);`));
      assert.ok(handled(`p.then(() => 1, () => 2);`));
      assert.ok(handled(`p.catch(() => 1).finally(() => 3);`));
      assert.ok(handled(`(p.then(() => 1, () => 2));`));
    });
    it('then alone, finally alone, catch without a handler, then with an undefined rejection handler', () => {
      assert.ok(!handled(`p.then(() => 1);`));
      assert.ok(!handled(`p.finally(() => 1);`));
      assert.ok(!handled(`p.catch();`));
      assert.ok(!handled(`p.then(() => 1, undefined);`));
      assert.ok(!handled(`p.catch(() => 1).then(() => 2);`));
    });
  });

  describe('cannotReject', () => {
    const safe = (fn: string): boolean =>
      lastExpression(`declare function work(): Promise<void>;\ndeclare const log: (e: unknown) => void;\n(${fn});`, (node) => {
        const found = localFunctionOf(node);
        assert.ok(found, 'expected a function');
        return cannotReject(found);
      });
    it('a body that is one try/catch which does not rethrow, optionally behind inert declarations or if guards', () => {
      assert.ok(safe(`async () => { try { await work(); } catch (e) { log(e); } }`));
      assert.ok(safe(`async (x: number) => { const y = x; if (y > 1) { try { await work(); } catch (e) { log(e); } } }`));
      assert.ok(safe(`() => work().catch(log)`));
    });
    it('a rethrowing catch, a throwing finally, work outside the try, an await in a guard', () => {
      assert.ok(!safe(`async () => { try { await work(); } catch (e) { throw e; } }`));
      assert.ok(!safe(`async () => { try { await work(); } catch (e) { return Promise.reject(e); } }`));
      assert.ok(!safe(`async () => { try { await work(); } catch { log(1); } finally { throw new Error('x'); } }`));
      assert.ok(!safe(`async () => { await work(); try { await work(); } catch (e) { log(e); } }`));
      assert.ok(!safe(`async () => { if (await work()) { try { await work(); } catch (e) { log(e); } } }`));
      assert.ok(!safe(`async () => { await work(); }`));
      assert.ok(!safe(`async () => work()`));
    });
  });

  describe('ignoredCallbackOf', () => {
    const ignored = (code: string, filename = 'c.ts'): string | undefined =>
      withFile(code, filename, (facts) => {
        const calls = facts.sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression);
        const call = calls.find((c) => c.getParentIfKind(SyntaxKind.ExpressionStatement) !== undefined) as CallExpression;
        const found = ignoredCallbackOf(call, facts);
        return found && `${found.entry.label}:${found.label}:${found.callback.getText()}`;
      });

    it('global and window timers, the timers module, forEach, and the last argument of .on/.once', () => {
      assert.equal(ignored(`setTimeout(async () => {}, 1);`), 'setTimeout:setTimeout():async () => {}');
      assert.equal(ignored(`window.setInterval(tick, 5);\nasync function tick() {}`), 'setInterval:window.setInterval():tick');
      assert.equal(ignored(`import { setImmediate as soon } from 'node:timers';\nsoon(run);\ndeclare function run(): Promise<void>;`), 'setImmediate:soon():run');
      assert.equal(ignored(`[1, 2].forEach(async (n) => n);`), 'forEach:[1, 2].forEach():async (n) => n');
      assert.equal(ignored(`declare const emitter: any;\nemitter.once('end', handle);\ndeclare function handle(): Promise<void>;`), 'on:emitter.once():handle');
      assert.equal(ignored(`process.on('message', async (m) => m);`, 'w.js'), 'on:process.on():async (m) => m');
    });
    it('not a local function named setTimeout, not Telegraf, not a callee typed to take a promise-returning callback', () => {
      assert.equal(ignored(`function setTimeout(f: () => void) { f(); }\nsetTimeout(async () => {});`), undefined);
      assert.equal(ignored(`import { Telegraf } from 'telegraf';\nconst bot = new Telegraf('t');\nbot.on('text', async () => {});`), undefined);
      assert.equal(ignored(`declare const hooks: { on(e: string, h: () => Promise<void>): void };\nhooks.on('x', async () => {});`), undefined);
      assert.equal(ignored(`declare const emitter: any;\nemitter.on(handler);\ndeclare function handler(): Promise<void>;`), undefined);
    });
  });
});

describe('facts/error-handlers', () => {
  const lastCall = <T>(code: string, inspect: (call: CallExpression, facts: FileFacts) => T, filename = 'h.ts'): T =>
    lastExpression(
      code,
      (node, facts) => {
        assert.ok(Node.isCallExpression(node), 'the last statement must be a call');
        return inspect(node, facts);
      },
      filename,
    );

  it('isKnownNoop: lodash noop (named, default subpath, member), Function.prototype, $.noop, an unseen noop', () => {
    const noop = (code: string): boolean => lastCall(code, (call, facts) => isKnownNoop(call.getArguments()[0]!, facts));
    assert.ok(noop(`import { noop } from 'lodash';\ndeclare const p: any;\np.catch(noop);`));
    assert.ok(noop(`import n from 'lodash/noop';\ndeclare const p: any;\np.catch(n);`));
    assert.ok(noop(`import _ from 'lodash';\ndeclare const p: any;\np.catch(_.noop);`));
    assert.ok(noop(`declare const p: any;\np.catch(Function.prototype);`));
    assert.ok(noop(`declare const p: any, $: any;\np.catch($.noop);`));
    assert.ok(noop(`import { noop } from './util';\ndeclare const p: any;\np.catch(noop);`));
    assert.ok(!noop(`import { handleError } from './util';\ndeclare const p: any;\np.catch(handleError);`));
    assert.ok(!noop(`declare const p: any;\nfunction f(noop: (e: unknown) => void) { return noop; }\np.catch(f);`));
  });

  it('forwardsFailure: reject, next/done/callback with an error, ctx.throw, emit("error"), process.exit(1)', () => {
    const forwards = (code: string, filename?: string): boolean => lastCall(code, (call, facts) => forwardsFailure(call, facts), filename);
    assert.ok(forwards(`declare const reject: (e?: unknown) => void;\nreject();`));
    assert.ok(forwards(`declare const next: (e?: unknown) => void, err: unknown;\nnext(err);`));
    assert.ok(forwards(`declare const callback: (e: unknown) => void;\ncallback(new Error('x'));`));
    assert.ok(forwards(`declare const ctx: any;\nctx.throw(401);`));
    assert.ok(forwards(`declare const emitter: any;\nemitter.emit('error', new Error('x'));`));
    assert.ok(forwards(`process.exit(1);`, 'x.js'));
    assert.ok(forwards(`Promise.reject(new Error('x'));`));
    assert.ok(!forwards(`declare const next: (e?: unknown) => void;\nnext();`));
    assert.ok(!forwards(`declare const done: (e: unknown, v?: unknown) => void;\ndone(null, false);`));
    assert.ok(!forwards(`process.exit(0);`, 'x.js'));
    assert.ok(!forwards(`declare const emitter: any;\nemitter.emit('data', 1);`));
  });
});
