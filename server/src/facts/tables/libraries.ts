import { LOGGER_MODULES } from './logging';

/**
 * Libraries whose presence answers a readiness question: is there rate
 * limiting, input validation, a structured logger, a feature-flag SDK,
 * graceful-shutdown handling, a health-check module. Recognised through
 * imports (and, where an import alone proves nothing, through package.json).
 * Adding a library is a change to this table only.
 */

export type LibraryKind =
  | 'rate-limit'
  | 'validation'
  | 'structured-logger'
  | 'feature-flags'
  | 'graceful-shutdown'
  | 'health-check';

export interface LibraryEntry {
  /** The package name as imported. */
  module: string;
  /**
   * Only this named export counts (`Logger` from `@nestjs/common`, which also
   * exports everything else). A package.json dependency alone then proves nothing.
   */
  member?: string;
  /** Match every package under this scope or prefix too (`@openfeature/` covers `@openfeature/server-sdk`). */
  prefix?: boolean;
}

export const LIBRARIES: Readonly<Record<LibraryKind, readonly LibraryEntry[]>> = {
  'rate-limit': [
    { module: 'express-rate-limit' },
    { module: 'rate-limiter-flexible' },
    { module: '@fastify/rate-limit' },
    { module: 'fastify-rate-limit' },
    { module: '@nestjs/throttler' },
    { module: 'koa-ratelimit' },
    { module: 'koa2-ratelimit' },
    { module: 'express-slow-down' },
    { module: 'express-brute' },
    { module: 'hono-rate-limiter' },
    { module: '@upstash/ratelimit' },
  ],
  validation: [
    { module: 'zod' },
    { module: 'joi' },
    { module: '@hapi/joi' },
    { module: 'yup' },
    { module: 'ajv' },
    { module: 'class-validator' },
    { module: 'express-validator' },
    { module: 'celebrate' },
    { module: 'valibot' },
    { module: 'superstruct' },
    { module: '@sinclair/typebox' },
    { module: 'io-ts' },
    { module: 'runtypes' },
    { module: '@vinejs/vine' },
    { module: 'fastest-validator' },
    { module: '@hono/zod-validator' },
  ],
  'structured-logger': [
    ...LOGGER_MODULES.filter((logger) => logger.structured).map(({ module, member }) => ({ module, member })),
    // Framework integrations of those loggers: importing one means the app logs through it.
    { module: 'pino-http' },
    { module: 'nestjs-pino' },
    { module: 'nest-winston' },
    { module: 'express-winston' },
  ],
  'feature-flags': [
    { module: '@launchdarkly/', prefix: true },
    { module: 'launchdarkly-', prefix: true },
    { module: 'ldclient-', prefix: true },
    { module: 'unleash-client' },
    { module: 'unleash-proxy-client' },
    { module: '@unleash/', prefix: true },
    { module: 'flagsmith' },
    { module: 'flagsmith-nodejs' },
    { module: '@flagsmith/', prefix: true },
    { module: '@growthbook/', prefix: true },
    { module: '@openfeature/', prefix: true },
    { module: 'configcat-', prefix: true },
    { module: '@splitsoftware/', prefix: true },
    { module: '@vercel/flags' },
  ],
  'graceful-shutdown': [
    { module: '@godaddy/terminus' },
    { module: 'http-terminator' },
    { module: 'close-with-grace' },
    { module: 'stoppable' },
    { module: 'lightship' },
    { module: 'http-graceful-shutdown' },
    { module: 'fastify-graceful-shutdown' },
    { module: '@fastify/close-with-grace' },
  ],
  'health-check': [
    // Nest Terminus: the service that runs the checks (TerminusModule alone serves nothing).
    { module: '@nestjs/terminus', member: 'HealthCheckService' },
    { module: 'lightship' },
    { module: 'express-actuator' },
    { module: '@cloudnative/health-connect' },
    { module: '@hono/node-server/health' },
  ],
};

export function libraryMatches(entry: LibraryEntry, module: string): boolean {
  return entry.prefix ? module.startsWith(entry.module) : module === entry.module || module.startsWith(entry.module + '/');
}

/**
 * `@godaddy/terminus` also serves health checks: `createTerminus(server, { healthChecks: { '/healthz': ... } })`.
 * The option names whose object keys are probe paths.
 */
/** Decorators that make a route handler a health check, whatever its path: Nest Terminus `@HealthCheck()`. */
export const HEALTH_CHECK_DECORATORS: readonly { module: string; name: string }[] = [{ module: '@nestjs/terminus', name: 'HealthCheck' }];

export const HEALTH_CHECK_OPTIONS: readonly { module: string; option: string }[] = [
  { module: '@godaddy/terminus', option: 'healthChecks' },
];

/**
 * Methods that evaluate a feature flag on an SDK client (LaunchDarkly,
 * Unleash, Flagsmith, GrowthBook, OpenFeature, ConfigCat, Split).
 * `distinctive` ones are flag evaluations wherever they are called;
 * `generic` ones (`isEnabled`, `getValue`) count only when the file imports a
 * feature-flag SDK, or the receiver is named like a flag client or comes from
 * a module named like one (`import { flags } from './feature-flags'`).
 */
export const FEATURE_FLAG_METHODS: { distinctive: readonly string[]; generic: readonly string[] } = {
  distinctive: [
    'variation',
    'boolVariation',
    'stringVariation',
    'numberVariation',
    'jsonVariation',
    'variationDetail',
    'isFeatureEnabled',
    'getFeatureValue',
    'evalFeature',
    'getTreatment',
    'getTreatments',
    'getBooleanValue',
    'getBooleanDetails',
    'isFlagEnabled',
  ],
  generic: ['isEnabled', 'getVariant', 'hasFeature', 'getValue', 'getValueAsync', 'getStringValue', 'getNumberValue', 'getObjectValue', 'isOn', 'isOff', 'getFlag'],
};

/** Receiver, function or module names that read as a feature-flag client or helper. */
export const FEATURE_FLAG_NAME = /flag|feature|unleash|launchdarkly|ldclient|growthbook|openfeature|configcat|splitio|toggle/i;
