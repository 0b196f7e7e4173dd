import * as assert from 'node:assert/strict';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import { AnalysisProject, FileFacts } from 'preflight-server';
import { logCallInfo, logOrReportCallsWithin, type LogCall } from 'preflight-server/out/facts/logging';
import { isProbeBlock, isProbeCall, probeBlockKind } from 'preflight-server/out/facts/error-probes';

const project = new AnalysisProject({ inMemory: true });
let fileCounter = 0;

/** Runs `inspect` on the file while it is loaded. */
function withFile<T>(code: string, filename: string, inspect: (facts: FileFacts, calls: CallExpression[]) => T): T {
  fileCounter += 1;
  const path = `/logging-facts/${fileCounter}/${filename}`;
  const sourceFile = project.upsert(path, code);
  try {
    return inspect(new FileFacts(sourceFile), sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression));
  } finally {
    project.remove(path);
  }
}

/** What the last statement's call is: `code` ends with the call to judge. */
function lastCall(code: string, filename = 'log.ts'): LogCall | undefined {
  return withFile(code, filename, (facts, calls) => {
    const statements = calls[0]!.getSourceFile().getStatements();
    const last = statements[statements.length - 1]!;
    assert.ok(Node.isExpressionStatement(last), 'the last statement must be the call');
    const call = last.getExpression();
    assert.ok(Node.isCallExpression(call), 'the last statement must be a call');
    return logCallInfo(call, facts);
  });
}

function assertLog(info: LogCall | undefined, expected: Partial<LogCall>): void {
  assert.ok(info, `expected a ${expected.kind ?? 'log or report'} call, got none`);
  for (const [key, value] of Object.entries(expected)) {
    assert.equal(info[key as keyof LogCall], value, `${key} of ${JSON.stringify(info)}`);
  }
}

describe('facts/logging logCallInfo', () => {
  describe('console', () => {
    it('console.error and console.warn are log calls through the global', () => {
      assertLog(lastCall(`console.error('x');`), { kind: 'log', library: 'console', method: 'error', via: 'global' });
      assertLog(lastCall(`globalThis.console.warn('x');`), { kind: 'log', method: 'warn', via: 'global' });
    });
    it('a local object called console is not the global console', () => {
      assert.equal(lastCall(`export {};\nconst console = { error(x: string) { return x; } };\nconsole.error('x');`), undefined);
    });
    it('console.time is not a log call', () => {
      assert.equal(lastCall(`console.time('x');`), undefined);
    });
  });

  describe('logger libraries through imports', () => {
    it('pino instance from a default import, including a child logger', () => {
      assertLog(lastCall(`import pino from 'pino';\nconst l = pino();\nl.error('x');`), { kind: 'log', library: 'pino', via: 'module' });
      assertLog(lastCall(`import pino from 'pino';\nconst l = pino().child({ a: 1 });\nl.info('x');`), { library: 'pino', method: 'info' });
    });
    it('winston default logger and createLogger, with require', () => {
      assertLog(lastCall(`const winston = require('winston');\nwinston.error('x');`, 'w.js'), { library: 'winston', via: 'module' });
      assertLog(lastCall(`const { createLogger } = require('winston');\nconst out = createLogger({});\nout.warn('x');`, 'w.js'), {
        library: 'winston',
        method: 'warn',
      });
    });
    it('bunyan.createLogger and Nest Logger (static and instance)', () => {
      assertLog(lastCall(`import * as bunyan from 'bunyan';\nconst b = bunyan.createLogger({ name: 'x' });\nb.fatal('x');`), { library: 'bunyan' });
      assertLog(lastCall(`import { Logger } from '@nestjs/common';\nLogger.error('x');`), { library: '@nestjs/common', method: 'error' });
      assertLog(lastCall(`import { Logger } from '@nestjs/common';\nconst out = new Logger('Jobs');\nout.verbose('x');`), { library: '@nestjs/common' });
    });
    it('other @nestjs/common exports are not loggers', () => {
      assert.equal(lastCall(`import { HttpService } from '@nestjs/common';\nconst h = new HttpService();\nh.error('x');`), undefined);
    });
    it('a debug() instance is itself the log call', () => {
      assertLog(lastCall(`const debug = require('debug')('app');\ndebug('x');`, 'd.js'), { kind: 'log', library: 'debug', via: 'module' });
    });
    it('creating a debug instance is not a log call', () => {
      assert.equal(lastCall(`import createDebug from 'debug';\ncreateDebug('app');`), undefined);
    });
  });

  describe('loggers by conventional name', () => {
    it('logger.*, this.logger.*, Fastify request.log.* and reply.log.*', () => {
      assertLog(lastCall(`declare const logger: any;\nlogger.warn('x');`), { kind: 'log', via: 'name' });
      assertLog(lastCall(`declare const request: any;\nrequest.log.error('x');`), { kind: 'log', via: 'name' });
      assertLog(lastCall(`declare const reply: any;\nreply.log.info('x');`), { kind: 'log' });
      assertLog(lastCall(`class A { logger: any; run() {} }\ndeclare const self: { logger: any };\nself.logger.debug('x');`), { kind: 'log' });
      assertLog(lastCall(`declare const auditLogger: any;\nauditLogger.info('x');`), { kind: 'log' });
      assertLog(lastCall(`declare const logger: any;\nlogger.child({ id: 1 }).error('x');`), { kind: 'log' });
    });
    it('Math.log and a non-log method on a logger are not log calls', () => {
      assert.equal(lastCall(`Math.log(2);`), undefined);
      assert.equal(lastCall(`declare const logger: any;\nlogger.flush();`), undefined);
      assert.equal(lastCall(`declare const user: any;\nuser.error('x');`), undefined);
    });
    it('project helpers named like logging: logError, reportError, log', () => {
      assertLog(lastCall(`import { logError } from './util';\nlogError('x');`), { kind: 'log', via: 'name' });
      assertLog(lastCall(`declare function reportError(e: unknown): void;\nreportError(new Error('x'));`), { kind: 'report' });
      assert.equal(lastCall(`declare function login(): void;\nlogin();`), undefined);
      assert.equal(lastCall(`declare function logout(): void;\nlogout();`), undefined);
    });
  });

  describe('error reporters', () => {
    it('Sentry through a namespace import, a named import and a scoped package', () => {
      assertLog(lastCall(`import * as Sentry from '@sentry/node';\nSentry.captureException(new Error());`), {
        kind: 'report',
        library: '@sentry/node',
        via: 'module',
      });
      assertLog(lastCall(`import { captureException as report } from '@sentry/nextjs';\nreport(new Error());`), { kind: 'report', via: 'module' });
    });
    it('Sentry re-exported from a project module is known by its name', () => {
      assertLog(lastCall(`import Sentry from './sentry';\nSentry.captureMessage('x');`), { kind: 'report', library: 'Sentry', via: 'name' });
    });
    it('Bugsnag, Rollbar instances, New Relic, OpenTelemetry spans, Datadog RUM', () => {
      assertLog(lastCall(`import Bugsnag from '@bugsnag/js';\nBugsnag.notify(new Error());`), { kind: 'report', via: 'module' });
      assertLog(lastCall(`const Rollbar = require('rollbar');\nconst r = new Rollbar({});\nr.critical('x');`, 'r.js'), { kind: 'report', library: 'rollbar' });
      assertLog(lastCall(`const newrelic = require('newrelic');\nnewrelic.noticeError(new Error());`, 'n.js'), { kind: 'report' });
      assertLog(lastCall(`declare const activeSpan: any;\nactiveSpan.recordException(new Error());`), { kind: 'report' });
      assertLog(lastCall(`import { datadogRum } from '@datadog/browser-rum';\ndatadogRum.addError(new Error());`), { kind: 'report' });
    });
    it('notify on something that is not a reporter is not a report', () => {
      assert.equal(lastCall(`declare const mailer: any;\nmailer.notify('x');`), undefined);
    });
  });

  it('logOrReportCallsWithin finds log calls in nested callbacks, in source order', () => {
    const code = `import * as Sentry from '@sentry/node';
declare const logger: any;
function f() {
  helper();
  setTimeout(() => logger.error('late'), 1);
  Sentry.captureException(new Error());
}
declare function helper(): void;`;
    const found = withFile(code, 'within.ts', (facts, calls) => {
      const fn = calls[0]!.getSourceFile().getFunctionOrThrow('f');
      return logOrReportCallsWithin(fn, facts).map((c) => c.getExpression().getText());
    });
    assert.deepEqual(found, ['logger.error', 'Sentry.captureException']);
  });
});

describe('facts/error-probes', () => {
  function probeOf(code: string, filename = 'probe.ts'): boolean {
    return withFile(code, filename, (facts) => {
      const statements = facts.sourceFile.getStatements();
      const last = statements[statements.length - 1]!;
      const expression = Node.isExpressionStatement(last) ? last.getExpression() : undefined;
      assert.ok(expression && (Node.isCallExpression(expression) || Node.isNewExpression(expression)), 'last statement must be a call');
      return isProbeCall(expression, facts);
    });
  }

  it('recognises parsers, decoders, validators and existence checks', () => {
    assert.ok(probeOf(`JSON.parse('x');`));
    assert.ok(probeOf(`new URL('x');`));
    assert.ok(probeOf(`decodeURIComponent('x');`));
    assert.ok(probeOf(`import fs from 'node:fs';\nfs.statSync('x');`));
    assert.ok(probeOf(`const { promises } = require('fs');\npromises.access('x');`, 'p.js'));
    assert.ok(probeOf(`import jwt from 'jsonwebtoken';\njwt.verify('t', 'k');`));
    assert.ok(probeOf(`import { z } from 'zod';\nz.string().parse(1);`));
    assert.ok(probeOf(`declare const jwtService: any;\njwtService.verifyAsync('t');`));
    assert.ok(probeOf(`require.resolve('x');`, 'r.js'));
  });

  it('does not take I/O, or verify() on something that is not a JWT helper, for a probe', () => {
    assert.ok(!probeOf(`import fs from 'node:fs';\nfs.writeFileSync('x', 'y');`));
    assert.ok(!probeOf(`declare const mailer: any;\nmailer.verify();`));
    assert.ok(!probeOf(`import axios from 'axios';\naxios.get('x');`));
  });

  it('probeBlockKind: probes, pure helpers, log lines, reads of the probe result and answers to the client', () => {
    const judge = (body: string): string | undefined =>
      withFile(`import fs from 'fs';\ndeclare const res: any, db: any, logger: any, s: string;\nasync function f() {\n  try {${body}} catch {}\n}`, 'b.ts', (facts) => {
        const block = facts.sourceFile.getFirstDescendantByKindOrThrow(SyntaxKind.TryStatement).getTryBlock();
        assert.equal(isProbeBlock(block, facts), probeBlockKind(block, facts) !== undefined);
        return probeBlockKind(block, facts);
      });
    assert.equal(judge(`const data = JSON.parse(s.trim()); logger.debug('parsed'); return res.json(data);`), 'validity');
    assert.equal(judge(`const st = fs.statSync(s); return st.isDirectory();`), 'existence');
    assert.equal(judge(`const u = new URL(s); return u.pathname.split('/').filter(Boolean);`), 'validity');
    assert.equal(judge(`fs.accessSync(s); return JSON.parse(s);`), 'validity');
    // Nothing in it can fail in production: only a bug could throw.
    assert.equal(judge(`return s.length > 3 && s.startsWith('x');`), 'validity');
    assert.equal(judge(`const data = JSON.parse(s); await db.save(data);`), undefined);
    assert.equal(judge(`return fs.readFileSync(s, 'utf8');`), 'existence');
    assert.equal(judge(`fs.writeFileSync(s, 'x');`), undefined);
  });
});
