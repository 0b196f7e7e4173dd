import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath, type Origin } from './origin';
import { isFunctionLike } from './function-summary';
import { retryLoopOf, type RetryLoopStatement } from './retry-loops';
import type { OutboundHttpCall } from './http';
import type { NetworkClientModule } from './tables/network-clients';
import {
  HTTP_LIBRARIES_THAT_RETRY,
  RETRYING_CALLEE_NAME,
  RETRYING_INTERCEPTORS,
  RETRY_POLICY_MODULES,
  RETRY_WRAPPERS,
} from './tables/retry-policies';

/** What retries a call: a wrapper or policy around it, a hand-written retry loop, the client itself. */
export type RetryCover = 'wrapper' | 'loop' | 'retrying-function' | 'interceptor' | 'client';

const MAX_CALLER_DEPTH = 3;

/**
 * How a call is retried when it fails, as far as the file shows: inside a retry
 * wrapper's callback (`pRetry(() => call())`, cockatiel `policy.execute`, any
 * callee named `*retry*`), inside a hand-written retry loop or a function named
 * `*retry*`, or in a function of this file that is only called that way.
 */
export function retryAround(node: Node, facts: FileFacts, depth = 0): RetryCover | undefined {
  let previous: Node = node;
  for (let current = node.getParent(); current; previous = current, current = current.getParent()) {
    if (Node.isCallExpression(current) && current.getArguments().includes(previous) && isRetryingCallee(current, facts)) return 'wrapper';
    if (isLoopStatement(current) && retryLoopOf(current, facts)) return 'loop';
    if (isFunctionLike(current)) {
      const name = functionName(current);
      if (name && RETRYING_CALLEE_NAME.test(name)) return 'retrying-function';
      if (depth < MAX_CALLER_DEPTH && calledOnlyUnderRetry(current, facts, depth)) return 'wrapper';
    }
  }
  return undefined;
}

/** `pRetry(...)`, `retry(...)` of async-retry, `policy.execute(...)` of a cockatiel policy, `withRetry(...)`. */
export function isRetryingCallee(call: CallExpression, facts: FileFacts): boolean {
  const callee = call.getExpression();
  if (RETRYING_CALLEE_NAME.test(callee.getText())) return true;
  const origin = facts.origin(callee);
  if (origin.kind === 'module' && RETRY_WRAPPERS.some((wrapper) => wrapper.module === origin.module && samePath(wrapper.path, origin.path))) return true;
  if (Node.isPropertyAccessExpression(callee)) {
    const name = callee.getName();
    const module = rootModule(facts.origin(callee.getExpression()));
    return RETRY_POLICY_MODULES.some((policy) => policy.module === module && policy.run.includes(name));
  }
  return false;
}

/** An HTTP call whose client retries: got, or an axios instance (or axios itself) given to `axiosRetry(...)` in this file. */
export function httpClientRetries(http: OutboundHttpCall, facts: FileFacts): boolean {
  if (HTTP_LIBRARIES_THAT_RETRY.includes(http.library.id)) return true;
  return retryingInterceptorTargets(facts).some((target) => {
    if (target.client !== http.library.id) return false;
    if (http.instance) return target.origin.kind === 'call' && target.origin.call === http.instance.creation;
    return target.origin.kind === 'module' && target.origin.path.length === 0;
  });
}

/**
 * A networked SDK that retries on its own (tables/network-clients.ts), unless
 * a client of that package created in this file turns it off (`maxRetries: 0`).
 */
export function networkClientRetries(client: NetworkClientModule, facts: FileFacts): boolean {
  const retries = client.retries;
  if (!retries?.byDefault) return false;
  if (!retries.option) return true;
  return !clientCreationsOf(client, facts).some((creation) => disablesRetries(creation, retries.option!, retries.off ?? 0));
}

function clientCreationsOf(client: NetworkClientModule, facts: FileFacts): Node[] {
  const matches = (origin: Origin): boolean =>
    origin.kind === 'module' && (client.prefix ? origin.module.startsWith(client.module) : origin.module === client.module);
  return [...facts.nodes.ofKind(SyntaxKind.NewExpression), ...facts.nodes.ofKind(SyntaxKind.CallExpression)].filter((creation) =>
    matches(facts.origin(creation.getExpression())),
  );
}

function disablesRetries(creation: Node, option: string, off: number): boolean {
  if (!Node.isNewExpression(creation) && !Node.isCallExpression(creation)) return false;
  return (creation.getArguments() ?? []).some((argument) => {
    if (!Node.isObjectLiteralExpression(argument)) return false;
    const property = argument.getProperty(option);
    const value = property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
    return value !== undefined && Node.isNumericLiteral(value) && Number(value.getLiteralValue()) <= off;
  });
}

interface InterceptorTarget {
  client: string;
  origin: Origin;
}

function retryingInterceptorTargets(facts: FileFacts): InterceptorTarget[] {
  return facts.memo('retry-policies.interceptors', () => {
    const found: InterceptorTarget[] = [];
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const origin = facts.origin(call.getExpression());
      if (origin.kind !== 'module') continue;
      const interceptor = RETRYING_INTERCEPTORS.find((entry) => entry.module === origin.module && samePath(entry.path, origin.path));
      const [target] = call.getArguments();
      if (interceptor && target) found.push({ client: interceptor.client, origin: facts.origin(target) });
    }
    return found;
  });
}

/** A function of this file whose every use in the file is a call (or a callback) under a retry. */
function calledOnlyUnderRetry(fn: Node, facts: FileFacts, depth: number): boolean {
  const nameNode = functionNameNode(fn);
  if (!nameNode) return false;
  const symbol = nameNode.getSymbol();
  if (!symbol) return false;
  const name = nameNode.getText();
  const uses = facts.nodes
    .ofKind(SyntaxKind.Identifier)
    .filter((identifier) => identifier !== nameNode && identifier.getText() === name && identifier.getSymbol() === symbol);
  return uses.length > 0 && uses.every((use) => retryAround(use, facts, depth + 1) !== undefined);
}

function functionNameNode(fn: Node): Node | undefined {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)) return fn.getNameNode();
  const parent = fn.getParent();
  if (parent && (Node.isVariableDeclaration(parent) || Node.isPropertyDeclaration(parent) || Node.isPropertyAssignment(parent))) return parent.getNameNode();
  return undefined;
}

function functionName(fn: Node): string | undefined {
  return functionNameNode(fn)?.getText();
}

function isLoopStatement(node: Node): node is RetryLoopStatement {
  return Node.isForStatement(node) || Node.isWhileStatement(node) || Node.isDoStatement(node);
}

function rootModule(origin: Origin): string | undefined {
  let current: Origin = origin;
  for (let i = 0; i < 8; i += 1) {
    if (current.kind === 'module') return current.module;
    if (current.kind !== 'call') return undefined;
    current = current.callee;
  }
  return undefined;
}
