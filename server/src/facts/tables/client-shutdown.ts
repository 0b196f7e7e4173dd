/**
 * Clients a shutdown handler should close before the process exits, and the
 * call that closes each: database pools, queue connections. Used by the
 * missing-graceful-shutdown quick-fix; adding a client is a change to this table.
 */
export interface ClosableClient {
  module: string;
  /** `construct`: `new X(...)` of the export at `path`; `call`: a call of it (`knex({...})`). */
  how: 'construct' | 'call';
  path: readonly string[];
  /** The method that closes it, awaited. */
  close: string;
}

export const CLOSABLE_CLIENTS: readonly ClosableClient[] = [
  { module: '@prisma/client', how: 'construct', path: ['PrismaClient'], close: '$disconnect' },
  { module: 'pg', how: 'construct', path: ['Pool'], close: 'end' },
  { module: 'mysql2/promise', how: 'call', path: ['createPool'], close: 'end' },
  { module: 'knex', how: 'call', path: [], close: 'destroy' },
  { module: 'knex', how: 'call', path: ['knex'], close: 'destroy' },
  { module: 'sequelize', how: 'construct', path: ['Sequelize'], close: 'close' },
  { module: 'typeorm', how: 'construct', path: ['DataSource'], close: 'destroy' },
  { module: 'ioredis', how: 'construct', path: [], close: 'quit' },
  { module: 'ioredis', how: 'construct', path: ['Redis'], close: 'quit' },
  { module: 'redis', how: 'call', path: ['createClient'], close: 'quit' },
  { module: 'mongodb', how: 'construct', path: ['MongoClient'], close: 'close' },
  { module: 'bullmq', how: 'construct', path: ['Worker'], close: 'close' },
  { module: 'bullmq', how: 'construct', path: ['Queue'], close: 'close' },
];

/** Modules whose default export is itself a connection to close (`mongoose.disconnect()`), when the file connects it. */
export const CLOSABLE_MODULES: readonly { module: string; connect: string; close: string }[] = [{ module: 'mongoose', connect: 'connect', close: 'disconnect' }];
