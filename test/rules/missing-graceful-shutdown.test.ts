import { missingGracefulShutdown } from 'preflight-server/out/rules/missing-graceful-shutdown';
import { testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const EXPRESS_ESM = [`import express from 'express';`, `const app = express();`].join('\n');
const EXPRESS_CJS = [`const express = require('express');`, `const app = express();`].join('\n');

testRule(missingGracefulShutdown, {
  valid: [
    {
      name: 'process.on SIGTERM in the same file',
      code: lines(EXPRESS_ESM, `const server = app.listen(3000);`, `process.on('SIGTERM', () => server.close());`),
    },
    {
      name: 'process.once SIGTERM (CommonJS)',
      filename: 'server.js',
      code: lines(EXPRESS_CJS, `const server = app.listen(3000);`, `process.once('SIGTERM', () => server.close(() => process.exit(0)));`),
    },
    {
      name: 'a signal list that includes SIGTERM',
      code: lines(EXPRESS_ESM, `const server = app.listen(3000);`, `for (const signal of ['SIGINT', 'SIGTERM'] as const) {`, `  process.on(signal, () => server.close());`, `}`),
    },
    {
      name: 'a signal list handled with forEach (CommonJS)',
      filename: 'main.js',
      code: lines(EXPRESS_CJS, `const server = app.listen(3000);`, `const SIGNALS = ['SIGTERM', 'SIGINT'];`, `SIGNALS.forEach((signal) => process.on(signal, () => server.close()));`),
    },
    {
      name: 'a SIGTERM handler in another file of the same package',
      code: lines(EXPRESS_ESM, `import './shutdown';`, `app.listen(3000);`),
      files: { 'shutdown.ts': lines(`process.on('SIGTERM', () => process.exit(0));`) },
    },
    {
      name: 'Nest enableShutdownHooks',
      code: lines(
        `import { NestFactory } from '@nestjs/core';`,
        `import { AppModule } from './app.module';`,
        `async function bootstrap() {`,
        `  const app = await NestFactory.create(AppModule);`,
        `  app.enableShutdownHooks();`,
        `  await app.listen(3000);`,
        `}`,
        `void bootstrap();`,
      ),
      files: { 'app.module.ts': lines(`export class AppModule {}`) },
    },
    {
      name: '@godaddy/terminus',
      code: lines(EXPRESS_ESM, `import http from 'http';`, `import { createTerminus } from '@godaddy/terminus';`, `const server = http.createServer(app);`, `createTerminus(server, { timeout: 10000 });`, `server.listen(3000);`),
    },
    {
      name: 'http-terminator',
      code: lines(EXPRESS_ESM, `import { createHttpTerminator } from 'http-terminator';`, `const server = app.listen(3000);`, `export const terminator = createHttpTerminator({ server });`),
    },
    {
      name: 'close-with-grace around Fastify',
      code: lines(`import Fastify from 'fastify';`, `import closeWithGrace from 'close-with-grace';`, `const fastify = Fastify();`, `closeWithGrace({ delay: 500 }, async () => { await fastify.close(); });`, `await fastify.listen({ port: 3000 });`),
    },
    {
      name: 'stoppable (CommonJS)',
      filename: 'index.js',
      code: lines(`const http = require('http');`, `const stoppable = require('stoppable');`, `const server = stoppable(http.createServer((req, res) => res.end('ok')));`, `server.listen(3000);`),
    },
    {
      name: 'lightship',
      code: lines(EXPRESS_ESM, `import { createLightship } from 'lightship';`, `const lightship = await createLightship();`, `const server = app.listen(3000, () => lightship.signalReady());`, `lightship.registerShutdownHandler(() => server.close());`),
    },
    {
      name: 'a one-off script that starts a mock server',
      filename: 'scripts/mock-server.ts',
      code: lines(EXPRESS_ESM, `app.listen(4000);`),
    },
    {
      name: 'a helper server bound to 127.0.0.1 (a local proxy of the process)',
      code: lines(`import http from 'node:http';`, `const proxy = http.createServer((req, res) => res.end());`, `proxy.listen(0, '127.0.0.1', () => console.log('proxy up'));`),
    },
    {
      name: 'Fastify bound to localhost',
      code: lines(`import Fastify from 'fastify';`, `const fastify = Fastify();`, `await fastify.listen({ port: 9000, host: 'localhost' });`),
    },
    {
      name: 'no server started (a router module)',
      code: lines(`import { Router } from 'express';`, `export const router = Router();`, `router.get('/', (req, res) => res.send('ok'));`),
    },
  ],
  invalid: [
    {
      name: 'Express app.listen with nothing handling SIGTERM, fixed with a handler that closes the server',
      code: lines(EXPRESS_ESM, `const server = app.listen(3000);`),
      findings: [{ line: 3, message: 'nothing in its package handles SIGTERM' }],
      output: lines(
        EXPRESS_ESM,
        `const server = app.listen(3000);`,
        `process.on('SIGTERM', () => {`,
        `  setTimeout(() => process.exit(1), 10_000).unref();`,
        `  server.close(() => process.exit(0));`,
        `});`,
      ),
    },
    {
      name: 'an unnamed listen result is named, and the Prisma client it sees is disconnected',
      code: lines(EXPRESS_ESM, `import { PrismaClient } from '@prisma/client';`, `const prisma = new PrismaClient();`, `app.get('/users', async (req, res) => res.json(await prisma.user.findMany({ take: 10 })));`, `app.listen(3000, () => console.log('up'));`),
      findings: [{ line: 6 }],
      output: lines(
        EXPRESS_ESM,
        `import { PrismaClient } from '@prisma/client';`,
        `const prisma = new PrismaClient();`,
        `app.get('/users', async (req, res) => res.json(await prisma.user.findMany({ take: 10 })));`,
        `const server = app.listen(3000, () => console.log('up'));`,
        `process.on('SIGTERM', () => {`,
        `  setTimeout(() => process.exit(1), 10_000).unref();`,
        `  server.close(async () => {`,
        `    await prisma.$disconnect();`,
        `    process.exit(0);`,
        `  });`,
        `});`,
      ),
    },
    {
      name: 'CommonJS Express without semicolons',
      filename: 'server.js',
      code: lines(`const express = require('express')`, `const app = express()`, `const server = app.listen(process.env.PORT || 3000)`),
      findings: [{ line: 3 }],
      output: lines(
        `const express = require('express')`,
        `const app = express()`,
        `const server = app.listen(process.env.PORT || 3000)`,
        `process.on('SIGTERM', () => {`,
        `  setTimeout(() => process.exit(1), 10_000).unref()`,
        `  server.close(() => process.exit(0))`,
        `})`,
      ),
    },
    {
      name: 'Nest app.listen without enableShutdownHooks, fixed by enabling them',
      code: lines(
        `import { NestFactory } from '@nestjs/core';`,
        `import { AppModule } from './app.module';`,
        `async function bootstrap() {`,
        `  const app = await NestFactory.create(AppModule);`,
        `  await app.listen(3000);`,
        `}`,
        `void bootstrap();`,
      ),
      files: { 'app.module.ts': lines(`export class AppModule {}`) },
      findings: [{ line: 5 }],
      output: lines(
        `import { NestFactory } from '@nestjs/core';`,
        `import { AppModule } from './app.module';`,
        `async function bootstrap() {`,
        `  const app = await NestFactory.create(AppModule);`,
        `  app.enableShutdownHooks();`,
        `  await app.listen(3000);`,
        `}`,
        `void bootstrap();`,
      ),
    },
    {
      name: 'Fastify listen, fixed with fastify.close()',
      code: lines(`import Fastify from 'fastify';`, `const fastify = Fastify({ logger: true });`, `await fastify.listen({ port: 3000, host: '0.0.0.0' });`),
      findings: [{ line: 3 }],
      output: lines(
        `import Fastify from 'fastify';`,
        `const fastify = Fastify({ logger: true });`,
        `await fastify.listen({ port: 3000, host: '0.0.0.0' });`,
        `process.on('SIGTERM', () => {`,
        `  setTimeout(() => process.exit(1), 10_000).unref();`,
        `  fastify.close().then(() => process.exit(0), () => process.exit(1));`,
        `});`,
      ),
    },
    {
      name: 'Koa app.listen',
      code: lines(`import Koa from 'koa';`, `const app = new Koa();`, `app.use((ctx) => { ctx.body = 'ok'; });`, `app.listen(3000);`),
      findings: [{ line: 4 }],
    },
    {
      name: 'http.createServer(...).listen',
      filename: 'server.mjs',
      code: lines(`import http from 'node:http';`, `const server = http.createServer((req, res) => res.end('ok'));`, `server.listen(8080);`),
      findings: [{ line: 3 }],
      output: lines(
        `import http from 'node:http';`,
        `const server = http.createServer((req, res) => res.end('ok'));`,
        `server.listen(8080);`,
        `process.on('SIGTERM', () => {`,
        `  setTimeout(() => process.exit(1), 10_000).unref();`,
        `  server.close(() => process.exit(0));`,
        `});`,
      ),
    },
    {
      name: 'Hono serve() from @hono/node-server',
      code: lines(`import { Hono } from 'hono';`, `import { serve } from '@hono/node-server';`, `const app = new Hono();`, `app.get('/', (c) => c.text('ok'));`, `serve({ fetch: app.fetch, port: 3000 });`),
      findings: [{ line: 5 }],
    },
    {
      name: 'a SIGINT-only handler does not cover SIGTERM',
      code: lines(EXPRESS_ESM, `const server = app.listen(3000);`, `process.on('SIGINT', () => server.close());`),
      findings: [{ line: 3 }],
    },
    {
      name: 'an uncaughtException handler is not shutdown handling (CommonJS, mongoose closed by the fix)',
      filename: 'app.js',
      code: lines(EXPRESS_CJS, `const mongoose = require('mongoose');`, `mongoose.connect(process.env.MONGO_URL);`, `process.on('uncaughtException', (err) => { console.error(err); process.exit(1); });`, `const server = app.listen(3000);`),
      findings: [{ line: 6 }],
      output: lines(
        EXPRESS_CJS,
        `const mongoose = require('mongoose');`,
        `mongoose.connect(process.env.MONGO_URL);`,
        `process.on('uncaughtException', (err) => { console.error(err); process.exit(1); });`,
        `const server = app.listen(3000);`,
        `process.on('SIGTERM', () => {`,
        `  setTimeout(() => process.exit(1), 10_000).unref();`,
        `  server.close(async () => {`,
        `    await mongoose.disconnect();`,
        `    process.exit(0);`,
        `  });`,
        `});`,
      ),
    },
    {
      name: 'a listen inside a start function',
      code: lines(EXPRESS_ESM, `export function start(port: number) {`, `  const server = app.listen(port);`, `  return server;`, `}`),
      findings: [{ line: 4 }],
    },
  ],
});
