import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from './index';
import { samePath } from './origin';
import { possibleStrings } from './literals';
import { unwrapExpression } from './syntax';
import { mayHandleShutdown, shutdownLocationsIn, type ShutdownLocation } from './process';
import { mayRegisterMiddleware, NO_MIDDLEWARE, packageMiddlewareOf, type PackageMiddleware } from './middleware';

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
 * Facts about the program a file belongs to, from every file of its package:
 * what it does with failures nobody handled (the messages of floating-promise
 * depend on it), and the middleware it registers (rate limiters, CORS options),
 * which missing-rate-limit and permissive-cors read.
 */
export interface ProgramFacts {
  failureHandlers: readonly ProcessFailureHandler[];
  /**
   * Where the package handles SIGTERM (facts/process.ts `shutdownLocationsIn` over its files), the fact the
   * checklist's graceful-shutdown check reads too; undefined when the package's files are not known.
   */
  shutdownHandling?: readonly ShutdownLocation[];
  middleware: PackageMiddleware;
}

export const NO_PROGRAM_FACTS: ProgramFacts = { failureHandlers: [], middleware: NO_MIDDLEWARE };

/** A cheap test before parsing: a file whose text rules out every program fact contributes none. */
export function mayHaveProgramFacts(text: string): boolean {
  return mayRegisterFailureHandler(text) || mayRegisterMiddleware(text) || mayHandleShutdown(text);
}

/** The program facts of a set of files (a package's, or one file's when the package is not known). */
export function programFactsOf(sourceFiles: readonly SourceFile[]): ProgramFacts {
  return {
    failureHandlers: sourceFiles.flatMap(processFailureHandlersIn),
    shutdownHandling: sourceFiles.flatMap((sourceFile) => shutdownLocationsIn(sourceFile)),
    middleware: packageMiddlewareOf(sourceFiles),
  };
}

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
export function rejectionHandler(program: Pick<ProgramFacts, 'failureHandlers'>): ProcessFailureHandler | undefined {
  return program.failureHandlers.find((h) => h.event === 'unhandledRejection') ?? program.failureHandlers.find((h) => h.event === 'uncaughtException');
}
