import * as assert from 'node:assert/strict';
import { FileFacts } from 'preflight-server';
import { databaseOperationOf, sqlStatementKind, transactionCoverOf } from 'preflight-server/out/facts/database-operations';
import type { SourceFile } from 'ts-morph';
import { callExpressionStartingWith, withFile, withFiles } from '../support/facts-project';

/** What the facts say about the first call starting with `prefix`: `library client kind target [keys] (cover)`. */
function operation(sourceFile: SourceFile, prefix: string): string | undefined {
  const facts = FileFacts.of(sourceFile);
  const found = databaseOperationOf(callExpressionStartingWith(sourceFile, prefix), facts);
  if (!found) return undefined;
  const cover = transactionCoverOf(found, facts);
  return [found.library.id, found.client, found.kind, found.target ?? '-', found.keys ? `[${found.keys.join(',')}]` : '', cover ? `(${cover})` : ''].filter(Boolean).join(' ');
}

describe('facts/database-operations', () => {
  it('Prisma: reads, list reads, writes, upserts keyed on their where, createMany skipDuplicates, and what a transaction covers', () => {
    withFile(
      `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function go(eventId: string) {
  await prisma.user.findUnique({ where: { id: eventId } });
  await prisma.user.findMany();
  await prisma.user.update({ where: { id: eventId }, data: {} });
  await prisma.event.upsert({ where: { eventId }, create: { eventId }, update: {} });
  await prisma.event.createMany({ data: [], skipDuplicates: true });
  await prisma.$transaction(async (tx) => { await tx.order.create({ data: {} }); });
  await prisma.$transaction([prisma.item.delete({ where: { id: eventId } })]);
}`,
      (sourceFile) => {
        assert.equal(operation(sourceFile, 'prisma.user.findUnique'), 'prisma prisma:default read user');
        assert.equal(operation(sourceFile, 'prisma.user.findMany'), 'prisma prisma:default list-read user');
        assert.equal(operation(sourceFile, 'prisma.user.update'), 'prisma prisma:default write user');
        assert.equal(operation(sourceFile, 'prisma.event.upsert'), 'prisma prisma:default upsert event [eventId]');
        assert.equal(operation(sourceFile, 'prisma.event.createMany'), 'prisma prisma:default insert-ignore event');
        assert.equal(operation(sourceFile, 'tx.order.create'), 'prisma prisma:default write order (callback)');
        assert.equal(operation(sourceFile, 'prisma.item.delete'), 'prisma prisma:default write item (batch)');
        assert.equal(operation(sourceFile, 'prisma.$transaction'), undefined);
      },
    );
  });

  it('TypeORM: one client for the repositories of the default data source, another for a named one; query builders; a query runner', () => {
    withFile(
      `import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { User, Visit } from './entities';
const dataSource = new DataSource({ type: 'postgres' });
export class Users {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Visit, 'analytics') private readonly visits: Repository<Visit>,
  ) {}
  async go(email: string) {
    await this.users.save({ email });
    await this.visits.insert({ email });
    await this.users.find();
    await this.users.upsert({ email }, ['email']);
    await this.users.createQueryBuilder().insert().into(User).values({ email }).orIgnore().execute();
    await dataSource.getRepository(User).delete({ email });
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    await runner.manager.save(User, { email });
  }
}`,
      (sourceFile) => {
        assert.equal(operation(sourceFile, 'this.users.save'), 'typeorm typeorm:default write User');
        assert.equal(operation(sourceFile, 'this.visits.insert'), 'typeorm typeorm:analytics write Visit');
        assert.equal(operation(sourceFile, 'this.users.find'), 'typeorm typeorm:default list-read User');
        assert.equal(operation(sourceFile, 'this.users.upsert'), 'typeorm typeorm:default upsert User [email]');
        assert.equal(operation(sourceFile, 'this.users.createQueryBuilder().insert().into(User).values({ email }).orIgnore().execute'), 'typeorm typeorm:default insert-ignore User');
        assert.equal(operation(sourceFile, 'dataSource.getRepository(User).delete'), 'typeorm typeorm:default write User');
        assert.equal(operation(sourceFile, 'runner.manager.save'), 'typeorm typeorm:default write User (started)');
      },
    );
  });

  it('Mongoose models from another file share the default connection; a model of createConnection() has its own; { upsert: true } and { session }', () => {
    withFiles(
      {
        'models.ts': `import mongoose from 'mongoose';\nexport const Order = mongoose.model('Order', new mongoose.Schema({}));\nconst analytics = mongoose.createConnection('mongodb://a');\nexport const Visit = analytics.model('Visit', new mongoose.Schema({}));\n`,
        'orders.ts': `import { Order, Visit } from './models';
export async function go(eventId: string, session: unknown) {
  await Order.create({ eventId });
  await Visit.create({ eventId });
  await Order.updateOne({ eventId }, { $set: { seen: true } }, { upsert: true });
  await Order.deleteOne({ eventId }, { session: session as never });
  const order = new Order({ eventId });
  await order.save();
}`,
      },
      (file) => {
        const orders = file('orders.ts');
        assert.equal(operation(orders, 'Order.create'), 'mongoose mongoose:default write Order');
        assert.equal(operation(orders, 'Visit.create'), 'mongoose mongoose:analytics write Visit');
        assert.equal(operation(orders, 'Order.updateOne'), 'mongoose mongoose:default upsert Order [eventId]');
        assert.equal(operation(orders, 'Order.deleteOne'), 'mongoose mongoose:default write Order (passed)');
        assert.equal(operation(orders, 'order.save'), 'mongoose mongoose:default write Order');
      },
    );
  });

  it('Knex, Drizzle, pg and mysql2: the instance is the client; chains and SQL text say what runs', () => {
    withFile(
      `import knex from 'knex';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import mysql from 'mysql2/promise';
import { events } from './schema';
const db = knex({ client: 'pg' });
const orm = drizzle(process.env.URL!);
const pool = new Pool();
const maria = mysql.createPool({});
export async function go(id: string) {
  await db('events').insert({ id }).onConflict('event_id').ignore();
  await db('events').where({ id }).first();
  await orm.insert(events).values({ id }).onConflictDoUpdate({ target: events.id, set: { id } });
  await pool.query('INSERT INTO events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING', [id]);
  await pool.query('SELECT * FROM events');
  await maria.execute('INSERT INTO events SET id = ? ON DUPLICATE KEY UPDATE id = id', [id]);
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query('DELETE FROM events WHERE id = $1', [id]);
}`,
      (sourceFile) => {
        assert.equal(operation(sourceFile, "db('events').insert({ id }).onConflict('event_id').ignore"), 'knex knex:db insert-ignore events [event_id]');
        assert.equal(operation(sourceFile, "db('events').where({ id }).first"), 'knex knex:db read events');
        assert.equal(operation(sourceFile, 'orm.insert(events).values({ id }).onConflictDoUpdate'), 'drizzle drizzle:orm upsert events [id]');
        assert.equal(operation(sourceFile, "pool.query('INSERT"), 'pg pg:pool insert-ignore events [event_id]');
        assert.equal(operation(sourceFile, "pool.query('SELECT"), 'pg pg:pool list-read -');
        assert.equal(operation(sourceFile, 'maria.execute'), 'mysql2 mysql2:maria upsert events');
        assert.equal(operation(sourceFile, "client.query('DELETE"), 'pg pg:pool write events (started)');
      },
    );
  });

  it('Sequelize: a model class, its instances, { transaction: t }, and an unmanaged transaction; MikroORM flush and a handed-in entity manager', () => {
    withFile(
      `import { Model, Sequelize } from 'sequelize';
import type { EntityManager } from '@mikro-orm/postgresql';
const sequelize = new Sequelize('sqlite::memory:');
class Account extends Model {}
export async function go(id: number, em: EntityManager) {
  const account = await Account.findByPk(id);
  await account!.update({ balance: 1 });
  await Account.bulkCreate([], { ignoreDuplicates: true });
  const t = await sequelize.transaction();
  await Account.destroy({ where: { id }, transaction: t });
  await em.flush();
}`,
      (sourceFile) => {
        assert.equal(operation(sourceFile, 'Account.findByPk'), 'sequelize sequelize:default read Account');
        assert.equal(operation(sourceFile, 'account!.update'), 'sequelize sequelize:default write Account');
        assert.equal(operation(sourceFile, 'Account.bulkCreate'), 'sequelize sequelize:default insert-ignore Account');
        assert.equal(operation(sourceFile, 'Account.destroy'), 'sequelize sequelize:default write Account (passed)');
        assert.equal(operation(sourceFile, 'em.flush'), 'mikro-orm mikro-orm:default write - (handed)');
      },
    );
  });

  it('look-alikes are not operations: a Map, a project class, an unknown receiver', () => {
    withFile(
      `class Store { save(x: unknown) { return x; } }
const store = new Store();
const cache = new Map<string, number>();
export function go(repo: any) { cache.delete('a'); store.save(1); return repo.save({}); }`,
      (sourceFile) => {
        for (const prefix of ["cache.delete", 'store.save', 'repo.save']) assert.equal(operation(sourceFile, prefix), undefined, prefix);
      },
    );
  });

  it('SQL statements: comments and WITH are skipped; BEGIN starts a transaction', () => {
    assert.equal(sqlStatementKind('-- note\nWITH x AS (SELECT 1) UPDATE t SET a = 1'), 'write');
    assert.equal(sqlStatementKind('insert ignore into t values (1)'), 'insert-ignore');
    assert.equal(sqlStatementKind('REPLACE INTO t VALUES (1)'), 'upsert');
    assert.equal(sqlStatementKind('  begin'), 'begin');
    assert.equal(sqlStatementKind('START TRANSACTION'), 'begin');
    assert.equal(sqlStatementKind('select 1'), 'list-read');
  });
});
