import { Node, SyntaxKind } from 'ts-morph';
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
  return facts.memo('entry-points.jobFunctions', () => functionsReachableFrom(workerStarts(facts).flatMap((start) => processorsOf(start.node)), facts));
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
