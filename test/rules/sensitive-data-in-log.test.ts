import { sensitiveDataInLog } from 'preflight-server/out/rules/sensitive-data-in-log';
import { testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

testRule(sensitiveDataInLog, {
  invalid: [
    {
      name: 'pino configured in the file: the fix adds the field to redact',
      code: lines(`import pino from 'pino';`, `const logger = pino({ level: 'info' });`, `export function login(email: string, password: string) {`, `  logger.info({ email, password }, 'login attempt');`, `}`),
      findings: [{ line: 4, message: '`password`' }],
      output: lines(`import pino from 'pino';`, `const logger = pino({ level: 'info', redact: ['password'] });`, `export function login(email: string, password: string) {`, `  logger.info({ email, password }, 'login attempt');`, `}`),
    },
    {
      name: 'pino with a redact list that misses the field: the fix appends to it (CommonJS)',
      filename: 'log.js',
      code: lines(`const pino = require('pino');`, `const log = pino({ redact: ['password'] });`, `function onToken(userId, accessToken) {`, `  log.info({ userId, accessToken }, 'issued');`, `}`, `module.exports = { onToken };`),
      findings: [{ line: 4, message: '`accessToken`' }],
      output: lines(`const pino = require('pino');`, `const log = pino({ redact: ['password', 'accessToken'] });`, `function onToken(userId, accessToken) {`, `  log.info({ userId, accessToken }, 'issued');`, `}`, `module.exports = { onToken };`),
    },
    {
      name: 'pino() without options: the fix passes them',
      code: lines(`import pino from 'pino';`, `const logger = pino();`, `export const audit = (user: { id: string; password: string }) => logger.warn({ password: user.password, id: user.id });`),
      findings: [{ line: 3, message: '`password`' }],
      output: lines(`import pino from 'pino';`, `const logger = pino({ redact: ['password'] });`, `export const audit = (user: { id: string; password: string }) => logger.warn({ password: user.password, id: user.id });`),
    },
    {
      name: 'the whole request headers in console.log (the fix leaves the argument out)',
      filename: 'app.js',
      code: lines(`const express = require('express');`, `const app = express();`, `app.use((req, res, next) => {`, `  console.log(req.method, req.url, req.headers);`, `  next();`, `});`),
      findings: [{ line: 4, message: 'the whole request headers' }],
      output: lines(`const express = require('express');`, `const app = express();`, `app.use((req, res, next) => {`, `  console.log(req.method, req.url);`, `  next();`, `});`),
    },
    {
      name: 'the whole request body under a key, winston (the fix omits the field)',
      code: lines(
        `import winston from 'winston';`,
        `const logger = winston.createLogger({});`,
        `export function handler(req: { body: unknown; path: string }) {`,
        `  logger.info('incoming', { body: req.body, path: req.path });`,
        `}`,
      ),
      findings: [{ line: 4, message: 'the whole request body' }],
      output: lines(`import winston from 'winston';`, `const logger = winston.createLogger({});`, `export function handler(req: { body: unknown; path: string }) {`, `  logger.info('incoming', { path: req.path });`, `}`),
    },
    {
      name: 'a token in a template literal (Nest Logger)',
      code: lines(`import { Logger } from '@nestjs/common';`, `const logger = new Logger('Auth');`, `export function issued(sessionToken: string) {`, '  logger.log(`issued session ${sessionToken}`);', `}`),
      findings: [{ line: 4, message: '`sessionToken`' }],
    },
    {
      name: 'the authorization header read with req.get (bunyan)',
      filename: 'auth.js',
      code: lines(`import bunyan from 'bunyan';`, `const log = bunyan.createLogger({ name: 'api' });`, `export function check(req) {`, `  log.debug({ auth: req.get('authorization') }, 'checking');`, `}`),
      findings: [{ line: 4, message: 'authorization header' }],
    },
    {
      name: "Fastify's request.log with a header",
      code: lines(`import Fastify from 'fastify';`, `const app = Fastify();`, `app.get('/me', async (request) => {`, `  request.log.info({ cookie: request.headers.cookie }, 'me');`, `  return {};`, `});`),
      findings: [{ line: 4, message: '`cookie`' }],
    },
    {
      name: 'any logger.* with a secret under a sensitive key and a card number',
      code: lines(`import { logger } from './logger';`, `export function charge(card: { number: string }, apiKey: string, orderId: string) {`, `  logger.error('charge failed', { cardNumber: card.number, apiKey, orderId });`, `}`),
      findings: [{ line: 3, message: 'writes `cardNumber` and `apiKey` to the log' }],
      output: lines(`import { logger } from './logger';`, `export function charge(card: { number: string }, apiKey: string, orderId: string) {`, `  logger.error('charge failed', { orderId });`, `}`),
    },
    {
      name: 'several tokens in one debug call are one finding (debug)',
      filename: 'auth.js',
      code: lines(
        `const debug = require('debug');`,
        `const log = debug('app:auth');`,
        `function checkAuth(token, authKey, shareToken, user) {`,
        `  log({`,
        `    token,`,
        `    user,`,
        `    authKey,`,
        `    shareToken,`,
        `  });`,
        `}`,
        `module.exports = { checkAuth };`,
      ),
      findings: [{ line: 5, message: '`token`, `authKey` and `shareToken`' }],
      output: lines(`const debug = require('debug');`, `const log = debug('app:auth');`, `function checkAuth(token, authKey, shareToken, user) {`, `  log({`, `    user,`, `  });`, `}`, `module.exports = { checkAuth };`),
    },
    {
      name: 'a password concatenated into a console message',
      code: lines(`export function debugLogin(user: { email: string; password: string }) {`, `  console.debug('login ' + user.email + ' with ' + user.password);`, `}`),
      findings: [{ line: 2, message: '`password`' }],
    },
    {
      name: 'the whole Koa request body through JSON.stringify',
      code: lines(`import Router from '@koa/router';`, `const router = new Router();`, `router.post('/signup', async (ctx) => {`, `  console.info(JSON.stringify(ctx.request.body));`, `});`),
      findings: [{ line: 4, message: 'the whole request body' }],
    },
    {
      name: 'a refresh token logged as a second argument (this.logger)',
      code: lines(`export class Tokens {`, `  constructor(private readonly logger: { warn(...args: unknown[]): void }) {}`, `  rotate(refreshToken: string) {`, `    this.logger.warn('rotating', refreshToken);`, `  }`, `}`),
      findings: [{ line: 4, message: '`refreshToken`' }],
      output: lines(`export class Tokens {`, `  constructor(private readonly logger: { warn(...args: unknown[]): void }) {}`, `  rotate(refreshToken: string) {`, `    this.logger.warn('rotating');`, `  }`, `}`),
    },
    {
      name: 'a whole user record read from Prisma',
      code: lines(
        `import { PrismaClient } from '@prisma/client';`,
        `import { logger } from './logger';`,
        `const prisma = new PrismaClient();`,
        `export async function signIn(email: string) {`,
        `  const user = await prisma.user.findUnique({ where: { email } });`,
        `  logger.info({ user }, 'signed in');`,
        `}`,
      ),
      findings: [{ line: 6, message: 'the whole user record' }],
    },
  ],
  valid: [
    {
      name: 'a user read with chosen fields, and a user id',
      code: lines(
        `import { PrismaClient } from '@prisma/client';`,
        `import { logger } from './logger';`,
        `const prisma = new PrismaClient();`,
        `export async function signIn(email: string) {`,
        `  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, email: true } });`,
        `  logger.info({ user, userId: user?.id }, 'signed in');`,
        `}`,
      ),
    },
    {
      name: 'a user that is a parameter is not known to be a whole record',
      code: lines(`import { logger } from './logger';`, `export const seen = (user: { id: string }) => logger.info({ user });`),
    },
    {
      name: 'message text that mentions a secret',
      code: lines(`import { logger } from './logger';`, `export function expired() {`, `  logger.warn('token expired, asking for a new password');`, `  console.error("Missing authorization code from callback");`, `}`),
    },
    {
      name: 'facts about a secret, not the secret',
      code: lines(
        `import { logger } from './logger';`,
        `export function seen(token: string, password: string, tokenId: string) {`,
        `  logger.info({ hasToken: Boolean(token), passwordLength: password.length, tokenId, tokenPrefix: token.slice(0, 4) });`,
        `  logger.info('token present', { token: !!token });`,
        `}`,
      ),
    },
    {
      name: 'a field pino redacts',
      code: lines(`import pino from 'pino';`, `const logger = pino({ redact: ['password', '*.token'] });`, `export function login(password: string, user: { token: string }) {`, `  logger.info({ password, user: { token: user.token } }, 'login');`, `}`),
    },
    {
      name: 'pino redact given as { paths }',
      code: lines(`import pino from 'pino';`, `const logger = pino({ redact: { paths: ['req.headers'], censor: '[redacted]' } });`, `export function log(req: { headers: object }) {`, `  logger.info({ req: { headers: req.headers } });`, `}`),
    },
    {
      name: 'a response that returns a token is not a log',
      filename: 'route.js',
      code: lines(`const express = require('express');`, `const app = express();`, `app.post('/login', (req, res) => {`, `  res.json({ token: 'x', user: req.body.email });`, `});`),
    },
    {
      name: 'chosen request fields',
      code: lines(`import { logger } from './logger';`, `export function access(req: { method: string; url: string; headers: Record<string, string> }) {`, `  logger.info({ method: req.method, url: req.url, agent: req.headers['user-agent'] });`, `}`),
    },
    {
      name: 'a secret store entry logged by its key name',
      code: lines(`import { logger } from './logger';`, 'export const bad = (secret: { key: string }) => logger.error(`Secret is not JSON ${secret.key}`);'),
    },
    {
      name: 'browser code logs to the user\'s own console',
      filename: 'verify-email.tsx',
      code: lines(`import { useEffect } from 'react';`, `export function Verify({ token }: { token: string }) {`, `  useEffect(() => {`, `    console.log(token);`, `  }, []);`, `  return null;`, `}`),
    },
    {
      name: 'a hash of a token',
      code: lines(`import { logger } from './logger';`, 'export const mismatch = (id: string, hashedToken: string) => logger.error(`token ${id} found with hash ${hashedToken}`);'),
    },
    {
      name: 'public keys and token counts',
      code: lines(`export function usage(publicKey: string, outputTokens: number) {`, `  console.log({ publicKey, outputTokens });`, `}`),
    },
    {
      name: 'a method named info on something that is not a logger',
      code: lines(`const panel = { info: (...parts: unknown[]) => parts };`, `export const show = (password: string) => panel.info(password);`),
    },
    {
      name: 'literals under sensitive keys',
      code: lines(`import { logger } from './logger';`, `export const masked = () => logger.info({ password: '[redacted]', token: undefined });`),
    },
    {
      name: 'Koa ctx.body is the response',
      code: lines(`import Koa from 'koa';`, `const app = new Koa();`, `app.use(async (ctx) => {`, `  console.log(ctx.body, ctx.status);`, `});`),
    },
  ],
});
