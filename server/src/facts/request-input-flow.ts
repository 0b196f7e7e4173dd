import { Node, SyntaxKind, type CallExpression, type Decorator, type ParameterDeclaration } from 'ts-morph';
import type { FileFacts } from './index';
import { declaredInstanceOrigin } from './declared-types';
import { functionsOf, isFunctionLike, returnedExpressions, type FunctionLike } from './function-summary';
import { samePath, valueSymbol, type Origin } from './origin';
import { functionsReachableFrom, routeRegistrations, type RouteRegistration } from './routes';
import { unwrapExpression } from './syntax';
import {
  CONTEXT_FRAMEWORKS,
  DTO_VALIDATION_MODULES,
  ESCAPING_METHODS,
  INPUT_PARAMETER_DECORATORS,
  NOT_VALIDATORS,
  NUMBER_COERCIONS,
  PASS_THROUGH,
  REQUEST_INPUT_PATHS,
  REQUEST_OBJECT_TYPES,
  SANITIZERS,
  STRING_COERCIONS,
  VALIDATION_FUNCTIONS,
  VALIDATION_METHODS,
  VALIDATOR_MODULES,
  type RequestInputPart,
  type SinkKind,
} from './tables/request-input-flow';

export type { RequestInputPart, SinkKind } from './tables/request-input-flow';

/**
 * Request input that reaches an expression, as the local data flow shows it:
 * read from `req.body`/`query`/`params` (Express, Fastify, Next), Koa's
 * `ctx.request.body`/`ctx.query`/`ctx.params`, or a Nest `@Body()`/`@Query()`/
 * `@Param()` parameter, and followed through variables, destructuring,
 * spreads, object and array literals, template strings, string methods and the
 * project's own functions (their parameters bound to the call's arguments).
 */
export interface InputReach {
  /** Where the request is read: `req.body`, `ctx.request.query`, the `@Body()` parameter. */
  source: Node;
  part: RequestInputPart;
  /** `object`: the whole input, a copy, spread or rest of it, with whatever keys the caller sends; `value`: one field of it. */
  shape: 'object' | 'value';
  /** Checked by a validator on the way, in its handler, or on its route (middleware, Fastify `schema`, a DTO under `ValidationPipe`). */
  validated: boolean;
  /** Made a string on the way (`String(x)`, `x.trim()`, a template): an object cannot become an operator any more. */
  stringified: boolean;
  /** Sinks a sanitiser on the way made the value safe for (`path.basename`: file paths). */
  safeFor: readonly SinkKind[];
}

const MAX_DEPTH = 10;
/** How a pattern that strips parent-folder segments spells them. */
const TRAVERSAL_SEGMENT = '\\.\\.';
/** Nodes visited per question at most: keeps a question bounded however the code nests. */
const MAX_STEPS = 600;

interface Trace {
  facts: FileFacts;
  depth: number;
  /** Parameters of a project function being followed, bound to the caller's arguments (and the caller's trace). */
  bindings: ReadonlyMap<Node, { argument: Node | undefined; trace: Trace }>;
  budget: { steps: number };
}

/** The request input that reaches `expression`, if any (memoised per expression). */
export function requestInputReaching(expression: Node, facts: FileFacts): InputReach[] {
  return facts.memo(`request-input-flow:${expression.getStart()}:${expression.getEnd()}`, () =>
    traceInput(expression, { facts, depth: 0, bindings: new Map(), budget: { steps: 0 } }),
  );
}

/** True when `expression` may carry request input that no validator checked and no sanitiser made safe for `sink`. */
export function uncheckedInputReaching(expression: Node, facts: FileFacts, sink: SinkKind): InputReach | undefined {
  return requestInputReaching(expression, facts).find((reach) => !reach.validated && !reach.safeFor.includes(sink));
}

function traceInput(expression: Node, trace: Trace): InputReach[] {
  if (trace.depth > MAX_DEPTH || ++trace.budget.steps > MAX_STEPS) return [];
  const node = unwrapExpression(expression);
  const next = (child: Node) => traceInput(child, { ...trace, depth: trace.depth + 1 });
  if (Node.isAwaitExpression(node)) return next(node.getExpression());
  if (Node.isConditionalExpression(node)) return [...next(node.getWhenTrue()), ...next(node.getWhenFalse())];
  if (Node.isBinaryExpression(node)) return binaryInput(node, next);
  if (Node.isTemplateExpression(node)) return node.getTemplateSpans().flatMap((span) => next(span.getExpression()).map(asString));
  if (Node.isObjectLiteralExpression(node)) {
    // A copy of the whole input (`{ ...req.body, userId }`) has the caller's keys; picked fields do not.
    return node.getProperties().flatMap((property) => (Node.isSpreadAssignment(property) ? next(property.getExpression()).filter((reach) => reach.shape === 'object') : []));
  }
  if (Node.isArrayLiteralExpression(node)) return node.getElements().flatMap((element) => next(Node.isSpreadElement(element) ? element.getExpression() : element).map(asValue));
  if (Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) return memberInput(node, trace, next);
  if (Node.isIdentifier(node)) return identifierInput(node, trace);
  if (Node.isCallExpression(node)) return callInput(node, trace, next);
  if (Node.isNewExpression(node)) {
    // `new URL(req.query.url)`: the URL is the input.
    const [first] = node.getArguments();
    return node.getExpression().getText() === 'URL' && first ? next(first) : [];
  }
  return [];
}

function binaryInput(node: Node & { getOperatorToken(): Node; getLeft(): Node; getRight(): Node }, next: (child: Node) => InputReach[]): InputReach[] {
  switch (node.getOperatorToken().getKind()) {
    case SyntaxKind.QuestionQuestionToken:
    case SyntaxKind.BarBarToken:
      return [...next(node.getLeft()), ...next(node.getRight())];
    case SyntaxKind.AmpersandAmpersandToken:
    case SyntaxKind.CommaToken:
      return next(node.getRight());
    case SyntaxKind.PlusToken:
      return [...next(node.getLeft()), ...next(node.getRight())].map(asString);
    default:
      // Comparisons, arithmetic and assignments make booleans and numbers, or are statements.
      return [];
  }
}

function asValue(reach: InputReach): InputReach {
  return reach.shape === 'value' ? reach : { ...reach, shape: 'value' };
}

function asString(reach: InputReach): InputReach {
  return { ...reach, shape: 'value', stringified: true };
}

// ---------------------------------------------------------------------------
// Reading the request

function memberInput(node: Node, trace: Trace, next: (child: Node) => InputReach[]): InputReach[] {
  const read = inputReadOf(node, trace.facts);
  if (read) return [{ source: node, part: read, shape: 'object', validated: isValidatedRead(node, read, trace.facts), stringified: false, safeFor: [] }];
  const receiver = (node as Node & { getExpression(): Node }).getExpression();
  const name = Node.isPropertyAccessExpression(node) ? node.getName() : undefined;
  // `req.body.tags.length` is a number.
  if (name === 'length') return [];
  return next(receiver).map(asValue);
}

/** The part of the request a member read returns: `req.body`, `request.query`, `ctx.request.body`, `ctx.params`. */
function inputReadOf(node: Node, facts: FileFacts): RequestInputPart | undefined {
  const path: string[] = [];
  let current: Node = node;
  while (Node.isPropertyAccessExpression(current) && path.length < 2) {
    path.unshift(current.getName());
    current = unwrapExpression(current.getExpression());
  }
  if (path.length === 0) return undefined;
  for (let start = 0; start < path.length; start++) {
    const tail = path.slice(start);
    const candidates = REQUEST_INPUT_PATHS.filter((entry) => samePath(entry.path, tail));
    if (candidates.length === 0) continue;
    // The object the tail is read on: `ctx` of `ctx.request.body`, `req` of `req.body`.
    let holder: Node = node;
    for (let i = 0; i < tail.length; i++) holder = unwrapExpression((holder as Node & { getExpression(): Node }).getExpression());
    const kind = requestObjectKind(holder, facts);
    const match = candidates.find((entry) => entry.kind === kind);
    if (match) return match.part;
  }
  return undefined;
}

/** Whether an expression is a request (`req`) or a Koa-style context (`ctx`): by its declared type, or as a route handler's first parameter. */
export function requestObjectKind(node: Node, facts: FileFacts): 'request' | 'context' | undefined {
  const inner = unwrapExpression(node);
  if (!Node.isIdentifier(inner)) return undefined;
  const declaration = valueSymbol(inner)?.getValueDeclaration();
  if (!declaration || !Node.isParameterDeclaration(declaration)) return undefined;
  const instance = declaredInstanceOrigin(inner, facts);
  if (instance) {
    const type = REQUEST_OBJECT_TYPES.find((entry) => entry.module === instance.module && entry.classNames.includes(instance.className));
    if (type) return type.kind;
  }
  return handlerRequestParameters(facts.forFile(declaration.getSourceFile())).get(declaration) ?? handlerShapedParameter(declaration);
}

/** The first parameters of this file's route handlers (Express `req`, Koa `ctx`), with what they are. */
function handlerRequestParameters(facts: FileFacts): ReadonlyMap<Node, 'request' | 'context'> {
  return facts.memo('request-input-flow:handler-parameters', () => {
    const found = new Map<Node, 'request' | 'context'>();
    for (const registration of routeRegistrations(facts)) {
      if (registration.framework === 'nestjs') continue;
      const kind = CONTEXT_FRAMEWORKS.includes(registration.framework) ? 'context' : 'request';
      for (const handler of registration.handlers) {
        const [fn] = functionsReachableFrom([handler], facts);
        const first = fn && isFunctionLike(fn) ? (fn as FunctionLike & { getParameters(): ParameterDeclaration[] }).getParameters()[0] : undefined;
        if (first) found.set(first, kind);
      }
    }
    return found;
  });
}

const REQUEST_NAMES = /^(req|request)$/;
const RESPONSE_NAMES = /^(res|response|reply)$/;

/**
 * A handler written apart from its route (a controller in its own file): a
 * function of `(req, res)` or `(req, res, next)` with untyped or any-typed
 * parameters, the shape every Express and Fastify handler has.
 */
function handlerShapedParameter(parameter: ParameterDeclaration): 'request' | undefined {
  const fn = parameter.getParent();
  if (!isFunctionLike(fn)) return undefined;
  const parameters = (fn as FunctionLike & { getParameters(): ParameterDeclaration[] }).getParameters();
  if (parameters[0] !== parameter || parameters.length < 2 || parameters.length > 3) return undefined;
  const untyped = parameters.every((p) => p.getTypeNode() === undefined || p.getTypeNode()!.getKind() === SyntaxKind.AnyKeyword);
  return untyped && REQUEST_NAMES.test(parameter.getName()) && RESPONSE_NAMES.test(parameters[1]!.getName()) ? 'request' : undefined;
}

// ---------------------------------------------------------------------------
// Names: variables, destructuring, parameters

function identifierInput(identifier: Node, trace: Trace): InputReach[] {
  if (!Node.isIdentifier(identifier)) return [];
  const symbol = valueSymbol(identifier);
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declaration = resolved?.getValueDeclaration() ?? resolved?.getDeclarations()[0];
  if (!declaration || declaration.getSourceFile().isDeclarationFile()) return [];
  const reaches = declarationInput(declaration, trace);
  // `const { error } = schema.validate(body); if (error) ...; save(body)`: the name was checked where it is used.
  return reaches.length > 0 && isValidatedName(identifier, declaration, trace.facts) ? reaches.map((reach) => ({ ...reach, validated: true })) : reaches;
}

function declarationInput(declaration: Node, trace: Trace): InputReach[] {
  const bound = trace.bindings.get(declaration);
  if (bound) return bound.argument ? traceInput(bound.argument, { ...bound.trace, depth: trace.depth + 1, budget: trace.budget }) : [];
  const facts = trace.facts.forFile(declaration.getSourceFile());
  const next = (child: Node) => traceInput(child, { ...trace, facts, depth: trace.depth + 1 });
  if (Node.isVariableDeclaration(declaration)) {
    const loop = declaration.getParent()?.getParent();
    if (loop && (Node.isForOfStatement(loop) || Node.isForInStatement(loop))) return next(loop.getExpression()).map(asValue);
    const initializer = declaration.getInitializer();
    return [...(initializer ? next(initializer) : []), ...assignedValues(declaration).flatMap(next)];
  }
  if (Node.isBindingElement(declaration)) return bindingInput(declaration, trace, next);
  if (Node.isParameterDeclaration(declaration)) return parameterInput(declaration, undefined, { ...trace, facts });
  return [];
}

/** True when the function that uses `identifier` hands the same variable or parameter to a validator. */
function isValidatedName(identifier: Node, declaration: Node, facts: FileFacts): boolean {
  const fn = identifier.getFirstAncestor((ancestor) => isFunctionLike(ancestor));
  if (!fn) return false;
  return validatedNames(fn, facts.forFile(fn.getSourceFile())).has(declaration);
}

function validatedNames(fn: Node, facts: FileFacts): ReadonlySet<Node> {
  return facts.memo(`request-input-flow:validated-names:${fn.getStart()}`, () => {
    const names = new Set<Node>();
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      if (!call.getArguments().some((argument) => Node.isIdentifier(unwrapExpression(argument))) || !isValidatorCall(call, facts)) continue;
      for (const argument of call.getArguments()) {
        const inner = unwrapExpression(argument);
        const declaration = Node.isIdentifier(inner) ? valueSymbol(inner)?.getValueDeclaration() : undefined;
        if (declaration) names.add(declaration);
      }
    }
    return names;
  });
}

/** The values a `let` is given after its declaration (`q = req.query.q`, `sql += ...`). */
function assignedValues(declaration: Node): Node[] {
  if (!Node.isVariableDeclaration(declaration) || declaration.getVariableStatement()?.getDeclarationKind() === 'const') return [];
  const nameNode = declaration.getNameNode();
  if (!Node.isIdentifier(nameNode)) return [];
  const scope = declaration.getFirstAncestor((ancestor) => isFunctionLike(ancestor) || Node.isSourceFile(ancestor));
  if (!scope) return [];
  const symbol = nameNode.getSymbol();
  return scope
    .getDescendantsOfKind(SyntaxKind.BinaryExpression)
    .filter((binary) => {
      const operator = binary.getOperatorToken().getKind();
      if (operator !== SyntaxKind.EqualsToken && operator !== SyntaxKind.PlusEqualsToken && operator !== SyntaxKind.QuestionQuestionEqualsToken && operator !== SyntaxKind.BarBarEqualsToken) return false;
      const left = unwrapExpression(binary.getLeft());
      return Node.isIdentifier(left) && left.getText() === nameNode.getText() && left.getSymbol() === symbol;
    })
    .map((binary) => binary.getRight());
}

function bindingInput(element: Node, trace: Trace, next: (child: Node) => InputReach[]): InputReach[] {
  if (!Node.isBindingElement(element)) return [];
  const pattern = element.getParent();
  const holder = pattern.getParent();
  // `const { password, ...rest } = req.body`: the rest is the caller's other keys.
  const shape: 'object' | 'value' = element.getDotDotDotToken() ? 'object' : 'value';
  const key = Node.isObjectBindingPattern(pattern) ? (element.getPropertyNameNode()?.getText() ?? element.getName()) : undefined;
  let reaches: InputReach[] = [];
  if (Node.isVariableDeclaration(holder)) {
    const initializer = holder.getInitializer();
    reaches = initializer ? next(initializer) : [];
  } else if (Node.isParameterDeclaration(holder)) {
    reaches = parameterInput(holder, key, trace);
  } else if (Node.isBindingElement(holder)) {
    // `const { user: { name } } = req.body`: the outer element's value.
    reaches = bindingInput(holder, trace, next);
  }
  return reaches.map((reach) => ({ ...reach, shape }));
}

/**
 * A parameter's input: a Nest parameter decorator's part of the request, or
 * what this file's calls of its function pass it (`key` names the property of
 * a destructured parameter).
 */
function parameterInput(parameter: ParameterDeclaration, key: string | undefined, trace: Trace): InputReach[] {
  const decorated = decoratedInput(parameter, trace.facts);
  if (decorated) return [decorated];
  const fn = parameter.getParent();
  if (!isFunctionLike(fn)) return [];
  const index = (fn as FunctionLike & { getParameters(): ParameterDeclaration[] }).getParameters().indexOf(parameter);
  const file = trace.facts.forFile(parameter.getSourceFile());
  const reaches: InputReach[] = [];
  for (const call of callsInFileOf(fn, file)) {
    const argument = call.getArguments()[index];
    if (!argument) continue;
    const passed = key === undefined ? argument : (propertyValue(argument, key) ?? argument);
    const found = traceInput(passed, { ...trace, facts: file, depth: trace.depth + 1 });
    reaches.push(...(key !== undefined && passed === argument ? found.map(asValue) : found));
  }
  return reaches;
}

/** `@Body() dto: CreateUserDto`, `@Query('q') q`, `@Param('id', ParseIntPipe) id`. */
function decoratedInput(parameter: ParameterDeclaration, facts: FileFacts): InputReach | undefined {
  for (const decorator of parameter.getDecorators()) {
    const entry = inputDecoratorOf(decorator, facts);
    if (!entry) continue;
    const args = decorator.getArguments();
    const keyed = args.length > 0 && Node.isStringLiteral(args[0]!);
    const pipes = keyed ? args.slice(1) : args;
    // A pipe on the parameter (`ParseIntPipe`, `new ZodValidationPipe(schema)`, `ValidationPipe`) checks or converts it.
    const validated = pipes.length > 0 || isValidatedDto(parameter) || hasPipesDecorator(parameter);
    return { source: parameter, part: entry.part, shape: keyed ? 'value' : 'object', validated, stringified: false, safeFor: [] };
  }
  return undefined;
}

function inputDecoratorOf(decorator: Decorator, facts: FileFacts): (typeof INPUT_PARAMETER_DECORATORS)[number] | undefined {
  const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
  if (origin.kind !== 'module' || origin.path.length !== 1) return undefined;
  return INPUT_PARAMETER_DECORATORS.find((entry) => entry.module === origin.module && entry.name === origin.path[0]);
}

/**
 * A parameter typed with a DTO class that carries class-validator decorators
 * (or extends another class, as `PartialType(CreateDto)` does): Nest's
 * `ValidationPipe`, which such DTOs are written for, checks it. A named type
 * the project does not show (a DTO of a shared package that is not installed)
 * is taken as such a class: Nest DTOs are. Interfaces, type aliases, object
 * types, `any`, `Record` and primitives are not checked at run time.
 */
function isValidatedDto(parameter: ParameterDeclaration): boolean {
  const typeNode = parameter.getTypeNode();
  if (!typeNode || !Node.isTypeReference(typeNode)) return false;
  const name = typeNode.getTypeName();
  const symbol = name.getSymbol();
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declarations = resolved?.getDeclarations() ?? [];
  if (declarations.length === 0) return !UNCHECKED_TYPE_NAMES.has(name.getText());
  return declarations.some((declaration) => {
    if (!Node.isClassDeclaration(declaration)) return false;
    if (declaration.getExtends()) return true;
    return declaration.getProperties().some((property) => property.getDecorators().length > 0 && importsAnyOf(declaration.getSourceFile(), DTO_VALIDATION_MODULES));
  });
}

/** Type names that say the value is unchecked whatever declares them. */
const UNCHECKED_TYPE_NAMES = new Set(['Record', 'Object', 'Partial', 'Array', 'Map']);

function importsAnyOf(sourceFile: Node, modules: readonly string[]): boolean {
  if (!Node.isSourceFile(sourceFile)) return false;
  return sourceFile.getImportDeclarations().some((declaration) => modules.includes(declaration.getModuleSpecifierValue()));
}

/** `@UsePipes(...)` on the route method or its controller. */
function hasPipesDecorator(parameter: ParameterDeclaration): boolean {
  const method = parameter.getParent();
  const cls = method.getParent();
  const decorated = [method, cls].flatMap((node) => (Node.isMethodDeclaration(node) || Node.isClassDeclaration(node) ? node.getDecorators() : []));
  return decorated.some((decorator) => decorator.getName() === 'UsePipes');
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
function callsInFileOf(fn: Node, facts: FileFacts): CallExpression[] {
  const byFunction = facts.memo('request-input-flow:calls-by-function', () => {
    const map = new Map<Node, CallExpression[]>();
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const callee = unwrapExpression(call.getExpression());
      if (!Node.isIdentifier(callee) && !Node.isPropertyAccessExpression(callee)) continue;
      for (const target of functionsOf(callee) ?? []) {
        if (target.getSourceFile() !== facts.sourceFile) continue;
        map.set(target, [...(map.get(target) ?? []), call]);
      }
    }
    return map;
  });
  return byFunction.get(fn) ?? [];
}

// ---------------------------------------------------------------------------
// Calls: validators, coercions, sanitisers, pass-through, project functions

function callInput(call: CallExpression, trace: Trace, next: (child: Node) => InputReach[]): InputReach[] {
  const facts = trace.facts;
  const callee = unwrapExpression(call.getExpression());
  const args = call.getArguments();
  const fromArguments = () => args.flatMap((argument) => next(argument));
  if (isValidatorCall(call, facts)) return fromArguments().map((reach) => ({ ...reach, validated: true }));
  const origin = facts.origin(callee);
  if (isNumberCoercion(origin)) return [];
  if (origin.kind === 'global' && STRING_COERCIONS.globals.includes(origin.path[0]!)) return fromArguments().map(asString);
  if (origin.kind === 'global' && samePath(origin.path, ['JSON', 'parse'])) return fromArguments().map((reach) => ({ ...reach, shape: 'object', stringified: false }));
  const sanitizer = SANITIZERS.find((entry) => (entry.global ? origin.kind === 'global' && origin.path[0] === entry.global : origin.kind === 'module' && origin.module === entry.module && samePath(origin.path, entry.path)));
  if (sanitizer) return fromArguments().map((reach) => ({ ...asValue(reach), safeFor: [...reach.safeFor, ...sanitizer.safeFor] }));
  if (origin.kind === 'module' && PASS_THROUGH.modules.some((entry) => entry.module === origin.module && origin.path.length >= 1 && entry.names.includes(origin.path[origin.path.length - 1]!))) {
    return fromArguments().map(asString);
  }
  if (Node.isPropertyAccessExpression(callee)) {
    const method = callee.getName();
    if (STRING_COERCIONS.methods.includes(method)) return next(callee.getExpression()).map(asString);
    // `name.replace(/^(\.\.(\/|\\|$))+/, '')`: a strip of `..` segments is a file path's sanitiser.
    if ((method === 'replace' || method === 'replaceAll') && args[0]?.getText().includes(TRAVERSAL_SEGMENT)) {
      return next(callee.getExpression()).map((reach) => ({ ...asString(reach), safeFor: [...reach.safeFor, 'file-path' as const] }));
    }
    if (PASS_THROUGH.methods.includes(method)) return [...next(callee.getExpression()), ...(method === 'concat' ? fromArguments() : [])].map(asString);
    if (ESCAPING_METHODS.includes(method)) return fromArguments().map((reach) => ({ ...reach, safeFor: [...reach.safeFor, 'sql' as const] }));
  }
  return projectFunctionInput(call, trace);
}

/** What a project function returns, with its parameters bound to this call's arguments. */
function projectFunctionInput(call: CallExpression, trace: Trace): InputReach[] {
  const functions = functionsOf(call.getExpression());
  if (!functions || functions.length > 3) return [];
  const reaches: InputReach[] = [];
  for (const fn of functions) {
    const parameters = 'getParameters' in fn ? (fn as FunctionLike & { getParameters(): ParameterDeclaration[] }).getParameters() : [];
    const bindings = new Map(trace.bindings);
    parameters.forEach((parameter, index) => bindings.set(parameter, { argument: call.getArguments()[index], trace }));
    const inner: Trace = { facts: trace.facts.forFile(fn.getSourceFile()), depth: trace.depth + 1, bindings, budget: trace.budget };
    for (const returned of returnedExpressions(fn)) reaches.push(...traceInput(returned, inner));
  }
  return reaches;
}

function isNumberCoercion(origin: Origin): boolean {
  return origin.kind === 'global' && origin.path.length >= 1 && NUMBER_COERCIONS.includes(origin.path[0]!);
}

/**
 * A call that checks a value: a validator package's function (`validate(dto)`,
 * valibot `parse(schema, x)`, `validationResult(req)`), a schema method
 * (`schema.parse(x)`, `schema.validate(x)`) on a schema from a validator
 * package or of unknown make (a schema imported from the project), an ajv
 * compiled validator, or a project function whose body calls one.
 */
export function isValidatorCall(call: CallExpression, facts: FileFacts, depth = 0): boolean {
  const callee = unwrapExpression(call.getExpression());
  const origin = facts.origin(callee);
  const root = rootModule(origin);
  if (root !== undefined && VALIDATOR_MODULES.includes(root)) {
    const last = origin.kind === 'module' || origin.kind === 'call' ? origin.path[origin.path.length - 1] : undefined;
    // `validate(data)` of `const validate = ajv.compile(schema)`: a compiled validator is called directly.
    if (origin.kind === 'call' && last === undefined) return true;
    if (last !== undefined && (VALIDATION_FUNCTIONS.includes(last) || VALIDATION_METHODS.includes(last))) return true;
  }
  if (Node.isPropertyAccessExpression(callee) && VALIDATION_METHODS.includes(callee.getName())) {
    const receiver = facts.origin(callee.getExpression());
    const root = rootModule(receiver) ?? (receiver.kind === 'global' ? receiver.path[0] : undefined);
    return root === undefined || !NOT_VALIDATORS.includes(root);
  }
  if (depth < 2) {
    const functions = functionsOf(callee);
    if (functions && functions.length <= 3) return functions.some((fn) => fn.getDescendantsOfKind(SyntaxKind.CallExpression).some((inner) => isValidatorCall(inner, facts.forFile(fn.getSourceFile()), depth + 1)));
  }
  return false;
}

/** The package an origin starts from, through call results (`z.object({...}).strict()` is zod's). */
function rootModule(origin: Origin, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (origin.kind === 'module') return origin.module;
  if (origin.kind === 'call') return rootModule(origin.callee, depth + 1);
  return undefined;
}

// ---------------------------------------------------------------------------
// Validation on the route or in the handler

/**
 * True when the handler that reads `read` checks that part of the request:
 * its route has a schema (Fastify) or validator middleware (express-validator,
 * celebrate, a project middleware that calls a validator), or the handler
 * itself hands that part to a validator (`schema.parse(req.body)`, ajv's
 * `validate(req.body)`, `validationResult(req)`), before or after the read.
 */
function isValidatedRead(read: Node, part: RequestInputPart, facts: FileFacts): boolean {
  const fn = read.getFirstAncestor((ancestor) => isFunctionLike(ancestor));
  if (!fn) return false;
  const file = facts.forFile(fn.getSourceFile());
  return validatedParts(fn, file).has(part) || routeOf(fn, file)?.validated === true;
}

function validatedParts(fn: Node, facts: FileFacts): ReadonlySet<RequestInputPart> {
  return facts.memo(`request-input-flow:validated-parts:${fn.getStart()}`, () => {
    const parts = new Set<RequestInputPart>();
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      if (!isValidatorCall(call, facts)) continue;
      for (const argument of call.getArguments()) {
        const inner = unwrapExpression(argument);
        if (requestObjectKind(inner, facts)) ['body', 'query', 'params'].forEach((part) => parts.add(part as RequestInputPart));
        const read = inputReadOf(inner, facts);
        if (read) parts.add(read);
      }
    }
    return parts;
  });
}

/** The route a handler function is registered on in its file, and whether the route validates its input. */
function routeOf(fn: Node, facts: FileFacts): { registration: RouteRegistration; validated: boolean } | undefined {
  const routes = facts.memo('request-input-flow:routes-by-handler', () => {
    const map = new Map<Node, { registration: RouteRegistration; validated: boolean }>();
    for (const registration of routeRegistrations(facts)) {
      if (registration.kind !== 'route') continue;
      const validated = registration.hasSchema || registration.handlers.slice(0, -1).some((handler) => isValidatorMiddleware(handler, facts));
      for (const handler of registration.handlers) {
        const [handlerFn] = functionsReachableFrom([handler], facts);
        if (handlerFn) map.set(handlerFn, { registration, validated });
      }
    }
    return map;
  });
  return routes.get(fn);
}

/** `body('email').isEmail()`, `celebrate({...})`, `validate(schema)` of a project middleware that calls a validator. */
function isValidatorMiddleware(handler: Node, facts: FileFacts): boolean {
  let node = unwrapExpression(handler);
  while (Node.isCallExpression(node) || Node.isPropertyAccessExpression(node)) {
    const root = rootModule(facts.origin(node));
    if (root !== undefined && VALIDATOR_MODULES.includes(root)) return true;
    if (Node.isCallExpression(node) && isValidatorCall(node, facts)) return true;
    node = unwrapExpression(node.getExpression());
  }
  if (Node.isArrayLiteralExpression(node)) return node.getElements().some((element) => isValidatorMiddleware(element, facts));
  const root = rootModule(facts.origin(node));
  if (root !== undefined && VALIDATOR_MODULES.includes(root)) return true;
  const functions = functionsOf(node);
  return functions !== undefined && functions.some((fn) => fn.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => isValidatorCall(call, facts.forFile(fn.getSourceFile()), 1)));
}

// ---------------------------------------------------------------------------
// Into project functions of other files

const REQUEST_READ_TEXT = /\.(body|query|params)\b|@(Body|Query|Param)\(/;

/** A cheap look at the text before any tracing: a file that never reads `.body`, `.query`, `.params` or a Nest input decorator reads no input. */
export function mayReadRequestInput(facts: FileFacts): boolean {
  return facts.memo('request-input-flow:may-read', () => REQUEST_READ_TEXT.test(facts.sourceFile.getFullText()) && hasRequestParameter(facts));
}

const REQUEST_PARAMETER_NAMES = /^(req|request|ctx|context)$/;

/** A parameter of the file that is a request or context (`req`, `ctx`, `request: FastifyRequest`) or a Nest input parameter: where input enters the file. */
function hasRequestParameter(facts: FileFacts): boolean {
  return facts.nodes.ofKind(SyntaxKind.Parameter).some((parameter) => {
    if (parameter.getDecorators().some((decorator) => inputDecoratorOf(decorator, facts) !== undefined)) return true;
    const name = parameter.getNameNode();
    if (!Node.isIdentifier(name)) return false;
    const typeName = parameter.getTypeNode()?.getText().replace(/<[\s\S]*$/, '');
    const plausible = REQUEST_PARAMETER_NAMES.test(name.getText()) || (typeName !== undefined && REQUEST_OBJECT_TYPES.some((type) => type.classNames.some((className) => typeName.endsWith(className))));
    return plausible && requestObjectKind(name, facts) !== undefined;
  });
}

/** A call's argument bound to a parameter of the project function it calls, with the input it carries. */
export interface InputIntoFunction {
  fn: FunctionLike;
  /** Follows an expression of `fn`'s body with its parameters bound to this call's arguments. */
  reachesOf(expression: Node): InputReach[];
}

/**
 * The project functions of other files that `call` runs with request input in
 * its arguments (`updateUser(id, req.body)` of a controller in its own file):
 * a sink in their bodies is reached through the call. Same-file helpers are
 * followed from the sink back to their callers instead.
 */
export function inputPassedInto(call: CallExpression, facts: FileFacts): InputIntoFunction[] {
  if (call.getArguments().length === 0 || !mayReadRequestInput(facts)) return [];
  const functions = functionsOf(call.getExpression())?.filter((fn) => fn.getSourceFile() !== facts.sourceFile && 'getParameters' in fn);
  if (!functions || functions.length === 0 || functions.length > 3) return [];
  if (!call.getArguments().some((argument) => requestInputReaching(argument, facts).length > 0)) return [];
  return functions.map((fn) => {
      const parameters = (fn as FunctionLike & { getParameters(): ParameterDeclaration[] }).getParameters();
      const caller: Trace = { facts, depth: 1, bindings: new Map(), budget: { steps: 0 } };
      const bindings = new Map<Node, { argument: Node | undefined; trace: Trace }>();
      parameters.forEach((parameter, index) => bindings.set(parameter, { argument: call.getArguments()[index], trace: caller }));
      const file = facts.forFile(fn.getSourceFile());
      return {
        fn,
        reachesOf: (expression: Node) => {
          const budget = { steps: 0 };
          caller.budget = budget;
          return traceInput(expression, { facts: file, depth: 1, bindings, budget });
        },
      };
    });
}
