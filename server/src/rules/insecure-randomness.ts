import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { isMathRandomCall, securityPurposeOf } from '../facts/random-values';
import { isCommandLineProgram } from '../facts/runtime';
import { nodeCryptoFunction } from '../edits/node-crypto-import';
import { stringQuoteOf } from '../edits/layout';
import { createRule } from './rule';

/** Bytes of randomness a replacement string gets: 128 bits, as a UUID has. */
const RANDOM_BYTES = 16;

export const insecureRandomness = createRule({
  meta: {
    id: 'insecure-randomness',
    title: 'Math.random() makes a secret',
    category: 'security',
    defaultSeverity: 'warning',
    cwe: [338],
    summary: [
      '`Math.random()` is not made to be unguessable: V8 draws it from xorshift128+, whose whole state can be recovered from a few outputs.',
      'An attacker who requests a handful of password-reset codes or invite tokens can compute the next ones, and take over the account whose reset they trigger next.',
    ].join(' '),
    explanation: [
      '`Math.random()` is fast and statistically even, but it is predictable. V8 (Node, Chrome, Deno, Bun) uses xorshift128+;',
      'its 128-bit state can be solved from a few dozen consecutive outputs, and every later value follows from it.',
      '',
      'When it makes a reset code, an invite or session token, an OTP, a nonce, a salt or a key, the attacker asks for a few of their own',
      '(sign up, request resets for their own address), recovers the state, then triggers a reset for the victim and computes the code that was just sent.',
      '`Math.random().toString(36).slice(2, 8)` is also only about 31 bits: a code that short falls to guessing alone when nothing limits the attempts.',
      '',
      'The rule judges by the name the value goes to, is returned from, or is made in (`resetToken`, `otp`, `generateNonce()`), so a random delay, jitter, sample or shuffle is left alone.',
    ].join('\n'),
    shortFix: [
      "Use Node's cryptographic generator: `crypto.randomUUID()`, `crypto.randomInt(max)` for digits and indexes, `crypto.randomBytes(16).toString('base64url')` for tokens.",
      'The quick fix rewrites the common shapes and imports `node:crypto` in the file\'s style.',
    ].join('\n'),
    fix: [
      "Use `node:crypto` (or the Web Crypto API in browsers), whose values cannot be predicted from earlier ones:",
      "- tokens, session ids, nonces, salts: `randomBytes(16).toString('base64url')` or `randomUUID()`;",
      '- digits of an OTP or a reset code: `randomInt(100000, 1000000)`; a character from an alphabet: `alphabet[randomInt(alphabet.length)]`;',
      '- in the browser: `crypto.getRandomValues(new Uint8Array(16))` or `crypto.randomUUID()`.',
      '',
      'Make codes long enough for what they guard, and limit attempts on whatever checks them.',
    ].join('\n'),
    notFlagged: [
      '`Math.random()` for things nobody profits from predicting: a retry delay or jitter, sampling (`Math.random() < rate`), a shuffle, a random pick to display, chart data, a name suffix.',
      'Values whose names say nothing about secrecy (`id`, `requestId`, `color`), unless the function they are made in or returned from is named for a secret (`generateToken()`).',
      'Seeds and one-off scripts (`scripts/`, `bin/`, `seed/`, `#!` files), and test code.',
    ],
    examples: [
      {
        bad: ['export function createResetCode() {', '  return Math.floor(100000 + Math.random() * 900000);', '}'].join('\n'),
        good: ["import { randomInt } from 'node:crypto';", '', 'export function createResetCode() {', '  return randomInt(100000, 1000000);', '}'].join('\n'),
      },
      {
        bad: 'const sessionToken = Math.random().toString(36).slice(2);',
        good: ["import { randomBytes } from 'node:crypto';", '', "const sessionToken = randomBytes(16).toString('base64url');"].join('\n'),
      },
    ],
  },
  create(context) {
    if (isCommandLineProgram(context.sourceFile)) return {};
    return {
      [SyntaxKind.CallExpression]: (call) => {
        if (!isMathRandomCall(call, context.facts)) return;
        const purpose = securityPurposeOf(call);
        if (!purpose) return;
        const fix = cryptoFix(call, context.facts);
        context.report({
          node: call,
          message: `\`Math.random()\` makes \`${purpose.name}\`, which must be unguessable: its generator's state can be recovered from a few outputs and the next values computed. Use \`node:crypto\` (randomBytes, randomInt, randomUUID).`,
          ...(fix ? { fixes: [fix] } : {}),
        });
      },
    };
  },
});

/** The replacement of the random value's common shapes by `node:crypto`, with the import it needs. */
function cryptoFix(call: CallExpression, facts: FileFacts): Fix | undefined {
  const rewrite = stringRewrite(call) ?? integerRewrite(call);
  if (!rewrite) return undefined;
  const { callee, importEdit } = nodeCryptoFunction(facts, rewrite.fn);
  // The replacement is a call, which stands anywhere the expression it replaces did: no parentheses needed.
  const edits: TextEdit[] = [{ start: rewrite.node.getStart(), end: rewrite.node.getEnd(), newText: rewrite.text(callee) }];
  if (importEdit) edits.push(importEdit);
  return { title: `Use ${rewrite.fn}() from node:crypto`, edits };
}

interface Rewrite {
  node: Node;
  fn: 'randomBytes' | 'randomInt' | 'randomUUID';
  text: (callee: string) => string;
}

/**
 * `Math.random().toString(36)` with an optional `.slice/.substring/.substr(...)`
 * becomes `randomBytes(16).toString('base64url')`; `Math.random().toString()` and
 * `String(Math.random())` become `randomUUID()`.
 */
function stringRewrite(call: CallExpression): Rewrite | undefined {
  const quote = stringQuoteOf(call.getSourceFile());
  const parent = call.getParent();
  if (parent && Node.isCallExpression(parent) && parent.getExpression().getText() === 'String' && parent.getArguments().length === 1) {
    return { node: parent, fn: 'randomUUID', text: (callee) => `${callee}()` };
  }
  const toString = methodCallOn(call, 'toString');
  if (!toString) return undefined;
  const radix = toString.getArguments()[0]?.getText();
  if (radix === undefined) return { node: toString, fn: 'randomUUID', text: (callee) => `${callee}()` };
  const cut = methodCallOn(toString, 'slice') ?? methodCallOn(toString, 'substring') ?? methodCallOn(toString, 'substr');
  return { node: cut ?? toString, fn: 'randomBytes', text: (callee) => `${callee}(${RANDOM_BYTES}).toString(${quote}base64url${quote})` };
}

/** `receiver.method(...)` when `node` is its receiver. */
function methodCallOn(node: Node, method: string): CallExpression | undefined {
  const access = node.getParent();
  if (!access || !Node.isPropertyAccessExpression(access) || access.getName() !== method || access.getExpression() !== node) return undefined;
  const call = access.getParent();
  return call && Node.isCallExpression(call) && call.getExpression() === access ? call : undefined;
}

/**
 * `Math.floor(Math.random() * n)` becomes `randomInt(n)`, and with a literal
 * offset (`Math.floor(100000 + Math.random() * 900000)`,
 * `Math.floor(Math.random() * 900000) + 100000`) `randomInt(100000, 1000000)`.
 */
function integerRewrite(call: CallExpression): Rewrite | undefined {
  const product = call.getParent();
  if (!product || !Node.isBinaryExpression(product) || product.getOperatorToken().getKind() !== SyntaxKind.AsteriskToken || product.getLeft() !== call) return undefined;
  const range = product.getRight().getText();
  let inner: Node = product;
  let offset: number | undefined;
  const sum = product.getParent();
  if (sum && Node.isBinaryExpression(sum) && sum.getOperatorToken().getKind() === SyntaxKind.PlusToken && sum.getRight() === product) {
    offset = numberLiteral(sum.getLeft());
    if (offset === undefined) return undefined;
    inner = sum;
  }
  const floor = inner.getParent();
  if (!floor || !Node.isCallExpression(floor) || floor.getExpression().getText() !== 'Math.floor' || floor.getArguments()[0] !== inner) return undefined;
  const after = floor.getParent();
  if (offset === undefined && after && Node.isBinaryExpression(after) && after.getOperatorToken().getKind() === SyntaxKind.PlusToken && after.getLeft() === floor) {
    const added = numberLiteral(after.getRight());
    if (added !== undefined) return integerRange(after, added, range);
  }
  if (offset !== undefined) return integerRange(floor, offset, range);
  return { node: floor, fn: 'randomInt', text: (callee) => `${callee}(${range})` };
}

function integerRange(node: Node, min: number, range: string): Rewrite | undefined {
  const size = Number(range);
  if (!Number.isInteger(size)) return undefined;
  return { node, fn: 'randomInt', text: (callee) => `${callee}(${min}, ${min + size})` };
}

function numberLiteral(node: Node): number | undefined {
  return Node.isNumericLiteral(node) ? Number(node.getLiteralValue()) : undefined;
}
