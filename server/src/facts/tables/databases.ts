import type { ExpectedOutcome } from './failures';

/**
 * Database clients and the calls of theirs that fail by design: a lookup that
 * throws when the row is missing (`findUniqueOrThrow`), a single-row write
 * that throws when its key matches nothing (Prisma `update`/`delete`, P2025)
 * or collides with a unique key (`create`, P2002). Used by the function
 * summaries and swallowed-error; later by missing-transaction and unbounded-query.
 * Adding an ORM is a change to this table only.
 */

export interface DatabaseClientLibrary {
  id: string;
  /** The package whose client class is recognised through declared types and `new` expressions. */
  module: string;
  /** Other import paths the client class comes from: Prisma's generator can write it anywhere (`src/generated/prisma/client`). */
  generatedModule?: RegExp;
  /** Client classes of the package: `new PrismaClient()`, `tx: Prisma.TransactionClient`. */
  clientClasses: readonly string[];
  /**
   * Receiver names that conventionally hold the client when its type cannot be
   * seen (an injected service in a file whose imports do not resolve), compared
   * case-insensitively with the last name of the receiver: `this.prisma`, `tx`.
   */
  receiverNames: RegExp;
  /** Model methods (`client.<model>.<method>(...)`) that read or write. */
  modelMethods: readonly string[];
  /** Model methods that write. */
  writeMethods: readonly string[];
  /** Methods of the client itself that write: raw statements, transactions. */
  clientWriteMethods: readonly string[];
  /** Model methods that throw when no row matches, by design. */
  throwingLookups: readonly string[];
  /** Model methods that read at most one row (with whatever relations it includes). */
  singleRowLookups: readonly string[];
  /** Model methods that read a list of rows (`findMany`), and the options that cap how many (`take`). */
  listQueries: readonly string[];
  limitOptions: readonly string[];
  /** Single-row writes that throw by design: when the key matches nothing (`not-found`) or collides with a unique key (`exists`). */
  keyedWrites: Readonly<Record<string, ExpectedOutcome>>;
}

export const DATABASE_CLIENTS: readonly DatabaseClientLibrary[] = [
  {
    id: 'prisma',
    module: '@prisma/client',
    generatedModule: /(^|[/@])prisma(\/|$)/,
    clientClasses: ['PrismaClient', 'TransactionClient'],
    receiverNames: /prisma|^tx$|^db$|^client$|replica/i,
    modelMethods: [
      'findUnique',
      'findUniqueOrThrow',
      'findFirst',
      'findFirstOrThrow',
      'findMany',
      'create',
      'createMany',
      'createManyAndReturn',
      'update',
      'updateMany',
      'updateManyAndReturn',
      'upsert',
      'delete',
      'deleteMany',
      'count',
      'aggregate',
      'groupBy',
    ],
    writeMethods: ['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany'],
    clientWriteMethods: ['$executeRaw', '$executeRawUnsafe', '$transaction'],
    throwingLookups: ['findUniqueOrThrow', 'findFirstOrThrow'],
    singleRowLookups: ['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow'],
    listQueries: ['findMany'],
    limitOptions: ['take'],
    keyedWrites: { update: 'not-found', delete: 'not-found', create: 'exists' },
  },
];

/** Lookups that throw when nothing matches, on any receiver: TypeORM `findOneOrFail`, Mongoose `orFail`. */
export const THROWING_LOOKUP_METHODS: readonly string[] = ['findOneOrFail', 'findOneByOrFail', 'findOrFail', 'orFail', 'firstOrFail'];

// ---------------------------------------------------------------------------
// Database operations: what a call does to the database, through which
// connection, and what opens a transaction. Read by facts/database-operations.ts
// (and through it by missing-transaction; non-idempotent-handler reads the
// upserts and inserts that ignore duplicates as deduplication). One entry per
// library; adding one is a change to this table only.

/** How an operation reads or writes: a single row or a list, a plain write, or a write that a repeat turns into a no-op or an update. */
export type DatabaseOperationKind = 'read' | 'list-read' | 'write' | 'upsert' | 'insert-ignore';

export interface DatabaseLibrary {
  id: string;
  /** For messages: "Prisma", "TypeORM". */
  name: string;
  /** How the library runs writes in one transaction, for messages. */
  transactionHint: string;
  /** The packages whose exports (functions, classes, default export) make this library's handles. */
  modules: readonly string[];
  /** Every package under this prefix counts too: `@mikro-orm/` (`@mikro-orm/postgresql`), `drizzle-orm` (`drizzle-orm/node-postgres`). */
  modulePrefix?: string;
  /**
   * What identifies the connection two operations share:
   * - `library`: every handle of the library reaches the application's one default connection unless
   *   the code names another (Mongoose models, Sequelize models, TypeORM repositories, Prisma);
   * - `instance`: the instance the code created (`const pool = new Pool()`, `const db = knex(config)`).
   */
  connection: 'library' | 'instance';
  /** Prisma's model calls (`client.<model>.<method>`) are recognised by facts/database.ts's DATABASE_CLIENTS entry of this id. */
  modelClient?: string;
  /** Methods of a handle (repository, model, entity manager, collection, document) that write. */
  writeMethods: readonly string[];
  /** Methods that insert or update by a key: a repeat updates the same row. */
  upsertMethods?: readonly string[];
  /** Methods that read one row, and methods that read a list. */
  readMethods: readonly string[];
  listReadMethods: readonly string[];
  /** Options of a write that make a repeated insert a no-op (`skipDuplicates: true`) or an upsert (Mongoose `upsert: true`). */
  insertIgnoreOptions?: readonly string[];
  upsertOptions?: readonly string[];
  /**
   * Query builders: a chain of calls rooted in a handle (`knex('users').where(...).update(...)`,
   * `db.insert(users).values(...)`) is one operation; these methods anywhere in the chain say what it is.
   */
  chain?: {
    writes: readonly string[];
    upserts: readonly string[];
    insertIgnores: readonly string[];
    reads: readonly string[];
    listReads: readonly string[];
  };
  /** Methods whose first argument is SQL text (`pool.query('INSERT ...')`): what the statement is decides. */
  sqlMethods?: readonly string[];
  /** Methods that run their callback inside a transaction (`$transaction(async (tx) => ...)`, `withTransaction`). */
  transactionCallbacks: readonly string[];
  /** Methods that start a transaction the later calls of the function run in (`queryRunner.startTransaction()`). */
  transactionStarts?: readonly string[];
  /** Classes that are a transaction or a unit of work handed in by a caller (`tx: Prisma.TransactionClient`, `trx: Knex.Transaction`). */
  transactionClasses?: readonly string[];
  /** Options that pass a transaction to one operation (`{ transaction: t }`, `{ session }`), and chain methods that do (`.transacting(trx)`). */
  transactionOptions?: readonly string[];
  transactionChainMethods?: readonly string[];
  /** Decorators that run a method in a transaction (`@Transactional()`), by package. */
  transactionDecorators?: readonly { module: string; names: readonly string[] }[];
  /** Calls and options that name a connection other than the default (`createConnection`, `@InjectRepository(User, 'replica')`). */
  namedConnections?: { factories?: readonly string[]; injectDecorators?: readonly string[] };
}

export const DATABASE_LIBRARIES: readonly DatabaseLibrary[] = [
  {
    id: 'prisma',
    name: 'Prisma',
    transactionHint: '`prisma.$transaction(async (tx) => { ... })` (and write through `tx`), or `prisma.$transaction([write1, write2])`',
    modules: ['@prisma/client'],
    connection: 'library',
    modelClient: 'prisma',
    writeMethods: ['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany', '$executeRaw', '$executeRawUnsafe'],
    upsertMethods: ['upsert'],
    readMethods: ['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'count', 'aggregate'],
    listReadMethods: ['findMany', 'groupBy', '$queryRaw', '$queryRawUnsafe'],
    insertIgnoreOptions: ['skipDuplicates'],
    transactionCallbacks: ['$transaction'],
    transactionClasses: ['TransactionClient'],
  },
  {
    id: 'typeorm',
    transactionHint: '`dataSource.transaction(async (manager) => { ... })` (and write through `manager`), or a query runner\'s `startTransaction()`/`commitTransaction()`',
    name: 'TypeORM',
    modules: ['typeorm', '@nestjs/typeorm', 'typeorm-transactional'],
    connection: 'library',
    writeMethods: ['save', 'insert', 'update', 'delete', 'remove', 'softDelete', 'softRemove', 'restore', 'recover', 'upsert', 'increment', 'decrement', 'clear', 'updateAll', 'deleteAll'],
    upsertMethods: ['upsert'],
    readMethods: ['findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'count', 'countBy', 'exists', 'existsBy', 'exist'],
    listReadMethods: ['find', 'findBy', 'findAndCount', 'findAndCountBy'],
    chain: {
      writes: ['insert', 'update', 'delete', 'softDelete', 'restore'],
      upserts: ['orUpdate'],
      insertIgnores: ['orIgnore'],
      reads: ['getOne', 'getOneOrFail', 'getRawOne', 'getCount', 'getExists'],
      listReads: ['getMany', 'getRawMany', 'getManyAndCount', 'stream'],
    },
    sqlMethods: ['query'],
    transactionCallbacks: ['transaction'],
    transactionStarts: ['startTransaction'],
    transactionClasses: ['EntityManager', 'QueryRunner'],
    transactionDecorators: [
      { module: 'typeorm', names: ['Transaction'] },
      { module: 'typeorm-transactional', names: ['Transactional'] },
      { module: 'typeorm-transactional-cls-hooked', names: ['Transactional'] },
      { module: '@nestjs-cls/transactional', names: ['Transactional'] },
    ],
    namedConnections: { injectDecorators: ['InjectRepository', 'InjectEntityManager', 'InjectDataSource'] },
  },
  {
    id: 'sequelize',
    transactionHint: '`sequelize.transaction(async (t) => { ... })`, passing `{ transaction: t }` to every write',
    name: 'Sequelize',
    modules: ['sequelize', 'sequelize-typescript', '@sequelize/core', '@nestjs/sequelize'],
    connection: 'library',
    writeMethods: ['create', 'bulkCreate', 'update', 'destroy', 'upsert', 'increment', 'decrement', 'restore', 'save', 'truncate', 'findOrCreate'],
    upsertMethods: ['upsert', 'findOrCreate'],
    readMethods: ['findOne', 'findByPk', 'count', 'max', 'min', 'sum', 'reload'],
    listReadMethods: ['findAll', 'findAndCountAll'],
    insertIgnoreOptions: ['ignoreDuplicates'],
    upsertOptions: ['updateOnDuplicate'],
    sqlMethods: ['query'],
    transactionCallbacks: ['transaction'],
    transactionClasses: ['Transaction'],
    transactionOptions: ['transaction'],
    transactionDecorators: [{ module: '@nestjs-cls/transactional', names: ['Transactional'] }],
  },
  {
    id: 'knex',
    transactionHint: '`knex.transaction(async (trx) => { ... })` (and write through `trx`)',
    name: 'Knex',
    modules: ['knex'],
    connection: 'instance',
    writeMethods: [],
    readMethods: [],
    listReadMethods: [],
    chain: {
      writes: ['insert', 'update', 'del', 'delete', 'increment', 'decrement', 'truncate', 'upsert'],
      upserts: ['merge', 'upsert'],
      insertIgnores: ['ignore'],
      reads: ['first'],
      listReads: ['select', 'pluck'],
    },
    sqlMethods: ['raw'],
    transactionCallbacks: ['transaction'],
    transactionClasses: ['Transaction'],
    transactionChainMethods: ['transacting'],
  },
  {
    id: 'mongoose',
    transactionHint: '`session.withTransaction(async () => { ... })` (or `connection.transaction(...)`), passing `{ session }` to every write',
    name: 'Mongoose',
    modules: ['mongoose', '@nestjs/mongoose', '@typegoose/typegoose'],
    connection: 'library',
    writeMethods: [
      'create', 'insertMany', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findByIdAndUpdate',
      'findOneAndDelete', 'findByIdAndDelete', 'findOneAndReplace', 'findOneAndRemove', 'findByIdAndRemove', 'bulkWrite', 'save', 'remove',
    ],
    readMethods: ['findOne', 'findById', 'countDocuments', 'estimatedDocumentCount', 'exists'],
    listReadMethods: ['find', 'aggregate', 'distinct'],
    upsertOptions: ['upsert'],
    transactionCallbacks: ['withTransaction', 'transaction'],
    transactionStarts: ['startTransaction'],
    transactionClasses: ['ClientSession'],
    transactionOptions: ['session'],
    transactionChainMethods: ['session'],
    namedConnections: { factories: ['createConnection'] },
  },
  {
    id: 'mongodb',
    transactionHint: '`session.withTransaction(async () => { ... })`, passing `{ session }` to every write',
    name: 'MongoDB',
    modules: ['mongodb'],
    connection: 'instance',
    writeMethods: [
      'insertOne', 'insertMany', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndDelete',
      'findOneAndReplace', 'bulkWrite',
    ],
    readMethods: ['findOne', 'countDocuments', 'estimatedDocumentCount'],
    listReadMethods: ['find', 'aggregate', 'distinct'],
    upsertOptions: ['upsert'],
    transactionCallbacks: ['withTransaction'],
    transactionStarts: ['startTransaction'],
    transactionClasses: ['ClientSession'],
    transactionOptions: ['session'],
  },
  {
    id: 'pg',
    transactionHint: 'one client from `pool.connect()` with `BEGIN` / `COMMIT` / `ROLLBACK` around the writes',
    name: 'node-postgres',
    modules: ['pg', 'pg-pool'],
    connection: 'instance',
    writeMethods: [],
    readMethods: [],
    listReadMethods: [],
    sqlMethods: ['query'],
    transactionCallbacks: [],
    transactionClasses: ['PoolClient'],
  },
  {
    id: 'mysql2',
    transactionHint: 'one connection with `beginTransaction()` / `commit()` / `rollback()` around the writes',
    name: 'mysql2',
    modules: ['mysql2', 'mysql2/promise', 'mysql'],
    connection: 'instance',
    writeMethods: [],
    readMethods: [],
    listReadMethods: [],
    sqlMethods: ['query', 'execute'],
    transactionCallbacks: [],
    transactionStarts: ['beginTransaction'],
  },
  {
    id: 'drizzle',
    transactionHint: '`db.transaction(async (tx) => { ... })` (and write through `tx`)',
    name: 'Drizzle',
    modules: ['drizzle-orm'],
    modulePrefix: 'drizzle-orm/',
    connection: 'instance',
    writeMethods: [],
    readMethods: ['findFirst'],
    listReadMethods: ['findMany'],
    chain: {
      writes: ['insert', 'update', 'delete'],
      upserts: ['onConflictDoUpdate', 'onDuplicateKeyUpdate'],
      insertIgnores: ['onConflictDoNothing'],
      reads: [],
      listReads: ['select', 'selectDistinct'],
    },
    sqlMethods: ['execute'],
    transactionCallbacks: ['transaction'],
  },
  {
    id: 'mikro-orm',
    transactionHint: '`em.transactional(async (em) => { ... })`, or `persist` everything and `flush()` once',
    name: 'MikroORM',
    modules: ['@mikro-orm/core', '@mikro-orm/nestjs'],
    modulePrefix: '@mikro-orm/',
    connection: 'library',
    // `persist`/`remove` only stage changes: `flush` writes them all, in one transaction of its own.
    writeMethods: ['flush', 'persistAndFlush', 'removeAndFlush', 'nativeInsert', 'nativeUpdate', 'nativeDelete', 'insert', 'insertMany', 'upsert', 'upsertMany'],
    upsertMethods: ['upsert', 'upsertMany'],
    readMethods: ['findOne', 'findOneOrFail', 'count'],
    listReadMethods: ['find', 'findAll', 'findAndCount'],
    transactionCallbacks: ['transactional'],
    transactionStarts: ['begin'],
    transactionClasses: ['EntityManager', 'SqlEntityManager'],
    transactionDecorators: [{ module: '@mikro-orm/core', names: ['Transactional'] }],
  },
];

/**
 * SQL statements, read from the start of the text a driver's `query`/`execute` receives
 * (after comments and a `WITH` clause). `ON CONFLICT ... DO NOTHING`/`INSERT IGNORE` make a
 * repeated insert a no-op; `ON CONFLICT ... DO UPDATE`/`ON DUPLICATE KEY UPDATE`/`REPLACE`/`MERGE` an upsert.
 */
export const SQL_STATEMENTS = {
  write: /^(insert|update|delete|merge|replace|upsert|truncate|alter|create|drop|call)\b/i,
  read: /^(select|show|explain|values|table)\b/i,
  begin: /^(begin|start\s+transaction)\b/i,
  insertIgnore: /\binsert\s+ignore\b|\bon\s+conflict\b[^;]*?\bdo\s+nothing\b/i,
  upsert: /\bon\s+conflict\b[^;]*?\bdo\s+update\b|\bon\s+duplicate\s+key\s+update\b|^replace\b|^merge\b/i,
  conflictTarget: /\bon\s+conflict\s*\(([^)]*)\)/i,
} as const;

/**
 * Writes that record that something happened rather than change the state the other writes
 * keep consistent: an audit trail, an activity or history log. missing-transaction does not
 * count them, as a missing log row leaves no record half-made. An outbox is not among them:
 * it exists to be written with the change it announces.
 */
export const LOG_LIKE_MODELS = /(^|_)(audit|activity|history|changelog|event_?log|log)s?(_?entr(y|ies)|_?records?|_?events?)?$|(Audit|Activity|History|Log)(s|Entry|Entries|Record|Records|Event|Events)?$/;
