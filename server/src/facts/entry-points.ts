import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import { samePath, type Origin } from './origin';
import { JOB_CONSUMERS, type JobConsumer } from './tables/workers';
import type { FileFacts } from './index';
import { workerStarts } from './process';
import { functionsReachableFrom, isRequestHandlingCode, requestHandlingFunctions } from './routes';

/**
 * Where code runs from, for rules that only apply to code that serves a request
 * or processes a job (rules.md conventions): a route handler or a queue
 * processor, or any function of the same file it calls.
 */
export type EntryPoint = 'request' | 'job';

/** `request` inside request-handling code, `job` inside job code, undefined elsewhere (start-up code, helpers nobody here calls). */
export function entryPointOf(node: Node, facts: FileFacts): EntryPoint | undefined {
  if (isRequestHandlingCode(node, facts)) return 'request';
  if (isJobCode(node, facts)) return 'job';
  return undefined;
}

/** True when the file has request-handling or job code at all: a cheap test before looking at each node. */
export function hasEntryPoints(facts: FileFacts): boolean {
  return requestHandlingFunctions(facts).size > 0 || jobFunctions(facts).size > 0;
}

/** True when `node` is inside a job processor started in this file or a function of this file it calls. */
export function isJobCode(node: Node, facts: FileFacts): boolean {
  const functions = jobFunctions(facts);
  if (functions.size === 0) return false;
  for (let current: Node | undefined = node; current; current = current.getParent()) {
    if (functions.has(current)) return true;
  }
  return false;
}

/** The job functions of a file and what they call in it: the processor of `new Worker(name, fn)`, `queue.process(fn)`, methods of a `@Processor()` class, a `@Cron()` method. */
export function jobFunctions(facts: FileFacts): ReadonlySet<Node> {
  return facts.memo('entry-points.jobFunctions', () =>
    functionsReachableFrom([...workerStarts(facts).flatMap((start) => processorsOf(start.node)), ...consumerHandlers(facts)], facts),
  );
}

/** The handlers of message consumers started in this file (tables/workers.ts `JOB_CONSUMERS`). */
function consumerHandlers(facts: FileFacts): Node[] {
  return consumerStarts(facts).flatMap((start) => start.handlers);
}

/** A message consumer started in this file: `channel.consume(queue, handler)`, `consumer.run({ eachMessage })`. */
export interface ConsumerStart {
  call: CallExpression;
  consumer: JobConsumer;
  handlers: Node[];
}

export function consumerStarts(facts: FileFacts): ConsumerStart[] {
  return facts.memo('entry-points.consumerStarts', () => {
    const text = facts.sourceFile.getFullText();
    const consumers = JOB_CONSUMERS.filter((consumer) => text.includes(consumer.module));
    if (consumers.length === 0) return [];
    const starts: ConsumerStart[] = [];
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const consumer = consumers.find((candidate) => startsConsumer(call, candidate, facts));
      if (consumer) starts.push({ call, consumer, handlers: handlersOf(call, consumer) });
    }
    return starts;
  });
}

function startsConsumer(call: CallExpression, consumer: JobConsumer, facts: FileFacts): boolean {
  const callee = call.getExpression();
  if (consumer.call) {
    const origin = facts.origin(callee);
    return origin.kind === 'module' && origin.module === consumer.module && samePath(origin.path, consumer.call);
  }
  if (!consumer.method || !Node.isPropertyAccessExpression(callee) || callee.getName() !== consumer.method) return false;
  return madeByModule(facts.origin(callee.getExpression()), consumer.module, facts);
}

/**
 * A value the module made: the result of a call (or a member of one) rooted in
 * the module, through awaits. A chain longer than one origin follows (a channel
 * of a connection of `amqp.connect()`) is taken up again at the const it stops on.
 */
function madeByModule(origin: Origin, module: string, facts: FileFacts): boolean {
  let current: Origin = origin;
  for (let i = 0, calls = 0; i < 12; i += 1) {
    if (current.kind === 'module') return calls > 0 && current.module === module;
    if (current.kind === 'call') {
      calls += 1;
      current = current.callee;
    } else if (current.kind === 'local' && Node.isVariableDeclaration(current.declaration) && current.declaration.getInitializer()) {
      current = facts.origin(current.declaration.getInitializerOrThrow());
    } else return false;
  }
  return false;
}

function handlersOf(call: CallExpression, consumer: JobConsumer): Node[] {
  const args = call.getArguments();
  if (consumer.argument !== undefined) return args[consumer.argument] ? [args[consumer.argument]!] : [];
  const handlers: Node[] = [];
  for (const argument of args) {
    if (!Node.isObjectLiteralExpression(argument)) continue;
    for (const name of consumer.options ?? []) {
      const property = argument.getProperty(name);
      if (property && Node.isPropertyAssignment(property)) handlers.push(property.getInitializerOrThrow());
      else if (property && Node.isMethodDeclaration(property)) handlers.push(property);
    }
  }
  return handlers;
}

function processorsOf(start: Node): Node[] {
  if (Node.isNewExpression(start) || Node.isCallExpression(start)) return start.getArguments();
  if (Node.isDecorator(start)) {
    const target = start.getParent();
    if (Node.isClassDeclaration(target)) return target.getMethods();
    if (Node.isMethodDeclaration(target)) return [target];
  }
  return [];
}
