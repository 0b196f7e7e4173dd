import { blockingCallInHandler } from 'preflight-server/out/rules/blocking-call-in-handler';
import { testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const EXPRESS_ESM = [`import express from 'express';`, `const app = express();`].join('\n');
const EXPRESS_CJS = [`const express = require('express');`, `const app = express();`].join('\n');

testRule(blockingCallInHandler, {
  valid: [
    {
      name: 'readFileSync at module top level (start-up)',
      code: lines(EXPRESS_ESM, `import fs from 'node:fs';`, `const template = fs.readFileSync('./template.html', 'utf8');`, `app.get('/', (req, res) => res.send(template));`),
    },
    {
      name: 'readFileSync in a function no handler calls',
      code: lines(EXPRESS_ESM, `import { readFileSync } from 'fs';`, `export function loadConfig() {`, `  return JSON.parse(readFileSync('config.json', 'utf8'));`, `}`, `app.get('/', (req, res) => res.send('ok'));`),
    },
    {
      name: 'the async form in a handler',
      code: lines(EXPRESS_ESM, `import { readFile } from 'fs/promises';`, `app.get('/', async (req, res) => {`, `  res.send(await readFile('./page.html', 'utf8'));`, `});`),
    },
    {
      name: 'a one-off script under scripts/',
      filename: 'scripts/export.ts',
      code: lines(EXPRESS_ESM, `import fs from 'fs';`, `app.get('/', (req, res) => {`, `  fs.writeFileSync('out.json', '{}');`, `  res.end();`, `});`),
    },
    {
      name: 'a result cached in a module variable on first use (??=)',
      code: lines(EXPRESS_ESM, `import fs from 'fs';`, `let cached: string | undefined;`, `app.get('/', (req, res) => {`, `  cached ??= fs.readFileSync('./page.html', 'utf8');`, `  res.send(cached);`, `});`),
    },
    {
      name: 'a result cached behind if (!x)',
      filename: 'server.js',
      code: lines(EXPRESS_CJS, `const fs = require('fs');`, `let page;`, `function getPage() {`, `  if (!page) page = fs.readFileSync('./page.html', 'utf8');`, `  return page;`, `}`, `app.get('/', (req, res) => res.send(getPage()));`),
    },
    {
      name: 'a local function named readFileSync',
      code: lines(EXPRESS_ESM, `function readFileSync(name: string) { return name; }`, `app.get('/', (req, res) => res.send(readFileSync('x')));`),
    },
    {
      name: 'a method of a project class named hashSync',
      code: lines(EXPRESS_ESM, `class Hasher { hashSync(value: string) { return value.length; } }`, `const hasher = new Hasher();`, `app.post('/h', (req, res) => res.json(hasher.hashSync(String(req.body.v))));`),
    },
    {
      name: 'a Nest onModuleInit hook',
      code: lines(
        `import { Controller, Get, type OnModuleInit } from '@nestjs/common';`,
        `import * as fs from 'fs';`,
        `@Controller('keys')`,
        `export class KeysController implements OnModuleInit {`,
        `  private key = '';`,
        `  onModuleInit() {`,
        `    this.key = fs.readFileSync('/run/secrets/key', 'utf8');`,
        `  }`,
        `  @Get()`,
        `  get() {`,
        `    return this.key.length;`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'crypto.randomBytes is not a blocking export in the table',
      code: lines(EXPRESS_ESM, `import crypto from 'crypto';`, `app.get('/token', (req, res) => res.send(crypto.randomBytes(16).toString('hex')));`),
    },
    {
      name: 'readFileSync in the listen callback (start-up)',
      code: lines(EXPRESS_ESM, `import fs from 'fs';`, `app.get('/', (req, res) => res.end());`, `app.listen(3000, () => {`, `  console.log(fs.readFileSync('./banner.txt', 'utf8'));`, `});`),
    },
    {
      name: 'readFileSync in a Nest controller constructor (runs once, when the module is built)',
      code: lines(
        `import { Controller, Get } from '@nestjs/common';`,
        `import { readFileSync } from 'node:fs';`,
        `@Controller('sitemap.xml')`,
        `export class SitemapController {`,
        `  private readonly xml: string;`,
        `  constructor() {`,
        `    this.xml = readFileSync('./sitemap.xml', 'utf8');`,
        `  }`,
        `  @Get()`,
        `  get() {`,
        `    return this.xml;`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'execSync in a bin/ program',
      filename: 'bin/deploy.js',
      code: lines(EXPRESS_CJS, `const { execSync } = require('child_process');`, `app.post('/deploy', (req, res) => { execSync('make'); res.end(); });`),
    },
  ],
  invalid: [
    {
      name: 'fs.readFileSync in an Express handler (ESM, default import), fixed with fs.promises',
      code: lines(EXPRESS_ESM, `import fs from 'node:fs';`, `app.get('/page', async (req, res) => {`, `  const html = fs.readFileSync('./page.html', 'utf8');`, `  res.send(html);`, `});`),
      findings: [{ line: 5, message: '`readFileSync` waits for the disk' }],
      output: lines(EXPRESS_ESM, `import fs from 'node:fs';`, `app.get('/page', async (req, res) => {`, `  const html = await fs.promises.readFile('./page.html', 'utf8');`, `  res.send(html);`, `});`),
    },
    {
      name: 'a named readFileSync import, fixed with readFile from fs/promises',
      code: lines(EXPRESS_ESM, `import { readFileSync } from 'fs';`, `app.get('/page', async (req, res) => {`, `  res.send(readFileSync('./page.html').toString());`, `});`),
      findings: [{ line: 5 }],
      output: lines(EXPRESS_ESM, `import { readFileSync } from 'fs';`, `import { readFile } from 'fs/promises';`, `app.get('/page', async (req, res) => {`, `  res.send((await readFile('./page.html')).toString());`, `});`),
    },
    {
      name: 'writeFileSync in a CommonJS handler (no fix: not async)',
      filename: 'server.js',
      code: lines(EXPRESS_CJS, `const fs = require('fs');`, `app.post('/notes', (req, res) => {`, `  fs.writeFileSync('/data/notes.txt', String(req.body.text));`, `  res.sendStatus(204);`, `});`),
      findings: [{ line: 5 }],
    },
    {
      name: 'bcrypt.hashSync in a signup handler, fixed with await bcrypt.hash',
      code: lines(EXPRESS_ESM, `import bcrypt from 'bcrypt';`, `app.post('/signup', async (req, res) => {`, `  const hash = bcrypt.hashSync(String(req.body.password), 12);`, `  res.json({ hash });`, `});`),
      findings: [{ line: 5, message: 'password hash' }],
      output: lines(EXPRESS_ESM, `import bcrypt from 'bcrypt';`, `app.post('/signup', async (req, res) => {`, `  const hash = await bcrypt.hash(String(req.body.password), 12);`, `  res.json({ hash });`, `});`),
    },
    {
      name: 'bcryptjs compareSync in a helper the login route calls (CommonJS)',
      filename: 'auth.js',
      code: lines(EXPRESS_CJS, `const bcrypt = require('bcryptjs');`, `function check(password, hash) {`, `  return bcrypt.compareSync(password, hash);`, `}`, `app.post('/login', (req, res) => res.json(check(req.body.password, req.body.hash)));`),
      findings: [{ line: 5 }],
    },
    {
      name: 'crypto.pbkdf2Sync in a Fastify route',
      code: lines(
        `import Fastify from 'fastify';`,
        `import { pbkdf2Sync } from 'node:crypto';`,
        `const fastify = Fastify();`,
        `fastify.post('/derive', async (request) => {`,
        `  return pbkdf2Sync('secret', 'salt', 100000, 64, 'sha512').toString('hex');`,
        `});`,
      ),
      findings: [{ line: 5, message: 'key derivation' }],
      output: lines(
        `import Fastify from 'fastify';`,
        `import { pbkdf2Sync, pbkdf2 } from 'node:crypto';`,
        `import { promisify } from 'node:util';`,
        `const fastify = Fastify();`,
        `fastify.post('/derive', async (request) => {`,
        `  return (await promisify(pbkdf2)('secret', 'salt', 100000, 64, 'sha512')).toString('hex');`,
        `});`,
      ),
    },
    {
      name: 'zlib.gunzipSync in an async Hono handler, fixed with promisify(zlib.gunzip) and the file\'s own util import',
      code: lines(
        `import { Hono } from 'hono';`,
        `import * as zlib from 'zlib';`,
        `import { promisify as toPromise } from 'util';`,
        `const app = new Hono();`,
        `app.post('/unpack', async (c) => {`,
        `  const body = Buffer.from(await c.req.arrayBuffer());`,
        `  return c.text(zlib.gunzipSync(body).toString());`,
        `});`,
      ),
      findings: [{ line: 7 }],
      output: lines(
        `import { Hono } from 'hono';`,
        `import * as zlib from 'zlib';`,
        `import { promisify as toPromise } from 'util';`,
        `const app = new Hono();`,
        `app.post('/unpack', async (c) => {`,
        `  const body = Buffer.from(await c.req.arrayBuffer());`,
        `  return c.text((await toPromise(zlib.gunzip)(body)).toString());`,
        `});`,
      ),
    },
    {
      name: 'execSync in a Koa router handler',
      code: lines(`import Router from '@koa/router';`, `import * as cp from 'child_process';`, `const router = new Router();`, `router.get('/version', (ctx) => {`, `  ctx.body = cp.execSync('git rev-parse HEAD').toString();`, `});`),
      findings: [{ line: 5, message: 'child process' }],
    },
    {
      name: 'zlib.gzipSync in a Nest controller method',
      code: lines(
        `import { Controller, Get } from '@nestjs/common';`,
        `import * as zlib from 'zlib';`,
        `@Controller('export')`,
        `export class ExportController {`,
        `  @Get()`,
        `  download() {`,
        `    return zlib.gzipSync(Buffer.from('a'.repeat(1000)));`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 7, message: 'compresses' }],
    },
    {
      name: 'readdirSync in a BullMQ processor (job code), fixed',
      code: lines(`import { Worker } from 'bullmq';`, `import fs from 'fs';`, `export const worker = new Worker('cleanup', async (job) => {`, `  const files = fs.readdirSync('/data/tmp');`, `  return files.length;`, `});`),
      findings: [{ line: 4, message: 'job processor' }],
      output: lines(`import { Worker } from 'bullmq';`, `import fs from 'fs';`, `export const worker = new Worker('cleanup', async (job) => {`, `  const files = await fs.promises.readdir('/data/tmp');`, `  return files.length;`, `});`),
    },
    {
      name: 'existsSync from fs-extra in a Next.js API route',
      filename: 'pages/api/file.ts',
      code: lines(`import fse from 'fs-extra';`, `import type { NextApiRequest, NextApiResponse } from 'next';`, `export default function handler(req: NextApiRequest, res: NextApiResponse) {`, `  res.json({ exists: fse.existsSync('/data/' + String(req.query.name)) });`, `}`),
      findings: [{ line: 4 }],
    },
    {
      name: 'scryptSync through require destructuring in an Express router',
      filename: 'routes.cjs',
      code: lines(`const { Router } = require('express');`, `const { scryptSync } = require('crypto');`, `const router = Router();`, `router.post('/key', (req, res) => {`, `  res.send(scryptSync(req.body.password, 'salt', 64).toString('hex'));`, `});`, `module.exports = router;`),
      findings: [{ line: 5 }],
    },
  ],
});
