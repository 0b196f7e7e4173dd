import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG, type ResolvedConfig } from 'preflight-server';
import { remixPath } from 'preflight-server/out/facts/routes';
import type { ChecklistReport, ProjectCheck, ProjectCheckId } from 'preflight-server/out/checklist/types';
import { checkOf, evidence, workspaceReport } from './workspace-report';

/**
 * Project checks on the patterns real backends use and a first version missed
 * (issue 8): routers in other files, Nest Terminus, Remix route modules, a
 * project's own logger factory, log4js, shutdown handled in another file,
 * workers, framework shutdown hooks, and the warning threshold of the verdict.
 * Each with its near misses.
 */





const EXPRESS_PACKAGE = JSON.stringify({ name: 'api', dependencies: { express: '^4.19.0' } }, null, 2);

/** An app built by a function of the project, started in main.ts: the listen call is on a local `app`. */
const APP_FACTORY = `import express from 'express';
import { healthRouter } from './routes/health';
export function createApp() {
  const app = express();
  app.use('/x', healthRouter);
  return app;
}
`;
const MAIN_WITH_FACTORY = `import { createApp } from './app';
async function main() {
  const app = await createApp();
  app.listen(3000);
}
main();
`;

describe('checklist project checks on real-backend patterns', function () {
  this.timeout(30_000);

  describe('health-endpoint', () => {
    it('a /health route on a router defined in another file and mounted with app.use counts', async () => {
      const check = await checkOf(
        {
          'package.json': EXPRESS_PACKAGE,
          'src/app.ts': APP_FACTORY,
          'src/main.ts': MAIN_WITH_FACTORY,
          'src/routes/router.ts': `import { Router } from 'express';\nexport const router = Router();\n`,
          'src/routes/health.ts': `import { router } from './router';\nrouter.get('/health', (req, res) => res.json({ ok: true }));\nexport { router as healthRouter };\n`,
        },
        'health-endpoint',
      );
      assert.equal(check.status, 'pass', check.message);
      assert.deepEqual(evidence(check), ['src/routes/health.ts:2']);
    });

    it('a router held by a class (this.router.get) and a path in a const count', async () => {
      const check = await checkOf(
        {
          'package.json': EXPRESS_PACKAGE,
          'src/server.ts': `import express from 'express';\nimport { HealthRoutes } from './health';\nconst app = express();\napp.use(new HealthRoutes().router);\napp.listen(3000);\n`,
          'src/health.ts': `import { Router } from 'express';\nconst READY = '/readyz';\nexport class HealthRoutes {\n  router = Router();\n  constructor() {\n    this.router.get(READY, (req, res) => res.send('ok'));\n  }\n}\n`,
        },
        'health-endpoint',
      );
      assert.equal(check.status, 'pass', check.message);
      assert.deepEqual(evidence(check), ['src/health.ts:6']);
    });

    it('a Nest Terminus @HealthCheck() handler counts whatever its path; TerminusModule alone does not', async () => {
      const controller = `import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
@Controller('probe')
export class ProbeController {
  constructor(private readonly health: HealthCheckService) {}
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([]);
  }
}
`;
      const main = `import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.enableShutdownHooks();\n  await app.listen(3000);\n}\nbootstrap();\n`;
      const withHandler = await checkOf({ 'src/main.ts': main, 'src/probe.controller.ts': controller }, 'health-endpoint');
      assert.equal(withHandler.status, 'pass', withHandler.message);
      assert.ok(evidence(withHandler).includes('src/probe.controller.ts:7'), evidence(withHandler).join(', '));

      const moduleOnly = await checkOf(
        {
          'src/main.ts': main,
          'src/app.module.ts': `import { Module } from '@nestjs/common';\nimport { TerminusModule } from '@nestjs/terminus';\n@Module({ imports: [TerminusModule] })\nexport class AppModule {}\n`,
          'src/users.controller.ts': `import { Controller, Get } from '@nestjs/common';\n@Controller('users')\nexport class UsersController {\n  @Get()\n  list() {\n    return [];\n  }\n}\n`,
        },
        'health-endpoint',
      );
      assert.equal(moduleOnly.status, 'warn');
    });

    it('top-level /ping and /status count; /jobs/ping and /orders/:id/status do not', async () => {
      const server = (path: string): string =>
        `import express from 'express';\nconst app = express();\napp.get('${path}', (req, res) => res.send('ok'));\napp.listen(3000);\nprocess.on('SIGTERM', () => process.exit(0));\n`;
      assert.equal((await checkOf({ 'src/server.ts': server('/ping') }, 'health-endpoint')).status, 'pass');
      assert.equal((await checkOf({ 'src/server.ts': server('/api/status') }, 'health-endpoint')).status, 'pass');
      assert.equal((await checkOf({ 'src/server.ts': server('/jobs/ping') }, 'health-endpoint')).status, 'warn');
      assert.equal((await checkOf({ 'src/server.ts': server('/orders/:id/status') }, 'health-endpoint')).status, 'warn');
    });

    it('a Remix route module with a loader serves /healthcheck', async () => {
      const check = await checkOf(
        {
          'app/routes/healthcheck.tsx': `import type { LoaderFunction } from '@remix-run/node';\nexport const loader: LoaderFunction = async () => new Response('OK');\n`,
          'app/routes/_app.orgs.$org._index.tsx': `export async function loader() {\n  return null;\n}\nexport default function Page() {\n  return null;\n}\n`,
        },
        'health-endpoint',
      );
      assert.equal(check.status, 'pass', check.message);
      assert.deepEqual(evidence(check), ['app/routes/healthcheck.tsx:2']);
    });

    it('Remix route paths: flat routes, folders, params, pathless layouts, escapes', () => {
      assert.equal(remixPath('healthcheck'), '/healthcheck');
      assert.equal(remixPath('api.v1.runs.$runId'), '/api/v1/runs/:runId');
      assert.equal(remixPath('_app.orgs.$org._index'), '/orgs/:org');
      assert.equal(remixPath('login.magic/route'), '/login/magic');
      assert.equal(remixPath('users_.$id'), '/users/:id');
      assert.equal(remixPath('sitemap[.]xml'), '/sitemap.xml');
      assert.equal(remixPath('api/health'), '/api/health');
    });

    it('near misses: a /health string in a client fetch is not an endpoint; a frontend package is not applicable', async () => {
      const client = await checkOf(
        {
          'package.json': JSON.stringify({ name: 'web', dependencies: { react: '^18' } }),
          'src/status.tsx': `export async function isUp() {\n  const response = await fetch('/health');\n  return response.ok;\n}\n`,
          'src/api.ts': `import axios from 'axios';\nexport const api = axios.create();\nexport const ping = () => api.get('/health');\n`,
        },
        'health-endpoint',
      );
      assert.equal(client.status, 'n/a');
      const page = await checkOf({ 'app/routes/about.tsx': `export default function About() {\n  return null;\n}\n` }, 'health-endpoint');
      assert.equal(page.status, 'n/a', 'a Remix page without a loader or action serves no endpoint');
    });
  });

  describe('structured-logger', () => {
    const LOG4JS_PACKAGE = JSON.stringify({ name: 'api', dependencies: { express: '^4', log4js: '^6' } }, null, 2);
    const LOG4JS_WRAPPER = `import * as log4js from 'log4js';\nlog4js.configure({ appenders: { out: { type: 'stdout', layout: { type: 'json' } } }, categories: { default: { appenders: ['out'], level: 'info' } } });\nexport function getLogger(name: string) {\n  return log4js.getLogger(name);\n}\n`;
    const user = (name: string): string => `import { getLogger } from '../logging';\nconst logger = getLogger('${name}');\nexport function ${name}() {\n  logger.info('${name} called');\n}\n`;

    it("passes with the project's own getLogger wrapping log4js, called across the package", async () => {
      const check = await checkOf(
        {
          'package.json': LOG4JS_PACKAGE,
          'src/server.ts': `import express from 'express';\nconst app = express();\napp.listen(3000);\n`,
          'src/logging.ts': LOG4JS_WRAPPER,
          'src/users/users.ts': user('users'),
          'src/orders/orders.ts': user('orders'),
          'src/billing/billing.ts': user('billing'),
        },
        'structured-logger',
      );
      assert.equal(check.status, 'pass', check.message);
      assert.match(check.message, /project's getLogger \(src\/logging\.ts, built on log4js\), imported in 3 files/);
      assert.equal(evidence(check)[0], 'src/logging.ts:3');
    });

    it('passes with log4js as a dependency only (the wrapper lives in another package)', async () => {
      const check = await checkOf({ 'package.json': LOG4JS_PACKAGE, 'src/server.ts': `import express from 'express';\nconst app = express();\napp.listen(3000);\n` }, 'structured-logger');
      assert.equal(check.status, 'pass');
      assert.deepEqual(evidence(check), ['package.json:5']);
    });

    it('passes with consola, signale, loglevel or tslog imports', async () => {
      for (const module of ['consola', 'signale', 'loglevel', 'tslog']) {
        const check = await checkOf({ 'src/log.ts': `import * as lib from '${module}';\nexport const use = lib;\n` }, 'structured-logger');
        assert.equal(check.status, 'pass', module);
      }
    });

    it("a logger class of another workspace package, exported and imported across the package, is the project's logger", async () => {
      const files: Record<string, string> = {
        'app/services/logger.server.ts': `import { Logger } from '@acme/core/logger';\nexport const logger = new Logger('webapp', 'info');\n`,
      };
      for (const name of ['a', 'b', 'c']) files[`app/services/${name}.server.ts`] = `import { logger } from '~/services/logger.server';\nexport function ${name}() {\n  logger.info('${name}', { id: 1 });\n}\n`;
      const check = await checkOf(files, 'structured-logger');
      assert.equal(check.status, 'pass', check.message);
      assert.match(check.message, /built on @acme\/core\/logger, another package whose output format is not checked here\), imported in 3 files/);
    });

    it('near misses: a console wrapper named logger, imported everywhere, is not a structured logger; nor is debug', async () => {
      const files: Record<string, string> = {
        'src/logger.ts': `export const logger = {\n  info: (...args: unknown[]) => console.log(...args),\n  error: (...args: unknown[]) => console.error(...args),\n};\n`,
        'src/debug.ts': `import createDebug from 'debug';\nexport const debug = createDebug('app');\n`,
      };
      for (const name of ['a', 'b', 'c']) files[`src/${name}.ts`] = `import { logger } from './logger';\nexport function ${name}() {\n  logger.info('${name}');\n}\n`;
      const check = await checkOf(files, 'structured-logger');
      assert.equal(check.status, 'warn', check.message);
    });

    it("passes with a framework's injected logger interface (Medusa's Logger)", async () => {
      const check = await checkOf(
        { 'src/services/notifier.ts': `import type { Logger } from '@medusajs/framework/types';\nexport class Notifier {\n  constructor(private readonly logger: Logger) {}\n  send() {\n    this.logger.info('sent');\n  }\n}\n` },
        'structured-logger',
      );
      assert.equal(check.status, 'pass', check.message);
      assert.match(check.message, /Medusa/);
    });
  });

  describe('graceful-shutdown', () => {
    const GRACEFUL = `import type { Server } from 'node:http';\nexport function gracefulShutdown(server: Server) {\n  process.on('SIGTERM', () => server.close(() => process.exit(0)));\n}\n`;

    it('a listen on an app built by a project function is a server: failing without SIGTERM handling, not n/a', async () => {
      const check = await checkOf({ 'package.json': EXPRESS_PACKAGE, 'src/app.ts': APP_FACTORY, 'src/main.ts': MAIN_WITH_FACTORY, 'src/routes/health.ts': `import { Router } from 'express';\nexport const healthRouter = Router();\n` }, 'graceful-shutdown');
      assert.equal(check.status, 'fail', check.message);
      assert.deepEqual(evidence(check), ['src/main.ts:4']);
    });

    it('passes with SIGTERM handled in a graceful-shutdown module of the package', async () => {
      const check = await checkOf(
        {
          'package.json': EXPRESS_PACKAGE,
          'src/app.ts': APP_FACTORY,
          'src/main.ts': MAIN_WITH_FACTORY,
          'src/routes/health.ts': `import { Router } from 'express';\nexport const healthRouter = Router();\n`,
          'src/lifecycle/graceful-shutdown.ts': GRACEFUL,
        },
        'graceful-shutdown',
      );
      assert.equal(check.status, 'pass', check.message);
      assert.deepEqual(evidence(check), ['src/lifecycle/graceful-shutdown.ts:3']);
    });

    it('routes served by a server started elsewhere warn without SIGTERM handling, and pass with it', async () => {
      const route = `export async function loader() {\n  return new Response('ok');\n}\n`;
      const unhandled = await checkOf({ 'app/routes/api.v1.runs.ts': route }, 'graceful-shutdown');
      assert.equal(unhandled.status, 'warn', unhandled.message);
      assert.match(unhandled.message, /server started elsewhere/);
      const handled = await checkOf({ 'app/routes/api.v1.runs.ts': route, 'app/services/signals.server.ts': `process.on('SIGTERM', () => undefined);\n` }, 'graceful-shutdown');
      assert.equal(handled.status, 'pass');
    });

    it('a queue worker is running work: it warns when nothing closes it on SIGTERM', async () => {
      const worker = `import { Worker } from 'bullmq';\nexport function startWorker() {\n  return new Worker('jobs', async () => undefined);\n}\n`;
      const check = await checkOf({ 'package.json': JSON.stringify({ name: 'jobs', dependencies: { bullmq: '^5' } }), 'src/worker.ts': worker }, 'graceful-shutdown');
      assert.equal(check.status, 'warn', check.message);
      assert.match(check.message, /BullMQ Worker/);
      assert.deepEqual(evidence(check), ['src/worker.ts:3']);
    });

    it("a Medusa module's shutdown hooks close its worker: the framework runs them on SIGTERM", async () => {
      const service = `import type { Logger } from '@medusajs/framework/types';\nimport { Worker } from 'bullmq';\nexport class EventBus {\n  private worker = new Worker('events', async () => undefined);\n  constructor(private readonly logger: Logger) {}\n  __hooks = {\n    onApplicationPrepareShutdown: async () => {\n      await this.worker.close();\n    },\n  };\n}\n`;
      const check = await checkOf({ 'src/event-bus.ts': service }, 'graceful-shutdown');
      assert.equal(check.status, 'pass', check.message);
      assert.deepEqual(evidence(check), ['src/event-bus.ts:7']);
    });

    it("near misses: a Nest onApplicationShutdown without enableShutdownHooks does not count; a frontend package is not applicable", async () => {
      const main = `import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  await app.listen(3000);\n}\nbootstrap();\n`;
      const hooks = `import { Injectable, OnApplicationShutdown } from '@nestjs/common';\n@Injectable()\nexport class Db implements OnApplicationShutdown {\n  async onApplicationShutdown() {\n    return undefined;\n  }\n}\n`;
      const nest = await checkOf({ 'src/main.ts': main, 'src/db.ts': hooks }, 'graceful-shutdown');
      assert.equal(nest.status, 'fail');
      const frontend = await checkOf(
        {
          'package.json': JSON.stringify({ name: 'web', dependencies: { react: '^18', vite: '^5' } }),
          'src/main.tsx': `import { createRoot } from 'react-dom/client';\nconst app = document.getElementById('app');\ncreateRoot(app!).render(null);\n`,
          'src/api.ts': `export const getHealth = () => fetch('/health');\n`,
        },
        'graceful-shutdown',
      );
      assert.equal(frontend.status, 'n/a');
    });
  });

  describe('auth-rate-limit', () => {
    it('a POST below /auth is an auth route; a project router taking the method first registers routes', async () => {
      const nest = await checkOf(
        { 'src/auth.controller.ts': `import { Controller, Post } from '@nestjs/common';\n@Controller('auth')\nexport class AuthController {\n  @Post('anonymous')\n  signIn() {\n    return {};\n  }\n}\n` },
        'auth-rate-limit',
      );
      assert.equal(nest.status, 'fail', nest.message);
      assert.deepEqual(evidence(nest), ['src/auth.controller.ts:4']);
      const promiseRouter = await checkOf(
        {
          'src/UsersRouter.js': `import PromiseRouter from './PromiseRouter';\nexport class UsersRouter extends PromiseRouter {\n  mountRoutes() {\n    this.route('POST', '/login', (req) => this.handleLogIn(req));\n    this.route('GET', '/users/me', (req) => this.handleMe(req));\n  }\n}\n`,
        },
        'auth-rate-limit',
      );
      assert.equal(promiseRouter.status, 'fail', promiseRouter.message);
      assert.deepEqual(evidence(promiseRouter), ['src/UsersRouter.js:4']);
    });

    it('near miss: GET /auth/providers lists options and takes no credentials', async () => {
      const check = await checkOf(
        { 'src/auth.controller.ts': `import { Controller, Get } from '@nestjs/common';\n@Controller('auth')\nexport class AuthController {\n  @Get('providers')\n  providers() {\n    return [];\n  }\n}\n` },
        'auth-rate-limit',
      );
      assert.equal(check.status, 'n/a');
    });
  });

  describe('the verdict', () => {
    const WARNING_ONLY = { 'src/client.ts': `export async function load(url: string) {\n  return (await fetch(url)).json();\n}\n`, 'src/log.ts': `import pino from 'pino';\nexport const logger = pino();\n` };

    it('no blockers but warnings over checklist.maxWarnings (default 0) is not ready', async () => {
      const report = await workspaceReport(WARNING_ONLY);
      assert.equal(report.summary.blocking, 0);
      assert.equal(report.summary.warnings, 1);
      assert.equal(report.summary.ready, false);
      assert.equal(report.summary.maxWarnings, 0);
      assert.deepEqual(report.summary.notReadyBecause, ['warnings']);
      assert.deepEqual(report.summary.counts, { errorFindings: 0, failedChecks: 0, warningFindings: 1, warnedChecks: 0 });
    });

    it('warnings within the configured threshold are ready', async () => {
      const config: ResolvedConfig = { ...DEFAULT_CONFIG, checklist: { ...DEFAULT_CONFIG.checklist, maxWarnings: 1 } };
      const report = await workspaceReport(WARNING_ONLY, config);
      assert.equal(report.summary.ready, true);
      assert.equal(report.summary.maxWarnings, 1);
      assert.deepEqual(report.summary.notReadyBecause, []);
    });
  });
});
