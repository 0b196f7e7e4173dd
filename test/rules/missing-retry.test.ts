import * as assert from 'node:assert/strict';
import { missingRetry } from 'preflight-server/out/rules/missing-retry';
import { retryHelperSource } from 'preflight-server/out/rules/retry-helper-module';
import type { Fix } from 'preflight-server';
import { analyzeCase, applyFix, applyFixToFiles, findingsOf, testRule, type CaseFiles } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const EXPRESS = [`import express from 'express';`, `const app = express();`].join('\n');
const EXPRESS_CJS = [`const express = require('express');`, `const app = express();`].join('\n');

testRule(missingRetry, {
  valid: [
    {
      name: 'p-retry around the call',
      code: lines(
        EXPRESS,
        `import axios from 'axios';`,
        `import pRetry from 'p-retry';`,
        `app.get('/rates', async (req, res) => {`,
        `  const { data } = await pRetry(() => axios.get('https://rates.example.com', { timeout: 5000 }), { retries: 3 });`,
        `  res.json(data);`,
        `});`,
      ),
    },
    {
      name: 'async-retry through require (CommonJS)',
      filename: 'server.js',
      code: lines(
        EXPRESS_CJS,
        `const retry = require('async-retry');`,
        `const fetch = require('node-fetch');`,
        `app.get('/user/:id', async (req, res) => {`,
        `  const user = await retry(async () => (await fetch('https://users.example.com/' + req.params.id)).json(), { retries: 3 });`,
        `  res.json(user);`,
        `});`,
      ),
    },
    {
      name: 'a cockatiel policy runs the call',
      code: lines(
        EXPRESS,
        `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';`,
        `const policy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });`,
        `app.get('/weather', async (req, res) => {`,
        `  const response = await policy.execute(() => fetch('https://weather.example.com/today'));`,
        `  res.json(await response.json());`,
        `});`,
      ),
    },
    {
      name: 'a project helper named *retry*',
      code: lines(
        EXPRESS,
        `import { withRetry } from './resilience';`,
        `app.get('/feed', async (req, res) => {`,
        `  const response = await withRetry(() => fetch('https://feed.example.com'));`,
        `  res.json(await response.json());`,
        `});`,
      ),
    },
    {
      name: 'a function of the file that is only called under p-retry',
      code: lines(
        EXPRESS,
        `import pRetry from 'p-retry';`,
        `async function loadRates() {`,
        `  const response = await fetch('https://rates.example.com');`,
        `  return response.json();`,
        `}`,
        `app.get('/rates', async (req, res) => {`,
        `  res.json(await pRetry(loadRates, { retries: 3 }));`,
        `});`,
      ),
    },
    {
      name: 'got retries idempotent requests itself',
      code: lines(EXPRESS, `import got from 'got';`, `app.get('/repo', async (req, res) => {`, `  res.json(await got('https://api.example.com/repo', { timeout: { request: 5000 } }).json());`, `});`),
    },
    {
      name: 'an axios instance given to axios-retry',
      code: lines(
        EXPRESS,
        `import axios from 'axios';`,
        `import axiosRetry from 'axios-retry';`,
        `const client = axios.create({ baseURL: 'https://crm.example.com', timeout: 5000 });`,
        `axiosRetry(client, { retries: 3 });`,
        `app.get('/contacts', async (req, res) => {`,
        `  const { data } = await client.get('/contacts');`,
        `  res.json(data);`,
        `});`,
      ),
    },
    {
      name: 'Stripe retries by default',
      code: lines(
        EXPRESS,
        `import Stripe from 'stripe';`,
        `const stripe = new Stripe(process.env.STRIPE_KEY!);`,
        `app.get('/invoices', async (req, res) => {`,
        `  res.json(await stripe.invoices.list({ customer: String(req.query.customer) }));`,
        `});`,
      ),
    },
    {
      name: 'the AWS SDK v3 retries by default',
      code: lines(
        EXPRESS,
        `import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';`,
        `const s3 = new S3Client({});`,
        `app.get('/files/:key', async (req, res) => {`,
        `  const object = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: req.params.key }));`,
        `  res.send(await object.Body?.transformToString());`,
        `});`,
      ),
    },
    {
      name: 'a BullMQ processor whose failure propagates: the queue retries the job',
      code: lines(
        `import { Worker } from 'bullmq';`,
        `new Worker('sync', async (job) => {`,
        `  const response = await fetch('https://crm.example.com/sync/' + job.data.id);`,
        `  if (!response.ok) throw new Error('sync failed: ' + response.status);`,
        `});`,
      ),
    },
    {
      name: 'a helper no handler of the file calls',
      code: lines(EXPRESS, `export async function warmUp() {`, `  await fetch('https://cdn.example.com/manifest.json');`, `}`, `app.get('/health', (req, res) => res.send('ok'));`),
    },
    {
      name: 'a fallback by design: .catch(() => null)',
      code: lines(
        EXPRESS,
        `app.get('/profile', async (req, res) => {`,
        `  const avatar = await fetch('https://avatars.example.com/' + req.query.id).catch(() => null);`,
        `  res.json({ avatar: avatar?.url ?? null });`,
        `});`,
      ),
    },
    {
      name: 'a fallback by design: a catch that returns a default',
      code: lines(
        EXPRESS,
        `import axios from 'axios';`,
        `async function flags() {`,
        `  try {`,
        `    return (await axios.get('https://flags.example.com', { timeout: 2000 })).data;`,
        `  } catch {`,
        `    return {};`,
        `  }`,
        `}`,
        `app.get('/config', async (req, res) => res.json(await flags()));`,
      ),
    },
    {
      name: 'a sidecar on localhost',
      code: lines(EXPRESS, `app.get('/secrets', async (req, res) => {`, `  res.json(await (await fetch('http://localhost:8200/v1/secret')).json());`, `});`),
    },
    {
      name: 'a proxy of the incoming request',
      filename: 'app/api/proxy/[...path]/route.ts',
      code: lines(`export async function POST(request: Request) {`, `  return fetch('https://upstream.example.com/ingest', { method: request.method, body: request.body, duplex: 'half' } as RequestInit);`, `}`),
    },
    {
      name: 'a hand-written retry loop with backoff',
      code: lines(
        EXPRESS,
        `app.get('/quote', async (req, res) => {`,
        `  for (let attempt = 0; ; attempt++) {`,
        `    try {`,
        `      return res.json(await (await fetch('https://quotes.example.com')).json());`,
        `    } catch (err) {`,
        `      if (attempt >= 3) throw err;`,
        `      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 100));`,
        `    }`,
        `  }`,
        `});`,
      ),
    },
    {
      name: 'a database query is not a remote-service call for this rule',
      code: lines(EXPRESS, `import { PrismaClient } from '@prisma/client';`, `const prisma = new PrismaClient();`, `app.get('/users', async (req, res) => res.json(await prisma.user.findMany({ take: 10 })));`),
    },
    {
      name: 'a one-off script',
      filename: 'scripts/backfill.ts',
      code: lines(EXPRESS, `app.get('/run', async (req, res) => res.json(await (await fetch('https://api.example.com/all')).json()));`),
    },
    {
      name: 'an SQS consumer whose failure propagates: the message comes back',
      code: lines(
        `import { Consumer } from 'sqs-consumer';`,
        `Consumer.create({`,
        `  queueUrl: process.env.QUEUE_URL!,`,
        `  handleMessage: async (message) => {`,
        `    await fetch('https://crm.example.com/events', { method: 'POST', body: message.Body });`,
        `  },`,
        `}).start();`,
      ),
    },
  ],
  invalid: [
    {
      name: 'axios.get in an Express handler',
      code: lines(
        EXPRESS,
        `import axios from 'axios';`,
        `app.get('/rates', async (req, res) => {`,
        `  const { data } = await axios.get('https://rates.example.com', { timeout: 5000 });`,
        `  res.json(data);`,
        `});`,
      ),
      findings: [{ line: 5, message: "`axios.get()` to the upstream in request-handling code has no retry policy", column: 26 }],
    },
    {
      name: 'a POST says that a retry needs an idempotency key first',
      code: lines(
        EXPRESS,
        `app.post('/orders', async (req, res) => {`,
        `  const response = await fetch('https://fulfilment.example.com/orders', { method: 'POST', body: JSON.stringify(req.body) });`,
        `  res.status(201).json(await response.json());`,
        `});`,
      ),
      findings: [{ line: 4, message: 'a retry needs an idempotency key first' }],
    },
    {
      name: 'a POST that sends an Idempotency-Key header can be retried',
      code: lines(
        EXPRESS,
        `import axios from 'axios';`,
        `app.post('/pay', async (req, res) => {`,
        `  const { data } = await axios.post('https://pay.example.com/charges', req.body, { timeout: 5000, headers: { 'Idempotency-Key': req.body.orderId } });`,
        `  res.json(data);`,
        `});`,
      ),
      findings: [{ line: 5, message: 'sends an idempotency key, so it can be retried safely' }],
    },
    {
      name: 'node-fetch in a helper the handler calls (CommonJS)',
      filename: 'routes.js',
      code: lines(
        EXPRESS_CJS,
        `const fetch = require('node-fetch');`,
        `async function lookup(id) {`,
        `  const response = await fetch('https://users.example.com/' + id);`,
        `  return response.json();`,
        `}`,
        `app.get('/users/:id', async (req, res) => res.json(await lookup(req.params.id)));`,
      ),
      findings: [{ line: 5, message: 'node-fetch' }],
    },
    {
      name: 'undici fetch in a Fastify route',
      code: lines(
        `import Fastify from 'fastify';`,
        `import { fetch } from 'undici';`,
        `const fastify = Fastify();`,
        `fastify.get('/prices', async () => (await fetch('https://prices.example.com')).json());`,
      ),
      findings: [{ line: 4 }],
    },
    {
      name: 'a Next.js route export',
      filename: 'app/api/weather/route.ts',
      code: lines(`export async function GET() {`, `  const response = await fetch('https://weather.example.com/today');`, `  return Response.json(await response.json());`, `}`),
      findings: [{ line: 2 }],
    },
    {
      name: 'nodemailer sendMail in a handler: not idempotent',
      code: lines(
        EXPRESS,
        `import nodemailer from 'nodemailer';`,
        `const transport = nodemailer.createTransport({ host: 'smtp.example.com' });`,
        `app.post('/invite', async (req, res) => {`,
        `  await transport.sendMail({ to: req.body.email, subject: 'Welcome' });`,
        `  res.sendStatus(204);`,
        `});`,
      ),
      findings: [{ line: 6, message: 'the mail server' }],
    },
    {
      name: 'Stripe with retries turned off',
      code: lines(
        EXPRESS,
        `import Stripe from 'stripe';`,
        `const stripe = new Stripe(process.env.STRIPE_KEY!, { maxNetworkRetries: 0 });`,
        `app.get('/invoices', async (req, res) => {`,
        `  res.json(await stripe.invoices.list({ customer: String(req.query.customer) }));`,
        `});`,
      ),
      findings: [{ line: 6, message: 'Stripe' }],
    },
    {
      name: 'OpenAI with maxRetries: 0, through require',
      filename: 'chat.js',
      code: lines(
        EXPRESS_CJS,
        `const OpenAI = require('openai');`,
        `const openai = new OpenAI({ maxRetries: 0 });`,
        `app.post('/chat', async (req, res) => {`,
        `  const answer = await openai.chat.completions.create({ model: 'gpt-4o', messages: req.body.messages });`,
        `  res.json(answer);`,
        `});`,
      ),
      findings: [{ line: 6, message: 'OpenAI' }],
    },
    {
      name: 'Twilio does not retry',
      code: lines(
        EXPRESS,
        `import twilio from 'twilio';`,
        `const sms = twilio(process.env.SID, process.env.TOKEN);`,
        `app.post('/otp', async (req, res) => {`,
        `  await sms.messages.create({ to: req.body.phone, from: '+15550100', body: 'code' });`,
        `  res.sendStatus(204);`,
        `});`,
      ),
      findings: [{ line: 6, message: 'Twilio' }],
    },
    {
      name: 'a BullMQ processor that swallows the failure',
      code: lines(
        `import { Worker } from 'bullmq';`,
        `new Worker('sync', async (job) => {`,
        `  try {`,
        `    await fetch('https://crm.example.com/sync/' + job.data.id);`,
        `  } catch (err) {`,
        `    console.warn('sync failed', err);`,
        `  }`,
        `});`,
      ),
      findings: [{ line: 4, message: "the queue's own retry never sees it" }],
    },
    {
      name: 'axios-retry on another instance does not cover this one',
      code: lines(
        EXPRESS,
        `import axios from 'axios';`,
        `import axiosRetry from 'axios-retry';`,
        `const crm = axios.create({ timeout: 5000 });`,
        `const billing = axios.create({ timeout: 5000 });`,
        `axiosRetry(crm);`,
        `app.get('/balance', async (req, res) => res.json((await billing.get('https://billing.example.com/balance')).data));`,
      ),
      findings: [{ line: 8 }],
    },
    {
      name: 'a catch that answers 502 still fails the request',
      code: lines(
        EXPRESS,
        `app.get('/status', async (req, res) => {`,
        `  try {`,
        `    res.json(await (await fetch('https://status.example.com')).json());`,
        `  } catch (err) {`,
        `    res.status(502).json({ error: 'upstream unavailable' });`,
        `  }`,
        `});`,
      ),
      findings: [{ line: 5 }],
    },
    {
      name: 'a NestJS controller method',
      code: lines(
        `import { Controller, Get } from '@nestjs/common';`,
        `import axios from 'axios';`,
        `@Controller('rates')`,
        `export class RatesController {`,
        `  @Get()`,
        `  async latest() {`,
        `    return (await axios.get('https://rates.example.com', { timeout: 5000 })).data;`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 7 }],
    },
    {
      name: 'a kafkajs eachMessage that swallows the failure',
      code: lines(
        `import { Kafka } from 'kafkajs';`,
        `const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'sync' });`,
        `await consumer.run({`,
        `  eachMessage: async ({ message }) => {`,
        `    await fetch('https://search.example.com/index/' + message.key).catch((err) => console.error(err));`,
        `  },`,
        `});`,
      ),
      findings: [{ line: 5, message: 'job code' }],
    },
    {
      name: 'an amqplib consumer that swallows the failure (CommonJS)',
      filename: 'consumer.js',
      code: lines(
        `const amqp = require('amqplib');`,
        `const axios = require('axios');`,
        `async function start() {`,
        `  const connection = await amqp.connect(process.env.AMQP_URL);`,
        `  const channel = await connection.createChannel();`,
        `  await channel.consume('thumbnails', async (msg) => {`,
        `    try {`,
        `      await axios.get('https://images.example.com/' + msg.content.toString(), { timeout: 5000 });`,
        `    } catch (err) {`,
        `      console.error('thumbnail failed', err);`,
        `    }`,
        `    channel.ack(msg);`,
        `  });`,
        `}`,
        `start();`,
      ),
      findings: [{ line: 8, message: 'job code' }],
    },
    ...retryFixFixtures(),
  ],
});

/** Flagged cases in packages with and without a retry library, so that the property test applies every retry fix. */
function retryFixFixtures(): { name: string; filename: string; files: Record<string, string>; code: string; findings: { line: number }[] }[] {
  const manifest = (dependencies: Record<string, string>): string => `${JSON.stringify({ name: 'api', dependencies: { express: '^4.19.0', ...dependencies } }, null, 2)}\n`;
  const axiosRoute = lines(EXPRESS, `import axios from 'axios';`, `app.get('/rates', async (req, res) => {`, `  const { data } = await axios.get('https://rates.example.com', { timeout: 5000 });`, `  res.json(data);`, `});`);
  const fetchRoute = lines(EXPRESS_CJS, `app.get('/feed', async (req, res) => {`, `  const response = await fetch('https://feed.example.com', { signal: AbortSignal.timeout(5000) });`, `  res.json(await response.json());`, `});`);
  const esmRoute = lines(EXPRESS, `app.get('/feed', async (req, res) => res.json(await (await fetch('https://feed.example.com')).json()));`);
  const postRoute = lines(EXPRESS, `app.post('/orders/:orderId/pay', async (req, res) => {`, `  const { orderId } = req.params;`, `  const response = await fetch('https://payments.example.com/charges', { method: 'POST', body: JSON.stringify({ orderId }), signal: AbortSignal.timeout(5000) });`, `  res.json(await response.json());`, `});`);
  const axiosPostRoute = lines(EXPRESS_CJS, `const axios = require('axios');`, `app.post('/orders/:orderId/ship', async (req, res) => {`, `  const orderId = req.params.orderId;`, `  const { data } = await axios.post('https://shipping.example.com/shipments', { orderId });`, `  res.json(data);`, `});`);
  const instanceRoute = lines(EXPRESS, `import axios from 'axios';`, `const rates = axios.create({ baseURL: 'https://rates.example.com', timeout: 5000 });`, `app.get('/rates', async (req, res) => {`, `  const { data } = await rates.get('/latest');`, `  res.json(data);`, `});`);
  const breakerRoute = lines(EXPRESS, `import { circuitBreaker, handleAll, ConsecutiveBreaker } from 'cockatiel';`, `const breaker = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });`, `app.get('/feed', async (req, res) => {`, `  const response = await fetch('https://feed.example.com', { signal: AbortSignal.timeout(5000) });`, `  res.json(await breaker.execute(() => response.json()));`, `});`);
  const policyRoute = lines(EXPRESS, `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';`, `const upstreamRetry = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });`, `app.get('/feed', async (req, res) => {`, `  const first = await upstreamRetry.execute(() => fetch('https://feed.example.com/a', { signal: AbortSignal.timeout(5000) }));`, `  const second = await fetch('https://feed.example.com/b', { signal: AbortSignal.timeout(5000) });`, `  res.json([await first.json(), await second.json()]);`, `});`);
  return [
    { name: 'fixes: p-retry 6 in the package (axios, TS)', filename: 'src/rates.ts', files: { 'package.json': manifest({ 'p-retry': '^6.2.1' }) }, code: axiosRoute, findings: [{ line: 5 }] },
    { name: 'fixes: p-retry 7 in the package (axios, TS)', filename: 'src/rates.ts', files: { 'package.json': manifest({ 'p-retry': '^7.1.1' }) }, code: axiosRoute, findings: [{ line: 5 }] },
    { name: 'fixes: p-retry 4 in the package (fetch, CommonJS)', filename: 'rates.js', files: { 'package.json': manifest({ 'p-retry': '^4.6.2' }) }, code: fetchRoute, findings: [{ line: 4 }] },
    { name: 'fixes: async-retry in the package (axios, TS)', filename: 'src/rates.ts', files: { 'package.json': manifest({ 'async-retry': '^1.3.3' }) }, code: axiosRoute, findings: [{ line: 5 }] },
    { name: 'fixes: no retry library (axios, TS)', filename: 'src/rates.ts', files: { 'package.json': manifest({ axios: '^1.7.0' }) }, code: axiosRoute, findings: [{ line: 5 }] },
    { name: 'fixes: no retry library (fetch, CommonJS)', filename: 'server.js', files: { 'package.json': manifest({}) }, code: fetchRoute, findings: [{ line: 4 }] },
    { name: 'fixes: no retry library (fetch, .mjs)', filename: 'src/feed.mjs', files: { 'package.json': manifest({}) }, code: esmRoute, findings: [{ line: 3 }] },
    { name: 'fixes: a POST with an order id in scope (keyed retry, p-retry)', filename: 'src/pay.ts', files: { 'package.json': manifest({ 'p-retry': '^7.1.1' }) }, code: postRoute, findings: [{ line: 5 }] },
    { name: 'fixes: a POST with an order id in scope (keyed retry, no library)', filename: 'src/pay.ts', files: { 'package.json': manifest({}) }, code: postRoute, findings: [{ line: 5 }] },
    { name: 'fixes: an axios POST with an order id in scope (keyed retry, no library)', filename: 'pay.js', files: { 'package.json': manifest({}) }, code: axiosPostRoute, findings: [{ line: 6 }] },
    { name: 'fixes: axios-retry in the package (an axios instance)', filename: 'src/rates.ts', files: { 'package.json': manifest({ 'axios-retry': '^4.5.0' }) }, code: instanceRoute, findings: [{ line: 6 }] },
    { name: 'fixes: cockatiel in the package (axios)', filename: 'src/rates.ts', files: { 'package.json': manifest({ cockatiel: '^3.2.1' }) }, code: axiosRoute, findings: [{ line: 5 }] },
    { name: 'fixes: cockatiel imported for a circuit breaker (fetch)', filename: 'src/feed.ts', files: { 'package.json': manifest({ cockatiel: '^3.2.1' }) }, code: breakerRoute, findings: [{ line: 6 }] },
    { name: 'fixes: a cockatiel retry policy in the file', filename: 'src/feed.ts', files: { 'package.json': manifest({ cockatiel: '^3.2.1' }) }, code: policyRoute, findings: [{ line: 7 }] },
    {
      name: 'fixes: the package has the withRetry helper already',
      filename: 'src/routes/rates.ts',
      files: { 'package.json': manifest({}), 'src/lib/with-retry.ts': retryHelperSource({ typed: true, commonJs: false, newline: '\n' }) },
      code: axiosRoute,
      findings: [{ line: 5 }],
    },
  ];
}

describe('rule missing-retry: metadata', () => {
  it('is an info-level resilience rule', () => {
    assert.equal(missingRetry.meta.category, 'resilience');
    assert.equal(missingRetry.meta.defaultSeverity, 'info');
  });

  it('says nothing about the same call once it is wrapped', () => {
    const bare = lines(EXPRESS, `app.get('/a', async (req, res) => res.json(await (await fetch('https://a.example.com')).json()));`);
    const wrapped = lines(EXPRESS, `import pRetry from 'p-retry';`, `app.get('/a', async (req, res) => res.json(await (await pRetry(() => fetch('https://a.example.com'))).json()));`);
    assert.equal(findingsOf(missingRetry, bare).length, 1);
    assert.equal(findingsOf(missingRetry, wrapped).length, 0);
  });
});

describe('rule missing-retry: retry quick fixes', () => {
  const manifest = (dependencies: Record<string, string>, section = 'dependencies'): string =>
    `${JSON.stringify({ name: 'api', version: '1.0.0', [section]: { express: '^4.19.0', ...dependencies } }, null, 2)}\n`;
  const RATES_TS = lines(
    EXPRESS,
    `import axios from 'axios';`,
    `app.get('/rates', async (req, res) => {`,
    `  const { data } = await axios.get('https://rates.example.com', { timeout: 5000 });`,
    `  res.json(data);`,
    `});`,
  );
  const RATES_CJS = lines(
    `const express = require("express")`,
    `const axios = require("axios")`,
    `const app = express()`,
    `app.get("/rates", async (req, res) => {`,
    `  const { data } = await axios.get("https://rates.example.com", { timeout: 5000 })`,
    `  res.json(data)`,
    `})`,
  );
  const FEED_TS = lines(EXPRESS, `app.get('/feed', async (req, res) => res.json(await fetch('https://feed.example.com')));`);

  function fixesOf(code: string, filename: string, files?: CaseFiles): { fixes: Fix[]; dir: string } {
    const { findings, dir } = analyzeCase(missingRetry, code, filename, undefined, files);
    assert.equal(findings.length, 1, `expected one finding, got ${findings.length}`);
    return { fixes: findings[0]!.fixes, dir };
  }

  it('wraps the awaited call with the file\'s own p-retry import, with jitter', () => {
    const code = FEED_TS.replace(`import express from 'express';`, `import express from 'express';\nimport retryCall from 'p-retry';`);
    const { fixes } = fixesOf(code, 'feed.ts');
    assert.deepEqual(fixes.map((fix) => fix.title), ['Wrap in a retry (p-retry: 3 retries, exponential backoff with jitter)']);
    assert.equal(applyFix(code, fixes[0]!), code.replace(`await fetch('https://feed.example.com')`, `await retryCall(() => fetch('https://feed.example.com'), { retries: 3, randomize: true })`));
  });

  it('with p-retry 4 in a CommonJS file, requires it and stops at a 4xx from onFailedAttempt', () => {
    const { fixes } = fixesOf(RATES_CJS, 'src/rates.js', { 'package.json': manifest({ 'p-retry': '^4.6.2', axios: '^1.7.0' }) });
    assert.equal(fixes.length, 1);
    assert.equal(
      applyFix(RATES_CJS, fixes[0]!),
      RATES_CJS.replace(`const axios = require("axios")`, `const axios = require("axios")\nconst pRetry = require("p-retry")`).replace(
        `await axios.get("https://rates.example.com", { timeout: 5000 })`,
        `await pRetry(() => axios.get("https://rates.example.com", { timeout: 5000 }), { retries: 3, randomize: true, onFailedAttempt: (error) => { const status = error.response?.status; if (status !== undefined && status < 500 && status !== 429) throw error; } })`,
      ),
    );
  });

  it('with p-retry 6, retries axios failures through shouldRetry(error), typed in TypeScript', () => {
    const { fixes } = fixesOf(RATES_TS, 'src/rates.ts', { 'package.json': manifest({ 'p-retry': '^6.2.1', axios: '^1.7.0' }) });
    const fixed = applyFix(RATES_TS, fixes[0]!);
    assert.ok(fixed.includes(`import pRetry from 'p-retry';`), fixed);
    assert.ok(
      fixed.includes(
        `await pRetry(() => axios.get('https://rates.example.com', { timeout: 5000 }), { retries: 3, randomize: true, shouldRetry: (error) => { const status = (error as Error & { response?: { status?: number } }).response?.status; return status === undefined || status >= 500 || status === 429; } })`,
      ),
      fixed,
    );
  });

  it('with p-retry 7 or later, shouldRetry takes the context object', () => {
    const { fixes } = fixesOf(RATES_TS, 'src/rates.ts', { 'package.json': manifest({ 'p-retry': '^7.1.1' }) });
    assert.ok(applyFix(RATES_TS, fixes[0]!).includes('shouldRetry: ({ error }) => {'));
  });

  it('with axios-retry, retries every call through the axios instance, once after its creation', () => {
    const code = lines(EXPRESS, `import axios from 'axios';`, `const rates = axios.create({ baseURL: 'https://rates.example.com', timeout: 5000 });`, `app.get('/rates', async (req, res) => res.json((await rates.get('/latest')).data));`);
    const { fixes } = fixesOf(code, 'src/rates.ts', { 'package.json': manifest({ 'axios-retry': '^4.5.0' }) });
    assert.deepEqual(fixes.map((fix) => fix.title), ['Retry every call through `rates` (axios-retry: 3 retries, exponential backoff)']);
    assert.equal(
      applyFix(code, fixes[0]!),
      code
        .replace(`import axios from 'axios';`, `import axios from 'axios';\nimport axiosRetry from 'axios-retry';`)
        .replace(`timeout: 5000 });`, `timeout: 5000 });\naxiosRetry(rates, { retries: 3, retryDelay: axiosRetry.exponentialDelay });`),
    );
  });

  it('with cockatiel, adds a retry policy after the imports and runs the call through it', () => {
    const code = lines(EXPRESS, `app.get('/feed', async (req, res) => res.json(await fetch('https://feed.example.com')));`);
    const { fixes } = fixesOf(code, 'src/feed.ts', { 'package.json': manifest({ cockatiel: '^3.2.1' }) });
    assert.deepEqual(fixes.map((fix) => fix.title), ['Wrap in a retry (cockatiel: 3 retries, exponential backoff with jitter)']);
    assert.equal(
      applyFix(code, fixes[0]!),
      code
        .replace(
          `import express from 'express';`,
          `import express from 'express';\nimport { retry, ExponentialBackoff, handleAll } from 'cockatiel';\nconst retryPolicy = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });`,
        )
        .replace(`await fetch('https://feed.example.com')`, `await retryPolicy.execute(() => fetch('https://feed.example.com'))`),
    );
  });

  it('with a cockatiel retry policy in the file, runs the call through it', () => {
    const code = lines(EXPRESS, `import { retry, handleAll, ExponentialBackoff } from 'cockatiel';`, `const upstream = retry(handleAll, { maxAttempts: 5, backoff: new ExponentialBackoff() });`, `app.get('/feed', async (req, res) => res.json(await fetch('https://feed.example.com')));`);
    const { fixes } = fixesOf(code, 'src/feed.ts');
    assert.equal(applyFix(code, fixes[0]!), code.replace(`await fetch('https://feed.example.com')`, `await upstream.execute(() => fetch('https://feed.example.com'))`));
  });

  it('with async-retry, bails out of a 4xx', () => {
    const { fixes } = fixesOf(RATES_TS, 'src/rates.ts', { 'package.json': manifest({ 'async-retry': '^1.3.3' }) });
    assert.deepEqual(fixes.map((fix) => fix.title), ['Wrap in a retry (async-retry: 3 retries, exponential backoff with jitter)']);
    const fixed = applyFix(RATES_TS, fixes[0]!);
    assert.ok(fixed.includes(`import retry from 'async-retry';`), fixed);
    assert.ok(fixed.includes(`await retry((bail) => axios.get('https://rates.example.com', { timeout: 5000 }).catch((error) => {`), fixed);
    assert.ok(fixed.includes('bail(error); throw error; }), { retries: 3 })'), fixed);
  });

  it('without a retry library, offers to add p-retry to package.json, or a withRetry helper module', () => {
    const files = { 'package.json': manifest({ axios: '^1.7.0' }) };
    const { fixes, dir } = fixesOf(RATES_TS, 'src/rates.ts', files);
    assert.deepEqual(fixes.map((fix) => fix.title), [
      'Add p-retry to package.json and wrap in a retry (3 retries, exponential backoff with jitter)',
      'Wrap in a retry with a new withRetry helper (creates src/lib/with-retry.ts: 3 attempts, exponential backoff with jitter)',
    ]);
    const [addPRetry, helper] = fixes as [Fix, Fix];
    const manifestAfter = JSON.parse(applyFixToFiles(addPRetry, dir, files)['package.json']!) as { dependencies: Record<string, string> };
    assert.deepEqual(Object.keys(manifestAfter.dependencies), ['express', 'axios', 'p-retry']);
    assert.equal(manifestAfter.dependencies['p-retry'], '^7.1.1');
    assert.ok(applyFix(RATES_TS, addPRetry).includes(`import pRetry from 'p-retry';`));

    const created = applyFixToFiles(helper, dir, files)['src/lib/with-retry.ts'];
    assert.ok(created?.includes('export async function withRetry<T>('), created);
    const fixed = applyFix(RATES_TS, helper);
    assert.ok(fixed.includes(`import { withRetry } from './lib/with-retry';`), fixed);
    assert.ok(fixed.includes(`await withRetry(() => axios.get('https://rates.example.com', { timeout: 5000 }))`), fixed);
  });

  it('writes the helper in CommonJS for a CommonJS file, and p-retry 4 for it', () => {
    const files = { 'package.json': manifest({}) };
    const { fixes, dir } = fixesOf(RATES_CJS, 'rates.js', files);
    const [addPRetry, helper] = fixes as [Fix, Fix];
    assert.equal((JSON.parse(applyFixToFiles(addPRetry, dir, files)['package.json']!) as { dependencies: Record<string, string> }).dependencies['p-retry'], '^4.6.2');
    const created = applyFixToFiles(helper, dir, files)['lib/with-retry.js'];
    assert.ok(created?.includes('module.exports = { withRetry, isTransientFailure };'), created);
    assert.ok(!created.includes('interface RetryOptions') && !created.includes('<T>(operation'), 'no TypeScript in a JavaScript helper');
    assert.ok(applyFix(RATES_CJS, helper).includes(`const { withRetry } = require("./lib/with-retry")`));
  });

  it('imports an ES module helper with its extension from an .mjs file', () => {
    const code = lines(`import express from 'express';`, `const app = express();`, `app.get('/feed', async (req, res) => res.json(await fetch('https://feed.example.com')));`);
    const { fixes } = fixesOf(code, 'src/feed.mjs', { 'package.json': manifest({}) });
    const helper = fixes.find((fix) => fix.title.includes('withRetry'))!;
    assert.ok(helper.files?.[0]?.file.endsWith('/src/lib/with-retry.mjs'));
    assert.ok(applyFix(code, helper).includes(`import { withRetry } from './lib/with-retry.mjs';`));
  });

  it('reuses the helper module when the package has it, and never writes it twice', () => {
    const helperText = retryHelperSource({ typed: true, commonJs: false, newline: '\n' });
    const { fixes } = fixesOf(RATES_TS, 'src/routes/rates.ts', { 'package.json': manifest({}), 'src/lib/with-retry.ts': helperText });
    const helper = fixes.find((fix) => fix.title.includes('withRetry'))!;
    assert.equal(helper.title, `Wrap in a retry with the project's withRetry helper (src/lib/with-retry.ts)`);
    assert.deepEqual(helper.files, []);
    assert.ok(applyFix(RATES_TS, helper).includes(`import { withRetry } from '../lib/with-retry';`));
  });

  it('leaves alone a with-retry module the project wrote itself', () => {
    const { fixes } = fixesOf(RATES_TS, 'src/rates.ts', { 'package.json': manifest({}), 'src/lib/with-retry.ts': 'export const withRetry = 1;\n' });
    assert.deepEqual(fixes.map((fix) => fix.title), ['Add p-retry to package.json and wrap in a retry (3 retries, exponential backoff with jitter)']);
  });

  it('offers the helper, not p-retry, when p-retry is ES-module-only and the file is CommonJS', () => {
    const { fixes } = fixesOf(RATES_CJS, 'rates.js', { 'package.json': manifest({ 'p-retry': '^7.1.1' }) });
    assert.deepEqual(fixes.map((fix) => fix.title), ['Wrap in a retry with a new withRetry helper (creates lib/with-retry.js: 3 attempts, exponential backoff with jitter)']);
  });

  it('for a POST with a stable id in scope, offers the retry only together with an Idempotency-Key header, and says so', () => {
    const code = lines(EXPRESS, `app.post('/orders/:orderId/pay', async (req, res) => {`, `  const { orderId } = req.params;`, `  res.json(await fetch('https://payments.example.com/charges', { method: 'POST', body: '{}' }));`, `});`);
    const { fixes } = fixesOf(code, 'src/pay.ts', { 'package.json': manifest({ 'p-retry': '^7.1.1' }) });
    assert.deepEqual(fixes.map((fix) => fix.title), [
      'Send an Idempotency-Key header (from `orderId`, if the upstream honours one) and wrap in a retry (p-retry: 3 retries, exponential backoff with jitter)',
    ]);
    assert.ok(
      applyFix(code, fixes[0]!).includes(
        "await pRetry(() => fetch('https://payments.example.com/charges', { method: 'POST', body: '{}', headers: { 'Idempotency-Key': `charges-${orderId}` } }), { retries: 3, randomize: true })",
      ),
      applyFix(code, fixes[0]!),
    );
  });

  it('offers no retry fix for a non-idempotent call: it needs an idempotency key first', () => {
    const code = lines(EXPRESS, `import pRetry from 'p-retry';`, `app.post('/orders', async (req, res) => {`, `  res.json(await fetch('https://orders.example.com', { method: 'POST', body: '{}' }));`, `});`);
    assert.deepEqual(fixesOf(code, 'orders.ts', { 'package.json': manifest({ 'p-retry': '^7.1.1' }) }).fixes, []);
  });
});

describe('rule missing-retry: the generated withRetry helper, run', () => {
  const helper = (): { withRetry: <T>(operation: () => Promise<T>, options?: object) => Promise<T> } => {
    const module = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', retryHelperSource({ typed: false, commonJs: true, newline: '\n' }))(module, module.exports);
    return module.exports as never;
  };
  const failing = (outcomes: (Error | { status: number })[]): { calls: () => number; operation: () => Promise<unknown> } => {
    let calls = 0;
    return {
      calls: () => calls,
      operation: async () => {
        const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!;
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    };
  };
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const notFound = Object.assign(new Error('Request failed with status code 404'), { response: { status: 404 } });

  it('retries a reset connection and returns the answer', async () => {
    const upstream = failing([reset, reset, { status: 200 }]);
    assert.deepEqual(await helper().withRetry(upstream.operation, { baseDelayMs: 1 }), { status: 200 });
    assert.equal(upstream.calls(), 3);
  });

  it('fails at once on a 4xx, and after the last attempt on a 5xx answer it returns that answer', async () => {
    const client = failing([notFound]);
    await assert.rejects(helper().withRetry(client.operation, { baseDelayMs: 1 }), /404/);
    assert.equal(client.calls(), 1);
    const unavailable = failing([{ status: 503 }]);
    assert.deepEqual(await helper().withRetry(unavailable.operation, { baseDelayMs: 1, attempts: 4 }), { status: 503 });
    assert.equal(unavailable.calls(), 4);
  });

  it('does not retry a programming error', async () => {
    const buggy = failing([new TypeError('Cannot read properties of undefined')]);
    await assert.rejects(helper().withRetry(buggy.operation, { baseDelayMs: 1 }), TypeError);
    assert.equal(buggy.calls(), 1);
  });
});
