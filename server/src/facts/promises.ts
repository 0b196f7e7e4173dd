import { Node, SyntaxKind, type CallExpression, type Type } from 'ts-morph';
import type { FileFacts } from './index';
import type { Origin } from './origin';
import { samePath } from './origin';
import {
  NON_PROMISE_THENABLE_TYPES,
  PROMISE_AWARE_EVENT_MODULES,
  PROMISE_IGNORING_CALLEES,
  type PromiseIgnoringCallee,
} from './tables/async-callbacks';
import { unwrapExpression } from './syntax';
import { functionsOf, isFunctionLike, summarize, withoutArguments, type FunctionLike } from './function-summary';

export type { FunctionLike };

/**
 * True when a value of `type` may be a Promise or other thenable: the type,
 * or one member of a union (`Promise<void> | undefined`), has a callable
 * `then`. `any` and `unknown` are not: nothing is known about them.
 */
export function isThenableType(type: Type, at: Node): boolean {
  if (type.isAny() || type.isUnknown()) return false;
  if (type.isUnion()) return type.getUnionTypes().some((member) => isThenableType(member, at));
  if (type.isTypeParameter()) {
    const constraint = type.getConstraint();
    return constraint !== undefined && isThenableType(constraint, at);
  }
  const then = type.getProperty('then');
  if (!then) return false;
  const name = type.getSymbol()?.getName() ?? type.getAliasSymbol()?.getName();
  if (name !== undefined && NON_PROMISE_THENABLE_TYPES.includes(name)) return false;
  const thenType = then.getTypeAtLocation(at);
  const members = thenType.isUnion() ? thenType.getUnionTypes() : [thenType];
  return members.some((member) => member.getCallSignatures().length > 0);
}

/** True when the type checker says `expression` evaluates to a Promise or thenable. */
export function hasThenableType(expression: Node): boolean {
  return isThenableType(expression.getType(), expression);
}

/** True when every member of the expression's type has a `catch` method, so `.catch(...)` can be appended. */
export function hasCatchMethod(expression: Node): boolean {
  const type = expression.getType();
  const members = type.isUnion() ? type.getUnionTypes() : [type];
  return members.every((member) => member.getProperty('catch') !== undefined);
}

/**
 * True when a promise chain ends in a rejection handler: `.catch(handler)`,
 * `.then(onFulfilled, onRejected)`, or `.finally(f)` on a chain that has one.
 */
export function isRejectionHandled(expression: Node): boolean {
  const call = unwrapExpression(expression);
  if (!Node.isCallExpression(call)) return false;
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const args = call.getArguments();
  switch (callee.getName()) {
    case 'catch':
      return args.length >= 1 && !isNullish(args[0]!);
    case 'then':
      return args.length >= 2 && !isNullish(args[1]!);
    case 'finally':
      return isRejectionHandled(callee.getExpression());
    default:
      return false;
  }
}

/**
 * The function a callee or callback names, when its source is in the project:
 * `function f() {}`, `const f = async () => {}`, a method, in this file or
 * imported from another of the project's files (not from a package's types).
 */
export function localFunctionOf(node: Node): FunctionLike | undefined {
  return functionsOf(node)?.[0];
}

/**
 * True when the promise a function returns cannot reject and a call cannot
 * throw: its body does its fallible work inside `try`/`catch` blocks that do
 * not rethrow, or does nothing fallible at all (facts/function-summary.ts).
 */
export function cannotReject(fn: FunctionLike): boolean {
  const summary = withoutArguments(summarize(fn));
  return summary.rejects.size === 0 && summary.throws.size === 0;
}

/** True when a function (or a callable expression) returns a Promise or thenable: `async` functions, or by the type checker. */
export function returnsThenable(node: Node): boolean {
  const target = unwrapExpression(node);
  if (isFunctionLike(target) && target.isAsync?.()) return true;
  const type = target.getType();
  return type.getCallSignatures().some((signature) => isThenableType(signature.getReturnType(), target));
}

export interface IgnoredCallback {
  entry: PromiseIgnoringCallee;
  /** The callback argument whose returned promise is dropped. */
  callback: Node;
  /** How the message names the callee: `setTimeout()`, `items.forEach()`, `emitter.on()`. */
  label: string;
}

/**
 * When `call` hands a callback to something that ignores its return value
 * (setTimeout, forEach, an event emitter's `.on`), that callback. Not for
 * emitters from packages that await their listeners (Telegraf), nor for
 * callees whose declared parameter type accepts a promise-returning function.
 */
export function ignoredCallbackOf(call: CallExpression, facts: FileFacts): IgnoredCallback | undefined {
  const callee = unwrapExpression(call.getExpression());
  const entry = matchingEntry(callee, facts);
  if (!entry) return undefined;
  const args = call.getArguments();
  if (args.length === 0) return undefined;
  const index = entry.callback === 'first' ? 0 : args.length - 1;
  if (entry.isEventListener && index === 0) return undefined;
  if (Node.isPropertyAccessExpression(callee) && entry.methods && isFromPromiseAwareModule(facts.origin(callee.getExpression()))) {
    return undefined;
  }
  if (parameterAcceptsPromise(call, index)) return undefined;
  return { entry, callback: args[index]!, label: calleeLabel(callee) };
}

function matchingEntry(callee: Node, facts: FileFacts): PromiseIgnoringCallee | undefined {
  const origin = facts.origin(callee);
  for (const entry of PROMISE_IGNORING_CALLEES) {
    if (origin.kind === 'global' && entry.globals?.some((path) => samePath(origin.path, path))) return entry;
    if (origin.kind === 'module' && entry.modules?.some((m) => m.module === origin.module && samePath(m.path, origin.path))) return entry;
    if (Node.isPropertyAccessExpression(callee) && entry.methods?.includes(callee.getName())) return entry;
  }
  return undefined;
}

function isFromPromiseAwareModule(origin: Origin): boolean {
  if (origin.kind === 'module') return PROMISE_AWARE_EVENT_MODULES.includes(origin.module);
  if (origin.kind === 'call') return isFromPromiseAwareModule(origin.callee);
  return false;
}

/** True when the callee's declared parameter type says it takes a function returning a promise (so it handles it). */
function parameterAcceptsPromise(call: CallExpression, index: number): boolean {
  const signature = call.getProject().getTypeChecker().getResolvedSignature(call);
  const parameters = signature?.getParameters() ?? [];
  if (parameters.length === 0) return false;
  const parameter = parameters[Math.min(index, parameters.length - 1)]!;
  let type = parameter.getTypeAtLocation(call);
  const declaration = parameter.getValueDeclaration();
  if (declaration && Node.isParameterDeclaration(declaration) && declaration.isRestParameter()) {
    type = type.getArrayElementType() ?? type;
  }
  const members = type.isUnion() ? type.getUnionTypes() : [type];
  return members.some((member) =>
    member.getCallSignatures().some((s) => isThenableType(s.getReturnType(), call)),
  );
}

function calleeLabel(callee: Node): string {
  const text = callee.getText();
  if (text.length <= 40 && !text.includes('\n') && !text.includes('(')) return `${text}()`;
  if (Node.isPropertyAccessExpression(callee)) return `.${callee.getName()}()`;
  return 'this call';
}




function isNullish(node: Node): boolean {
  const inner = unwrapExpression(node);
  return inner.getKind() === SyntaxKind.NullKeyword || (Node.isIdentifier(inner) && inner.getText() === 'undefined');
}

