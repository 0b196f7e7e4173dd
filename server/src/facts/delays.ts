import { Node, SyntaxKind, type CallExpression, type NewExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath, type Origin } from './origin';
import { isFunctionScope, unwrapExpression } from './syntax';
import { CALLBACK_TIMERS, PROMISE_TIMERS, RANDOM_SOURCES } from './tables/timers';

/** A promise that settles after a wait: what `await` waits on in `await sleep(1000)`. */
export interface Delay {
  /** The expression that makes the wait (`sleep(1000)`, `new Promise(...)`). */
  node: Node;
  /**
   * The milliseconds, as written where the wait is made: `1000` of `sleep(1000)` when `sleep(ms)` passes
   * its parameter to the timer; the helper's own expression when it computes the wait itself.
   * Undefined when the wait cannot be read (an argument left out with no default).
   */
  duration: Node | undefined;
  /** True when `duration` is written at `node` (an argument of the call, or the timer call's own argument). */
  durationAtCall: boolean;
}

const MAX_HELPER_DEPTH = 3;

/**
 * The wait that `expression` makes, if it is one: `new Promise((r) => setTimeout(r, ms))`, a promise timer
 * from a package (`timers/promises` setTimeout, `delay`, ...), `promisify(setTimeout)`, or a project
 * helper (function or method, in this file or another) whose body returns or awaits such a wait.
 */
export function delayOf(expression: Node, facts: FileFacts, depth = 0): Delay | undefined {
  const node = unwrapExpression(expression);
  if (Node.isNewExpression(node)) return promiseTimer(node, facts);
  if (!Node.isCallExpression(node)) return undefined;
  const origin = facts.origin(node.getExpression());
  const timer = PROMISE_TIMERS.find((t) => isAt(origin, t.module, t.path));
  if (timer) return atArgument(node, timer.delayArgument);
  if (isPromisifiedSetTimeout(node, facts)) return atArgument(node, 0);
  return depth < MAX_HELPER_DEPTH ? helperDelay(node, facts, depth) : undefined;
}

/** True when `node` is a call of a random source (`Math.random()`, `crypto.randomInt(...)`, lodash `random`). */
export function isRandomCall(node: Node, facts: FileFacts): boolean {
  if (!Node.isCallExpression(node)) return false;
  const origin = facts.forFile(node.getSourceFile()).origin(node.getExpression());
  if (origin.kind === 'global') return RANDOM_SOURCES.globals.some((path) => samePath(origin.path, path));
  return RANDOM_SOURCES.modules.some((source) => isAt(origin, source.module, source.path));
}

function isAt(origin: Origin, module: string, path: readonly string[]): boolean {
  return origin.kind === 'module' && origin.module === module && samePath(origin.path, path);
}

function atArgument(call: CallExpression, index: number): Delay {
  return { node: call, duration: call.getArguments()[index], durationAtCall: true };
}

/** `new Promise((resolve) => setTimeout(resolve, ms))`, and `setTimeout(() => resolve(), ms)`. */
function promiseTimer(node: NewExpression, facts: FileFacts): Delay | undefined {
  const promise = facts.origin(node.getExpression());
  if (promise.kind !== 'global' || !samePath(promise.path, ['Promise'])) return undefined;
  const executor = node.getArguments()[0];
  if (!executor || (!Node.isArrowFunction(executor) && !Node.isFunctionExpression(executor))) return undefined;
  const resolve = executor.getParameters()[0]?.getNameNode();
  if (!resolve || !Node.isIdentifier(resolve)) return undefined;
  for (const call of executor.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const delayArgument = callbackTimerDelayArgument(call, facts);
    if (delayArgument === undefined) continue;
    const callback = call.getArguments()[0];
    if (callback && resolvesWith(callback, resolve.getText())) return { node, duration: call.getArguments()[delayArgument], durationAtCall: true };
  }
  return undefined;
}

/** A call of a callback timer (`setTimeout(fn, ms)`, `timers`' setTimeout). */
export function isCallbackTimerCall(call: CallExpression, facts: FileFacts): boolean {
  return callbackTimerDelayArgument(call, facts) !== undefined;
}

function callbackTimerDelayArgument(call: CallExpression, facts: FileFacts): number | undefined {
  const origin = facts.forFile(call.getSourceFile()).origin(call.getExpression());
  if (origin.kind === 'global' && CALLBACK_TIMERS.globals.some((path) => samePath(origin.path, path))) return CALLBACK_TIMERS.delayArgument;
  return CALLBACK_TIMERS.modules.find((t) => isAt(origin, t.module, t.path))?.delayArgument;
}

/** `resolve`, or a callback whose body calls `resolve`. */
function resolvesWith(callback: Node, resolve: string): boolean {
  const value = unwrapExpression(callback);
  if (Node.isIdentifier(value)) return value.getText() === resolve;
  if (!Node.isArrowFunction(value) && !Node.isFunctionExpression(value)) return false;
  return value.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => call.getExpression().getText() === resolve);
}

/** `const sleep = promisify(setTimeout)` (util's promisify of the callback timer). */
function isPromisifiedSetTimeout(call: CallExpression, facts: FileFacts): boolean {
  const origin = facts.origin(call.getExpression());
  if (origin.kind !== 'call' || !Node.isCallExpression(origin.call)) return false;
  if (!isAt(origin.callee, 'util', ['promisify'])) return false;
  const argument = origin.call.getArguments()[0];
  if (!argument) return false;
  const timer = facts.forFile(argument.getSourceFile()).origin(argument);
  return timer.kind === 'global' && samePath(timer.path, ['setTimeout']);
}

/** A project function whose body returns or awaits a wait: the wait's duration, mapped to the call's argument. */
function helperDelay(call: CallExpression, facts: FileFacts, depth: number): Delay | undefined {
  const helper = declaredFunction(call);
  if (!helper) return undefined;
  const helperFacts = facts.forFile(helper.getSourceFile());
  const inner = waitIn(helper, helperFacts, depth);
  if (!inner) return undefined;
  const parameterIndex = inner.duration ? parameterIndexOf(unwrapExpression(inner.duration), helper) : undefined;
  if (parameterIndex === undefined) return { node: call, duration: inner.duration, durationAtCall: false };
  const argument = call.getArguments()[parameterIndex];
  if (argument) return { node: call, duration: argument, durationAtCall: true };
  const parameter = helper.getParameters()[parameterIndex];
  return { node: call, duration: parameter?.getInitializer(), durationAtCall: false };
}

type HelperFunction = Node & { getParameters(): { getNameNode(): Node; getInitializer(): Node | undefined }[]; getBody(): Node | undefined };

function declaredFunction(call: CallExpression): HelperFunction | undefined {
  let symbol = call.getExpression().getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const declaration = symbol?.getDeclarations()[0];
  if (!declaration || declaration.getSourceFile().isInNodeModules() || declaration.getSourceFile().isDeclarationFile()) return undefined;
  const fn = Node.isVariableDeclaration(declaration) || Node.isPropertyDeclaration(declaration) ? declaration.getInitializer() : declaration;
  const value = fn && unwrapExpression(fn);
  if (!value) return undefined;
  const isFunction = Node.isFunctionDeclaration(value) || Node.isMethodDeclaration(value) || Node.isArrowFunction(value) || Node.isFunctionExpression(value);
  return isFunction ? (value as HelperFunction) : undefined;
}

/** The wait a helper's body returns (`return new Promise(...)`, an arrow's expression body) or awaits. */
function waitIn(helper: HelperFunction, facts: FileFacts, depth: number): Delay | undefined {
  const body = helper.getBody();
  if (!body) return undefined;
  if (!Node.isBlock(body)) return delayOf(body, facts, depth + 1);
  const candidates = [
    ...body.getDescendantsOfKind(SyntaxKind.ReturnStatement).map((statement) => statement.getExpression()),
    ...body.getDescendantsOfKind(SyntaxKind.AwaitExpression).map((expression) => expression.getExpression()),
  ];
  for (const candidate of candidates) {
    if (!candidate || candidate.getFirstAncestor(isFunctionScope) !== helper) continue;
    const delay = delayOf(candidate, facts, depth + 1);
    if (delay) return delay;
  }
  return undefined;
}

function parameterIndexOf(node: Node, helper: HelperFunction): number | undefined {
  if (!Node.isIdentifier(node)) return undefined;
  const index = helper.getParameters().findIndex((parameter) => parameter.getNameNode().getText() === node.getText());
  return index === -1 ? undefined : index;
}
