import { Node, SyntaxKind, type AwaitExpression, type CatchClause, type DoStatement, type ForStatement, type Identifier, type TryStatement, type WhileStatement } from 'ts-morph';
import type { FileFacts } from './index';
import { delayOf, isRandomCall, type Delay } from './delays';
import { samePath } from './origin';
import { declaredInstanceOrigin } from './declared-types';
import { LOCK_ACQUIRERS } from './tables/retry-policies';
import { isFunctionScope, unwrapExpression } from './syntax';

export type RetryLoopStatement = ForStatement | WhileStatement | DoStatement;

/**
 * How a wait changes from one round to the next: `constant` (a literal, a constant, a parameter or setting
 * the loop never changes), `varying` (computed from the attempt counter or from a variable the loop
 * changes: `base * 2 ** attempt`, `delay *= 2`), `jittered` (randomised: `Math.random()`), or `unknown`
 * (computed by code the file does not show).
 */
export type Pace = 'constant' | 'varying' | 'jittered' | 'unknown';

export interface LoopDelay {
  delay: Delay;
  pace: Pace;
  /** The literal milliseconds, when the duration is a number literal (or a const bound to one). */
  milliseconds?: number;
}

/** The loop's own attempt counter: `attempt` of `for (let attempt = 1; ...; attempt++)` or a `let` the body increments. */
export interface AttemptCounter {
  name: string;
  /** The value it starts at, when it is a number literal. */
  start?: number;
}

/** A hand-written retry loop: a loop whose `try` leaves the loop on success and whose `catch` goes round again. */
export interface RetryLoop {
  loop: RetryLoopStatement;
  tryStatement: TryStatement;
  catchClause: CatchClause;
  /** The waits awaited in the loop's body (outside functions declared in it). */
  delays: LoopDelay[];
  /** Something else the loop awaits outside the `try` block (a helper that may wait: the pace is unknown). */
  otherAwaits: Node[];
  counter?: AttemptCounter;
  /**
   * The catch looks at the error to decide whether to go round (`if (!isConflict(err)) throw err`): only
   * the failures it picks out are retried, and the rest leave the loop.
   */
  picksErrors: boolean;
}

/** The retry loop `loop` is, or undefined when it is something else (an iteration over items, a poll, a consumer). */
export function retryLoopOf(loop: RetryLoopStatement, facts: FileFacts): RetryLoop | undefined {
  const tryStatement = retryingTry(loop);
  if (!tryStatement || pollsForLock(tryStatement.getTryBlock(), facts)) return undefined;
  const catchClause = tryStatement.getCatchClauseOrThrow();
  const awaits = ownAwaits(loop);
  const delays: LoopDelay[] = [];
  const otherAwaits: Node[] = [];
  for (const awaited of awaits) {
    const delay = delayOf(awaited.getExpression(), facts);
    if (delay) delays.push(judgeDelay(delay, loop, facts));
    else if (!isWithin(awaited, tryStatement.getTryBlock())) otherAwaits.push(awaited);
  }
  return { loop, tryStatement, catchClause, delays, otherAwaits, counter: attemptCounter(loop), picksErrors: picksErrors(catchClause, loop) };
}

// ---------------------------------------------------------------------------
// Is it a retry?

/** Every awaited call of the `try` acquires a lock (redlock, async-mutex): the loop waits for another holder, it does not retry a failure. */
function pollsForLock(block: Node, facts: FileFacts): boolean {
  const calls = block.getDescendantsOfKind(SyntaxKind.AwaitExpression).map((awaited) => unwrapExpression(awaited.getExpression()));
  return calls.length > 0 && calls.every((call) => Node.isCallExpression(call) && acquiresLock(call, facts));
}

function acquiresLock(call: Node & { getExpression(): Node }, facts: FileFacts): boolean {
  const callee = unwrapExpression(call.getExpression());
  const origin = facts.origin(callee);
  if (origin.kind === 'module' && LOCK_ACQUIRERS.some((lock) => lock.module === origin.module && origin.path.length === 1 && (lock.functions ?? []).includes(origin.path[0]!))) return true;
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const instance = declaredInstanceOrigin(callee.getExpression(), facts);
  return instance !== undefined && LOCK_ACQUIRERS.some((lock) => lock.module === instance.module && (lock.methods ?? []).includes(callee.getName()));
}

/** The `try` in the loop's own body whose success leaves the loop and whose failure goes round again. */
function retryingTry(loop: RetryLoopStatement): TryStatement | undefined {
  const body = loop.getStatement();
  for (const tryStatement of body.getDescendantsOfKind(SyntaxKind.TryStatement)) {
    if (enclosingLoopOrFunction(tryStatement) !== loop) continue;
    const catchClause = tryStatement.getCatchClause();
    if (!catchClause || tryStatement.getFinallyBlock()) continue;
    const tryBlock = tryStatement.getTryBlock();
    if (!awaitsSomething(tryBlock, loop)) continue;
    if (!leavesOnSuccess(tryBlock, loop)) continue;
    if (goesRound(catchClause.getBlock(), loop) && !exitsAfter(tryStatement, loop)) return tryStatement;
  }
  return undefined;
}

function isLoop(node: Node): boolean {
  return Node.isForStatement(node) || Node.isForOfStatement(node) || Node.isForInStatement(node) || Node.isWhileStatement(node) || Node.isDoStatement(node);
}

function enclosingLoopOrFunction(node: Node): Node | undefined {
  return node.getParentWhile((parent) => !isLoop(parent) && !isFunctionScope(parent))?.getParent() ?? node.getParent();
}

/** Awaits (and `for await`) that run in the loop's own rounds, not in functions declared inside it. */
function ownAwaits(loop: RetryLoopStatement): AwaitExpression[] {
  return loop.getDescendantsOfKind(SyntaxKind.AwaitExpression).filter((awaited) => awaited.getFirstAncestor(isFunctionScope) === loop.getFirstAncestor(isFunctionScope));
}

function awaitsSomething(block: Node, loop: RetryLoopStatement): boolean {
  const scope = loop.getFirstAncestor(isFunctionScope);
  return block.getDescendantsOfKind(SyntaxKind.AwaitExpression).some((awaited) => awaited.getFirstAncestor(isFunctionScope) === scope);
}

/**
 * Success leaves the loop: the block never falls through (every path returns, breaks or throws) and some
 * path returns or breaks out of the loop; or its last statement sets a flag that the loop's condition reads
 * (`done = true` in `while (!done)`). A block that can fall through on success is a poll or a consumer.
 */
function leavesOnSuccess(block: Node, loop: RetryLoopStatement): boolean {
  if (!canCompleteNormally(block)) return exitsLoopSomewhere(block, loop);
  const statements = Node.isBlock(block) ? block.getStatements() : [];
  const last = statements[statements.length - 1];
  return last !== undefined && setsConditionFlag(last, loop);
}

function exitsLoopSomewhere(block: Node, loop: RetryLoopStatement): boolean {
  for (const exit of block.getDescendants()) {
    if (Node.isReturnStatement(exit) && exit.getFirstAncestor(isFunctionScope) === loop.getFirstAncestor(isFunctionScope)) return true;
    if (Node.isBreakStatement(exit) && breakTarget(exit) === loop) return true;
  }
  return false;
}

function setsConditionFlag(statement: Node, loop: RetryLoopStatement): boolean {
  const condition = Node.isForStatement(loop) ? loop.getCondition() : loop.getExpression();
  if (!condition || !Node.isExpressionStatement(statement)) return false;
  const expression = unwrapExpression(statement.getExpression());
  if (!Node.isBinaryExpression(expression) || expression.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
  const target = unwrapExpression(expression.getLeft());
  if (!Node.isIdentifier(target)) return false;
  const symbol = target.getSymbol();
  return symbol !== undefined && condition.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getSymbol() === symbol);
}

/** The catch goes round again: it can fall through to the next round, or `continue`s this loop. */
function goesRound(block: Node, loop: RetryLoopStatement): boolean {
  if (canCompleteNormally(block)) return true;
  return block.getDescendantsOfKind(SyntaxKind.ContinueStatement).some((statement) => continueTarget(statement) === loop);
}

/** A statement after the `try` in the loop's body always leaves the loop, so the catch cannot go round. */
function exitsAfter(tryStatement: TryStatement, loop: RetryLoopStatement): boolean {
  const parent = tryStatement.getParent();
  if (!Node.isBlock(parent) || parent !== loop.getStatement()) return false;
  const statements = parent.getStatements();
  return statements.slice(statements.indexOf(tryStatement) + 1).some((statement) => !canCompleteNormally(statement) && !continuesTo(statement, loop));
}

function continuesTo(statement: Node, loop: RetryLoopStatement): boolean {
  return Node.isContinueStatement(statement) && continueTarget(statement) === loop;
}

function breakTarget(statement: Node & { getLabel(): Identifier | undefined }): Node | undefined {
  return jumpTarget(statement, (node) => isLoop(node) || Node.isSwitchStatement(node));
}

function continueTarget(statement: Node & { getLabel(): Identifier | undefined }): Node | undefined {
  return jumpTarget(statement, isLoop);
}

function jumpTarget(statement: Node & { getLabel(): Identifier | undefined }, unlabelledTarget: (node: Node) => boolean): Node | undefined {
  const label = statement.getLabel()?.getText();
  for (let current = statement.getParent(); current && !isFunctionScope(current); current = current.getParent()) {
    if (label === undefined && unlabelledTarget(current)) return current;
    if (label !== undefined && Node.isLabeledStatement(current) && current.getLabel().getText() === label) return current.getStatement();
  }
  return undefined;
}

/** Whether control can reach the end of `statement` (conservative: true unless every path jumps or throws). */
export function canCompleteNormally(statement: Node): boolean {
  if (Node.isBlock(statement)) return statement.getStatements().every(canCompleteNormally);
  if (Node.isReturnStatement(statement) || Node.isThrowStatement(statement) || Node.isBreakStatement(statement) || Node.isContinueStatement(statement)) return false;
  if (Node.isIfStatement(statement)) {
    const otherwise = statement.getElseStatement();
    return otherwise === undefined || canCompleteNormally(statement.getThenStatement()) || canCompleteNormally(otherwise);
  }
  if (Node.isTryStatement(statement)) {
    const finallyBlock = statement.getFinallyBlock();
    if (finallyBlock && !canCompleteNormally(finallyBlock)) return false;
    const catchClause = statement.getCatchClause();
    return canCompleteNormally(statement.getTryBlock()) || (catchClause !== undefined && canCompleteNormally(catchClause.getBlock()));
  }
  if (Node.isLabeledStatement(statement)) return canCompleteNormally(statement.getStatement());
  return true;
}

/** Some path of the catch leaves the loop, under a condition that reads the caught error (or a const computed from it). */
function picksErrors(catchClause: CatchClause, loop: RetryLoopStatement): boolean {
  const binding = catchClause.getVariableDeclaration()?.getNameNode();
  if (!binding || !Node.isIdentifier(binding)) return false;
  const block = catchClause.getBlock();
  const scope = loop.getFirstAncestor(isFunctionScope);
  const leaves = block
    .getDescendants()
    .some((node) => (Node.isThrowStatement(node) || Node.isReturnStatement(node) || (Node.isBreakStatement(node) && breakTarget(node) === loop)) && node.getFirstAncestor(isFunctionScope) === scope);
  if (!leaves) return false;
  const errorSymbols = new Set([binding.getSymbol()]);
  for (const declaration of block.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    if (readsAny(declaration.getInitializer(), errorSymbols)) errorSymbols.add(declaration.getSymbol());
  }
  const conditions = [
    ...block.getDescendantsOfKind(SyntaxKind.IfStatement).map((statement) => statement.getExpression()),
    ...block.getDescendantsOfKind(SyntaxKind.SwitchStatement).map((statement) => statement.getExpression()),
  ];
  return conditions.some((condition) => readsAny(condition, errorSymbols));
}

function readsAny(node: Node | undefined, symbols: Set<unknown>): boolean {
  if (!node) return false;
  if (Node.isIdentifier(node)) return symbols.has(node.getSymbol());
  return node.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => symbols.has(identifier.getSymbol()));
}

function isWithin(node: Node, container: Node): boolean {
  return node.getPos() >= container.getPos() && node.getEnd() <= container.getEnd();
}

// ---------------------------------------------------------------------------
// How the wait changes from round to round

const MAX_DEPTH = 4;

/** Math functions (and conversions) whose result is as constant as their arguments. */
const PURE_GLOBALS: readonly (readonly string[])[] = [
  ['Math', 'min'], ['Math', 'max'], ['Math', 'floor'], ['Math', 'ceil'], ['Math', 'round'], ['Math', 'trunc'], ['Math', 'abs'],
  ['Number'], ['parseInt'], ['parseFloat'],
];

function judgeDelay(delay: Delay, loop: RetryLoopStatement, facts: FileFacts): LoopDelay {
  if (!delay.duration) return { delay, pace: 'unknown' };
  const context = delay.durationAtCall ? loop : undefined;
  const pace = paceOf(delay.duration, context, facts, 0);
  return { delay, pace, milliseconds: pace === 'constant' ? literalMilliseconds(delay.duration) : undefined };
}

/** The pace of an expression, where `loop` is the loop it is read in (undefined inside a helper's body). */
function paceOf(node: Node, loop: Node | undefined, facts: FileFacts, depth: number): Pace {
  if (depth > MAX_DEPTH) return 'unknown';
  const paces: Pace[] = [];
  const visit = (current: Node): void => {
    if (Node.isCallExpression(current)) {
      paces.push(callPace(current, loop, facts, depth));
      return;
    }
    if (Node.isAwaitExpression(current) || Node.isYieldExpression(current) || Node.isNewExpression(current) || isFunctionScope(current)) {
      paces.push('unknown');
      return;
    }
    if (Node.isIdentifier(current)) {
      if (isValueReference(current)) paces.push(identifierPace(current, loop, facts, depth));
      return;
    }
    if (Node.isPropertyAccessExpression(current) && loop && isWrittenIn(current, loop)) {
      paces.push('varying');
      return;
    }
    current.forEachChild(visit);
  };
  visit(node);
  return combine(paces);
}

function combine(paces: Pace[]): Pace {
  if (paces.includes('jittered')) return 'jittered';
  if (paces.includes('varying')) return 'varying';
  if (paces.includes('unknown')) return 'unknown';
  return 'constant';
}

function callPace(call: Node & { getExpression(): Node; getArguments(): Node[] }, loop: Node | undefined, facts: FileFacts, depth: number): Pace {
  if (isRandomCall(call, facts)) return 'jittered';
  const argumentPace = combine(call.getArguments().map((argument) => paceOf(argument, loop, facts, depth + 1)));
  const origin = facts.forFile(call.getSourceFile()).origin(call.getExpression());
  if (origin.kind === 'global' && PURE_GLOBALS.some((path) => samePath(origin.path, path))) return argumentPace;
  // A helper given the attempt (`this.retryDelay(attempt)`) computes a wait per round.
  return argumentPace === 'constant' ? 'unknown' : argumentPace;
}

/** An identifier that reads a value (not a property name in `a.b` or `{ b: 1 }`). */
function isValueReference(identifier: Identifier): boolean {
  const parent = identifier.getParent();
  if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) return false;
  if (Node.isPropertyAssignment(parent) && parent.getNameNode() === identifier) return false;
  return true;
}

function identifierPace(identifier: Identifier, loop: Node | undefined, facts: FileFacts, depth: number): Pace {
  const declaration = identifier.getSymbol()?.getDeclarations()[0];
  if (!declaration) return identifier.getText() === 'undefined' ? 'constant' : 'unknown';
  if (declaration.getSourceFile() !== identifier.getSourceFile()) return 'unknown';
  if (loop && (isWithin(declaration, loopHeader(loop)) || isWrittenIn(identifier, loop))) return 'varying';
  // Inside a helper, a parameter is whatever each caller passes.
  if (Node.isParameterDeclaration(declaration)) return loop ? 'constant' : 'unknown';
  if (Node.isEnumMember(declaration)) return 'constant';
  if (!Node.isVariableDeclaration(declaration)) return 'unknown';
  const initializer = declaration.getInitializer();
  if (!initializer) return loop ? 'constant' : 'unknown';
  // A variable declared inside the loop is computed again each round: what it is computed from decides.
  if (loop && isWithin(declaration, loop)) return paceOf(initializer, loop, facts, depth + 1);
  const pace = paceOf(initializer, undefined, facts, depth + 1);
  // Computed once, before the rounds: the same wait every round, though a random one differs between clients.
  return loop && pace !== 'jittered' ? 'constant' : pace;
}

/** The part of a `for` statement that declares its counter. */
function loopHeader(loop: Node): Node {
  if (Node.isForStatement(loop)) return loop.getInitializer() ?? loop;
  return loop.getFirstChildByKind(SyntaxKind.OpenParenToken) ?? loop;
}

/** True when the loop writes the variable (or the property chain) that `node` reads: `delay *= 2`, `attempt++`, `this.delay = …`. */
function isWrittenIn(node: Node, loop: Node): boolean {
  const symbol = Node.isIdentifier(node) ? node.getSymbol() : undefined;
  const text = node.getText();
  const same = (target: Node): boolean => {
    const value = unwrapExpression(target);
    if (symbol) return Node.isIdentifier(value) && value.getSymbol() === symbol;
    return value.getText() === text;
  };
  for (const binary of loop.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const operator = binary.getOperatorToken().getKind();
    if (operator >= SyntaxKind.FirstAssignment && operator <= SyntaxKind.LastAssignment && same(binary.getLeft())) return true;
  }
  for (const unary of [...loop.getDescendantsOfKind(SyntaxKind.PrefixUnaryExpression), ...loop.getDescendantsOfKind(SyntaxKind.PostfixUnaryExpression)]) {
    const operator = unary.getOperatorToken();
    if ((operator === SyntaxKind.PlusPlusToken || operator === SyntaxKind.MinusMinusToken) && same(unary.getOperand())) return true;
  }
  return false;
}

function literalMilliseconds(node: Node): number | undefined {
  const value = unwrapExpression(node);
  if (!Node.isIdentifier(value)) return numberLiteral(value);
  const declaration = value.getSymbol()?.getDeclarations()[0];
  const isConst = declaration && Node.isVariableDeclaration(declaration) && declaration.getVariableStatement()?.getDeclarationKind() === 'const';
  return isConst ? numberLiteral(declaration.getInitializer()) : undefined;
}

// ---------------------------------------------------------------------------
// The attempt counter

function attemptCounter(loop: RetryLoopStatement): AttemptCounter | undefined {
  if (Node.isForStatement(loop)) return forCounter(loop);
  return bodyCounter(loop);
}

/** `for (let attempt = 0; ...; attempt++)`: a counter that counts up. */
function forCounter(loop: ForStatement): AttemptCounter | undefined {
  const initializer = loop.getInitializer();
  const incrementor = loop.getIncrementor();
  if (!initializer || !incrementor || !Node.isVariableDeclarationList(initializer)) return undefined;
  const [declaration] = initializer.getDeclarations();
  const name = declaration?.getNameNode();
  if (!declaration || !name || !Node.isIdentifier(name) || initializer.getDeclarations().length !== 1) return undefined;
  if (!countsUp(incrementor, name.getText())) return undefined;
  return { name: name.getText(), start: numberLiteral(declaration.getInitializer()) };
}

/** A `let` declared before a `while`/`do` loop and counted up once in its body (`attempts++`). */
function bodyCounter(loop: WhileStatement | DoStatement): AttemptCounter | undefined {
  const scope = loop.getFirstAncestor(isFunctionScope);
  const increments = loop
    .getStatement()
    .getDescendants()
    .filter((node) => (Node.isPostfixUnaryExpression(node) || Node.isPrefixUnaryExpression(node) || Node.isBinaryExpression(node)) && node.getFirstAncestor(isFunctionScope) === scope)
    .map((node) => ({ node, name: countedUpName(node) }))
    .filter((entry): entry is { node: Node; name: string } => entry.name !== undefined);
  if (increments.length !== 1) return undefined;
  const [{ node, name }] = increments as [{ node: Node; name: string }];
  const operand = node.getFirstDescendantByKind(SyntaxKind.Identifier);
  const declaration = operand?.getSymbol()?.getDeclarations()[0];
  if (!declaration || !Node.isVariableDeclaration(declaration) || isWithin(declaration, loop)) return undefined;
  return { name, start: numberLiteral(declaration.getInitializer()) };
}

function countsUp(node: Node, name: string): boolean {
  return countedUpName(node) === name;
}

/** `x++`, `++x`, `x += 1`, `x = x + 1`: the name counted up by one. */
function countedUpName(node: Node): string | undefined {
  if (Node.isPostfixUnaryExpression(node) || Node.isPrefixUnaryExpression(node)) {
    const operand = unwrapExpression(node.getOperand());
    return node.getOperatorToken() === SyntaxKind.PlusPlusToken && Node.isIdentifier(operand) ? operand.getText() : undefined;
  }
  if (!Node.isBinaryExpression(node)) return undefined;
  const target = unwrapExpression(node.getLeft());
  if (!Node.isIdentifier(target)) return undefined;
  const operator = node.getOperatorToken().getKind();
  const right = unwrapExpression(node.getRight());
  if (operator === SyntaxKind.PlusEqualsToken && numberLiteral(right) === 1) return target.getText();
  if (operator === SyntaxKind.EqualsToken && Node.isBinaryExpression(right) && right.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    return unwrapExpression(right.getLeft()).getText() === target.getText() && numberLiteral(right.getRight()) === 1 ? target.getText() : undefined;
  }
  return undefined;
}

function numberLiteral(node: Node | undefined): number | undefined {
  const value = node && unwrapExpression(node);
  return value && Node.isNumericLiteral(value) ? value.getLiteralValue() : undefined;
}
