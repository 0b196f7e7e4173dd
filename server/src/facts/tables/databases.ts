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
