import * as assert from 'node:assert/strict';
import { SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from 'preflight-server';
import { errorLogCall, loggerAt, type LoggerInScope } from 'preflight-server/out/facts/logger-in-scope';
import { withFile, withFiles } from '../support/facts-project';

/** The logger at the `here()` call of `file`. */
function loggerAtHere(sourceFile: SourceFile): LoggerInScope {
  const marker = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).find((call) => call.getExpression().getText() === 'here');
  assert.ok(marker, 'the code must call here() where the logger is wanted');
  return loggerAt(marker, FileFacts.of(sourceFile));
}

function loggerIn(code: string, filename = 'service.ts'): LoggerInScope {
  return withFile(code, loggerAtHere, filename);
}

function assertLogger(actual: LoggerInScope, expected: Partial<LoggerInScope>): void {
  for (const [key, value] of Object.entries(expected)) {
    assert.equal(actual[key as keyof LoggerInScope], value, `${key} of ${JSON.stringify(actual)}`);
  }
}

describe('facts/logger-in-scope loggerAt', () => {
  describe('a logger known by what it is', () => {
    it('a module-level pino instance: object-first, from the module', () => {
      const logger = loggerIn(`import pino from 'pino';\nconst logger = pino();\nexport function f() { here(); }`);
      assertLogger(logger, { receiver: 'logger', library: 'pino', errorStyle: 'object-first', source: 'module' });
    });
    it('a pino child logger in the function: the nearest one wins', () => {
      const logger = loggerIn(`import pino from 'pino';\nconst logger = pino();\nexport function f(id: string) { const log = logger.child({ id }); here(); }`);
      assertLogger(logger, { receiver: 'log', library: 'pino', source: 'scope' });
    });
    it('winston.createLogger through require: message-first', () => {
      const logger = loggerIn(`const winston = require('winston');\nconst appLogger = winston.createLogger({});\nfunction f() { here(); }`, 'service.js');
      assertLogger(logger, { receiver: 'appLogger', library: 'winston', errorStyle: 'message-first' });
    });
    it('bunyan.createLogger: object-first', () => {
      assertLogger(loggerIn(`import bunyan from 'bunyan';\nconst log = bunyan.createLogger({ name: 'a' });\nexport function f() { here(); }`), {
        receiver: 'log',
        errorStyle: 'object-first',
      });
    });
    it('log4js.getLogger: message-first', () => {
      assertLogger(loggerIn(`import log4js from 'log4js';\nconst l = log4js.getLogger('jobs');\nexport function f() { here(); }`), { receiver: 'l', library: 'log4js', errorStyle: 'message-first' });
    });
    it('a Nest Logger property and a Nest Logger injected through the constructor: this.logger', () => {
      const property = loggerIn(`import { Injectable, Logger } from '@nestjs/common';
@Injectable()
export class Billing {
  private readonly logger = new Logger(Billing.name);
  async charge() { here(); }
}`);
      assertLogger(property, { receiver: 'this.logger', library: '@nestjs/common', errorStyle: 'message-first', source: 'scope' });
      const injected = loggerIn(`import { LoggerService } from '@nestjs/common';
export class Billing {
  constructor(private readonly log: LoggerService) {}
  charge = async () => { here(); };
}`);
      assertLogger(injected, { receiver: 'this.log', library: '@nestjs/common' });
    });
    it('a parameter typed with the library\'s Logger type', () => {
      assertLogger(loggerIn(`import type { Logger } from 'pino';\nexport function f(deps: object, logger: Logger) { here(); }`), { receiver: 'logger', errorStyle: 'object-first' });
      assertLogger(loggerIn(`import * as winston from 'winston';\nexport function f(l: winston.Logger) { here(); }`), { receiver: 'l', errorStyle: 'message-first' });
    });
    it('a logger exported by another file of the project, followed through the import', () => {
      withFiles(
        {
          'logger.ts': `import pino from 'pino';\nexport const logger = pino({ level: 'info' });`,
          'service.ts': `import { logger as log } from './logger';\nexport function f() { here(); }`,
        },
        (file) => assertLogger(loggerAtHere(file('service.ts')), { receiver: 'log', library: 'pino', errorStyle: 'object-first', source: 'module' }),
      );
    });
  });

  describe('a logger known by its use in the file', () => {
    it('a project factory whose result logs with fields first: object-first, with the field the file uses', () => {
      const logger = loggerIn(`declare const config: { getLogger(name: string): any };
const logger = config.getLogger('sync');
export function a(id: string) { logger.info({ error: id }, 'started'); }
export function f() { here(); }`);
      assertLogger(logger, { receiver: 'logger', library: undefined, errorStyle: 'object-first', errorField: 'error', source: 'module' });
    });
    it('an injected logger of a project type that logs messages: message-first', () => {
      const logger = loggerIn(`import type { AppLogger } from './types';
export class Jobs {
  constructor(private readonly logger: AppLogger) {}
  start() { this.logger.info('starting'); }
  run() { here(); }
}`);
      assertLogger(logger, { receiver: 'this.logger', errorStyle: 'message-first' });
    });
    it('a logger nothing in the file logs through, and whose origin is unknown, is not used', () => {
      assertLogger(loggerIn(`declare const config: any;\nconst logger = config.getLogger('sync');\nexport function f() { here(); }`), { receiver: 'console' });
    });
  });

  describe('scope', () => {
    it('`this.logger` is out of reach inside a function expression, and in a static method', () => {
      const code = (body: string) => `import { Logger } from '@nestjs/common';
export class Jobs {
  private readonly logger = new Logger('jobs');
  ${body}
}`;
      assertLogger(loggerIn(code(`run() { [1].forEach(function () { here(); }); }`)), { receiver: 'Logger', source: 'factory' });
      assertLogger(loggerIn(code(`static run() { here(); }`)), { receiver: 'Logger', source: 'factory' });
      assertLogger(loggerIn(code(`run() { [1].forEach(() => here()); }`)), { receiver: 'this.logger' });
    });
    it('a name declared nearer hides an outer logger of the same name', () => {
      assertLogger(loggerIn(`import pino from 'pino';\nconst logger = pino();\nexport function f(logger: number) { here(); }`), { receiver: 'console' });
    });
    it('a local logger declared after the node is not in scope yet', () => {
      assertLogger(loggerIn(`import pino from 'pino';\nexport function f() { here(); const log = pino(); log.info('x'); }`), { receiver: 'console' });
    });
  });

  describe('a logger factory the file imports', () => {
    it('winston\'s default logger, log4js.getLogger() and consola', () => {
      assertLogger(loggerIn(`import winston from 'winston';\nexport function f() { here(); }`), { receiver: 'winston', source: 'factory', errorStyle: 'message-first' });
      assertLogger(loggerIn(`import log4js from 'log4js';\nexport function f() { here(); }`), { receiver: 'log4js.getLogger()', source: 'factory' });
      assertLogger(loggerIn(`import { consola } from 'consola';\nexport function f() { here(); }`), { receiver: 'consola', source: 'factory' });
    });
    it('pino imported with no instance is not a logger to call (pino() would make a new one)', () => {
      assertLogger(loggerIn(`import pino from 'pino';\nexport function f() { here(); }`), { receiver: 'console', source: 'console' });
    });
    it('the project\'s getLogger() when it takes no arguments', () => {
      withFiles(
        {
          'log.ts': `export function getLogger(name = 'app') { return { error(...args: unknown[]) { return [name, args]; } }; }`,
          'service.ts': `import { getLogger } from './log';\nexport function f() { here(); }`,
          'other.ts': `import { createLogger } from './make';\nexport function f() { here(); }`,
          'make.ts': `export function createLogger(name: string) { return name; }`,
        },
        (file) => {
          assertLogger(loggerAtHere(file('service.ts')), { receiver: 'getLogger()', source: 'factory' });
          assertLogger(loggerAtHere(file('other.ts')), { receiver: 'console' });
        },
      );
    });
  });

  it('falls back to console', () => {
    assertLogger(loggerIn(`export function f() { here(); }`), { receiver: 'console', library: 'console', errorStyle: 'message-first', source: 'console' });
  });
});

describe('facts/logger-in-scope errorLogCall', () => {
  it('writes the error the way the library takes it', () => {
    assert.equal(errorLogCall({ receiver: 'logger', errorStyle: 'object-first', errorField: 'err' }, 'err', "'sync failed'"), "logger.error({ err }, 'sync failed')");
    assert.equal(errorLogCall({ receiver: 'log', errorStyle: 'object-first', errorField: 'err' }, 'e', "'sync failed'"), "log.error({ err: e }, 'sync failed')");
    assert.equal(errorLogCall({ receiver: 'this.logger', errorStyle: 'message-first', errorField: 'err' }, 'e', "'sync failed'"), "this.logger.error('sync failed', e)");
  });
});
