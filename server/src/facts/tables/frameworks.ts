/**
 * HTTP server frameworks: how an application or router is created, which of
 * its methods register routes, and which start listening. Adding a framework
 * (or a new way to create one) is a change to this table only.
 */

export type FrameworkId = 'express' | 'fastify' | 'koa' | 'hono' | 'nestjs' | 'node-http' | 'restify' | 'hapi';

export interface ServerFramework {
  id: FrameworkId;
  /** Packages that export the factory. */
  modules: readonly string[];
  /**
   * Member paths below the module root that create an application or router
   * when called or `new`-ed (`[]` is the module root itself: `express()`).
   */
  factories: readonly (readonly string[])[];
  /** Methods of an instance that register a route: `app.get('/x', handler)`. */
  routeMethods: readonly string[];
  /** Methods that mount middleware or a sub-router: `app.use(...)`. */
  middlewareMethods: readonly string[];
  /**
   * A method that takes a path and returns a route object whose own methods
   * register handlers: Express `app.route('/x').get(h)`.
   */
  routeBuilder?: string;
  /** A method that registers a route from one options object: Fastify `route({ method, url, handler })`. */
  routeObjectMethod?: string;
  /** Methods of an instance that start the server. */
  listenMethods: readonly string[];
  /** Type names that mark a parameter or variable as an instance (`app: Express`, `fastify: FastifyInstance`). */
  instanceTypeNames: readonly string[];
  /** Methods that return the same instance, so calls can be chained: Hono `app.get('/a', h).post('/b', h)`. */
  chainableMethods?: readonly string[];
  /**
   * Where a plugin function receives an instance as its first parameter:
   * a function passed to `instance.register(fn)`, to a wrapper package's root
   * (`fastify-plugin`), or one typed with a plugin type name.
   */
  pluginParameter?: { registerMethods: readonly string[]; wrapperModules: readonly string[]; pluginTypeNames: readonly string[] };
}

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all'] as const;

export const SERVER_FRAMEWORKS: readonly ServerFramework[] = [
  {
    id: 'express',
    modules: ['express'],
    factories: [[], ['Router']],
    routeMethods: HTTP_VERBS,
    middlewareMethods: ['use'],
    routeBuilder: 'route',
    listenMethods: ['listen'],
    instanceTypeNames: ['Express', 'Application', 'Router', 'IRouter', 'express.Express', 'express.Application', 'express.Router'],
  },
  {
    id: 'fastify',
    modules: ['fastify'],
    factories: [[], ['fastify'], ['Fastify']],
    routeMethods: HTTP_VERBS,
    middlewareMethods: ['register', 'addHook'],
    routeObjectMethod: 'route',
    listenMethods: ['listen'],
    instanceTypeNames: ['FastifyInstance'],
    pluginParameter: {
      registerMethods: ['register'],
      wrapperModules: ['fastify-plugin'],
      pluginTypeNames: ['FastifyPluginAsync', 'FastifyPluginCallback', 'FastifyPluginAsyncTypebox', 'FastifyPluginAsyncZod'],
    },
  },
  {
    id: 'koa',
    modules: ['koa'],
    factories: [[]],
    routeMethods: [],
    middlewareMethods: ['use'],
    listenMethods: ['listen'],
    instanceTypeNames: ['Koa'],
  },
  {
    id: 'koa',
    modules: ['@koa/router', 'koa-router'],
    factories: [[], ['Router']],
    routeMethods: [...HTTP_VERBS, 'del'],
    middlewareMethods: ['use'],
    listenMethods: [],
    instanceTypeNames: ['Router', 'KoaRouter'],
  },
  {
    id: 'hono',
    modules: ['hono', 'hono/tiny', 'hono/quick'],
    factories: [['Hono']],
    routeMethods: [...HTTP_VERBS, 'on'],
    middlewareMethods: ['use', 'route'],
    listenMethods: [],
    instanceTypeNames: ['Hono'],
    chainableMethods: [...HTTP_VERBS, 'on', 'use', 'route', 'basePath'],
  },
  {
    id: 'nestjs',
    modules: ['@nestjs/core'],
    factories: [['NestFactory', 'create']],
    routeMethods: [],
    middlewareMethods: ['use', 'useGlobalGuards', 'useGlobalPipes'],
    listenMethods: ['listen'],
    instanceTypeNames: ['INestApplication', 'NestExpressApplication', 'NestFastifyApplication'],
  },
  {
    id: 'node-http',
    modules: ['http', 'https', 'http2', 'net'],
    factories: [['createServer'], ['createSecureServer'], ['Server']],
    routeMethods: [],
    middlewareMethods: [],
    listenMethods: ['listen'],
    instanceTypeNames: ['Server', 'http.Server', 'https.Server'],
  },
  {
    id: 'restify',
    modules: ['restify'],
    factories: [['createServer']],
    routeMethods: ['get', 'post', 'put', 'patch', 'del', 'head', 'opts'],
    middlewareMethods: ['use', 'pre'],
    listenMethods: ['listen'],
    instanceTypeNames: [],
  },
  {
    id: 'hapi',
    modules: ['@hapi/hapi', 'hapi'],
    factories: [['server'], ['Server']],
    routeMethods: [],
    middlewareMethods: ['register', 'ext'],
    routeObjectMethod: 'route',
    listenMethods: ['start'],
    instanceTypeNames: [],
  },
];

/** Standalone functions that start a server for an app: Hono's `serve({ fetch: app.fetch })`. */
export const SERVE_FUNCTIONS: readonly { module: string; path: readonly string[]; framework: FrameworkId }[] = [
  { module: '@hono/node-server', path: ['serve'], framework: 'hono' },
];

/** Packages whose presence in package.json marks a program as an HTTP server. */
export const SERVER_PACKAGES: readonly string[] = [
  'express',
  'fastify',
  'koa',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/platform-fastify',
  'hono',
  '@hono/node-server',
  'restify',
  '@hapi/hapi',
];

/** NestJS: the controller decorator, and method decorators that register a route with their HTTP method. */
export const NEST_ROUTES = {
  module: '@nestjs/common',
  controllerDecorator: 'Controller',
  methodDecorators: {
    Get: 'get',
    Post: 'post',
    Put: 'put',
    Patch: 'patch',
    Delete: 'delete',
    Head: 'head',
    Options: 'options',
    All: 'all',
  } as Readonly<Record<string, string>>,
  /** Calls on the Nest application that install SIGTERM handling. */
  shutdownHookMethods: ['enableShutdownHooks'] as readonly string[],
} as const;

/**
 * Next.js API routes, recognised by file path: `pages/api/**` (default export)
 * and `app/**\/route.(ts|js)` (exported HTTP-verb functions).
 */
export const NEXT_ROUTES = {
  pagesApi: /(?:^|\/)(?:src\/)?pages\/(api\/.*)\.(?:[cm]?[jt]sx?)$/,
  appRoute: /(?:^|\/)(?:src\/)?app\/(.*?)\/?route\.(?:[cm]?[jt]sx?)$/,
  verbs: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as readonly string[],
} as const;

/**
 * Remix and React Router (framework mode) route modules, recognised by file
 * path under `app/routes/`: flat routes (`api.v1.health.ts`, `login.magic/route.tsx`)
 * and nested folders (`routes/api/health.ts`). A module serves requests when
 * it exports a `loader` (GET) or an `action` (POST, PUT, PATCH, DELETE).
 * A module that only exports a component is a page, not an endpoint.
 */
export const REMIX_ROUTES = {
  routeFile: /(?:^|\/)app\/routes\/(.+?)\.(?:[cm]?[jt]sx?)$/,
  /** The last file name of a folder route, left out of the path. */
  folderRouteFile: /^(?:route|index|_index|_layout)$/,
  exports: { loader: 'get', action: 'post' } as Readonly<Record<string, string>>,
} as const;

/**
 * Methods of a project's own router that take the HTTP method first:
 * `this.route('POST', '/login', handler)` (Parse Server's PromiseRouter and
 * routers like it). Recognised on `this` in a class named like a router
 * (ROUTER_CLASS_NAME) or on a conventional router name, with a literal method and path.
 */
export const VERB_FIRST_ROUTE_METHODS: readonly string[] = ['route', 'addRoute'];
export const ROUTER_CLASS_NAME = /Router$/;
export const HTTP_METHOD_NAME = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ALL|get|post|put|patch|delete|head|options|all)$/;

/** The last path segment of a route that serves health or readiness probes. */
export const HEALTH_PATH_SEGMENT =
  /^(?:health|healthz|healthcheck|healthcheckz|health-check|health_check|_health|ready|readyz|readiness|live|livez|liveness|alive)$/i;
/**
 * `status`, `ping` and `heartbeat` are health routes only at the top (`/status`,
 * `/api/ping`, `/internal/heartbeat`), not `/orders/:id/status` or
 * `/jobs/ping`: the segments before them must all be prefixes like these.
 */
export const HEALTH_STATUS_SEGMENT = /^(?:status|ping|heartbeat)$/i;
export const ROUTE_PREFIX_SEGMENT = /^(?:api|v\d+|_|internal|sys|system|management|admin|monitoring|ops|\.well-known)$/i;

/**
 * Route paths for authentication: login, sign-up, password reset, one-time
 * codes and token issuing, matched per path segment. A `:param` segment never matches.
 */
export const AUTH_PATH_SEGMENT =
  /^(?:log-?in|log_in|logon|sign-?in|sign_in|sign-?up|sign_up|register|registration|forgot-?password|forgot_password|reset-?password|reset_password|password-?reset|password_reset|otp|verify|verify-otp|verify-code|mfa|2fa|token|refresh-?token|refresh_token|magic-?link)$/i;
/**
 * A segment that names the authentication area (`/auth/anonymous`,
 * `/api/authentication/webauthn/verify`): a POST below it takes credentials,
 * whatever the last segment is called.
 */
export const AUTH_AREA_SEGMENT = /^(?:auth|authentication)$/i;
/** Ending a session below `/auth` (`POST /auth/logout`) takes no credentials. */
export const AUTH_EXIT_SEGMENT = /^(?:log-?out|log_out|sign-?out|sign_out|logoff)$/i;
/** `password/forgot`, `password/reset`: two segments that together make a reset route. */
export const AUTH_PATH_PAIRS: readonly (readonly [RegExp, RegExp])[] = [[/^passwords?$/i, /^(?:forgot|reset|recover)$/i]];

/**
 * Receiver names that read as an app or router when it comes from elsewhere
 * (a parameter, another file): `module.exports = (app) => { app.get('/x', h) }`.
 * Used only together with a literal `/path` argument and a handler, or for `listen`;
 * `api` is left out on purpose: it usually names an HTTP client (`api.post('/login', body)`).
 */
export const CONVENTIONAL_ROUTER_NAMES = /^(?:app|application|router|routes|server|fastify|[a-z][A-Za-z]*Router|[a-z][A-Za-z]*Routes)$/;
export const CONVENTIONAL_SERVER_NAMES = /^(?:app|application|server|httpServer|httpsServer|fastify)$/;
