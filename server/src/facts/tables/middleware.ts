/**
 * Middleware whose registration matters to a rule: rate limiters and CORS.
 * Rate-limit packages are those of the libraries table (`LIBRARIES['rate-limit']`):
 * any value made from one of them (a middleware, a plugin, a limiter
 * instance whose `consume` a handler awaits) limits what it is applied to.
 * Adding a library is a change to these tables only.
 */

/** @nestjs/throttler: a guard limits; the module only configures it; decorators tune or skip it per route. */
export const NEST_THROTTLER = {
  module: '@nestjs/throttler',
  guard: 'ThrottlerGuard',
  moduleClass: 'ThrottlerModule',
  limitDecorators: ['Throttle'],
  skipDecorators: ['SkipThrottle'],
  /** `{ provide: APP_GUARD, useClass: ThrottlerGuard }` binds a guard to every route of the app. */
  appGuard: { module: '@nestjs/core', name: 'APP_GUARD' },
  guardDecorator: { module: '@nestjs/common', name: 'UseGuards' },
  globalGuardMethods: ['useGlobalGuards'],
} as const;

/** Methods that apply a middleware or plugin to everything registered below them (`app.use`, `fastify.register`, Nest `consumer.apply`). */
export const APPLYING_METHODS: readonly string[] = ['use', 'register', 'apply', 'useGlobalGuards', 'pre'];

/** Fastify: `config: { rateLimit: {...} }` in a route's options limits it under `@fastify/rate-limit`. */
export const ROUTE_RATE_LIMIT_OPTION = { container: 'config', property: 'rateLimit' } as const;

/** Where the origin allow-list lives when a library is given no `origin`. */
export type DefaultOrigin = 'any' | 'reflect';

export interface CorsLibrary {
  module: string;
  /** The export that makes the middleware ([] for the default export). */
  factory: readonly string[];
  /** `fastify.register(cors, options)`: the factory is handed to the framework, with the options beside it. */
  plugin: boolean;
  /** What a missing `origin` allows. */
  defaultOrigin: DefaultOrigin;
  /** `@koa/cors` answers a credentialed request to `origin: '*'` with the caller's own origin. */
  starWithCredentialsReflects: boolean;
  /** `origin` accepts an array of allowed origins (the allow-list quick-fix writes one). */
  acceptsOriginList: boolean;
}

export const CORS_LIBRARIES: readonly CorsLibrary[] = [
  { module: 'cors', factory: [], plugin: false, defaultOrigin: 'any', starWithCredentialsReflects: false, acceptsOriginList: true },
  { module: '@fastify/cors', factory: [], plugin: true, defaultOrigin: 'any', starWithCredentialsReflects: false, acceptsOriginList: true },
  { module: 'fastify-cors', factory: [], plugin: true, defaultOrigin: 'any', starWithCredentialsReflects: false, acceptsOriginList: true },
  { module: '@koa/cors', factory: [], plugin: false, defaultOrigin: 'any', starWithCredentialsReflects: true, acceptsOriginList: false },
  { module: 'kcors', factory: [], plugin: false, defaultOrigin: 'reflect', starWithCredentialsReflects: true, acceptsOriginList: false },
  { module: 'hono/cors', factory: ['cors'], plugin: false, defaultOrigin: 'any', starWithCredentialsReflects: false, acceptsOriginList: true },
];

/** NestJS: `app.enableCors(options?)` and `NestFactory.create(Module, { cors })`, whose defaults allow any origin. */
export const NEST_CORS = {
  module: '@nestjs/core',
  factory: ['NestFactory', 'create'],
  enableMethod: 'enableCors',
  createOption: 'cors',
  defaultOrigin: 'any' as DefaultOrigin,
} as const;

/** Response-header setters: `res.setHeader(name, value)`, Express `res.header`/`res.set`, Koa `ctx.set`, Fastify `reply.header`. */
export const HEADER_SETTERS: readonly string[] = ['setHeader', 'header', 'set', 'append'];
export const ALLOW_ORIGIN_HEADER = 'access-control-allow-origin';

/** The allow-list a quick-fix writes: read from configuration, comma-separated. */
export const ORIGIN_ALLOW_LIST_VARIABLE = 'CORS_ORIGINS';

/**
 * The project's own limiter, recognised by its name where it is applied (`app.use(rateLimiter)`,
 * `router.post('/login', loginLimiter, h)`, `await checkRateLimit(ip)`): only ever used to *not* flag.
 */
export const LIMITER_NAME = /rate_?-?limit|limiter|throttl|brute|slow_?-?down/i;

/** Conditions that hold only outside production: CORS opened there is a development convenience. */
export const DEVELOPMENT_CONDITION = /['"](?:development|dev|local|test)['"]|\bis_?dev|\bdev(?:elopment)?\b|!==?\s*['"]production['"]|!\s*(?:is_?)?prod/i;
export const PRODUCTION_CONDITION = /===?\s*['"]production['"]|\bis_?prod(?:uction)?\b/i;

/**
 * Passport strategies that take credentials or one-time codes: a route guarded by any other
 * (`AuthGuard('jwt')`, `passport.authenticate('bearer')`) is for callers who are signed in already.
 */
export const PASSPORT = {
  nestModule: '@nestjs/passport',
  nestGuard: 'AuthGuard',
  module: 'passport',
  authenticate: 'authenticate',
  credentialStrategies: ['local', 'magic-link', 'magiclink', 'passwordless', 'otp', 'totp', 'webauthn', 'ldap', 'ldapauth', 'saml', 'oidc', 'openidconnect'],
} as const;

/** A comment beside a wildcard that says why it is safe there: the author decided, with a reason. */
export const WILDCARD_EXPLAINED = /\b(?:safe|public(?:ly)?|intentional(?:ly)?|deliberate(?:ly)?|on purpose|by design|non-credentialed|without credentials|no credentials|no cookies|embeddable|any (?:site|origin) (?:may|can|should))\b/i;

/** The request's own `Origin` header read back (`req.get('origin')`, `req.headers.origin`, `ctx.get('Origin')`, `request.headers.get('origin')`). */
export const REQUEST_ORIGIN_READ = /\.headers\.origin\b|\.headers\[\s*['"]origin['"]\s*\]|\.(?:get|header)\(\s*['"]origin['"]\s*\)/i;
export const ALLOW_CREDENTIALS_HEADER = 'access-control-allow-credentials';

/**
 * Authentication libraries that rate-limit their own endpoints (Better Auth limits sign-in and the other
 * auth routes by default in production): a value made from one counts as a limiter.
 */
export const SELF_LIMITING_AUTH_LIBRARIES: readonly string[] = ['better-auth'];

/**
 * A handler that starts by reading the signed-in caller (`const { auth, error } = await parseRequest(req)`,
 * `const session = await getServerSession(...)`) and leaves when there is none serves callers who are signed in already.
 */
export const SIGNED_IN_BINDING = /^(?:auth|session|user|currentUser|authUser|sessionUser|principal)$/;
/** A route wrapper told to authenticate (`withApiWrapper({ auth: 'session', handler })`); these values mean it does not. */
export const AUTH_WRAPPER_OPTION = { property: 'auth', publicValues: ['none', 'public', 'optional', 'false'] } as const;
