import * as fs from 'node:fs';
import { escapeRegExp } from '../facts/literals';
import * as path from 'node:path';
import { SyntaxKind, type Node, type SourceFile } from 'ts-morph';
import { FileFacts } from '../facts';
import { libraryImports } from '../facts/imports';
import { excerpt } from '../facts/literals';
import { parsePackageManifest, type PackageManifest } from '../facts/packages';
import { healthCheckHandlers, libraryHealthPaths, listenCalls, shutdownLocationsIn, workerStarts } from '../facts/process';
import { isFlagGuarded } from '../facts/feature-flags';
import { jsonLogWrites } from '../facts/json-logging';
import { injectedLoggerTypes, projectLoggerDefinitions, projectLoggerImports, type ProjectLoggerImport } from '../facts/project-loggers';
import { isCredentialRoute, isHealthPath, routeRegistrations, type Recognition, type RouteFramework } from '../facts/routes';
import { knownLimiterNames, limiterUsesIn, mayRegisterMiddleware, middlewareIn, requiresSignedInCaller, routeOwnRateLimit, type PackageMiddleware } from '../facts/middleware';
import { HEALTH_CHECK_OPTIONS, LIBRARIES, type LibraryKind } from '../facts/tables/libraries';
import { CONVENTIONAL_ROUTER_NAMES, CONVENTIONAL_SERVER_NAMES, NEST_ROUTES, NEXT_ROUTES, REMIX_ROUTES, SERVE_FUNCTIONS, SERVER_FRAMEWORKS } from '../facts/tables/frameworks';
import { INJECTED_LOGGER_TYPES, LOGGER_MODULES } from '../facts/tables/logging';
import { FRAMEWORK_SHUTDOWN_HOOKS, WORKER_STARTERS } from '../facts/tables/workers';
import { relativePath } from './scope';
import { codeMigrationToolOf } from '../facts/code-migrations';
import { migrationToolOf } from '../facts/tables/migration-paths';

/** Where a fact was seen: relative file, 1-based line, a one-line excerpt. */
export interface FactLocation {
  file: string;
  line: number;
  text: string;
}

export interface RouteFact extends FactLocation {
  kind: 'route' | 'middleware';
  method: string;
  path: string | undefined;
  framework: RouteFramework;
  via: Recognition;
  hasSchema: boolean;
  flagGuarded: boolean;
  /** Credential routes (login, sign-up, reset, OTP, token): what their own file shows about a limiter. */
  rateLimit?: RouteRateLimitFact;
}

export interface RouteRateLimitFact {
  limited: boolean;
  /** `@SkipThrottle()`. */
  skipped: boolean;
  /** Behind a session or token guard: its callers are signed in already. */
  signedIn: boolean;
  /** Names the route imports from other files of the project (a limiter or guard exported there counts). */
  importedNames: string[];
}

export interface ListenFact extends FactLocation {
  framework: RouteFramework;
  via: 'factory' | 'type' | 'convention' | 'serve-function';
}

export interface WorkerFact extends FactLocation {
  /** `BullMQ Worker`, `node-cron job`. */
  label: string;
  module: string;
}

export interface LoggerDefinitionFact extends FactLocation {
  /** The exported name (`default` for a default export). */
  name: string;
  /** The package it is built on. */
  library: string;
  /** `known`: a structured logger library; `workspace`: another package's logger, whose output is not visible here. */
  basis: 'known' | 'workspace';
}

export interface LibraryFact extends FactLocation {
  module: string;
}

/** What the project-level checks need to know about one source file, as plain data. */
export interface FileReadinessFacts {
  /** Absolute path. */
  path: string;
  /** Relative to the root, `/`-separated. */
  file: string;
  routes: RouteFact[];
  listens: ListenFact[];
  shutdown: (FactLocation & { kind: string })[];
  /** Queue workers, job schedulers and cron jobs started here (`new Worker(...)` of bullmq, `@Processor()`): long-running work a deploy cuts off. */
  workers?: WorkerFact[];
  /** Health endpoints served by a library (`createTerminus(..., { healthChecks: { '/healthz': ... } })`) or health-check modules. */
  healthLibraries: FactLocation[];
  libraries: Record<LibraryKind, LibraryFact[]>;
  /** Hand-written structured log output: `process.stdout.write(JSON.stringify({ level, ... }))`. */
  jsonLogWrites: FactLocation[];
  /** Loggers and logger factories this file exports (`export function getLogger(...)` wrapping log4js). */
  loggerDefinitions?: LoggerDefinitionFact[];
  /** Imports of names that read as a logger from modules that are not logger libraries: candidates for a project logger. */
  loggerImports?: ProjectLoggerImport[];
  /** Imports of a framework's injected logger interface (Medusa's `Logger`). */
  injectedLoggers?: LibraryFact[];
  /** The file declares functions or classes (not only types, constants or re-exports). */
  hasCode: boolean;
  /**
   * For files in a migration folder: the migration tool its shape shows (knex, typeorm, sequelize, mikro-orm),
   * or null when it is not a migration (a helper beside them). Absent for other files.
   */
  migrationTool?: string | null;
  /** Rate limiters and guards this file registers, and its uses of limiters other files export (missing-rate-limit's package facts). */
  middleware?: PackageMiddleware;
}

const LIBRARY_KINDS: readonly LibraryKind[] = ['rate-limit', 'validation', 'structured-logger', 'feature-flags', 'graceful-shutdown', 'health-check'];

function location(root: string, node: Node): FactLocation {
  return { file: relativePath(root, node.getSourceFile().getFilePath()), line: node.getStartLineNumber(), text: excerpt(node) };
}

/** The file's rate limiters and guards, with its uses of every name it imports from the project (others' exports are not known here). */
function fileMiddleware(sourceFile: SourceFile): PackageMiddleware | undefined {
  if (!mayRegisterMiddleware(sourceFile.getFullText())) return undefined;
  return { ...middlewareIn(sourceFile), limiterUses: limiterUsesIn(sourceFile, 'any') };
}

function rateLimitFact(registration: Parameters<typeof routeOwnRateLimit>[0], facts: FileFacts, middleware: PackageMiddleware | undefined): RouteRateLimitFact {
  const own = routeOwnRateLimit(registration, facts, knownLimiterNames(middleware ?? middlewareIn(facts.sourceFile)));
  return { limited: own.limited, skipped: own.skipped, signedIn: requiresSignedInCaller(registration, facts), importedNames: own.importedNames };
}

/** Reads the readiness facts of one parsed file. */
export function summariseFile(sourceFile: SourceFile, root: string): FileReadinessFacts {
  const facts = new FileFacts(sourceFile);
  const at = (node: Node): FactLocation => location(root, node);
  const middleware = fileMiddleware(sourceFile);
  const routes = routeRegistrations(facts).map(
    (registration): RouteFact => ({
      ...at(registration.node),
      kind: registration.kind,
      method: registration.method,
      path: registration.path,
      framework: registration.framework,
      via: registration.via,
      hasSchema: registration.hasSchema,
      flagGuarded: registration.kind === 'route' && isFlagGuarded(registration, facts),
      rateLimit: isCredentialRoute(registration) ? rateLimitFact(registration, facts, middleware) : undefined,
    }),
  );
  const libraries = {} as Record<LibraryKind, LibraryFact[]>;
  for (const kind of LIBRARY_KINDS) {
    libraries[kind] = libraryImports(facts, kind).map((use) => ({ ...at(use.import.node), module: use.module }));
  }
  const healthLibraries = [
    ...libraryHealthPaths(facts)
      .filter((entry) => isHealthPath(entry.path))
      .map((entry) => at(entry.node)),
    ...healthCheckHandlers(facts).map((handler) => at(handler.node)),
    ...libraries['health-check'],
  ];
  return {
    path: sourceFile.getFilePath(),
    file: relativePath(root, sourceFile.getFilePath()),
    routes,
    listens: listenCalls(facts).map((listen) => ({ ...at(listen.node), framework: listen.framework, via: listen.via })),
    shutdown: shutdownLocationsIn(sourceFile).map((handling) => ({ file: relativePath(root, handling.file), line: handling.line, text: handling.text, kind: handling.kind })),
    workers: workerStarts(facts).map((worker) => ({ ...at(worker.node), label: worker.label, module: worker.module })),
    healthLibraries,
    libraries,
    jsonLogWrites: jsonLogWrites(facts).map(at),
    loggerDefinitions: projectLoggerDefinitions(facts).map((definition) => ({ ...at(definition.node), name: definition.name, library: definition.library, basis: definition.basis })),
    loggerImports: projectLoggerImports(facts),
    middleware,
    injectedLoggers: injectedLoggerTypes(facts).map((use) => ({ ...at(use.node), module: use.library })),
    hasCode: declaresCode(sourceFile),
    ...(migrationToolOf(sourceFile.getFilePath()) !== undefined ? { migrationTool: codeMigrationToolOf(facts) ?? null } : {}),
  };
}

function declaresCode(sourceFile: SourceFile): boolean {
  return (
    sourceFile.getFirstDescendantByKind(SyntaxKind.FunctionDeclaration) !== undefined ||
    sourceFile.getFirstDescendantByKind(SyntaxKind.ArrowFunction) !== undefined ||
    sourceFile.getFirstDescendantByKind(SyntaxKind.FunctionExpression) !== undefined ||
    sourceFile.getFirstDescendantByKind(SyntaxKind.MethodDeclaration) !== undefined ||
    sourceFile.getFirstDescendantByKind(SyntaxKind.ClassDeclaration) !== undefined
  );
}

/** The package.json files that own the given source files: in their folders or above, up to the root. */
export function findManifests(root: string, files: readonly string[]): { manifests: PackageManifest[]; problems: { file: string; message: string }[] } {
  const folders = new Set<string>();
  for (const file of files) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (folders.has(dir)) break;
      folders.add(dir);
      if (dir === root || path.dirname(dir) === dir || path.relative(root, dir).startsWith('..')) break;
    }
  }
  folders.add(root);
  const manifests: PackageManifest[] = [];
  const problems: { file: string; message: string }[] = [];
  for (const folder of [...folders].sort()) {
    const file = path.join(folder, 'package.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    try {
      manifests.push(parsePackageManifest(file, text));
    } catch (error) {
      problems.push({ file: relativePath(root, file), message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { manifests, problems };
}

/** A file with no readiness facts, for one that {@link mayHaveReadinessFacts} rules out without parsing. */
export function noReadinessFacts(filePath: string, root: string): FileReadinessFacts {
  const libraries = {} as Record<LibraryKind, LibraryFact[]>;
  for (const kind of LIBRARY_KINDS) libraries[kind] = [];
  return {
    path: filePath.split(path.sep).join('/'),
    file: relativePath(root, filePath),
    routes: [],
    listens: [],
    shutdown: [],
    healthLibraries: [],
    libraries,
    jsonLogWrites: [],
    // Only asked of changed files, which are always parsed.
    hasCode: false,
  };
}

/**
 * Whether `summariseFile` can find anything in this text, decided without
 * parsing: every fact it reads needs one of these in the text. A route or a
 * listen needs a framework's module, one of its type names, or a
 * conventionally named receiver (`app.get`, `usersRouter.use`); a shutdown
 * handler a `SIG...` name, a library or Nest's shutdown hooks; a library its
 * module name; a JSON log line `stringify`. Most files of a large package
 * (components, utilities, types) have none, and parsing is what costs.
 */
export function mayHaveReadinessFacts(filePath: string, text: string): boolean {
  const normalised = filePath.split(path.sep).join('/');
  if (NEXT_ROUTES.pagesApi.test(normalised) || NEXT_ROUTES.appRoute.test(normalised) || REMIX_ROUTES.routeFile.test(normalised)) return true;
  return READINESS_TOKENS.test(text) || mentionsModule(text) || LOGGER_IMPORT.test(text);
}


const FRAMEWORK_MODULES = [...SERVER_FRAMEWORKS.flatMap((framework) => [...framework.modules, ...(framework.pluginParameter?.wrapperModules ?? [])]), ...SERVE_FUNCTIONS.map((fn) => fn.module), NEST_ROUTES.module];
const LIBRARY_MODULES = Object.values(LIBRARIES).flatMap((entries) => entries.map((entry) => entry.module));
const ALL_MODULES = [
  ...new Set([
    ...FRAMEWORK_MODULES,
    ...LIBRARY_MODULES,
    ...HEALTH_CHECK_OPTIONS.map((option) => option.module),
    ...WORKER_STARTERS.map((starter) => starter.module),
    ...LOGGER_MODULES.map((logger) => logger.module),
    ...INJECTED_LOGGER_TYPES.map((type) => type.module),
    // A prefix: every module under it.
    ...FRAMEWORK_SHUTDOWN_HOOKS.map((hooks) => (/[/-]$/.test(hooks.modulePrefix) ? hooks.modulePrefix : `${hooks.modulePrefix}/`)),
  ]),
];
/**
 * An import that may bring the project's own logger (`import { logger } from './logger'`,
 * `const log = require('../log')`, `import { Logger } from '@acme/core/logger'`): every name and
 * module a project logger is recognised by contains "log".
 */
const LOGGER_IMPORT = /\b(?:import|require)\b[^;]*?log/i;

/** A quoted module specifier naming one of the tables' modules (`'express'`, `"node:http"`, `'@openfeature/server-sdk'`). */
const MODULE_SPECIFIER = new RegExp(
  `['"\`](?:node:)?(?:${ALL_MODULES.map((module) => (/[/-]$/.test(module) ? escapeRegExp(module) : `${escapeRegExp(module)}(?=['"\`/])`)).join('|')})`,
);

function mentionsModule(text: string): boolean {
  return MODULE_SPECIFIER.test(text);
}

const TYPE_NAMES = SERVER_FRAMEWORKS.flatMap((framework) => [...framework.instanceTypeNames, ...(framework.pluginParameter?.pluginTypeNames ?? [])]);
const METHODS = [...new Set(SERVER_FRAMEWORKS.flatMap((framework) => [...framework.routeMethods, ...framework.middlewareMethods, ...framework.listenMethods, ...(framework.routeBuilder ? [framework.routeBuilder] : []), ...(framework.routeObjectMethod ? [framework.routeObjectMethod] : [])]))];
/** The conventional receiver names, as a pattern for an identifier in running text. */
const RECEIVER_NAMES = [CONVENTIONAL_ROUTER_NAMES, CONVENTIONAL_SERVER_NAMES].map((names) => names.source.replace(/^\^\(\?:/, '(?:').replace(/\$$/, '')).join('|');

const READINESS_TOKENS = new RegExp(
  [
    `\\b(?:${RECEIVER_NAMES})\\s*\\??\\.\\s*(?:${METHODS.map(escapeRegExp).join('|')})\\b`,
    TYPE_NAMES.length > 0 ? `\\b(?:${TYPE_NAMES.map(escapeRegExp).join('|')})\\b` : undefined,
    'SIG[A-Z]',
    'stringify',
    ...NEST_ROUTES.shutdownHookMethods.map(escapeRegExp),
    // A project router taking the method first: `this.route('POST', '/login', handler)`.
    '\\bthis\\s*\\.\\s*route\\s*\\(',
  ]
    .filter((part): part is string => part !== undefined)
    .join('|'),
);
