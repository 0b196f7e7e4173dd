import * as assert from 'node:assert/strict';
import { permissiveCors } from 'preflight-server/out/rules/permissive-cors';
import { applyFix, findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const EXPRESS = [`import express from 'express';`, `import cors from 'cors';`, `const app = express();`].join('\n');
const EXPRESS_CJS = [`const express = require('express');`, `const cors = require('cors');`, `const app = express();`].join('\n');
const NEST = [`import { NestFactory } from '@nestjs/core';`, `import { AppModule } from './app.module';`].join('\n');
const ALLOW_LIST = `process.env.CORS_ORIGINS?.split(',') ?? []`;
const ALLOW_LIST_DQ = `process.env.CORS_ORIGINS?.split(",") ?? []`;

testRule(permissiveCors, {
  valid: [
    { name: 'an allow-list of origins', code: lines(EXPRESS, `app.use(cors({ origin: ['https://app.example.com', 'https://admin.example.com'], credentials: true }));`) },
    { name: 'origins read from configuration', code: lines(EXPRESS, `app.use(cors({ origin: process.env.CORS_ORIGIN, credentials: true }));`) },
    {
      name: 'a callback that checks the origin (CommonJS)',
      filename: 'app.js',
      code: lines(
        EXPRESS_CJS,
        `const allowed = new Set(['https://app.example.com']);`,
        `app.use(cors({ origin(origin, callback) { callback(null, !origin || allowed.has(origin)); }, credentials: true }));`,
      ),
    },
    { name: 'origin: false and a single origin', code: lines(EXPRESS, `app.use('/a', cors({ origin: false }));`, `app.use('/b', cors({ origin: 'https://app.example.com' }));`) },
    {
      name: 'opened only in development',
      code: lines(EXPRESS, `if (process.env.NODE_ENV !== 'production') {`, `  app.use(cors());`, `}`, `const isDev = process.env.NODE_ENV === 'development';`, `app.use(isDev ? cors() : cors({ origin: ['https://app.example.com'] }));`),
    },
    { name: 'Nest: enableCors with origins from the config service', code: lines(NEST, `const app = await NestFactory.create(AppModule);`, `app.enableCors({ origin: app.get('config').get('CORS_ORIGINS') });`) },
    { name: 'Nest: NestFactory.create without a cors option', code: lines(NEST, `const app = await NestFactory.create(AppModule, { bufferLogs: true });`) },
    {
      name: 'options exported by another file of the package, with an allow-list',
      code: lines(EXPRESS, `import { corsOptions } from './config/cors';`, `app.use(cors(corsOptions));`),
      files: { 'config/cors.ts': lines(`export const corsOptions = { origin: ['https://app.example.com'], credentials: true };`) },
    },
    { name: 'a hand-set header naming one origin', code: lines(`import http from 'node:http';`, `http.createServer((req, res) => {`, `  res.setHeader('Access-Control-Allow-Origin', 'https://app.example.com');`, `  res.end();`, `});`) },
    {
      name: 'the header in an outbound request (a request header, ignored by servers)',
      code: lines(`export async function ping() {`, `  return fetch('https://api.example.com/ping', { headers: { 'Access-Control-Allow-Origin': '*' } });`, `}`),
    },
    { name: 'a cors() of the project, not the package', code: lines(`import express from 'express';`, `import { cors } from './middleware/cors';`, `const app = express();`, `app.use(cors());`) },
    {
      name: 'a wildcard whose comment says why it is safe',
      code: lines(`export function shapeHeaders(): Headers {`, `  const headers = new Headers();`, `  // Bearer-token requests are non-credentialed, so the wildcard is safe here.`, `  headers.set('access-control-allow-origin', '*');`, `  return headers;`, `}`),
    },
    {
      name: 'the request origin echoed back only when it is allowed',
      filename: 'server.js',
      code: lines(
        `const allowed = ['https://app.example.com'];`,
        `module.exports = function corsHeaders(req, res, next) {`,
        `  if (allowed.includes(req.headers.origin)) res.setHeader('Access-Control-Allow-Origin', req.headers.origin);`,
        `  next();`,
        `};`,
      ),
    },
  ],
  invalid: [
    {
      name: 'Express: cors() with no options',
      code: lines(EXPRESS, `app.use(cors());`),
      findings: [{ line: 4, message: 'CORS allows any origin (cors)' }],
      output: lines(EXPRESS, `app.use(cors({ origin: ${ALLOW_LIST} }));`),
    },
    {
      name: 'origin: "*" (CommonJS, double quotes)',
      filename: 'app.js',
      code: lines(`const express = require("express");`, `const cors = require("cors");`, `const app = express();`, `app.use(cors({ origin: "*" }));`),
      findings: [{ line: 4 }],
      output: lines(`const express = require("express");`, `const cors = require("cors");`, `const app = express();`, `app.use(cors({ origin: ${ALLOW_LIST_DQ} }));`),
    },
    {
      name: 'origin: true with credentials: true reflects any origin with cookies',
      code: lines(EXPRESS, `app.use(cors({ origin: true, credentials: true }));`),
      findings: [{ line: 4, message: 'reflects any origin with credentials: true' }],
      output: lines(EXPRESS, `app.use(cors({ origin: ${ALLOW_LIST}, credentials: true }));`),
    },
    {
      name: 'a callback that always allows, with credentials',
      filename: 'app.js',
      code: lines(EXPRESS_CJS, `app.use(cors({`, `  origin: (origin, callback) => callback(null, true),`, `  credentials: true,`, `}));`),
      findings: [{ line: 4, message: 'with credentials' }],
      output: lines(EXPRESS_CJS, `app.use(cors({`, `  origin: ${ALLOW_LIST},`, `  credentials: true,`, `}));`),
    },
    {
      name: 'options held by a const with credentials and no origin',
      code: lines(EXPRESS, `const corsOptions = { credentials: true };`, `app.use(cors(corsOptions));`),
      findings: [{ line: 5 }],
      output: lines(EXPRESS, `const corsOptions = { credentials: true, origin: ${ALLOW_LIST} };`, `app.use(cors(corsOptions));`),
    },
    {
      name: 'Nest: enableCors() with no options',
      code: lines(NEST, `const app = await NestFactory.create(AppModule);`, `app.enableCors();`, `await app.listen(3000);`),
      findings: [{ line: 4, message: '@nestjs/core' }],
      output: lines(NEST, `const app = await NestFactory.create(AppModule);`, `app.enableCors({ origin: ${ALLOW_LIST} });`, `await app.listen(3000);`),
    },
    {
      name: 'Nest: NestFactory.create(..., { cors: true })',
      code: lines(NEST, `const app = await NestFactory.create(AppModule, { cors: true });`),
      findings: [{ line: 3 }],
      output: lines(NEST, `const app = await NestFactory.create(AppModule, { cors: { origin: ${ALLOW_LIST} } });`),
    },
    {
      name: 'Fastify: @fastify/cors registered with no options',
      code: lines(`import Fastify from 'fastify';`, `import cors from '@fastify/cors';`, `const fastify = Fastify();`, `await fastify.register(cors);`),
      findings: [{ line: 4 }],
      output: lines(`import Fastify from 'fastify';`, `import cors from '@fastify/cors';`, `const fastify = Fastify();`, `await fastify.register(cors, { origin: ${ALLOW_LIST} });`),
    },
    {
      name: 'Fastify (CommonJS): origin: true',
      filename: 'server.js',
      code: lines(`const fastify = require('fastify')();`, `fastify.register(require('@fastify/cors'), { origin: true });`),
      findings: [{ line: 2, message: 'reflects any origin' }],
    },
    {
      name: '@koa/cors with credentials answers any origin with its own (no array fix: Koa takes a function)',
      filename: 'app.js',
      code: lines(`const Koa = require('koa');`, `const cors = require('@koa/cors');`, `const app = new Koa();`, `app.use(cors({ credentials: true }));`),
      findings: [{ line: 4, message: 'with credentials: true' }],
    },
    {
      name: 'Hono: cors() on every path',
      code: lines(`import { Hono } from 'hono';`, `import { cors } from 'hono/cors';`, `const app = new Hono();`, `app.use('*', cors());`),
      findings: [{ line: 4 }],
      output: lines(`import { Hono } from 'hono';`, `import { cors } from 'hono/cors';`, `const app = new Hono();`, `app.use('*', cors({ origin: ${ALLOW_LIST} }));`),
    },
    {
      name: 'a hand-set Access-Control-Allow-Origin: *',
      code: lines(`import type { Request, Response, NextFunction } from 'express';`, `export function allowAll(req: Request, res: Response, next: NextFunction) {`, `  res.setHeader('Access-Control-Allow-Origin', '*');`, `  next();`, `}`),
      findings: [{ line: 3, message: 'Access-Control-Allow-Origin: *' }],
    },
    {
      name: 'a wildcard header in a Next.js route response',
      filename: 'app/api/data/route.ts',
      code: lines(`import { NextResponse } from 'next/server';`, `export async function GET() {`, `  return NextResponse.json({ ok: true }, { headers: { 'Access-Control-Allow-Origin': '*' } });`, `}`),
      findings: [{ line: 3 }],
    },
    {
      name: 'the request origin echoed back with credentials',
      filename: 'cors.js',
      code: lines(`module.exports = function corsHeaders(req, res, next) {`, `  res.set('Access-Control-Allow-Origin', req.get('origin') || '*');`, `  res.set('Access-Control-Allow-Credentials', 'true');`, `  next();`, `};`),
      findings: [{ line: 2, message: 'whatever Origin the request sends together with Access-Control-Allow-Credentials' }],
    },
    {
      name: 'options exported by another file of the package allow any origin',
      code: lines(EXPRESS, `import { corsOptions } from './config/cors';`, `app.use(cors(corsOptions));`),
      files: { 'config/cors.ts': lines(`export const corsOptions = { origin: '*' };`) },
      findings: [{ line: 5, message: 'options from' }],
    },
  ],
});

describe('permissive-cors severity', () => {
  it('is an error for a reflected origin with credentials, a warning for "*"', () => {
    const [credentialed] = findingsOf(permissiveCors, lines(EXPRESS, `app.use(cors({ origin: true, credentials: true }));`));
    const [wildcard] = findingsOf(permissiveCors, lines(EXPRESS, `app.use(cors({ origin: '*', credentials: true }));`));
    const [reflected] = findingsOf(permissiveCors, lines(EXPRESS, `app.use(cors({ origin: true }));`));
    assert.equal(credentialed?.severity, 'error');
    assert.equal(wildcard?.severity, 'warning');
    assert.equal(reflected?.severity, 'warning');
  });

  it('asking again after the fix offers no fix (idempotent)', () => {
    const code = lines(EXPRESS, `app.use(cors());`);
    const [finding] = findingsOf(permissiveCors, code);
    const fixed = applyFix(code, finding!.fixes[0]!);
    assert.equal(findingsOf(permissiveCors, fixed).length, 0);
  });
});
