import { Node, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import type { Origin } from './origin';
import {
  CHILD_LOGGER_METHODS,
  CONSOLE_LOG_METHODS,
  ERROR_REPORTERS,
  LOGGER_METHODS,
  LOGGER_MODULES,
  LOGGER_RECEIVER_NAMES,
  LOGGER_RECEIVER_SUFFIXES,
  LOGGING_FUNCTION_NAME,
  METRIC_RECORDERS,
  NON_LOGGING_RECEIVERS,
  REPORTER_METHODS_ON_ANY_RECEIVER,
  type ErrorReporter,
  type LoggerModule,
} from './tables/logging';
import { unwrapExpression } from './syntax';

export type LogCallKind = 'log' | 'report';

export interface LogCall {
  /** `log` writes a log line; `report` sends the error to an error tracker. */
  kind: LogCallKind;
  /** What was recognised: `console`, the logger or reporter package (`pino`, `@sentry/node`), a reporter's name (`Sentry`), or `logger` for a logger known by its name only. */
  library: string;
  /** The method or function called: `error`, `captureException`, `logError`. */
  method: string;
  /**
   * How it was recognised: through an import or require (`module`), the
   * global `console` (`global`), or only by the conventional name of its
   * receiver or function (`name`: `this.logger.error`, `logError(err)`).
   */
  via: 'module' | 'global' | 'name';
}

/** What a call is, if it logs or reports: `console.error(e)`, `logger.warn(...)`, `Sentry.captureException(e)`. */
export function logCallInfo(call: CallExpression, facts: FileFacts): LogCall | undefined {
  const known = facts.memo('logging.calls', () => new Map<CallExpression, LogCall | null>());
  let info = known.get(call);
  if (info === undefined) {
    info = recognise(call, facts) ?? null;
    known.set(call, info);
  }
  return info ?? undefined;
}

export function isLogOrReportCall(call: CallExpression, facts: FileFacts): boolean {
  return logCallInfo(call, facts) !== undefined;
}

export function isLogCall(call: CallExpression, facts: FileFacts): boolean {
  return logCallInfo(call, facts)?.kind === 'log';
}

export function isReportCall(call: CallExpression, facts: FileFacts): boolean {
  return logCallInfo(call, facts)?.kind === 'report';
}

/** The log and report calls at or under `node`, nested functions included, in source order. */
export function logOrReportCallsWithin(node: Node, facts: FileFacts): CallExpression[] {
  const calls: CallExpression[] = [];
  const visit = (current: Node): void => {
    if (Node.isCallExpression(current) && isLogOrReportCall(current, facts)) calls.push(current);
    current.forEachChild(visit);
  };
  visit(node);
  return calls;
}

function recognise(call: CallExpression, facts: FileFacts): LogCall | undefined {
  const callee = unwrapExpression(call.getExpression());
  return byOrigin(callee, facts) ?? byName(callee);
}

function byOrigin(callee: Node, facts: FileFacts): LogCall | undefined {
  const origin = facts.origin(callee);
  if (origin.kind === 'global') {
    const [object, method] = origin.path;
    if (origin.path.length === 2 && object === 'console' && CONSOLE_LOG_METHODS.includes(method!)) {
      return { kind: 'log', library: 'console', method: method!, via: 'global' };
    }
    return undefined;
  }
  const chain = moduleChain(origin);
  if (!chain) return undefined;
  const method = chain.members[chain.members.length - 1];
  for (const logger of LOGGER_MODULES) {
    if (logger.module !== chain.module || !startsWithMember(chain.members, logger)) continue;
    if (method && method !== CALL && LOGGER_METHODS.includes(method)) return { kind: 'log', library: chain.module, method, via: 'module' };
    if (logger.callableInstance && chain.members.length === 1 && method === CALL) {
      return { kind: 'log', library: chain.module, method: chain.module, via: 'module' };
    }
  }
  if (!method || method === CALL) return undefined;
  const reporter = ERROR_REPORTERS.find((r) => reporterHasModule(r, chain.module) && r.methods.includes(method));
  if (reporter) return { kind: 'report', library: chain.module, method, via: 'module' };
  const metric = METRIC_RECORDERS.find(
    (m) => m.modules.includes(chain.module) && m.methods.includes(method) && (m.instruments.length === 0 || chain.members.some((member) => m.instruments.includes(member))),
  );
  if (metric) return { kind: 'report', library: chain.module, method, via: 'module' };
  return undefined;
}

function byName(callee: Node): LogCall | undefined {
  if (Node.isIdentifier(callee)) {
    const name = callee.getText();
    if (!LOGGING_FUNCTION_NAME.test(name)) return undefined;
    return { kind: /^log/.test(name) ? 'log' : 'report', library: name, method: name, via: 'name' };
  }
  const member = memberAccess(callee);
  if (!member) return undefined;
  const { method, receiver } = member;
  const receiverName = loggerReceiverName(receiver)?.toLowerCase();
  if (receiverName !== undefined && LOGGER_METHODS.includes(method) && isLoggerName(receiverName)) {
    return { kind: 'log', library: 'logger', method, via: 'name' };
  }
  if (receiverName !== undefined) {
    const reporter = ERROR_REPORTERS.find((r) => r.methods.includes(method) && reporterHasReceiverName(r, receiverName));
    if (reporter) return { kind: 'report', library: reporter.library, method, via: 'name' };
  }
  if (REPORTER_METHODS_ON_ANY_RECEIVER.includes(method)) return { kind: 'report', library: method, method, via: 'name' };
  // A project's logging helper: `helpers.log(msg)`, `this.logError(err)`; but `Math.log(x)` computes.
  if (LOGGING_FUNCTION_NAME.test(method) && !(Node.isIdentifier(receiver) && NON_LOGGING_RECEIVERS.includes(receiver.getText()))) {
    return { kind: /^log/.test(method) ? 'log' : 'report', library: method, method, via: 'name' };
  }
  return undefined;
}

/** Marks a call in a member chain: `pino().info` is `['()', 'info']`. */
export const CALL = '()';

/** The package a value comes from and the members and calls on the way: `winston.createLogger().error` → winston, [createLogger, (), error]. */
export function moduleChain(origin: Origin): { module: string; members: string[] } | undefined {
  if (origin.kind === 'module') return { module: origin.module, members: [...origin.path] };
  if (origin.kind === 'call') {
    const inner = moduleChain(origin.callee);
    return inner && { module: inner.module, members: [...inner.members, CALL, ...origin.path] };
  }
  return undefined;
}

function startsWithMember(members: readonly string[], logger: LoggerModule): boolean {
  return logger.member === undefined || members[0] === logger.member;
}

function reporterHasModule(reporter: ErrorReporter, module: string): boolean {
  return reporter.modules.some((m) => (m.endsWith('/') ? module.startsWith(m) : module === m));
}

function reporterHasReceiverName(reporter: ErrorReporter, lowerName: string): boolean {
  return (
    (reporter.receiverNames ?? []).includes(lowerName) ||
    (reporter.receiverSuffixes ?? []).some((suffix) => lowerName.endsWith(suffix))
  );
}

function isLoggerName(lowerName: string): boolean {
  return LOGGER_RECEIVER_NAMES.includes(lowerName) || LOGGER_RECEIVER_SUFFIXES.some((suffix) => lowerName.endsWith(suffix));
}

function memberAccess(callee: Node): { method: string; receiver: Node } | undefined {
  if (Node.isPropertyAccessExpression(callee)) return { method: callee.getName(), receiver: callee.getExpression() };
  if (Node.isElementAccessExpression(callee)) {
    const argument = callee.getArgumentExpression();
    if (argument && (Node.isStringLiteral(argument) || Node.isNoSubstitutionTemplateLiteral(argument))) {
      return { method: argument.getLiteralValue(), receiver: callee.getExpression() };
    }
  }
  return undefined;
}

/**
 * The name a receiver is known by: `logger` for `logger`, `this.logger` and
 * `request.log`'s `log`; for `logger.child({...})` the name of the parent logger.
 */
function loggerReceiverName(receiver: Node): string | undefined {
  const node = unwrapExpression(receiver);
  if (Node.isIdentifier(node)) return node.getText();
  if (Node.isPropertyAccessExpression(node)) return node.getName();
  if (Node.isCallExpression(node)) {
    const member = memberAccess(unwrapExpression(node.getExpression()));
    if (member && CHILD_LOGGER_METHODS.includes(member.method)) return loggerReceiverName(member.receiver);
  }
  return undefined;
}

