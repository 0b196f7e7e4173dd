import * as assert from 'node:assert/strict';
import { unboundedConcurrency } from 'preflight-server/out/rules/unbounded-concurrency';
import { findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const PRISMA = [`import { PrismaClient } from '@prisma/client';`, `const prisma = new PrismaClient();`].join('\n');

testRule(unboundedConcurrency, {
  valid: [
    {
      name: 'a callback that only computes',
      code: lines(`export async function sizes(files: { size: number }[]) {`, `  return Promise.all(files.map(async (file) => file.size * 2));`, `}`),
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
      name: 'a tuple type',
      code: lines(PRISMA, `export async function both(ids: [string, string]) {`, `  return Promise.all(ids.map((id) => prisma.user.findUnique({ where: { id } })));`, `}`),
    },
    {
      name: 'p-limit inside the map callback (ESM)',
      code: lines(
        `import pLimit from 'p-limit';`,
        PRISMA,
        `const limit = pLimit(5);`,
        `export async function archive(ids: string[]) {`,
        `  await Promise.all(ids.map((id) => limit(() => prisma.order.update({ where: { id }, data: { archived: true } }))));`,
        `}`,
      ),
    },
    {
      name: 'p-limit through require, inside an async callback (CommonJS)',
      filename: 'job.js',
      code: lines(
        `const axios = require('axios');`,
        `const limiter = require('p-limit')(4);`,
        `async function sync(users) {`,
        `  await Promise.all(users.map(async (user) => limiter(() => axios.post('https://crm.example/users', user, { timeout: 5000 }))));`,
        `}`,
        `module.exports = { sync };`,
      ),
    },
    {
      name: 'p-queue add',
      code: lines(
        `import PQueue from 'p-queue';`,
        `const queue = new PQueue({ concurrency: 3 });`,
        `export const all = (urls: string[]) => Promise.all(urls.map((url) => queue.add(() => fetch(url))));`,
      ),
    },
    {
      name: 'bottleneck schedule',
      code: lines(
        `import Bottleneck from 'bottleneck';`,
        `import axios from 'axios';`,
        `const limiter = new Bottleneck({ maxConcurrent: 2 });`,
        `export const all = (urls: string[]) => Promise.all(urls.map((url) => limiter.schedule(() => axios.get(url))));`,
      ),
    },
    {
      name: 'p-map with a concurrency option',
      code: lines(`import pMap from 'p-map';`, `export const all = (urls: string[]) => pMap(urls, (url) => fetch(url), { concurrency: 4 });`),
    },
    {
      name: 'a slice chunk in a for loop',
      code: lines(
        PRISMA,
        `export async function archive(ids: string[]) {`,
        `  for (let i = 0; i < ids.length; i += 50) {`,
        `    const batch = ids.slice(i, i + 50);`,
        `    await Promise.all(batch.map((id) => prisma.order.delete({ where: { id } })));`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'a for...of over lodash chunk',
      code: lines(
        `import { chunk } from 'lodash';`,
        `import axios from 'axios';`,
        `export async function send(items: string[]) {`,
        `  for (const group of chunk(items, 20)) {`,
        `    await Promise.all(group.map((item) => axios.post('https://api.example/items', { item })));`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'a for...of over an array of arrays (a project chunk helper)',
      code: lines(
        `import Redis from 'ioredis';`,
        `const redis = new Redis();`,
        `declare function inChunks<T>(items: T[], size: number): T[][];`,
        `export async function expire(keys: string[]) {`,
        `  for (const part of inChunks(keys, 100)) await Promise.all(part.map((key) => redis.del(key)));`,
        `}`,
      ),
    },
    {
      name: 'Array.from with a length: a fixed pool of workers',
      code: lines(
        `export async function drain(queue: string[], workers: number) {`,
        `  await Promise.all(Array.from({ length: workers }, async () => { while (queue.length) await fetch(queue.pop()!); }));`,
        `}`,
      ),
    },
    {
      name: 'a local function named fetch is not I/O',
      code: lines(`function fetch(x: string) { return Promise.resolve(x.length); }`, `export const all = (xs: string[]) => Promise.all(xs.map((x) => fetch(x)));`),
    },
    {
      name: 'a Promise.all of a literal list of distinct calls',
      code: lines(PRISMA, `export const counts = () => Promise.all([prisma.user.count(), prisma.order.count()]);`),
    },
    {
      name: 'queries on an interactive transaction\'s client share its one connection',
      code: lines(
        PRISMA,
        `export async function rename(ids: string[]) {`,
        `  await prisma.$transaction(async (tx) => {`,
        `    await Promise.all(ids.map((id) => tx.item.update({ where: { id }, data: { name: 'x' } })));`,
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
      name: 'Object.values of an enum imported from the Prisma client',
      code: lines(
        `import { PrismaClient, DataSource } from '@prisma/client';`,
        `const prisma = new PrismaClient();`,
        `export const counts = () => Promise.all(Object.values(DataSource).map((dataSource) => prisma.profile.count({ where: { dataSource } })));`,
      ),
    },
    {
      name: 'a seed script',
      filename: 'seed/users.ts',
      code: lines(PRISMA, `export const seed = (emails: string[]) => Promise.all(emails.map((email) => prisma.user.create({ data: { email } })));`),
    },
    {
      name: 'browser code',
      code: lines(`'use client';`, `export const upload = (files: File[]) => Promise.all(files.map((file) => fetch('https://uploads.example', { method: 'POST', body: file })));`),
    },
  ],
  invalid: [
    {
      name: 'Prisma update per id',
      code: lines(PRISMA, `export async function archive(ids: string[]) {`, `  await Promise.all(ids.map((id) => prisma.order.update({ where: { id }, data: { archived: true } })));`, `}`),
      findings: [{ line: 4, message: 'pool', column: 9 }],
    },
    {
      name: 'fetch per url in an async callback, allSettled',
      code: lines(`export async function notify(urls: string[]) {`, `  return Promise.allSettled(urls.map(async (url) => { const r = await fetch(url); return r.status; }));`, `}`),
      findings: [{ line: 2, message: 'Promise.allSettled() starts `fetch()` for every element of `urls`' }],
    },
    {
      name: 'axios per element in CommonJS',
      filename: 'sync.js',
      code: lines(
        `const axios = require('axios');`,
        `async function sync(users) {`,
        `  await Promise.all(users.map((user) => axios.post('https://crm.example/users', user)));`,
        `}`,
        `module.exports = { sync };`,
      ),
      findings: [{ line: 3, message: 'rate limits' }],
    },
    {
      name: 'a const holding the mapped promises',
      code: lines(
        `import got from 'got';`,
        `export async function load(ids: number[]) {`,
        `  const requests = ids.map((id) => got(\`https://api.example/items/\${id}\`).json());`,
        `  return Promise.all(requests);`,
        `}`,
      ),
      findings: [{ line: 4 }],
    },
    {
      name: 'through a project function that does I/O',
      code: lines(
        PRISMA,
        `async function touch(id: string) {`,
        `  await prisma.session.update({ where: { id }, data: { seenAt: new Date() } });`,
        `}`,
        `export async function touchAll(ids: string[]) {`,
        `  await Promise.all(ids.map(async (id) => { await touch(id); }));`,
        `}`,
      ),
      findings: [{ line: 7, message: 'which calls `prisma.session.update()`' }],
    },
    {
      name: 'a method reference passed to map',
      code: lines(
        `import axios from 'axios';`,
        `export class Mailer {`,
        `  async send(to: string) { await axios.post('https://mail.example/send', { to }); }`,
        `  async sendAll(list: string[]) { await Promise.all(list.map((to) => this.send(to))); }`,
        `}`,
      ),
      findings: [{ line: 4 }],
    },
    {
      name: 'p-map without concurrency (its default is Infinity)',
      code: lines(`import pMap from 'p-map';`, `export const all = (urls: string[]) => pMap(urls, (url) => fetch(url));`),
      findings: [{ line: 2, message: 'pMap()' }],
    },
    {
      name: 'Redis per key through an injected client',
      code: lines(
        `import Redis from 'ioredis';`,
        `export class Cache {`,
        `  constructor(private readonly redis: Redis) {}`,
        `  async drop(keys: string[]) { await Promise.all(keys.map((key) => this.redis.del(key))); }`,
        `}`,
      ),
      findings: [{ line: 4, message: 'Redis' }],
    },
    {
      name: 'an aliased import of a mongoose model',
      filename: 'users.js',
      code: lines(
        `import mg from 'mongoose';`,
        `const User = mg.model('User');`,
        `export async function deactivate(ids) {`,
        `  await Promise.all(ids.map((id) => User.updateOne({ _id: id }, { active: false })));`,
        `}`,
      ),
      findings: [{ line: 4, message: 'MongoDB' }],
    },
    {
      name: 'filter of an unbounded list stays unbounded',
      code: lines(
        `import { S3Client, DeleteObjectCommand } from '@aws-sdk/client-s3';`,
        `const s3 = new S3Client({});`,
        `export async function purge(keys: string[]) {`,
        `  await Promise.all(keys.filter(Boolean).map((Key) => s3.send(new DeleteObjectCommand({ Bucket: 'b', Key }))));`,
        `}`,
      ),
      findings: [{ line: 4, message: 'AWS' }],
    },
    {
      name: 'Object.values of a record (index signature) is unbounded',
      code: lines(
        PRISMA,
        `export async function save(byId: Record<string, { id: string; name: string }>) {`,
        `  await Promise.all(Object.values(byId).map((row) => prisma.user.upsert({ where: { id: row.id }, create: row, update: row })));`,
        `}`,
      ),
      findings: [{ line: 4 }],
    },
    {
      name: 'the same fan-out on the root client of a transaction is flagged',
      code: lines(
        PRISMA,
        `export async function rename(ids: string[]) {`,
        `  await prisma.$transaction(async () => {`,
        `    await Promise.all(ids.map((id) => prisma.item.update({ where: { id }, data: { name: 'x' } })));`,
        `  });`,
        `}`,
      ),
      findings: [{ line: 5 }],
    },
    {
      name: 'the rows of a findMany are not one record\'s children',
      code: lines(
        PRISMA,
        `export async function tagAll(userId: string) {`,
        `  const orders = await prisma.order.findMany({ where: { userId } });`,
        `  await Promise.all(orders.map((order) => prisma.order.update({ where: { id: order.id }, data: { tagged: true } })));`,
        `}`,
      ),
      findings: [{ line: 5 }],
    },
    {
      name: 'a slice with one argument is not a chunk',
      code: lines(`export async function rest(urls: string[]) {`, `  await Promise.all(urls.slice(1).map((url) => fetch(url)));`, `}`),
      findings: [{ line: 2 }],
    },
  ],
});

describe('rule unbounded-concurrency: messages and metadata', () => {
  it('points at the I/O call as a related location', () => {
    const [finding] = findingsOf(unboundedConcurrency, lines(`export const all = (urls: string[]) =>`, `  Promise.all(urls.map((url) => fetch(url)));`));
    assert.ok(finding);
    assert.deepEqual(finding.related.map((r) => r.range.start.line + 1), [2]);
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
