import { Node, SyntaxKind, type CallExpression, type CatchClause, type NewExpression } from 'ts-morph';
import { isFunctionScope } from './syntax';
import type { FileFacts } from './index';
import { isLogOrReportCall } from './logging';
import { samePath, type Origin } from './origin';
import {
  BODY_PARSE_METHODS,
  GLOBAL_PROBES,
  JWT_PROBE_FUNCTION_NAME,
  PREDICATE_NAME,
  PROBE_FUNCTION_NAME,
  PURE_GLOBAL_OBJECTS,
  PURE_MODULES,
  RESPONSE_ARGUMENT_NAMES,
  type ProbeKind,
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
export type { ProbeKind };

/**
 * What a call that throws on bad input by design asks, if it is one:
 * `validity` for `JSON.parse(s)`, `new URL(s)`, `jwt.verify(t, k)`,
 * `schema.parse(x)`, `await res.json()`; `existence` for `fs.statSync(p)`,
 * `await fs.promises.access(p)`, `require.resolve(m)`, `require('optional')`, `import('optional')`.
 */
export function probeKind(call: CallLike, facts: FileFacts): ProbeKind | undefined {
  const callee = call.getExpression();
  if (callee.getKind() === SyntaxKind.ImportKeyword) return 'existence';
  const origin = facts.origin(callee);
  if (origin.kind === 'global') {
    const probe = GLOBAL_PROBES.find((p) => samePath(origin.path, p.path));
    if (probe) return probe.kind;
  }
  if (origin.kind === 'module') {
    const probe = MODULE_PROBES.find(
      (p) => p.modules.includes(origin.module) && (p.paths === 'any' || p.paths.some((path) => samePath(origin.path, path))),
    );
    if (probe) return probe.kind;
  }
  const name = calleeName(callee, origin);
  if (name === undefined) return undefined;
  if (PROBE_METHODS.includes(name) || PROBE_FUNCTION_NAME.test(name) || JWT_PROBE_FUNCTION_NAME.test(name)) return 'validity';
  if (BODY_PARSE_METHODS.includes(name) && Node.isPropertyAccessExpression(callee) && call.getArguments().length === 0) return 'validity';
  if (Node.isPropertyAccessExpression(callee) && JWT_PROBE_METHODS.includes(name)) {
    const receiver = callee.getExpression();
    if (JWT_RECEIVER.test(receiverRootName(receiver) ?? '') || JWT_RECEIVER.test(lastName(receiver) ?? '')) return 'validity';
  }
  return undefined;
}

export function isProbeCall(call: CallLike, facts: FileFacts): boolean {
  return probeKind(call, facts) !== undefined;
}

/**
 * True for calls that cannot fail in a way worth logging and may sit beside a
 * probe in the same try block: conversions, string and regexp helpers,
 * `Math`/`Object`/`Date` statics, `path.*`, predicates (`isUrl(s)`), `new Error(...)`.
 */
export function isPureCall(call: CallLike, facts: FileFacts): boolean {
  const callee = call.getExpression();
  const origin = facts.origin(callee);
  if (origin.kind === 'global') {
    if (PURE_GLOBAL_CALLS.some((path) => samePath(origin.path, path))) return true;
    if (origin.path.length === 2 && PURE_GLOBAL_OBJECTS.includes(origin.path[0]!)) return true;
    if (origin.path.length === 1 && /Error$/.test(origin.path[0]!)) return true;
  }
  if (origin.kind === 'module' && PURE_MODULES.includes(origin.module)) return true;
  const name = calleeName(callee, origin);
  if (name !== undefined && PREDICATE_NAME.test(name)) return true;
  return Node.isPropertyAccessExpression(callee) && PURE_METHODS.includes(callee.getName());
}

/**
 * True for a call that answers an HTTP client: `res.status(401).end()`,
 * `reply.code(400).send()`, `NextResponse.json(...)`, `helpers.formatApiResponse(400, res)`.
 */
export function isResponseCall(call: CallLike, facts: FileFacts): boolean {
  const callee = call.getExpression();
  const origin = facts.origin(callee);
  if (origin.kind === 'global' && RESPONSE_GLOBALS.some((path) => samePath(origin.path, path))) return true;
  if (origin.kind === 'module' && RESPONSE_MODULE_PATHS.some((r) => r.module === origin.module && samePath(r.path, origin.path))) return true;
  const handsOverResponse = (call.getArguments() ?? []).some((arg) => Node.isIdentifier(arg) && RESPONSE_ARGUMENT_NAMES.includes(arg.getText()));
  if (handsOverResponse) return true;
  if (!Node.isPropertyAccessExpression(callee) || !RESPONSE_METHODS.includes(callee.getName())) return false;
  const root = receiverRootName(callee.getExpression());
  return root !== undefined && RESPONSE_RECEIVER_NAMES.includes(root);
}

/**
 * What a try block asks, when it only asks whether some input is valid or
 * something exists: every call in it is a probe, pure, a log line, a read of
 * a probe's result, or an answer to the client. `existence` when every probe
 * is an existence check; otherwise `validity` (including blocks that call
 * nothing that can fail in production at all: `try { return a.b.c } catch { return null }`).
 */
export function probeBlockKind(block: Node, facts: FileFacts): ProbeKind | undefined {
  const kinds = new Set<ProbeKind>();
  let others = 0;
  block.forEachDescendant((node) => {
    if (!Node.isCallExpression(node) && !Node.isNewExpression(node)) return;
    const kind = probeKind(node, facts);
    if (kind) kinds.add(kind);
    else if (!isPureCall(node, facts) && !isResponseCall(node, facts) && !readsProbeResult(node, facts) && !isLoggingCall(node, facts)) others += 1;
  });
  if (others > 0) return undefined;
  return kinds.size === 1 && kinds.has('existence') ? 'existence' : 'validity';
}

function isLoggingCall(node: CallLike, facts: FileFacts): boolean {
  return Node.isCallExpression(node) && isLogOrReportCall(node, facts);
}

/** `try { return JSON.parse(s) } catch { return null }`: see probeBlockKind. */
export function isProbeBlock(block: Node, facts: FileFacts): boolean {
  return probeBlockKind(block, facts) !== undefined;
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
    if (
      Node.isPropertyAccessExpression(receiver) ||
      Node.isElementAccessExpression(receiver) ||
      Node.isParenthesizedExpression(receiver) ||
      Node.isNonNullExpression(receiver) ||
      Node.isAwaitExpression(receiver)
    ) {
      receiver = receiver.getExpression();
    } else if (Node.isCallExpression(receiver) || Node.isNewExpression(receiver)) {
      if (isProbeCall(receiver, facts)) return true;
      // A chain of helpers on the result: `url.pathname.split('/').filter(Boolean)`.
      const inner = receiver.getExpression();
      if (!Node.isPropertyAccessExpression(inner)) return false;
      receiver = inner.getExpression();
    } else {
      break;
    }
  }
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

/**
 * `try { ...; return true; } catch { return false; }`: a yes/no question
 * (is the database healthy? is the plugin installed? may this user see it?)
 * whose failure is the answer "no".
 */
export function isBooleanProbe(tryStatement: Node & { getTryBlock(): Node }, clause: CatchClause): boolean {
  const block = clause.getBlock();
  const answers = answersFalse(block) || (block.getStatements().length === 0 && nextStatementReturnsFalse(tryStatement));
  return answers && returnsLiteral(tryStatement.getTryBlock(), SyntaxKind.TrueKeyword);
}

/** `try { ... return true; } catch {} return false;` */
function nextStatementReturnsFalse(statement: Node): boolean {
  const next = statement.getNextSibling();
  return next !== undefined && Node.isReturnStatement(next) && next.getExpression()?.getKind() === SyntaxKind.FalseKeyword;
}

/** The handler or catch block only answers `false`: `() => false`, `{ return false; }`. */
export function answersFalse(body: Node): boolean {
  if (body.getKind() === SyntaxKind.FalseKeyword) return true;
  if (!Node.isBlock(body)) return false;
  const statements = body.getStatements();
  return statements.length === 1 && Node.isReturnStatement(statements[0]) && statements[0].getExpression()?.getKind() === SyntaxKind.FalseKeyword;
}

export function returnsLiteral(block: Node, kind: SyntaxKind): boolean {
  let found = false;
  block.forEachDescendant((node, traversal) => {
    if (isFunctionScope(node)) traversal.skip();
    else if (Node.isReturnStatement(node) && node.getExpression()?.getKind() === kind) found = true;
  });
  return found;
}

/**
 * A yes/no question that also says why the answer is no: the try block answers
 * `true`, the catch ends with `return false` (`catch (e) { logger.warn(e.message); return false; }`).
 */
export function answersNoOnFailure(tryStatement: Node & { getTryBlock(): Node }, clause: CatchClause): boolean {
  const statements = clause.getBlock().getStatements();
  const last = statements[statements.length - 1];
  return last !== undefined && Node.isReturnStatement(last) && last.getExpression()?.getKind() === SyntaxKind.FalseKeyword && returnsLiteral(tryStatement.getTryBlock(), SyntaxKind.TrueKeyword);
}
