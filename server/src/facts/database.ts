import { Node, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { declaredInstanceOrigin } from './declared-types';
import { unwrapExpression } from './syntax';
import { DATABASE_CLIENTS, THROWING_LOOKUP_METHODS, type DatabaseClientLibrary } from './tables/databases';
import type { ExpectedOutcome } from './tables/failures';

// What any database call is (library, connection, read / list read / write / upsert / insert-ignore) and which
// transaction covers it, for every library of tables/databases.ts: facts/database-operations.ts
// (`databaseOperationOf`, `transactionCoverOf`). This file keeps Prisma's model calls and designed failures.

/** A call to a model method of a database client: `prisma.user.update({ where: { id } })`. */
export interface DatabaseCall {
  library: DatabaseClientLibrary;
  model: string;
  method: string;
  /** How the client was recognised: its declared type or `new` (`type`), or only its conventional name (`name`). */
  via: 'type' | 'name';
}

export function databaseCallOf(call: CallExpression, facts: FileFacts): DatabaseCall | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.getName();
  const modelAccess = unwrapExpression(callee.getExpression());
  if (!Node.isPropertyAccessExpression(modelAccess)) return undefined;
  const client = modelAccess.getExpression();
  for (const library of DATABASE_CLIENTS) {
    if (!library.modelMethods.includes(method)) continue;
    const instance = declaredInstanceOrigin(client, facts);
    const fromLibrary = instance !== undefined && (instance.module === library.module || library.generatedModule?.test(instance.module) === true);
    if (instance && fromLibrary && library.clientClasses.includes(instance.className)) {
      return { library, model: modelAccess.getName(), method, via: 'type' };
    }
    const name = lastName(client);
    // No type, or a class from the client's module that is not the client itself (an unresolved `PrismaService`): go by the name.
    if ((!instance || fromLibrary) && name !== undefined && library.receiverNames.test(name)) return { library, model: modelAccess.getName(), method, via: 'name' };
  }
  return undefined;
}

/**
 * How a database call fails by design, if it does: `lookup` when it throws
 * because no row matches (`findUniqueOrThrow`, TypeORM `findOneOrFail`),
 * `keyed-write` for a single-row write that throws when its key matches
 * nothing or collides with a unique one (Prisma `update`/`delete`/`create`).
 */
export function designedFailureOfDatabaseCall(call: CallExpression, facts: FileFacts): { kind: 'lookup' } | { kind: 'keyed-write'; outcome: ExpectedOutcome } | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (Node.isPropertyAccessExpression(callee) && THROWING_LOOKUP_METHODS.includes(callee.getName())) return { kind: 'lookup' };
  const database = databaseCallOf(call, facts);
  if (!database) return undefined;
  if (database.library.throwingLookups.includes(database.method)) return { kind: 'lookup' };
  const outcome = database.library.keyedWrites[database.method];
  return outcome ? { kind: 'keyed-write', outcome } : undefined;
}

/** The last name of a receiver: `prisma` of `this.prisma`, `tx` of `tx`, the right side of `a ?? b`. */
export function lastName(node: Node): string | undefined {
  const inner = unwrapExpression(node);
  if (Node.isIdentifier(inner)) return inner.getText();
  if (Node.isPropertyAccessExpression(inner)) return inner.getName();
  if (Node.isBinaryExpression(inner)) return lastName(inner.getRight()) ?? lastName(inner.getLeft());
  return undefined;
}

/** A call that writes through a database client: `prisma.user.update(...)`, `prisma.$transaction(...)`, `tx.$executeRaw\`...\``. */
export function isDatabaseWrite(call: CallExpression, facts: FileFacts): boolean {
  const database = databaseCallOf(call, facts);
  if (database) return database.library.writeMethods.includes(database.method);
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const method = callee.getName();
  return DATABASE_CLIENTS.some((library) => {
    if (!library.clientWriteMethods.includes(method)) return false;
    const instance = declaredInstanceOrigin(callee.getExpression(), facts);
    if (instance) return instance.module === library.module || library.generatedModule?.test(instance.module) === true;
    const name = lastName(callee.getExpression());
    return name !== undefined && library.receiverNames.test(name);
  });
}
