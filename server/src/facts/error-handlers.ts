import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath } from './origin';
import {
  ERROR_CALLBACK_NAMES,
  ERROR_FORWARDING_RECEIVERS,
  NOOP_GLOBALS,
  NOOP_MODULE_EXPORTS,
  NOOP_NAMES,
  RAISING_METHODS,
  REJECT_NAMES,
} from './tables/error-handlers';

/**
 * True when `expression` names a function known to do nothing: lodash
 * `noop`, `Function.prototype`, `$.noop`, or a function called `noop` whose
 * body can't be seen (a local function's body is the caller's to judge).
 */
export function isKnownNoop(expression: Node, facts: FileFacts): boolean {
  const origin = facts.origin(expression);
  if (origin.kind === 'module' && NOOP_MODULE_EXPORTS.some((n) => n.module === origin.module && samePath(n.path, origin.path))) return true;
  if (origin.kind === 'global' && NOOP_GLOBALS.some((path) => samePath(origin.path, path))) return true;
  const name = Node.isIdentifier(expression) ? expression.getText() : Node.isPropertyAccessExpression(expression) ? expression.getName() : undefined;
  return name !== undefined && NOOP_NAMES.includes(name);
}

/**
 * True when a call raises or forwards a failure instead of absorbing it:
 * `Promise.reject(x)`, `reject(x)`, `next(err)` / `done(err)` / `callback(err)`
 * with a non-null argument, Koa `ctx.throw(400)`, `stream.destroy(err)`,
 * `observer.error(err)`, `emitter.emit('error', err)`, `process.exit(1)`.
 */
export function forwardsFailure(call: CallExpression, facts: FileFacts): boolean {
  const callee = call.getExpression();
  const args = call.getArguments();
  const origin = facts.origin(callee);
  if (origin.kind === 'global' && samePath(origin.path, ['Promise', 'reject'])) return true;
  if (origin.kind === 'global' && samePath(origin.path, ['process', 'exit'])) return args.length > 0 && !isZero(args[0]!);
  if (Node.isIdentifier(callee)) {
    const name = callee.getText();
    if (REJECT_NAMES.includes(name)) return true;
    return ERROR_CALLBACK_NAMES.includes(name) && args.length > 0 && !isNullishOrFalse(args[0]!);
  }
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const method = callee.getName();
  if (RAISING_METHODS.includes(method)) return method === 'throw' || args.length > 0;
  if (method === 'emit') {
    const first = args[0];
    return first !== undefined && Node.isStringLiteral(first) && first.getLiteralValue() === 'error';
  }
  if (method === 'error') {
    const receiver = callee.getExpression();
    const name = Node.isIdentifier(receiver) ? receiver.getText() : Node.isPropertyAccessExpression(receiver) ? receiver.getName() : '';
    return ERROR_FORWARDING_RECEIVERS.includes(name.toLowerCase());
  }
  return false;
}

/** `process.exitCode = 1` (any value but 0) marks the run as failed. */
export function setsFailingExitCode(node: Node, facts: FileFacts): boolean {
  if (!Node.isBinaryExpression(node) || node.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
  const origin = facts.origin(node.getLeft());
  return origin.kind === 'global' && samePath(origin.path, ['process', 'exitCode']) && !isZero(node.getRight());
}

function isZero(node: Node): boolean {
  return Node.isNumericLiteral(node) && Number(node.getLiteralValue()) === 0;
}

function isNullishOrFalse(node: Node): boolean {
  const kind = node.getKind();
  return (
    kind === SyntaxKind.NullKeyword ||
    kind === SyntaxKind.FalseKeyword ||
    (Node.isIdentifier(node) && node.getText() === 'undefined')
  );
}
