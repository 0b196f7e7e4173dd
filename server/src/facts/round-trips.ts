import { Node, type CallExpression } from 'ts-morph';
import { FileFacts } from './index';
import { isDatabaseWrite } from './database';
import { databaseOperationOf, type DatabaseOperation } from './database-operations';
import { calleeFunctions } from './function-summary';
import { directIoCall, ioCallOf, type IoCall } from './io';
import { chainOf, unwrapExpression } from './syntax';

/**
 * A database query or outbound HTTP call, as one expression: a query-builder chain
 * (`knex('users').where({ id }).first()`, `User.find(filter).lean()`) counts once, at its
 * outermost call; a project function that makes one (`this.loadUser(id)`) counts too, with the
 * call it leads to.
 */
export interface RoundTrip {
  /** The outermost call of the chain, as written where the round trip is made. */
  call: CallExpression;
  /** Every call of the chain, outermost first: their arguments are what the round trip asks for. */
  chain: CallExpression[];
  kind: 'database' | 'http';
  /** How messages name it: `prisma.user.findUnique()`, `fetch()`. */
  label: string;
  /** The database operation, when it is one the databases table knows (Prisma, TypeORM, Sequelize, Knex, Mongoose, ...). */
  operation?: DatabaseOperation;
  /** The project function calls that lead to it (empty when the call is the round trip itself). */
  through: CallExpression[];
  /** A database write (insert, update, delete, upsert), as opposed to a read or an HTTP call. */
  writes: boolean;
}

/** Promise methods that pass a result along: a chain that ends in them is still the call before them. */
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/** The round trip `call` makes when it is the outermost call of its chain; undefined for an inner call of a chain, or a call that makes none. */
export function roundTripOf(call: CallExpression, facts: FileFacts): RoundTrip | undefined {
  if (isInnerChainCall(call)) return undefined;
  const chain = chainOf(call);
  for (const link of chain) {
    const operation = databaseOperationOf(link, facts);
    if (operation) return { call, chain, kind: 'database', label: labelOf(link), operation, through: [], writes: operation.kind !== 'read' && operation.kind !== 'list-read' };
  }
  for (const link of chain) {
    const io = directIoCall(link, facts);
    if (io && io.kind !== 'network') return { call, chain, kind: io.kind, label: io.label, through: [], writes: isWrite(io) };
  }
  const through = throughProjectFunction(chain[chain.length - 1]!);
  return through && { call, chain, kind: through.kind as 'database' | 'http', label: through.label, through: [chain[chain.length - 1]!, ...through.through], writes: isWrite(through) };
}

function isWrite(io: IoCall): boolean {
  if (io.kind !== 'database') return false;
  const facts = FileFacts.of(io.call.getSourceFile());
  const operation = databaseOperationOf(io.call, facts);
  return operation ? operation.kind !== 'read' && operation.kind !== 'list-read' : isDatabaseWrite(io.call, facts);
}

function throughProjectFunction(call: CallExpression): IoCall | undefined {
  for (const fn of calleeFunctions(call) ?? []) {
    const io = ioCallOf(fn);
    if (io && io.kind !== 'network') return io;
  }
  return undefined;
}

/** `a.find(x)` of `a.find(x).limit(5)`: the chain goes on past it (other than into `.then`). */
function isInnerChainCall(call: CallExpression): boolean {
  const access = call.getParent();
  const outer = access?.getParent();
  return access !== undefined && Node.isPropertyAccessExpression(access) && !PROMISE_METHODS.has(access.getName()) && outer !== undefined && Node.isCallExpression(outer) && outer.getExpression() === access;
}

function labelOf(call: CallExpression): string {
  const text = call.getExpression().getText().replace(/\s+/g, '');
  return `${text.length > 50 ? `...${text.slice(-47)}` : text}()`;
}
