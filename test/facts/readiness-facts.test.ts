import * as assert from 'node:assert/strict';
import { AnalysisProject, FileFacts } from 'preflight-server';
import { isAuthPath, isHealthPath, isRequestHandlingCode, routeRegistrations, type RouteRegistration } from 'preflight-server/out/facts/routes';
import { listenCalls, mayHandleShutdown, shutdownHandling, shutdownLocationsIn, signalHandlers } from 'preflight-server/out/facts/process';
import { summariseFile } from 'preflight-server/out/checklist/workspace-facts';
import { libraryImports } from 'preflight-server/out/facts/imports';
import { featureFlagChecks, isFlagGuarded } from 'preflight-server/out/facts/feature-flags';
import { jsonLogWrites } from 'preflight-server/out/facts/json-logging';
import { SyntaxKind } from 'ts-morph';

const project = new AnalysisProject({ inMemory: true });
let counter = 0;

function withFacts<T>(code: string, read: (facts: FileFacts) => T, filename = 'file.ts'): T {
  counter += 1;
  const file = `/readiness/${counter}/${filename}`;
  const sourceFile = project.upsert(file, code);
  try {
    return read(new FileFacts(sourceFile));
  } finally {
    project.remove(file);
  }
}

function routes(code: string, filename?: string): string[] {
  return withFacts(code, (facts) => routeRegistrations(facts).map(label), filename);
}

function label(registration: RouteRegistration): string {
  return `${registration.framework} ${registration.kind} ${registration.method} ${registration.path ?? '?'} @${registration.node.getStartLineNumber()}`;
}

function listens(code: string): string[] {
  return withFacts(code, (facts) => listenCalls(facts).map((listen) => `${listen.framework} ${listen.via} @${listen.node.getStartLineNumber()}`));
}

function sigterm(code: string): string[] {
  return withFacts(code, (facts) => shutdownHandling(facts).map((handling) => `${handling.kind} @${handling.node.getStartLineNumber()}`));
}

describe('facts/routes: route registrations', () => {
  it('Express app and Router registrations, with middleware and mounted routers', () => {
    assert.deepEqual(
      routes(`import express, { Router } from 'express';
const app = express();
const router = Router();
const admin = express.Router();
app.use(express.json());
app.get('/health', (req, res) => res.send('ok'));
router.post('/login', async (req, res) => {});
admin.delete('/users/:id', handler);
app.use('/api', router);
function handler() {}`),
      [
        'express middleware use ? @5',
        'express route get /health @6',
        'express route post /login @7',
        'express route delete /users/:id @8',
        'express middleware use /api @9',
      ],
    );
  });

  it('Express route() chains and require()', () => {
    assert.deepEqual(
      routes(`const express = require('express');
const app = express();
app.route('/books').get(list).post(create);
function list() {}
function create() {}`),
      ['express route get /books @3', 'express route post /books @3'],
    );
  });

  it('does not take app.get(setting) for a route, nor calls on other libraries', () => {
    assert.deepEqual(
      routes(`import express from 'express';
import axios from 'axios';
const app = express();
const env = app.get('env');
const cache = new Map<string, string>();
cache.get('/login');
axios.post('/login', { user: 'a' });
export async function save(client: { post(path: string, body: unknown): void }) { client.post('/register', {}); }
export async function signIn(app: { post(path: string, body: unknown): void }, payload: unknown) { app.post('/login', payload); }
import api from './api';
const body = {};
api.post('/login', body);`),
      [],
    );
  });

  it('Fastify: shorthand with schema, route({...}), plugins by type, register() and fastify-plugin', () => {
    assert.deepEqual(
      routes(`import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
const fastify = Fastify({ logger: true });
fastify.post('/signup', { schema: { body: {} } }, async () => ({}));
fastify.route({ method: 'POST', url: '/token', handler: async () => ({}) });
export async function plugin(instance: FastifyInstance) { instance.get('/healthz', async () => 'ok'); }
fastify.register(async (scoped) => { scoped.put('/items/:id', async () => ({})); });
export default fp(async (app) => { app.get('/readyz', async () => 'ok'); });`),
      [
        'fastify route post /signup @4',
        'fastify route post /token @5',
        'fastify route get /healthz @6',
        'fastify middleware register ? @7',
        'fastify route put /items/:id @7',
        'fastify route get /readyz @8',
      ],
    );
    const schema = withFacts(`import Fastify from 'fastify';
const app = Fastify();
app.post('/a', { schema: { body: {} } }, async () => ({}));
app.post('/b', async () => ({}));`, (facts) => routeRegistrations(facts).map((r) => r.hasSchema));
    assert.deepEqual(schema, [true, false]);
  });

  it('Koa router (including named routes) and Hono (including chains)', () => {
    assert.deepEqual(
      routes(`import Koa from 'koa';
import Router from '@koa/router';
const app = new Koa();
const router = new Router();
router.post('/login', async (ctx) => {});
router.get('user', '/users/:id', async (ctx) => {});
app.use(router.routes());`),
      ['koa route post /login @5', 'koa route get /users/:id @6', 'koa middleware use ? @7'],
    );
    assert.deepEqual(
      routes(`import { Hono } from 'hono';
const app = new Hono();
app.get('/a', (c) => c.text('a')).post('/b', (c) => c.text('b'));
app.on('POST', '/otp', (c) => c.text('c'));`),
      ['hono route get /a @3', 'hono route post /b @3', 'hono route post /otp @4'],
    );
  });

  it('NestJS controllers join the controller prefix with the method path', () => {
    assert.deepEqual(
      routes(`import { Controller, Get, Post } from '@nestjs/common';
@Controller('auth')
export class AuthController {
  @Post('login')
  login() {}
  @Get()
  me() {}
  helper() {}
}
class NotAController { @Get('x') x() {} }`),
      ['nestjs route post /auth/login @4', 'nestjs route get /auth @6'],
    );
  });

  it('Next.js API routes by file path', () => {
    assert.deepEqual(routes(`export default function handler(req, res) { res.json({}); }`, 'pages/api/auth/login.ts'), ['next route all /api/auth/login @1']);
    assert.deepEqual(
      routes(`export async function GET() { return Response.json({ ok: true }); }\nexport const POST = async () => new Response();\nexport function helper() {}`, 'app/(ops)/api/health/route.ts'),
      ['next route get /api/health @1', 'next route post /api/health @2'],
    );
    assert.deepEqual(routes(`export default function Page() { return null; }`, 'app/dashboard/page.tsx'), []);
  });

  it('conventional receivers: a route module taking the app as a parameter', () => {
    assert.deepEqual(
      routes(`module.exports = function routes(app) {
  app.post('/register', (req, res) => res.end());
  app.get(somePath, (req, res) => res.end());
};`, 'routes.js'),
      ['unknown route post /register @2'],
    );
  });

  it('request-handling code: handlers, and functions of the file they call', () => {
    const result = withFacts(`import express from 'express';
const app = express();
function load(id: string) { return marker('in-helper'); }
function unrelated() { return marker('outside'); }
app.get('/x/:id', async (req, res) => { res.json(await load(req.params.id)); });
function marker(label: string) { return label; }`, (facts) =>
      facts.sourceFile
        .getDescendantsOfKind(SyntaxKind.StringLiteral)
        .filter((literal) => ['in-helper', 'outside'].includes(literal.getLiteralValue()))
        .map((literal) => `${literal.getLiteralValue()}=${isRequestHandlingCode(literal, facts)}`),
    );
    assert.deepEqual(result, ['in-helper=true', 'outside=false']);
  });
});

describe('facts/routes: path classification', () => {
  it('health paths', () => {
    for (const path of ['/health', '/healthz', '/api/health', '/readyz', '/livez', '/status', '/api/v1/status', '/_health']) assert.ok(isHealthPath(path), path);
    for (const path of ['/orders/:id/status', '/healthy-recipes/:id', '/users', '/order-status', undefined]) assert.ok(!isHealthPath(path), String(path));
  });
  it('auth paths', () => {
    for (const path of ['/login', '/auth/signin', '/users/sign-up', '/register', '/password/reset', '/forgot-password', '/otp/verify', '/oauth/token', '/auth/refresh-token']) {
      assert.ok(isAuthPath(path), path);
    }
    for (const path of ['/login-history', '/users/:token', '/tokens/usage', '/products', '/registry', undefined]) assert.ok(!isAuthPath(path), String(path));
  });
});

describe('facts/process: listen calls and SIGTERM handling', () => {
  it('listen calls on framework apps, node http servers, Nest apps and imported apps', () => {
    assert.deepEqual(
      listens(`import express from 'express';
import http from 'node:http';
import { NestFactory } from '@nestjs/core';
import server from './server';
const app = express();
app.listen(3000);
http.createServer(app).listen(8080);
async function bootstrap() { const nest = await NestFactory.create({}); await nest.listen(3000); }
server.listen(process.env.PORT);`),
      ['express factory @6', 'node-http factory @7', 'nestjs factory @8', 'unknown convention @9'],
    );
  });

  it('does not take other listen() calls for a server', () => {
    assert.deepEqual(
      listens(`import { Client } from 'pg';
const db = new Client();
db.listen('channel');
const emitter = { listen(x: number) { return x; } };
emitter.listen(1);
export function start(queue: { listen(): void }) { queue.listen(); }`),
      [],
    );
  });

  it('Hono serve() starts a server', () => {
    assert.deepEqual(listens(`import { serve } from '@hono/node-server';\nimport { Hono } from 'hono';\nconst app = new Hono();\nserve({ fetch: app.fetch });`), ['hono serve-function @4']);
  });

  it('SIGTERM: process.on/once with a literal, a constant, a list of signals; not SIGINT alone', () => {
    assert.deepEqual(sigterm(`process.on('SIGTERM', () => {});`), ['signal-handler @1']);
    assert.deepEqual(sigterm(`process.once('SIGTERM', () => {});`), ['signal-handler @1']);
    assert.deepEqual(sigterm(`const SIGNAL = 'SIGTERM';\nprocess.on(SIGNAL, () => {});`), ['signal-handler @2']);
    assert.deepEqual(sigterm(`['SIGINT', 'SIGTERM'].forEach((signal) => process.on(signal, () => {}));`), ['signal-handler @1']);
    assert.deepEqual(sigterm(`for (const signal of ['SIGINT', 'SIGTERM'] as const) {\n  process.once(signal, () => {});\n}`), ['signal-handler @2']);
    assert.deepEqual(sigterm(`import process from 'node:process';\nprocess.on('SIGTERM', () => {});`), ['signal-handler @2']);
    assert.deepEqual(sigterm(`process.on('SIGINT', () => {});\nprocess.on('exit', () => {});`), []);
    assert.deepEqual(sigterm(`const process = { on(_s: string, _f: () => void) {} };\nprocess.on('SIGTERM', () => {});`), []);
    const signals = withFacts(`['SIGINT', 'SIGTERM'].forEach((s) => process.on(s, () => {}));`, (facts) => signalHandlers(facts).map((h) => h.signals));
    assert.deepEqual(signals, [['SIGINT', 'SIGTERM']]);
  });

  it('shutdown libraries and Nest shutdown hooks', () => {
    assert.deepEqual(sigterm(`import { createTerminus } from '@godaddy/terminus';\nimport http from 'http';\nconst server = http.createServer();\ncreateTerminus(server, {});`), ['library @4']);
    assert.deepEqual(sigterm(`const closeWithGrace = require('close-with-grace');\ncloseWithGrace({ delay: 500 }, async () => {});`), ['library @2']);
    assert.deepEqual(sigterm(`async function main(app: { enableShutdownHooks(): void }) { app.enableShutdownHooks(); }`), ['nest-shutdown-hooks @1']);
  });

  it('one shutdown fact for the checklist and missing-graceful-shutdown: shutdownLocationsIn, with a text test that never misses what it finds', () => {
    const samples = [
      `process.once('SIGTERM', () => {});`,
      `const SIGNALS = ['SIGINT', 'SIGTERM'];\nfor (const s of SIGNALS) process.on(s, () => {});`,
      `import { createHttpTerminator } from 'http-terminator';\nexport const t = createHttpTerminator({ server: undefined as never });`,
      `import stoppable from 'stoppable';\nimport http from 'http';\nstoppable(http.createServer());`,
      `async function main(app: { enableShutdownHooks(): void }) { app.enableShutdownHooks(); }`,
      `process.on('SIGINT', () => {});`,
    ].map((code) => `export {};\n${code}`);
    for (const code of samples) {
      const expected = sigterm(code);
      withFacts(code, (facts) => {
        const locations = shutdownLocationsIn(facts.sourceFile).map((location) => `${location.kind} @${location.line}`);
        assert.deepEqual(locations, expected, code);
        if (locations.length > 0) assert.ok(mayHandleShutdown(code), code);
        const checklist = summariseFile(facts.sourceFile, '/readiness').shutdown.map((location) => `${location.kind} @${location.line}`);
        assert.deepEqual(checklist, locations, code);
      });
    }
  });
});

describe('facts: libraries, feature flags, JSON logs', () => {
  it('library imports by kind, including the Nest Logger named export only', () => {
    const kinds = withFacts(`import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import pino from 'pino';
import { Logger, Injectable } from '@nestjs/common';
import type { Schema } from 'yup';
const ld = require('@launchdarkly/node-server-sdk');`, (facts) => ({
      rate: libraryImports(facts, 'rate-limit').map((u) => u.module),
      validation: libraryImports(facts, 'validation').map((u) => u.module),
      logger: libraryImports(facts, 'structured-logger').map((u) => u.module),
      flags: libraryImports(facts, 'feature-flags').map((u) => u.module),
    }));
    assert.deepEqual(kinds, { rate: ['express-rate-limit'], validation: ['zod'], logger: ['pino', '@nestjs/common'], flags: ['@launchdarkly/node-server-sdk'] });
    const nestOnly = withFacts(`import { Injectable } from '@nestjs/common';`, (facts) => libraryImports(facts, 'structured-logger').length);
    assert.equal(nestOnly, 0);
  });

  it('feature-flag guards inside a route handler or around the registration', () => {
    const guarded = withFacts(`import express from 'express';
import * as LaunchDarkly from '@launchdarkly/node-server-sdk';
const ld = LaunchDarkly.init('key');
const app = express();
app.get('/new-checkout', async (req, res) => {
  if (!(await ld.variation('new-checkout', { key: 'u' }, false))) return res.sendStatus(404);
  res.json({});
});
app.get('/old', (req, res) => res.json({}));`, (facts) => routeRegistrations(facts).map((r) => `${r.path}=${isFlagGuarded(r, facts)}`));
    assert.deepEqual(guarded, ['/new-checkout=true', '/old=false']);
    const aroundRegistration = withFacts(`import express from 'express';
import { flags } from './flags';
const app = express();
if (flags.isEnabled('beta-api')) {
  app.post('/beta', (req, res) => res.json({}));
}`, (facts) => routeRegistrations(facts).map((r) => isFlagGuarded(r, facts)));
    assert.deepEqual(aroundRegistration, [true]);
    const notAFlag = withFacts(`const settings = new Map();\nsettings.getValue?.('x');\nconst list = [1];\nlist.includes(1);`, (facts) => featureFlagChecks(facts).length);
    assert.equal(notAFlag, 0);
  });

  it('hand-written JSON log records count as structured logging; plain console.log does not', () => {
    assert.equal(withFacts(`process.stdout.write(JSON.stringify({ level: 'info', message: 'x' }) + '\\n');`, (facts) => jsonLogWrites(facts).length), 1);
    assert.equal(withFacts(`console.log(JSON.stringify({ level, msg }));\nconst level = 'info', msg = '';`, (facts) => jsonLogWrites(facts).length), 1);
    assert.equal(withFacts(`console.log('started', JSON.stringify({ port: 3000 }));`, (facts) => jsonLogWrites(facts).length), 0);
  });
});
