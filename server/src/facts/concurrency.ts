import { Node, SyntaxKind, type ArrayBindingPattern, type CallExpression, type ObjectLiteralExpression, type Type } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath, type Origin } from './origin';
import { declaredInstanceOrigin } from './declared-types';
import { databaseCallOf } from './database';
import { DATABASE_CLIENTS } from './tables/databases';
import { functionsOf, type FunctionLike } from './function-summary';
import { unwrapExpression } from './syntax';
import {
  CHUNKING_FUNCTIONS,
  CONCURRENCY_LIMITERS,
  CONCURRENT_MAPPERS,
  LENGTH_PRESERVING_METHODS,
  type ConcurrentMapper,
} from './tables/concurrency';

/**
 * A call that starts one task per element of a list and waits for all of them:
 * `Promise.all(xs.map(async (x) => ...))`, `Promise.allSettled(...)`, or a
 * mapper whose concurrency is unbounded (`pMap(xs, fn)`: p-map's default is `Infinity`).
 */
export interface FanOut {
  /** `Promise.all(...)`, `pMap(...)`. */
  call: CallExpression;
  /** How messages name it: `Promise.all()`, `pMap()`. */
  label: string;
  /** The list mapped over (`xs` of `xs.map(...)`). */
  list: Node;
  /** The per-element callback as written: a function expression or a reference to one. */
  callback: Node;
}

const PROMISE_COMBINATORS: readonly (readonly string[])[] = [
  ['Promise', 'all'],
  ['Promise', 'allSettled'],
];
const MAX_DEPTH = 6;

/** The fan-out a call starts, when it is one whose concurrency nothing bounds but the list's length. */
export function fanOutOf(call: CallExpression, facts: FileFacts): FanOut | undefined {
  const origin = facts.origin(call.getExpression());
  if (origin.kind === 'global' && PROMISE_COMBINATORS.some((path) => samePath(origin.path, path))) {
    const [argument] = call.getArguments();
    const mapped = argument ? mappedList(argument) : undefined;
    return mapped ? { call, label: `${origin.path.join('.')}()`, ...mapped } : undefined;
  }
  const mapper = mapperOf(origin);
  if (!mapper) return undefined;
  const args = call.getArguments();
  const list = args[mapper.listIndex];
  const callback = args[mapper.callbackIndex];
  if (!list || !callback || !hasUnboundedConcurrency(args[mapper.optionsIndex], mapper)) return undefined;
  return { call, label: `${call.getExpression().getText()}()`, list, callback };
}

/** `xs.map(cb)`, `Array.from(xs, cb)`, or a const holding one (`const tasks = xs.map(cb); await Promise.all(tasks)`). */
function mappedList(argument: Node, level = 0): { list: Node; callback: Node } | undefined {
  const node = unwrapExpression(argument);
  if (Node.isCallExpression(node)) {
    const callee = unwrapExpression(node.getExpression());
    const [first, second] = node.getArguments();
    if (!Node.isPropertyAccessExpression(callee) || !first) return undefined;
    if (['map', 'flatMap'].includes(callee.getName())) return { list: callee.getExpression(), callback: first };
    if (callee.getName() === 'from' && callee.getExpression().getText() === 'Array' && second) return { list: first, callback: second };
    return undefined;
  }
  if (Node.isIdentifier(node) && level === 0) {
    const declaration = node.getSymbol()?.getValueDeclaration();
    if (!declaration || !Node.isVariableDeclaration(declaration) || declaration.getVariableStatement()?.getDeclarationKind() !== 'const') return undefined;
    const initializer = declaration.getInitializer();
    return initializer ? mappedList(initializer, level + 1) : undefined;
  }
  return undefined;
}

function mapperOf(origin: Origin): ConcurrentMapper | undefined {
  if (origin.kind !== 'module') return undefined;
  return CONCURRENT_MAPPERS.find((mapper) => mapper.module === origin.module && samePath(mapper.path, origin.path));
}

/** No options, options without `concurrency`, or `concurrency: Infinity`, when the mapper's default is unbounded. */
function hasUnboundedConcurrency(options: Node | undefined, mapper: ConcurrentMapper): boolean {
  const unboundedByDefault = mapper.defaultConcurrency === Infinity;
  if (!options) return unboundedByDefault;
  const literal = objectLiteralOf(options);
  if (!literal) return false;
  const property = literal.getProperty('concurrency');
  if (!property) return unboundedByDefault && !literal.getProperties().some((p) => Node.isSpreadAssignment(p));
  const value = Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
  return value !== undefined && unwrapExpression(value).getText() === 'Infinity';
}

function objectLiteralOf(node: Node): ObjectLiteralExpression | undefined {
  const value = unwrapExpression(node);
  if (Node.isObjectLiteralExpression(value)) return value;
  if (!Node.isIdentifier(value)) return undefined;
  const declaration = value.getSymbol()?.getValueDeclaration();
  const initializer = declaration && Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
  const resolved = initializer && unwrapExpression(initializer);
  return resolved && Node.isObjectLiteralExpression(resolved) ? resolved : undefined;
}

// ---------------------------------------------------------------------------
// Limiters

/**
 * The per-element callback runs its work through a concurrency limiter:
 * `xs.map((x) => limit(() => load(x)))`, `queue.add(...)`, `limiter.schedule(...)`,
 * `await sema.acquire()`; or the callback is one (`xs.map(limiter.wrap(load))`).
 */
export function runsThroughLimiter(callback: Node, facts: FileFacts): boolean {
  const node = unwrapExpression(callback);
  if (Node.isCallExpression(node)) return isLimiterTask(node, facts);
  const functions = Node.isArrowFunction(node) || Node.isFunctionExpression(node) ? [node as FunctionLike] : functionsOf(node) ?? [];
  return functions.some((fn) => {
    const body = fn.getBody();
    if (!body) return false;
    const calls = body.getDescendantsOfKind(SyntaxKind.CallExpression);
    if (Node.isCallExpression(body)) calls.unshift(body);
    return calls.some((call) => isLimiterTask(call, facts.forFile(call.getSourceFile())));
  });
}

/** A call that hands a task to a limiter instance: `limit(fn)`, `queue.add(fn)`, `bottleneck.schedule(fn)`. */
export function isLimiterTask(call: CallExpression, facts: FileFacts): boolean {
  const callee = unwrapExpression(call.getExpression());
  const origin = facts.origin(callee);
  if (origin.kind === 'call' && (Node.isCallExpression(origin.call) || Node.isNewExpression(origin.call))) {
    const creator = facts.origin(origin.call.getExpression());
    const constructed = Node.isNewExpression(origin.call);
    const path = origin.path;
    const made = CONCURRENCY_LIMITERS.some(
      (limiter) =>
        creator.kind === 'module' &&
        creator.module === limiter.module &&
        samePath(creator.path, limiter.factory) &&
        limiter.constructed === constructed &&
        limiter.taskMethods.some((method) => samePath(method, path)),
    );
    if (made) return true;
  }
  // An injected or typed limiter: `private readonly limit: LimitFunction`, `constructor(private queue: PQueue)`.
  const member = Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
  const instance = declaredInstanceOrigin(member !== undefined && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee, facts);
  if (!instance) return false;
  return CONCURRENCY_LIMITERS.some(
    (limiter) =>
      limiter.module === instance.module &&
      limiter.instanceTypes.includes(instance.className) &&
      limiter.taskMethods.some((method) => (member === undefined ? method.length === 0 : samePath(method, [member]))),
  );
}

// ---------------------------------------------------------------------------
// Bounded lists

/**
 * A list whose length the code fixes, rather than its input: an array
 * literal (through consts, in any file), a tuple, `Object.keys/values/entries`
 * of an object with fixed keys, `Array.from({ length })` (a count of workers),
 * a chunk (`xs.slice(i, i + size)`, `splice(0, n)`, a loop over `chunk(xs, n)`
 * or over any array of arrays), and what `filter`/`map`/`slice` make of those.
 */
export function isBoundedList(list: Node, facts: FileFacts, level = 0): boolean {
  if (level > MAX_DEPTH) return false;
  const node = unwrapExpression(list);
  if (Node.isArrayLiteralExpression(node)) {
    return node.getElements().every((element) => !Node.isSpreadElement(element) || isBoundedList(element.getExpression(), facts, level + 1));
  }
  if (isTuple(node.getType()) || isLengthObject(node)) return true;
  if (Node.isCallExpression(node)) return isBoundedCall(node, facts, level);
  if (Node.isNewExpression(node)) {
    // `new Set(bounded)`, `new Array(n)`.
    const name = node.getExpression().getText();
    const [first] = node.getArguments();
    if (name === 'Array') return true;
    return (name === 'Set' || name === 'Map') && first !== undefined && isBoundedList(first, facts, level + 1);
  }
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) return isBoundedName(node, facts, level);
  return false;
}

function isBoundedCall(call: CallExpression, facts: FileFacts, level: number): boolean {
  const callee = unwrapExpression(call.getExpression());
  const args = call.getArguments();
  if (Node.isPropertyAccessExpression(callee)) {
    const method = callee.getName();
    const receiver = callee.getExpression();
    const receiverText = receiver.getText();
    if (receiverText === 'Object' && ['keys', 'values', 'entries'].includes(method) && args[0]) return hasFixedKeys(args[0], facts, level);
    if (receiverText === 'Array' && method === 'from' && args[0]) return isLengthObject(args[0]) || isBoundedList(args[0], facts, level + 1);
    if (receiverText === 'Array' && method === 'of') return true;
    // A chunk: `items.slice(i, i + size)`, `queue.splice(0, batchSize)`.
    if ((method === 'slice' || method === 'splice') && args.length >= 2) return true;
    if (method === 'concat') return isBoundedList(receiver, facts, level + 1) && args.every((arg) => isBoundedList(arg, facts, level + 1));
    if (LENGTH_PRESERVING_METHODS.includes(method)) return isBoundedList(receiver, facts, level + 1);
  }
  return false;
}

/** `{ length: n }`: `Array.from({ length: workers }, worker)` starts a fixed number of workers, not one task per input. */
function isLengthObject(node: Node): boolean {
  const value = unwrapExpression(node);
  return Node.isObjectLiteralExpression(value) && value.getProperty('length') !== undefined;
}

/** An object literal, or a value whose type has named properties only (no index signature): its keys are fixed. */
function hasFixedKeys(node: Node, facts: FileFacts, level: number): boolean {
  const value = unwrapExpression(node);
  if (Node.isObjectLiteralExpression(value)) return value.getProperties().every((p) => !Node.isSpreadAssignment(p) || hasFixedKeys(p.getExpression(), facts, level + 1));
  if (isDatabaseEnum(value, facts)) return true;
  const type = value.getType();
  if (type.isAny() || type.isUnknown() || type.isArray() || isTuple(type)) return isTuple(type);
  if (type.getStringIndexType() || type.getNumberIndexType()) return false;
  if (type.isEnum() || value.getSymbol()?.getDeclarations().some((d) => Node.isEnumDeclaration(d))) return true;
  return type.isObject() && type.getProperties().length > 0 && !isCollection(type);
}

/** `Object.values(DataSource)` where `DataSource` is imported from the Prisma client: a schema enum (its classes are not iterated). */
function isDatabaseEnum(node: Node, facts: FileFacts): boolean {
  if (!Node.isIdentifier(node)) return false;
  const origin = facts.origin(node);
  if (origin.kind !== 'module' || origin.path.length !== 1) return false;
  const name = origin.path[0]!;
  return DATABASE_CLIENTS.some(
    (library) => (origin.module === library.module || library.generatedModule?.test(origin.module) === true) && !library.clientClasses.includes(name) && name !== 'Prisma',
  );
}

function isCollection(type: Type): boolean {
  const name = type.getSymbol()?.getName();
  return name === 'Map' || name === 'Set' || name === 'Array' || name === 'ReadonlyArray';
}

function isTuple(type: Type): boolean {
  return type.isTuple() || (type.isObject() && type.getTargetType()?.isTuple() === true);
}

function isBoundedName(node: Node, facts: FileFacts, level: number): boolean {
  // `envelope.items` of `const envelope = await prisma.envelope.findFirst({ include: { items: true } })`.
  if (Node.isPropertyAccessExpression(node) && isSingleRecord(node.getExpression(), facts, level + 1)) return true;
  const symbol = node.getSymbol();
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declaration = resolved?.getValueDeclaration() ?? resolved?.getDeclarations()[0];
  if (!declaration) return false;
  // `const { items } = envelope` of a single record.
  if (Node.isBindingElement(declaration) && Node.isObjectBindingPattern(declaration.getParent())) {
    const holder = declaration.getParent()?.getParent();
    const initializer = holder && Node.isVariableDeclaration(holder) ? holder.getInitializer() : undefined;
    return initializer !== undefined && isSingleRecord(initializer, facts, level + 1);
  }
  if (Node.isVariableDeclaration(declaration)) {
    const loop = declaration.getParent()?.getParent();
    if (loop && Node.isForOfStatement(loop) && Node.isIdentifier(declaration.getNameNode())) return isChunkLoop(loop.getExpression(), facts);
    const typeNode = declaration.getTypeNode();
    if (typeNode && Node.isTupleTypeNode(typeNode)) return true;
    const initializer = declaration.getInitializer();
    const isConst = declaration.getVariableStatement()?.getDeclarationKind() === 'const';
    return initializer !== undefined && isConst && isBoundedList(initializer, facts.forFile(declaration.getSourceFile()), level + 1);
  }
  if (Node.isPropertyDeclaration(declaration) && declaration.isReadonly()) {
    const initializer = declaration.getInitializer();
    return initializer !== undefined && isBoundedList(initializer, facts.forFile(declaration.getSourceFile()), level + 1);
  }
  return false;
}

/**
 * One database row, loaded whole with its relations by a single-row lookup
 * (`await prisma.envelope.findFirst({ include: { items: true } })`, directly,
 * through `a ?? b`, or as one entry of `const [a, b] = await Promise.all([...])`):
 * its to-many relations are the children of one record, already read in one query.
 */
function isSingleRecord(expression: Node, facts: FileFacts, level: number): boolean {
  if (level > MAX_DEPTH) return false;
  const node = unwrapExpression(expression);
  if (Node.isAwaitExpression(node)) return isSingleRecord(node.getExpression(), facts, level + 1);
  if (Node.isCallExpression(node)) {
    const database = databaseCallOf(node, facts);
    return database !== undefined && database.library.singleRowLookups.includes(database.method);
  }
  if (Node.isBinaryExpression(node) && [SyntaxKind.QuestionQuestionToken, SyntaxKind.BarBarToken].includes(node.getOperatorToken().getKind())) {
    return isSingleRecord(node.getLeft(), facts, level + 1) && isSingleRecord(node.getRight(), facts, level + 1);
  }
  if (!Node.isIdentifier(node)) return false;
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (declaration && Node.isVariableDeclaration(declaration)) {
    const initializer = declaration.getInitializer();
    return initializer !== undefined && isSingleRecord(initializer, facts, level + 1);
  }
  if (declaration && Node.isBindingElement(declaration) && Node.isArrayBindingPattern(declaration.getParent())) {
    const pattern = declaration.getParent() as ArrayBindingPattern;
    const holder = pattern.getParent();
    const initializer = holder && Node.isVariableDeclaration(holder) ? holder.getInitializer() : undefined;
    const awaited = initializer && unwrapExpression(initializer);
    const combined = awaited && Node.isAwaitExpression(awaited) ? unwrapExpression(awaited.getExpression()) : undefined;
    const list = combined && Node.isCallExpression(combined) ? combined.getArguments()[0] : undefined;
    const element = list && Node.isArrayLiteralExpression(list) ? list.getElements()[pattern.getElements().indexOf(declaration)] : undefined;
    return element !== undefined && isSingleRecord(element, facts, level + 1);
  }
  return false;
}

/** `for (const batch of chunk(items, 50))`, or over any array of arrays: each turn of the loop handles one chunk. */
export function isChunkLoop(iterated: Node, facts: FileFacts): boolean {
  const node = unwrapExpression(iterated);
  if (Node.isCallExpression(node)) {
    const origin = facts.origin(node.getExpression());
    if (origin.kind === 'module' && CHUNKING_FUNCTIONS.some((fn) => fn.module === origin.module && samePath(fn.path, origin.path))) return true;
  }
  const element = node.getType().getArrayElementType();
  return element !== undefined && (element.isArray() || /^readonly .*\[\]$/.test(element.getText()));
}
