import * as assert from 'node:assert/strict';
import { missingRetry } from 'preflight-server/out/rules/missing-retry';
import { AnalysisProject, analyzeSourceFile, type Finding } from 'preflight-server';
import { applyFix, findingsOf, parses, testRule } from '../support/rule-tester';

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
  ],
});

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

describe('rule missing-retry: quick fix "Wrap in a retry (p-retry)"', () => {
  const PACKAGE = (section: string) => JSON.stringify({ name: 'api', [section]: { 'p-retry': '^4.6.2', express: '^4.19.0' } });
  let counter = 0;

  /** Analyses `code` at `<dir>/src/<filename>` of a fresh in-memory project whose package.json is `manifest`. */
  function inPackage(code: string, filename: string, manifest?: string): Finding[] {
    counter += 1;
    const analysis = new AnalysisProject({ inMemory: true });
    const dir = `/packages/p${counter}`;
    if (manifest) analysis.project.getFileSystem().writeFileSync(`${dir}/package.json`, manifest);
    const sourceFile = analysis.upsert(`${dir}/src/${filename}`, code);
    return analyzeSourceFile(sourceFile, { rules: [missingRetry] }).findings.filter((f) => f.ruleId === 'missing-retry');
  }

  function assertFixed(code: string, filename: string, expected: string, manifest?: string): void {
    const [finding] = inPackage(code, filename, manifest);
    const fix = finding?.fixes[0];
    assert.ok(fix, 'expected a fix');
    assert.equal(fix.title, 'Wrap in a retry (p-retry, 3 retries)');
    const fixed = applyFix(code, fix);
    assert.equal(fixed, expected);
    assert.ok(parses(fixed, filename), `fixed code does not parse:\n${fixed}`);
    assert.equal(inPackage(fixed, filename, manifest).length, 0, 'the fix did not clear the finding');
  }

  it('wraps the awaited call with the file\'s own p-retry import', () => {
    const code = lines(
      EXPRESS,
      `import retryCall from 'p-retry';`,
      `app.get('/rates', async (req, res) => {`,
      `  const response = await fetch('https://rates.example.com');`,
      `  res.json(await response.json());`,
      `});`,
    );
    assertFixed(code, 'rates.ts', code.replace(`await fetch('https://rates.example.com')`, `await retryCall(() => fetch('https://rates.example.com'), { retries: 3 })`));
  });

  it('adds a require in a CommonJS file whose package depends on p-retry', () => {
    const code = lines(
      `const express = require("express")`,
      `const axios = require("axios")`,
      `const app = express()`,
      `app.get("/rates", async (req, res) => {`,
      `  const { data } = await axios.get("https://rates.example.com", { timeout: 5000 })`,
      `  res.json(data)`,
      `})`,
    );
    const expected = code
      .replace(`const axios = require("axios")`, `const axios = require("axios")\nconst pRetry = require("p-retry")`)
      .replace(`await axios.get("https://rates.example.com", { timeout: 5000 })`, `await pRetry(() => axios.get("https://rates.example.com", { timeout: 5000 }), { retries: 3 })`);
    assertFixed(code, 'rates.js', expected, PACKAGE('dependencies'));
  });

  it('adds an import in an ES module whose package depends on p-retry', () => {
    const code = lines(EXPRESS, `app.get('/a', async (req, res) => res.json(await fetch('https://a.example.com')));`);
    const expected = code
      .replace(`import express from 'express';`, `import express from 'express';\nimport pRetry from 'p-retry';`)
      .replace(`await fetch('https://a.example.com')`, `await pRetry(() => fetch('https://a.example.com'), { retries: 3 })`);
    assertFixed(code, 'a.ts', expected, PACKAGE('dependencies'));
  });

  it('is not offered for a non-idempotent call, even with p-retry imported', () => {
    const code = lines(
      EXPRESS,
      `import pRetry from 'p-retry';`,
      `app.post('/orders', async (req, res) => {`,
      `  res.json(await fetch('https://orders.example.com', { method: 'POST', body: '{}' }));`,
      `});`,
    );
    const findings = inPackage(code, 'orders.ts', PACKAGE('dependencies'));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.fixes.length, 0);
  });

  it('is not offered when p-retry is only a devDependency, or not a dependency at all', () => {
    const code = lines(EXPRESS, `app.get('/a', async (req, res) => res.json(await fetch('https://a.example.com')));`);
    for (const manifest of [PACKAGE('devDependencies'), undefined]) {
      const findings = inPackage(code, 'a.ts', manifest);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.fixes.length, 0);
    }
  });
});
