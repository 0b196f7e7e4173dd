import { Node, SyntaxKind, type CallExpression, type NewExpression, type SourceFile, type ts } from 'ts-morph';
import { FileFacts } from './index';
import { propertyStringValue } from './literals';
import { samePath, type Origin } from './origin';
import { isFunctionScope, isInAsyncFunction, unwrapExpression } from './syntax';

/** Where a scan of a body stops: nested functions and classes run apart from it. */
function isFunctionBoundary(node: Node): boolean {
  return isFunctionScope(node) || Node.isClassDeclaration(node) || Node.isClassExpression(node);
}
import { isThenableType } from './promises';
import { isLogOrReportCall } from './logging';
import { isPureCall, probeKind } from './error-probes';
import { designedFailureOfDatabaseCall, isDatabaseWrite } from './database';
import { declaredInstanceOrigin } from './declared-types';
import {
  BY_DESIGN_ERROR_NAME,
  IN_MEMORY_LOOKUP_METHODS,
  NEVER_REJECTING_CALLS,
  NEVER_REJECTING_GLOBALS,
  NEVER_REJECTING_METHODS,
  NEVER_REJECTING_RESULTS,
  SYNC_IO_MODULES,
  THROWING_LOOKUP_CLASSES,
  CACHE_READ,
  isByDesignStatus,
  type ExpectedOutcome,
} from './tables/failures';
import { projectGeneration } from '../parse/project';

/**
 * What can escape from a piece of code when it fails:
 * - `failure`: an unexpected failure (I/O, a bug, an unknown callee) that someone should hear about;
 * - `by-design`: a failure that is the answer to a question: "not found", "not allowed",
 *   "invalid" (`throw new NotFoundException()`, `JSON.parse`, `findUniqueOrThrow`);
 * - `reported`: a failure the code it passes through has already logged or reported
 *   (a callee whose catch logs, then rethrows);
 * - `invalid-input`: a library parser or validator rejecting its input (`JSON.parse`,
 *   `new URL`, `BigInt`, `jwt.verify`): designed too, but raised by a library call
 *   rather than by the project's own `throw`.
 */
export type FailureKind = 'failure' | 'by-design' | 'reported' | 'invalid-input' | ParamKind;

/**
 * Inside a summary's scan only: "whatever argument `i` fails with" (the
 * function awaits or calls its parameter `i`). Resolved at each call site
 * with the argument given there (facts about `handleWrapper(handleKeyup)`),
 * never seen outside this module.
 */
type ParamKind = `param:${number}` | `call:${number}`;

function isParamKind(kind: FailureKind): kind is ParamKind {
  return kind.startsWith('param:') || kind.startsWith('call:');
}

export type Failures = ReadonlySet<FailureKind>;

const NONE: Failures = new Set();
const UNKNOWN: Failures = new Set<FailureKind>(['failure']);

/**
 * The three questions every rule asks about a function, answered once per
 * function (and per version of the project) from its body, following the
 * project's own callees across files (methods through the type checker).
 */
export interface FunctionSummary {
  /** What its returned promise can reject with (async functions, and functions that return a promise). */
  rejects: Failures;
  /** What a call can throw synchronously (never anything for an async function). */
  throws: Failures;
  /**
   * What it throws synchronously by itself: its own `throw`s, probes and
   * synchronous I/O, not what the synchronous helpers it calls throw. Callers
   * take this: an invariant check two helpers down (`throw new Error("unknown
   * store")`) is not a failure a caller should plan for.
   */
  ownThrows: Failures;
  /** It does its work inside a `try` whose catch does not rethrow, and nothing fallible escapes. */
  catchesEverything: boolean;
  /** It logs or reports somewhere in its own body (a logging helper, a failure counter). */
  reports: boolean;
  /**
   * It is a question whose "no" is a thrown error: it throws by design
   * ("not found", "not allowed", "invalid") and writes nothing. A caller that
   * catches its failure is answering that question, even though the lookup's
   * own I/O could fail too.
   */
  probe: boolean;
  /** It writes through a database client, itself or through its callees. */
  writes: boolean;
  /**
   * Parameters whose failures escape, by index: those it awaits (`await task`,
   * `await fn()`) and those it only calls (`next()`, `callback(err)`). A call
   * site adds what its arguments fail with (callSummary).
   */
  dependsOn: { awaited: ReadonlySet<number>; called: ReadonlySet<number> };
  /** An async function: what it throws becomes what its promise rejects with. */
  async: boolean;
}

const NO_DEPENDENCIES: FunctionSummary['dependsOn'] = { awaited: new Set(), called: new Set() };

export type FunctionLike = Node & { getBody(): Node | undefined; isAsync?(): boolean };

const CONSERVATIVE: FunctionSummary = { rejects: UNKNOWN, throws: UNKNOWN, ownThrows: UNKNOWN, catchesEverything: false, reports: false, probe: false, writes: false, dependsOn: NO_DEPENDENCIES, async: false };
/** A recursive call adds nothing to what its function already does (the least fixed point). */
const RECURSIVE: FunctionSummary = { rejects: NONE, throws: NONE, ownThrows: NONE, catchesEverything: false, reports: false, probe: false, writes: false, dependsOn: NO_DEPENDENCIES, async: false };
const MAX_DEPTH = 6;
/** A lookup that throws "not found" does one or two fallible things; a function that does more is not a mere question. */
const MAX_PROBE_FAILURE_POINTS = 2;

/** True when nothing unexpected can escape: no failure, or only designed or already-reported ones. */
export function onlyExpected(failures: Failures): boolean {
  return !failures.has('failure');
}

/** True when what can escape is only "not found / not allowed / invalid" by design (and something can). */
export function isProbeOnly(failures: Failures): boolean {
  return (failures.has('by-design') || failures.has('invalid-input')) && !failures.has('failure');
}

export function union(...sets: Failures[]): Failures {
  const out = new Set<FailureKind>();
  for (const set of sets) for (const kind of set) out.add(kind);
  return out;
}

// ---------------------------------------------------------------------------
// Summaries, memoised per function node and project version

interface Memo {
  generation: number;
  summary: FunctionSummary;
}

const memo = new WeakMap<ts.Node, Memo>();
const inProgress = new Set<ts.Node>();
let depth = 0;

export function summarize(fn: FunctionLike): FunctionSummary {
  const key = fn.compilerNode;
  const generation = projectGeneration(fn.getProject());
  const cached = memo.get(key);
  if (cached && cached.generation === generation) return cached.summary;
  if (inProgress.has(key)) return RECURSIVE;
  if (depth >= MAX_DEPTH) return CONSERVATIVE;
  inProgress.add(key);
  depth += 1;
  try {
    const summary = computeSummary(fn);
    memo.set(key, { generation, summary });
    return summary;
  } finally {
    depth -= 1;
    inProgress.delete(key);
  }
}

function computeSummary(fn: FunctionLike): FunctionSummary {
  const body = fn.getBody();
  if (!body) return CONSERVATIVE;
  if (isGenerator(fn)) return CONSERVATIVE;
  const isAsync = fn.isAsync?.() ?? false;
  const parameters = (fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
  const scan = new FailureScan(facts(fn.getSourceFile()), isAsync, {}, parameters);
  if (Node.isBlock(body)) {
    scan.visitStatements(body.getStatements(), GUARD_NONE);
  } else {
    scan.visitReturned(body, GUARD_NONE);
  }
  const escaping = union(scan.syncEscapes, scan.asyncEscapes);
  const rejects = splitParams(isAsync ? union(escaping, scan.returned) : scan.returned);
  const throws = splitParams(isAsync ? NONE : scan.syncEscapes);
  return {
    rejects: rejects.failures,
    throws: throws.failures,
    ownThrows: splitParams(isAsync ? NONE : scan.ownSyncEscapes).failures,
    dependsOn: {
      awaited: new Set([...rejects.awaited, ...throws.awaited]),
      called: new Set([...rejects.called, ...throws.called]),
    },
    async: isAsync,
    catchesEverything: scan.absorbedSomething && escaping.size === 0 && scan.returned.size === 0,
    reports: scan.reports,
    // Its own `throw new NotFoundException()` after a lookup or two, or a thin wrapper around one probe.
    probe: !scan.writes && ((scan.throwsByDesign && scan.failurePoints <= MAX_PROBE_FAILURE_POINTS) || (scan.failurePoints === 0 && scan.byDesignPoints === 1)),
    writes: scan.writes,
  };
}

function splitParams(kinds: Failures): { failures: Failures; awaited: Set<number>; called: Set<number> } {
  const failures = new Set<FailureKind>();
  const awaited = new Set<number>();
  const called = new Set<number>();
  for (const kind of kinds) {
    if (!isParamKind(kind)) failures.add(kind);
    else if (kind.startsWith('param:')) awaited.add(Number(kind.slice('param:'.length)));
    else called.add(Number(kind.slice('call:'.length)));
  }
  return { failures, awaited, called };
}

/**
 * A summary where nothing is known of the arguments (a callback handed to a
 * timer or an emitter, `cannotReject(fn)`): a parameter it awaits or calls
 * may fail with anything.
 */
export function withoutArguments(summary: FunctionSummary): FunctionSummary {
  // A callback it only calls is judged like any unknown synchronous call (it does not throw); one it awaits may reject.
  if (summary.dependsOn.awaited.size === 0) return summary.dependsOn.called.size === 0 ? summary : { ...summary, dependsOn: NO_DEPENDENCIES, async: false };
  return { ...summary, rejects: union(summary.rejects, UNKNOWN), dependsOn: NO_DEPENDENCIES, async: false };
}

function isGenerator(fn: FunctionLike): boolean {
  return (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) || Node.isMethodDeclaration(fn)) && fn.isGenerator();
}

function facts(sourceFile: SourceFile): FileFacts {
  return FileFacts.of(sourceFile);
}

// ---------------------------------------------------------------------------
// What a block, a call, or a promise can fail with

/**
 * What can reach a `catch` from its try block: unexpected failures, designed
 * ones (probes) and already-reported ones. Synchronous calls into libraries
 * count as unable to fail unless they do I/O (`fs.writeFileSync`) or are
 * probes (`JSON.parse`): a catch around in-memory work answers a question
 * about its input.
 */
export function failuresReaching(tryBlock: Node, options: ScanOptions = {}): Failures {
  const scan = new FailureScan(facts(tryBlock.getSourceFile()), isInAsyncFunction(tryBlock), { ...options, ownThrowsByDesign: true });
  if (Node.isBlock(tryBlock)) scan.visitStatements(tryBlock.getStatements(), GUARD_NONE);
  else scan.visit(tryBlock, GUARD_NONE);
  return union(scan.syncEscapes, scan.asyncEscapes);
}

/** What the promise an expression evaluates to can reject with (`failure` when nothing is known). */
export function rejectionsOf(expression: Node, options: ScanOptions = {}): Failures {
  return new FailureScan(facts(expression.getSourceFile()), true, options).rejections(expression, 0);
}

/** The project functions a call runs, or undefined when any of them is not the project's own source. */
export function calleeFunctions(call: CallExpression | NewExpression): FunctionLike[] | undefined {
  return functionsOf(call.getExpression());
}

/** The summary of what a call runs: the union over its possible callees, or undefined when not known. */
export function callSummary(call: CallExpression | NewExpression): FunctionSummary | undefined {
  const functions = calleeFunctions(call);
  if (!functions || functions.length === 0) return undefined;
  const summaries = functions.map((fn) => withArguments(summarize(fn), call));
  return {
    rejects: union(...summaries.map((s) => s.rejects)),
    throws: union(...summaries.map((s) => s.throws)),
    ownThrows: union(...summaries.map((s) => s.ownThrows)),
    catchesEverything: summaries.every((s) => s.catchesEverything),
    reports: summaries.some((s) => s.reports),
    probe: summaries.every((s) => s.probe),
    writes: summaries.some((s) => s.writes),
    dependsOn: NO_DEPENDENCIES,
    async: summaries.some((s) => s.async),
  };
}

/** The summary at one call site: what the arguments it awaits or calls fail with, added. */
function withArguments(summary: FunctionSummary, call: CallExpression | NewExpression): FunctionSummary {
  const { awaited, called } = summary.dependsOn;
  if (awaited.size === 0 && called.size === 0) return summary;
  const args = call.getArguments();
  const awaitedFailures = union(...[...awaited].map((index) => argumentFailures(args[index], 'awaited')));
  const calledFailures = union(...[...called].map((index) => argumentFailures(args[index], 'called')));
  return {
    ...summary,
    rejects: union(summary.rejects, awaitedFailures, summary.async ? calledFailures : NONE),
    throws: summary.async ? summary.throws : union(summary.throws, calledFailures),
    ownThrows: summary.async ? summary.ownThrows : union(summary.ownThrows, calledFailures),
    dependsOn: NO_DEPENDENCIES,
  };
}

/**
 * What an argument fails with when the callee awaits or calls it: a project
 * function's summary, a promise's rejections; an unknown function only calls
 * like any unknown synchronous call (nothing), and may reject when awaited.
 */
function argumentFailures(argument: Node | undefined, use: 'awaited' | 'called'): Failures {
  if (!argument) return NONE;
  if (Node.isSpreadElement(argument)) return use === 'awaited' ? UNKNOWN : NONE;
  const functions = functionsOf(argument);
  if (functions && functions.length > 0) {
    return union(...functions.map((fn) => withoutArguments(summarize(fn))).map((s) => union(s.rejects, s.ownThrows)));
  }
  if (use === 'called') return NONE;
  const type = argument.getType();
  if (type.getCallSignatures().length > 0 || type.isAny() || type.isUnknown()) return UNKNOWN;
  return rejectionsOf(argument);
}

type Guard = 'none' | 'absorbed' | 'reported';

export interface ScanOptions {
  /**
   * The outcomes the catch answers with. A single-row write that throws by
   * design (Prisma `update`/`delete` when the key matches nothing, `create`
   * on a unique collision) fails by design only for a catch that answers that
   * outcome ("not found", "already exists"), not for one that says "failed".
   */
  expectedOutcomes?: ReadonlySet<ExpectedOutcome>;
  /**
   * Only what the promise rejects with, not what the call throws before it
   * returns one (a floating promise's concern; a synchronous throw reaches the caller).
   */
  promiseOnly?: boolean;
  /** The scanned code's own `throw` statements are designed failures (a try block's jumps to its catch). */
  ownThrowsByDesign?: boolean;
}
const GUARD_NONE: Guard = 'none';

class FailureScan {
  syncEscapes = new Set<FailureKind>();
  asyncEscapes = new Set<FailureKind>();
  /** Synchronous escapes raised by the code itself (throws, probes, synchronous I/O), not by project callees. */
  ownSyncEscapes = new Set<FailureKind>();
  /** What returned promises (`return somePromise()`) can reject with. */
  returned = new Set<FailureKind>();
  absorbedSomething = false;
  reports = false;
  /** It writes through a database client (then it is not a mere question, whatever it throws). */
  writes = false;
  /** Its own `throw` raises a designed failure ("not found", "not allowed"). */
  throwsByDesign = false;
  /** How many places let a designed failure escape (its throws, probes it calls). */
  byDesignPoints = 0;
  /** How many places can let an unexpected failure escape. */
  failurePoints = 0;
  private readonly awaited = new Set<Node>();
  /** Failures a `throw err` of the enclosing catch's binding rethrows. */
  private readonly rethrown = new Map<string, Failures>();

  constructor(
    private readonly fileFacts: FileFacts,
    private readonly isAsync: boolean,
    private readonly options: ScanOptions = {},
    /** The summarised function's parameters: awaiting or calling one depends on the call site's argument. */
    private readonly parameters: readonly Node[] = [],
  ) {}

  /** `param:i` (awaited) or `call:i` (called) when `node` names parameter `i` of the summarised function. */
  private parameterKind(node: Node, use: 'param' | 'call' = 'param'): Failures | undefined {
    if (this.parameters.length === 0 || !Node.isIdentifier(node)) return undefined;
    const declaration = node.getSymbol()?.getValueDeclaration();
    const index = declaration ? this.parameters.indexOf(declaration) : -1;
    return index === -1 ? undefined : new Set<FailureKind>([`${use}:${index}`]);
  }

  private escape(kinds: Failures, guard: Guard, async: boolean, own = false): void {
    if (kinds.size === 0) return;
    if (guard === 'absorbed') {
      this.absorbedSomething = true;
      return;
    }
    if (own && !async) for (const kind of kinds) this.ownSyncEscapes.add(guard === 'reported' && kind === 'failure' ? 'reported' : kind);
    const target = async ? this.asyncEscapes : this.syncEscapes;
    if (kinds.has('failure')) this.failurePoints += 1;
    if (kinds.has('by-design')) this.byDesignPoints += 1;
    for (const kind of kinds) target.add(guard === 'reported' && kind === 'failure' ? 'reported' : kind);
  }

  visitStatements(statements: Node[], guard: Guard): void {
    for (const statement of statements) this.visit(statement, guard);
  }

  visit(node: Node, guard: Guard): void {
    if (isFunctionBoundary(node)) return;
    if (Node.isTryStatement(node)) return this.visitTry(node, guard);
    if (Node.isThrowStatement(node)) {
      // In a try block, the author's own `throw` is a jump to the catch that answers it.
      const thrown = (this.options.ownThrowsByDesign && guard === 'none') || isNotFoundThrow(node) ? BY_DESIGN : this.thrownKinds(node.getExpression());
      if (thrown.has('by-design') && guard !== 'absorbed') this.throwsByDesign = true;
      this.escape(thrown, guard, false, true);
      this.visit(node.getExpression(), guard);
      return;
    }
    if (Node.isReturnStatement(node)) {
      const value = node.getExpression();
      if (value) this.visitReturned(value, guard);
      return;
    }
    if (Node.isAwaitExpression(node)) {
      const operand = unwrapExpression(node.getExpression());
      this.awaited.add(operand);
      if (!isResultTupleAwait(node, operand)) this.escape(this.rejections(operand, 0), guard, true);
      // The awaited call still logs or writes (`await prisma.user.update(...)`); visitCall skips its throws.
      if (Node.isCallExpression(operand) || Node.isNewExpression(operand)) this.visitCall(operand, guard);
      this.visitChildren(operand, guard);
      return;
    }
    if (Node.isForOfStatement(node) && node.isAwaited()) this.escape(UNKNOWN, guard, true);
    if (Node.isCallExpression(node) || Node.isNewExpression(node)) this.visitCall(node, guard);
    this.visitChildren(node, guard);
  }

  private visitChildren(node: Node, guard: Guard): void {
    node.forEachChild((child) => this.visit(child, guard));
  }

  /** A returned value: in an async function (or as a function's result) its promise is adopted, outside any try. */
  visitReturned(value: Node, guard: Guard): void {
    const inner = unwrapExpression(value);
    if (Node.isAwaitExpression(inner)) {
      this.visit(inner, guard);
      return;
    }
    if (this.isAsync ? mayBePromise(inner) : returnsPromise(inner, this.fileFacts)) {
      this.awaited.add(inner);
      // Returned from a catch that logged (`return throwErr(EMAIL_FAILED)`): recorded on its way out too.
      for (const kind of this.rejections(inner, 0)) this.returned.add(guard === 'reported' && kind === 'failure' ? 'reported' : kind);
      if (Node.isCallExpression(inner) || Node.isNewExpression(inner)) {
        this.escape(this.syncThrows(inner), guard, false);
        this.visitCall(inner, guard);
      }
      this.visitChildren(inner, guard);
      return;
    }
    this.visit(inner, guard);
  }

  private visitTry(statement: Node & { getTryBlock(): Node; getCatchClause(): Node | undefined; getFinallyBlock(): Node | undefined }, guard: Guard): void {
    const clause = statement.getCatchClause();
    const finallyBlock = statement.getFinallyBlock();
    if (!clause || !Node.isCatchClause(clause)) {
      this.visit(statement.getTryBlock(), guard);
      if (finallyBlock) this.visit(finallyBlock, guard);
      return;
    }
    // What the try block can throw, as the catch sees it.
    const inner = new FailureScan(this.fileFacts, this.isAsync, this.options, this.parameters);
    for (const [name, kinds] of this.rethrown) inner.rethrown.set(name, kinds);
    inner.visit(statement.getTryBlock(), GUARD_NONE);
    const reaching = union(inner.syncEscapes, inner.asyncEscapes);
    for (const kind of inner.returned) this.returned.add(kind);
    if (inner.reports) this.reports = true;
    if (inner.writes) this.writes = true;
    if (reaching.size > 0 || inner.absorbedSomething) this.absorbedSomething = true;

    const binding = clause.getVariableDeclaration()?.getNameNode();
    const bindingName = binding && Node.isIdentifier(binding) ? binding.getText() : undefined;
    const block = clause.getBlock();
    const logs = this.blockLogs(block);
    const previous = bindingName !== undefined ? this.rethrown.get(bindingName) : undefined;
    if (bindingName !== undefined) {
      const rethrows = logs ? new Set<FailureKind>([...reaching].map((k) => (k === 'failure' ? 'reported' : k))) : reaching;
      this.rethrown.set(bindingName, rethrows);
    }
    // What escapes a catch that logged has been recorded on its way out.
    this.visit(block, logs && guard === 'none' ? 'reported' : guard);
    if (bindingName !== undefined) {
      if (previous) this.rethrown.set(bindingName, previous);
      else this.rethrown.delete(bindingName);
    }
    if (finallyBlock) this.visit(finallyBlock, guard);
  }

  private blockLogs(block: Node): boolean {
    let found = false;
    const visit = (node: Node): void => {
      if (found || isFunctionBoundary(node)) return;
      if (Node.isCallExpression(node) && (isLogOrReportCall(node, this.fileFacts) || callSummary(node)?.reports)) found = true;
      else node.forEachChild(visit);
    };
    block.forEachChild(visit);
    return found;
  }

  private visitCall(call: CallExpression | NewExpression, guard: Guard): void {
    if (Node.isCallExpression(call) && isLogOrReportCall(call, this.fileFacts)) this.reports = true;
    if (Node.isCallExpression(call) && isDatabaseWrite(call, this.fileFacts)) this.writes = true;
    if (this.awaited.has(call)) return;
    this.escape(this.syncThrows(call), guard, false, callSummary(call) === undefined);
  }

  /** What a call throws synchronously: a project function's own throws, a probe, or synchronous I/O. */
  private syncThrows(call: CallExpression | NewExpression): Failures {
    const callee = unwrapExpression(call.getExpression());
    const parameter = this.parameterKind(callee, 'call');
    if (parameter) return parameter;
    if (Node.isArrowFunction(callee) || Node.isFunctionExpression(callee)) {
      const summary = withArguments(summarize(callee as FunctionLike), call);
      if (summary.reports) this.reports = true;
      return summary.ownThrows;
    }
    // The project's own function is judged by its body, not by its name (`assertX`, `parseY`).
    const summary = callSummary(call);
    if (summary) {
      if (summary.reports) this.reports = true;
      if (summary.writes) this.writes = true;
      return summary.probe && summary.ownThrows.size > 0 ? BY_DESIGN : summary.ownThrows;
    }
    const probe = probeKind(call, this.fileFacts);
    if (probe) return loadsOwnModule(call) ? NONE : INVALID_INPUT;
    if (isSyncIo(this.fileFacts.origin(callee))) return UNKNOWN;
    return NONE;
  }

  /** What the promise `expression` evaluates to can reject with. */
  rejections(expression: Node, level: number): Failures {
    if (level > MAX_DEPTH) return UNKNOWN;
    const node = unwrapExpression(expression);
    if (Node.isAwaitExpression(node)) return this.rejections(node.getExpression(), level + 1);
    if (Node.isConditionalExpression(node)) return union(this.rejections(node.getWhenTrue(), level + 1), this.rejections(node.getWhenFalse(), level + 1));
    if (Node.isBinaryExpression(node)) {
      const operator = node.getOperatorToken().getKind();
      if (operator === SyntaxKind.BarBarToken || operator === SyntaxKind.QuestionQuestionToken || operator === SyntaxKind.AmpersandAmpersandToken) {
        return union(this.rejections(node.getLeft(), level + 1), this.rejections(node.getRight(), level + 1));
      }
    }
    if (Node.isCallExpression(node)) return this.callRejections(node, level);
    if (Node.isNewExpression(node)) return this.newRejections(node);
    const parameter = this.parameterKind(node);
    if (parameter) return parameter;
    if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
      const values = assignedValues(node);
      if (values) return union(...values.map((value) => this.rejections(value, level + 1)));
    }
    return knownNotPromise(node) ? NONE : UNKNOWN;
  }

  private callRejections(call: CallExpression, level: number): Failures {
    const callee = unwrapExpression(call.getExpression());
    const args = call.getArguments();
    const parameter = this.parameterKind(callee);
    if (parameter) return parameter;
    if (Node.isPropertyAccessExpression(callee)) {
      const method = callee.getName();
      const receiver = callee.getExpression();
      if (method === 'catch' && args.length >= 1) return handlerFailures(args[0]!);
      if (method === 'then' && args.length >= 2) return union(handlerFailures(args[0]!), handlerFailures(args[1]!));
      if (method === 'then' && args.length === 1) {
        // An inline handler is this function's own code: its designed throws are this function's.
        const handler = unwrapExpression(args[0]!);
        if ((Node.isArrowFunction(handler) || Node.isFunctionExpression(handler)) && summarize(handler as FunctionLike).ownThrows.has('by-design')) this.throwsByDesign = true;
        return union(this.rejections(receiver, level + 1), handlerFailures(args[0]!));
      }
      if (method === 'finally') return union(this.rejections(receiver, level + 1), handlerFailures(args[0]));
    }
    if (Node.isArrowFunction(callee) || Node.isFunctionExpression(callee)) {
      const summary = withArguments(summarize(callee as FunctionLike), call);
      return union(summary.rejects, summary.throws);
    }
    const origin = this.fileFacts.origin(callee);
    if (origin.kind === 'global') {
      if (NEVER_REJECTING_GLOBALS.some((path) => samePath(origin.path, path))) return NONE;
      if (samePath(origin.path, ['Promise', 'all']) || samePath(origin.path, ['Promise', 'race']) || samePath(origin.path, ['Promise', 'any'])) {
        return this.combinedRejections(args[0], level);
      }
    }
    if (isNeverRejectingCall(origin) || this.isNeverRejectingMethod(callee) || isPureCall(call, this.fileFacts)) return NONE;
    if (this.isThrowingLookup(callee)) return BY_DESIGN;
    const designed = designedFailureOfDatabaseCall(call, this.fileFacts);
    if (designed?.kind === 'lookup' || (designed?.kind === 'keyed-write' && this.options.expectedOutcomes?.has(designed.outcome))) return BY_DESIGN;
    const summary = callSummary(call);
    if (summary) {
      if (summary.writes) this.writes = true;
      const failures = this.options.promiseOnly ? summary.rejects : union(summary.rejects, summary.ownThrows);
      return summary.probe && failures.size > 0 ? BY_DESIGN : failures;
    }
    if (isCacheRead(call, origin)) return BY_DESIGN;
    if (probeKind(call, this.fileFacts)) return INVALID_INPUT;
    return knownNotPromise(call) ? NONE : UNKNOWN;
  }

  /** `Promise.all([a(), b()])`, `Promise.all(items.map(async (item) => ...))`. */
  private combinedRejections(argument: Node | undefined, level: number): Failures {
    if (!argument) return NONE;
    const list = unwrapExpression(argument);
    if (Node.isArrayLiteralExpression(list)) {
      return union(...list.getElements().map((element) => (Node.isSpreadElement(element) ? UNKNOWN : this.rejections(element, level + 1))));
    }
    if (Node.isCallExpression(list)) {
      const callee = unwrapExpression(list.getExpression());
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'map' && list.getArguments()[0]) {
        return handlerFailures(list.getArguments()[0]!);
      }
    }
    return UNKNOWN;
  }

  /** `this.executions.retrieve(id)` on a Medusa module service: throws NOT_FOUND by design. */
  private isThrowingLookup(callee: Node): boolean {
    if (!Node.isPropertyAccessExpression(callee)) return false;
    const instance = declaredInstanceOrigin(callee.getExpression(), this.fileFacts);
    if (!instance) return false;
    return THROWING_LOOKUP_CLASSES.some(
      (entry) => entry.modules.includes(instance.module) && entry.className.test(instance.className) && entry.methods.test(callee.getName()),
    );
  }

  private isNeverRejectingMethod(callee: Node): boolean {
    if (!Node.isPropertyAccessExpression(callee)) return false;
    const instance = declaredInstanceOrigin(callee.getExpression(), this.fileFacts);
    if (!instance) return false;
    return NEVER_REJECTING_METHODS.some(
      (entry) => entry.module === instance.module && entry.className === instance.className && entry.methods.includes(callee.getName()),
    );
  }

  /** `new Promise((resolve) => ...)` rejects only if its executor uses `reject` or throws. */
  private newRejections(expression: NewExpression): Failures {
    const origin = this.fileFacts.origin(expression.getExpression());
    if (origin.kind === 'global' && samePath(origin.path, ['Promise'])) {
      const executor = expression.getArguments()[0];
      const fn = executor && unwrapExpression(executor);
      if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) return UNKNOWN;
      const reject = fn.getParameters()[1];
      if (reject && reject.getNameNode().getText() !== '_' && referencedIn(fn.getBody(), reject.getNameNode().getText())) return UNKNOWN;
      return summarize(fn as FunctionLike).throws;
    }
    return knownNotPromise(expression) ? NONE : UNKNOWN;
  }

  /** Is the thrown value a designed "not found / not allowed / invalid", a rethrow, or a failure? */
  private thrownKinds(expression: Node | undefined): Failures {
    if (!expression) return UNKNOWN;
    const node = unwrapExpression(expression);
    if (Node.isIdentifier(node)) return this.rethrown.get(node.getText()) ?? UNKNOWN;
    if (Node.isNewExpression(node) || Node.isCallExpression(node)) return isByDesignError(node) ? BY_DESIGN : UNKNOWN;
    // `throw 'The password reset link has expired'`, `throw errors.fileNotFound`.
    const text = Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) ? node.getLiteralValue() : Node.isPropertyAccessExpression(node) ? node.getName() : undefined;
    if (text !== undefined && BY_DESIGN_ERROR_NAME.test(text)) return BY_DESIGN;
    // `throw errors.fileOutsideAllowedScope` where `errors = { fileOutsideAllowedScope: 'not allowed to read ...' }`.
    const message = Node.isPropertyAccessExpression(node) ? propertyStringValue(node) : undefined;
    return message !== undefined && BY_DESIGN_ERROR_NAME.test(message) ? BY_DESIGN : UNKNOWN;
  }
}

/**
 * `const found = items.find(...); if (!found) throw new Error(...)`: after a
 * lookup in memory (no I/O it could stand for), the throw answers "no such
 * key", whatever its message says. After a database read the message decides.
 */
function isNotFoundThrow(statement: Node): boolean {
  let guard = statement.getParent();
  if (guard && Node.isBlock(guard) && guard.getStatements().length === 1) guard = guard.getParent();
  if (!guard || !Node.isIfStatement(guard) || guard.getElseStatement()) return false;
  const condition = unwrapExpression(guard.getExpression());
  if (!Node.isPrefixUnaryExpression(condition) || condition.getOperatorToken() !== SyntaxKind.ExclamationToken) return false;
  const operand = unwrapExpression(condition.getOperand());
  if (!Node.isIdentifier(operand)) return false;
  const declaration = operand.getSymbol()?.getValueDeclaration();
  const initializer = declaration && Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
  const call = initializer && unwrapExpression(initializer);
  if (!call || !Node.isCallExpression(call)) return false;
  const callee = unwrapExpression(call.getExpression());
  return Node.isPropertyAccessExpression(callee) && IN_MEMORY_LOOKUP_METHODS.includes(callee.getName());
}

const BY_DESIGN: Failures = new Set<FailureKind>(['by-design']);
const INVALID_INPUT: Failures = new Set<FailureKind>(['invalid-input']);

/**
 * `const [error, result] = await tryCatch(promise)`: a wrapper from a package
 * that turns a rejection into a value (await-to-js, Go-style result tuples).
 * The project's own wrappers are judged by their bodies instead.
 */
function isResultTupleAwait(awaitExpression: Node, operand: Node): boolean {
  const declaration = awaitExpression.getParent();
  if (!declaration || !Node.isVariableDeclaration(declaration)) return false;
  const pattern = declaration.getNameNode();
  if (!Node.isArrayBindingPattern(pattern)) return false;
  const [first] = pattern.getElements();
  if (!first || !Node.isBindingElement(first) || !/^_?(err|error|e|\w*Error|\w*Err)$/i.test(first.getName())) return false;
  return !Node.isCallExpression(operand) || callSummary(operand) === undefined;
}

/** What a `.catch`/`.then` handler can itself throw or reject with. */
function handlerFailures(handler: Node | undefined): Failures {
  if (!handler) return NONE;
  const node = unwrapExpression(handler);
  if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) {
    const summary = withoutArguments(summarize(node as FunctionLike));
    return union(summary.rejects, summary.throws);
  }
  const functions = functionsOf(node);
  if (functions && functions.length > 0) return union(...functions.map((fn) => withoutArguments(summarize(fn))).map((s) => union(s.rejects, s.throws)));
  // `.catch(next)`, `.catch(console.error)`, `.catch(reject)`: hands the error on.
  return NONE;
}

/** `new NotFoundException()`, `new AppError(AppErrorCode.NOT_FOUND)`, `createError(404)`, `new HttpException('x', HttpStatus.FORBIDDEN)`. */
export function isByDesignError(node: CallExpression | NewExpression): boolean {
  const callee = unwrapExpression(node.getExpression());
  const name = Node.isIdentifier(callee) ? callee.getText() : Node.isPropertyAccessExpression(callee) ? callee.getName() : '';
  if (BY_DESIGN_ERROR_NAME.test(name)) return true;
  for (const argument of node.getArguments()) {
    const value = unwrapExpression(argument);
    if (Node.isNumericLiteral(value) && isByDesignStatus(Number(value.getLiteralValue()))) return true;
    if (Node.isPropertyAccessExpression(value) && BY_DESIGN_ERROR_NAME.test(value.getName())) return true;
    if (Node.isIdentifier(value) && BY_DESIGN_ERROR_NAME.test(value.getText())) return true;
    if (Node.isStringLiteral(value) && BY_DESIGN_ERROR_NAME.test(value.getLiteralValue()) && value.getLiteralValue().length <= 40) return true;
    if (Node.isObjectLiteralExpression(value)) {
      for (const property of value.getProperties()) {
        const initializer = Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
        if (initializer && Node.isNumericLiteral(initializer) && isByDesignStatus(Number(initializer.getLiteralValue()))) return true;
        if (initializer && Node.isPropertyAccessExpression(initializer) && BY_DESIGN_ERROR_NAME.test(initializer.getName())) return true;
      }
    }
  }
  return false;
}

/** `require('./request')`, `import('../x')`: loading one of the project's own modules is not a question whose answer may be "no". */
function loadsOwnModule(call: CallExpression | NewExpression): boolean {
  const callee = call.getExpression();
  const isLoader = callee.getKind() === SyntaxKind.ImportKeyword || (Node.isIdentifier(callee) && callee.getText() === 'require');
  const [first] = call.getArguments();
  return isLoader && first !== undefined && Node.isStringLiteral(first) && /^\.{1,2}\//.test(first.getLiteralValue());
}

/** `await this.redisCacheService.get(key)`, `cache.get(key)` from a cache package: a miss (or a cache that is down) means "compute it". */
function isCacheRead(call: CallExpression, origin: Origin): boolean {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || !CACHE_READ.methods.includes(callee.getName())) return false;
  if (origin.kind === 'module' && CACHE_READ.modules.includes(origin.module)) return true;
  const receiver = unwrapExpression(callee.getExpression());
  const name = Node.isIdentifier(receiver) ? receiver.getText() : Node.isPropertyAccessExpression(receiver) ? receiver.getName() : undefined;
  return name !== undefined && CACHE_READ.receiverName.test(name);
}

function isNeverRejectingCall(origin: Origin): boolean {
  if (origin.kind === 'module') return NEVER_REJECTING_CALLS.some((entry) => entry.module === origin.module && samePath(entry.path, origin.path));
  if (origin.kind !== 'call' || origin.callee.kind !== 'module') return false;
  const { module, path: calleePath } = origin.callee;
  return NEVER_REJECTING_RESULTS.some((entry) => entry.module === module && samePath(entry.path, calleePath) && samePath(entry.result, origin.path));
}

function isSyncIo(origin: Origin): boolean {
  if (origin.kind !== 'module' || origin.path.length === 0) return false;
  const last = origin.path[origin.path.length - 1]!;
  return SYNC_IO_MODULES.some((entry) => entry.module === origin.module && entry.pattern.test(last));
}

/** The value's type is known and is not a promise: `number`, `void`, a plain object. */
function knownNotPromise(node: Node): boolean {
  const type = node.getType();
  if (type.isAny() || type.isUnknown() || (type.getText() === 'error')) return false;
  return !isThenableType(type, node);
}

/** Whether an expression may hold a promise: calls and `new`s, or anything typed as a thenable. */
function mayBePromise(node: Node): boolean {
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) return true;
  const type = node.getType();
  return !type.isAny() && isThenableType(type, node);
}

/**
 * In a function that is not async, whether a returned value is a promise the
 * caller receives: typed as a thenable, or a call to a project function that
 * returns one. An untyped library call (`return logger.error(e)`) is not.
 */
function returnsPromise(node: Node, facts: FileFacts): boolean {
  const type = node.getType();
  if (!type.isAny() && !type.isUnknown()) return isThenableType(type, node);
  if (!Node.isCallExpression(node) && !Node.isNewExpression(node)) return false;
  const summary = callSummary(node);
  if (summary) return summary.rejects.size > 0;
  // An untyped call may return a promise (`() => this.adapter.track(x)` in a `.then`), unless it writes a log line.
  return !(Node.isCallExpression(node) && isLogOrReportCall(node, facts));
}

/**
 * The values a name can hold, when the code shows all of them: a `const`'s
 * initializer (`const p = start(); ... await p`), or a class property's
 * initializer and its assignments in the constructor
 * (`this.isReady = new Promise((resolve) => ...)`). Undefined otherwise.
 */
function assignedValues(node: Node): Node[] | undefined {
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (!declaration) return undefined;
  if (Node.isVariableDeclaration(declaration)) {
    const initializer = declaration.getInitializer();
    if (declaration.getVariableStatement()?.getDeclarationKind() === 'const') return initializer ? [initializer] : undefined;
    return letValues(declaration, initializer);
  }
  if (!Node.isPropertyDeclaration(declaration) || declaration.getSourceFile().isDeclarationFile()) return undefined;
  const values: Node[] = [];
  const initializer = declaration.getInitializer();
  if (initializer) values.push(initializer);
  const cls = declaration.getParent();
  if (!Node.isClassDeclaration(cls) && !Node.isClassExpression(cls)) return undefined;
  const name = declaration.getName();
  for (const member of cls.getMembers()) {
    const inConstructor = Node.isConstructorDeclaration(member);
    for (const binary of member.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      if (binary.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
      const left = unwrapExpression(binary.getLeft());
      if (!Node.isPropertyAccessExpression(left) || left.getName() !== name || left.getExpression().getKind() !== SyntaxKind.ThisKeyword) continue;
      // Assigned again outside the constructor: the value the await sees is not known.
      if (!inConstructor) return undefined;
      values.push(binary.getRight());
    }
  }
  return values.length > 0 ? values : undefined;
}

/**
 * A `let` that is not exported: its initializer and every `name = value` in
 * its file (`runPromise = (async () => { ... })()`). `null`/`undefined`
 * values hold no promise. Undefined when it is written any other way.
 */
function letValues(declaration: Node & { getInitializer(): Node | undefined }, initializer: Node | undefined): Node[] | undefined {
  const statement = declaration.getFirstAncestor((a) => Node.isVariableStatement(a));
  if (statement && Node.isVariableStatement(statement) && statement.isExported()) return undefined;
  const nameNode = (declaration as unknown as { getNameNode(): Node }).getNameNode();
  if (!Node.isIdentifier(nameNode)) return undefined;
  const symbol = nameNode.getSymbol();
  const values: Node[] = initializer ? [initializer] : [];
  for (const identifier of FileFacts.of(declaration.getSourceFile()).nodes.ofKind(SyntaxKind.Identifier)) {
    if (identifier === nameNode || identifier.getText() !== nameNode.getText() || identifier.getSymbol() !== symbol) continue;
    const parent = identifier.getParent();
    if (Node.isBinaryExpression(parent) && parent.getLeft() === identifier) {
      if (parent.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return undefined;
      values.push(parent.getRight());
    } else if ((Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) || (Node.isArrayLiteralExpression(parent) || Node.isObjectLiteralExpression(parent))) {
      return undefined;
    }
  }
  const promises = values.filter((value) => ![SyntaxKind.NullKeyword, SyntaxKind.UndefinedKeyword].includes(unwrapExpression(value).getKind()) && unwrapExpression(value).getText() !== 'undefined');
  return promises.length > 0 ? promises : undefined;
}

function referencedIn(fn: Node, name: string): boolean {
  return fn.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name);
}



// ---------------------------------------------------------------------------
// From a callee to the project functions it runs

/** What a function returns: its expression body, or the expressions of its `return` statements (not those of nested functions). */
export function returnedExpressions(fn: FunctionLike): Node[] {
  const body = fn.getBody();
  if (!body) return [];
  if (!Node.isBlock(body)) return [body];
  return body
    .getDescendantsOfKind(SyntaxKind.ReturnStatement)
    .filter((statement) => statement.getFirstAncestor((ancestor) => isFunctionLike(ancestor)) === fn)
    .map((statement) => statement.getExpression())
    .filter((expression): expression is NonNullable<typeof expression> => expression !== undefined);
}

export function isFunctionLike(node: Node): node is FunctionLike {
  return Node.isArrowFunction(node) || Node.isFunctionExpression(node) || Node.isFunctionDeclaration(node) || Node.isMethodDeclaration(node);
}

/**
 * The project functions an expression names: `f`, `obj.method`, `this.service.method`
 * (through the type checker), an imported function, an arrow held by a const or a
 * class property. Undefined when it names anything else (a package's function, a
 * parameter, an interface method): nothing is known about those.
 */
export function functionsOf(expression: Node, level = 0): FunctionLike[] | undefined {
  const target = unwrapExpression(expression);
  if (isFunctionLike(target)) return [target];
  // `this.onMessage.bind(this)` runs `this.onMessage`.
  if (Node.isCallExpression(target) && level < 3) {
    const callee = unwrapExpression(target.getExpression());
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'bind') return functionsOf(callee.getExpression(), level + 1);
  }
  if (!Node.isIdentifier(target) && !Node.isPropertyAccessExpression(target)) return undefined;
  const symbol = target.getSymbol();
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declarations = resolved?.getDeclarations() ?? [];
  if (declarations.length === 0) return sameClassMethod(target);
  const found: FunctionLike[] = [];
  for (const declaration of declarations) {
    const sourceFile = declaration.getSourceFile();
    if (sourceFile.isDeclarationFile() || sourceFile.isInNodeModules()) return undefined;
    const fn = functionOfDeclaration(declaration, level);
    if (fn === 'skip') continue;
    if (!fn) return undefined;
    found.push(...fn);
  }
  return found.length > 0 ? found : undefined;
}

function functionOfDeclaration(declaration: Node, level: number): FunctionLike[] | undefined | 'skip' {
  if (Node.isFunctionDeclaration(declaration) || Node.isMethodDeclaration(declaration)) {
    // Overload signatures have no body; the implementation is among the declarations too.
    return declaration.getBody() ? [declaration] : 'skip';
  }
  if (Node.isVariableDeclaration(declaration) || Node.isPropertyDeclaration(declaration) || Node.isPropertyAssignment(declaration)) {
    const initializer = declaration.getInitializer();
    if (!initializer) return undefined;
    // `let fail = () => {}` then `fail = reject` in a promise executor: what runs is whatever was assigned last.
    if (Node.isVariableDeclaration(declaration) && declaration.getVariableStatement()?.getDeclarationKind() !== 'const') {
      if (letValues(declaration, initializer)?.length !== 1) return undefined;
    }
    const value = unwrapExpression(initializer);
    if (isFunctionLike(value)) return [value];
    if (level < 3 && (Node.isIdentifier(value) || Node.isPropertyAccessExpression(value))) return functionsOf(value, level + 1);
    return undefined;
  }
  if (Node.isExportAssignment(declaration) && level < 3) return functionsOf(declaration.getExpression(), level + 1);
  return undefined;
}

/** `this.method()` when the type checker has no symbol (an untyped JavaScript class): the enclosing class's method. */
function sameClassMethod(target: Node): FunctionLike[] | undefined {
  if (!Node.isPropertyAccessExpression(target) || target.getExpression().getKind() !== SyntaxKind.ThisKeyword) return undefined;
  const cls = target.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
  if (!cls || !(Node.isClassDeclaration(cls) || Node.isClassExpression(cls))) return undefined;
  const method = cls.getMethods().find((m) => m.getName() === target.getName() && m.getBody());
  return method ? [method] : undefined;
}
