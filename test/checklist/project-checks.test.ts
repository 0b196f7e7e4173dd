import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { DEFAULT_CONFIG } from 'preflight-server';
import { buildChecklistReport, type FactsCache } from 'preflight-server/out/checklist/report';
import type { ChecklistReport, ProjectCheck, ProjectCheckId } from 'preflight-server/out/checklist/types';
import { GitRepo, requireGit, tempDir, writeFiles } from './git-fixture';
import { checkOf, evidence, workspaceReport } from './workspace-report';

const EXPRESS_PACKAGE = JSON.stringify({ name: 'svc', dependencies: { express: '^4.19.0' } }, null, 2);

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((cleanup) => cleanup()));




const SERVER_NO_SHUTDOWN = `import express from 'express';
const app = express();
app.get('/healthz', (req, res) => res.send('ok'));
app.listen(3000);
`;

describe('checklist project checks', function () {
  this.timeout(30_000);

  describe('graceful-shutdown', () => {
    it('fails when a server starts and nothing handles SIGTERM, pointing at the listen call', async () => {
      const check = await checkOf({ 'package.json': EXPRESS_PACKAGE, 'src/server.ts': SERVER_NO_SHUTDOWN }, 'graceful-shutdown');
      assert.equal(check.status, 'fail');
      assert.deepEqual(evidence(check), ['src/server.ts:4']);
      assert.match(check.message, /src\/server\.ts never handles SIGTERM/);
    });

    it('a SIGINT handler alone does not count', async () => {
      const check = await checkOf(
        { 'package.json': EXPRESS_PACKAGE, 'src/server.ts': SERVER_NO_SHUTDOWN + `process.on('SIGINT', () => process.exit(0));\n` },
        'graceful-shutdown',
      );
      assert.equal(check.status, 'fail');
    });

    it('passes with process.on(SIGTERM) in another file of the same program', async () => {
      const check = await checkOf(
        {
          'package.json': EXPRESS_PACKAGE,
          'src/server.ts': SERVER_NO_SHUTDOWN,
          'src/shutdown.ts': `export function install(close: () => void) {\n  process.once('SIGTERM', close);\n}\n`,
        },
        'graceful-shutdown',
      );
      assert.equal(check.status, 'pass');
      assert.deepEqual(evidence(check), ['src/shutdown.ts:2']);
    });

    it('passes with a list of signals, a shutdown library, or Nest shutdown hooks', async () => {
      const viaList = await checkOf(
        { 'src/server.ts': SERVER_NO_SHUTDOWN + `for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));\n` },
        'graceful-shutdown',
      );
      assert.equal(viaList.status, 'pass');
      const viaTerminus = await checkOf(
        {
          'src/server.ts': `import http from 'node:http';\nimport { createTerminus } from '@godaddy/terminus';\nconst server = http.createServer();\ncreateTerminus(server, { signal: 'SIGTERM' });\nserver.listen(3000);\n`,
        },
        'graceful-shutdown',
      );
      assert.equal(viaTerminus.status, 'pass');
      assert.deepEqual(evidence(viaTerminus), ['src/server.ts:4']);
      const viaNest = await checkOf(
        {
          'src/main.ts': `import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.enableShutdownHooks();\n  await app.listen(3000);\n}\nbootstrap();\n`,
        },
        'graceful-shutdown',
      );
      assert.equal(viaNest.status, 'pass');
    });

    it('judges each program (package.json) of a monorepo on its own', async () => {
      const check = await checkOf(
        {
          'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['services/*'] }),
          'services/api/package.json': EXPRESS_PACKAGE,
          'services/api/src/server.ts': SERVER_NO_SHUTDOWN + `process.on('SIGTERM', () => process.exit(0));\n`,
          'services/worker/package.json': EXPRESS_PACKAGE,
          'services/worker/src/server.ts': SERVER_NO_SHUTDOWN,
        },
        'graceful-shutdown',
      );
      assert.equal(check.status, 'fail');
      assert.deepEqual(evidence(check), ['services/worker/src/server.ts:4']);
    });

    it('does not apply without a server', async () => {
      const check = await checkOf({ 'src/lib.ts': `export const emitter = { listen(port: number) { return port; } };\nemitter.listen(1);\n` }, 'graceful-shutdown');
      assert.equal(check.status, 'n/a');
      assert.match(check.lookedFor, /SIGTERM/);
    });
  });

  describe('health-endpoint', () => {
    it('passes with a /healthz route', async () => {
      const check = await checkOf({ 'src/server.ts': SERVER_NO_SHUTDOWN }, 'health-endpoint');
      assert.equal(check.status, 'pass');
      assert.deepEqual(evidence(check), ['src/server.ts:3']);
    });

    it('passes with a Nest health controller, a Next.js route file, or terminus healthChecks', async () => {
      const nest = await checkOf(
        { 'src/health.controller.ts': `import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController {\n  @Get()\n  check() { return { ok: true }; }\n}\n` },
        'health-endpoint',
      );
      assert.equal(nest.status, 'pass');
      assert.deepEqual(evidence(nest), ['src/health.controller.ts:4']);
      const next = await checkOf({ 'app/api/ready/route.ts': `export async function GET() {\n  return Response.json({ ok: true });\n}\n` }, 'health-endpoint');
      assert.equal(next.status, 'pass');
      const terminus = await checkOf(
        {
          'src/server.ts': `import http from 'node:http';\nimport { createTerminus } from '@godaddy/terminus';\nconst server = http.createServer();\ncreateTerminus(server, {\n  healthChecks: { '/healthz': async () => true },\n});\nserver.listen(3000);\n`,
        },
        'health-endpoint',
      );
      assert.equal(terminus.status, 'pass');
      assert.deepEqual(evidence(terminus), ['src/server.ts:5']);
    });

    it('warns for a server without one; /orders/:id/status is not a health endpoint', async () => {
      const check = await checkOf(
        {
          'src/server.ts': `import express from 'express';\nconst app = express();\napp.get('/orders/:id/status', (req, res) => res.json({}));\napp.listen(3000);\n`,
        },
        'health-endpoint',
      );
      assert.equal(check.status, 'warn');
      assert.deepEqual(evidence(check), ['src/server.ts:4']);
    });

    it('does not apply without a server', async () => {
      assert.equal((await checkOf({ 'src/lib.ts': `export const x = 1;\n` }, 'health-endpoint')).status, 'n/a');
    });
  });

  describe('structured-logger', () => {
    it('passes with a pino import, showing where', async () => {
      const check = await checkOf({ 'src/log.ts': `import pino from 'pino';\nexport const logger = pino();\n`, 'src/server.ts': SERVER_NO_SHUTDOWN }, 'structured-logger');
      assert.equal(check.status, 'pass');
      assert.deepEqual(evidence(check), ['src/log.ts:1']);
    });

    it('passes with a dependency in package.json (with its line)', async () => {
      const pkg = `{\n  "name": "svc",\n  "dependencies": {\n    "express": "^4",\n    "winston": "^3"\n  }\n}\n`;
      const check = await checkOf({ 'package.json': pkg, 'src/server.ts': SERVER_NO_SHUTDOWN }, 'structured-logger');
      assert.equal(check.status, 'pass');
      assert.deepEqual(evidence(check), ['package.json:5']);
    });

    it('passes with JSON log records written by hand', async () => {
      const check = await checkOf(
        { 'src/log.ts': `export function info(message: string) {\n  process.stdout.write(JSON.stringify({ level: 'info', message }) + '\\n');\n}\n` },
        'structured-logger',
      );
      assert.equal(check.status, 'pass');
      assert.deepEqual(evidence(check), ['src/log.ts:2']);
    });

    it('warns when the code only uses console.log, and says what it looked for', async () => {
      const check = await checkOf({ 'src/server.ts': SERVER_NO_SHUTDOWN + `console.log('listening');\n` }, 'structured-logger');
      assert.equal(check.status, 'warn');
      assert.deepEqual(check.evidence, []);
      assert.match(check.lookedFor, /pino/);
    });
  });

  describe('auth-rate-limit', () => {
    const AUTH_ROUTES = `import express from 'express';\nconst router = express.Router();\nrouter.post('/login', (req, res) => res.json({}));\nrouter.post('/password/reset', (req, res) => res.json({}));\nexport default router;\n`;

    it('fails when auth routes have no rate limiting, listing them', async () => {
      const check = await checkOf({ 'src/auth.ts': AUTH_ROUTES }, 'auth-rate-limit');
      assert.equal(check.status, 'fail');
      assert.deepEqual(evidence(check), ['src/auth.ts:3', 'src/auth.ts:4']);
    });

    it('passes when the program uses a rate limiter', async () => {
      const check = await checkOf(
        { 'src/auth.ts': AUTH_ROUTES, 'src/app.ts': `import rateLimit from 'express-rate-limit';\nexport const limiter = rateLimit({ windowMs: 60_000, limit: 10 });\n` },
        'auth-rate-limit',
      );
      assert.equal(check.status, 'pass');
      assert.deepEqual(evidence(check), ['src/app.ts:1']);
    });

    it('fails for an auth route no limiter reaches, though another route has one (as missing-rate-limit judges it)', async () => {
      const routes = [
        `import { Router } from 'express';`,
        `import { loginLimiter } from './limits';`,
        `export const auth = Router();`,
        `auth.post('/login', loginLimiter, (req, res) => res.json({}));`,
        `auth.post('/signup', (req, res) => res.json({}));`,
      ].join('\n');
      const check = await checkOf({ 'src/auth.ts': routes + '\n', 'src/limits.ts': `import rateLimit from 'express-rate-limit';\nexport const loginLimiter = rateLimit({ limit: 5 });\n` }, 'auth-rate-limit');
      assert.equal(check.status, 'fail');
      assert.deepEqual(evidence(check), ['src/auth.ts:5']);
    });

    it('passes for Nest routes under a ThrottlerGuard bound as APP_GUARD in another file', async () => {
      const check = await checkOf(
        {
          'src/auth.controller.ts': `import { Controller, Post } from '@nestjs/common';\n@Controller('auth')\nexport class AuthController {\n  @Post('signup')\n  signup() {}\n}\n`,
          'src/app.module.ts': `import { Module } from '@nestjs/common';\nimport { APP_GUARD } from '@nestjs/core';\nimport { ThrottlerGuard } from '@nestjs/throttler';\n@Module({ providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })\nexport class AppModule {}\n`,
        },
        'auth-rate-limit',
      );
      assert.equal(check.status, 'pass');
    });

    it('NestJS auth controllers without @nestjs/throttler fail', async () => {
      const check = await checkOf(
        { 'src/auth.controller.ts': `import { Controller, Post } from '@nestjs/common';\n@Controller('auth')\nexport class AuthController {\n  @Post('signup')\n  signup() {}\n}\n` },
        'auth-rate-limit',
      );
      assert.equal(check.status, 'fail');
      assert.deepEqual(evidence(check), ['src/auth.controller.ts:4']);
    });

    it('does not apply without auth routes (login-history, a cache lookup)', async () => {
      const check = await checkOf(
        {
          'src/app.ts': `import express from 'express';\nconst app = express();\napp.get('/login-history', (req, res) => res.json([]));\nconst cache = new Map();\ncache.set('/login', 1);\n`,
        },
        'auth-rate-limit',
      );
      assert.equal(check.status, 'n/a');
    });
  });

  describe('validation-library', () => {
    it('passes with zod, or with Fastify route schemas', async () => {
      const zod = await checkOf({ 'src/server.ts': SERVER_NO_SHUTDOWN, 'src/schemas.ts': `import { z } from 'zod';\nexport const Body = z.object({});\n` }, 'validation-library');
      assert.equal(zod.status, 'pass');
      assert.deepEqual(evidence(zod), ['src/schemas.ts:1']);
      const fastify = await checkOf(
        { 'src/server.ts': `import Fastify from 'fastify';\nconst app = Fastify();\napp.post('/items', { schema: { body: { type: 'object' } } }, async () => ({}));\n` },
        'validation-library',
      );
      assert.equal(fastify.status, 'pass');
      assert.deepEqual(evidence(fastify), ['src/server.ts:3']);
    });

    it('warns when routes exist and nothing validates, showing input routes first', async () => {
      const check = await checkOf(
        { 'src/server.ts': `import express from 'express';\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\napp.get('/items', (req, res) => res.json([]));\napp.post('/items', (req, res) => res.json(req.body));\n` },
        'validation-library',
      );
      assert.equal(check.status, 'warn');
      assert.deepEqual(evidence(check), ['src/server.ts:5', 'src/server.ts:4']);
    });

    it('does not apply without routes', async () => {
      assert.equal((await checkOf({ 'src/lib.ts': `export const x = 1;\n` }, 'validation-library')).status, 'n/a');
    });
  });

  it('the change-specific checks do not apply to a whole-workspace report', async () => {
    const report = await workspaceReport({ 'src/server.ts': SERVER_NO_SHUTDOWN, 'migrations/001.sql': 'select 1;\n' });
    for (const id of ['tests-for-changes', 'migration-with-code'] as const) {
      const check = report.projectChecks.find((c) => c.id === id)!;
      assert.equal(check.status, 'n/a', id);
      assert.match(check.message, /changed files only/);
    }
  });

  it('a facts cache is reused for unchanged files and refreshed for changed ones', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, { 'src/server.ts': SERVER_NO_SHUTDOWN, 'src/other.ts': `import { z } from 'zod';\nexport const name = z.string();\n` });
    const factsCache: FactsCache = new Map();
    const first = await buildChecklistReport({ root: dir, scope: 'workspace', config: DEFAULT_CONFIG, factsCache });
    assert.equal(first.projectChecks.find((c) => c.id === 'graceful-shutdown')!.status, 'fail');
    const otherFacts = factsCache.get(`${dir}/src/other.ts`)!.facts;
    writeFiles(dir, { 'src/server.ts': SERVER_NO_SHUTDOWN + `process.on('SIGTERM', () => process.exit(0));\n` });
    const second = await buildChecklistReport({ root: dir, scope: 'workspace', config: DEFAULT_CONFIG, factsCache });
    assert.equal(second.projectChecks.find((c) => c.id === 'graceful-shutdown')!.status, 'pass');
    assert.equal(factsCache.get(`${dir}/src/other.ts`)!.facts, otherFacts, 'unchanged file: cached facts reused');
    fs.rmSync(`${dir}/src/other.ts`);
    await buildChecklistReport({ root: dir, scope: 'workspace', config: DEFAULT_CONFIG, factsCache });
    assert.deepEqual([...factsCache.keys()], [`${dir}/src/server.ts`]);
  });

  it('failed checks count as blocking and make the report not ready', async () => {
    const report = await workspaceReport({ 'src/server.ts': SERVER_NO_SHUTDOWN });
    const failed = report.projectChecks.filter((check) => check.status === 'fail').map((check) => check.id);
    assert.deepEqual(failed, ['graceful-shutdown']);
    assert.equal(report.summary.blocking, 1);
    assert.equal(report.summary.ready, false);
  });
});

describe('checklist project checks on changes (real git)', function () {
  this.timeout(60_000);
  before(requireGit);

  async function changedReport(base: Record<string, string>, change: Record<string, string>): Promise<ChecklistReport> {
    const git = GitRepo.init(base);
    cleanups.push(() => git.remove());
    git.git('checkout', '-q', '-b', 'feature');
    git.commit('change', change);
    return buildChecklistReport({ root: git.dir, scope: 'changed', config: DEFAULT_CONFIG });
  }

  function checkIn(report: ChecklistReport, id: ProjectCheckId): ProjectCheck {
    return report.projectChecks.find((check) => check.id === id)!;
  }

  describe('tests-for-changes', () => {
    it('passes when each changed file has a changed or existing test', async () => {
      const report = await changedReport(
        { 'src/billing/client.ts': `export function a() { return 1; }\n`, 'test/billing/client.test.ts': `import { a } from '../../src/billing/client';\n` },
        { 'src/billing/client.ts': `export function a() { return 2; }\n`, 'src/tax.ts': `export function tax() { return 0; }\n`, 'test/tax-rules.spec.ts': `import { tax } from '../src/tax';\n` },
      );
      const check = checkIn(report, 'tests-for-changes');
      assert.equal(check.status, 'pass', check.message);
      assert.deepEqual(
        check.evidence.map((e) => `${e.file} ${e.text}`),
        ['test/billing/client.test.ts existing test for src/billing/client.ts', 'test/tax-rules.spec.ts changed test for src/tax.ts'],
      );
    });

    it('warns for changed code without any test; files with no code (types, constants) need none', async () => {
      const report = await changedReport(
        { 'src/a.ts': `export const A = 1;\n` },
        { 'src/payments.ts': `export async function pay() { return 1; }\n`, 'src/types.ts': `export type Id = string;\nexport const LIMIT = 10;\n` },
      );
      const check = checkIn(report, 'tests-for-changes');
      assert.equal(check.status, 'warn');
      assert.deepEqual(check.evidence.map((e) => e.file), ['src/payments.ts']);
    });
  });

  describe('migration-with-code', () => {
    it('warns when a migration and application code change together', async () => {
      const report = await changedReport(
        { 'src/users.ts': `export function find() { return 1; }\n` },
        { 'prisma/migrations/20240101_add_email/migration.sql': 'ALTER TABLE users ADD COLUMN email text;\n', 'src/users.ts': `export function find() { return 2; }\n` },
      );
      const check = checkIn(report, 'migration-with-code');
      assert.equal(check.status, 'warn');
      assert.deepEqual(check.evidence.map((e) => e.file), ['prisma/migrations/20240101_add_email/migration.sql', 'src/users.ts']);
      assert.match(check.message, /deploy the migration first/);
    });

    it('passes for a migration alone; does not apply without one', async () => {
      const alone = await changedReport({ 'src/users.ts': `export function find() { return 1; }\n` }, { 'migrations/002_index.js': `exports.up = (knex) => knex.raw('select 1');\n` });
      assert.equal(checkIn(alone, 'migration-with-code').status, 'pass');
      const none = await changedReport({ 'src/users.ts': `export function find() { return 1; }\n` }, { 'src/users.ts': `export function find() { return 3; }\n` });
      assert.equal(checkIn(none, 'migration-with-code').status, 'n/a');
    });
  });

  describe('feature-flag-guard', () => {
    const BASE = {
      'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '^4', '@launchdarkly/node-server-sdk': '^9' } }, null, 2),
      'src/flags.ts': `import * as ld from '@launchdarkly/node-server-sdk';\nexport const client = ld.init('key');\n`,
      'src/app.ts': `import express from 'express';\nexport const app = express();\napp.get('/old', (req, res) => res.json({}));\n`,
    };

    it('warns for a new route that checks no flag, and ignores routes that were already there', async () => {
      const report = await changedReport(BASE, {
        'src/app.ts': BASE['src/app.ts'] + `app.post('/checkout-v2', (req, res) => res.json({}));\n`,
      });
      const check = checkIn(report, 'feature-flag-guard');
      assert.equal(check.status, 'warn');
      assert.deepEqual(evidence(check), ['src/app.ts:4']);
    });

    it('passes when the new route checks a flag', async () => {
      const report = await changedReport(BASE, {
        'src/app.ts':
          `import express from 'express';\nimport { client } from './flags';\nexport const app = express();\napp.get('/old', (req, res) => res.json({}));\n` +
          `app.post('/checkout-v2', async (req, res) => {\n  if (!(await client.variation('checkout-v2', { key: 'u' }, false))) return res.sendStatus(404);\n  res.json({});\n});\n`,
      });
      const check = checkIn(report, 'feature-flag-guard');
      assert.equal(check.status, 'pass', check.message);
      assert.deepEqual(evidence(check), ['src/app.ts:5']);
    });

    it('does not apply when the project uses no feature-flag SDK', async () => {
      const report = await changedReport({ 'src/app.ts': BASE['src/app.ts'] }, { 'src/app.ts': BASE['src/app.ts'] + `app.post('/new', (req, res) => res.json({}));\n` });
      assert.equal(checkIn(report, 'feature-flag-guard').status, 'n/a');
    });
  });
});
