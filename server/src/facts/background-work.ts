import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { consumerStarts } from './entry-points';
import { functionsOf, summarize, withoutArguments, type Failures, type FunctionLike } from './function-summary';
import { workerStarts } from './process';
import { returnsThenable } from './promises';
import { optionIn } from './queues';
import { functionsReachableFrom } from './routes';
import { unwrapExpression } from './syntax';
import { possibleStrings } from './literals';
import type { Acknowledgement, JobConsumer, WorkerStarter } from './tables/workers';

/**
 * What becomes of background work that fails, for consumers and schedulers
 * (job-without-retry): an amqplib consumer that acknowledges on delivery or
 * never hands a failed message back, and a scheduled callback whose rejection
 * nobody in the project handles.
 */

export type UnretriedConsumerKind = 'auto-ack' | 'acked-on-failure' | 'never-handed-back' | 'discarded-on-nack';

export interface UnretriedConsumer {
  call: CallExpression;
  consumer: JobConsumer;
  kind: UnretriedConsumerKind;
  /** `noAck: true`, or the acknowledgement that runs when handling fails. */
  evidence?: Node;
}

/** Consumers of this file whose failed messages are neither requeued nor dead-lettered. */
export function unretriedConsumers(facts: FileFacts): UnretriedConsumer[] {
  return facts.memo('background-work.unretriedConsumers', () => {
    const found: UnretriedConsumer[] = [];
    for (const start of consumerStarts(facts)) {
      const acknowledgement = start.consumer.acknowledgement;
      if (!acknowledgement) continue;
      const judged = judgeConsumer(start.call, acknowledgement, facts);
      if (judged) found.push({ call: start.call, consumer: start.consumer, ...judged });
    }
    return found;
  });
}

function judgeConsumer(call: CallExpression, acknowledgement: Acknowledgement, facts: FileFacts): Omit<UnretriedConsumer, 'call' | 'consumer'> | undefined {
  const autoAck = optionIn(call.getArguments()[acknowledgement.optionsArgument], acknowledgement.autoAckOption);
  if (autoAck.state === 'unknown') return undefined;
  if (autoAck.state === 'set') {
    const value = unwrapExpression(autoAck.value);
    if (value.getKind() === SyntaxKind.TrueKeyword) return { kind: 'auto-ack', evidence: autoAck.value.getParent() };
    if (value.getKind() !== SyntaxKind.FalseKeyword) return undefined;
  }
  const handler = call.getArguments()[1];
  const handlerFunctions = handler && functionsOf(handler);
  if (!handler || !handlerFunctions) return undefined;
  const reachable = [...functionsReachableFrom([handler], facts)];
  const calls = reachable.flatMap((fn) => fn.getDescendantsOfKind(SyntaxKind.CallExpression));
  const method = (candidate: CallExpression): string | undefined => {
    const callee = unwrapExpression(candidate.getExpression());
    return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
  };
  const handBacks = calls.filter((candidate) => acknowledgement.failureMethods.includes(method(candidate) ?? '') && !isPromiseStatic(candidate, facts));
  if (handBacks.length > 0) return discardsFailedMessages(call, handBacks, acknowledgement, facts);
  const acks = calls.filter((candidate) => acknowledgement.ackMethods.includes(method(candidate) ?? ''));
  // Acknowledged nowhere here: the message goes somewhere this file does not show.
  if (acks.length === 0 || handsMessageOff(handlerFunctions, calls, reachable)) return undefined;
  const onFailure = acks.find(runsWhenHandlingFails);
  if (onFailure) return { kind: 'acked-on-failure', evidence: onFailure };
  return handlerFunctions.some((fn) => canFail(withoutArguments(summarize(fn)).rejects) || canFail(withoutArguments(summarize(fn)).throws)) ? { kind: 'never-handed-back' } : undefined;
}

/**
 * Every `nack`/`reject` says `requeue: false`, and the consumed queue is declared
 * in this file with no dead-letter exchange: a failed message is thrown away.
 * (A broker policy may still give the queue one; the message says so.)
 */
function discardsFailedMessages(consume: CallExpression, handBacks: readonly CallExpression[], acknowledgement: Acknowledgement, facts: FileFacts): Omit<UnretriedConsumer, 'call' | 'consumer'> | undefined {
  const requeues = (handBack: CallExpression): boolean => {
    const callee = unwrapExpression(handBack.getExpression());
    const index = Node.isPropertyAccessExpression(callee) ? acknowledgement.requeueArgument[callee.getName()] : undefined;
    const argument = index === undefined ? undefined : handBack.getArguments()[index];
    return !argument || unwrapExpression(argument).getKind() !== SyntaxKind.FalseKeyword;
  };
  if (handBacks.some(requeues)) return undefined;
  const names = possibleStrings(consume.getArguments()[0]);
  if (!names || names.length !== 1) return undefined;
  const declarations = facts.nodes.ofKind(SyntaxKind.CallExpression).filter((candidate) => {
    const callee = unwrapExpression(candidate.getExpression());
    return Node.isPropertyAccessExpression(callee) && callee.getName() === acknowledgement.declareMethod && possibleStrings(candidate.getArguments()[0])?.[0] === names[0];
  });
  if (declarations.length === 0) return undefined;
  const deadLettered = declarations.some((declaration) => {
    const options = declaration.getArguments()[1];
    const states = [
      ...acknowledgement.deadLetterOptions.map((option) => optionIn(options, option)),
      ...acknowledgement.deadLetterArguments.map((header) => {
        const headers = optionIn(options, 'arguments');
        return headers.state === 'set' ? optionIn(headers.value, header) : headers;
      }),
    ];
    return states.some((state) => state.state !== 'missing');
  });
  return deadLettered ? undefined : { kind: 'discarded-on-nack', evidence: declarations[0] };
}

/** `Promise.reject(...)`: not a channel's `reject`. */
function isPromiseStatic(call: CallExpression, facts: FileFacts): boolean {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const origin = facts.origin(callee.getExpression());
  return origin.kind === 'global' && origin.path.length === 1 && origin.path[0] === 'Promise';
}

/** The message passed to a function this file does not show, which may nack it. */
function handsMessageOff(handlers: readonly FunctionLike[], calls: readonly CallExpression[], reachable: readonly Node[]): boolean {
  const messages = handlers
    .flatMap((fn) => (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) || Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn) ? fn.getParameters().slice(0, 1) : []))
    .map((parameter) => parameter.getNameNode().getSymbol()?.compilerSymbol)
    .filter((symbol) => symbol !== undefined);
  if (messages.length === 0) return false;
  return calls.some((call) => {
    const passesMessage = call.getArguments().some((argument) => Node.isIdentifier(argument) && messages.includes(argument.getSymbol()?.compilerSymbol as (typeof messages)[number]));
    if (!passesMessage) return false;
    const callee = unwrapExpression(call.getExpression());
    if (Node.isPropertyAccessExpression(callee) && ['ack', 'ackAll', 'nack', 'reject', 'nackAll'].includes(callee.getName())) return false;
    const targets = functionsOf(callee);
    return !targets || !targets.every((fn) => reachable.includes(fn));
  });
}

/** An acknowledgement inside a `catch` or `finally` block: it runs when handling has failed. */
function runsWhenHandlingFails(ack: Node): boolean {
  for (let current: Node | undefined = ack.getParent(); current; current = current.getParent()) {
    if (Node.isCatchClause(current)) return true;
    const parent = current.getParent();
    if (parent && Node.isTryStatement(parent) && parent.getFinallyBlock() === current) return true;
    if (Node.isArrowFunction(current) || Node.isFunctionExpression(current) || Node.isFunctionDeclaration(current) || Node.isMethodDeclaration(current)) return false;
  }
  return false;
}

/** An unexpected failure can escape: not only a designed one (not found, invalid input) or one already logged on its way. */
function canFail(failures: Failures): boolean {
  return failures.has('failure');
}

// ---------------------------------------------------------------------------
// Scheduled callbacks

export interface UnhandledScheduledRun {
  /** The scheduling call: `cron.schedule(...)`, `new CronJob(...)`. */
  start: Node;
  starter: WorkerStarter;
  callback: Node;
  /** What becomes of the failed run (tables/queues.ts). */
  fate: string;
}

/** Scheduled async callbacks of this file that can reject, where the scheduler does not log through the application. */
export function unhandledScheduledRuns(facts: FileFacts): UnhandledScheduledRun[] {
  return facts.memo('background-work.unhandledScheduledRuns', () => {
    const found: UnhandledScheduledRun[] = [];
    for (const start of workerStarts(facts)) {
      const schedule = start.starter.schedule;
      if (!schedule?.fate || (!Node.isCallExpression(start.node) && !Node.isNewExpression(start.node))) continue;
      const callback = scheduledCallback(start.node.getArguments(), schedule.callback);
      if (!callback || !returnsThenable(callback)) continue;
      const functions = functionsOf(callback);
      if (!functions || !functions.some((fn) => canFail(withoutArguments(summarize(fn)).rejects))) continue;
      found.push({ start: start.node, starter: start.starter, callback, fate: schedule.fate });
    }
    return found;
  });
}

function scheduledCallback(args: Node[], where: { argument: number } | { option: string }): Node | undefined {
  if ('argument' in where) {
    const argument = args[where.argument];
    // `new CronJob({ cronTime, onTick })`, the object form of the constructor.
    const literal = args.length === 1 && args[0] && unwrapExpression(args[0]);
    if (literal && Node.isObjectLiteralExpression(literal)) return callbackOption(literal, 'onTick');
    return argument;
  }
  const literal = args[0] && unwrapExpression(args[0]);
  return literal && Node.isObjectLiteralExpression(literal) ? callbackOption(literal, where.option) : undefined;
}

function callbackOption(literal: Node, name: string): Node | undefined {
  if (!Node.isObjectLiteralExpression(literal)) return undefined;
  const property = literal.getProperty(name);
  if (property && Node.isPropertyAssignment(property)) return property.getInitializer();
  if (property && (Node.isMethodDeclaration(property) || Node.isShorthandPropertyAssignment(property))) return Node.isShorthandPropertyAssignment(property) ? property.getNameNode() : property;
  return undefined;
}
