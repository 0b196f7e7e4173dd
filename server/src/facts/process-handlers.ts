import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from './index';
import { samePath } from './origin';
import { possibleStrings } from './literals';
import { unwrapExpression } from './syntax';
import type { ShutdownLocation } from './process';

export type ProcessFailureEvent = 'unhandledRejection' | 'uncaughtException';

/** `process.on('unhandledRejection', handler)`: where it is, and whether the handler ends the process. */
export interface ProcessFailureHandler {
  event: ProcessFailureEvent;
  /** The handler calls `process.exit(...)` or rethrows: the process still ends, after logging. */
  exits: boolean;
  file: string;
  /** 1-based. */
  line: number;
}

/**
 * What the program a file belongs to does with failures nobody handled,
 * from every file of its package: the messages of floating-promise depend on it.
 */
export interface ProgramFacts {
  failureHandlers: readonly ProcessFailureHandler[];
  /**
   * Where the package handles SIGTERM (facts/process.ts `shutdownLocationsIn` over its files), the fact the
   * checklist's graceful-shutdown check reads too; undefined when the package's files are not known.
   */
  shutdownHandling?: readonly ShutdownLocation[];
}

export const NO_PROGRAM_FACTS: ProgramFacts = { failureHandlers: [] };

const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const EVENTS: readonly ProcessFailureEvent[] = ['unhandledRejection', 'uncaughtException'];

/** A cheap test before parsing: a file that never names the events registers no handler for them. */
export function mayRegisterFailureHandler(text: string): boolean {
  return EVENTS.some((event) => text.includes(event));
}

/** The process-level failure handlers a file registers. */
export function processFailureHandlersIn(sourceFile: SourceFile): ProcessFailureHandler[] {
  if (!mayRegisterFailureHandler(sourceFile.getFullText())) return [];
  const facts = FileFacts.of(sourceFile);
  const handlers: ProcessFailureHandler[] = [];
  for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const callee = unwrapExpression(call.getExpression());
    if (!Node.isPropertyAccessExpression(callee) || !LISTENER_METHODS.has(callee.getName())) continue;
    const origin = facts.origin(callee.getExpression());
    const isProcess = (origin.kind === 'global' && samePath(origin.path, ['process'])) || (origin.kind === 'module' && origin.module === 'process' && origin.path.length === 0);
    if (!isProcess) continue;
    const [eventArgument, handler] = call.getArguments();
    for (const event of possibleStrings(eventArgument) ?? []) {
      if (!EVENTS.includes(event as ProcessFailureEvent)) continue;
      handlers.push({ event: event as ProcessFailureEvent, exits: handlerExits(handler), file: sourceFile.getFilePath(), line: call.getStartLineNumber() });
    }
  }
  return handlers;
}

function handlerExits(handler: Node | undefined): boolean {
  if (!handler) return false;
  const fn = unwrapExpression(handler);
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn)) return false;
  return fn.getDescendants().some((node) => {
    if (Node.isThrowStatement(node)) return true;
    if (!Node.isCallExpression(node)) return false;
    const callee = unwrapExpression(node.getExpression());
    return Node.isPropertyAccessExpression(callee) && callee.getName() === 'exit' && callee.getExpression().getText() === 'process';
  });
}

/** The handler that receives a promise rejection nobody handled: `unhandledRejection`, else (Node ≥ 15) `uncaughtException`. */
export function rejectionHandler(program: ProgramFacts): ProcessFailureHandler | undefined {
  return program.failureHandlers.find((h) => h.event === 'unhandledRejection') ?? program.failureHandlers.find((h) => h.event === 'uncaughtException');
}
