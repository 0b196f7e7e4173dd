import * as assert from 'node:assert/strict';
import { jobWithoutRetry } from 'preflight-server/out/rules/job-without-retry';
import { AnalysisProject, analyzeSourceFile } from 'preflight-server';
import { applyFix, findingsOf, parses, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const BULLMQ = `import { Queue } from 'bullmq';`;
const AMQP = [`import amqp from 'amqplib';`, `const connection = await amqp.connect(process.env.AMQP_URL);`, `const channel = await connection.createChannel();`].join('\n');
const AMQP_CJS = [`const amqp = require('amqplib');`, `async function start() {`, `  const connection = await amqp.connect(process.env.AMQP_URL);`, `  const channel = await connection.createChannel();`].join('\n');

testRule(jobWithoutRetry, {
  valid: [
    {
      name: 'BullMQ: attempts in the queue\'s defaultJobOptions',
      code: lines(
        BULLMQ,
        `const emails = new Queue('emails', { connection, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 } } });`,
        `export async function welcome(id: string) {`,
        `  await emails.add('welcome', { id });`,
        `}`,
      ),
    },
    {
      name: 'BullMQ: attempts on the job',
      code: lines(BULLMQ, `const emails = new Queue('emails', { connection });`, `export const welcome = (id: string) => emails.add('welcome', { id }, { attempts: 3 });`),
    },
    {
      name: 'BullMQ: attempts: 1 written out is a decision',
      code: lines(BULLMQ, `const emails = new Queue('emails');`, `export const welcome = (id: string) => emails.add('welcome', { id }, { attempts: 1, removeOnComplete: true });`),
    },
    {
      name: 'BullMQ: a repeating job',
      code: lines(BULLMQ, `const reports = new Queue('reports');`, `export const schedule = () => reports.add('daily', {}, { repeat: { pattern: '0 6 * * *' } });`),
    },
    {
      name: 'BullMQ: options from a parameter cannot be read',
      code: lines(BULLMQ, `const emails = new Queue('emails');`, `export const enqueue = (name: string, data: unknown, opts?: object) => emails.add(name, data, opts);`),
    },
    {
      name: 'a queue injected by Nest (@InjectQueue) has options nobody here can see',
      code: lines(
        `import { InjectQueue } from '@nestjs/bullmq';`,
        `import { Queue } from 'bullmq';`,
        `export class Mailer {`,
        `  constructor(@InjectQueue('emails') private readonly queue: Queue) {}`,
        `  send(id: string) { return this.queue.add('send', { id }); }`,
        `}`,
      ),
    },
    {
      name: 'Bull: defaultJobOptions with attempts (CommonJS)',
      filename: 'jobs.js',
      code: lines(
        `const Queue = require('bull');`,
        `const images = new Queue('images', process.env.REDIS_URL, { defaultJobOptions: { attempts: 4 } });`,
        `module.exports = { resize: (file) => images.add({ file }) };`,
      ),
    },
    {
      name: 'a Set#add is not an enqueue',
      code: lines(`const seen = new Set<string>();`, `export function mark(id: string) { seen.add(id); }`),
    },
    {
      name: 'amqplib: a consumer that nacks to a dead-letter exchange',
      code: lines(
        AMQP,
        `await channel.assertQueue('orders', { deadLetterExchange: 'orders.dlx' });`,
        `await channel.consume('orders', async (msg) => {`,
        `  if (!msg) return;`,
        `  try {`,
        `    await fulfil(JSON.parse(msg.content.toString()));`,
        `    channel.ack(msg);`,
        `  } catch (err) {`,
        `    channel.nack(msg, false, false);`,
        `  }`,
        `});`,
        `declare function fulfil(order: unknown): Promise<void>;`,
      ),
    },
    {
      name: 'amqplib: a consumer that rejects through a helper of the file (CommonJS)',
      filename: 'consumer.js',
      code: lines(
        AMQP_CJS,
        `  channel.consume('orders', async (msg) => {`,
        `    try { await handle(msg.content); channel.ack(msg); } catch (err) { giveBack(channel, msg); }`,
        `  });`,
        `}`,
        `function giveBack(channel, msg) { channel.reject(msg, false); }`,
        `async function handle(content) { await fetch('https://example.com', { method: 'POST', body: content }); }`,
        `start();`,
      ),
    },
    {
      name: 'amqplib: nack without requeue into a queue with an x-dead-letter-exchange argument',
      code: lines(
        AMQP,
        `await channel.assertQueue('orders', { durable: true, arguments: { 'x-dead-letter-exchange': 'dlx' } });`,
        `await channel.consume('orders', async (msg) => {`,
        `  try { await fulfil(msg!.content); channel.ack(msg!); } catch { channel.nack(msg!, false, false); }`,
        `});`,
        `declare function fulfil(order: unknown): Promise<void>;`,
      ),
    },
    {
      name: 'amqplib: the message handed to a function of another module',
      code: lines(AMQP, `import { processOrder } from './orders';`, `await channel.consume('orders', (msg) => processOrder(channel, msg));`),
    },
    {
      name: 'kafkajs: a throwing eachMessage is retried by kafkajs',
      code: lines(
        `import { Kafka } from 'kafkajs';`,
        `const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });`,
        `await consumer.run({`,
        `  eachMessage: async ({ message }) => {`,
        `    await fetch('https://billing.example.com/events', { method: 'POST', body: message.value });`,
        `  },`,
        `});`,
      ),
    },
    {
      name: 'node-cron: a callback wrapped in try/catch that logs',
      code: lines(
        `import cron from 'node-cron';`,
        `import { logger } from './logger';`,
        `cron.schedule('*/5 * * * *', async () => {`,
        `  try {`,
        `    await fetch('https://example.com/sync', { method: 'POST' });`,
        `  } catch (err) {`,
        `    logger.error({ err }, 'sync failed');`,
        `  }`,
        `});`,
      ),
    },
    {
      name: 'node-cron: a synchronous callback',
      code: lines(`import cron from 'node-cron';`, `let ticks = 0;`, `cron.schedule('* * * * *', () => { ticks += 1; });`),
    },
    {
      name: '@nestjs/schedule logs a failed run through Nest\'s Logger',
      code: lines(
        `import { Injectable } from '@nestjs/common';`,
        `import { Cron } from '@nestjs/schedule';`,
        `@Injectable()`,
        `export class Digest {`,
        `  @Cron('0 6 * * *')`,
        `  async send() { await fetch('https://mail.example.com/digest', { method: 'POST' }); }`,
        `}`,
      ),
    },
    {
      name: 'setInterval is floating-promise\'s finding, not reported twice',
      code: lines(`setInterval(async () => {`, `  await fetch('https://example.com/heartbeat', { method: 'POST' });`, `}, 60_000);`),
    },
  ],
  invalid: [
    {
      name: 'BullMQ: a queue of the file without defaultJobOptions, reported at the creation',
      code: lines(
        BULLMQ,
        `const emails = new Queue('emails', { connection });`,
        `export async function welcome(id: string) {`,
        `  await emails.add('welcome', { id });`,
        `}`,
      ),
      findings: [{ line: 2, column: 20, message: 'BullMQ tries a job once' }],
      output: lines(
        BULLMQ,
        `const emails = new Queue('emails', { connection, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } });`,
        `export async function welcome(id: string) {`,
        `  await emails.add('welcome', { id });`,
        `}`,
      ),
    },
    {
      name: 'BullMQ: a queue with no options at all',
      code: lines(BULLMQ, `const emails = new Queue("emails");`, `export const welcome = (id: string) => emails.add("welcome", { id });`),
      findings: [{ line: 2, message: 'nobody retries it' }],
      output: lines(BULLMQ, `const emails = new Queue("emails", { defaultJobOptions: { attempts: 5, backoff: { type: "exponential", delay: 1_000 } } });`, `export const welcome = (id: string) => emails.add("welcome", { id });`),
    },
    {
      name: 'BullMQ: defaultJobOptions without attempts, in a class property set in the constructor',
      code: lines(
        BULLMQ,
        `export class Jobs {`,
        `  private queue: Queue;`,
        `  constructor() {`,
        `    this.queue = new Queue('jobs', {`,
        `      connection,`,
        `      defaultJobOptions: {`,
        `        removeOnComplete: true,`,
        `      },`,
        `    });`,
        `  }`,
        `  async trigger(id: string) {`,
        `    await this.queue.add('run', { id }, { jobId: id });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 5, message: 'defaultJobOptions.attempts' }],
      output: lines(
        BULLMQ,
        `export class Jobs {`,
        `  private queue: Queue;`,
        `  constructor() {`,
        `    this.queue = new Queue('jobs', {`,
        `      connection,`,
        `      defaultJobOptions: {`,
        `        removeOnComplete: true,`,
        `        attempts: 5,`,
        `        backoff: { type: 'exponential', delay: 1_000 },`,
        `      },`,
        `    });`,
        `  }`,
        `  async trigger(id: string) {`,
        `    await this.queue.add('run', { id }, { jobId: id });`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'BullMQ: addBulk with entries that set no attempts',
      code: lines(BULLMQ, `const q = new Queue('q', { connection });`, `export const many = () => q.addBulk([{ name: 'a', data: {} }, { name: 'b', data: {}, opts: { attempts: 3 } }]);`),
      findings: [{ line: 2 }],
    },
    {
      name: 'Bull: add(data) through a queue of the file (CommonJS)',
      filename: 'jobs.js',
      code: lines(`const Queue = require('bull');`, `const images = new Queue('images', process.env.REDIS_URL);`, `module.exports = { resize: (file) => images.add({ file }) };`),
      findings: [{ line: 2, message: 'Bull tries a job once' }],
      output: lines(
        `const Queue = require('bull');`,
        `const images = new Queue('images', process.env.REDIS_URL, { defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } });`,
        `module.exports = { resize: (file) => images.add({ file }) };`,
      ),
    },
    {
      name: 'Bull: a named job called without new (ESM default import)',
      filename: 'jobs.mjs',
      code: lines(`import Bull from 'bull';`, `const mail = Bull('mail', { redis: { port: 6379 } });`, `export function send(to) { return mail.add('send', { to }, { delay: 1000 }); }`),
      findings: [{ line: 2 }],
    },
    {
      name: 'BullMQ FlowProducer: a flow whose jobs set no attempts',
      code: lines(
        `import { FlowProducer } from 'bullmq';`,
        `const flows = new FlowProducer({ connection });`,
        `export const render = (id: string) => flows.add({ name: 'render', queueName: 'video', data: { id }, children: [{ name: 'upload', queueName: 'io', data: { id } }] });`,
      ),
      findings: [{ line: 3, column: 39, message: 'FlowProducer' }],
      output: lines(
        `import { FlowProducer } from 'bullmq';`,
        `const flows = new FlowProducer({ connection });`,
        `export const render = (id: string) => flows.add({ name: 'render', queueName: 'video', data: { id }, children: [{ name: 'upload', queueName: 'io', data: { id }, opts: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } }], opts: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } });`,
      ),
    },
    {
      name: 'amqplib: consume with noAck: true',
      code: lines(AMQP, `await channel.consume('orders', async (msg) => {`, `  await fulfil(JSON.parse(msg!.content.toString()));`, `}, { noAck: true });`, `declare function fulfil(order: unknown): Promise<void>;`),
      findings: [{ line: 4, message: 'noAck: true' }],
    },
    {
      name: 'amqplib: a consumer that acks and never nacks (CommonJS)',
      filename: 'consumer.js',
      code: lines(
        AMQP_CJS,
        `  channel.consume('orders', async (msg) => {`,
        `    await fetch('https://fulfilment.example.com/orders', { method: 'POST', body: msg.content });`,
        `    channel.ack(msg);`,
        `  });`,
        `}`,
        `start();`,
      ),
      findings: [{ line: 5, message: 'never nacks or rejects' }],
    },
    {
      name: 'amqplib: a consumer that acks in finally, even when handling failed',
      code: lines(
        AMQP,
        `await channel.consume('orders', async (msg) => {`,
        `  if (!msg) return;`,
        `  try {`,
        `    await fulfil(JSON.parse(msg.content.toString()));`,
        `  } catch (err) {`,
        `    console.error(err);`,
        `  } finally {`,
        `    channel.ack(msg);`,
        `  }`,
        `});`,
        `declare function fulfil(order: unknown): Promise<void>;`,
      ),
      findings: [{ line: 4, message: 'even when handling it fails' }],
    },
    {
      name: 'amqplib: nack without requeue into a queue declared with no dead-letter exchange',
      code: lines(
        AMQP,
        `const QUEUE = 'orders';`,
        `await channel.assertQueue(QUEUE, { durable: true });`,
        `await channel.consume(QUEUE, async (msg) => {`,
        `  try { await fulfil(msg!.content); channel.ack(msg!); } catch { channel.nack(msg!, false, false); }`,
        `});`,
        `declare function fulfil(order: unknown): Promise<void>;`,
      ),
      findings: [{ line: 6, message: 'no dead-letter exchange' }],
    },
    {
      name: 'node-cron: an async callback with no error handling',
      code: lines(`import cron from 'node-cron';`, `cron.schedule('0 * * * *', async () => {`, `  await fetch('https://billing.example.com/sync', { method: 'POST' });`, `});`),
      findings: [{ line: 2, column: 1, message: 'node-cron catches the rejection' }],
    },
    {
      name: 'node-cron through require, with a named function (CommonJS)',
      filename: 'cron.js',
      code: lines(
        `const cron = require('node-cron');`,
        `async function syncInvoices() {`,
        `  const response = await fetch('https://billing.example.com/invoices');`,
        `  await save(await response.json());`,
        `}`,
        `async function save(rows) { await fetch('https://db.example.com', { method: 'POST', body: JSON.stringify(rows) }); }`,
        `cron.schedule('*/10 * * * *', syncInvoices);`,
      ),
      findings: [{ line: 7 }],
    },
    {
      name: 'cron: new CronJob with an async onTick',
      code: lines(`import { CronJob } from 'cron';`, `new CronJob('0 0 * * *', async () => {`, `  await fetch('https://reports.example.com/nightly', { method: 'POST' });`, `}, null, true);`),
      findings: [{ line: 2, message: '[Cron] error in callback' }],
    },
    {
      name: 'cron: CronJob.from({ onTick })',
      code: lines(
        `import { CronJob } from 'cron';`,
        `export const job = CronJob.from({`,
        `  cronTime: '0 * * * *',`,
        `  onTick: async () => { await fetch('https://example.com/cleanup', { method: 'DELETE' }); },`,
        `  start: true,`,
        `});`,
      ),
      findings: [{ line: 2 }],
    },
  ],
});

describe('rule job-without-retry across modules', () => {
  const project = new AnalysisProject({ inMemory: true });

  function findingsIn(files: Record<string, string>, target: string) {
    for (const [file, code] of Object.entries(files)) project.upsert(`/modules/${file}`, code);
    try {
      return analyzeSourceFile(project.upsert(`/modules/${target}`, files[target]!), { rules: [jobWithoutRetry] }).findings.filter((f) => f.ruleId === 'job-without-retry');
    } finally {
      for (const file of Object.keys(files)) project.remove(`/modules/${file}`);
    }
  }

  const queues = lines(BULLMQ, `export const emails = new Queue('emails', { connection: { host: 'redis' } });`);
  const retryingQueues = lines(BULLMQ, `export const emails = new Queue('emails', { defaultJobOptions: { attempts: 3 } });`);
  const service = lines(`import { emails } from './queues';`, `export async function welcome(id: string) {`, `  await emails.add('welcome', { id });`, `}`);

  it('an add through a queue imported from a project module with no defaultJobOptions is flagged at the add, with a fix there', () => {
    const findings = findingsIn({ 'queues.ts': queues, 'service.ts': service }, 'service.ts');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.range.start.line, 2);
    assert.match(findings[0]!.message, /queues\.ts:2/);
    const fixed = applyFix(service, findings[0]!.fixes[0]!);
    assert.ok(fixed.includes(`emails.add('welcome', { id }, { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } })`), fixed);
    assert.ok(parses(fixed));
    assert.equal(findingsIn({ 'queues.ts': queues, 'service.ts': fixed }, 'service.ts').length, 0);
  });

  it('an add through an imported queue whose defaultJobOptions set attempts is not flagged', () => {
    assert.equal(findingsIn({ 'queues.ts': retryingQueues, 'service.ts': service }, 'service.ts').length, 0);
  });

  it('the creation file alone, with no add in it, is not flagged', () => {
    assert.equal(findingsIn({ 'queues.ts': queues }, 'queues.ts').length, 0);
  });

  it('an add through a queue from a package is not flagged', () => {
    const code = lines(`import { emails } from '@acme/queues';`, `export const welcome = (id: string) => emails.add('welcome', { id });`);
    assert.equal(findingsOf(jobWithoutRetry, code).length, 0);
  });
});
