import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath } from './origin';
import { libraryImports } from './imports';
import { possibleStrings, stringLiteralValue } from './literals';
import { frameworkInstance, isConventionalReceiver, type RouteFramework } from './routes';
import { CONVENTIONAL_SERVER_NAMES, NEST_ROUTES, SERVE_FUNCTIONS } from './tables/frameworks';
import { HEALTH_CHECK_OPTIONS } from './tables/libraries';

/** A call that starts a server listening: `app.listen(3000)`, `server.listen(...)`, Hono's `serve(...)`. */
export interface ListenCall {
  node: CallExpression;
  framework: RouteFramework;
  /** `factory`/`type`: the receiver is provably a server; `convention`: an `app`/`server` from a parameter or another file. */
  via: 'factory' | 'type' | 'convention' | 'serve-function';
}

export function listenCalls(facts: FileFacts): ListenCall[] {
  return facts.memo('process.listenCalls', () => {
    const calls: ListenCall[] = [];
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const listen = listenCallOf(call, facts);
      if (listen) calls.push(listen);
    }
    return calls;
  });
}

function listenCallOf(call: CallExpression, facts: FileFacts): ListenCall | undefined {
  const callee = call.getExpression();
  if (Node.isPropertyAccessExpression(callee)) {
    const method = callee.getName();
    if (method !== 'listen' && method !== 'start') return undefined;
    const receiver = callee.getExpression();
    const instance = frameworkInstance(receiver, facts);
    if (instance) {
      return instance.framework.listenMethods.includes(method) ? { node: call, framework: instance.framework.id, via: instance.via } : undefined;
    }
    if (method === 'listen' && isConventionalReceiver(receiver, facts, CONVENTIONAL_SERVER_NAMES)) {
      return { node: call, framework: 'unknown', via: 'convention' };
    }
    return undefined;
  }
  const origin = facts.origin(callee);
  if (origin.kind !== 'module') return undefined;
  const serve = SERVE_FUNCTIONS.find((fn) => fn.module === origin.module && samePath(fn.path, origin.path));
  return serve ? { node: call, framework: serve.framework, via: 'serve-function' } : undefined;
}

/** `process.on('SIGTERM', ...)` and its variants; `signals` lists what the handler is registered for. */
export interface SignalHandler {
  node: CallExpression;
  signals: string[];
}

const PROCESS_LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

export function signalHandlers(facts: FileFacts): SignalHandler[] {
  return facts.memo('process.signalHandlers', () => {
    const handlers: SignalHandler[] = [];
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee) || !PROCESS_LISTENER_METHODS.has(callee.getName())) continue;
      if (!isProcess(callee.getExpression(), facts)) continue;
      const signals = possibleStrings(call.getArguments()[0])?.filter((value) => value.startsWith('SIG'));
      if (signals && signals.length > 0) handlers.push({ node: call, signals });
    }
    return handlers;
  });
}

function isProcess(expression: Node, facts: FileFacts): boolean {
  const origin = facts.origin(expression);
  if (origin.kind === 'global') return samePath(origin.path, ['process']);
  return origin.kind === 'module' && origin.module === 'process' && origin.path.length === 0;
}

/** Something that installs graceful shutdown: a SIGTERM handler, a shutdown library, Nest's shutdown hooks. */
export interface ShutdownHandling {
  node: Node;
  kind: 'signal-handler' | 'library' | 'nest-shutdown-hooks';
  /** The library's package, for `library`. */
  module?: string;
}

export function shutdownHandling(facts: FileFacts): ShutdownHandling[] {
  return facts.memo('process.shutdownHandling', () => {
    const found: ShutdownHandling[] = [];
    for (const handler of signalHandlers(facts)) {
      if (handler.signals.includes('SIGTERM')) found.push({ node: handler.node, kind: 'signal-handler' });
    }
    for (const use of libraryImports(facts, 'graceful-shutdown')) {
      found.push({ node: firstCallOfModule(facts, use.module) ?? use.import.node, kind: 'library', module: use.module });
    }
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (Node.isPropertyAccessExpression(callee) && NEST_ROUTES.shutdownHookMethods.includes(callee.getName())) {
        found.push({ node: call, kind: 'nest-shutdown-hooks' });
      }
    }
    return found.sort((a, b) => a.node.getStart() - b.node.getStart());
  });
}

/** The first call of anything the module exports (`createTerminus(server, ...)`), as better evidence than the import. */
function firstCallOfModule(facts: FileFacts, module: string): CallExpression | undefined {
  return facts.nodes.ofKind(SyntaxKind.CallExpression).find((call) => {
    const origin = facts.origin(call.getExpression());
    return origin.kind === 'module' && origin.module === module;
  });
}

/**
 * Health endpoints served by a library rather than a route: the probe paths of
 * `createTerminus(server, { healthChecks: { '/healthz': ... } })`.
 */
export function libraryHealthPaths(facts: FileFacts): { node: Node; path: string; module: string }[] {
  return facts.memo('process.libraryHealthPaths', () => {
    const found: { node: Node; path: string; module: string }[] = [];
    for (const { module, option } of HEALTH_CHECK_OPTIONS) {
      if (!libraryImports(facts, 'graceful-shutdown').some((use) => use.module === module)) continue;
      for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
        const origin = facts.origin(call.getExpression());
        if (origin.kind !== 'module' || origin.module !== module) continue;
        for (const arg of call.getArguments()) {
          if (!Node.isObjectLiteralExpression(arg)) continue;
          const property = arg.getProperty(option);
          const value = property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
          if (!value || !Node.isObjectLiteralExpression(value)) continue;
          for (const entry of value.getProperties()) {
            const nameNode = Node.isPropertyAssignment(entry) ? entry.getNameNode() : undefined;
            const path = stringLiteralValue(nameNode) ?? (nameNode && Node.isIdentifier(nameNode) ? nameNode.getText() : undefined);
            if (path !== undefined) found.push({ node: entry, path, module });
          }
        }
      }
    }
    return found;
  });
}
