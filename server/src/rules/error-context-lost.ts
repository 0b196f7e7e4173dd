import { isTypeScriptPath } from '../parse/project';
import { Node, SyntaxKind, type CallExpression, type CatchClause } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import {
  CaughtError,
  carriesCaughtError,
  caughtErrorGoesOn,
  causeParameterOf,
  isInBranchOnCaughtError,
  mentionsCaughtError,
  newErrorOf,
  throwsOfCatch,
} from '../facts/caught-errors';
import { answersNoOnFailure, probeBlockKind } from '../facts/error-probes';
import { failuresReaching, isByDesignError } from '../facts/function-summary';
import { loggerOfCall } from '../facts/logger-in-scope';
import { isLogOrReportCall } from '../facts/logging';
import { runtimeAt } from '../facts/runtime';
import { isFunctionScope } from '../facts/syntax';
import { DIAGNOSTIC_LOG_METHODS, ERROR_IN_LOG_CALL, type ErrorInLogCallConvention } from '../facts/tables/logging';
import { logCallInfo } from '../facts/logging';
import { insertArgument } from '../edits/call-arguments';
import { addObjectProperty } from '../edits/object-literal-property';
import { calleeOf } from './report-node';
import { createRule, type RuleContext } from './rule';

export const errorContextLost = createRule({
  meta: {
    id: 'error-context-lost',
    title: 'Caught error is replaced or logged without its stack',
    category: 'error-handling',
    defaultSeverity: 'info',
    summary: [
      'A catch that throws a new error without the one it caught, or logs a message without the error, throws away the stack trace and the original type.',
      'On-call then sees "Failed to create order" with a stack that ends in the catch block, and has to guess whether it was the database, the payment provider or a typo.',
    ].join(' '),
    explanation: [
      'A catch that throws a new error without the one it caught, or logs a message without the error, throws away the stack trace and the original type.',
      'The alert says "Failed to create order"; the stack trace points at the `throw` inside the catch block, not at the query that timed out or the provider that answered 503;',
      'the original class (`PrismaClientKnownRequestError`, `AxiosError`), its `code` and its response are gone.',
      'On-call has to reproduce the failure to find out what actually broke, often by adding the logging and waiting for it to happen again.',
      '',
      'Passing only `err.message` into the new error (or `${err}`, `String(err)`) keeps one line of text and loses the rest.',
      'Since ES2022 (Node 16.9) every `Error` takes `{ cause: err }`, and error trackers and loggers print the cause chain.',
    ].join('\n'),
    shortFix: [
      'Throw the new error with the caught one as its cause: `throw new Error("Failed to create order", { cause: err })`.',
      'Log the error object, not only a message: `logger.error({ err }, "sync failed")`, `console.error("sync failed", err)`.',
      'The quick-fixes do either, in the logger\'s own convention.',
    ].join('\n'),
    fix: [
      '- When you wrap an error, keep the original: `new Error(message, { cause: err })`, or the wrapper class\'s own option or argument (`new HttpError(500, err)`, Nest\'s `new InternalServerErrorException(message, { cause: err })`).',
      '- When you log a failure, pass the error object so the logger records its stack: pino and bunyan take it in the fields as `{ err }`; winston, console and log4js take it as an extra argument; Nest\'s `Logger.error(message, stack)` takes `err.stack`.',
      '- When the new error is the answer to the client (a 400, 404 or 409), it needs no cause; but an unexpected failure behind it still needs to be logged once with its stack.',
    ].join('\n'),
    notFlagged: [
      'A new error that carries the caught one anywhere: as `{ cause: err }`, as any argument (`new HttpError(500, err)`), in any property (`Object.assign(new Error(msg), { original: err })`), or its `err.stack`.',
      'A new error thrown after the catch has already recorded the caught error (logged or reported it with the error object or its stack, or handed it to another function): the stack is on record, and the new error is what the caller gets.',
      'A log call without the error in a catch where the error goes on anyway: rethrown, wrapped, passed to `next(err)`, logged by another call, returned or stored.',
      'A designed answer: an error that says "not found", "invalid", "forbidden", "already exists" or a 4xx status (`throw new BadRequestException("invalid")`, `createError(404)`, `new HttpException(msg, HttpStatus.CONFLICT)`), and any new error or message in a catch around a parse or validation probe (`JSON.parse`, `new URL`, `jwt.verify`, a schema `.parse`) or around code whose only failures are designed or already logged by the callee.',
      'Framework error responses, which are not thrown errors: `ctx.throw(...)`, `reply.code(500).send(...)`, `res.status(500).json(...)` (whether the catch records the error is `swallowed-error`\'s question).',
      'A new error or a message in a branch that has recognised which failure it caught: `if (err.code === "P2002")`, `if (err.message === DELISTED)`, `if (err instanceof AssetProfileInvalidError)` (not `instanceof Error`, which recognises nothing).',
      'A yes/no question whose catch answers `false` and logs why (`try { await redis.ping(); return true; } catch (e) { log.warn(e.message); return false; }`).',
      'Diagnostic log levels (`debug`, `trace`, `verbose`, `silly`), which production does not normally record.',
      '`catch {` without a binding, or a binding named `_error`: the author chose to drop the error. A catch that does nothing with the error at all is `swallowed-error`.',
      'Client code (a browser page, a mobile app): there is no on-call reading its stack traces.',
      'Calls to log helpers in nested functions (callbacks defined in the catch run later, or not at all).',
    ],
    examples: [
      {
        bad: [
          'async function createOrder(input: OrderInput) {',
          '  try {',
          '    return await db.order.create({ data: input });',
          '  } catch (err) {',
          "    throw new Error('Failed to create order');",
          '  }',
          '}',
        ].join('\n'),
        good: [
          'async function createOrder(input: OrderInput) {',
          '  try {',
          '    return await db.order.create({ data: input });',
          '  } catch (err) {',
          "    throw new Error('Failed to create order', { cause: err });",
          '  }',
          '}',
        ].join('\n'),
      },
      {
        bad: [
          'try {',
          '  await syncInventory();',
          '} catch (err) {',
          "  logger.error(`inventory sync failed: ${err.message}`);",
          '}',
        ].join('\n'),
        good: [
          'try {',
          '  await syncInventory();',
          '} catch (err) {',
          "  logger.error({ err }, 'inventory sync failed');",
          '}',
        ].join('\n'),
      },
    ],
    usesTypes: true,
  },
  create(context) {
    return {
      [SyntaxKind.CatchClause]: (clause) => checkCatchClause(clause, context),
    };
  },
});

function checkCatchClause(clause: CatchClause, context: RuleContext): void {
  const { facts } = context;
  const caught = CaughtError.of(clause);
  // `catch {`, `catch ({ message })`, `catch (_error)`: the author dropped the error object on purpose.
  if (!caught || caught.name.getText().startsWith('_')) return;
  const losingThrows = throwsOfCatch(clause).flatMap((thrown) => {
    const construct = newErrorOf(thrown);
    if (!construct || carriesCaughtError(thrown, caught, facts) || carriesCaughtError(construct, caught, facts)) return [];
    if ((Node.isNewExpression(construct) || Node.isCallExpression(construct)) && isByDesignError(construct)) return [];
    if (isInBranchOnCaughtError(thrown, clause, caught, facts)) return [];
    return [{ thrown, construct }];
  });
  const messageOnlyLog = losingThrows.length === 0 ? firstMessageOnlyLog(clause, caught, facts) : undefined;
  if (losingThrows.length === 0 && !messageOnlyLog) return;
  if (runtimeAt(clause, facts) === 'browser') return;
  if (!canFailUnexpectedly(clause, facts)) return;

  if (losingThrows.length > 0) {
    // The stack is on record already (logged, reported, handed on): the new error is what the caller gets.
    if (caughtErrorGoesOn(clause.getBlock(), caught, facts)) return;
    for (const { thrown, construct } of losingThrows) {
      const onlyMessage = mentionsCaughtError(thrown, caught);
      context.report({
        node: calleeOf(construct),
        message: onlyMessage
          ? `This new error keeps only the message of \`${caught.name.getText()}\`: the original stack trace and error type are lost. Pass it as the cause.`
          : `This new error drops the caught \`${caught.name.getText()}\`: the original stack trace and error type are lost. Pass it as the cause.`,
        fixes: causeFixes(construct, caught),
      });
    }
    return;
  }
  if (messageOnlyLog) {
    context.report({
      node: calleeOf(messageOnlyLog),
      message: `This log call records a message but not the caught \`${caught.name.getText()}\`: the stack trace on-call needs is lost. Pass the error object to the logger.`,
      fixes: logFixes(messageOnlyLog, caught, facts),
    });
  }
}

/**
 * The first log call the catch runs itself that writes a message without the
 * error, when the error goes nowhere else (not rethrown, wrapped, logged by
 * another call, handed to a function, returned or stored).
 */
function firstMessageOnlyLog(clause: CatchClause, caught: CaughtError, facts: FileFacts): CallExpression | undefined {
  if (caughtErrorGoesOn(clause.getBlock(), caught, facts)) return undefined;
  let found: CallExpression | undefined;
  clause.getBlock().forEachDescendant((node, traversal) => {
    if (found || isFunctionScope(node) || Node.isCatchClause(node)) {
      traversal.skip();
      return;
    }
    if (Node.isCallExpression(node) && isRecordingLogCall(node, facts) && !isNestedLogArgument(node, facts) && !isInBranchOnCaughtError(node, clause, caught, facts)) {
      found = node;
    }
  });
  return found;
}

/** A log line production records: not `debug`/`trace`/`verbose`. */
function isRecordingLogCall(call: CallExpression, facts: FileFacts): boolean {
  const info = logCallInfo(call, facts);
  return info?.kind === 'log' && !DIAGNOSTIC_LOG_METHODS.includes(info.method);
}

/** `logger.error(format(logger, ...))`: only the outer call is the log line. */
function isNestedLogArgument(call: CallExpression, facts: FileFacts): boolean {
  const outer = call.getParentIfKind(SyntaxKind.CallExpression);
  return outer !== undefined && isLogOrReportCall(outer, facts);
}

/**
 * Something unexpected can reach the catch: not only a parse or validation
 * probe's designed answer, a callee's designed failure or a failure the callee
 * already logged on its way out.
 */
function canFailUnexpectedly(clause: CatchClause, facts: FileFacts): boolean {
  const tryStatement = clause.getParentIfKindOrThrow(SyntaxKind.TryStatement);
  const tryBlock = tryStatement.getTryBlock();
  if (probeBlockKind(tryBlock, facts) !== undefined) return false;
  // A yes/no question (is Redis healthy?) whose catch answers "no" and says why.
  if (answersNoOnFailure(tryStatement, clause)) return false;
  return failuresReaching(tryBlock).has('failure');
}

/** "Add `{ cause: err }`": into the options object the constructor takes (per the type checker), merged into one already passed. */
function causeFixes(construct: Node, caught: CaughtError): Fix[] | undefined {
  if (!Node.isNewExpression(construct)) return undefined;
  const parameter = causeParameterOf(construct);
  if (!parameter) return undefined;
  const name = caught.name.getText();
  const property = name === 'cause' ? 'cause' : `cause: ${name}`;
  if (parameter.existing?.getProperty('cause')) return undefined;
  const edits: TextEdit[] = parameter.existing ? addObjectProperty(parameter.existing, property) : [insertArgument(construct, parameter.index, `{ ${property} }`)];
  // It only adds a record of the failure to the error the code already throws: safe to batch.
  return [{ title: `Add \`{ ${property} }\``, edits, batchable: true }];
}

/** "Pass the error to the logger", the way the call's logger takes an error (facts/tables/logging.ts ERROR_IN_LOG_CALL). */
function logFixes(call: CallExpression, caught: CaughtError, facts: FileFacts): Fix[] | undefined {
  const edits = passErrorEdits(call, caught, facts);
  // The log line stays; it only gains the error: safe to batch.
  return edits && [{ title: 'Pass the error to the logger', edits, batchable: true }];
}

function passErrorEdits(call: CallExpression, caught: CaughtError, facts: FileFacts): TextEdit[] | undefined {
  const logger = loggerOfCall(call, facts);
  if (!logger) return undefined;
  const known = logger.library ? ERROR_IN_LOG_CALL[logger.library] : undefined;
  // A project's own logger, known only by how this file calls it: add the error the way those calls do, to a message alone.
  if (!known && call.getArguments().length > 1) return undefined;
  const convention: ErrorInLogCallConvention = known ?? { convention: logger.errorStyle === 'object-first' ? 'fields' : 'argument' };
  const method = calleeMethod(call);
  if (convention.methods && (!method || !convention.methods.includes(method))) return undefined;
  const name = caught.name.getText();
  const args = call.getArguments();
  if (args.length === 0) return undefined;
  switch (convention.convention) {
    case 'fields': {
      const [first] = args;
      const field = name === 'err' ? 'err' : `err: ${name}`;
      if (Node.isObjectLiteralExpression(first)) return first.getProperty('err') ? undefined : addObjectProperty(first, field);
      return [insertArgument(call, 0, `{ ${field} }`)];
    }
    case 'argument': {
      const last = args[args.length - 1]!;
      if (convention.stackInMeta && args.length > 1) {
        if (!Node.isObjectLiteralExpression(last) || last.getProperty(convention.stackInMeta)) return undefined;
        return addObjectProperty(last, `${convention.stackInMeta}: ${stackOf(caught)}`);
      }
      return [insertArgument(call, args.length, name)];
    }
    case 'stack':
      return args.length === 1 ? [insertArgument(call, 1, stackOf(caught))] : undefined;
  }
}

function calleeMethod(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

/** `err.stack`, or `(err as Error).stack` where TypeScript types the caught error `unknown`. */
function stackOf(caught: CaughtError): string {
  const name = caught.name.getText();
  const isTypeScript = isTypeScriptPath(caught.name.getSourceFile().getFilePath());
  const type = caught.name.getType();
  return isTypeScript && !type.isAny() ? `(${name} as Error).stack` : `${name}.stack`;
}
