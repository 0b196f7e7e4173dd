import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG, type ResolvedConfig } from 'preflight-server';
import { unboundedQuery } from 'preflight-server/out/rules/unbounded-query';
import { findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const EXPRESS_APP = [`import express from 'express';`, `import { PrismaClient } from '@prisma/client';`, `const prisma = new PrismaClient();`, `const app = express();`].join('\n');
const route = (...body: string[]): string => lines(EXPRESS_APP, `app.get('/orders', async (req, res) => {`, ...body, `});`);

testRule(unboundedQuery, {
  valid: [
    { name: 'a limit', code: route(`  res.json(await prisma.order.findMany({ where: { status: 'paid' }, take: 20 }));`) },
    { name: 'a filter on the id', code: route(`  res.json(await prisma.order.findMany({ where: { id: String(req.params.id) } }));`) },
    { name: 'a filter on a list of ids (a batched lookup)', code: route(`  const ids: string[] = [];`, `  res.json(await prisma.order.findMany({ where: { id: { in: ids } } }));`) },
    { name: 'a filter on a fixed set of values', code: route(`  res.json(await prisma.order.findMany({ where: { status: { in: ['open', 'paid'] } } }));`) },
    { name: 'options the file cannot see', code: route(`  const args = { where: { status: 'paid' } };`, `  res.json(await prisma.order.findMany(args));`) },
    { name: 'a request limit clamped with Math.min', code: route(`  res.json(await prisma.order.findMany({ take: Math.min(Number(req.query.limit) || 50, 100) }));`) },
    { name: 'single-row reads and counts', code: route(`  const one = await prisma.order.findFirst({ where: { status: 'paid' } });`, `  const n = await prisma.order.count();`, `  res.json({ one, n });`) },
    {
      name: 'a helper no handler of its file calls',
      code: lines(`import { PrismaClient } from '@prisma/client';`, `const prisma = new PrismaClient();`, `export async function everyOrder() {`, `  return prisma.order.findMany();`, `}`),
    },
    {
      name: 'a command-line program',
      filename: 'scripts/export.ts',
      code: route(`  res.json(await prisma.order.findMany());`),
    },
    {
      name: 'Mongoose find with .limit() (CommonJS)',
      filename: 'posts.js',
      code: lines(
        `const express = require('express');`,
        `const mongoose = require('mongoose');`,
        `const Post = mongoose.model('Post', new mongoose.Schema({}));`,
        `const router = express.Router();`,
        `router.get('/posts', async (req, res) => {`,
        `  res.json(await Post.find({ published: true }).sort({ createdAt: -1 }).limit(20).lean());`,
        `});`,
        `module.exports = router;`,
      ),
    },
    {
      name: 'Knex: a lookup by id, and .first()',
      code: lines(
        `import express from 'express';`,
        `import knex from 'knex';`,
        `const db = knex({ client: 'pg' });`,
        `const app = express();`,
        `app.get('/users/:id', async (req, res) => {`,
        `  const user = await db('users').where('id', req.params.id).select('*');`,
        `  const first = await db('users').where({ email: req.query.email }).first();`,
        `  res.json({ user, first });`,
        `});`,
      ),
    },
    {
      name: 'a filter on a parent key: the webhooks of one project, the teams of one member',
      code: route(
        `  const hooks = await prisma.webhook.findMany({ where: { projectId: String(req.params.projectId) } });`,
        `  const teams = await prisma.team.findMany({ where: { members: { some: { userId: String(req.query.user) } } } });`,
        `  res.json({ hooks, teams });`,
      ),
    },
    {
      name: 'an admin route',
      code: lines(EXPRESS_APP, `app.get('/admin/plans', async (req, res) => {`, `  res.json(await prisma.plan.findMany());`, `});`),
    },
    {
      name: 'a Nest DTO limit with @Max()',
      code: lines(
        `import { Controller, Get, Query } from '@nestjs/common';`,
        `import { Max } from 'class-validator';`,
        `import { PrismaClient } from '@prisma/client';`,
        `class ListQuery { @Max(100) limit!: number; }`,
        `@Controller('orders')`,
        `export class OrdersController {`,
        `  constructor(private readonly prisma: PrismaClient) {}`,
        `  @Get()`,
        `  list(@Query() query: ListQuery) {`,
        `    return this.prisma.order.findMany({ take: query.limit });`,
        `  }`,
        `}`,
      ),
    },
  ],
  invalid: [
    {
      name: 'Prisma findMany with a filter and no take',
      code: route(`  const orders = await prisma.order.findMany({ where: { status: 'paid' } });`, `  res.json(orders);`),
      findings: [{ line: 6, message: 'has no limit' }],
      output: route(`  const orders = await prisma.order.findMany({ where: { status: 'paid' }, take: 1000 });`, `  res.json(orders);`),
    },
    {
      name: 'Prisma findMany with no arguments',
      code: route(`  res.json(await prisma.user.findMany());`),
      findings: [{ line: 6 }],
      output: route(`  res.json(await prisma.user.findMany({ take: 1000 }));`),
    },
    {
      name: 'a limit from the query string with no upper bound',
      code: route(`  res.json(await prisma.user.findMany({ take: Number(req.query.limit) }));`),
      findings: [{ line: 6, message: 'takes its limit from the request with no upper bound' }],
      output: route(`  res.json(await prisma.user.findMany({ take: Math.min(Number(req.query.limit) || 50, 1000) }));`),
    },
    {
      name: 'a destructured request limit with a default',
      code: lines(
        `import express from 'express';`,
        `import type { Request, Response } from 'express';`,
        `import { PrismaClient } from '@prisma/client';`,
        `const prisma = new PrismaClient();`,
        `const app = express();`,
        `async function list(req: Request, res: Response) {`,
        `  const { limit } = req.query;`,
        `  res.json(await prisma.user.findMany({ take: parseInt(String(limit)) || 20 }));`,
        `}`,
        `app.get('/users', list);`,
      ),
      findings: [{ line: 8 }],
    },
    {
      name: '"no limit" spelled as Number.MAX_SAFE_INTEGER',
      code: route(`  res.json(await prisma.user.findMany({ where: { active: true }, take: Number.MAX_SAFE_INTEGER }));`),
      findings: [{ line: 6 }],
      output: route(`  res.json(await prisma.user.findMany({ where: { active: true }, take: 1000 }));`),
    },
    {
      name: 'TypeORM repository find in a Nest controller',
      code: lines(
        `import { Controller, Get } from '@nestjs/common';`,
        `import { InjectRepository } from '@nestjs/typeorm';`,
        `import { Repository } from 'typeorm';`,
        `import { Order } from './order.entity';`,
        `@Controller('orders')`,
        `export class OrdersController {`,
        `  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>) {}`,
        `  @Get()`,
        `  list() {`,
        `    return this.orders.find({ where: { status: 'paid' }, order: { createdAt: 'DESC' } });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 10 }],
      output: lines(
        `import { Controller, Get } from '@nestjs/common';`,
        `import { InjectRepository } from '@nestjs/typeorm';`,
        `import { Repository } from 'typeorm';`,
        `import { Order } from './order.entity';`,
        `@Controller('orders')`,
        `export class OrdersController {`,
        `  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>) {}`,
        `  @Get()`,
        `  list() {`,
        `    return this.orders.find({ where: { status: 'paid' }, order: { createdAt: 'DESC' }, take: 1000 });`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'a TypeORM query builder getMany',
      code: lines(
        `import express from 'express';`,
        `import { DataSource } from 'typeorm';`,
        `const dataSource = new DataSource({ type: 'postgres' });`,
        `const app = express();`,
        `app.get('/events', async (req, res) => {`,
        `  res.json(await dataSource.getRepository('Event').createQueryBuilder('e').where('e.kind = :kind', { kind: 'click' }).getMany());`,
        `});`,
      ),
      findings: [{ line: 6 }],
      output: lines(
        `import express from 'express';`,
        `import { DataSource } from 'typeorm';`,
        `const dataSource = new DataSource({ type: 'postgres' });`,
        `const app = express();`,
        `app.get('/events', async (req, res) => {`,
        `  res.json(await dataSource.getRepository('Event').createQueryBuilder('e').where('e.kind = :kind', { kind: 'click' }).take(1000).getMany());`,
        `});`,
      ),
    },
    {
      name: 'Sequelize findAll in an Express router (CommonJS)',
      filename: 'orders.js',
      code: lines(
        `const express = require('express');`,
        `const { Model } = require('sequelize');`,
        `class Order extends Model {}`,
        `const router = express.Router();`,
        `router.get('/orders', async (req, res) => {`,
        `  res.json(await Order.findAll({ where: { status: 'paid' } }));`,
        `});`,
        `module.exports = router;`,
      ),
      findings: [{ line: 6 }],
      output: lines(
        `const express = require('express');`,
        `const { Model } = require('sequelize');`,
        `class Order extends Model {}`,
        `const router = express.Router();`,
        `router.get('/orders', async (req, res) => {`,
        `  res.json(await Order.findAll({ where: { status: 'paid' }, limit: 1000 }));`,
        `});`,
        `module.exports = router;`,
      ),
    },
    {
      name: 'Mongoose find in a Koa router (ESM .mjs)',
      filename: 'posts.mjs',
      code: lines(
        `import Router from '@koa/router';`,
        `import mongoose from 'mongoose';`,
        `const Post = mongoose.model('Post', new mongoose.Schema({}));`,
        `const router = new Router();`,
        `router.get('/posts', async (ctx) => {`,
        `  ctx.body = await Post.find({ published: true }).sort({ createdAt: -1 }).lean();`,
        `});`,
        `export default router;`,
      ),
      findings: [{ line: 6 }],
      output: lines(
        `import Router from '@koa/router';`,
        `import mongoose from 'mongoose';`,
        `const Post = mongoose.model('Post', new mongoose.Schema({}));`,
        `const router = new Router();`,
        `router.get('/posts', async (ctx) => {`,
        `  ctx.body = await Post.find({ published: true }).limit(1000).sort({ createdAt: -1 }).lean();`,
        `});`,
        `export default router;`,
      ),
    },
    {
      name: 'a Knex select in a Fastify route',
      code: lines(
        `import Fastify from 'fastify';`,
        `import knex from 'knex';`,
        `const db = knex({ client: 'pg' });`,
        `const app = Fastify();`,
        `app.get('/users', async () => {`,
        `  return db('users').where({ active: true }).select('id', 'email');`,
        `});`,
      ),
      findings: [{ line: 6 }],
      output: lines(
        `import Fastify from 'fastify';`,
        `import knex from 'knex';`,
        `const db = knex({ client: 'pg' });`,
        `const app = Fastify();`,
        `app.get('/users', async () => {`,
        `  return db('users').where({ active: true }).select('id', 'email').limit(1000);`,
        `});`,
      ),
    },
    {
      name: 'a list query in a BullMQ worker (job code)',
      code: lines(
        `import { Worker } from 'bullmq';`,
        `import { PrismaClient } from '@prisma/client';`,
        `const prisma = new PrismaClient();`,
        `new Worker('digest', async () => {`,
        `  const events = await prisma.event.findMany({ where: { sent: false } });`,
        `  console.log(events.length);`,
        `});`,
      ),
      findings: [{ line: 5, message: 'in job code' }],
    },
    {
      name: 'a Nest @Query() limit with no bound',
      code: lines(
        `import { Controller, Get, Query } from '@nestjs/common';`,
        `import { PrismaClient } from '@prisma/client';`,
        `@Controller('orders')`,
        `export class OrdersController {`,
        `  constructor(private readonly prisma: PrismaClient) {}`,
        `  @Get()`,
        `  list(@Query('limit') limit: string) {`,
        `    return this.prisma.order.findMany({ where: { status: 'paid' }, take: +limit });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 8 }],
    },
  ],
});

describe('unbounded-query options', () => {
  it('writes maxRows from the rule options into its fix', () => {
    const config: ResolvedConfig = { ...DEFAULT_CONFIG, rules: { 'unbounded-query': { severity: 'warning', options: { maxRows: 200 } } } };
    const [finding] = findingsOf(unboundedQuery, route(`  res.json(await prisma.user.findMany());`), 'case.ts', config);
    assert.ok(finding);
    assert.match(finding.fixes[0]!.edits[0]!.newText, /take: 200/);
  });

  it('falls back to 1000 when maxRows is not a positive integer', () => {
    const config: ResolvedConfig = { ...DEFAULT_CONFIG, rules: { 'unbounded-query': { severity: 'warning', options: { maxRows: -3 } } } };
    const [finding] = findingsOf(unboundedQuery, route(`  res.json(await prisma.user.findMany({ take: Number(req.query.limit) }));`), 'case.ts', config);
    assert.ok(finding);
    assert.match(finding.fixes[0]!.edits[0]!.newText, /, 1000\)$/);
  });
});
