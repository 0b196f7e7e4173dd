import { Node, SyntaxKind, type CallExpression, type NewExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath, type Origin } from './origin';
import {
  GLOBAL_PROBES,
  JWT_PROBE_METHODS,
  JWT_RECEIVER,
  MODULE_PROBES,
  PROBE_METHODS,
  PURE_GLOBAL_CALLS,
  PURE_METHODS,
  RESPONSE_GLOBALS,
  RESPONSE_METHODS,
  RESPONSE_MODULE_PATHS,
  RESPONSE_RECEIVER_NAMES,
} from './tables/error-probes';

export type CallLike = CallExpression | NewExpression;

/**
 * True for a call that throws on bad input by design and whose failure is the
 * answer: `JSON.parse(s)`, `new URL(s)`, `jwt.verify(t, k)`, `schema.parse(x)`,
 * `fs.statSync(p)`, `await fs.promises.access(p)`, `require('optional')`, `import('optional')`.
 */
export function isProbeCall(call: CallLike, facts: FileFacts): boolean {
  const callee = call.getExpression();
  if (callee.getKind() === SyntaxKind.ImportKeyword) return true;
  const origin = facts.origin(callee);
  if (origin.kind === 'global' && GLOBAL_PROBES.some((path) => samePath(origin.path, path))) return true;
  if (origin.kind === 'module') {
    const probe = MODULE_PROBES.find((p) => p.modules.includes(origin.module));
    if (probe && (probe.paths === 'any' || probe.paths.some((path) => samePath(origin.path, path)))) return true;
  }
  const name = calleeName(callee, origin);
  if (name !== undefined && PROBE_METHODS.includes(name)) return true;
  if (Node.isPropertyAccessExpression(callee) && JWT_PROBE_METHODS.includes(callee.getName())) {
    return JWT_RECEIVER.test(receiverRootName(callee.getExpression()) ?? '') || JWT_RECEIVER.test(lastName(callee.getExpression()) ?? '');
  }
  return false;
}

/** True for conversions and string helpers that may sit beside a probe: `String(x)`, `raw.trim()`, `new Error(...)`. */
export function isPureCall(call: CallLike, facts: FileFacts): boolean {
  const callee = call.getExpression();
  const origin = facts.origin(callee);
  if (origin.kind === 'global' && PURE_GLOBAL_CALLS.some((path) => samePath(origin.path, path))) return true;
  if (origin.kind === 'global' && origin.path.length === 1 && /Error$/.test(origin.path[0]!)) return true;
  return Node.isPropertyAccessExpression(callee) && PURE_METHODS.includes(callee.getName());
}

/** True for a call that answers an HTTP client: `res.status(401).end()`, `reply.code(400).send()`, `NextResponse.json(...)`. */
export function isResponseCall(call: CallLike, facts: FileFacts): boolean {
  const callee = call.getExpression();
  const origin = facts.origin(callee);
  if (origin.kind === 'global' && RESPONSE_GLOBALS.some((path) => samePath(origin.path, path))) return true;
  if (origin.kind === 'module' && RESPONSE_MODULE_PATHS.some((r) => r.module === origin.module && samePath(r.path, origin.path))) return true;
  if (!Node.isPropertyAccessExpression(callee) || !RESPONSE_METHODS.includes(callee.getName())) return false;
  const root = receiverRootName(callee.getExpression());
  return root !== undefined && RESPONSE_RECEIVER_NAMES.includes(root);
}

/**
 * True when `block` (a try block) only asks whether some input is valid: it
 * makes at least one probe call, and every other call in it is pure or answers
 * the client. `try { return JSON.parse(s) } catch { return null }`.
 */
export function isProbeBlock(block: Node, facts: FileFacts): boolean {
  let probes = 0;
  let others = 0;
  block.forEachDescendant((node) => {
    if (!Node.isCallExpression(node) && !Node.isNewExpression(node)) return;
    if (isProbeCall(node, facts)) probes += 1;
    else if (!isPureCall(node, facts) && !isResponseCall(node, facts) && !readsProbeResult(node, facts)) others += 1;
  });
  return probes > 0 && others === 0;
}

/**
 * A method called on what a probe returned, directly or through a variable:
 * `fs.statSync(p).isFile()`, `const st = fs.statSync(p); st.isDirectory()`.
 */
function readsProbeResult(call: CallLike, facts: FileFacts): boolean {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return false;
  let receiver: Node = callee.getExpression();
  for (;;) {
    if (Node.isPropertyAccessExpression(receiver) || Node.isParenthesizedExpression(receiver) || Node.isNonNullExpression(receiver)) {
      receiver = receiver.getExpression();
    } else if (Node.isAwaitExpression(receiver)) {
      receiver = receiver.getExpression();
    } else {
      break;
    }
  }
  if (Node.isCallExpression(receiver) || Node.isNewExpression(receiver)) return isProbeCall(receiver, facts);
  if (!Node.isIdentifier(receiver)) return false;
  const declaration = receiver.getSymbol()?.getValueDeclaration();
  if (!declaration || !Node.isVariableDeclaration(declaration)) return false;
  let initializer = declaration.getInitializer();
  while (initializer && (Node.isAwaitExpression(initializer) || Node.isParenthesizedExpression(initializer))) initializer = initializer.getExpression();
  return initializer !== undefined && (Node.isCallExpression(initializer) || Node.isNewExpression(initializer)) && isProbeCall(initializer, facts);
}

function calleeName(callee: Node, origin: Origin): string | undefined {
  if (origin.kind === 'module' && origin.path.length > 0) return origin.path[origin.path.length - 1];
  if (Node.isIdentifier(callee)) return callee.getText();
  if (Node.isPropertyAccessExpression(callee)) return callee.getName();
  return undefined;
}

function lastName(node: Node): string | undefined {
  if (Node.isIdentifier(node)) return node.getText();
  if (Node.isPropertyAccessExpression(node)) return node.getName();
  return undefined;
}

/** `res` for `res.status(401)`, `this.jwt` → `jwt`... the first name of a member/call chain (after `this.`). */
function receiverRootName(node: Node): string | undefined {
  let current = node;
  for (;;) {
    if (Node.isCallExpression(current) || Node.isNonNullExpression(current) || Node.isParenthesizedExpression(current)) {
      current = current.getExpression();
    } else if (Node.isPropertyAccessExpression(current)) {
      const inner = current.getExpression();
      if (inner.getKind() === SyntaxKind.ThisKeyword) return current.getName();
      current = inner;
    } else if (Node.isIdentifier(current)) {
      return current.getText();
    } else {
      return undefined;
    }
  }
}
