import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { isFunctionScope, isTransparentWrapper } from './syntax';
import { nameEndsWith, nameText, nameWords, targetNameOf } from './secrets';
import { ACCOUNT_SECURITY_WORDS, CODE_NAMES, NON_SECURITY_RANDOM_WORDS, UNGUESSABLE_NAME_ENDINGS } from './tables/sensitive-names';

/** `Math.random()`, the global one (not a local `Math` or a seeded generator). */
export function isMathRandomCall(call: CallExpression, facts: FileFacts): boolean {
  if (call.getArguments().length > 0) return false;
  // The callee's text first: resolving the origin of every call of a file is what costs.
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'random') return false;
  const origin = facts.origin(call.getExpression());
  return origin.kind === 'global' && origin.path.length === 2 && origin.path[0] === 'Math' && origin.path[1] === 'random';
}

/** Calls that turn a random number into a random digit, index or string without changing what it is for. */
const VALUE_BUILDING_CALLS: ReadonlySet<string> = new Set([
  'Math.floor',
  'Math.round',
  'Math.ceil',
  'Math.trunc',
  'Math.abs',
  'String',
  'Number',
  'parseInt',
  'String.fromCharCode',
  'charAt',
  'at',
  'toString',
  'substring',
  'substr',
  'slice',
  'padStart',
  'padEnd',
  'toUpperCase',
  'toLowerCase',
  'replace',
  'join',
  'push',
  'concat',
  'repeat',
]);

/** Operators whose result is still the random value: arithmetic, and a fallback (`header || Math.random()...`). */
const VALUE_OPERATORS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.BarBarToken,
  SyntaxKind.QuestionQuestionToken,
  SyntaxKind.PlusToken,
  SyntaxKind.MinusToken,
  SyntaxKind.AsteriskToken,
  SyntaxKind.SlashToken,
  SyntaxKind.PercentToken,
  SyntaxKind.BarToken,
  SyntaxKind.AmpersandToken,
  SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
  SyntaxKind.LessThanLessThanToken,
  SyntaxKind.AsteriskAsteriskToken,
]);

const COMPOUND_ASSIGNMENT: ReadonlySet<SyntaxKind> = new Set([SyntaxKind.PlusEqualsToken, SyntaxKind.EqualsToken]);

/** What a random value is made for, judged by names: the value's, or the function that makes it. */
export interface RandomPurpose {
  /** The name that says the value must be unguessable: `resetToken`, `generateNonce`. */
  name: string;
  /** The expression made of the random number (`Math.floor(Math.random() * 10)`, `Math.random().toString(36).slice(2)`). */
  value: Node;
}

/**
 * Whether a `Math.random()` makes a value that must be unguessable: one named
 * as a token, password, OTP, nonce, salt, session id, reset code or key, by
 * the variable, property or assignment it goes to, or by the function that
 * returns it or that it is made in. A nearer name that says it is a delay, a
 * jitter, a sample or an index decides the other way, and so does a
 * comparison (`Math.random() < 0.1` samples).
 */
export function securityPurposeOf(call: CallExpression): RandomPurpose | undefined {
  const { value, end } = builtValue(call);
  if (end === 'comparison' || end === 'other-call') return undefined;
  const name = end === 'return' ? undefined : nameGiven(value);
  if (name !== undefined) {
    if (isUnguessableName(name)) return { name, value };
    if (saysNotSecurity(name)) return undefined;
  }
  const fn = namedFunctionAround(value);
  if (fn && isUnguessableName(fn)) return { name: fn, value };
  // `const code = ...` in `sendVerificationEmail()`: a code made where an account is verified or recovered.
  if (fn && name !== undefined && nameEndsWith(name, CODE_NAMES) && !saysNotSecurity(fn) && nameWords(fn).some((word) => ACCOUNT_SECURITY_WORDS.includes(word))) return { name, value };
  return undefined;
}

function isUnguessableName(name: string): boolean {
  return nameEndsWith(name, UNGUESSABLE_NAME_ENDINGS) && !saysNotSecurity(name);
}

function saysNotSecurity(name: string): boolean {
  return nameWords(name).some((word) => NON_SECURITY_RANDOM_WORDS.includes(word));
}

type ValueEnd = 'named' | 'return' | 'comparison' | 'other-call' | 'statement';

/** The largest expression that is still the random value being built, and what is done with it. */
function builtValue(call: CallExpression): { value: Node; end: ValueEnd } {
  let node: Node = call;
  for (;;) {
    const parent = node.getParent();
    if (!parent) return { value: node, end: 'statement' };
    if (isTransparentWrapper(parent) || Node.isTemplateSpan(parent) || Node.isTemplateExpression(parent) || Node.isElementAccessExpression(parent)) {
      node = parent;
      continue;
    }
    if ((Node.isPropertyAccessExpression(parent) && parent.getExpression() === node) || (Node.isConditionalExpression(parent) && parent.getCondition() !== node)) {
      node = parent;
      continue;
    }
    if (Node.isBinaryExpression(parent)) {
      const operator = parent.getOperatorToken().getKind();
      if (VALUE_OPERATORS.has(operator)) {
        node = parent;
        continue;
      }
      if (COMPOUND_ASSIGNMENT.has(operator) && parent.getRight() === node) return { value: node, end: 'named' };
      return { value: node, end: 'comparison' };
    }
    if (Node.isCallExpression(parent)) {
      if (parent.getExpression() === node) {
        node = parent;
        continue;
      }
      if (VALUE_BUILDING_CALLS.has(calleeName(parent))) {
        node = parent;
        continue;
      }
      return { value: node, end: 'other-call' };
    }
    if (Node.isReturnStatement(parent) || Node.isArrowFunction(parent)) {
      // A callback's result builds the value of the call it is passed to: `Array.from({ length }, () => ...).join('')`.
      const fn = Node.isArrowFunction(parent) ? parent : parent.getFirstAncestor(isFunctionScope);
      const call = fn?.getParent();
      if (fn && call && Node.isCallExpression(call) && call.getArguments().includes(fn as never)) {
        node = call;
        continue;
      }
      return { value: node, end: 'return' };
    }
    return { value: node, end: 'named' };
  }
}

/** `Math.floor` for `Math.floor(...)`, `slice` for `x.slice(...)`. */
function calleeName(call: CallExpression): string {
  const callee = call.getExpression();
  const text = callee.getText();
  if (VALUE_BUILDING_CALLS.has(text)) return text;
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : text;
}

/** The name the value is stored under: `const token = ...`, `{ otp: ... }`, `user.resetCode = ...`, `text += ...`. */
function nameGiven(value: Node): string | undefined {
  const parent = value.getParent();
  if (parent && Node.isBinaryExpression(parent) && [SyntaxKind.PlusEqualsToken, SyntaxKind.EqualsToken].includes(parent.getOperatorToken().getKind()) && parent.getRight() === value) {
    return qualifiedName(parent.getLeft());
  }
  return targetNameOf(value);
}

/** `req.session.id` → `session.id`: the owner says what an `id` or a `code` is. */
function qualifiedName(target: Node): string | undefined {
  const name = nameText(target);
  if (!name || !Node.isPropertyAccessExpression(target) || isUnguessableName(name)) return name;
  const owner = nameText(target.getExpression());
  return owner && !['this', 'self'].includes(owner) ? `${owner}.${name}` : name;
}

/** The name of the nearest named function around a node: `function generateToken`, `makeNonce = () =>`, `OAuth.nonce = function`. */
export function namedFunctionAround(node: Node): string | undefined {
  for (let fn = node.getFirstAncestor(isFunctionScope); fn; fn = fn.getFirstAncestor(isFunctionScope)) {
    const name = functionName(fn);
    if (name) return name;
  }
  return undefined;
}

function functionName(fn: Node): string | undefined {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn) || Node.isGetAccessorDeclaration(fn)) return fn.getName();
  if (Node.isFunctionExpression(fn) && fn.getName()) return fn.getName();
  if (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) {
    // A callback (`Array.from({ length }, () => ...)`) is named by what it is passed to, so look further out.
    const parent = fn.getParent();
    if (parent && Node.isCallExpression(parent)) return undefined;
    return targetNameOf(fn);
  }
  return undefined;
}
