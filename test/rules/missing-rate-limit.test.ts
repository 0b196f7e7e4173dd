import * as assert from 'node:assert/strict';
import { missingRateLimit } from 'preflight-server/out/rules/missing-rate-limit';
import { findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const EXPRESS = `import express from 'express';`;
const NEST_CONTROLLER = [
  `import { Body, Controller, Post } from '@nestjs/common';`,
  ``,
  `@Controller('auth')`,
  `export class AuthController {`,
  `  @Post('login')`,
  `  login(@Body() body: { email: string; password: string }) {`,
  `    return body.email;`,
  `  }`,
  `}`,
].join('\n');

testRule(missingRateLimit, {
  valid: [
    {
      name: 'express-rate-limit applied to the whole app',
      code: lines(EXPRESS, `import rateLimit from 'express-rate-limit';`, `const app = express();`, `app.use(rateLimit({ windowMs: 60_000, limit: 100 }));`, `app.post('/login', (req, res) => res.json({}));`),
    },
    {
      name: 'a limiter in the route\'s own middleware (CommonJS)',
      filename: 'routes.js',
      code: lines(
        `const express = require('express');`,
        `const { rateLimit } = require('express-rate-limit');`,
        `const router = express.Router();`,
        `router.post('/register', rateLimit({ windowMs: 60_000, limit: 5 }), (req, res) => res.send('ok'));`,
        `module.exports = router;`,
      ),
    },
    {
      name: 'a limiter mounted at a path above the route',
      code: lines(EXPRESS, `import rateLimit from 'express-rate-limit';`, `const app = express();`, `const authLimiter = rateLimit({ limit: 10 });`, `app.use('/auth', authLimiter);`, `app.post('/auth/login', (req, res) => res.json({}));`),
    },
    {
      name: 'a limiter applied globally in another file of the package',
      filename: 'routes/auth.ts',
      code: lines(`import { Router } from 'express';`, `export const auth = Router();`, `auth.post('/signin', (req, res) => res.json({}));`),
      files: {
        'app.ts': lines(EXPRESS, `import rateLimit from 'express-rate-limit';`, `import { auth } from './routes/auth';`, `const app = express();`, `app.use(rateLimit());`, `app.use(auth);`),
      },
    },
    {
      name: 'Nest: ThrottlerGuard bound as APP_GUARD in the app module (another file)',
      filename: 'auth.controller.ts',
      code: NEST_CONTROLLER + '\n',
      files: {
        'app.module.ts': lines(
          `import { Module } from '@nestjs/common';`,
          `import { APP_GUARD } from '@nestjs/core';`,
          `import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';`,
          `@Module({ imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 10 }])], providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })`,
          `export class AppModule {}`,
        ),
      },
    },
    {
      name: 'Nest: @UseGuards(ThrottlerGuard) on the controller',
      code: lines(
        `import { Body, Controller, Post, UseGuards } from '@nestjs/common';`,
        `import { ThrottlerGuard } from '@nestjs/throttler';`,
        `@Controller('auth')`,
        `@UseGuards(ThrottlerGuard)`,
        `export class AuthController {`,
        `  @Post('forgot-password')`,
        `  forgot(@Body() body: { email: string }) { return body; }`,
        `}`,
      ),
    },
    {
      name: 'Nest: a guard of the package that extends ThrottlerGuard, defined in another file',
      filename: 'auth.controller.ts',
      code: lines(
        `import { Body, Controller, Post, UseGuards } from '@nestjs/common';`,
        `import { CustomThrottlerGuard } from './custom-throttler.guard';`,
        `@Controller('auth')`,
        `export class AuthController {`,
        `  @Post('anonymous')`,
        `  @UseGuards(CustomThrottlerGuard)`,
        `  anonymous(@Body() body: { accessToken: string }) { return body; }`,
        `}`,
      ),
      files: {
        'custom-throttler.guard.ts': lines(`import { Injectable } from '@nestjs/common';`, `import { ThrottlerGuard } from '@nestjs/throttler';`, `@Injectable()`, `export class CustomThrottlerGuard extends ThrottlerGuard {}`),
      },
    },
    {
      name: 'Fastify: @fastify/rate-limit registered on the instance',
      code: lines(`import Fastify from 'fastify';`, `import rateLimit from '@fastify/rate-limit';`, `const fastify = Fastify();`, `await fastify.register(rateLimit, { max: 100, timeWindow: '1 minute' });`, `fastify.post('/login', async () => ({ ok: true }));`),
    },
    {
      name: 'Fastify: registered with global: false, and the route asks for a limit',
      code: lines(
        `import Fastify from 'fastify';`,
        `import rateLimit from '@fastify/rate-limit';`,
        `const fastify = Fastify();`,
        `await fastify.register(rateLimit, { global: false });`,
        `fastify.post('/login', { config: { rateLimit: { max: 5, timeWindow: '1 minute' } } }, async () => ({ ok: true }));`,
      ),
    },
    {
      name: 'rate-limiter-flexible consumed in the handler',
      code: lines(
        EXPRESS,
        `import { RateLimiterMemory } from 'rate-limiter-flexible';`,
        `const app = express();`,
        `const limiter = new RateLimiterMemory({ points: 5, duration: 60 });`,
        `app.post('/otp', async (req, res) => {`,
        `  await limiter.consume(req.ip!);`,
        `  res.json({ ok: true });`,
        `});`,
      ),
    },
    {
      name: 'koa-ratelimit applied to the Koa app (CommonJS)',
      filename: 'server.js',
      code: lines(
        `const Koa = require('koa');`,
        `const Router = require('@koa/router');`,
        `const ratelimit = require('koa-ratelimit');`,
        `const app = new Koa();`,
        `const router = new Router();`,
        `app.use(ratelimit({ driver: 'memory', db: new Map(), duration: 60000, max: 10 }));`,
        `router.post('/signup', async (ctx) => { ctx.body = {}; });`,
        `app.use(router.routes());`,
      ),
    },
    {
      name: 'Upstash Ratelimit checked in a Next.js route handler',
      filename: 'app/api/auth/login/route.ts',
      code: lines(
        `import { Ratelimit } from '@upstash/ratelimit';`,
        `import { Redis } from '@upstash/redis';`,
        `const ratelimit = new Ratelimit({ redis: Redis.fromEnv(), limiter: Ratelimit.slidingWindow(5, '1 m') });`,
        `export async function POST(request: Request) {`,
        `  const { success } = await ratelimit.limit(request.headers.get('x-forwarded-for') ?? 'anon');`,
        `  if (!success) return new Response('Too many attempts', { status: 429 });`,
        `  return Response.json({ ok: true });`,
        `}`,
      ),
    },
    {
      name: 'the project\'s own limiter, by name, in the route\'s middleware',
      code: lines(EXPRESS, `import { loginRateLimiter } from './middleware/redis-limiter';`, `const app = express();`, `app.post('/login', loginRateLimiter, (req, res) => res.json({}));`),
    },
    {
      name: 'a GET of the login page and routes that are not about authentication',
      code: lines(EXPRESS, `const app = express();`, `app.get('/login', (req, res) => res.render('login'));`, `app.post('/orders', (req, res) => res.json({}));`, `app.post('/logout', (req, res) => res.json({}));`),
    },
    {
      name: 'Nest: a route for callers signed in already (AuthGuard("jwt"))',
      code: lines(
        `import { Body, Controller, Post, UseGuards } from '@nestjs/common';`,
        `import { AuthGuard } from '@nestjs/passport';`,
        `@Controller('auth')`,
        `export class AuthController {`,
        `  @Post('webauthn/verify-attestation')`,
        `  @UseGuards(AuthGuard('jwt'))`,
        `  verify(@Body() body: { credential: string }) { return body; }`,
        `}`,
      ),
    },
    {
      name: 'ending a session below /auth',
      code: lines(EXPRESS, `const app = express();`, `app.post('/auth/logout', (req, res) => res.end());`, `app.post('/api/auth/sign-out', (req, res) => res.end());`),
    },
    {
      name: 'Next.js pages API: a token route that answers GET only',
      filename: 'pages/api/v1/preserved/token.ts',
      code: lines(
        `import type { NextApiRequest, NextApiResponse } from 'next';`,
        `export default async function handler(req: NextApiRequest, res: NextApiResponse) {`,
        `  if (req.method !== 'GET') return res.status(405).end();`,
        `  res.json({ url: '/x' });`,
        `}`,
      ),
    },
    {
      name: 'Better Auth serves the sign-in routes and limits them itself',
      filename: 'app/api/auth/[...all]/route.ts',
      code: lines(`import { toNextJsHandler } from 'better-auth/next-js';`, `import { auth } from '@/lib/auth';`, `export const { GET, POST } = toNextJsHandler(auth);`),
      files: { 'lib/auth.ts': lines(`import { betterAuth } from 'better-auth';`, `export const auth = betterAuth({ emailAndPassword: { enabled: true } });`) },
    },
    {
      name: 'a handler that starts by reading the signed-in caller and leaves without one',
      filename: 'app/api/auth/verify/route.ts',
      code: lines(
        `import { parseRequest } from '@/lib/request';`,
        `export async function POST(request: Request) {`,
        `  const { auth, error } = await parseRequest(request);`,
        `  if (error) return error();`,
        `  return Response.json({ user: auth.user });`,
        `}`,
      ),
    },
    {
      name: 'a route wrapper told to authenticate the session',
      filename: 'app/api/v3/gateway/token/route.ts',
      code: lines(`import { withApiWrapper } from '@/lib/api-wrapper';`, `export const POST = withApiWrapper({`, `  auth: 'session',`, `  handler: async ({ authentication }: { authentication: unknown }) => Response.json({ authentication }),`, `});`),
    },
  ],
  invalid: [
    {
      name: 'a login that looks the user up by what the caller sent is not a signed-in check',
      filename: 'app/api/auth/login/route.ts',
      code: lines(
        `import { findUserByEmail } from '@/lib/users';`,
        `export async function POST(request: Request) {`,
        `  const { email } = await request.json();`,
        `  const user = await findUserByEmail(email);`,
        `  if (!user) return new Response('Unauthorized', { status: 401 });`,
        `  return Response.json({ id: user.id });`,
        `}`,
      ),
      findings: [{ line: 2 }],
    },
    {
      name: 'Next.js pages API: forgot-password handles POST',
      filename: 'pages/api/v1/auth/forgot-password.ts',
      code: lines(
        `import type { NextApiRequest, NextApiResponse } from 'next';`,
        `export default async function forgotPassword(req: NextApiRequest, res: NextApiResponse) {`,
        `  if (req.method === 'POST') {`,
        `    res.json({ sent: true });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 2, message: 'The route /api/v1/auth/forgot-password' }],
    },
    {
      name: 'Express: a login route in an app with no limiter',
      code: lines(EXPRESS, `const app = express();`, `app.post('/login', (req, res) => res.json({}));`, `app.listen(3000);`),
      findings: [{ line: 3, message: 'POST /login has no rate limit' }],
    },
    {
      name: 'Express router, CommonJS: register',
      filename: 'users.js',
      code: lines(`const { Router } = require('express');`, `const router = Router();`, `router.post('/register', async (req, res) => res.status(201).end());`, `module.exports = router;`),
      findings: [{ line: 3, message: 'POST /register' }],
    },
    {
      name: 'a password reset route in a plain JavaScript app',
      filename: 'app.js',
      code: lines(`const express = require('express');`, `const app = express();`, `app.post('/password/reset', (req, res) => res.end());`),
      findings: [{ line: 3, message: 'credential stuffing' }],
    },
    {
      name: 'Fastify without @fastify/rate-limit',
      code: lines(`import Fastify from 'fastify';`, `const fastify = Fastify();`, `fastify.post('/auth/login', async () => ({ token: 'x' }));`),
      findings: [{ line: 3 }],
    },
    {
      name: 'Fastify: registered with global: false, and the route does not ask for a limit',
      code: lines(`import Fastify from 'fastify';`, `import rateLimit from '@fastify/rate-limit';`, `const fastify = Fastify();`, `await fastify.register(rateLimit, { global: false });`, `fastify.post('/login', async () => ({ ok: true }));`),
      findings: [{ line: 5 }],
    },
    {
      name: 'Koa router: sign-in',
      filename: 'auth.js',
      code: lines(`const Router = require('@koa/router');`, `const router = new Router();`, `router.post('/signin', async (ctx) => { ctx.body = {}; });`, `module.exports = router;`),
      findings: [{ line: 3 }],
    },
    {
      name: 'Hono: OTP verification',
      code: lines(`import { Hono } from 'hono';`, `const app = new Hono();`, `app.post('/otp/verify', async (c) => c.json({ ok: true }));`, `export default app;`),
      findings: [{ line: 3 }],
    },
    {
      name: 'Nest: a login route and no throttler anywhere (at the route decorator)',
      code: NEST_CONTROLLER + '\n',
      findings: [{ line: 5, column: 3, message: 'POST /auth/login has no rate limit' }],
    },
    {
      name: 'Nest: ThrottlerModule configured in another file but no ThrottlerGuard bound',
      filename: 'auth.controller.ts',
      code: NEST_CONTROLLER + '\n',
      files: {
        'app.module.ts': lines(`import { Module } from '@nestjs/common';`, `import { ThrottlerModule } from '@nestjs/throttler';`, `@Module({ imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 10 }])] })`, `export class AppModule {}`),
      },
      findings: [{ line: 5, message: 'no ThrottlerGuard is bound' }],
    },
    {
      name: 'Nest: @SkipThrottle() takes the login route out of a global guard',
      filename: 'auth.controller.ts',
      code: lines(
        `import { Body, Controller, Post } from '@nestjs/common';`,
        `import { SkipThrottle } from '@nestjs/throttler';`,
        `@Controller('auth')`,
        `export class AuthController {`,
        `  @SkipThrottle()`,
        `  @Post('token')`,
        `  token(@Body() body: { code: string }) { return body; }`,
        `}`,
      ),
      files: {
        'app.module.ts': lines(`import { Module } from '@nestjs/common';`, `import { APP_GUARD } from '@nestjs/core';`, `import { ThrottlerGuard } from '@nestjs/throttler';`, `@Module({ providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })`, `export class AppModule {}`),
      },
      findings: [{ line: 6, message: '@SkipThrottle()' }],
    },
    {
      name: 'a limiter on the login route only: forgot-password is open',
      code: lines(
        EXPRESS,
        `import rateLimit from 'express-rate-limit';`,
        `const app = express();`,
        `const loginLimiter = rateLimit({ limit: 5 });`,
        `app.post('/login', loginLimiter, (req, res) => res.json({}));`,
        `app.post('/forgot-password', (req, res) => res.json({}));`,
      ),
      findings: [{ line: 6, message: 'POST /forgot-password' }],
    },
    {
      name: 'a limiter exported by another file and applied to one route only',
      filename: 'routes/users.ts',
      code: lines(`import { Router } from 'express';`, `import { loginLimiter } from '../limits';`, `export const users = Router();`, `users.post('/sign-in', loginLimiter, (req, res) => res.json({}));`, `users.post('/sign-up', (req, res) => res.json({}));`),
      files: { 'limits.ts': lines(`import rateLimit from 'express-rate-limit';`, `export const loginLimiter = rateLimit({ windowMs: 60_000, limit: 5 });`) },
      findings: [{ line: 5, message: 'POST /sign-up' }],
    },
    {
      name: 'a limiter mounted at another path of the same app',
      code: lines(EXPRESS, `import rateLimit from 'express-rate-limit';`, `const app = express();`, `app.use('/api/uploads', rateLimit({ limit: 10 }));`, `app.post('/auth/login', (req, res) => res.json({}));`),
      findings: [{ line: 5 }],
    },
    {
      name: 'Next.js: a sign-up route handler with no limiter',
      filename: 'app/api/auth/signup/route.ts',
      code: lines(`export async function POST(request: Request) {`, `  const body = await request.json();`, `  return Response.json({ email: body.email }, { status: 201 });`, `}`),
      findings: [{ line: 1 }],
    },
  ],
});

describe('missing-rate-limit messages', () => {
  it('explain credential stuffing in the rule\'s summary', () => {
    assert.match(missingRateLimit.meta.summary ?? '', /thousands of attempts a minute/);
    assert.deepEqual(missingRateLimit.meta.cwe, [307, 770]);
  });

  it('a limiter mounted at an unrelated path of the same file does not cover the login route', () => {
    const code = lines(EXPRESS, `import rateLimit from 'express-rate-limit';`, `const app = express();`, `app.use('/admin', rateLimit());`, `app.post('/login', (req, res) => res.json({}));`);
    assert.equal(findingsOf(missingRateLimit, code).length, 1);
  });
});
