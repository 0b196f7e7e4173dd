import * as assert from 'node:assert/strict';
import {
  mayRegisterFailureHandler,
  processFailureHandlersIn,
  rejectionHandler,
  type ProcessFailureHandler,
} from 'preflight-server/out/facts/process-handlers';
import { withFile } from '../support/facts-project';

/** `event exits|logs @line` for each handler the file registers. */
function handlers(code: string, filename = 'main.ts'): string[] {
  return withFile(code, (sourceFile) => processFailureHandlersIn(sourceFile).map((h) => `${h.event} ${h.exits ? 'exits' : 'logs'} @${h.line}`), filename);
}

function handler(event: ProcessFailureHandler['event'], line: number, exits = false): ProcessFailureHandler {
  return { event, exits, file: '/main.ts', line };
}

describe('facts/process-handlers', () => {
  it("finds process.on('unhandledRejection') and process.once('uncaughtException'), and tells a handler that exits from one that only logs", () => {
    assert.deepEqual(
      handlers(`declare const logger: { error(...a: unknown[]): void };
process.on('unhandledRejection', (reason) => {
  logger.error({ reason }, 'unhandled rejection');
});
process.once('uncaughtException', (error) => {
  logger.error({ error }, 'uncaught exception');
  process.exit(1);
});`),
      ['unhandledRejection logs @2', 'uncaughtException exits @5'],
    );
  });

  it("a handler that rethrows ends the process too; addListener and prependListener register as well", () => {
    assert.deepEqual(
      handlers(`process.addListener('unhandledRejection', (reason) => { throw reason; });
process.prependListener('uncaughtException', function (error) { console.error(error); });`),
      ['unhandledRejection exits @1', 'uncaughtException logs @2'],
    );
  });

  it("import process from 'node:process' (and a require of 'process') is the same process", () => {
    assert.deepEqual(
      handlers(`import process from 'node:process';
process.on('unhandledRejection', (reason) => {
  console.error(reason);
  process.exit(1);
});`),
      ['unhandledRejection exits @2'],
    );
    assert.deepEqual(handlers(`const proc = require('process');\nproc.on('uncaughtException', (e) => console.error(e));`, 'main.js'), ['uncaughtException logs @2']);
  });

  it('the event name held by a const, or taken from a list in a for...of, is read', () => {
    assert.deepEqual(
      handlers(`const EVENT = 'unhandledRejection';
process.on(EVENT, (reason) => console.error(reason));
for (const event of ['uncaughtException', 'unhandledRejection']) process.on(event, () => process.exit(1));`),
      ['unhandledRejection logs @2', 'uncaughtException exits @3', 'unhandledRejection exits @3'],
    );
  });

  it('other events, other emitters, a local named process and a handler passed by name (exits unknown: treated as logging)', () => {
    assert.deepEqual(
      handlers(`import { EventEmitter } from 'events';
const bus = new EventEmitter();
bus.on('unhandledRejection', () => process.exit(1));
process.on('SIGTERM', () => process.exit(0));
function local(process: { on(e: string, f: () => void): void }) {
  process.on('uncaughtException', () => undefined);
}
declare function onFailure(reason: unknown): never;
process.on('unhandledRejection', onFailure);`),
      ['unhandledRejection logs @9'],
    );
  });

  it('a file that never names the events is not parsed for handlers', () => {
    assert.equal(mayRegisterFailureHandler(`process.on('SIGTERM', () => process.exit(0));`), false);
    assert.equal(mayRegisterFailureHandler(`process.on("uncaughtException", f);`), true);
  });

  it('the file and line of the handler are recorded', () => {
    withFile(`\n\nprocess.on('unhandledRejection', () => undefined);`, (sourceFile) => {
      const [found] = processFailureHandlersIn(sourceFile);
      assert.ok(found);
      assert.equal(found.file, sourceFile.getFilePath());
      assert.equal(found.line, 3);
    });
  });

  describe('rejectionHandler', () => {
    it('prefers the unhandledRejection handler, wherever it comes in the list', () => {
      const chosen = rejectionHandler({ failureHandlers: [handler('uncaughtException', 1, true), handler('unhandledRejection', 9)] });
      assert.deepEqual(chosen, handler('unhandledRejection', 9));
    });

    it('falls back to uncaughtException (Node ≥ 15 raises an unhandled rejection as one)', () => {
      assert.deepEqual(rejectionHandler({ failureHandlers: [handler('uncaughtException', 4, true)] }), handler('uncaughtException', 4, true));
    });

    it('is undefined without handlers', () => {
      assert.equal(rejectionHandler({ failureHandlers: [] }), undefined);
    });
  });
});
