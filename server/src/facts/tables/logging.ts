/**
 * What counts as writing an error down: console methods, logger libraries and
 * the conventional names of logger objects, and error reporters (Sentry,
 * Bugsnag, ...). Used by swallowed-error (a catch that logs is not silent),
 * error-context-lost and sensitive-data-in-log. Adding a logger or reporter is
 * a change to this table only.
 */

/** `console.<method>(...)` calls that write somewhere someone will read. */
export const CONSOLE_LOG_METHODS: readonly string[] = ['log', 'error', 'warn', 'info', 'debug', 'trace', 'dir'];

/** Methods of logger objects (pino, winston, bunyan, Nest Logger, log4js, loglevel, Fastify `request.log`, ...). */
export const LOGGER_METHODS: readonly string[] = [
  'fatal',
  'error',
  'warn',
  'warning',
  'info',
  'debug',
  'trace',
  'log',
  'verbose',
  'silly',
  'http',
  'notice',
  'crit',
  'critical',
  'alert',
  'emerg',
  'emergency',
];

/**
 * Receiver names that conventionally hold a logger, compared case-insensitively
 * with the last name of the receiver: `logger.error`, `this.logger.warn`,
 * Fastify `request.log.error` / `reply.log.warn` / `fastify.log.info`.
 */
export const LOGGER_RECEIVER_NAMES: readonly string[] = ['logger', 'log', 'pino', 'winston', 'bunyan', 'signale', 'consola'];

/** Receiver names ending like this are loggers too: `auditLogger.info`, `this.appLogger.error`. */
export const LOGGER_RECEIVER_SUFFIXES: readonly string[] = ['logger'];

/** Methods that derive a logger from a logger: `logger.child({ reqId }).error(...)`. */
export const CHILD_LOGGER_METHODS: readonly string[] = ['child', 'getLogger', 'scope', 'withTag', 'extend'];

export interface LoggerModule {
  /** The package as imported or required. */
  module: string;
  /**
   * The chain must start with this export (`Logger` from `@nestjs/common`,
   * which exports much more). Without it, anything reached from the module
   * root counts: `winston.error`, `pino().info`, `bunyan.createLogger().warn`.
   */
  member?: string;
  /** The logger itself is a function: `const debug = require('debug')('app'); debug(err)`. */
  callableInstance?: boolean;
  /**
   * What the checklist's "structured logger" check makes of it:
   * `json` writes JSON records with a level and fields by default (pino, bunyan, roarr);
   * `leveled` has levels, named loggers or categories and a configurable output
   * (layouts, formats, reporters) that can write JSON (winston, log4js, consola, Nest's Logger).
   * Unset: a logger for CLIs, desktop apps or debugging (`debug`, `npmlog`), which does not count.
   */
  structured?: 'json' | 'leveled';
}

export const LOGGER_MODULES: readonly LoggerModule[] = [
  { module: 'pino', structured: 'json' },
  { module: 'winston', structured: 'leveled' },
  { module: 'bunyan', structured: 'json' },
  { module: 'log4js', structured: 'leveled' },
  { module: 'loglevel', structured: 'leveled' },
  { module: 'signale', structured: 'leveled' },
  { module: 'consola', structured: 'leveled' },
  { module: 'npmlog' },
  { module: 'roarr', structured: 'json' },
  { module: 'tslog', structured: 'leveled' },
  { module: 'electron-log' },
  { module: '@aws-lambda-powertools/logger', structured: 'json' },
  { module: '@google-cloud/logging-winston', structured: 'json' },
  { module: '@nestjs/common', member: 'Logger', structured: 'leveled' },
  { module: '@nestjs/common', member: 'ConsoleLogger', structured: 'leveled' },
  { module: 'debug', callableInstance: true },
];

/**
 * A project's own logger: an exported function, class or value of the package
 * that makes or wraps a logger (`export function getLogger(name) { return log4js.getLogger(name) }`,
 * `export const logger = new Logger('webapp')`), imported across the package.
 * It wraps a library of LOGGER_MODULES that counts as structured, or it is
 * built by a logger class or factory of another package of the workspace
 * (named like LOGGER_CLASS_NAME, or from a module named like LOGGER_MODULE_NAME),
 * whose output this package cannot show. Either counts as the package's logger
 * when at least MIN_LOGGER_IMPORTERS files of the package import it.
 */
export const LOGGER_CLASS_NAME = /^(?:[A-Z][A-Za-z]*)?Logger$|^(?:create|get|make|build)Logger$/;
export const LOGGER_MODULE_NAME = /(?:^|[/-])log(?:ger|ging|s)?$/i;
export const MIN_LOGGER_IMPORTERS = 3;
/** Names under which a project logger is imported: `logger`, `getLogger`, `createLogger`, `log`, `appLogger`. */
export const PROJECT_LOGGER_NAME = /^(?:log|logger|logging|default)$|log(?:ger)?$|^(?:get|create|make|build|new)\w*Log/i;

/**
 * Logger interfaces of frameworks that inject a structured logger into the
 * modules they load: a Medusa module service receives `logger: Logger` from the
 * container (Medusa's winston logger); a Fastify plugin's `FastifyBaseLogger` is pino.
 * Recognised by the import of the type.
 */
export const INJECTED_LOGGER_TYPES: readonly { module: string; name: string; library: string }[] = [
  { module: '@medusajs/framework/types', name: 'Logger', library: "Medusa's logger (winston)" },
  { module: '@medusajs/types', name: 'Logger', library: "Medusa's logger (winston)" },
  { module: '@medusajs/framework', name: 'Logger', library: "Medusa's logger (winston)" },
  { module: 'fastify', name: 'FastifyBaseLogger', library: "Fastify's logger (pino)" },
];

/**
 * Functions and methods whose name says they log or report an error: a
 * project's own `logError(err)`, `helpers.log(msg)` or `reportError(err)`
 * helper, the DOM's global `reportError`.
 */
export const LOGGING_FUNCTION_NAME = /^(log|logger)$|^(log|report|capture|track|notify|record)(Error|Errors|Exception|Exceptions|Failure|Warning|Warn|Err)$/;

/** Receivers whose method named like a logging function computes instead: `Math.log(x)`. */
export const NON_LOGGING_RECEIVERS: readonly string[] = ['Math'];

export interface ErrorReporter {
  /** Shown in docs and messages. */
  library: string;
  /** Packages as imported or required; an entry ending in `/` is a scope prefix (`@sentry/` covers `@sentry/node`). */
  modules: readonly string[];
  /**
   * Methods that report, reached from the module (`Sentry.captureException`,
   * `import { captureException } from '@sentry/node'`, `Bugsnag.createClient().notify`),
   * or called on a receiver with one of `receiverNames`.
   */
  methods: readonly string[];
  /** Names that conventionally hold the client, compared case-insensitively: `Sentry`, `rollbar`. */
  receiverNames?: readonly string[];
  /** As receiverNames, but as a suffix: `span`, `rootSpan`, `activeSpan`. */
  receiverSuffixes?: readonly string[];
}

export const ERROR_REPORTERS: readonly ErrorReporter[] = [
  { library: 'Sentry', modules: ['@sentry/', 'raven', 'raven-js'], methods: ['captureException', 'captureMessage', 'captureEvent'], receiverNames: ['sentry', 'raven'] },
  { library: 'Bugsnag', modules: ['@bugsnag/', 'bugsnag'], methods: ['notify'], receiverNames: ['bugsnag'] },
  { library: 'Rollbar', modules: ['rollbar'], methods: ['critical', 'error', 'warning', 'warn', 'info', 'debug', 'log'], receiverNames: ['rollbar'] },
  { library: 'New Relic', modules: ['newrelic'], methods: ['noticeError'], receiverNames: ['newrelic'] },
  { library: 'OpenTelemetry', modules: ['@opentelemetry/api'], methods: ['recordException', 'setStatus'], receiverSuffixes: ['span'] },
  { library: 'Datadog', modules: ['dd-trace', '@datadog/browser-rum', '@datadog/browser-logs'], methods: ['addError'], receiverNames: ['datadogrum', 'ddrum'] },
  { library: 'Honeybadger', modules: ['@honeybadger-io/', 'honeybadger'], methods: ['notify', 'notifyAsync'], receiverNames: ['honeybadger'] },
  { library: 'Airbrake', modules: ['@airbrake/'], methods: ['notify'], receiverNames: ['airbrake'] },
  { library: 'Elastic APM', modules: ['elastic-apm-node', '@elastic/apm-rum'], methods: ['captureError'], receiverNames: ['apm'] },
  { library: 'Raygun', modules: ['raygun', 'raygun4js'], methods: ['send'], receiverNames: ['raygun', 'raygunclient'] },
  { library: 'AppSignal', modules: ['@appsignal/'], methods: ['sendError', 'setError'], receiverNames: ['appsignal'] },
  { library: 'LogRocket', modules: ['logrocket'], methods: ['captureException', 'captureMessage'], receiverNames: ['logrocket'] },
  { library: 'TrackJS', modules: ['trackjs'], methods: ['track'], receiverNames: ['trackjs'] },
];

/**
 * Method names that report an error whatever the receiver is called: nothing
 * but an error reporter has a `captureException`, `noticeError` or `recordException`.
 */
export const REPORTER_METHODS_ON_ANY_RECEIVER: readonly string[] = ['captureException', 'noticeError', 'recordException'];

/**
 * Metric instruments that count failures where a dashboard or alert will see
 * them: OpenTelemetry `meter.createCounter(...).add(1)`, prom-client
 * `new Counter(...).inc()`, StatsD `increment`. A catch that records a failure
 * metric has reported it (the project chose metrics over log lines).
 */
export interface MetricRecorder {
  modules: readonly string[];
  /** Calls or constructors on the way from the module to the instrument: `createCounter`, `Counter`. */
  instruments: readonly string[];
  /** Methods of the instrument that record: `add`, `inc`. */
  methods: readonly string[];
}

export const METRIC_RECORDERS: readonly MetricRecorder[] = [
  { modules: ['@opentelemetry/api'], instruments: ['createCounter', 'createUpDownCounter', 'createHistogram'], methods: ['add', 'record'] },
  { modules: ['prom-client'], instruments: ['Counter', 'Gauge', 'Histogram', 'Summary'], methods: ['inc', 'dec', 'observe', 'set'] },
  { modules: ['hot-shots', 'node-statsd', 'statsd-client'], instruments: [], methods: ['increment', 'histogram', 'timing', 'gauge'] },
];

/**
 * How a logger takes an error:
 * - `object-first`: fields first, then the message (pino and bunyan serialise `err`): `logger.error({ err }, 'sync failed')`;
 * - `message-first`: the message, then the error (winston, log4js, Nest, console): `logger.error('sync failed', err)`.
 */
export type ErrorArgumentStyle = 'object-first' | 'message-first';

/**
 * What makes a value a logger of a library, and how that library wants an
 * error written: the quick-fixes that add a log call write it this way, to the
 * logger the code already uses (facts/logger-in-scope.ts).
 */
export interface LoggerLibrary {
  module: string;
  /**
   * Member chains from the module that produce a logger, calls written `()`
   * (`new` counts as a call): `()` is `pino()`, `createLogger()` is
   * `winston.createLogger(...)`, `Logger()` is `new Logger(...)`. Child
   * loggers of these (`.child({...})`) are loggers too.
   */
  instances: readonly string[];
  /** Type names (below the module) a parameter or property holding a logger is declared with; `''` is the module's default export. */
  types: readonly string[];
  errorStyle: ErrorArgumentStyle;
  /**
   * A logger to use where the file imports the library but holds none:
   * `from` is the export imported (`''` for the module itself), `expression`
   * what to call `error` on, `$` standing for the imported name
   * (`winston` is winston's default logger; `log4js.getLogger()` log4js's).
   */
  defaultLoggers?: readonly { from: string; expression: string }[];
}

export const LOGGER_LIBRARIES: readonly LoggerLibrary[] = [
  { module: 'pino', instances: ['()', 'pino()'], types: ['Logger', 'BaseLogger'], errorStyle: 'object-first' },
  { module: 'bunyan', instances: ['createLogger()', '()'], types: ['', 'Logger'], errorStyle: 'object-first' },
  {
    module: 'winston',
    instances: ['createLogger()', 'loggers.get()'],
    types: ['Logger'],
    errorStyle: 'message-first',
    defaultLoggers: [{ from: '', expression: '$' }],
  },
  {
    module: 'log4js',
    instances: ['getLogger()'],
    types: ['Logger'],
    errorStyle: 'message-first',
    defaultLoggers: [
      { from: '', expression: '$.getLogger()' },
      { from: 'getLogger', expression: '$()' },
    ],
  },
  {
    module: '@nestjs/common',
    instances: ['Logger()', 'ConsoleLogger()'],
    types: ['Logger', 'LoggerService', 'ConsoleLogger'],
    errorStyle: 'message-first',
    // Nest's Logger has static methods that write through the application's logger.
    defaultLoggers: [{ from: 'Logger', expression: '$' }],
  },
  {
    module: 'consola',
    instances: ['create()', 'createConsola()', 'withTag()'],
    types: ['ConsolaInstance', 'Consola'],
    errorStyle: 'message-first',
    defaultLoggers: [
      { from: '', expression: '$' },
      { from: 'consola', expression: '$' },
    ],
  },
  { module: 'loglevel', instances: ['getLogger()'], types: ['Logger'], errorStyle: 'message-first', defaultLoggers: [{ from: '', expression: '$' }] },
  { module: 'signale', instances: ['Signale()'], types: ['Signale'], errorStyle: 'message-first', defaultLoggers: [{ from: '', expression: '$' }] },
  { module: 'tslog', instances: ['Logger()'], types: ['Logger'], errorStyle: 'message-first' },
  { module: '@aws-lambda-powertools/logger', instances: ['Logger()'], types: ['Logger'], errorStyle: 'message-first' },
];

/** Names of a project's own logger factories, imported from its files: `getLogger()`, `createLogger()`. */
export const LOGGER_FACTORY_NAME = /^(get|create|make|build)(App|Module|Service|Child)?Logger$/;

/** Properties of an error that carry its stack trace: a log call with `err.stack` records where it failed. */
export const STACK_PROPERTIES: readonly string[] = ['stack'];

/** Calls that turn an error into text that keeps its stack: `util.inspect(err)`, `util.format('%o', err)`. */
export const STACK_KEEPING_FORMATTERS: readonly { module: string; path: readonly string[] }[] = [
  { module: 'util', path: ['inspect'] },
  { module: 'util', path: ['format'] },
];

/**
 * How a log call that already writes a message takes the error too (the
 * "Pass the error to the logger" quick-fix of error-context-lost):
 * - `fields`: in the fields object that comes first, as `err`, merged into one already there (pino and bunyan serialise its stack): `log.error({ err }, 'sync failed')`;
 * - `argument`: as one more argument (console prints it with its stack; winston adds the error's message and stack to the record): `logger.error('sync failed', err)`;
 * - `stack`: the stack string as the second argument of `error(message, stack?, context?)` (Nest's Logger), only when the message is the only argument.
 */
export type ErrorInLogCall = 'fields' | 'argument' | 'stack';

export interface ErrorInLogCallConvention {
  convention: ErrorInLogCall;
  /**
   * With `argument`: when the call already passes an object literal after the
   * message, the stack goes in it under this name instead (winston merges only
   * its first meta object into the record and serialises an Error in it as `{}`).
   */
  stackInMeta?: string;
  /** Only these methods take the error this way (Nest: `error` alone has a stack parameter). */
  methods?: readonly string[];
}

/** By library as logging facts name it (`console`, a logger package); others follow ErrorArgumentStyle (`object-first` → `fields`). */
export const ERROR_IN_LOG_CALL: Readonly<Record<string, ErrorInLogCallConvention>> = {
  console: { convention: 'argument' },
  pino: { convention: 'fields' },
  bunyan: { convention: 'fields' },
  winston: { convention: 'argument', stackInMeta: 'stack' },
  '@google-cloud/logging-winston': { convention: 'argument', stackInMeta: 'stack' },
  log4js: { convention: 'argument' },
  loglevel: { convention: 'argument' },
  consola: { convention: 'argument' },
  signale: { convention: 'argument' },
  tslog: { convention: 'argument' },
  '@aws-lambda-powertools/logger': { convention: 'argument' },
  '@nestjs/common': { convention: 'stack', methods: ['error'] },
};

/** Log methods for diagnostics that production does not normally record: a message without the error there is no lost record. */
export const DIAGNOSTIC_LOG_METHODS: readonly string[] = ['debug', 'trace', 'verbose', 'silly'];
