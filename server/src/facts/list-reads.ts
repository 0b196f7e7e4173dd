import { Node, SyntaxKind, type CallExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { isBoundedList } from './concurrency';
import { databaseOperationOf, type DatabaseOperation } from './database-operations';
import { unboundedSourceOf } from './list-sources';
import { routeRegistrations } from './routes';
import { chainOf, unwrapExpression } from './syntax';
import {
  KEY_FILTER_FUNCTIONS,
  KEY_LIST_OPERATORS,
  LIST_READ_BOUNDS,
  NON_KEY_OPERATORS,
  PARENT_KEY_COLUMN,
  VALUE_CONVERSIONS,
  UNIQUE_KEY_COLUMNS,
  UPPER_BOUND_DECORATORS,
  type ListReadBounds,
} from './tables/list-read-bounds';

/**
 * How many rows a list read can return, as the code shows it:
 * - `limited`: a limit (`take: 50`, `.limit(20)`, `.first()`), or one clamped from request input (`Math.min(...)`);
 * - `keyed`: a filter on a key that identifies rows (`where: { id }`, `{ id: { in: ids } }`, `.where('id', id)`)
 *   or on a fixed set of values (`{ status: { in: ['open', 'paid'] } }`): at most one row per listed key;
 * - `unknown`: options the file cannot see (a variable, a spread): the caller may pass a limit;
 * - `request-limit`: a limit taken from request input with no upper bound (`take: Number(req.query.limit)`): the caller picks it;
 * - `none`: no limit at all, or "no limit" spelled out (`take: Number.MAX_SAFE_INTEGER`, then `limit` is that value).
 */
export type ListReadBound = { state: 'limited' | 'keyed' | 'unknown' } | { state: 'none'; limit?: Node } | { state: 'request-limit'; value: Node };

export interface ListRead {
  operation: DatabaseOperation;
  bounds: ListReadBounds;
  /** The call of the list-read method (`findMany(...)`, `find(...)`, `getMany()`, `select(...)`). */
  readCall: CallExpression;
  /** Every call of the query's chain, innermost first, including those made on the read's result (`.limit(5)`, `.lean()`). */
  chain: CallExpression[];
  /** The options object, when the method takes one and the code writes it as a literal. */
  options?: ObjectLiteralExpression;
  /** Where the options go (for a fix when there are none). */
  optionsIndex?: number;
  bound: ListReadBound;
}

const NO_LIMIT = /^(?:Number\.MAX_SAFE_INTEGER|Number\.MAX_VALUE|Number\.POSITIVE_INFINITY|Infinity)$/;
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
const ALL_METHODS = new Set(LIST_READ_BOUNDS.flatMap((entry) => entry.methods));
const MAX_DEPTH = 6;

/** The list read `call` makes when it is the outermost call of its chain (`User.find(f).lean()`, `knex('t').select()`), with its bound. */
export function listReadOf(call: CallExpression, facts: FileFacts): ListRead | undefined {
  if (hasOuterChainCall(call)) return undefined;
  const inner = chainOf(call);
  const readCall = inner.find((link) => ALL_METHODS.has(methodName(link) ?? ''));
  if (!readCall) return undefined;
  const operation = inner.map((link) => databaseOperationOf(link, facts)).find((op) => op !== undefined);
  if (!operation || operation.kind !== 'list-read') return undefined;
  const bounds = LIST_READ_BOUNDS.find((entry) => entry.library === operation.library.id);
  const method = methodName(readCall)!;
  if (!bounds || !bounds.methods.includes(method)) return undefined;
  const chain = [...inner].reverse();
  const optionsIndex = optionsIndexOf(bounds, method, readCall);
  const argument = optionsIndex !== undefined ? readCall.getArguments()[optionsIndex] : undefined;
  const literal = argument && unwrapExpression(argument);
  const options = literal && Node.isObjectLiteralExpression(literal) ? literal : undefined;
  const read: ListRead = { operation, bounds, readCall, chain, options, optionsIndex, bound: { state: 'none' } };
  read.bound = boundOf(read, argument, facts);
  return read;
}

function hasOuterChainCall(call: CallExpression): boolean {
  const access = call.getParent();
  const outer = access?.getParent();
  return access !== undefined && Node.isPropertyAccessExpression(access) && !PROMISE_METHODS.has(access.getName()) && outer !== undefined && Node.isCallExpression(outer) && outer.getExpression() === access;
}

function methodName(call: CallExpression): string | undefined {
  const callee = unwrapExpression(call.getExpression());
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

/** `manager.find(User, options)`: an entity class first moves the options one to the right. */
function optionsIndexOf(bounds: ListReadBounds, method: string, call: CallExpression): number | undefined {
  const index = bounds.optionsIndex?.[method];
  if (index === undefined) return undefined;
  const first = call.getArguments()[0];
  const value = first && unwrapExpression(first);
  const entityFirst = bounds.entityFirst === true && value !== undefined && (Node.isIdentifier(value) || Node.isStringLiteral(value)) && /^[A-Z'"]/.test(value.getText()) && !Node.isObjectLiteralExpression(value);
  return entityFirst && bounds.library === 'typeorm' ? index + 1 : index;
}

function boundOf(read: ListRead, argument: Node | undefined, facts: FileFacts): ListReadBound {
  const { bounds, chain, options } = read;
  for (const link of chain) {
    const method = methodName(link);
    if (method === undefined || link === read.readCall || !bounds.limitMethods.includes(method)) continue;
    if (method === 'first') return { state: 'limited' };
    const [value] = link.getArguments();
    if (value) return limitValueBound(value, facts);
  }
  if (argument && !options) return { state: 'unknown' };
  if (options) {
    for (const property of options.getProperties()) {
      if (Node.isSpreadAssignment(property)) return { state: 'unknown' };
      const name = Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property) ? property.getName() : undefined;
      if (name === undefined || !bounds.limitOptions.includes(name)) continue;
      const value = Node.isPropertyAssignment(property) ? property.getInitializerOrThrow() : (property as Node & { getNameNode(): Node }).getNameNode();
      return limitValueBound(value, facts);
    }
  }
  return isKeyed(read, facts) ? { state: 'keyed' } : { state: 'none' };
}

function limitValueBound(value: Node, facts: FileFacts): ListReadBound {
  const text = unwrapExpression(value).getText();
  if (NO_LIMIT.test(text) || text === 'undefined') return { state: 'none', limit: value };
  return isUnclampedRequestValue(value, facts, 0) ? { state: 'request-limit', value } : { state: 'limited' };
}

/**
 * A number the request decides and nothing caps: `req.query.limit`, `Number(req.query.limit)`,
 * `parseInt(limit, 10) || 20` of `const { limit } = req.query`, a Nest `@Query('limit')` parameter,
 * a DTO property with no `@Max()`. `Math.min(...)` (or any clamp) caps it.
 */
export function isUnclampedRequestValue(value: Node, facts: FileFacts, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrapExpression(value);
  const next = (inner: Node) => isUnclampedRequestValue(inner, facts, depth + 1);
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.PlusToken) return next(node.getOperand());
  if (Node.isBinaryExpression(node) && [SyntaxKind.BarBarToken, SyntaxKind.QuestionQuestionToken].includes(node.getOperatorToken().getKind())) return next(node.getLeft());
  if (Node.isConditionalExpression(node)) return next(node.getWhenTrue()) || next(node.getWhenFalse());
  if (Node.isCallExpression(node)) {
    const callee = unwrapExpression(node.getExpression()).getText();
    const [first] = node.getArguments();
    return VALUE_CONVERSIONS.includes(callee) && first !== undefined && next(first);
  }
  if (Node.isIdentifier(node)) {
    const declaration = node.getSymbol()?.getValueDeclaration();
    if (declaration && Node.isVariableDeclaration(declaration)) {
      if (isReassigned(node, declaration)) return false;
      const initializer = declaration.getInitializer();
      if (initializer && Node.isIdentifier(declaration.getNameNode())) return next(initializer);
    }
  }
  if (Node.isPropertyAccessExpression(node) && hasUpperBoundDecorator(node)) return false;
  if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node)) return false;
  return unboundedSourceOf(node, facts)?.kind === 'request' || isRouteRequestInput(node, facts);
}

/** The members of a request that hold the caller's input. */
const INPUT_HOLDERS = new Set(['query', 'body']);

/**
 * `req.query.limit`, `ctx.request.query.limit`, `request.body.limit` where `req` is the first parameter of a
 * route handler registered in this file: the request, even when its type cannot be seen.
 */
function isRouteRequestInput(node: Node, facts: FileFacts): boolean {
  let current = node;
  let throughInput = false;
  while (Node.isPropertyAccessExpression(current)) {
    current = unwrapExpression(current.getExpression());
    if (Node.isPropertyAccessExpression(current) && INPUT_HOLDERS.has(current.getName())) throughInput = true;
  }
  if (!throughInput || !Node.isIdentifier(current)) return false;
  const parameter = current.getSymbol()?.getValueDeclaration();
  if (!parameter || !Node.isParameterDeclaration(parameter)) return false;
  const fn = parameter.getParent();
  if (!fn || (fn as Node & { getParameters?(): Node[] }).getParameters?.()[0] !== parameter) return false;
  return routeRegistrations(facts).some((registration) => registration.handlers.some((handler) => handlerFunction(handler) === fn));
}

function handlerFunction(handler: Node): Node | undefined {
  const node = unwrapExpression(handler);
  if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) return node;
  if (!Node.isIdentifier(node)) return undefined;
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (declaration && Node.isFunctionDeclaration(declaration)) return declaration;
  const initializer = declaration && Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
  return initializer && (Node.isArrowFunction(unwrapExpression(initializer)) || Node.isFunctionExpression(unwrapExpression(initializer))) ? unwrapExpression(initializer) : undefined;
}

/** `limit = Math.min(limit, 100)` after the declaration: a later assignment may cap it. */
function isReassigned(name: Node, declaration: Node): boolean {
  const scope = declaration.getFirstAncestor((ancestor) => Node.isBlock(ancestor) || Node.isSourceFile(ancestor));
  const symbol = name.getSymbol();
  return (scope?.getDescendantsOfKind(SyntaxKind.BinaryExpression) ?? []).some((binary) => {
    const left = binary.getLeft();
    return binary.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isIdentifier(left) && left.getSymbol() === symbol;
  });
}

/** `query.limit` of a DTO whose `limit` has `@Max(100)`. */
function hasUpperBoundDecorator(member: Node): boolean {
  const declaration = member.getSymbol()?.getValueDeclaration();
  return declaration !== undefined && Node.isPropertyDeclaration(declaration) && declaration.getDecorators().some((decorator) => UPPER_BOUND_DECORATORS.includes(decorator.getName()));
}

// ---------------------------------------------------------------------------
// Keyed filters

function isKeyed(read: ListRead, facts: FileFacts): boolean {
  const { bounds, options, readCall, chain } = read;
  const filters: Node[] = [];
  if ('option' in bounds.filter && options) {
    const where = options.getProperty(bounds.filter.option);
    if (where && Node.isPropertyAssignment(where)) filters.push(where.getInitializerOrThrow());
  }
  if ('index' in bounds.filter && bounds.filter.index >= 0) {
    const filter = readCall.getArguments()[bounds.filter.index + (bounds.entityFirst && isEntityArgument(readCall.getArguments()[0]) ? 1 : 0)];
    if (filter) filters.push(filter);
  }
  // TypeORM `findBy(where)`: the filter is the first argument.
  if (!bounds.optionsIndex?.[methodName(readCall) ?? ''] && bounds.library === 'typeorm') {
    const filter = readCall.getArguments()[isEntityArgument(readCall.getArguments()[0]) ? 1 : 0];
    if (filter) filters.push(filter);
  }
  if (filters.some((filter) => isKeyedFilter(filter, facts, 0))) return true;
  return chain.some((link) => bounds.whereMethods?.includes(methodName(link) ?? '') === true && isKeyedWhereCall(link, facts));
}

function isEntityArgument(node: Node | undefined): boolean {
  const value = node && unwrapExpression(node);
  return value !== undefined && Node.isIdentifier(value) && /^[A-Z]/.test(value.getText());
}

/** `{ id }`, `{ id: { in: ids } }`, `{ _id: { $in: ids } }`, `{ id: In(ids) }`, `{ status: { in: ['a', 'b'] } }`, or an `AND` list holding one. */
function isKeyedFilter(filter: Node, facts: FileFacts, depth: number): boolean {
  const value = unwrapExpression(filter);
  if (depth > 3) return false;
  if (Node.isArrayLiteralExpression(value)) return value.getElements().length > 0 && value.getElements().every((element) => isKeyedFilter(element, facts, depth + 1));
  if (!Node.isObjectLiteralExpression(value)) return false;
  return value.getProperties().some((property) => {
    if (Node.isShorthandPropertyAssignment(property)) return UNIQUE_KEY_COLUMNS.includes(property.getName()) || PARENT_KEY_COLUMN.test(property.getName());
    if (!Node.isPropertyAssignment(property)) return false;
    const name = property.getName().replace(/^['"]|['"]$/g, '');
    const initializer = unwrapExpression(property.getInitializerOrThrow());
    if (name === 'AND') return isKeyedFilter(initializer, facts, depth + 1);
    if (UNIQUE_KEY_COLUMNS.includes(name) || PARENT_KEY_COLUMN.test(name)) return isKeyValue(initializer, facts);
    if (isFixedValueList(initializer, facts)) return true;
    // A relation filter: `{ project: { slug } }`, `{ members: { some: { userId } } }`.
    return Node.isObjectLiteralExpression(initializer) && isKeyedFilter(relationFilterOf(initializer), facts, depth + 1);
  });
}

/** `{ some: { userId } }` → `{ userId }`; `{ slug }` as it is. */
function relationFilterOf(filter: ObjectLiteralExpression): Node {
  const quantifier = filter.getProperties().find((property) => Node.isPropertyAssignment(property) && RELATION_QUANTIFIERS.includes(property.getName()));
  return quantifier && Node.isPropertyAssignment(quantifier) ? quantifier.getInitializerOrThrow() : filter;
}

const RELATION_QUANTIFIERS = ['some', 'every', 'is'];

/** A value that selects listed keys: a scalar, `{ in: ids }`/`{ equals: id }`, `In(ids)`. Not `{ not: id }` or `{ gt: id }`. */
function isKeyValue(value: Node, facts: FileFacts): boolean {
  if (Node.isObjectLiteralExpression(value)) {
    const properties = value.getProperties();
    return properties.length > 0 && properties.every((property) => (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property)) && KEY_LIST_OPERATORS.includes(property.getName()));
  }
  // `String(req.params.id)`, `In(ids)`: a key; `Not(id)`, `MoreThan(id)`: other rows.
  if (Node.isCallExpression(value)) return !isNonKeyOperator(value, facts);
  return true;
}

/** `{ in: ['open', 'paid'] }`: a filter on a fixed set of values. */
function isFixedValueList(value: Node, facts: FileFacts): boolean {
  if (!Node.isObjectLiteralExpression(value)) return false;
  return value.getProperties().some((property) => {
    if (!Node.isPropertyAssignment(property) || !['in', '$in'].includes(property.getName())) return false;
    return isBoundedList(property.getInitializerOrThrow(), facts);
  });
}

function isNonKeyOperator(call: CallExpression, facts: FileFacts): boolean {
  const origin = facts.origin(call.getExpression());
  return origin.kind === 'module' && NON_KEY_OPERATORS.some((entry) => entry.module === origin.module && origin.path.length === 1 && entry.names.includes(origin.path[0]!));
}

function isKeyFilterFunction(call: CallExpression, facts: FileFacts): boolean {
  const origin = facts.origin(call.getExpression());
  return origin.kind === 'module' && KEY_FILTER_FUNCTIONS.some((entry) => entry.module === origin.module && origin.path.length === 1 && entry.names.includes(origin.path[0]!));
}

/** `.where({ id })`, `.where('id', id)`, `.whereIn('id', ids)`, `.where('user.id = :id', { id })`, `.where(eq(users.id, id))`. */
function isKeyedWhereCall(call: CallExpression, facts: FileFacts): boolean {
  const [first] = call.getArguments();
  if (!first) return false;
  const value = unwrapExpression(first);
  if (Node.isObjectLiteralExpression(value)) return isKeyedFilter(value, facts, 0);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) {
    const column = /^(?:[\w"`]+\.)?["`]?(\w+)["`]?(?:\s*(?:=|in\b)|$)/i.exec(value.getLiteralValue().trim())?.[1];
    return column !== undefined && isKeyColumn(column);
  }
  if (Node.isCallExpression(value) && isKeyFilterFunction(value, facts)) {
    const [column] = value.getArguments();
    const name = column && unwrapExpression(column);
    return name !== undefined && Node.isPropertyAccessExpression(name) && isKeyColumn(name.getName());
  }
  return false;
}

function isKeyColumn(name: string): boolean {
  return UNIQUE_KEY_COLUMNS.includes(name) || PARENT_KEY_COLUMN.test(name);
}
