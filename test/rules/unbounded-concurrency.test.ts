import * as assert from 'node:assert/strict';
import { unboundedConcurrency } from 'preflight-server/out/rules/unbounded-concurrency';
import { findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const PRISMA = [`import { PrismaClient } from '@prisma/client';`, `const prisma = new PrismaClient();`].join('\n');
/** A list nothing caps: every order of a user, read with no limit. */
const ORDERS = `  const orders = await prisma.order.findMany({ where: { userId } });`;
const EXPRESS = `import type { Request, Response } from 'express';`;

testRule(unboundedConcurrency, {
  valid: [
    {
      name: 'a callback that only computes',
      code: lines(PRISMA, `export async function sizes(userId: string) {`, ORDERS, `  return Promise.all(orders.map(async (order) => order.total * 2));`, `}`),
    },
    {
      name: 'an array literal',
      code: lines(`export async function warm() {`, `  await Promise.all(['https://a.example', 'https://b.example'].map((url) => fetch(url, { signal: AbortSignal.timeout(1000) })));`, `}`),
    },
    {
      name: 'a module-level const list of literals',
      code: lines(
        `const REGIONS = ['eu', 'us', 'ap'] as const;`,
        `export async function ping() {`,
        `  return Promise.allSettled(REGIONS.map((region) => fetch(\`https://\${region}.example/health\`)));`,
        `}`,
      ),
    },
    {
      name: 'Object.keys of an object literal',
      code: lines(
        `const SERVICES = { billing: 'https://billing.internal', auth: 'https://auth.internal' };`,
        `export async function check() {`,
        `  await Promise.all(Object.keys(SERVICES).map((name) => fetch((SERVICES as Record<string, string>)[name]!)));`,
        `}`,
      ),
    },
    {
      name: 'a tuple type, even from the request',
      code: lines(EXPRESS, PRISMA, `export async function both(req: Request, res: Response) {`, `  const ids: [string, string] = req.body.pair;`, `  res.json(await Promise.all(ids.map((id) => prisma.user.findUnique({ where: { id } }))));`, `}`),
    },
    {
      name: 'a list of unknown origin: a parameter no call in the file fills',
      code: lines(PRISMA, `export async function archive(ids: string[]) {`, `  await Promise.all(ids.map((id) => prisma.order.update({ where: { id }, data: { archived: true } })));`, `}`),
    },
    {
      name: 'a loop over the settings of an enum, and the rows of those settings',
      code: lines(
        PRISMA,
        `enum Setting { SmtpUrl = 'SMTP_URL', MailFrom = 'MAIL_FROM', SiteName = 'SITE_NAME' }`,
        `const SYNCED = [Setting.SmtpUrl, Setting.MailFrom];`,
        `export async function sync(values: Record<Setting, string>) {`,
        `  await Promise.all(Object.values(Setting).map((name) => prisma.config.update({ where: { name }, data: { value: values[name] } })));`,
        `  const rows = await prisma.config.findMany({ where: { name: { in: SYNCED } } });`,
        `  await Promise.all(rows.map((row) => prisma.config.update({ where: { id: row.id }, data: { synced: true } })));`,
        `}`,
      ),
    },
    {
      name: 'a list from a small configuration file (CommonJS)',
      filename: 'warm.js',
      code: lines(
        `const axios = require('axios');`,
        `const config = require('./config.json');`,
        `async function warm() {`,
        `  await Promise.all(config.upstreams.map((url) => axios.get(url, { timeout: 2000 })));`,
        `}`,
        `module.exports = { warm };`,
      ),
    },
    {
      name: 'a list query with a limit, or with options the file cannot see',
      code: lines(
        PRISMA,
        `export async function recent(userId: string, options: { take?: number }) {`,
        `  const latest = await prisma.order.findMany({ where: { userId }, take: 20 });`,
        `  await Promise.all(latest.map((order) => prisma.order.update({ where: { id: order.id }, data: { seen: true } })));`,
        `  const page = await prisma.order.findMany({ where: { userId }, ...options });`,
        `  await Promise.all(page.map((order) => prisma.order.update({ where: { id: order.id }, data: { seen: true } })));`,
        `}`,
      ),
    },
    {
      name: 'p-limit inside the map callback (ESM)',
      code: lines(
        `import pLimit from 'p-limit';`,
        PRISMA,
        `const limit = pLimit(5);`,
        `export async function archive(userId: string) {`,
        ORDERS,
        `  await Promise.all(orders.map((order) => limit(() => prisma.order.update({ where: { id: order.id }, data: { archived: true } }))));`,
        `}`,
      ),
    },
    {
      name: 'p-limit through require, inside an async callback, over an upstream response (CommonJS)',
      filename: 'job.js',
      code: lines(
        `const axios = require('axios');`,
        `const limiter = require('p-limit')(4);`,
        `async function sync() {`,
        `  const { data: users } = await axios.get('https://hr.example/users', { timeout: 5000 });`,
        `  await Promise.all(users.map(async (user) => limiter(() => axios.post('https://crm.example/users', user, { timeout: 5000 }))));`,
        `}`,
        `module.exports = { sync };`,
      ),
    },
    {
      name: 'p-queue add over the request body',
      code: lines(
        EXPRESS,
        `import PQueue from 'p-queue';`,
        `const queue = new PQueue({ concurrency: 3 });`,
        `export const all = (req: Request, res: Response) => Promise.all(req.body.urls.map((url: string) => queue.add(() => fetch(url)))).then(() => res.end());`,
      ),
    },
    {
      name: 'bottleneck schedule over an upstream response',
      code: lines(
        `import Bottleneck from 'bottleneck';`,
        `import axios from 'axios';`,
        `const limiter = new Bottleneck({ maxConcurrent: 2 });`,
        `export async function all() {`,
        `  const { data } = await axios.get<string[]>('https://feeds.example/urls');`,
        `  return Promise.all(data.map((url) => limiter.schedule(() => axios.get(url))));`,
        `}`,
      ),
    },
    {
      name: 'p-map with a concurrency option over the request body',
      code: lines(EXPRESS, `import pMap from 'p-map';`, `export const all = (req: Request) => pMap(req.body.urls as string[], (url) => fetch(url), { concurrency: 4 });`),
    },
    {
      name: 'a slice chunk in a for loop',
      code: lines(
        PRISMA,
        `export async function archive(userId: string) {`,
        ORDERS,
        `  for (let i = 0; i < orders.length; i += 50) {`,
        `    const batch = orders.slice(i, i + 50);`,
        `    await Promise.all(batch.map((order) => prisma.order.delete({ where: { id: order.id } })));`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'a for...of over lodash chunk',
      code: lines(
        `import { chunk } from 'lodash';`,
        `import axios from 'axios';`,
        `export async function send() {`,
        `  const { data: items } = await axios.get<string[]>('https://api.example/pending');`,
        `  for (const group of chunk(items, 20)) {`,
        `    await Promise.all(group.map((item) => axios.post('https://api.example/items', { item })));`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'a for...of over an array of arrays (a project chunk helper)',
      code: lines(
        EXPRESS,
        `import Redis from 'ioredis';`,
        `const redis = new Redis();`,
        `declare function inChunks<T>(items: T[], size: number): T[][];`,
        `export async function expire(req: Request) {`,
        `  for (const part of inChunks(req.body.keys as string[], 100)) await Promise.all(part.map((key) => redis.del(key)));`,
        `}`,
      ),
    },
    {
      name: 'Array.from with a length: a fixed pool of workers',
      code: lines(
        EXPRESS,
        `export async function drain(req: Request, workers: number) {`,
        `  const queue: string[] = req.body.urls;`,
        `  await Promise.all(Array.from({ length: workers }, async () => { while (queue.length) await fetch(queue.pop()!); }));`,
        `}`,
      ),
    },
    {
      name: 'a local function named fetch is not I/O',
      code: lines(EXPRESS, `function fetch(x: string) { return Promise.resolve(x.length); }`, `export const all = (req: Request) => Promise.all((req.body.xs as string[]).map((x) => fetch(x)));`),
    },
    {
      name: 'a Promise.all of a literal list of distinct calls',
      code: lines(PRISMA, `export const counts = () => Promise.all([prisma.user.count(), prisma.order.count()]);`),
    },
    {
      name: 'queries on an interactive transaction\'s client share its one connection',
      code: lines(
        PRISMA,
        `export async function rename(userId: string) {`,
        ORDERS,
        `  await prisma.$transaction(async (tx) => {`,
        `    await Promise.all(orders.map((order) => tx.order.update({ where: { id: order.id }, data: { name: 'x' } })));`,
        `  });`,
        `}`,
      ),
    },
    {
      name: 'the children of one record loaded by a single-row lookup',
      code: lines(
        PRISMA,
        `export async function copy(id: string) {`,
        `  const envelope = await prisma.envelope.findFirst({ where: { id }, include: { items: true } });`,
        `  if (!envelope) return;`,
        `  const { items } = envelope;`,
        `  await Promise.all(envelope.items.map((item) => prisma.item.create({ data: { name: item.name } })));`,
        `  await Promise.all(items.map((item) => prisma.item.delete({ where: { id: item.id } })));`,
        `}`,
      ),
    },
    {
      name: 'a Nest start-up hook, and the method only it calls',
      code: lines(
        `import { Injectable, OnModuleInit } from '@nestjs/common';`,
        PRISMA,
        `@Injectable()`,
        `export class ConfigService implements OnModuleInit {`,
        `  async onModuleInit() {`,
        `    const rows = await prisma.config.findMany();`,
        `    await Promise.all(rows.map((row) => prisma.config.update({ where: { id: row.id }, data: { checked: true } })));`,
        `    await this.encryptAll();`,
        `  }`,
        `  async encryptAll() {`,
        `    const rows = await prisma.config.findMany({ where: { encrypted: false } });`,
        `    await Promise.allSettled(rows.map((row) => prisma.config.update({ where: { id: row.id }, data: { encrypted: true } })));`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'a seed script',
      filename: 'seed/users.ts',
      code: lines(PRISMA, `export async function seed(userId: string) {`, ORDERS, `  await Promise.all(orders.map((order) => prisma.order.delete({ where: { id: order.id } })));`, `}`),
    },
    {
      name: 'browser code',
      code: lines(`'use client';`, `export async function upload() {`, `  const files: File[] = await (await fetch('/api/pending')).json();`, `  await Promise.all(files.map((file) => fetch('https://uploads.example', { method: 'POST', body: file })));`, `}`),
    },
  ],
  invalid: [
    {
      name: 'Prisma update per row of a findMany with no limit',
      code: lines(PRISMA, `export async function archive(userId: string) {`, ORDERS, `  await Promise.all(orders.map((order) => prisma.order.update({ where: { id: order.id }, data: { archived: true } })));`, `}`),
      findings: [{ line: 5, message: 'read from a database query with no limit', column: 9 }],
    },
    {
      name: 'fetch per url of the request body, allSettled',
      code: lines(
        EXPRESS,
        `export async function notify(req: Request, res: Response) {`,
        `  const urls: string[] = req.body.webhooks;`,
        `  res.json(await Promise.allSettled(urls.map(async (url) => { const r = await fetch(url); return r.status; })));`,
        `}`,
      ),
      findings: [{ line: 4, message: 'Promise.allSettled() starts `fetch()` for every element of `urls` (read from the request)' }],
    },
    {
      name: 'axios per element of an upstream response in CommonJS',
      filename: 'sync.js',
      code: lines(
        `const axios = require('axios');`,
        `async function sync() {`,
        `  const { data } = await axios.get('https://hr.example/users', { timeout: 5000 });`,
        `  await Promise.all(data.users.map((user) => axios.post('https://crm.example/users', user)));`,
        `}`,
        `module.exports = { sync };`,
      ),
      findings: [{ line: 4, message: 'read from an upstream response' }],
    },
    {
      name: 'a const holding the mapped promises, over a Nest @Body() DTO',
      code: lines(
        `import { Body, Controller, Post } from '@nestjs/common';`,
        `import got from 'got';`,
        `class LoadDto { ids!: number[]; }`,
        `@Controller('items')`,
        `export class ItemsController {`,
        `  @Post('load')`,
        `  async load(@Body() dto: LoadDto) {`,
        `    const requests = dto.ids.map((id) => got(\`https://api.example/items/\${id}\`).json());`,
        `    return Promise.all(requests);`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 9, message: 'read from the request' }],
    },
    {
      name: 'through a project function that does I/O, one entry of a Promise.all',
      code: lines(
        PRISMA,
        `async function touch(id: string) {`,
        `  await prisma.session.update({ where: { id }, data: { seenAt: new Date() } });`,
        `}`,
        `export async function touchAll(userId: string) {`,
        `  const [sessions, count] = await Promise.all([prisma.session.findMany({ where: { userId } }), prisma.session.count()]);`,
        `  await Promise.all(sessions.map(async (session) => { await touch(session.id); }));`,
        `  return count;`,
        `}`,
      ),
      findings: [{ line: 8, message: 'which calls `prisma.session.update()`' }],
    },
    {
      name: 'a parameter that a call in the same file fills with a query\'s rows',
      code: lines(
        `import axios from 'axios';`,
        PRISMA,
        `export class Mailer {`,
        `  async send(to: string) { await axios.post('https://mail.example/send', { to }); }`,
        `  async sendAll(list: string[]) { await Promise.all(list.map((to) => this.send(to))); }`,
        `  async sendToTeam(teamId: string) {`,
        `    const members = await prisma.member.findMany({ where: { teamId } });`,
        `    await this.sendAll(members.map((member) => member.email));`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 6 }],
    },
    {
      name: 'p-map without concurrency over a fetch response (its default is Infinity)',
      code: lines(
        `import pMap from 'p-map';`,
        `export async function all() {`,
        `  const response = await fetch('https://feeds.example/urls');`,
        `  const urls: string[] = await response.json();`,
        `  return pMap(urls, (url) => fetch(url));`,
        `}`,
      ),
      findings: [{ line: 5, message: 'pMap()' }],
    },
    {
      name: 'Redis per key through an injected client, keys of a query through lodash uniqBy',
      code: lines(
        `import Redis from 'ioredis';`,
        `import { uniqBy } from 'lodash';`,
        PRISMA,
        `export class Cache {`,
        `  constructor(private readonly redis: Redis) {}`,
        `  async drop(userId: string) {`,
        `    const sessions = uniqBy(await prisma.session.findMany({ where: { userId } }), (session) => session.key);`,
        `    await Promise.all(sessions.map((session) => this.redis.del(session.key)));`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 9, message: 'Redis' }],
    },
    {
      name: 'an aliased import of a mongoose model, ids from an upstream answer (JS)',
      filename: 'users.js',
      code: lines(
        `import mg from 'mongoose';`,
        `const User = mg.model('User');`,
        `export async function deactivate() {`,
        `  const ids = await fetch('https://hr.example/leavers').then((res) => res.json());`,
        `  await Promise.all(ids.map((id) => User.updateOne({ _id: id }, { active: false })));`,
        `}`,
      ),
      findings: [{ line: 5, message: 'MongoDB' }],
    },
    {
      name: 'filter of a query whose limit is "no limit" (a parameter defaulting to Number.MAX_SAFE_INTEGER)',
      code: lines(
        `import { S3Client, DeleteObjectCommand } from '@aws-sdk/client-s3';`,
        PRISMA,
        `const s3 = new S3Client({});`,
        `async function filesOf(userId: string, take = Number.MAX_SAFE_INTEGER) {`,
        `  return prisma.file.findMany({ where: { userId }, take });`,
        `}`,
        `export async function purge(userId: string) {`,
        `  const files = await filesOf(userId);`,
        `  await Promise.all(files.filter((file) => file.key).map((file) => s3.send(new DeleteObjectCommand({ Bucket: 'b', Key: file.key }))));`,
        `}`,
      ),
      findings: [{ line: 10, message: 'AWS' }],
    },
    {
      name: 'Object.values of a record in the request body',
      code: lines(
        EXPRESS,
        PRISMA,
        `export async function save(req: Request) {`,
        `  await Promise.all(Object.values(req.body.byId as Record<string, { id: string }>).map((row) => prisma.user.upsert({ where: { id: row.id }, create: row, update: row })));`,
        `}`,
      ),
      findings: [{ line: 5 }],
    },
    {
      name: 'the same fan-out on the root client of a transaction is flagged',
      code: lines(
        PRISMA,
        `export async function rename(userId: string) {`,
        ORDERS,
        `  await prisma.$transaction(async () => {`,
        `    await Promise.all(orders.map((order) => prisma.order.update({ where: { id: order.id }, data: { name: 'x' } })));`,
        `  });`,
        `}`,
      ),
      findings: [{ line: 6 }],
    },
    {
      name: 'the rows of a list returned in an object by a project function, assigned to a let',
      code: lines(
        PRISMA,
        `async function listOrders(userId: string) {`,
        `  const rows = await prisma.order.findMany({ where: { userId } });`,
        `  return { rows, count: rows.length };`,
        `}`,
        `export async function tagAll(userId: string) {`,
        `  const { rows } = await listOrders(userId);`,
        `  await Promise.all(rows.map((order) => prisma.order.update({ where: { id: order.id }, data: { tagged: true } })));`,
        `  let pending: { id: string }[] = [];`,
        `  pending = await prisma.order.findMany({ where: { userId, paid: false } });`,
        `  await Promise.all(pending.map((order) => prisma.order.delete({ where: { id: order.id } })));`,
        `}`,
      ),
      findings: [{ line: 9 }, { line: 12 }],
    },
    {
      name: 'a method of a start-up hook\'s class that a request also calls',
      code: lines(
        `import { Injectable, OnModuleInit } from '@nestjs/common';`,
        PRISMA,
        `@Injectable()`,
        `export class ConfigService implements OnModuleInit {`,
        `  async onModuleInit() { await this.refresh(); }`,
        `  async handleReload() { await this.refresh(); }`,
        `  async refresh() {`,
        `    const rows = await prisma.config.findMany({ where: { stale: true } });`,
        `    await Promise.all(rows.map((row) => prisma.config.update({ where: { id: row.id }, data: { stale: false } })));`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 10 }],
    },
    {
      name: 'a slice with one argument is not a chunk; GraphQL @Args',
      code: lines(
        `import { Args, Mutation, Resolver } from '@nestjs/graphql';`,
        `@Resolver()`,
        `export class HooksResolver {`,
        `  @Mutation(() => Boolean)`,
        `  async ping(@Args('urls', { type: () => [String] }) urls: string[]) {`,
        `    await Promise.all(urls.slice(1).map((url) => fetch(url)));`,
        `    return true;`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 6 }],
    },
  ],
});

describe('rule unbounded-concurrency: messages and metadata', () => {
  it('points at the I/O call and at where the list comes from', () => {
    const [finding] = findingsOf(
      unboundedConcurrency,
      lines(PRISMA, `export async function all(userId: string) {`, `  const hooks = await prisma.hook.findMany({ where: { userId } });`, `  await Promise.all(hooks.map((hook) => fetch(hook.url)));`, `}`),
    );
    assert.ok(finding);
    assert.deepEqual(finding.related.map((r) => r.range.start.line + 1), [5, 4]);
    assert.match(finding.related[1]!.message, /no limit/);
  });

  it('examples: the bad ones are flagged, the good ones are not', () => {
    const { meta } = unboundedConcurrency;
    assert.ok((meta.notFlagged ?? []).length > 0);
    for (const example of meta.examples) {
      assert.ok(findingsOf(unboundedConcurrency, example.bad).length > 0, `bad example not flagged:\n${example.bad}`);
      assert.equal(findingsOf(unboundedConcurrency, example.good).length, 0, `good example flagged:\n${example.good}`);
    }
  });
});
