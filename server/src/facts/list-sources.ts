import { Node, SyntaxKind, type BindingElement, type CallExpression, type Decorator, type Identifier, type ObjectLiteralExpression, type ParameterDeclaration, type SourceFile } from 'ts-morph';
import type { FileFacts } from './index';
import { isBoundedList } from './concurrency';
import { databaseCallOf } from './database';
import { declaredInstanceOrigin } from './declared-types';
import { functionsOf, isFunctionLike, returnedExpressions, type FunctionLike } from './function-summary';
import { directIoCall } from './io';
import { samePath, valueSymbol } from './origin';
import { unwrapExpression } from './syntax';
import { LENGTH_KEEPING_METHODS, LIST_DERIVING_FUNCTIONS } from './tables/concurrency';
import { REQUEST_CLASSES, REQUEST_INPUT_DECORATORS } from './tables/request-input';

/**
 * Where a list's length comes from, when nothing in the code caps it:
 * `query`, a database list query with no limit (`prisma.order.findMany({ where })`);
 * `request`, the caller's input (`req.body.ids`, a Nest `@Body()` DTO, GraphQL `@Args()`);
 * `response`, the body an upstream API answered with (`await (await fetch(url)).json()`).
 */
export type ListSourceKind = 'query' | 'request' | 'response';

export interface ListSource {
  kind: ListSourceKind;
  /** The query, the request input or the outbound call the list is read from. */
  node: Node;
}

const MAX_DEPTH = 16;
const PROMISE_COMBINATORS: readonly (readonly string[])[] = [
  ['Promise', 'all'],
  ['Promise', 'allSettled'],
];
/** Promise methods whose result carries what the promise resolves to (`fetch(url).then((res) => res.json())`). */
const PROMISE_CHAIN_METHODS: readonly string[] = ['then', 'catch', 'finally'];
/** Methods of a fetch response that read its body. */
const BODY_READERS: readonly string[] = ['json', 'text'];

/**
 * The unbounded source a list is read from, followed through what the code
 * derives from it (`filter`, `map`, lodash `uniqBy`, `Object.values`, a spread,
 * consts and `let` assignments, one entry of `const [a, b] = await Promise.all([...])`),
 * the project functions that return it (across files), and the parameters it is
 * passed to by the calls in the parameter's own file. Undefined when no such
 * source is visible: a list the code builds, reads from configuration, or
 * receives from a caller Preflight cannot see is not assumed to be long.
 */
export function unboundedSourceOf(list: Node, facts: FileFacts, level = 0): ListSource | undefined {
  if (level > MAX_DEPTH) return undefined;
  const node = unwrapExpression(list);
  const next = (expression: Node, file: FileFacts = facts) => unboundedSourceOf(expression, file, level + 1);
  if (Node.isAwaitExpression(node)) return next(node.getExpression());
  if (Node.isConditionalExpression(node)) return next(node.getWhenTrue()) ?? next(node.getWhenFalse());
  if (Node.isBinaryExpression(node) && [SyntaxKind.QuestionQuestionToken, SyntaxKind.BarBarToken].includes(node.getOperatorToken().getKind())) {
    return next(node.getLeft()) ?? next(node.getRight());
  }
  if (Node.isArrayLiteralExpression(node)) {
    for (const element of node.getElements()) {
      const source = Node.isSpreadElement(element) ? next(element.getExpression()) : undefined;
      if (source) return source;
    }
    return undefined;
  }
  if (Node.isNewExpression(node)) {
    const [first] = node.getArguments();
    return ['Set', 'Map'].includes(node.getExpression().getText()) && first ? next(first) : undefined;
  }
  if (Node.isCallExpression(node)) return sourceOfCall(node, facts, level);
  if (Node.isPropertyAccessExpression(node)) return sourceOfMember(node, facts, level);
  if (Node.isIdentifier(node)) return sourceOfName(node, facts, level);
  return undefined;
}

function sourceOfCall(call: CallExpression, facts: FileFacts, level: number): ListSource | undefined {
  const next = (expression: Node, file: FileFacts = facts) => unboundedSourceOf(expression, file, level + 1);
  const database = databaseCallOf(call, facts);
  if (database) return database.library.listQueries.includes(database.method) && !isCapped(call, database.library.limitOptions, facts) ? { kind: 'query', node: call } : undefined;
  if (directIoCall(call, facts)?.kind === 'http') return { kind: 'response', node: call };
  const callee = unwrapExpression(call.getExpression());
  const args = call.getArguments();
  const origin = facts.origin(callee);
  // `await Promise.all(rows.map(load))` has one result per row.
  if (origin.kind === 'global' && PROMISE_COMBINATORS.some((path) => samePath(origin.path, path))) return args[0] ? next(args[0]) : undefined;
  if (Node.isPropertyAccessExpression(callee)) {
    const method = callee.getName();
    const receiver = callee.getExpression();
    const receiverText = receiver.getText();
    if (receiverText === 'Object' && ['keys', 'values', 'entries'].includes(method)) return args[0] ? next(args[0]) : undefined;
    if (receiverText === 'Array' && method === 'from') return args[0] ? next(args[0]) : undefined;
    if (PROMISE_CHAIN_METHODS.includes(method) || LENGTH_KEEPING_METHODS.includes(method)) return next(receiver) ?? (method === 'concat' ? firstSource(args, next) : undefined);
    // `xs.slice(1)` keeps all but a few; `xs.slice(i, i + n)` is a chunk.
    if (method === 'slice' && args.length < 2) return next(receiver);
    if (BODY_READERS.includes(method)) {
      const source = next(receiver);
      return source?.kind === 'response' ? source : undefined;
    }
  }
  if (origin.kind === 'module' && LIST_DERIVING_FUNCTIONS.some((library) => library.module === origin.module && library.paths.some((path) => samePath(path, origin.path)))) {
    return args[0] ? next(args[0]) : undefined;
  }
  for (const fn of functionsOf(callee) ?? []) {
    const file = facts.forFile(fn.getSourceFile());
    const source = firstSource(returnedExpressions(fn), (expression) => unboundedSourceOf(expression, file, level + 1));
    if (source) return source;
  }
  return undefined;
}

function firstSource(nodes: readonly Node[], sourceOf: (node: Node) => ListSource | undefined): ListSource | undefined {
  for (const node of nodes) {
    const source = sourceOf(node);
    if (source) return source;
  }
  return undefined;
}

/**
 * A list query capped by its options: a limit (`take`) other than "no limit"
 * (`Number.MAX_SAFE_INTEGER`, `Infinity`, also as the default of the parameter
 * it is passed through), options the file cannot see (a variable, a spread: the
 * caller may pass one), or a filter on a fixed set of keys
 * (`where: { name: { in: SETTINGS } }` matches at most that many rows).
 */
function isCapped(call: CallExpression, limitOptions: readonly string[], facts: FileFacts): boolean {
  const [options] = call.getArguments();
  if (!options) return false;
  const literal = unwrapExpression(options);
  if (!Node.isObjectLiteralExpression(literal)) return true;
  for (const property of literal.getProperties()) {
    if (Node.isSpreadAssignment(property)) return true;
    const name = propertyName(property);
    if (name !== undefined && limitOptions.includes(name)) return !isNoLimit(property, facts);
  }
  return filtersByFixedKeys(literal, facts);
}

/** `take: Number.MAX_SAFE_INTEGER`, or `take` from a parameter whose default or caller's value is one. */
function isNoLimit(property: Node, facts: FileFacts): boolean {
  const value = Node.isPropertyAssignment(property) ? property.getInitializer() : Node.isShorthandPropertyAssignment(property) ? property.getNameNode() : undefined;
  return value !== undefined && valuesOf(value, facts, 0).some((leaf) => NO_LIMIT.test(unwrapExpression(leaf).getText()));
}

const NO_LIMIT = /^(?:Number\.MAX_SAFE_INTEGER|Number\.MAX_VALUE|Number\.POSITIVE_INFINITY|Infinity)$/;

/**
 * The expressions a name can hold: its initializer or default, the property of
 * the object it is destructured from, and what the calls in its file pass the
 * parameter it comes from. Anything else is returned as is.
 */
function valuesOf(expression: Node, facts: FileFacts, level: number): Node[] {
  const node = unwrapExpression(expression);
  if (level > MAX_DEPTH || !Node.isIdentifier(node)) return [node];
  const declaration = valueSymbol(node)?.getValueDeclaration();
  if (!declaration) return [node];
  const deeper = (value: Node) => valuesOf(value, facts, level + 1);
  if (Node.isVariableDeclaration(declaration)) return declaration.getInitializer() ? deeper(declaration.getInitializer()!) : [];
  if (Node.isParameterDeclaration(declaration)) return [...defaultOf(declaration).flatMap(deeper), ...passedTo(declaration, undefined, facts).flatMap(deeper)];
  if (!Node.isBindingElement(declaration) || !Node.isObjectBindingPattern(declaration.getParent())) return [node];
  const key = declaration.getPropertyNameNode()?.getText() ?? declaration.getName();
  const holder = declaration.getParent().getParent();
  const own = defaultOf(declaration).flatMap(deeper);
  if (Node.isParameterDeclaration(holder)) return [...own, ...passedTo(holder, key, facts).flatMap(deeper)];
  const initializer = Node.isVariableDeclaration(holder) ? holder.getInitializer() : undefined;
  const objects = initializer ? deeper(initializer) : [];
  return [...own, ...objects.map((object) => propertyValue(object, key)).filter((value): value is Node => value !== undefined).flatMap(deeper)];
}

function defaultOf(declaration: ParameterDeclaration | BindingElement): Node[] {
  const initializer = declaration.getInitializer();
  return initializer ? [initializer] : [];
}

/** What the calls in the parameter's file pass it (its property `key`, for a destructured one). */
function passedTo(parameter: ParameterDeclaration, key: string | undefined, facts: FileFacts): Node[] {
  const fn = parameter.getParent();
  if (!isFunctionLike(fn)) return [];
  const index = fn.getParameters().indexOf(parameter);
  const file = facts.forFile(parameter.getSourceFile());
  return callsOf(fn, file.sourceFile, file)
    .map((call) => call.getArguments()[index])
    .map((argument) => (argument && key !== undefined ? propertyValue(argument, key) : argument))
    .filter((value): value is Node => value !== undefined);
}

function filtersByFixedKeys(options: ObjectLiteralExpression, facts: FileFacts): boolean {
  return options.getDescendantsOfKind(SyntaxKind.PropertyAssignment).some((property) => {
    const value = property.getInitializer();
    return property.getName() === 'in' && value !== undefined && isBoundedList(value, facts);
  });
}

function propertyName(property: Node): string | undefined {
  return Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property) ? property.getName() : undefined;
}

/** `req.body.ids` of a framework's request, or a member of what came from the request or an upstream's answer (`dto.items`, `response.data`). */
function sourceOfMember(member: Node & { getExpression(): Node; getName(): string }, facts: FileFacts, level: number): ListSource | undefined {
  const holder = member.getExpression();
  if (isRequestInputMember(member.getName(), holder, facts)) return { kind: 'request', node: member };
  const source = unboundedSourceOf(holder, facts, level + 1);
  return source && source.kind !== 'query' ? source : undefined;
}

function isRequestInputMember(name: string, holder: Node, facts: FileFacts): boolean {
  const instance = declaredInstanceOrigin(holder, facts);
  return (
    instance !== undefined &&
    REQUEST_CLASSES.some((request) => request.module === instance.module && request.classNames.includes(instance.className) && request.inputProperties.includes(name))
  );
}

function sourceOfName(name: Identifier, facts: FileFacts, level: number): ListSource | undefined {
  const symbol = valueSymbol(name);
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declaration = resolved?.getValueDeclaration() ?? resolved?.getDeclarations()[0];
  if (!declaration) return undefined;
  const file = facts.forFile(declaration.getSourceFile());
  const next = (expression: Node) => unboundedSourceOf(expression, file, level + 1);
  if (Node.isVariableDeclaration(declaration)) {
    // The variable of a `for...of` is one element, not the list.
    if (Node.isForOfStatement(declaration.getParent()?.getParent())) return undefined;
    const initializer = declaration.getInitializer();
    return (initializer ? next(initializer) : undefined) ?? firstSource(assignedValues(name, declaration), next);
  }
  if (Node.isBindingElement(declaration)) return sourceOfBindingElement(declaration, file, level);
  if (Node.isParameterDeclaration(declaration)) return sourceOfParameter(declaration, undefined, file, level);
  return undefined;
}

/** The values a `let` is given after its declaration: `rows = await prisma.row.findMany(...)`. */
function assignedValues(name: Identifier, declaration: Node): Node[] {
  const scope = declaration.getFirstAncestor((ancestor) => isFunctionLike(ancestor) || Node.isSourceFile(ancestor));
  if (!scope) return [];
  const symbol = valueSymbol(name);
  return scope
    .getDescendantsOfKind(SyntaxKind.BinaryExpression)
    .filter((binary) => binary.getOperatorToken().getKind() === SyntaxKind.EqualsToken)
    .filter((binary) => {
      const left = unwrapExpression(binary.getLeft());
      return Node.isIdentifier(left) && left.getText() === name.getText() && left.getSymbol() === symbol;
    })
    .map((binary) => binary.getRight());
}

function sourceOfBindingElement(element: Node, facts: FileFacts, level: number): ListSource | undefined {
  if (!Node.isBindingElement(element)) return undefined;
  const pattern = element.getParent();
  const holder = pattern.getParent();
  if (Node.isParameterDeclaration(holder)) {
    const key = Node.isObjectBindingPattern(pattern) ? (element.getPropertyNameNode()?.getText() ?? element.getName()) : undefined;
    return key === undefined ? undefined : sourceOfParameter(holder, key, facts, level);
  }
  if (!Node.isVariableDeclaration(holder)) return undefined;
  const initializer = holder.getInitializer();
  if (!initializer) return undefined;
  if (Node.isArrayBindingPattern(pattern)) {
    // `const [rows, count] = await Promise.all([prisma.row.findMany(...), prisma.row.count()])`.
    const awaited = unwrapExpression(initializer);
    const combined = Node.isAwaitExpression(awaited) ? unwrapExpression(awaited.getExpression()) : undefined;
    const entries = combined && Node.isCallExpression(combined) ? combined.getArguments()[0] : undefined;
    const entry = entries && Node.isArrayLiteralExpression(entries) ? entries.getElements()[pattern.getElements().indexOf(element)] : undefined;
    return entry ? unboundedSourceOf(entry, facts, level + 1) : undefined;
  }
  // `const { ids } = req.body`, `const { data } = await axios.get(url)`.
  const source = unboundedSourceOf(initializer, facts, level + 1);
  if (source && source.kind !== 'query') return source;
  // `const { rows } = await this.listRows()` of a function that returns `{ rows, count }`.
  const key = element.getPropertyNameNode()?.getText() ?? element.getName();
  return firstSource(objectsReturnedBy(initializer), (object) => {
    const value = propertyValue(object, key);
    return value ? unboundedSourceOf(value, facts.forFile(object.getSourceFile()), level + 1) : undefined;
  });
}

/** The object literals a project function called by `expression` returns. */
function objectsReturnedBy(expression: Node): ObjectLiteralExpression[] {
  let node = unwrapExpression(expression);
  if (Node.isAwaitExpression(node)) node = unwrapExpression(node.getExpression());
  if (!Node.isCallExpression(node)) return [];
  return (functionsOf(node.getExpression()) ?? [])
    .flatMap(returnedExpressions)
    .map((returned) => unwrapExpression(returned))
    .filter((returned): returned is ObjectLiteralExpression => Node.isObjectLiteralExpression(returned));
}

/**
 * A parameter filled with the caller's input (`@Body() dto`, `@Args('ids') ids`),
 * or one that a call in its own file passes an unbounded list to
 * (`key` names the property for a destructured parameter: `({ members }) => ...`).
 */
function sourceOfParameter(parameter: ParameterDeclaration, key: string | undefined, facts: FileFacts, level: number): ListSource | undefined {
  if (parameter.getDecorators().some((decorator) => isInputDecorator(decorator, facts))) return { kind: 'request', node: parameter };
  return firstSource(passedTo(parameter, key, facts), (passed) => unboundedSourceOf(passed, facts, level + 1));
}

function isInputDecorator(decorator: Decorator, facts: FileFacts): boolean {
  const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getExpression());
  return origin.kind === 'module' && REQUEST_INPUT_DECORATORS.some((library) => library.module === origin.module && origin.path.length === 1 && library.names.includes(origin.path[0]!));
}

function propertyValue(argument: Node, key: string): Node | undefined {
  const literal = unwrapExpression(argument);
  if (!Node.isObjectLiteralExpression(literal)) return undefined;
  const property = literal.getProperty(key);
  if (Node.isPropertyAssignment(property)) return property.getInitializer();
  if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
  return undefined;
}

/** The calls in `file` that run `fn`, found once per file. */
function callsOf(fn: FunctionLike, file: SourceFile, facts: FileFacts): CallExpression[] {
  const byFunction = facts.memo('list-sources:calls-by-function', () => {
    const map = new Map<Node, CallExpression[]>();
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      for (const callee of functionsOf(call.getExpression()) ?? []) {
        if (callee.getSourceFile() !== file) continue;
        map.set(callee, [...(map.get(callee) ?? []), call]);
      }
    }
    return map;
  });
  return byFunction.get(fn) ?? [];
}
