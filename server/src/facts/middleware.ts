import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from './index';
import type { Origin } from './origin';
import { stringLiteralValue } from './literals';
import { isRelativeModule } from './imports';
import { isFunctionScope, unwrapExpression } from './syntax';
import { functionsReachableFrom, routeRegistrations, type RouteRegistration } from './routes';
import { LIBRARIES, libraryMatches } from './tables/libraries';
import { APPLYING_METHODS, AUTH_WRAPPER_OPTION, LIMITER_NAME, NEST_THROTTLER, PASSPORT, ROUTE_RATE_LIMIT_OPTION, SELF_LIMITING_AUTH_LIBRARIES, SIGNED_IN_BINDING } from './tables/middleware';
import { exportedCorsOptions, type CorsOptionsExport } from './cors';

/**
 * Where a rate limiter applies beyond one route of its own file:
 * `global` — `app.use(limiter)`, `fastify.register(rateLimit)`, a Nest APP_GUARD;
 * `mount` — `app.use('/api', limiter)`, everything below a path;
 * `unplaced` — made or consumed where this file does not show what it covers
 * (handed to a function, consumed in a service): it may cover any route;
 * `exported` — exported by `name` (a limiter, or a function that consumes one): where other files of the
 * package apply it decides (`limiterUses`), and it counts as `unplaced` when none is seen.
 */
export type LimiterScope = 'global' | 'mount' | 'unplaced' | 'exported';

export interface RateLimiterPlacement {
  scope: LimiterScope;
  /** The mount path, for `mount`. */
  path?: string;
  /** The exported name, for `exported`. */
  name?: string;
  /** The package it comes from, or `project middleware` for the project's own limiter. */
  library: string;
  file: string;
  /** 1-based. */
  line: number;
}

/** What a package registers as middleware, from every one of its files. */
export interface PackageMiddleware {
  rateLimiters: readonly RateLimiterPlacement[];
  /** Where files of the package apply an exported limiter (`app.use(apiLimiter)` with `apiLimiter` imported). */
  limiterUses: readonly LimiterUse[];
  /** `ThrottlerModule.forRoot(...)`: configuration only, until a ThrottlerGuard is bound. */
  throttlerModules: readonly { file: string; line: number }[];
  /** Classes of the package that extend ThrottlerGuard (they limit as it does). */
  throttlerGuardClasses: readonly string[];
  /** Class names bound as `APP_GUARD` providers. */
  appGuards: readonly string[];
  /** Exported CORS option objects, by name, for `cors(corsOptions)` in another file. */
  corsOptions: readonly CorsOptionsExport[];
}

/** An exported limiter applied in another file: `route` when only as one route's middleware or inside a handler. */
export interface LimiterUse {
  name: string;
  scope: 'global' | 'mount' | 'unplaced' | 'route';
  path?: string;
  file: string;
  line: number;
}

export const NO_MIDDLEWARE: PackageMiddleware = { rateLimiters: [], limiterUses: [], throttlerModules: [], throttlerGuardClasses: [], appGuards: [], corsOptions: [] };

const RATE_LIMIT_MODULES = LIBRARIES['rate-limit'];

/** A cheap test before parsing: a file that names no limiter, guard or CORS option registers none. */
export function mayRegisterMiddleware(text: string): boolean {
  // Not a bare "limit" or "origin": list queries (`limit: 50`) and URL handling name them everywhere.
  return /limiter|rate-?limit|rate_limit|throttl|brute|slow-?down|better-auth|APP_GUARD|allow-origin|cors|origin\s*:/i.test(text);
}

export function mergeMiddleware(parts: readonly PackageMiddleware[]): PackageMiddleware {
  return {
    rateLimiters: parts.flatMap((part) => part.rateLimiters),
    limiterUses: parts.flatMap((part) => part.limiterUses),
    throttlerModules: parts.flatMap((part) => part.throttlerModules),
    throttlerGuardClasses: [...new Set(parts.flatMap((part) => part.throttlerGuardClasses))],
    appGuards: [...new Set(parts.flatMap((part) => part.appGuards))],
    corsOptions: parts.flatMap((part) => part.corsOptions),
  };
}

/**
 * The middleware of a package from its files: what each registers, then where
 * the files apply the limiters that others export.
 */
export function packageMiddlewareOf(sourceFiles: readonly SourceFile[]): PackageMiddleware {
  const merged = mergeMiddleware(sourceFiles.map(middlewareIn));
  const names = exportedLimiterNames(merged);
  if (names.size === 0) return merged;
  return { ...merged, limiterUses: sourceFiles.flatMap((sourceFile) => limiterUsesIn(sourceFile, names)) };
}

/** The middleware facts one file contributes to its package (without the uses of other files' exports). */
export function middlewareIn(sourceFile: SourceFile): PackageMiddleware {
  if (!mayRegisterMiddleware(sourceFile.getFullText())) return NO_MIDDLEWARE;
  const facts = FileFacts.of(sourceFile);
  return facts.memo('middleware.package', () => {
    const nest = nestThrottlerFacts(facts);
    return {
      rateLimiters: [...libraryLimiterPlacements(facts), ...projectLimiterPlacements(facts), ...nest.global],
      limiterUses: [],
      throttlerModules: nest.modules,
      throttlerGuardClasses: nest.guardClasses,
      appGuards: nest.appGuards,
      corsOptions: exportedCorsOptions(facts),
    };
  });
}

// ---------------------------------------------------------------------------
// Values made by a rate-limit library

/** The rate-limit package a value is made from (`rateLimit({...})`, `new RateLimiterRedis(...)`, `limiter.consume`), if any. */
export function limiterLibraryOf(origin: Origin): string | undefined {
  let current = origin;
  for (let depth = 0; depth < 8 && current.kind === 'call'; depth++) current = current.callee;
  if (current.kind !== 'module' || current.module === NEST_THROTTLER.module) return undefined;
  const module = current.module;
  const limits = RATE_LIMIT_MODULES.some((entry) => libraryMatches(entry, module)) || SELF_LIMITING_AUTH_LIBRARIES.some((library) => module === library || module.startsWith(library + '/'));
  return limits ? module : undefined;
}

function importsRateLimitLibrary(facts: FileFacts): boolean {
  return facts.sourceFile.getFullText().match(/limit|brute|slow-?down|better-auth/i) !== null;
}

/** The expression a name is the root of: `limiter` in `await limiter.consume(ip)` → the whole call. */
function valueExpressionOf(identifier: Node): Node {
  let current = identifier;
  for (;;) {
    const parent = current.getParent();
    if (!parent) return current;
    const isCallee = (Node.isCallExpression(parent) || Node.isNewExpression(parent)) && parent.getExpression() === current;
    const isObject = Node.isPropertyAccessExpression(parent) && parent.getExpression() === current;
    if (isCallee || isObject || Node.isAwaitExpression(parent) || Node.isParenthesizedExpression(parent) || Node.isAsExpression(parent) || Node.isNonNullExpression(parent)) {
      current = parent;
      continue;
    }
    return current;
  }
}

/** A name in a position that reads a value (not a declaration, import or type). */
function readsValue(identifier: Node): boolean {
  const parent = identifier.getParent();
  if (!parent) return false;
  if (Node.isImportSpecifier(parent) || Node.isImportClause(parent) || Node.isNamespaceImport(parent) || Node.isImportEqualsDeclaration(parent)) return false;
  if (Node.isBindingElement(parent) || Node.isTypeReference(parent) || Node.isQualifiedName(parent) || Node.isExpressionWithTypeArguments(parent)) return false;
  if ((Node.isVariableDeclaration(parent) || Node.isParameterDeclaration(parent) || Node.isFunctionDeclaration(parent) || Node.isClassDeclaration(parent)) && parent.getNameNode() === identifier) return false;
  if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) return false;
  if (Node.isPropertyAssignment(parent) && parent.getNameNode() === identifier) return false;
  return true;
}

function libraryLimiterPlacements(facts: FileFacts): RateLimiterPlacement[] {
  if (!importsRateLimitLibrary(facts)) return [];
  const placements: RateLimiterPlacement[] = [];
  const file = facts.sourceFile.getFilePath();
  const seen = new Set<Node>();
  for (const identifier of facts.nodes.ofKind(SyntaxKind.Identifier)) {
    if (!readsValue(identifier)) continue;
    const library = limiterLibraryOf(facts.origin(identifier));
    if (!library) continue;
    const value = valueExpressionOf(identifier);
    if (seen.has(value)) continue;
    seen.add(value);
    const placement = placementOf(value, facts);
    if (placement) placements.push({ ...placement, library, file, line: value.getStartLineNumber() });
  }
  return placements;
}

/**
 * The project's own limiter, named as one (`app.use(rateLimiter)`, `app.use('/api', apiLimiter)`),
 * applied to an app or router: a limiter built on Redis by hand limits as well as a library's.
 */
function projectLimiterPlacements(facts: FileFacts): RateLimiterPlacement[] {
  const placements: RateLimiterPlacement[] = [];
  const file = facts.sourceFile.getFilePath();
  for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !APPLYING_METHODS.includes(callee.getName())) continue;
    const named = call.getArguments().find((argument) => isLimiterNamed(argument));
    if (!named || limiterLibraryOf(facts.origin(unwrapExpression(named))) !== undefined) continue;
    const path = stringLiteralValue(call.getArguments()[0]);
    placements.push({ ...scopeForPath(path), library: 'project middleware', file, line: call.getStartLineNumber() });
  }
  return placements;
}

/** `rateLimiter`, `authLimiter`, `throttle(...)`, `rateLimit.middleware`: named as a limiter. */
export function isLimiterNamed(node: Node): boolean {
  const expression = unwrapExpression(node);
  const named = Node.isCallExpression(expression) ? expression.getExpression() : expression;
  if (Node.isIdentifier(named)) return LIMITER_NAME.test(named.getText());
  if (Node.isPropertyAccessExpression(named)) return LIMITER_NAME.test(named.getText());
  return false;
}

function scopeForPath(path: string | undefined): { scope: LimiterScope; path?: string } {
  return path === undefined || path === '/' || path === '*' || path === '/*' ? { scope: 'global' } : { scope: 'mount', path };
}

/** Where a limiter value applies; undefined when to one route of this file only (the route's own check sees it) or nowhere. */
type Placement = { scope: LimiterScope; path?: string; name?: string };

function placementOf(value: Node, facts: FileFacts): Placement | undefined {
  const parent = value.getParent();
  if (parent && Node.isVariableDeclaration(parent) && parent.getInitializer() === value) {
    // Its uses are judged where they are; an exported limiter is applied in other files.
    return parent.getVariableStatement()?.isExported() ? { scope: 'exported', name: parent.getName() } : undefined;
  }
  const exported = exportedAs(value);
  if (exported) return { scope: 'exported', name: exported };
  const call = callTakingArgument(value);
  if (call) return placementAsArgument(value, call, facts);
  const fn = value.getFirstAncestor(isFunctionScope);
  if (!fn) return { scope: 'unplaced' };
  if (routeOnlyFunctions(facts).has(fn)) return undefined;
  const exportedFunction = exportedFunctionName(fn);
  return exportedFunction ? { scope: 'exported', name: exportedFunction } : { scope: 'unplaced' };
}

/** `export { limiter }`, `export default limiter`, `module.exports = limiter`, `module.exports = { limiter }`. */
function exportedAs(value: Node): string | undefined {
  const parent = value.getParent();
  if (!parent) return undefined;
  if (Node.isExportSpecifier(parent)) return parent.getAliasNode()?.getText() ?? parent.getName();
  if (Node.isExportAssignment(parent)) return 'default';
  if (Node.isBinaryExpression(parent) && parent.getRight() === value && isModuleExports(parent.getLeft())) return 'default';
  const target = Node.isBinaryExpression(parent) && parent.getRight() === value ? parent.getLeft() : undefined;
  if (target && Node.isPropertyAccessExpression(target) && isModuleExports(target.getExpression())) return target.getName();
  const property = Node.isShorthandPropertyAssignment(parent) || Node.isPropertyAssignment(parent) ? parent : undefined;
  const object = property?.getParent();
  const assignment = object?.getParent();
  if (property && assignment && Node.isBinaryExpression(assignment) && assignment.getRight() === object && isModuleExports(assignment.getLeft())) return property.getName();
  return undefined;
}

function isModuleExports(node: Node): boolean {
  const text = node.getText();
  return text === 'module.exports' || text === 'exports';
}

/** The exported name of a function (or of the const holding it), when it is exported. */
function exportedFunctionName(fn: Node): string | undefined {
  if (Node.isFunctionDeclaration(fn)) return fn.isExported() ? (fn.isDefaultExport() ? 'default' : fn.getName()) : undefined;
  const holder = fn.getParent();
  if (holder && Node.isVariableDeclaration(holder) && holder.getInitializer() === fn) {
    return holder.getVariableStatement()?.isExported() ? holder.getName() : undefined;
  }
  return undefined;
}

/** Uses of limiters other files export, by name, in this file (`any`: of every name imported from the project, for readers that see one file at a time). */
export function limiterUsesIn(sourceFile: SourceFile, names: ReadonlySet<string> | 'any'): LimiterUse[] {
  const text = sourceFile.getFullText();
  if (names !== 'any' && ![...names].some((name) => text.includes(name === 'default' ? 'import' : name))) return [];
  const facts = FileFacts.of(sourceFile);
  const uses: LimiterUse[] = [];
  for (const identifier of facts.nodes.ofKind(SyntaxKind.Identifier)) {
    if (!readsValue(identifier)) continue;
    const name = importedProjectName(identifier, facts);
    if (name === undefined || (names !== 'any' && !names.has(name))) continue;
    const value = valueExpressionOf(identifier);
    const placement = placementOfUse(value, facts);
    uses.push({ name, ...placement, file: sourceFile.getFilePath(), line: value.getStartLineNumber() });
  }
  return uses;
}

function placementOfUse(value: Node, facts: FileFacts): { scope: LimiterUse['scope']; path?: string } {
  const call = callTakingArgument(value);
  if (call) {
    const placement = placementAsArgument(value, call, facts);
    return placement === undefined ? { scope: 'route' } : placement.scope === 'exported' ? { scope: 'unplaced' } : { scope: placement.scope, path: placement.path };
  }
  const fn = value.getFirstAncestor(isFunctionScope);
  if (fn && routeOnlyFunctions(facts).has(fn)) return { scope: 'route' };
  const placement = placementOf(value, facts);
  return placement && placement.scope !== 'exported' ? { scope: placement.scope, path: placement.path } : { scope: 'unplaced' };
}

/** The exported name an identifier imports from another file of the project (`default` for a default import). */
function importedProjectName(identifier: Node, facts: FileFacts): string | undefined {
  const origin = facts.origin(identifier);
  if (origin.kind !== 'module' || !isProjectModule(origin.module)) return undefined;
  return origin.path[0] ?? 'default';
}

function isProjectModule(module: string): boolean {
  return isRelativeModule(module) || module.startsWith('@/') || module.startsWith('~/') || module.startsWith('#');
}

/**
 * The placements that decide coverage: exported limiters are replaced by where
 * other files apply them (none when only on routes), or count as unplaced when no use is seen.
 */
export function effectivePlacements(middleware: PackageMiddleware): RateLimiterPlacement[] {
  const cached = resolved.get(middleware);
  if (cached) return cached;
  const placements: RateLimiterPlacement[] = [];
  for (const placement of middleware.rateLimiters) {
    if (placement.scope !== 'exported') {
      placements.push(placement);
      continue;
    }
    const uses = middleware.limiterUses.filter((use) => use.name === placement.name);
    if (uses.length === 0) placements.push({ ...placement, scope: 'unplaced' });
    for (const use of uses) {
      if (use.scope !== 'route') placements.push({ scope: use.scope, path: use.path, library: placement.library, file: use.file, line: use.line });
    }
  }
  resolved.set(middleware, placements);
  return placements;
}

const resolved = new WeakMap<PackageMiddleware, RateLimiterPlacement[]>();

/** Names exported as limiters by files of the package. */
function exportedLimiterNames(middleware: PackageMiddleware): ReadonlySet<string> {
  return new Set(middleware.rateLimiters.filter((placement) => placement.scope === 'exported').map((placement) => placement.name!));
}

/** The call that receives `value` among its arguments, through arrays and object literals (`[limiter, auth]`, `{ preHandler: limiter }`). */
function callTakingArgument(value: Node): Node | undefined {
  let current = value;
  for (let depth = 0; depth < 6; depth++) {
    const parent = current.getParent();
    if (!parent) return undefined;
    if ((Node.isCallExpression(parent) || Node.isNewExpression(parent)) && parent.getArguments().includes(current as never)) return parent;
    const passesThrough =
      Node.isArrayLiteralExpression(parent) || Node.isObjectLiteralExpression(parent) || Node.isPropertyAssignment(parent) || Node.isSpreadElement(parent) || Node.isShorthandPropertyAssignment(parent);
    if (!passesThrough) return undefined;
    current = parent;
  }
  return undefined;
}

function placementAsArgument(value: Node, call: Node, facts: FileFacts): { scope: LimiterScope; path?: string } | undefined {
  if (!Node.isCallExpression(call)) return { scope: 'unplaced' };
  const registration = routeRegistrations(facts).find((candidate) => candidate.node === call);
  if (registration?.kind === 'route') return undefined;
  const callee = call.getExpression();
  const method = Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
  if (registration?.kind === 'middleware' || (method !== undefined && APPLYING_METHODS.includes(method))) {
    if (registersOptIn(call, value)) return undefined;
    return scopeForPath(stringLiteralValue(call.getArguments()[0]));
  }
  return { scope: 'unplaced' };
}

/** `fastify.register(rateLimit, { global: false })`: only routes that ask (`config.rateLimit`) are limited. */
function registersOptIn(call: Node, plugin: Node): boolean {
  if (!Node.isCallExpression(call)) return false;
  const [first, options] = call.getArguments();
  if (first !== plugin || !options || !Node.isObjectLiteralExpression(options)) return false;
  const global = options.getProperty('global');
  return global !== undefined && Node.isPropertyAssignment(global) && global.getInitializer()?.getKind() === SyntaxKind.FalseKeyword;
}

/** Functions of this file that only route handlers reach (not middleware applied with `use`). */
function routeOnlyFunctions(facts: FileFacts): ReadonlySet<Node> {
  return facts.memo('middleware.routeOnlyFunctions', () => {
    const registrations = routeRegistrations(facts);
    const fromRoutes = functionsReachableFrom(registrations.filter((r) => r.kind === 'route').flatMap((r) => r.handlers), facts);
    const fromMiddleware = functionsReachableFrom(registrations.filter((r) => r.kind === 'middleware').flatMap((r) => r.handlers), facts);
    return new Set([...fromRoutes].filter((fn) => !fromMiddleware.has(fn)));
  });
}

// ---------------------------------------------------------------------------
// @nestjs/throttler

function isThrottlerExport(origin: Origin, name: string): boolean {
  return origin.kind === 'module' && origin.module === NEST_THROTTLER.module && origin.path.length === 1 && origin.path[0] === name;
}

interface NestThrottlerFacts {
  global: RateLimiterPlacement[];
  modules: { file: string; line: number }[];
  guardClasses: string[];
  appGuards: string[];
}

function nestThrottlerFacts(facts: FileFacts): NestThrottlerFacts {
  const result: NestThrottlerFacts = { global: [], modules: [], guardClasses: [], appGuards: [] };
  const text = facts.sourceFile.getFullText();
  const file = facts.sourceFile.getFilePath();
  if (text.includes(NEST_THROTTLER.appGuard.name)) result.appGuards.push(...appGuardClasses(facts));
  if (!text.includes(NEST_THROTTLER.module)) return result;
  for (const cls of facts.nodes.ofKind(SyntaxKind.ClassDeclaration)) {
    const base = cls.getExtends()?.getExpression();
    if (base && isThrottlerExport(facts.origin(base), NEST_THROTTLER.guard) && cls.getName()) result.guardClasses.push(cls.getName()!);
  }
  for (const identifier of facts.nodes.ofKind(SyntaxKind.Identifier)) {
    if (!readsValue(identifier)) continue;
    const origin = facts.origin(identifier);
    if (isThrottlerExport(origin, NEST_THROTTLER.moduleClass)) result.modules.push({ file, line: identifier.getStartLineNumber() });
    else if (isThrottlerExport(origin, NEST_THROTTLER.guard) && isGlobalGuardUse(identifier)) {
      result.global.push({ scope: 'global', library: NEST_THROTTLER.module, file, line: identifier.getStartLineNumber() });
    }
  }
  return result;
}

/** `app.useGlobalGuards(new ThrottlerGuard(...))`. */
function isGlobalGuardUse(identifier: Node): boolean {
  const call = callTakingArgument(valueExpressionOf(identifier));
  if (!call || !Node.isCallExpression(call)) return false;
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) && (NEST_THROTTLER.globalGuardMethods as readonly string[]).includes(callee.getName());
}

/** Names of the classes bound with `{ provide: APP_GUARD, useClass: X }` (or `useExisting`). */
function appGuardClasses(facts: FileFacts): string[] {
  const names: string[] = [];
  for (const literal of facts.nodes.ofKind(SyntaxKind.ObjectLiteralExpression)) {
    const provide = literal.getProperty('provide');
    if (!provide || !Node.isPropertyAssignment(provide)) continue;
    const token = provide.getInitializer();
    const origin = token && facts.origin(token);
    if (!origin || origin.kind !== 'module' || origin.module !== NEST_THROTTLER.appGuard.module || origin.path[0] !== NEST_THROTTLER.appGuard.name) continue;
    for (const key of ['useClass', 'useExisting']) {
      const property = literal.getProperty(key);
      const value = property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
      if (value) names.push(value.getText());
    }
  }
  return names;
}

// ---------------------------------------------------------------------------
// Is one route limited?

export interface RouteRateLimit {
  limited: boolean;
  /** What limits it, for messages: a placement, or the route's own middleware. */
  by?: string;
  /** `@SkipThrottle()` takes the route out of a global guard. */
  skipped?: boolean;
}

/** What the route's own file shows about its limiter, and the names it imports from the package that may be one. */
export interface RouteLimiterEvidence {
  limited: boolean;
  by?: string;
  /** `@SkipThrottle()`: out of a global guard. */
  skipped: boolean;
  /** Exported names of other files of the package that the route uses (middleware, callees, guards). */
  importedNames: string[];
}

/** Limiters and guards known across the package, by the names other files import them by. */
export interface KnownLimiterNames {
  exported: ReadonlySet<string>;
  guardClasses: ReadonlySet<string>;
}

export function knownLimiterNames(middleware: PackageMiddleware): KnownLimiterNames {
  return { exported: exportedLimiterNames(middleware), guardClasses: new Set(middleware.throttlerGuardClasses) };
}

/** Whether a rate limiter covers this route: its own middleware and handler, its controller's guards, or a package-wide limiter. */
export function routeRateLimit(registration: RouteRegistration, facts: FileFacts, middleware: PackageMiddleware): RouteRateLimit {
  const own = routeOwnRateLimit(registration, facts, knownLimiterNames(middleware));
  if (own.limited) return { limited: true, by: own.by };
  if (own.skipped) return { limited: false, skipped: true };
  const by = packageCoverage(middleware, { file: facts.sourceFile.getFilePath(), path: registration.path, framework: registration.framework });
  return by ? { limited: true, by } : { limited: false };
}

/** The route's own middleware, handler and Nest decorators. */
export function routeOwnRateLimit(registration: RouteRegistration, facts: FileFacts, known: KnownLimiterNames): RouteLimiterEvidence {
  const importedNames = routeImportedNames(registration, facts);
  const evidence = (limited: boolean, by?: string, skipped = false): RouteLimiterEvidence => ({ limited, by, skipped, importedNames });
  if (registration.framework === 'nestjs') {
    const decorators = nestDecoratorsOf(registration);
    if (decorators.some((decorator) => nestDecoratorLimits(decorator, facts, known.guardClasses))) return evidence(true, 'its guard');
    if (decorators.some((decorator) => nestDecoratorIs(decorator, facts, NEST_THROTTLER.skipDecorators))) return evidence(false, undefined, true);
  } else if (registration.handlers.some((handler) => containsLimiter(handler, facts, known.exported))) {
    return evidence(true, 'route middleware');
  }
  if (handlerConsumesLimiter(registration, facts, known.exported)) return evidence(true, 'its handler');
  return evidence(false);
}

/**
 * A limiter of the package that covers a route of `route.file`: a global one
 * (Nest APP_GUARD included), one mounted above its path in the same file, or
 * one mounted in another file (where this file's router may be mounted).
 */
export function packageCoverage(middleware: PackageMiddleware, route: { file: string; path: string | undefined; framework: string }): string | undefined {
  if (route.framework === 'nestjs') {
    const guardClasses = new Set(middleware.throttlerGuardClasses);
    const appGuard = middleware.appGuards.find((name) => name === NEST_THROTTLER.guard || guardClasses.has(name) || LIMITER_NAME.test(name));
    if (appGuard) return `the APP_GUARD ${appGuard}`;
  }
  const placement = effectivePlacements(middleware).find((candidate) => {
    if (candidate.scope !== 'mount' || candidate.file !== route.file) return true;
    return route.path === undefined || route.path.startsWith(candidate.path!);
  });
  return placement ? describePlacement(placement) : undefined;
}

function nestDecoratorsOf(registration: RouteRegistration): Node[] {
  const method = registration.handlers[0];
  const cls = method?.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
  return [...(method && Node.isMethodDeclaration(method) ? method.getDecorators() : []), ...(cls?.getDecorators() ?? [])];
}

/** Names the route imports from other files of the project: in its arguments, called by its handler, in its guards. */
function routeImportedNames(registration: RouteRegistration, facts: FileFacts): string[] {
  const names = new Set<string>();
  const add = (node: Node): void => {
    for (const identifier of [node, ...node.getDescendantsOfKind(SyntaxKind.Identifier)]) {
      if (!Node.isIdentifier(identifier)) continue;
      const name = importedProjectName(identifier, facts);
      if (name !== undefined) names.add(name);
    }
  };
  const handlerArguments = registration.framework === 'nestjs' ? nestDecoratorsOf(registration) : registration.handlers.filter((handler) => !isFunctionScope(handler));
  handlerArguments.forEach(add);
  for (const fn of functionsReachableFrom(registration.handlers, facts)) {
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) add(call.getExpression());
  }
  return [...names].sort();
}

function describePlacement(placement: RateLimiterPlacement): string {
  return `${placement.library} at ${placement.file}:${placement.line}`;
}

/** A limiter in a route's arguments: `limiter`, `rateLimit({...})`, `[limiter, auth]`, Fastify `{ config: { rateLimit } }` or `{ preHandler: fastify.rateLimit() }`. */
function containsLimiter(handler: Node, facts: FileFacts, exported: ReadonlySet<string>): boolean {
  const expression = unwrapExpression(handler);
  if (isLimiter(expression, facts, exported)) return true;
  if (Node.isArrayLiteralExpression(expression)) return expression.getElements().some((element) => containsLimiter(element, facts, exported));
  if (Node.isObjectLiteralExpression(expression)) {
    const config = expression.getProperty(ROUTE_RATE_LIMIT_OPTION.container);
    const inner = config && Node.isPropertyAssignment(config) ? config.getInitializer() : undefined;
    if (inner && Node.isObjectLiteralExpression(inner) && inner.getProperty(ROUTE_RATE_LIMIT_OPTION.property)) return true;
    return expression.getProperties().some((property) => Node.isPropertyAssignment(property) && property.getInitializer() !== undefined && containsLimiter(property.getInitializer()!, facts, exported));
  }
  return false;
}

/** The handler (or a function of this file it calls) consumes a limiter, or calls one named as a limiter (`await checkRateLimit(ip)`). */
function handlerConsumesLimiter(registration: RouteRegistration, facts: FileFacts, exported: ReadonlySet<string>): boolean {
  for (const fn of functionsReachableFrom(registration.handlers, facts)) {
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      if (isLimiter(call.getExpression(), facts, exported)) return true;
    }
  }
  return false;
}

/** A limiter: made by a rate-limit library, exported as one by another file of the package, or named as one. */
function isLimiter(expression: Node, facts: FileFacts, exported: ReadonlySet<string>): boolean {
  if (limiterLibraryOf(facts.origin(expression)) !== undefined || isLimiterNamed(expression)) return true;
  const root = Node.isCallExpression(expression) ? expression.getExpression() : expression;
  const base = Node.isPropertyAccessExpression(root) ? root.getExpression() : root;
  const name = Node.isIdentifier(base) ? importedProjectName(base, facts) : undefined;
  return name !== undefined && exported.has(name);
}

function nestDecoratorIs(decorator: Node, facts: FileFacts, names: readonly string[]): boolean {
  if (!Node.isDecorator(decorator)) return false;
  const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
  return names.some((name) => isThrottlerExport(origin, name));
}

/** `@UseGuards(ThrottlerGuard)`, a subclass of it, or `@Throttle(...)`. */
function nestDecoratorLimits(decorator: Node, facts: FileFacts, guardClasses: ReadonlySet<string>): boolean {
  if (!Node.isDecorator(decorator)) return false;
  if (nestDecoratorIs(decorator, facts, NEST_THROTTLER.limitDecorators)) return true;
  const call = decorator.getCallExpression();
  if (!call) return false;
  const origin = facts.origin(call.getExpression());
  if (origin.kind !== 'module' || origin.module !== NEST_THROTTLER.guardDecorator.module || origin.path[0] !== NEST_THROTTLER.guardDecorator.name) return false;
  return call.getArguments().some((argument) => {
    const guard = unwrapExpression(Node.isNewExpression(argument) ? argument.getExpression() : argument);
    return isThrottlerExport(facts.origin(guard), NEST_THROTTLER.guard) || guardClasses.has(guard.getText()) || LIMITER_NAME.test(guard.getText());
  });
}

// ---------------------------------------------------------------------------
// Routes for callers who are signed in already

/**
 * The route sits behind a passport guard whose strategy checks an existing
 * session or token (`@UseGuards(AuthGuard('jwt'))` on the method or controller,
 * `passport.authenticate('jwt')` among the route's middleware): its callers are
 * not guessing credentials.
 */
export function requiresSignedInCaller(registration: RouteRegistration, facts: FileFacts): boolean {
  if (registration.framework === 'nestjs') {
    const method = registration.handlers[0];
    const cls = method?.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
    const decorators = [...(method && Node.isMethodDeclaration(method) ? method.getDecorators() : []), ...(cls?.getDecorators() ?? [])];
    return decorators.some((decorator) => {
      const call = decorator.getCallExpression();
      if (!call) return false;
      return call.getArguments().some((argument) => Node.isCallExpression(argument) && isSessionStrategyCall(argument, facts, PASSPORT.nestModule, [PASSPORT.nestGuard]));
    });
  }
  return registration.handlers.some((handler) => {
    const expression = unwrapExpression(handler);
    if (Node.isCallExpression(expression) && (isSessionStrategyCall(expression, facts, PASSPORT.module, [PASSPORT.authenticate]) || wrapperAuthenticates(expression))) return true;
    const fn = functionsReachableFrom([handler], facts).values().next().value;
    return fn !== undefined && startsBySigningInCaller(fn);
  });
}

/** `withApiWrapper({ auth: 'session', handler })`: the wrapper authenticates the caller. */
function wrapperAuthenticates(call: Node): boolean {
  if (!Node.isCallExpression(call)) return false;
  return call.getArguments().some((argument) => {
    if (!Node.isObjectLiteralExpression(argument)) return false;
    const property = argument.getProperty(AUTH_WRAPPER_OPTION.property);
    const value = property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
    if (!value) return false;
    const text = stringLiteralValue(value) ?? value.getText();
    return !(AUTH_WRAPPER_OPTION.publicValues as readonly string[]).includes(text.toLowerCase());
  });
}

/**
 * The handler's first statements read the signed-in caller from an awaited call
 * (`const { auth, error } = await parseRequest(request)`) and leave when it fails.
 */
function startsBySigningInCaller(fn: Node): boolean {
  const body = (fn as Node & { getBody?: () => Node | undefined }).getBody?.();
  if (!body || !Node.isBlock(body)) return false;
  const statements = body.getStatements().slice(0, 4);
  for (const [index, statement] of statements.entries()) {
    if (!Node.isVariableStatement(statement)) continue;
    for (const declaration of statement.getDeclarations()) {
      const initializer = declaration.getInitializer();
      const awaited = initializer && unwrapExpression(initializer);
      if (!awaited || !Node.isAwaitExpression(awaited) || !readsCallerOnly(awaited.getExpression(), fn)) continue;
      const bound = bindingNames(declaration.getNameNode());
      if (!bound.some((name) => SIGNED_IN_BINDING.test(name))) continue;
      const next = statements.slice(index + 1, index + 3);
      if (next.some((candidate) => Node.isIfStatement(candidate) && leaves(candidate.getThenStatement()) && bound.some((name) => candidate.getExpression().getText().includes(name)))) return true;
    }
  }
  return false;
}

/**
 * A call given only the request itself or module-level settings (`parseRequest(request)`,
 * `getServerSession(authOptions)`, `getSession({ req })`): it reads who is calling. A lookup by
 * what the caller sent (`findUser(email)`, `prisma.user.findUnique({ where: { email } })`) is a login.
 */
function readsCallerOnly(call: Node, fn: Node): boolean {
  if (!Node.isCallExpression(call)) return false;
  const parameters = new Set((fn as Node & { getParameters?: () => Node[] }).getParameters?.() ?? []);
  const isCallerOrSetting = (node: Node): boolean => {
    if (!Node.isIdentifier(node)) return false;
    const declaration = node.getSymbol()?.getDeclarations()[0];
    if (!declaration) return false;
    if (parameters.has(declaration)) return true;
    return declaration.getFirstAncestor(isFunctionScope) === undefined;
  };
  return call.getArguments().every((argument) => {
    if (Node.isObjectLiteralExpression(argument)) {
      return argument.getProperties().every((property) =>
        Node.isShorthandPropertyAssignment(property) ? isCallerOrSetting(property.getNameNode()) : Node.isPropertyAssignment(property) && property.getInitializer() !== undefined && isCallerOrSetting(property.getInitializer()!),
      );
    }
    return isCallerOrSetting(argument);
  });
}

function bindingNames(name: Node): string[] {
  if (Node.isIdentifier(name)) return [name.getText()];
  if (Node.isObjectBindingPattern(name) || Node.isArrayBindingPattern(name)) return name.getDescendantsOfKind(SyntaxKind.BindingElement).map((element) => element.getName());
  return [];
}

function leaves(statement: Node): boolean {
  if (Node.isReturnStatement(statement) || Node.isThrowStatement(statement)) return true;
  return Node.isBlock(statement) && statement.getStatements().some((inner) => Node.isReturnStatement(inner) || Node.isThrowStatement(inner));
}

/** `AuthGuard('jwt')`, `passport.authenticate('bearer', { session: false })`: a strategy that does not take credentials. */
function isSessionStrategyCall(call: Node, facts: FileFacts, module: string, path: readonly string[]): boolean {
  if (!Node.isCallExpression(call)) return false;
  const origin = facts.origin(call.getExpression());
  if (origin.kind !== 'module' || origin.module !== module || origin.path.join('.') !== path.join('.')) return false;
  const strategy = stringLiteralValue(call.getArguments()[0]);
  return strategy !== undefined && !(PASSPORT.credentialStrategies as readonly string[]).includes(strategy.toLowerCase());
}
