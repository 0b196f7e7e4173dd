import { Node, SyntaxKind, type CallExpression, type ForStatement, type Symbol as MorphSymbol } from 'ts-morph';
import type { FileFacts } from './index';
import { isChunkLoop } from './concurrency';
import { samePath } from './origin';
import { isFunctionScope, unwrapExpression } from './syntax';

/**
 * A loop that goes over the elements of a list, one turn per element, as opposed to a loop
 * whose turns depend on the previous one (cursor or page-token pagination, `while (hasMore)`),
 * a loop over chunks or batches, or a retry or poll loop:
 *
 * - `for (const x of xs)`, `for await (const x of stream)`, `for (const k in object)`;
 * - `for (let i = 0; i < xs.length; i++)` (a step of one, up to a list's `length` or `size`);
 * - `while (queue.length > 0) { const x = queue.shift(); ... }` (a work list taken one at a time);
 * - callbacks run once per element: `xs.forEach(cb)`, `xs.reduce(cb, init)` (a chain of awaits when
 *   the callback is async), and `Promise.all(xs.map(cb))`/`Promise.allSettled(...)`.
 *
 * `elements` are the symbols that hold the element (the loop variable, the callback's parameter,
 * an index), so that a caller can ask whether a call depends on it (`dependsOnElement`).
 */
export type ElementLoopKind = 'for-of' | 'for-in' | 'for-index' | 'work-list' | 'for-each' | 'reduce' | 'map';

export interface ElementLoop {
  kind: ElementLoopKind;
  /** The loop statement, or the call that runs the callback (`xs.forEach(...)`, `Promise.all(...)`). */
  node: Node;
  /** The list gone over (`xs`), when the code names one. */
  list: Node | undefined;
  /** The statement or function body that runs once per element. */
  body: Node;
  /** The symbols that hold the element (or its index). */
  elements: MorphSymbol[];
  /** The variable of a `for...of` over a list (`order` of `for (const order of orders)`): the shape a batched rewrite needs. */
  variable?: Node;
}

const PROMISE_COMBINATORS: readonly (readonly string[])[] = [
  ['Promise', 'all'],
  ['Promise', 'allSettled'],
];
/** Array methods that take one element off a work list. */
const TAKE_ONE = new Set(['shift', 'pop']);

/**
 * The loops over elements that run `node` once per element, nearest first: the statements around it
 * in its function, and the per-element callbacks it is written in (then the loops around those).
 * Stops at any other function boundary: a function defined in a loop runs when it is called.
 */
export function elementLoopsAround(node: Node, facts: FileFacts): ElementLoop[] {
  const loops: ElementLoop[] = [];
  let child: Node = node;
  for (let current = node.getParent(); current; child = current, current = current.getParent()) {
    if (isFunctionScope(current)) {
      const callbackLoop = perElementCallbackLoop(current, facts);
      if (!callbackLoop) return loops;
      loops.push(callbackLoop);
      continue;
    }
    const loop = statementLoop(current, child, facts);
    if (loop) loops.push(loop);
  }
  return loops;
}

/** The loop statement `current` is, when `child` is its body (not its list or condition) and it goes over elements. */
function statementLoop(current: Node, child: Node, facts: FileFacts): ElementLoop | undefined {
  if (Node.isForOfStatement(current) && current.getStatement() === child) {
    const list = current.getExpression();
    if (isChunkLoop(list, facts) || isPageLoop(current)) return undefined;
    const initializer = current.getInitializer();
    const declaration = Node.isVariableDeclarationList(initializer) ? initializer.getDeclarations()[0] : undefined;
    const nameNode = declaration?.getNameNode() ?? initializer;
    return { kind: 'for-of', node: current, list, body: child, elements: bindingSymbols(nameNode), variable: declaration && Node.isIdentifier(declaration.getNameNode()) ? declaration.getNameNode() : undefined };
  }
  if (Node.isForInStatement(current) && current.getStatement() === child) {
    const initializer = current.getInitializer();
    const nameNode = Node.isVariableDeclarationList(initializer) ? initializer.getDeclarations()[0]?.getNameNode() : initializer;
    return { kind: 'for-in', node: current, list: current.getExpression(), body: child, elements: bindingSymbols(nameNode) };
  }
  if (Node.isForStatement(current) && current.getStatement() === child) return indexLoop(current);
  if (Node.isWhileStatement(current) && current.getStatement() === child) return workListLoop(current, child);
  return undefined;
}

/** `for await (const page of pages)` whose element is an array or holds one: each turn handles a page of rows. */
function isPageLoop(loop: Node): boolean {
  if (!Node.isForOfStatement(loop) || !loop.isAwaited()) return false;
  const initializer = loop.getInitializer();
  const declaration = Node.isVariableDeclarationList(initializer) ? initializer.getDeclarations()[0] : undefined;
  const type = declaration?.getType();
  if (!type || type.isAny() || type.isUnknown()) return false;
  if (type.isArray()) return true;
  return type.getProperties().some((property) => {
    const declarationNode = property.getValueDeclaration();
    return declarationNode !== undefined && property.getTypeAtLocation(declarationNode).isArray();
  });
}

/** `for (let i = 0; i < xs.length; i++)`: a step of one up to a list's length. `i += size` is a loop over chunks. */
function indexLoop(loop: ForStatement): ElementLoop | undefined {
  const initializer = loop.getInitializer();
  const declaration = initializer && Node.isVariableDeclarationList(initializer) ? initializer.getDeclarations()[0] : undefined;
  const index = declaration?.getNameNode();
  if (!index || !Node.isIdentifier(index)) return undefined;
  const condition = loop.getCondition();
  const incrementor = loop.getIncrementor();
  if (!condition || !incrementor || !Node.isBinaryExpression(condition)) return undefined;
  const list = lengthReceiver(condition.getRight()) ?? lengthReceiver(condition.getLeft());
  if (!list || !isStepOfOne(incrementor, index.getText())) return undefined;
  const symbol = index.getSymbol();
  return { kind: 'for-index', node: loop, list, body: loop.getStatement(), elements: symbol ? [symbol] : [] };
}

/** `xs` of `xs.length`, `xs.size`, `xs.length - 1`. */
function lengthReceiver(node: Node): Node | undefined {
  let value = unwrapExpression(node);
  if (Node.isBinaryExpression(value) && value.getOperatorToken().getKind() === SyntaxKind.MinusToken) value = unwrapExpression(value.getLeft());
  if (Node.isPropertyAccessExpression(value) && ['length', 'size'].includes(value.getName())) return value.getExpression();
  return undefined;
}

function isStepOfOne(incrementor: Node, index: string): boolean {
  const node = unwrapExpression(incrementor);
  if ((Node.isPostfixUnaryExpression(node) || Node.isPrefixUnaryExpression(node)) && node.getOperatorToken() === SyntaxKind.PlusPlusToken) return node.getOperand().getText() === index;
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusEqualsToken) return node.getLeft().getText() === index && node.getRight().getText() === '1';
  return false;
}

/** `while (queue.length) { const job = queue.shift(); ... }`: one element of a work list per turn. */
function workListLoop(loop: Node, body: Node): ElementLoop | undefined {
  if (!Node.isBlock(body)) return undefined;
  for (const statement of body.getStatements().slice(0, 3)) {
    if (!Node.isVariableStatement(statement)) continue;
    for (const declaration of statement.getDeclarations()) {
      const initializer = declaration.getInitializer();
      const value = initializer && unwrapExpression(initializer);
      const callee = value && Node.isCallExpression(value) ? unwrapExpression(value.getExpression()) : undefined;
      if (callee && Node.isPropertyAccessExpression(callee) && TAKE_ONE.has(callee.getName()) && (value as CallExpression).getArguments().length === 0) {
        return { kind: 'work-list', node: loop, list: callee.getExpression(), body, elements: bindingSymbols(declaration.getNameNode()) };
      }
    }
  }
  return undefined;
}

/** A function passed as the per-element callback of `xs.forEach`, `xs.reduce`, or `xs.map` whose promises `Promise.all` awaits. */
function perElementCallbackLoop(fn: Node, facts: FileFacts): ElementLoop | undefined {
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn)) return undefined;
  const call = fn.getParent();
  if (!call || !Node.isCallExpression(call) || call.getArguments()[0] !== fn) return undefined;
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.getName();
  const list = callee.getExpression();
  if (!isListLike(list)) return undefined;
  const parameters = fn.getParameters();
  const body = fn.getBody();
  if (method === 'forEach') return { kind: 'for-each', node: call, list, body, elements: parameterSymbols(parameters.slice(0, 2)) };
  if (method === 'reduce' && fn.isAsync()) return { kind: 'reduce', node: call, list, body, elements: parameterSymbols(parameters.slice(1, 3)) };
  if ((method === 'map' || method === 'flatMap') && awaitedAll(call, facts)) return { kind: 'map', node: call, list, body, elements: parameterSymbols(parameters.slice(0, 2)) };
  return undefined;
}

/** An array, a set or an untyped value: not an Observable's or a Bluebird promise's `map`. */
function isListLike(list: Node): boolean {
  const type = list.getType();
  if (type.isAny() || type.isUnknown() || type.isArray() || type.isTuple()) return true;
  const name = type.getSymbol()?.getName() ?? type.getTargetType()?.getSymbol()?.getName();
  return name === 'Array' || name === 'ReadonlyArray' || name === 'Set' || name === 'Map';
}

/** `Promise.all(xs.map(cb))`, directly or through a const (`const tasks = xs.map(cb); await Promise.all(tasks)`). */
function awaitedAll(mapCall: CallExpression, facts: FileFacts): boolean {
  const parent = mapCall.getParent();
  if (parent && Node.isCallExpression(parent) && parent.getArguments()[0] === mapCall) return isPromiseCombinator(parent, facts);
  if (!parent || !Node.isVariableDeclaration(parent) || !Node.isIdentifier(parent.getNameNode())) return false;
  const symbol = parent.getNameNode().getSymbol();
  const scope = parent.getFirstAncestor(isFunctionScope) ?? parent.getSourceFile();
  return scope.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => {
    const first = call.getArguments()[0];
    return first !== undefined && Node.isIdentifier(first) && first.getSymbol() === symbol && isPromiseCombinator(call, facts);
  });
}

function isPromiseCombinator(call: CallExpression, facts: FileFacts): boolean {
  const origin = facts.origin(call.getExpression());
  return origin.kind === 'global' && PROMISE_COMBINATORS.some((path) => samePath(origin.path, path));
}

function parameterSymbols(parameters: readonly Node[]): MorphSymbol[] {
  return parameters.flatMap((parameter) => (Node.isParameterDeclaration(parameter) ? bindingSymbols(parameter.getNameNode()) : []));
}

/** The symbols a binding name declares: `x`, or every name of `{ id, items: [first] }`. */
function bindingSymbols(name: Node | undefined): MorphSymbol[] {
  if (!name) return [];
  if (Node.isIdentifier(name)) {
    const symbol = name.getSymbol();
    return symbol ? [symbol] : [];
  }
  return name.getDescendantsOfKind(SyntaxKind.Identifier).flatMap((identifier) => {
    const parent = identifier.getParent();
    // `{ id: orderId }`: `id` names the property, `orderId` the variable.
    if (Node.isBindingElement(parent) && parent.getPropertyNameNode() === identifier) return [];
    const symbol = identifier.getSymbol();
    return symbol ? [symbol] : [];
  });
}

/**
 * True when `expression` reads the loop's element: one of its symbols, or a variable declared in the
 * loop's body from one (`const userId = order.userId`, `const { id } = order`, `const user = await load(order)`).
 */
export function dependsOnElement(expression: Node, loop: ElementLoop): boolean {
  const derived = derivedSymbols(loop);
  const identifiers = Node.isIdentifier(expression) ? [expression] : expression.getDescendantsOfKind(SyntaxKind.Identifier);
  return identifiers.some((identifier) => {
    const symbol = valueSymbolOf(identifier);
    return symbol !== undefined && derived.has(symbol);
  });
}

/** The variable an identifier reads: for `{ id }`, the variable `id`, not the property. */
export function valueSymbolOf(identifier: Node): MorphSymbol | undefined {
  const parent = identifier.getParent();
  if (parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === identifier) return parent.getValueSymbol();
  return identifier.getSymbol();
}

const derivedMemo = new WeakMap<Node, Set<MorphSymbol>>();

function derivedSymbols(loop: ElementLoop): Set<MorphSymbol> {
  const cached = derivedMemo.get(loop.body);
  if (cached) return cached;
  const symbols = new Set<MorphSymbol>(loop.elements);
  const declarations = loop.body.getDescendantsOfKind(SyntaxKind.VariableDeclaration);
  // Two passes: a variable derived from another derived one, declared later.
  for (let pass = 0; pass < 2; pass += 1) {
    for (const declaration of declarations) {
      const initializer = declaration.getInitializer();
      if (!initializer) continue;
      const reads = [initializer, ...initializer.getDescendantsOfKind(SyntaxKind.Identifier)].some((node) => {
        const symbol = Node.isIdentifier(node) ? valueSymbolOf(node) : undefined;
        return symbol !== undefined && symbols.has(symbol);
      });
      if (reads) for (const symbol of bindingSymbols(declaration.getNameNode())) symbols.add(symbol);
    }
  }
  derivedMemo.set(loop.body, symbols);
  return symbols;
}

/**
 * True when `call` waits for its answer before the loop goes on, or hands it back to the loop's
 * `Promise.all`: it is under an `await` within the turn, or (in a per-element callback) is what
 * the callback returns. A promise pushed to a list and awaited after the loop is not waited for per turn.
 */
export function isAwaitedPerTurn(call: CallExpression, loop: ElementLoop): boolean {
  // `xs.map((x) => load(x))`: the callback's expression body is what it returns.
  if (call === loop.body) return loop.kind === 'map' || loop.kind === 'for-each';
  for (let current: Node | undefined = call; current && current !== loop.body; current = current.getParent()) {
    const parent = current.getParent();
    if (!parent) return false;
    if (Node.isAwaitExpression(parent)) return true;
    if (isFunctionScope(parent) && !isInlineCallback(parent)) return false;
    if (loop.kind === 'map' || loop.kind === 'for-each') {
      if (parent === loop.body && Node.isCallExpression(current)) return true;
      if (Node.isReturnStatement(parent) && (parent.getFirstAncestor(isFunctionScope) as Node & { getBody?(): Node | undefined } | undefined)?.getBody?.() === loop.body) return true;
    }
  }
  return false;
}

/** A callback that runs where it is written (`.then(cb)` inside an awaited chain): its calls belong to the turn. */
function isInlineCallback(fn: Node): boolean {
  const call = fn.getParent();
  const callee = call && Node.isCallExpression(call) ? unwrapExpression(call.getExpression()) : undefined;
  return callee !== undefined && Node.isPropertyAccessExpression(callee) && ['then', 'catch', 'finally'].includes(callee.getName());
}
