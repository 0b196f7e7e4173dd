import { Node, SyntaxKind, type CallExpression, type ClassDeclaration, type SourceFile } from 'ts-morph';
import type { FileFacts } from './index';
import { normaliseModuleName, samePath, type Origin } from './origin';
import { isRelativeModule, moduleImports } from './imports';
import { possibleStrings, stringLiteralValue } from './literals';
import { importDeclarationsOf } from './syntax';
import {
  AUTH_AREA_SEGMENT,
  AUTH_EXIT_SEGMENT,
  AUTH_PATH_PAIRS,
  AUTH_PATH_SEGMENT,
  CONVENTIONAL_ROUTER_NAMES,
  HEALTH_PATH_SEGMENT,
  HTTP_METHOD_NAME,
  REMIX_ROUTES,
  ROUTER_CLASS_NAME,
  VERB_FIRST_ROUTE_METHODS,
  HEALTH_STATUS_SEGMENT,
  NEST_ROUTES,
  NEXT_ROUTES,
  ROUTE_PREFIX_SEGMENT,
  SERVER_FRAMEWORKS,
  type FrameworkId,
  type ServerFramework,
} from './tables/frameworks';

export type RouteFramework = FrameworkId | 'next' | 'remix' | 'unknown';

/**
 * How an app or router was recognised:
 * `factory` created by the framework in this file (`express()`, `new Hono()`),
 * `type` declared with the framework's type (`fastify: FastifyInstance`) or received as a plugin's instance,
 * `convention` a conventional name (`app`, `router`) from a parameter or another file, with a route-shaped call,
 * `decorator` NestJS decorators, `file-path` Next.js API route files and Remix route modules.
 */
export type Recognition = 'factory' | 'type' | 'convention' | 'decorator' | 'file-path';

export interface FrameworkInstance {
  framework: ServerFramework;
  via: 'factory' | 'type';
}

export interface RouteRegistration {
  framework: RouteFramework;
  /** `route`: a handler for a method and path; `middleware`: `use`/`register`, for every path under it. */
  kind: 'route' | 'middleware';
  /** Lower-case HTTP method (`get`, `post`, `all`), or the middleware method (`use`). */
  method: string;
  /** The path as written, joined with a NestJS controller or `route()` prefix; undefined when not a literal. */
  path: string | undefined;
  /** The registering call, decorator or exported declaration: where a finding about the route starts. */
  node: Node;
  /** Handlers and middleware as passed (functions, references, calls), in order. */
  handlers: Node[];
  /** Fastify/Hapi: the route declares a `schema`/`validate` (validated by the framework). */
  hasSchema: boolean;
  via: Recognition;
}

// ---------------------------------------------------------------------------
// Recognising apps and routers

const frameworksByModule = new Map<string, ServerFramework[]>();
for (const framework of SERVER_FRAMEWORKS) {
  for (const module of framework.modules) frameworksByModule.set(module, [...(frameworksByModule.get(module) ?? []), framework]);
}

/** The framework instance an expression evaluates to, when the file shows it. */
export function frameworkInstance(expression: Node, facts: FileFacts): FrameworkInstance | undefined {
  // Every way to an instance goes through a framework module this file imports (a factory call, an
  // instance type, a plugin wrapper); without one, resolving the receiver's origin cannot find any.
  if (!fileImportsAny(facts, FRAMEWORK_MODULES)) return undefined;
  const origin = facts.origin(expression);
  return instanceFromOrigin(origin, facts, 0);
}

function instanceFromOrigin(origin: Origin, facts: FileFacts, depth: number): FrameworkInstance | undefined {
  if (depth > 6) return undefined;
  if (origin.kind === 'call' && origin.path.length === 0) {
    const callee = origin.callee;
    if (callee.kind === 'module') {
      const framework = frameworksByModule
        .get(callee.module)
        ?.find((candidate) => candidate.factories.some((factory) => samePath(factory, callee.path)));
      return framework ? { framework, via: 'factory' } : undefined;
    }
    if (callee.kind === 'call' && callee.path.length === 1) {
      // `new Hono().basePath('/api')`, `app.get('/a', h).post(...)`: methods that return the instance.
      const inner = instanceFromOrigin({ ...callee, path: [] }, facts, depth + 1);
      if (inner?.framework.chainableMethods?.includes(callee.path[0]!)) return inner;
    }
    return undefined;
  }
  if (origin.kind === 'local' && origin.path.length === 0) return instanceFromDeclaration(origin.declaration, facts);
  return undefined;
}

/** `app: Express`, `fastify: FastifyInstance`, or the instance parameter of a Fastify plugin. */
function instanceFromDeclaration(declaration: Node, facts: FileFacts): FrameworkInstance | undefined {
  if (!Node.isParameterDeclaration(declaration) && !Node.isVariableDeclaration(declaration)) return undefined;
  const typeName = typeNameOf(declaration.getTypeNode());
  if (typeName) {
    const framework = SERVER_FRAMEWORKS.find(
      (candidate) => candidate.instanceTypeNames.includes(typeName) && fileImportsAny(facts, candidate.modules),
    );
    if (framework) return { framework, via: 'type' };
  }
  if (Node.isParameterDeclaration(declaration)) return pluginInstance(declaration, facts);
  return undefined;
}

function typeNameOf(typeNode: Node | undefined): string | undefined {
  if (!typeNode) return undefined;
  return typeNode.getText().replace(/<[\s\S]*$/, '').trim();
}

function pluginInstance(parameter: Node, facts: FileFacts): FrameworkInstance | undefined {
  const fn = parameter.getParent();
  if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) || Node.isFunctionDeclaration(fn))) return undefined;
  if (fn.getParameters()[0] !== parameter) return undefined;
  for (const framework of SERVER_FRAMEWORKS) {
    const plugin = framework.pluginParameter;
    if (!plugin || !fileImportsAny(facts, framework.modules.concat(plugin.wrapperModules))) continue;
    const holder: Node | undefined = fn.getParent();
    // const routes: FastifyPluginAsync = async (fastify) => { ... }
    if (holder && Node.isVariableDeclaration(holder)) {
      const typeName = typeNameOf(holder.getTypeNode());
      if (typeName && plugin.pluginTypeNames.includes(typeName)) return { framework, via: 'type' };
    }
    if (holder && Node.isCallExpression(holder) && holder.getArguments()[0] === fn) {
      const callee = holder.getExpression();
      // fastify.register(async (instance) => { ... })
      if (Node.isPropertyAccessExpression(callee) && plugin.registerMethods.includes(callee.getName())) {
        if (frameworkInstance(callee.getExpression(), facts)?.framework.id === framework.id) return { framework, via: 'type' };
      }
      // fp(async (fastify) => { ... })
      const calleeOrigin = facts.origin(callee);
      if (calleeOrigin.kind === 'module' && calleeOrigin.path.length === 0 && plugin.wrapperModules.includes(calleeOrigin.module)) {
        return { framework, via: 'type' };
      }
    }
  }
  return undefined;
}

const FRAMEWORK_MODULES = [...new Set(SERVER_FRAMEWORKS.flatMap((framework) => [...framework.modules, ...(framework.pluginParameter?.wrapperModules ?? [])]))];

function fileImportsAny(facts: FileFacts, modules: readonly string[]): boolean {
  const imported = importedModuleNames(facts);
  return modules.some((module) => imported.has(module));
}

/** Every module the file names in an import or require, type-only imports included (they name the framework). */
function importedModuleNames(facts: FileFacts): ReadonlySet<string> {
  return facts.memo('routes.importedModuleNames', () => {
    const names = new Set<string>(moduleImports(facts).map((moduleImport) => moduleImport.module));
    for (const declaration of importDeclarationsOf(facts.sourceFile)) names.add(normaliseModuleName(declaration.getModuleSpecifierValue()));
    return names;
  });
}

/**
 * A receiver that is not provably an instance but reads as one: a conventional
 * name (`app`, `router`, `usersRouter`) for a parameter or an import from
 * another file of the project.
 */
export function isConventionalReceiver(expression: Node, facts: FileFacts, names: RegExp): boolean {
  // `this.router.get('/health', h)`: a router held by a class (`public router = Router()`, or set in the constructor).
  if (Node.isPropertyAccessExpression(expression) && expression.getExpression().getKind() === SyntaxKind.ThisKeyword) {
    return names.test(expression.getName());
  }
  if (!Node.isIdentifier(expression) || !names.test(expression.getText())) return false;
  const origin = facts.origin(expression);
  if (origin.kind === 'module') return isProjectModule(origin.module);
  if (origin.kind === 'call') return isBuiltByProjectCode(origin.callee);
  // A typed parameter whose type is not a framework's (those are recognised by type) is something else: `(app: AppConfig)`.
  if (origin.kind === 'local') return Node.isParameterDeclaration(origin.declaration) && isUntyped(origin.declaration);
  return false;
}

/** A module of the project itself: a relative path or an alias (`@/x`, `~/x`). */
function isProjectModule(module: string): boolean {
  return isRelativeModule(module) || module.startsWith('@/') || module.startsWith('~/');
}

/**
 * `const app = createApp()`, `const app = await buildServer()`: an app made by
 * a function of the project (in this file or another one), not by a library.
 */
function isBuiltByProjectCode(callee: Origin): boolean {
  if (callee.kind === 'module') return isProjectModule(callee.module);
  if (callee.kind === 'local') {
    const declaration = callee.declaration;
    return Node.isFunctionDeclaration(declaration) || (Node.isVariableDeclaration(declaration) && isFunctionValue(declaration.getInitializer()));
  }
  return false;
}

function isFunctionValue(node: Node | undefined): boolean {
  return node !== undefined && (Node.isArrowFunction(node) || Node.isFunctionExpression(node));
}

function isUntyped(parameter: Node): boolean {
  if (!Node.isParameterDeclaration(parameter)) return false;
  const typeNode = parameter.getTypeNode();
  return typeNode === undefined || typeNode.getKind() === SyntaxKind.AnyKeyword;
}

// ---------------------------------------------------------------------------
// Route registrations

/** Every route and middleware registration in the file. */
export function routeRegistrations(facts: FileFacts): RouteRegistration[] {
  return facts.memo('routes.registrations', () => {
    const registrations = [...callRegistrations(facts), ...nestRegistrations(facts), ...nextRegistrations(facts), ...remixRegistrations(facts)];
    return registrations.sort((a, b) => a.node.getStart() - b.node.getStart() || a.node.getEnd() - b.node.getEnd());
  });
}

const CANDIDATE_METHODS = new Set<string>();
for (const framework of SERVER_FRAMEWORKS) {
  for (const method of [...framework.routeMethods, ...framework.middlewareMethods]) CANDIDATE_METHODS.add(method);
  if (framework.routeObjectMethod) CANDIDATE_METHODS.add(framework.routeObjectMethod);
}
const CONVENTIONAL_ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use']);

function callRegistrations(facts: FileFacts): RouteRegistration[] {
  const registrations: RouteRegistration[] = [];
  for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const method = callee.getName();
    if (!CANDIDATE_METHODS.has(method)) continue;
    const registration = registrationOfCall(call, method, callee.getExpression(), facts);
    if (registration) registrations.push(registration);
  }
  return registrations;
}

function registrationOfCall(call: CallExpression, method: string, receiver: Node, facts: FileFacts): RouteRegistration | undefined {
  const routeBuilt = routeBuilderPrefix(receiver, facts);
  if (routeBuilt) {
    if (!routeBuilt.framework.routeMethods.includes(method)) return undefined;
    return {
      framework: routeBuilt.framework.id,
      kind: 'route',
      method,
      path: routeBuilt.path,
      node: call,
      handlers: call.getArguments(),
      hasSchema: false,
      via: routeBuilt.via,
    };
  }

  const instance = frameworkInstance(receiver, facts);
  if (instance) return instanceRegistration(call, method, instance);

  if (CONVENTIONAL_ROUTE_METHODS.has(method) && isConventionalReceiver(receiver, facts, CONVENTIONAL_ROUTER_NAMES)) {
    return conventionalRegistration(call, method);
  }
  if (VERB_FIRST_ROUTE_METHODS.includes(method) && (isRouterClassThis(receiver) || isConventionalReceiver(receiver, facts, CONVENTIONAL_ROUTER_NAMES))) {
    return verbFirstRegistration(call, method);
  }
  return undefined;
}

/** `this` inside a class named like a router, or extending one: `class UsersRouter extends PromiseRouter`. */
function isRouterClassThis(receiver: Node): boolean {
  if (receiver.getKind() !== SyntaxKind.ThisKeyword) return false;
  const cls = receiver.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
  if (!cls) return false;
  const names = [cls.getName(), cls.getExtends()?.getExpression().getText()];
  return names.some((name) => name !== undefined && ROUTER_CLASS_NAME.test(name));
}

/** `this.route('POST', '/login', handler)`: a project router taking the HTTP method first. */
function verbFirstRegistration(call: CallExpression, method: string): RouteRegistration | undefined {
  const [verbArgument, pathArgument, ...handlers] = call.getArguments();
  const verb = stringLiteralValue(verbArgument);
  if (verb === undefined || !HTTP_METHOD_NAME.test(verb)) return undefined;
  const path = literalPath(pathArgument);
  if (path === undefined || !path.startsWith('/') || handlers.length === 0 || !handlers.every(isHandlerLike)) return undefined;
  return { framework: 'unknown', kind: 'route', method: verb.toLowerCase(), path, node: call, handlers, hasSchema: false, via: 'convention' };
}

function instanceRegistration(call: CallExpression, method: string, instance: FrameworkInstance): RouteRegistration | undefined {
  const { framework, via } = instance;
  const args = call.getArguments();
  const base = { framework: framework.id, node: call, via } as const;

  if (framework.routeObjectMethod === method) {
    const [options] = args;
    if (!options || !Node.isObjectLiteralExpression(options)) return undefined;
    const methodValue = stringLiteralValue(propertyInitializer(options, 'method'));
    const path = stringLiteralValue(propertyInitializer(options, 'url') ?? propertyInitializer(options, 'path'));
    const handler = propertyInitializer(options, 'handler');
    const hasSchema = hasProperty(options, 'schema') || hasOptionProperty(options, 'options', 'validate');
    return { ...base, kind: 'route', method: methodValue?.toLowerCase() ?? 'all', path, handlers: handler ? [handler] : [], hasSchema };
  }

  if (framework.routeMethods.includes(method)) {
    // Hono `app.on('POST', '/x', h)` names the method first.
    const methodFirst = method === 'on';
    const pathIndex = methodFirst ? 1 : 0;
    const pathArgument = args[pathIndex];
    const handlers = args.slice(pathIndex + 1);
    // Express `app.get('setting')` reads a setting: a route needs a handler.
    if (!pathArgument || handlers.length === 0) return undefined;
    let path = routePathOf(pathArgument);
    let rest = handlers;
    // Koa router named routes: router.get('name', '/path', handler).
    const second = stringLiteralValue(handlers[0]);
    if (framework.modules.includes('@koa/router') && second !== undefined && handlers.length > 1) {
      path = second;
      rest = handlers.slice(1);
    }
    if (path === undefined && !isPathLike(pathArgument)) return undefined;
    const options = rest.find((arg) => Node.isObjectLiteralExpression(arg));
    const hasSchema = options !== undefined && Node.isObjectLiteralExpression(options) && hasProperty(options, 'schema');
    const verb = methodFirst ? (stringLiteralValue(args[0])?.toLowerCase() ?? 'all') : method === 'del' ? 'delete' : method;
    return { ...base, kind: 'route', method: verb, path, handlers: rest, hasSchema };
  }

  if (framework.middlewareMethods.includes(method)) {
    if (args.length === 0) return undefined;
    const path = routePathOf(args[0]!);
    return { ...base, kind: 'middleware', method, path, handlers: path === undefined ? args : args.slice(1), hasSchema: false };
  }
  return undefined;
}

function conventionalRegistration(call: CallExpression, method: string): RouteRegistration | undefined {
  const args = call.getArguments();
  const path = literalPath(args[0]);
  const handlers = args.slice(1);
  if (path === undefined || !path.startsWith('/') || handlers.length === 0) return undefined;
  if (!handlers.every(isHandlerLike)) return undefined;
  const kind = method === 'use' ? 'middleware' : 'route';
  return { framework: 'unknown', kind, method: method === 'del' ? 'delete' : method, path, node: call, handlers, hasSchema: false, via: 'convention' };
}

function isHandlerLike(node: Node): boolean {
  return (
    Node.isArrowFunction(node) ||
    Node.isFunctionExpression(node) ||
    Node.isIdentifier(node) ||
    Node.isPropertyAccessExpression(node) ||
    Node.isCallExpression(node) ||
    Node.isArrayLiteralExpression(node)
  );
}

/** Express `app.route('/x')` (possibly followed by `.get(h)` calls): the path and the instance. */
function routeBuilderPrefix(
  receiver: Node,
  facts: FileFacts,
): { framework: ServerFramework; path: string | undefined; via: 'factory' | 'type' } | undefined {
  let current: Node = receiver;
  for (let i = 0; i < 12; i++) {
    if (!Node.isCallExpression(current)) return undefined;
    const callee = current.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const instance = frameworkInstance(callee.getExpression(), facts);
    if (instance && instance.framework.routeBuilder === callee.getName()) {
      return { framework: instance.framework, path: routePathOf(current.getArguments()[0]), via: instance.via };
    }
    current = callee.getExpression();
  }
  return undefined;
}

/** A path written literally or held by a `const` of the file (`router.get(HEALTH_PATH, h)`). */
function literalPath(node: Node | undefined): string | undefined {
  const literal = stringLiteralValue(node);
  if (literal !== undefined) return literal;
  const values = possibleStrings(node);
  return values?.length === 1 ? values[0] : undefined;
}

function routePathOf(node: Node | undefined): string | undefined {
  const literal = literalPath(node);
  if (literal !== undefined) return literal;
  if (node && Node.isArrayLiteralExpression(node)) {
    const first = node.getElements().map(stringLiteralValue).find((value) => value !== undefined);
    return first;
  }
  return undefined;
}

/** A path that isn't a literal string but is clearly one (a regex, a template, an array). */
function isPathLike(node: Node): boolean {
  return Node.isRegularExpressionLiteral(node) || Node.isTemplateExpression(node) || Node.isArrayLiteralExpression(node);
}

function propertyInitializer(object: Node, name: string): Node | undefined {
  if (!Node.isObjectLiteralExpression(object)) return undefined;
  const property = object.getProperty(name);
  if (!property) return undefined;
  if (Node.isPropertyAssignment(property)) return property.getInitializer();
  if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
  if (Node.isMethodDeclaration(property)) return property;
  return undefined;
}

function hasProperty(object: Node, name: string): boolean {
  return Node.isObjectLiteralExpression(object) && object.getProperty(name) !== undefined;
}

function hasOptionProperty(object: Node, option: string, name: string): boolean {
  const inner = propertyInitializer(object, option);
  return inner !== undefined && hasProperty(inner, name);
}

// NestJS ---------------------------------------------------------------------

function nestRegistrations(facts: FileFacts): RouteRegistration[] {
  const registrations: RouteRegistration[] = [];
  for (const cls of facts.nodes.ofKind(SyntaxKind.ClassDeclaration)) {
    const controller = nestDecorator(cls, facts, NEST_ROUTES.controllerDecorator);
    if (!controller) continue;
    const prefixes = decoratorPaths(controller);
    for (const method of cls.getMethods()) {
      for (const decorator of method.getDecorators()) {
        const verb = nestMethodVerb(decorator, facts);
        if (!verb) continue;
        const paths = decoratorPaths(decorator);
        for (const prefix of prefixes) {
          for (const path of paths) {
            registrations.push({
              framework: 'nestjs',
              kind: 'route',
              method: verb,
              path: joinPaths(prefix, path),
              node: decorator,
              handlers: [method],
              hasSchema: false,
              via: 'decorator',
            });
          }
        }
      }
    }
  }
  return registrations;
}

function nestDecorator(cls: ClassDeclaration, facts: FileFacts, name: string): Node | undefined {
  return cls.getDecorators().find((decorator) => {
    const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
    return origin.kind === 'module' && origin.module === NEST_ROUTES.module && samePath(origin.path, [name]);
  });
}

function nestMethodVerb(decorator: Node, facts: FileFacts): string | undefined {
  if (!Node.isDecorator(decorator)) return undefined;
  const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
  if (origin.kind !== 'module' || origin.module !== NEST_ROUTES.module || origin.path.length !== 1) return undefined;
  return NEST_ROUTES.methodDecorators[origin.path[0]!];
}

/** `@Controller('auth')`, `@Controller({ path: 'auth' })`, `@Get(['a', 'b'])`, `@Get()`. */
function decoratorPaths(decorator: Node): (string | undefined)[] {
  if (!Node.isDecorator(decorator)) return [''];
  const [first] = decorator.getArguments();
  if (!first) return [''];
  const literal = stringLiteralValue(first);
  if (literal !== undefined) return [literal];
  if (Node.isArrayLiteralExpression(first)) {
    const values = first.getElements().map(stringLiteralValue);
    return values.length > 0 ? values : [''];
  }
  if (Node.isObjectLiteralExpression(first)) {
    const path = propertyInitializer(first, 'path');
    if (!path) return [''];
    return [stringLiteralValue(path)];
  }
  return [undefined];
}

function joinPaths(prefix: string | undefined, path: string | undefined): string | undefined {
  if (prefix === undefined || path === undefined) return undefined;
  const joined = [prefix, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part !== '').join('/');
  return '/' + joined;
}

// Next.js --------------------------------------------------------------------

function nextRegistrations(facts: FileFacts): RouteRegistration[] {
  const filePath = facts.sourceFile.getFilePath();
  const pages = NEXT_ROUTES.pagesApi.exec(filePath);
  if (pages) {
    const path = '/' + pages[1]!.replace(/(?:^|\/)index$/, '');
    const exported = defaultExport(facts.sourceFile);
    if (!exported) return [];
    return [{ framework: 'next', kind: 'route', method: 'all', path, node: exported.node, handlers: exported.handler ? [exported.handler] : [], hasSchema: false, via: 'file-path' }];
  }
  const app = NEXT_ROUTES.appRoute.exec(filePath);
  if (!app) return [];
  const segments = app[1]!.split('/').filter((segment) => segment !== '' && !/^\(.*\)$/.test(segment) && !segment.startsWith('@'));
  const path = '/' + segments.join('/');
  const registrations: RouteRegistration[] = [];
  for (const [name, declarations] of facts.sourceFile.getExportedDeclarations()) {
    if (!NEXT_ROUTES.verbs.includes(name)) continue;
    const declaration = declarations.find((d) => d.getSourceFile() === facts.sourceFile);
    if (!declaration) continue;
    const handler = Node.isVariableDeclaration(declaration) ? (declaration.getInitializer() ?? declaration) : declaration;
    registrations.push({ framework: 'next', kind: 'route', method: name.toLowerCase(), path, node: declaration, handlers: [handler], hasSchema: false, via: 'file-path' });
  }
  return registrations;
}

// Remix / React Router --------------------------------------------------------

function remixRegistrations(facts: FileFacts): RouteRegistration[] {
  const match = REMIX_ROUTES.routeFile.exec(facts.sourceFile.getFilePath());
  if (!match) return [];
  const path = remixPath(match[1]!);
  const registrations: RouteRegistration[] = [];
  for (const [name, declarations] of facts.sourceFile.getExportedDeclarations()) {
    const method = REMIX_ROUTES.exports[name];
    const declaration = method && declarations.find((d) => d.getSourceFile() === facts.sourceFile);
    if (!method || !declaration) continue;
    const handler = Node.isVariableDeclaration(declaration) ? (declaration.getInitializer() ?? declaration) : declaration;
    registrations.push({ framework: 'remix', kind: 'route', method, path, node: declaration, handlers: [handler], hasSchema: false, via: 'file-path' });
  }
  return registrations;
}

/**
 * The URL path of a route module from its name below `app/routes/`:
 * `api.v1.runs.$runId` → `/api/v1/runs/:runId`, `_app.orgs._index` → `/orgs`,
 * `login.magic/route` → `/login/magic`, `users_.$id` → `/users/:id`, `sitemap[.]xml` → `/sitemap.xml`.
 */
export function remixPath(name: string): string {
  const parts = name.split('/');
  if (parts.length > 1 && REMIX_ROUTES.folderRouteFile.test(parts[parts.length - 1]!)) parts.pop();
  const segments: string[] = [];
  for (const part of parts) {
    for (const raw of part.split(/\.(?![^[]*\])/)) {
      if (raw === '' || raw.startsWith('_') || /^\(.*\)$/.test(raw) || raw === 'index') continue;
      const segment = raw.replace(/\[(.*?)\]/g, '$1').replace(/_$/, '');
      segments.push(segment.startsWith('$') ? (segment === '$' ? '*' : ':' + segment.slice(1)) : segment);
    }
  }
  return '/' + segments.join('/');
}

function defaultExport(sourceFile: SourceFile): { node: Node; handler?: Node } | undefined {
  const assignment = sourceFile.getExportAssignments().find((a) => !a.isExportEquals());
  if (assignment) return { node: assignment, handler: assignment.getExpression() };
  const fn = sourceFile.getFunctions().find((f) => f.isDefaultExport());
  if (fn) return { node: fn, handler: fn };
  return undefined;
}

// ---------------------------------------------------------------------------
// Path classification

function pathSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function isParameterSegment(segment: string): boolean {
  return segment.startsWith(':') || segment.startsWith('[') || segment.startsWith('{') || segment.includes('*');
}

/** `/health`, `/api/healthz`, `/readyz`, `/status` (not `/orders/:id/status`). */
export function isHealthPath(path: string | undefined): boolean {
  if (path === undefined) return false;
  const segments = pathSegments(path);
  const last = segments[segments.length - 1];
  if (!last || segments.some(isParameterSegment)) return false;
  if (HEALTH_PATH_SEGMENT.test(last)) return true;
  return HEALTH_STATUS_SEGMENT.test(last) && segments.slice(0, -1).every((segment) => ROUTE_PREFIX_SEGMENT.test(segment));
}

/** An authentication route: an auth path, or a POST anywhere below an `auth` segment (`POST /auth/anonymous`). */
export function isAuthRoute(path: string | undefined, method: string): boolean {
  if (isAuthPath(path)) return true;
  if (path === undefined || method !== 'post') return false;
  const segments = pathSegments(path);
  if (AUTH_EXIT_SEGMENT.test(segments[segments.length - 1] ?? '')) return false;
  return segments.some((segment) => AUTH_AREA_SEGMENT.test(segment));
}

/** Login, sign-up, password reset, one-time codes, token issuing. */
export function isAuthPath(path: string | undefined): boolean {
  if (path === undefined) return false;
  const segments = pathSegments(path).filter((segment) => !isParameterSegment(segment));
  if (segments.some((segment) => AUTH_PATH_SEGMENT.test(segment))) return true;
  return segments.some((segment, i) => {
    const next = segments[i + 1];
    return next !== undefined && AUTH_PATH_PAIRS.some(([first, second]) => first.test(segment) && second.test(next));
  });
}

// ---------------------------------------------------------------------------
// Request-handling code

/**
 * Functions that handle requests in this file: route handlers and middleware
 * passed inline or by reference, NestJS controller route methods, Next.js
 * route exports, and (transitively) the functions of this file they call.
 */
export function requestHandlingFunctions(facts: FileFacts): ReadonlySet<Node> {
  return facts.memo('routes.requestHandlingFunctions', () =>
    functionsReachableFrom(
      routeRegistrations(facts).flatMap((registration) => registration.handlers),
      facts,
    ),
  );
}

/**
 * The functions of this file that the given handler expressions stand for,
 * and every function of this file they call or pass along, transitively.
 */
export function functionsReachableFrom(handlers: readonly Node[], facts: FileFacts): Set<Node> {
  const found = new Set<Node>();
  const queue: Node[] = [];
  const add = (node: Node | undefined): void => {
    const fn = node && functionOf(node, facts);
    if (fn && !found.has(fn)) {
      found.add(fn);
      queue.push(fn);
    }
  };
  for (const handler of handlers) add(handler);
  while (queue.length > 0) {
    const fn = queue.shift()!;
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) add(call.getExpression());
    // Functions of this file passed along as callbacks (`items.map(format)`).
    for (const identifier of fn.getDescendantsOfKind(SyntaxKind.Identifier)) {
      if (Node.isCallExpression(identifier.getParent())) add(identifier);
    }
  }
  return found;
}

/** True when `node` is inside request-handling code of its file. */
export function isRequestHandlingCode(node: Node, facts: FileFacts): boolean {
  const functions = requestHandlingFunctions(facts);
  if (functions.size === 0) return false;
  for (let current: Node | undefined = node; current; current = current.getParent()) {
    if (functions.has(current)) return true;
  }
  return false;
}

const FUNCTION_KINDS = new Set([
  SyntaxKind.ArrowFunction,
  SyntaxKind.FunctionExpression,
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.MethodDeclaration,
]);

/**
 * The function a handler expression stands for, declared in this file:
 * an inline function, a reference to a function or `const f = () => ...`,
 * `this.method` in a class, or the function wrapped by a call (`asyncHandler(fn)`).
 */
function functionOf(node: Node, facts: FileFacts, depth = 0): Node | undefined {
  if (depth > 4) return undefined;
  if (FUNCTION_KINDS.has(node.getKind())) return node;
  if (Node.isCallExpression(node)) {
    // A wrapper call (`asyncHandler(fn)`, `withAuth(handler)`): the function passed to it handles the request.
    for (const arg of node.getArguments()) {
      const inner = functionOf(arg, facts, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  }
  if (Node.isIdentifier(node)) {
    const declaration = node
      .getSymbol()
      ?.getDeclarations()
      .find((d) => d.getSourceFile() === facts.sourceFile);
    if (!declaration) return undefined;
    if (Node.isFunctionDeclaration(declaration)) return declaration;
    if (Node.isVariableDeclaration(declaration)) {
      const initializer = declaration.getInitializer();
      return initializer ? functionOf(initializer, facts, depth + 1) : undefined;
    }
    return undefined;
  }
  if (Node.isPropertyAccessExpression(node) && node.getExpression().getKind() === SyntaxKind.ThisKeyword) {
    const cls = node.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
    return cls?.getMethod(node.getName());
  }
  return undefined;
}

/**
 * The HTTP methods a handler registered for every method answers, when it
 * says so (`if (req.method !== 'GET') return res.status(405)...`,
 * `switch (req.method) { case 'POST': ... }`): the literals compared with a
 * `.method`. Empty when it never looks.
 */
export function methodsHandled(registration: RouteRegistration): Set<string> {
  const methods = new Set<string>();
  for (const handler of registration.handlers) {
    for (const node of handler.getDescendants()) {
      if (Node.isBinaryExpression(node) && ['===', '!==', '==', '!='].includes(node.getOperatorToken().getText())) {
        const [left, right] = [node.getLeft(), node.getRight()];
        const literal = isMethodRead(left) ? stringLiteralValue(right) : isMethodRead(right) ? stringLiteralValue(left) : undefined;
        if (literal) methods.add(literal.toLowerCase());
      } else if (Node.isSwitchStatement(node) && isMethodRead(node.getExpression())) {
        for (const clause of node.getCaseBlock().getClauses()) {
          const literal = Node.isCaseClause(clause) ? stringLiteralValue(clause.getExpression()) : undefined;
          if (literal) methods.add(literal.toLowerCase());
        }
      }
    }
  }
  return methods;
}

function isMethodRead(node: Node): boolean {
  return Node.isPropertyAccessExpression(node) && node.getName() === 'method';
}

/** Methods that take credentials or codes; a GET of `/login` renders a page. */
const CREDENTIAL_METHODS = new Set(['post', 'put', 'patch', 'all']);

/**
 * A route where credentials or one-time codes are tried: an authentication
 * route (`isAuthRoute`) for a method that carries them, not a handler for
 * every method that answers only GET (`if (req.method !== 'GET') return 405`).
 */
export function isCredentialRoute(registration: RouteRegistration): boolean {
  if (registration.kind !== 'route' || !CREDENTIAL_METHODS.has(registration.method) || !isAuthRoute(registration.path, registration.method)) return false;
  if (registration.method !== 'all') return true;
  const methods = methodsHandled(registration);
  return methods.size === 0 || [...methods].some((method) => CREDENTIAL_METHODS.has(method));
}
