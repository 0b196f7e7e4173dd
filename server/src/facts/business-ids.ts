import { Node, SyntaxKind, type FunctionLikeDeclaration } from 'ts-morph';

type FunctionLike = FunctionLikeDeclaration & Node;
const isFunctionLike = (node: Node): node is FunctionLike => Node.isFunctionLikeDeclaration(node);

/**
 * An id in scope that names the operation itself, so that every attempt of it
 * (a job's retry, a client's resubmission, a redelivered webhook) computes the
 * same value: `order.id`, `orderId`, `event.id`, `payment.id`. `key` when the
 * code already holds an idempotency key (`idempotencyKey`), which is used as is.
 */
export interface StableId {
  expression: string;
  kind: 'id' | 'key';
}

/** Nouns of things one payment operation is about: an order is charged once, an event handled once. */
const OPERATION_NOUNS: ReadonlySet<string> = new Set([
  'order', 'payment', 'invoice', 'event', 'refund', 'transfer', 'payout', 'booking', 'reservation', 'purchase',
  'checkout', 'cart', 'transaction', 'subscription', 'charge', 'job', 'withdrawal', 'deposit', 'settlement', 'return',
]);

/** `stripeEventId` → `stripe`, `event`, `id`; `order_id` → `order`, `id`. */
function wordsOf(name: string): string[] {
  return name
    .split(/_|(?<=[a-z0-9])(?=[A-Z])/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** `orderId`, `order_id`, `stripeEventId`: a variable that holds such an id. */
function isIdName(name: string): boolean {
  const words = wordsOf(name);
  return words.length >= 2 && words[words.length - 1] === 'id' && OPERATION_NOUNS.has(words[words.length - 2]!);
}

/** `order`, `stripeEvent`, `job`: a record whose `.id` is such an id. */
function isRecordName(name: string): boolean {
  const words = wordsOf(name);
  return words.length > 0 && OPERATION_NOUNS.has(words[words.length - 1]!);
}

/** `idempotencyKey`, `idempotency_key`: the code holds a key already. */
function isKeyName(name: string): boolean {
  return wordsOf(name).join('-').endsWith('idempotency-key');
}

/** Callbacks run once per element: an id from outside them is the same for every element. */
const PER_ELEMENT_METHODS: ReadonlySet<string> = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'some', 'every']);

/**
 * Nouns of what a payment call acts on rather than of the operation: a refund keyed
 * by its charge's id could never refund the same charge twice, even partially.
 */
const TARGET_NOUNS: ReadonlySet<string> = new Set(['charge', 'transfer', 'transaction', 'payout']);

interface Candidate {
  stable: StableId;
  rank: number;
}

/**
 * The best stable id for the operation `at` performs (`operation`: its noun,
 * `refund`), from what is in scope there: an idempotency key the code holds;
 * an id the call's own arguments mention (`metadata: { orderId: order.id }`);
 * a parameter or earlier variable named like one (`orderId`, `event.id`,
 * `payment.id` when `payment` is read as `payment.id` in the function or its
 * type has an `id`). A key ranks first, then an id of the operation itself
 * (`refundId` for a refund), then ids of what it is about (an order, an
 * event), then ids of what it acts on (a charge); mentions before other names,
 * inner functions before outer ones. Inside a loop (or a per-element callback)
 * only ids declared in it count: an id from outside would be the same for
 * every element. Undefined when there is none.
 */
export function stableIdAt(at: Node, operation?: string): StableId | undefined {
  const boundary = perElementBoundary(at);
  const candidates: Candidate[] = [];
  for (const mention of mentionedIds(at)) {
    if (declaredWithin(mention.node, boundary)) candidates.push(candidateOf(mention.text, mention.text, operation));
  }
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
    for (const name of namesInScope(fn, at).filter((node) => declaredWithin(node, boundary))) {
      const text = name.getText();
      if (isKeyName(text) || isIdName(text)) candidates.push(candidateOf(text, text, operation));
      else if (isRecordName(text) && hasIdProperty(name, fn)) candidates.push(candidateOf(text, `${text}.id`, operation));
    }
    if (boundary && fn === boundary) break;
  }
  // A stable sort keeps mentions and inner scopes first within a rank.
  return candidates.sort((a, b) => a.rank - b.rank)[0]?.stable;
}

function candidateOf(name: string, expression: string, operation: string | undefined): Candidate {
  if (isKeyName(name)) return { stable: { expression, kind: 'key' }, rank: 0 };
  const words = wordsOf(name.replace(/\.id$/, ''));
  const noun = words[words.length - 1] === 'id' ? words[words.length - 2] : words[words.length - 1];
  const rank = noun === operation ? 1 : noun !== undefined && TARGET_NOUNS.has(noun) ? 3 : 2;
  return { stable: { expression, kind: 'id' }, rank };
}

interface Mention {
  text: string;
  node: Node;
}

/** `order.id`, `orderId` read in the node's own text (its arguments): the call already says which operation it is. */
function mentionedIds(at: Node): Mention[] {
  const found: Mention[] = [];
  for (const identifier of at.getDescendantsOfKind(SyntaxKind.Identifier)) {
    const parent = identifier.getParent();
    // Property names (`{ orderId: ... }`, `x.orderId` as a member) are not reads of a variable.
    if (Node.isPropertyAssignment(parent) && parent.getNameNode() === identifier) continue;
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) {
      const receiver = parent.getExpression();
      if (identifier.getText() === 'id' && Node.isIdentifier(receiver) && isRecordName(receiver.getText())) found.push({ text: parent.getText(), node: receiver });
      continue;
    }
    if (isIdName(identifier.getText()) || isKeyName(identifier.getText())) found.push({ text: identifier.getText(), node: identifier });
  }
  return found;
}

function enclosingFunction(node: Node): FunctionLike | undefined {
  return node.getFirstAncestor((ancestor) => isFunctionLike(ancestor)) as FunctionLike | undefined;
}

/** The names a function declares that `at` can read: its parameters (destructured too) and variables declared before `at` in blocks around it. */
function namesInScope(fn: FunctionLike, at: Node): Node[] {
  const names: Node[] = [];
  for (const parameter of fn.getParameters()) names.push(...bindingNames(parameter.getNameNode()));
  for (const declaration of fn.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    if (declaration.getStart() >= at.getStart() || enclosingFunction(declaration) !== fn) continue;
    const block = declaration.getFirstAncestor((ancestor) => Node.isBlock(ancestor) || Node.isSourceFile(ancestor) || Node.isForOfStatement(ancestor) || Node.isForStatement(ancestor) || Node.isForInStatement(ancestor));
    if (block && !at.getAncestors().includes(block)) continue;
    names.push(...bindingNames(declaration.getNameNode()));
  }
  return names;
}

function bindingNames(name: Node): Node[] {
  if (Node.isIdentifier(name)) return [name];
  if (Node.isObjectBindingPattern(name) || Node.isArrayBindingPattern(name)) {
    return name.getElements().flatMap((element) => (Node.isBindingElement(element) ? bindingNames(element.getNameNode()) : []));
  }
  return [];
}

/** The record's `.id` is read in the function, or its declared type has an `id`. */
function hasIdProperty(name: Node, fn: FunctionLike): boolean {
  const text = name.getText();
  const read = fn.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression).some((access) => access.getName() === 'id' && access.getExpression().getText() === text);
  if (read) return true;
  const type = name.getType();
  return !type.isAny() && type.getProperty('id') !== undefined;
}

/**
 * The innermost loop statement or per-element callback around `at` inside its
 * function chain, if any: ids declared outside it are not the element's.
 */
function perElementBoundary(at: Node): Node | undefined {
  for (const ancestor of at.getAncestors()) {
    if (Node.isForOfStatement(ancestor) || Node.isForInStatement(ancestor) || Node.isForStatement(ancestor) || Node.isWhileStatement(ancestor) || Node.isDoStatement(ancestor)) return ancestor;
    if (isFunctionLike(ancestor) && isPerElementCallback(ancestor)) return ancestor;
  }
  return undefined;
}

function isPerElementCallback(fn: Node): boolean {
  const call = fn.getParent();
  if (!call || !Node.isCallExpression(call) || !call.getArguments().includes(fn)) return false;
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) && PER_ELEMENT_METHODS.has(callee.getName());
}

function declaredWithin(name: Node, boundary: Node | undefined): boolean {
  if (!boundary) return true;
  const declaration = Node.isIdentifier(name) ? (name.getSymbol()?.getDeclarations()[0] ?? name) : name;
  return declaration.getAncestors().includes(boundary) || declaration === boundary;
}
