import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import { FileFacts } from './index';
import { samePath } from './origin';
import { libraryImports } from './imports';
import { excerpt, possibleStrings, stringLiteralValue } from './literals';
import { frameworkInstance, isConventionalReceiver, type RouteFramework } from './routes';
import { CONVENTIONAL_SERVER_NAMES, NEST_ROUTES, SERVE_FUNCTIONS } from './tables/frameworks';
import { HEALTH_CHECK_DECORATORS, HEALTH_CHECK_OPTIONS, LIBRARIES } from './tables/libraries';
import { FRAMEWORK_SHUTDOWN_HOOKS, WORKER_STARTERS, type WorkerStarter } from './tables/workers';
import { importDeclarationsOf } from './syntax';

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
  // Resolving every call's origin is what costs: only a file importing a serve function can call one.
  if (!importsServeFunctionModule(facts)) return undefined;
  const origin = facts.origin(callee);
  if (origin.kind !== 'module') return undefined;
  const serve = SERVE_FUNCTIONS.find((fn) => fn.module === origin.module && samePath(fn.path, origin.path));
  return serve ? { node: call, framework: serve.framework, via: 'serve-function' } : undefined;
}

function importsServeFunctionModule(facts: FileFacts): boolean {
  return facts.memo('process.importsServeFunctionModule', () => {
    const text = facts.sourceFile.getFullText();
    return SERVE_FUNCTIONS.some((fn) => text.includes(fn.module));
  });
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
  /** `framework-hook`: a shutdown hook that the framework loading this module runs on SIGTERM (Medusa's `onApplicationShutdown`). */
  kind: 'signal-handler' | 'library' | 'nest-shutdown-hooks' | 'framework-hook';
  /** The library's package, for `library`; the framework, for `framework-hook`. */
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
    found.push(...frameworkShutdownHooks(facts));
    return found.sort((a, b) => a.node.getStart() - b.node.getStart());
  });
}

/** `__hooks = { onApplicationShutdown: ... }` or `async onApplicationShutdown()` in a module of a framework that runs them on SIGTERM. */
function frameworkShutdownHooks(facts: FileFacts): ShutdownHandling[] {
  const imported = importDeclarationsOf(facts.sourceFile).map((declaration) => declaration.getModuleSpecifierValue());
  const found: ShutdownHandling[] = [];
  for (const { framework, modulePrefix, hooks } of FRAMEWORK_SHUTDOWN_HOOKS) {
    if (!imported.some((module) => module.startsWith(modulePrefix))) continue;
    const named = (node: Node): boolean => {
      const name = Node.isMethodDeclaration(node) || Node.isPropertyAssignment(node) ? node.getName() : undefined;
      return name !== undefined && hooks.includes(name);
    };
    for (const method of facts.nodes.ofKind(SyntaxKind.MethodDeclaration)) if (named(method)) found.push({ node: method, kind: 'framework-hook', module: framework });
    for (const property of facts.nodes.ofKind(SyntaxKind.PropertyAssignment)) if (named(property)) found.push({ node: property, kind: 'framework-hook', module: framework });
  }
  return found;
}

/** Long-running work started in this file that a deploy cuts off: a queue worker, a job scheduler, a cron job. */
export interface WorkerStart {
  node: Node;
  label: string;
  module: string;
  /** The table entry it matched (tables/workers.ts). */
  starter: WorkerStarter;
}

export function workerStarts(facts: FileFacts): WorkerStart[] {
  return facts.memo('process.workerStarts', () => {
    const imported = new Set(importDeclarationsOf(facts.sourceFile).map((declaration) => declaration.getModuleSpecifierValue()));
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const required = call.getArguments()[0];
      if (call.getExpression().getText() === 'require' && required && Node.isStringLiteral(required)) imported.add(required.getLiteralValue());
    }
    const starters = WORKER_STARTERS.filter((starter) => imported.has(starter.module));
    if (starters.length === 0) return [];
    const found: WorkerStart[] = [];
    const add = (node: Node, starter: WorkerStarter): void => {
      found.push({ node, label: starter.label, module: starter.module, starter });
    };
    for (const created of facts.nodes.ofKind(SyntaxKind.NewExpression)) {
      const origin = facts.origin(created.getExpression());
      const starter = starters.find((candidate) => candidate.how === 'construct' && isModuleExport(origin, candidate.module, candidate.path));
      if (starter) add(created, starter);
    }
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const starter = starters.find((candidate) => startsWork(call, candidate, facts));
      if (starter) add(call, starter);
    }
    for (const decorator of facts.nodes.ofKind(SyntaxKind.Decorator)) {
      const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
      const starter = starters.find((candidate) => candidate.how === 'decorator' && isModuleExport(origin, candidate.module, candidate.path));
      if (starter) add(decorator, starter);
    }
    return found.sort((a, b) => a.node.getStart() - b.node.getStart());
  });
}

function startsWork(call: CallExpression, starter: WorkerStarter, facts: FileFacts): boolean {
  if (starter.how === 'call') return isModuleExport(facts.origin(call.getExpression()), starter.module, starter.path);
  if (starter.how !== 'method') return false;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== starter.path[0]) return false;
  const receiver = facts.origin(callee.getExpression());
  if (receiver.kind !== 'call' || receiver.path.length !== 0 || receiver.callee.kind !== 'module') return false;
  const creator = receiver.callee;
  return creator.module === starter.module && (starter.created ?? [[]]).some((path) => samePath(path, creator.path));
}

function isModuleExport(origin: ReturnType<FileFacts['origin']>, module: string, path: readonly string[]): boolean {
  return origin.kind === 'module' && origin.module === module && samePath(origin.path, path);
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

/** Route handlers marked as health checks by a library, whatever their path: Nest Terminus `@HealthCheck()`. */
export function healthCheckHandlers(facts: FileFacts): { node: Node; module: string }[] {
  return facts.memo('process.healthCheckHandlers', () => {
    const found: { node: Node; module: string }[] = [];
    for (const decorator of facts.nodes.ofKind(SyntaxKind.Decorator)) {
      const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
      const known = HEALTH_CHECK_DECORATORS.find((entry) => isModuleExport(origin, entry.module, [entry.name]));
      if (known) found.push({ node: decorator, module: known.module });
    }
    return found;
  });
}

/** Where a file installs graceful shutdown, as plain data that can be collected over a whole package. */
export interface ShutdownLocation {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  kind: ShutdownHandling['kind'];
  module?: string;
  /** A one-line excerpt of the code, for evidence. */
  text: string;
}

/**
 * The one fact behind both the checklist's "Graceful shutdown handled" check and
 * the missing-graceful-shutdown rule: where a file handles SIGTERM. A package
 * (nearest package.json) handles it when any of its files does.
 */
export function shutdownLocationsIn(sourceFile: SourceFile): ShutdownLocation[] {
  if (!mayHandleShutdown(sourceFile.getFullText())) return [];
  return shutdownHandling(FileFacts.of(sourceFile)).map((handling) => ({
    file: sourceFile.getFilePath(),
    line: handling.node.getStartLineNumber(),
    kind: handling.kind,
    text: excerpt(handling.node),
    ...(handling.module ? { module: handling.module } : {}),
  }));
}

const SHUTDOWN_TOKENS = [
  'SIG',
  ...LIBRARIES['graceful-shutdown'].map((entry) => entry.module),
  ...NEST_ROUTES.shutdownHookMethods,
  ...FRAMEWORK_SHUTDOWN_HOOKS.map((hooks) => hooks.modulePrefix),
];

/** A cheap test before parsing: a file that names no signal, shutdown library or hook installs no shutdown handling. */
export function mayHandleShutdown(text: string): boolean {
  return SHUTDOWN_TOKENS.some((token) => text.includes(token));
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * A server bound to the loopback interface (`server.listen(0, '127.0.0.1')`,
 * `fastify.listen({ host: 'localhost' })`): a helper of the process itself (a
 * local proxy, a callback receiver), which no load balancer sends traffic to.
 */
export function isLoopbackListen(listen: ListenCall): boolean {
  const args = listen.node.getArguments();
  const options = args[0] && Node.isObjectLiteralExpression(args[0]) ? args[0].getProperty('host') : undefined;
  const host = options && Node.isPropertyAssignment(options) ? options.getInitializer() : args.find((arg, index) => index > 0 && possibleStrings(arg) !== undefined);
  const values = host ? possibleStrings(host) : undefined;
  return values !== undefined && values.length > 0 && values.every((value) => LOOPBACK_HOSTS.has(value));
}
