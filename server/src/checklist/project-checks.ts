import * as path from 'node:path';
import { dependenciesOfKind, owningManifest, serverFrameworkDependencies, type PackageManifest } from '../facts/packages';
import { isHealthPath } from '../facts/routes';
import { knownLimiterNames, mergeMiddleware, NO_MIDDLEWARE, packageCoverage, type PackageMiddleware } from '../facts/middleware';
import { isRelativeModule } from '../facts/imports';
import { LIBRARIES, type LibraryKind } from '../facts/tables/libraries';
import { MIN_LOGGER_IMPORTERS } from '../facts/tables/logging';
import { WORKER_STARTERS } from '../facts/tables/workers';
import { migrationToolOf } from '../facts/tables/migration-paths';
import { isInRanges, relativePath, type LineRange } from './scope';
import type { Evidence, ProjectCheck, ProjectCheckId } from './types';
import type { FactLocation, FileReadinessFacts, LoggerDefinitionFact, RouteFact } from './workspace-facts';

/**
 * The project-level checks. Which outcomes block (status `fail`):
 * - graceful-shutdown: a program starts a server but nothing in it handles SIGTERM;
 * - auth-rate-limit: authentication routes exist in a program that applies no rate limiting.
 * Both make a deploy or an attack hurt users directly. Every other check
 * reports `warn` when unsatisfied: a reviewer decides.
 */
export interface ProjectCheckInput {
  root: string;
  /** Facts of every non-test source file of the workspace (project checks look beyond the changed files). */
  files: readonly FileReadinessFacts[];
  manifests: readonly PackageManifest[];
  /** Relative paths of the workspace's test files. */
  testFiles: readonly string[];
  /** Present when the report covers changed files (not for a workspace scope). */
  changes?: ChangeSet;
}

export interface ChangeSet {
  /** Every changed file, relative. */
  files: readonly string[];
  /** Lines added per changed source file (relative path). */
  addedLines: ReadonlyMap<string, readonly LineRange[]>;
  /** Test files among the changed files, relative. */
  testFiles: readonly string[];
  /** Texts of changed test files, for the imports they make. */
  testFileTexts: ReadonlyMap<string, string>;
}

const MAX_EVIDENCE = 8;

export function runProjectChecks(input: ProjectCheckInput): ProjectCheck[] {
  const programs = groupByProgram(input);
  return [
    gracefulShutdown(programs),
    healthEndpoint(programs),
    structuredLogger(input, programs),
    authRateLimit(programs),
    validationLibrary(programs),
    testsForChanges(input),
    migrationWithCode(input),
    featureFlagGuard(input, programs),
  ];
}

// ---------------------------------------------------------------------------
// Programs: source files grouped by the package.json that owns them

interface Program {
  /** Relative folder of the program ('' for the root). */
  dir: string;
  manifest?: PackageManifest;
  /** The root manifest, whose dependencies a workspace package may also rely on. */
  rootManifest?: PackageManifest;
  files: FileReadinessFacts[];
}

function groupByProgram(input: ProjectCheckInput): Program[] {
  const rootManifest = input.manifests.find((manifest) => manifest.dir === input.root);
  const byDir = new Map<string, Program>();
  for (const file of input.files) {
    const manifest = owningManifest(file.path, input.manifests);
    const dir = manifest ? relativePath(input.root, manifest.dir) : '';
    let program = byDir.get(dir);
    if (!program) {
      program = { dir, manifest, rootManifest, files: [] };
      byDir.set(dir, program);
    }
    program.files.push(file);
  }
  return [...byDir.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

function programName(program: Program): string {
  return program.dir === '' ? 'the workspace root' : program.dir;
}

function isServerProgram(program: Program): boolean {
  return program.files.some((file) => file.listens.length > 0 || file.routes.some((route) => route.kind === 'route'));
}

function routesOf(program: Program): RouteFact[] {
  return program.files.flatMap((file) => file.routes);
}

function manifestEvidence(root: string, program: Program, kind: LibraryKind): Evidence[] {
  const evidence: Evidence[] = [];
  for (const manifest of [program.manifest, program.rootManifest]) {
    if (!manifest || evidence.length > 0) continue;
    for (const dependency of dependenciesOfKind(manifest, kind)) {
      evidence.push({ file: relativePath(root, manifest.file), line: dependency.line, text: `"${dependency.name}": "${dependency.version}"` });
    }
  }
  return evidence;
}

function evidenceOf(locations: readonly FactLocation[]): Evidence[] {
  const seen = new Set<string>();
  const evidence: Evidence[] = [];
  for (const { file, line, text } of locations) {
    const key = `${file}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    evidence.push({ file, line, text });
    if (evidence.length >= MAX_EVIDENCE) break;
  }
  return evidence;
}

function libraryNames(kind: LibraryKind): string {
  const names = LIBRARIES[kind].map((entry) => (entry.member ? `${entry.module} ${entry.member}` : entry.prefix ? `${entry.module}*` : entry.module));
  return [...new Set(names)].join(', ');
}

function check(id: ProjectCheckId, title: string, lookedFor: string, result: Pick<ProjectCheck, 'status' | 'message' | 'evidence'>): ProjectCheck {
  return { id, title, status: result.status, message: result.message, evidence: result.evidence, lookedFor };
}

function plural(count: number, one: string, many = one + 's'): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------
// The checks

/** What a program runs that a deploy stops: a server it starts, routes served by a server started elsewhere, workers. */
interface RunningWork {
  program: Program;
  /** Listen calls of a server this program starts. */
  listens: FactLocation[];
  /** Routes, when no listen call is found: the server is started by the framework or another package. */
  routes: FactLocation[];
  workers: (FactLocation & { label: string })[];
}

function runningWork(program: Program): RunningWork {
  const listens = program.files.flatMap((file) => file.listens.filter((listen) => listen.via !== 'convention' || hasServerDependency(program)));
  const routes = listens.length > 0 ? [] : routesOf(program).filter((route) => route.kind === 'route');
  const workers = program.files.flatMap((file) => file.workers ?? []);
  return { program, listens, routes, workers };
}

function runsAnything(work: RunningWork): boolean {
  return work.listens.length + work.routes.length + work.workers.length > 0;
}

/**
 * Graceful shutdown, per program (package.json): SIGTERM handled in any file of
 * it (a signal handler, a shutdown library, Nest's enableShutdownHooks, a
 * framework's shutdown hooks) passes. Unhandled, a server the program starts
 * fails; routes served by a server started elsewhere, or workers, warn.
 * Not applicable only when no program starts a server, serves routes or runs workers.
 */
function gracefulShutdown(programs: readonly Program[]): ProjectCheck {
  const lookedFor =
    'Server entry points (app.listen, server.listen, fastify.listen, Nest app.listen, Hono serve), routes, and queue workers or schedulers (' +
    [...new Set(WORKER_STARTERS.map((starter) => starter.module))].join(', ') +
    "); and, in any file of the same package, process.on/once('SIGTERM'), Nest enableShutdownHooks(), Medusa shutdown hooks, or " +
    libraryNames('graceful-shutdown');
  const title = 'Graceful shutdown handled';
  const running = programs.map(runningWork).filter(runsAnything);
  if (running.length === 0) {
    return check('graceful-shutdown', title, lookedFor, { status: 'n/a', message: 'No server, routes or workers found: nothing here runs until a deploy stops it.', evidence: [] });
  }
  const handled: FactLocation[] = [];
  const failing: RunningWork[] = [];
  const warning: RunningWork[] = [];
  for (const work of running) {
    const shutdown = work.program.files.flatMap((file) => file.shutdown);
    if (shutdown.length > 0) handled.push(...shutdown);
    else if (work.listens.length > 0) failing.push(work);
    else warning.push(work);
  }
  if (failing.length > 0) {
    const listens = failing.flatMap((work) => work.listens);
    const where = [...new Set(listens.map((listen) => listen.file))].join(', ');
    return check('graceful-shutdown', title, lookedFor, {
      status: 'fail',
      message: `The server started in ${where} never handles SIGTERM: every deploy drops in-flight requests.`,
      evidence: evidenceOf([...listens, ...failing.flatMap((work) => work.workers)]),
    });
  }
  if (warning.length > 0) {
    return check('graceful-shutdown', title, lookedFor, {
      status: 'warn',
      message: `${warning.map(unhandledWorkMessage).join(' ')} Nothing in ${warning.length === 1 ? 'that package' : 'those packages'} handles SIGTERM.`,
      evidence: evidenceOf(warning.flatMap((work) => [...work.workers, ...work.routes])),
    });
  }
  return check('graceful-shutdown', title, lookedFor, { status: 'pass', message: 'SIGTERM is handled in the packages that run servers or workers.', evidence: evidenceOf(handled) });
}

function unhandledWorkMessage(work: RunningWork): string {
  const where = programName(work.program);
  const parts: string[] = [];
  if (work.workers.length > 0) {
    const labels = [...new Set(work.workers.map((worker) => worker.label))].join(', ');
    parts.push(`${where} starts ${labels} (${plural(work.workers.length, 'place')}): a deploy cuts running jobs off.`);
  }
  if (work.routes.length > 0) {
    parts.push(`${where} serves ${plural(work.routes.length, 'route')} from a server started elsewhere (no listen call here): check that it drains on SIGTERM.`);
  }
  return parts.join(' ');
}

function hasServerDependency(program: Program): boolean {
  return [program.manifest, program.rootManifest].some((manifest) => manifest !== undefined && serverFrameworkDependencies(manifest).length > 0);
}

/** Registrations that serve a probe: a GET-like route, or a router mounted at a health path (`app.use('/health', router)`, Hono `app.route`). */
const HEALTH_METHODS = ['get', 'all', 'head', 'use', 'route'];

function healthEndpoint(programs: readonly Program[]): ProjectCheck {
  const lookedFor =
    'A route for /health, /healthz, /healthcheck, /ready, /readyz, /readiness, /live, /livez, /liveness, or a top-level /status, /ping or /heartbeat ' +
    '(Express, Fastify, Koa, Hono, NestJS, Next.js and Remix routes, routers of the project mounted with app.use), a Nest Terminus @HealthCheck() handler, terminus healthChecks, or ' +
    libraryNames('health-check');
  const title = 'Health/readiness endpoint';
  const servers = programs.filter(isServerProgram);
  if (servers.length === 0) return check('health-endpoint', title, lookedFor, { status: 'n/a', message: 'No HTTP server or routes found.', evidence: [] });
  const found: FactLocation[] = [];
  const missing: string[] = [];
  for (const program of servers) {
    const health = [
      ...routesOf(program).filter((route) => isHealthPath(route.path) && HEALTH_METHODS.includes(route.method)),
      ...program.files.flatMap((file) => file.healthLibraries),
    ];
    if (health.length > 0) found.push(...health);
    else missing.push(programName(program));
  }
  if (missing.length > 0) {
    const entry = servers.filter((program) => missing.includes(programName(program))).flatMap((program) => program.files.flatMap((file) => file.listens));
    return check('health-endpoint', title, lookedFor, {
      status: 'warn',
      message: `No health or readiness endpoint in ${missing.join(', ')}: the orchestrator cannot tell a hung instance from a healthy one.`,
      evidence: evidenceOf(entry),
    });
  }
  return check('health-endpoint', title, lookedFor, { status: 'pass', message: 'A health endpoint is served.', evidence: evidenceOf(found) });
}

function structuredLogger(input: ProjectCheckInput, programs: readonly Program[]): ProjectCheck {
  const lookedFor =
    `An import of a structured or leveled logger (${libraryNames('structured-logger')}), the project's own logger factory wrapping one and imported across the package, ` +
    "a framework's injected logger (Medusa's Logger, Fastify's), one in package.json dependencies, or JSON log records written to stdout (JSON.stringify({ level, ... }))";
  const title = 'Structured logger used';
  if (input.files.length === 0) return check('structured-logger', title, lookedFor, { status: 'n/a', message: 'No source files.', evidence: [] });
  const relevant = programs.some(isServerProgram) ? programs.filter(isServerProgram) : programs;
  const imports = relevant.flatMap((program) => program.files.flatMap((file) => file.libraries['structured-logger']));
  const factories = relevant.flatMap(projectLoggers).filter((logger) => logger.importers >= MIN_LOGGER_IMPORTERS);
  if (factories.length > 0) {
    const best = factories.sort((a, b) => b.importers - a.importers)[0]!;
    const built = best.basis === 'known' ? best.library : `${best.library}, another package whose output format is not checked here`;
    return check('structured-logger', title, lookedFor, {
      status: 'pass',
      message: `Logs through the project's ${best.name === 'default' ? 'logger' : best.name} (${best.file}, built on ${built}), imported in ${plural(best.importers, 'file')}.`,
      evidence: evidenceOf([...factories, ...imports]),
    });
  }
  if (imports.length > 0) {
    return check('structured-logger', title, lookedFor, { status: 'pass', message: `Logs through ${[...new Set(imports.map((i) => i.module))].join(', ')}.`, evidence: evidenceOf(imports) });
  }
  const injected = relevant.flatMap((program) => program.files.flatMap((file) => file.injectedLoggers ?? []));
  if (injected.length > 0) {
    return check('structured-logger', title, lookedFor, {
      status: 'pass',
      message: `Logs through the logger the framework injects: ${[...new Set(injected.map((i) => i.module))].join(', ')}.`,
      evidence: evidenceOf(injected),
    });
  }
  const declared = relevant.flatMap((program) => manifestEvidence(input.root, program, 'structured-logger'));
  if (declared.length > 0) {
    return check('structured-logger', title, lookedFor, { status: 'pass', message: 'A structured logger is a dependency.', evidence: declared.slice(0, MAX_EVIDENCE) });
  }
  const handWritten = relevant.flatMap((program) => program.files.flatMap((file) => file.jsonLogWrites));
  if (handWritten.length > 0) {
    return check('structured-logger', title, lookedFor, { status: 'pass', message: 'Logs are written as JSON records with a level.', evidence: evidenceOf(handWritten) });
  }
  return check('structured-logger', title, lookedFor, {
    status: 'warn',
    message: 'No structured logger found: console output has no levels, fields or request ids to search by.',
    evidence: [],
  });
}

/** The program's own loggers with the number of its files that import each. */
function projectLoggers(program: Program): (LoggerDefinitionFact & { importers: number })[] {
  const definitions = program.files.flatMap((file) => file.loggerDefinitions ?? []);
  return definitions.map((definition) => {
    const importers = program.files.filter(
      (file) => file.file !== definition.file && (file.loggerImports ?? []).some((use) => use.names.includes(definition.name) && importTargets(file.file, use.module, definition.file)),
    ).length;
    return { ...definition, importers };
  });
}

/**
 * Whether `specifier`, imported by `importer`, names `target` (all relative
 * paths). Relative specifiers are resolved; an alias (`~/services/logger.server`,
 * `@app/common/logger`, tsconfig `paths`) is matched by its last two path segments.
 */
function importTargets(importer: string, specifier: string, target: string): boolean {
  const targetNoExt = stripExtension(target);
  const candidates = [targetNoExt, targetNoExt.replace(/\/index$/, '')];
  if (isRelativeModule(specifier)) {
    const resolved = stripExtension(path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier)));
    return candidates.includes(resolved);
  }
  const tail = stripExtension(specifier).split('/').slice(-2).join('/');
  return tail.includes('/') && candidates.some((candidate) => candidate === tail || candidate.endsWith('/' + tail));
}

/**
 * Rate limiting on auth routes, as missing-rate-limit judges it: each
 * credential route (login, sign-up, reset, OTP, token; not for callers signed
 * in already) needs a limiter on a path that reaches it: its own middleware,
 * handler or guard, or one of the package (global, mounted above it, in
 * another file, a Nest APP_GUARD).
 */
function authRateLimit(programs: readonly Program[]): ProjectCheck {
  const lookedFor =
    `Routes for login, signin, signup, register, forgot/reset password, otp/verify or token, or a POST below /auth, and a limiter (${libraryNames('rate-limit')}, ` +
    "a @nestjs/throttler guard, the project's own limiter) applied to them, to their router or app, or globally in any file of the same program";
  const title = 'Rate limiting on auth routes';
  const limited: FactLocation[] = [];
  const unlimited: FactLocation[] = [];
  const limiters: FactLocation[] = [];
  for (const program of programs) {
    limiters.push(...program.files.flatMap((file) => file.libraries['rate-limit']));
    const middleware = programMiddleware(program);
    const known = knownLimiterNames(middleware);
    for (const file of program.files) {
      for (const route of file.routes) {
        const fact = route.rateLimit;
        if (!fact || fact.signedIn) continue;
        const covered =
          fact.limited ||
          fact.importedNames.some((name) => known.exported.has(name) || known.guardClasses.has(name)) ||
          (!fact.skipped && packageCoverage(middleware, { file: file.path, path: route.path, framework: route.framework }) !== undefined);
        (covered ? limited : unlimited).push(route);
      }
    }
  }
  if (limited.length + unlimited.length === 0) return check('auth-rate-limit', title, lookedFor, { status: 'n/a', message: 'No authentication routes found.', evidence: [] });
  if (unlimited.length > 0) {
    return check('auth-rate-limit', title, lookedFor, {
      status: 'fail',
      message: `${plural(unlimited.length, 'authentication route')} with no rate limiting: open to credential stuffing and code guessing.`,
      evidence: evidenceOf(unlimited),
    });
  }
  return check('auth-rate-limit', title, lookedFor, { status: 'pass', message: 'Rate limiting is in use where auth routes are.', evidence: evidenceOf(limiters.length > 0 ? limiters : limited) });
}

function programMiddleware(program: Program): PackageMiddleware {
  return mergeMiddleware(program.files.map((file) => file.middleware ?? NO_MIDDLEWARE));
}

function validationLibrary(programs: readonly Program[]): ProjectCheck {
  const lookedFor = `An import of ${libraryNames('validation')}, or Fastify routes with a schema`;
  const title = 'Input validation library in use';
  const servers = programs.filter((program) => routesOf(program).some((route) => route.kind === 'route'));
  if (servers.length === 0) return check('validation-library', title, lookedFor, { status: 'n/a', message: 'No routes found.', evidence: [] });
  const found: FactLocation[] = [];
  const missing: string[] = [];
  for (const program of servers) {
    const evidence = [...program.files.flatMap((file) => file.libraries.validation), ...routesOf(program).filter((route) => route.hasSchema)];
    if (evidence.length > 0) found.push(...evidence);
    else missing.push(programName(program));
  }
  if (missing.length > 0) {
    return check('validation-library', title, lookedFor, {
      status: 'warn',
      message: `Routes in ${missing.join(', ')} take input but no validation library is used.`,
      evidence: evidenceOf(inputRoutesFirst(servers.filter((p) => missing.includes(programName(p))).flatMap((p) => routesOf(p)))),
    });
  }
  return check('validation-library', title, lookedFor, { status: 'pass', message: 'Request input goes through a validation library.', evidence: evidenceOf(found) });
}

/** Routes that receive a body or parameters first (they need validation most); health probes left out. */
function inputRoutesFirst(routes: readonly RouteFact[]): RouteFact[] {
  const takesInput = (route: RouteFact): number => (['post', 'put', 'patch', 'all'].includes(route.method) ? 0 : route.path?.includes(':') ? 1 : 2);
  return routes
    .filter((route) => route.kind === 'route' && !isHealthPath(route.path))
    .sort((a, b) => takesInput(a) - takesInput(b) || a.file.localeCompare(b.file) || a.line - b.line);
}

function testsForChanges(input: ProjectCheckInput): ProjectCheck {
  const lookedFor =
    'For each changed source file: a changed test file that imports it, or a test file named after it (name.test.*, name.spec.*, __tests__/name.*, test(s)/**/name.*)';
  const title = 'Changed code has tests';
  if (!input.changes) {
    return check('tests-for-changes', title, lookedFor, { status: 'n/a', message: 'Applies to changed files only (this report covers the whole workspace).', evidence: [] });
  }
  const changedSources = input.files.filter((file) => file.hasCode && input.changes!.addedLines.has(file.file) && !migrationOf(file.file, file));
  if (changedSources.length === 0) {
    return check('tests-for-changes', title, lookedFor, { status: 'n/a', message: 'No changed source files with code.', evidence: [] });
  }
  const covered: Evidence[] = [];
  const uncovered: Evidence[] = [];
  for (const source of changedSources) {
    const test = testFor(source.file, input);
    if (test) covered.push({ file: test.file, line: 0, text: `${test.changed ? 'changed test' : 'existing test'} for ${source.file}` });
    else uncovered.push({ file: source.file, line: 0, text: 'no test file found' });
  }
  if (uncovered.length > 0) {
    return check('tests-for-changes', title, lookedFor, {
      status: 'warn',
      message: `${plural(uncovered.length, 'changed source file')} without a test.`,
      evidence: uncovered.slice(0, MAX_EVIDENCE),
    });
  }
  return check('tests-for-changes', title, lookedFor, { status: 'pass', message: 'Every changed source file has a test.', evidence: covered.slice(0, MAX_EVIDENCE) });
}

/** A test for `source`: a changed test importing it, else any test named after it. */
function testFor(source: string, input: ProjectCheckInput): { file: string; changed: boolean } | undefined {
  const changes = input.changes!;
  const sourceNoExt = stripExtension(source);
  for (const test of changes.testFiles) {
    const text = changes.testFileTexts.get(test);
    if (text && importsFile(test, text, sourceNoExt)) return { file: test, changed: true };
  }
  const stem = testStemOf(source);
  const changedTests = new Set(changes.testFiles);
  const named = input.testFiles.filter((test) => testNameStem(test) === stem);
  if (named.length === 0) return undefined;
  // Prefer a changed one, then the nearest by path.
  named.sort((a, b) => Number(changedTests.has(b)) - Number(changedTests.has(a)) || sharedPrefix(b, source) - sharedPrefix(a, source));
  return { file: named[0]!, changed: changedTests.has(named[0]!) };
}

function stripExtension(file: string): string {
  return file.replace(/\.[cm]?[jt]sx?$/, '');
}

/** `src/billing/client.ts` → `client`; `src/billing/index.ts` → `billing`. */
function testStemOf(source: string): string {
  const base = path.posix.basename(stripExtension(source));
  return base === 'index' ? path.posix.basename(path.posix.dirname(source)) : base;
}

/** `test/billing/client.test.ts` → `client`; `__tests__/client.ts` → `client`. */
function testNameStem(test: string): string {
  return path.posix.basename(stripExtension(test)).replace(/\.(?:test|spec|e2e|int|integration|unit)$/, '').replace(/\.(?:test|spec)$/, '');
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function importsFile(test: string, text: string, targetNoExt: string): boolean {
  for (const match of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const resolved = stripExtension(path.posix.normalize(path.posix.join(path.posix.dirname(test), match[1]!)));
    if (resolved === targetNoExt || resolved === targetNoExt.replace(/\/index$/, '')) return true;
  }
  return false;
}

/**
 * The migration tool of a changed file, from the migration facts: a SQL migration by its path, a JS/TS file by
 * its shape (a helper module in a migrations folder is application code), other files (Rails) by their path.
 */
function migrationOf(file: string, facts: FileReadinessFacts | undefined): string | undefined {
  if (facts?.migrationTool === null) return undefined;
  return facts?.migrationTool ?? migrationToolOf(file);
}

function migrationWithCode(input: ProjectCheckInput): ProjectCheck {
  const lookedFor = 'Changed migration files (prisma/migrations, migrations/, db/migrate, supabase/migrations, drizzle, Flyway V*__*.sql) and changed application source files in the same change';
  const title = 'Migration deployed separately from code';
  if (!input.changes) {
    return check('migration-with-code', title, lookedFor, { status: 'n/a', message: 'Applies to changed files only (this report covers the whole workspace).', evidence: [] });
  }
  const factsOf = new Map(input.files.map((file) => [file.file, file]));
  const migrations = input.changes.files.filter((file) => migrationOf(file, factsOf.get(file)) !== undefined);
  if (migrations.length === 0) return check('migration-with-code', title, lookedFor, { status: 'n/a', message: 'No migration in the changes.', evidence: [] });
  const testSet = new Set(input.changes.testFiles);
  const code = input.files.filter((file) => input.changes!.addedLines.has(file.file) && !migrationOf(file.file, file) && !testSet.has(file.file));
  const migrationEvidence = migrations.map((file) => ({ file, line: 0, text: `migration (${migrationOf(file, factsOf.get(file))})` }));
  if (code.length === 0) {
    return check('migration-with-code', title, lookedFor, { status: 'pass', message: 'The migration ships without application code changes.', evidence: migrationEvidence.slice(0, MAX_EVIDENCE) });
  }
  return check('migration-with-code', title, lookedFor, {
    status: 'warn',
    message: `A migration and ${plural(code.length, 'application source file')} change together: deploy the migration first, compatible with the running code, then the code.`,
    evidence: [...migrationEvidence.slice(0, MAX_EVIDENCE / 2), ...code.slice(0, MAX_EVIDENCE / 2).map((file) => ({ file: file.file, line: 0, text: 'application code' }))],
  });
}

function featureFlagGuard(input: ProjectCheckInput, programs: readonly Program[]): ProjectCheck {
  const lookedFor = `A feature-flag SDK (${libraryNames('feature-flags')}) and, for routes added in this change, a flag check in their handlers or around their registration`;
  const title = 'New routes behind a feature flag';
  const sdkImports = input.files.flatMap((file) => file.libraries['feature-flags']);
  const sdkDeclared = programs.flatMap((program) => manifestEvidence(input.root, program, 'feature-flags'));
  if (sdkImports.length === 0 && sdkDeclared.length === 0) {
    return check('feature-flag-guard', title, lookedFor, { status: 'n/a', message: 'No feature-flag SDK in use.', evidence: [] });
  }
  if (!input.changes) {
    return check('feature-flag-guard', title, lookedFor, { status: 'n/a', message: 'Applies to changed files only (this report covers the whole workspace).', evidence: [] });
  }
  const newRoutes = input.files.flatMap((file) => {
    const added = input.changes!.addedLines.get(file.file);
    return added ? file.routes.filter((route) => route.kind === 'route' && isInRanges(route.line, added)) : [];
  });
  if (newRoutes.length === 0) {
    return check('feature-flag-guard', title, lookedFor, { status: 'pass', message: 'No new routes in this change.', evidence: evidenceOf(sdkImports.length > 0 ? sdkImports : sdkDeclared) });
  }
  const unguarded = newRoutes.filter((route) => !route.flagGuarded);
  if (unguarded.length > 0) {
    return check('feature-flag-guard', title, lookedFor, {
      status: 'warn',
      message: `${plural(unguarded.length, 'new route')} not behind a feature flag, though the project uses one.`,
      evidence: evidenceOf(unguarded),
    });
  }
  return check('feature-flag-guard', title, lookedFor, { status: 'pass', message: 'Every new route checks a feature flag.', evidence: evidenceOf(newRoutes) });
}
