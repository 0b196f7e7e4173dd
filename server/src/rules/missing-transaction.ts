import { Node, SyntaxKind, type CallExpression, type IfStatement } from 'ts-morph';
import type { Fix } from '../engine/finding';
import type { FileFacts } from '../facts';
import { databaseOperationOf, transactionCoverOf, type DatabaseOperation } from '../facts/database-operations';
import { calleeFunctions, type FunctionLike } from '../facts/function-summary';
import { directIoCall, ioCallOf } from '../facts/io';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { isFunctionScope, unwrapExpression } from '../facts/syntax';
import { LOG_LIKE_MODELS } from '../facts/tables/databases';
import { migrationToolOf } from '../facts/tables/migration-paths';
import { wrapStatementsInCallback } from '../edits/wrap-statements-in-callback';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';

/** Callee texts that can be a write (or end a query-builder chain that writes): the cheap test before the facts are asked. */
const MAYBE_WRITE = /\.\$?\w*(?:create|insert|update|upsert|delete|del|destroy|remove|save|replace|increment|decrement|restore|recover|clear|truncate|bulkWrite|flush|native|executeRaw|query|execute|raw)\w*/i;

const WRITE_KINDS: ReadonlySet<DatabaseOperation['kind']> = new Set(['write', 'upsert', 'insert-ignore']);

export const missingTransaction = createRule({
  meta: {
    id: 'missing-transaction',
    title: 'Related writes outside a transaction',
    category: 'data-integrity',
    defaultSeverity: 'warning',
    summary: [
      'A function that writes two or more times through the same database client without a transaction leaves partial state when it fails between the writes: the order without its line items, the money taken from one account and never added to the other.',
      'Nothing rolls the first write back, and a retry of the whole function writes it twice.',
    ].join(' '),
    explanation: [
      'Each write that is not inside a transaction commits on its own. When a function makes two of them, there is a',
      'moment where the first has committed and the second has not, and anything can happen in that moment: the second',
      'write violates a constraint, the connection drops, the pool times out, the deploy kills the process.',
      'The database then holds half of the change: an order with no line items, a debit with no credit, a user whose',
      'profile row was never created, a subscription marked active whose invoice does not exist.',
      '',
      'Nobody sees it at the time. The request fails with a 500 and the client retries, which writes the first half a',
      'second time. Weeks later a report does not add up, or a page crashes on the row that has no partner, and',
      'someone writes a cleanup script by hand.',
      '',
      '**What is flagged.** Two or more writes (creates, updates, deletes, upserts, raw `INSERT`/`UPDATE`/`DELETE`)',
      'in one function, through the same database client, that can both run on one path and are not in a',
      'transaction. "The same client" is the same connection: the repositories of one TypeORM data source, the',
      'models of one Sequelize instance or one Mongoose connection, one Knex, Drizzle or pg instance. The libraries',
      'known: Prisma, TypeORM, Sequelize, Knex, Mongoose, the MongoDB driver, pg, mysql2, Drizzle and MikroORM.',
      'The finding starts at the first write; the others are its related locations.',
    ].join('\n'),
    shortFix: [
      'Run the writes in one transaction: `prisma.$transaction(async (tx) => { ... })` writing through `tx`,',
      '`dataSource.transaction(...)`, `sequelize.transaction(...)` with `{ transaction: t }`, `knex.transaction(...)`, `session.withTransaction(...)`, `BEGIN`/`COMMIT`.',
      'For Prisma the quick fix wraps the statements and writes through `tx`.',
    ].join('\n'),
    fix: [
      'Put the writes that must succeed or fail together in one transaction, and make every write inside it go through the transaction:',
      '',
      '- Prisma: `await prisma.$transaction(async (tx) => { await tx.order.create(...); await tx.orderItem.createMany(...); })`,',
      '  or the array form `prisma.$transaction([prisma.a.update(...), prisma.b.update(...)])` for writes that do not depend on each other.',
      '  A nested write (`order.create({ data: { items: { create: [...] } } })`) is one statement and needs no transaction.',
      '- TypeORM: `dataSource.transaction(async (manager) => { ... })` writing through `manager`, or a query runner\'s',
      '  `startTransaction()` / `commitTransaction()` / `rollbackTransaction()`.',
      '- Sequelize: `sequelize.transaction(async (t) => { ... })`, passing `{ transaction: t }` to every write (or enable CLS).',
      '- Knex / Drizzle: `db.transaction(async (trx) => { ... })`, writing through `trx`.',
      '- Mongoose / MongoDB: `session.withTransaction(async () => { ... })` passing `{ session }` (needs a replica set).',
      '- pg / mysql2: check out one client (`pool.connect()` / `pool.getConnection()`), `BEGIN`, the writes, `COMMIT`, and `ROLLBACK` in the catch.',
      '- MikroORM: `persist` every change and `flush()` once (one transaction), or `em.transactional(...)`.',
      '',
      'Keep network calls (HTTP, e-mail, queues) out of the transaction: it holds a connection and locks while it is open.',
      'If the writes really are independent (each one is correct on its own), say so in a suppression comment with the reason.',
    ].join('\n'),
    notFlagged: [
      'Writes inside a transaction: in the callback of `$transaction`, `transaction(...)`, `withTransaction(...)`, `transactional(...)` (any `.transaction(callback)`); the elements of `prisma.$transaction([...])`; writes given one (`{ transaction: t }`, `{ session }`, `.transacting(trx)`, `.session(session)`); writes through a transaction client (`tx: Prisma.TransactionClient`, `trx: Knex.Transaction`, `const db = tx ?? this.prisma`, a `manager: EntityManager` or a parameter named `tx`/`trx` that the caller hands in); writes after `queryRunner.startTransaction()`, `BEGIN`, `beginTransaction()`, `session.startTransaction()`, `em.begin()` in the same function; methods decorated `@Transactional()` (typeorm-transactional, `@nestjs-cls/transactional`, MikroORM) or TypeORM\'s `@Transaction()`.',
      'A single write, however much it changes: a nested write, `createMany`, `bulkCreate`, `insertMany`, one SQL statement. A loop that repeats one write (`for (const row of rows) await prisma.row.upsert(...)`) counts as that one write: its rows are independent of each other, and a rerun continues where it stopped (that it makes N round trips is `n-plus-one-query`\'s business).',
      'Writes that cannot both run: the two branches of an `if`/`else`, a `switch`\'s cases, a conditional expression, a `try` and its `catch` (the catch records the failure), or a write followed in its own block by `return`/`throw` and one after that block.',
      'Writes the author made to commit one by one: a later write whose failure is caught and not rethrown (`.catch((err) => logger.warn(...))`, its own `try`/`catch`), a compensating write in a block that ends by throwing (deleting the row the failed step needed), a claim whose result is tested right away (`const token = await tx.token.delete(...).catch(() => null); if (!token) throw ...`: the consumed token must stay consumed), status steps around work the code was handed or looked up (`await callback()`, `await this.handlers[name](...)` between them), and writes whose comment says why (best-effort, "only after", "can be retried", idempotent, compensating).',
      'Writes that are all upserts or inserts that ignore duplicates: keyed on their rows, they converge when the failed call is made again.',
      'Prisma queries collected in a list that the function hands to `$transaction` (`const operations = [...]; await prisma.$transaction(operations)`): a Prisma query runs only when it is awaited.',
      'Writes through different clients: two databases, or a database and Redis, a queue or an HTTP API. No transaction spans them.',
      'Writes to a log: an audit trail, an activity, history or change log (`auditLog.create`, `ActivityLog`, `user_history`). A missing log row leaves no record half-made. An outbox is flagged: it exists to be written atomically with the change it announces.',
      'Writes in different functions: each function is judged on its own writes (a callback given to `map` or `then` is a function of its own).',
      'Reads: only writes can leave partial state.',
      'Test code, migrations (their tool runs them in a transaction), seeds and one-off scripts (`scripts/`, `bin/`, `seed/`, `#!` files), and code that runs in the browser.',
    ],
    examples: [
      {
        bad: [
          "import { PrismaClient } from '@prisma/client';",
          '',
          'const prisma = new PrismaClient();',
          '',
          'export async function placeOrder(userId: string, items: { sku: string; quantity: number }[]) {',
          '  const order = await prisma.order.create({ data: { userId } });',
          '  await prisma.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });',
          '  return order;',
          '}',
        ].join('\n'),
        good: [
          "import { PrismaClient } from '@prisma/client';",
          '',
          'const prisma = new PrismaClient();',
          '',
          'export async function placeOrder(userId: string, items: { sku: string; quantity: number }[]) {',
          '  return await prisma.$transaction(async (tx) => {',
          '    const order = await tx.order.create({ data: { userId } });',
          '    await tx.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });',
          '    return order;',
          '  });',
          '}',
        ].join('\n'),
      },
      {
        bad: [
          "const { Pool } = require('pg');",
          '',
          'const pool = new Pool();',
          '',
          'async function transfer(from, to, amount) {',
          "  await pool.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);",
          "  await pool.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);",
          '}',
        ].join('\n'),
        good: [
          "const { Pool } = require('pg');",
          '',
          'const pool = new Pool();',
          '',
          'async function transfer(from, to, amount) {',
          '  const client = await pool.connect();',
          '  try {',
          "    await client.query('BEGIN');",
          "    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);",
          "    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);",
          "    await client.query('COMMIT');",
          '  } catch (err) {',
          "    await client.query('ROLLBACK');",
          '    throw err;',
          '  } finally {',
          '    client.release();',
          '  }',
          '}',
        ].join('\n'),
      },
    ],
    usesTypes: true,
  },
  create(context) {
    const { facts, sourceFile } = context;
    if (isCommandLineProgram(sourceFile) || migrationToolOf(sourceFile.getFilePath()) !== undefined) return {};
    const writes: DatabaseOperation[] = [];
    return {
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        if (!MAYBE_WRITE.test(call.getExpression().getText())) return;
        const operation = databaseOperationOf(call, facts);
        if (operation && WRITE_KINDS.has(operation.kind)) writes.push(operation);
      },
      onFileEnd: () => {
        for (const [fn, own] of byFunction(writes)) judgeFunction(fn, own, context);
      },
    };
  },
});

function byFunction(writes: DatabaseOperation[]): Map<Node, DatabaseOperation[]> {
  const groups = new Map<Node, DatabaseOperation[]>();
  for (const write of writes) {
    const fn = write.call.getFirstAncestor(isFunctionScope);
    if (!fn) continue;
    const list = groups.get(fn) ?? [];
    list.push(write);
    groups.set(fn, list);
  }
  return groups;
}

function judgeFunction(fn: Node, writes: DatabaseOperation[], context: RuleContext): void {
  if (writes.length < 2) return;
  const { facts } = context;
  if (runtimeAt(fn, facts) === 'browser') return;
  const outside = writes.filter((write) => !isLogWrite(write) && transactionCoverOf(write, facts) === undefined);
  const byClient = new Map<string, DatabaseOperation[]>();
  for (const write of outside) byClient.set(write.client, [...(byClient.get(write.client) ?? []), write]);
  for (const group of byClient.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => a.call.getStart() - b.call.getStart());
    for (const first of sorted) {
      const others = sorted.filter((other) => other.call.getStart() > first.call.getStart() && canFailAfter(first, other, fn));
      // Upserts and inserts that ignore duplicates are keyed: the rerun a failure calls for converges on the same rows.
      if (others.length === 0 || [first, ...others].every((write) => write.kind !== 'write')) continue;
      context.report({
        node: calleeOf(first.call),
        message: messageFor(first, others),
        related: others.map((other) => ({ node: calleeOf(other.call), message: relatedMessage(first, other) })),
        fixes: prismaTransactionFix(fn, [first, ...others], facts),
      });
      break;
    }
  }
}

/**
 * True when `later` can run after `first` has committed and fail there, leaving `first` alone: both can run on one
 * path, the author has not declared `later` best-effort (its failure caught and not rethrown), it is not the
 * compensation of a failure path (a block that ends by throwing), and no caller-supplied work runs between them
 * (`await callback()`, `await definition.handler(...)`: the writes are the steps around that work, meant to commit one by one).
 */
function canFailAfter(first: DatabaseOperation, later: DatabaseOperation, fn: Node): boolean {
  if (areExclusive(first.call, later.call)) return false;
  // Two states of one row (`run.update({ status: 'running' })` ... `run.update({ status: 'done' })`): each must be
  // visible as it happens, and a failure between them leaves the row in its earlier state, not half of two records.
  if (updatesSameRow(first, later)) return false;
  if (isBestEffort(later.call, first.call, fn) || isCompensation(later.call, first.call)) return false;
  if (isClaim(first.call) || explainsOrder(later.call, fn) || explainsOrder(first.call, fn)) return false;
  return !runsCallerWorkBetween(first.call, later.call, fn);
}

/**
 * `const token = await prisma.token.delete(...).catch(() => null); if (!token) throw ...`: a write whose result decides
 * whether the function goes on (a single-use token consumed, a job claimed). It commits first on purpose; a transaction
 * would undo the claim when the work after it fails.
 */
function isClaim(call: CallExpression): boolean {
  const declaration = call.getFirstAncestor((node) => Node.isVariableDeclaration(node) || isFunctionScope(node));
  if (!declaration || !Node.isVariableDeclaration(declaration) || !Node.isIdentifier(declaration.getNameNode())) return false;
  const statement = declaration.getVariableStatement();
  const next = statement?.getNextSibling();
  if (!next || !Node.isIfStatement(next)) return false;
  const name = declaration.getName();
  const tested = next.getExpression().getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name) || next.getExpression().getText() === name;
  const then = next.getThenStatement();
  const exits = (node: Node): boolean => Node.isReturnStatement(node) || Node.isThrowStatement(node) || (Node.isBlock(node) && node.getStatements().some(exits));
  return tested && exits(then);
}

/** Words with which a comment says the writes commit one by one on purpose. */
const ORDER_EXPLAINED = /\b(best[- ]effort|only after|can be retried|idempotent|converge|compensat\w*|non[- ]?atomic|not atomic|on purpose|deliberately|intentionally)\b/i;

/** A comment on the write's statement (or a statement around it in the function) that explains why it commits on its own. */
function explainsOrder(call: CallExpression, fn: Node): boolean {
  for (let current: Node | undefined = call; current && current !== fn; current = current.getParent()) {
    if (!Node.isStatement(current)) continue;
    if (current.getLeadingCommentRanges().some((comment) => ORDER_EXPLAINED.test(comment.getText()))) return true;
  }
  return false;
}

/** `write.catch((err) => logger.warn(...))`, or a `try { await write } catch { log }` that does not rethrow. */
function isBestEffort(call: CallExpression, first: Node, fn: Node): boolean {
  let node: Node = call;
  for (;;) {
    const access = node.getParent();
    const next = access?.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || !next || !Node.isCallExpression(next) || next.getExpression() !== access) break;
    if (access.getName() === 'catch' || (access.getName() === 'then' && next.getArguments().length >= 2)) return true;
    node = next;
  }
  for (let current: Node | undefined = call.getParent(); current && current !== fn; current = current.getParent()) {
    if (isFunctionScope(current)) return false;
    const parent = current.getParent();
    if (parent && Node.isTryStatement(parent) && parent.getTryBlock() === current) {
      // A try around several writes handles their failure together; only one around this write alone makes it optional.
      if (contains(parent.getTryBlock(), first)) return false;
      const clause = parent.getCatchClause();
      return clause !== undefined && !clause.getBlock().getDescendantsOfKind(SyntaxKind.ThrowStatement).length;
    }
  }
  return false;
}

/** `if (!result.ok) { await prisma.member.delete(...); throw new Error(...) }`: undoing or recording a failure on the way out. */
function isCompensation(call: CallExpression, first: Node): boolean {
  for (let current: Node = call; current.getParent(); current = current.getParent()!) {
    const parent = current.getParent()!;
    if (isFunctionScope(parent) || contains(parent, first)) return false;
    if (Node.isBlock(parent)) {
      const statements = parent.getStatements();
      const last = statements[statements.length - 1];
      if (last && Node.isThrowStatement(last) && last !== current) return true;
    }
  }
  return false;
}

/** An awaited call, between the two writes, of a function the code was handed (a parameter or a member of one). */
function runsCallerWorkBetween(first: Node, later: Node, fn: Node): boolean {
  return fn.getDescendantsOfKind(SyntaxKind.AwaitExpression).some((awaited) => {
    if (awaited.getStart() < first.getEnd() || awaited.getEnd() > later.getStart()) return false;
    const call = unwrapExpression(awaited.getExpression());
    if (!Node.isCallExpression(call)) return false;
    let callee: Node = unwrapExpression(call.getExpression());
    while (Node.isPropertyAccessExpression(callee)) callee = unwrapExpression(callee.getExpression());
    const declaration = Node.isIdentifier(callee) ? callee.getSymbol()?.getValueDeclaration() : undefined;
    if (!declaration || !contains(fn, declaration)) return false;
    if (Node.isParameterDeclaration(declaration) || Node.isBindingElement(declaration)) return isFunctionParameter(declaration, fn);
    return Node.isVariableDeclaration(declaration) && isRegistryLookup(declaration.getInitializer());
  });
}

const ROW_UPDATES: ReadonlySet<string> = new Set(['update', 'updateOne', 'save', 'set', 'increment', 'decrement']);

/**
 * Both writes update the same row: the same record instance (`run.update(...)` twice), or the same model with the
 * same filter (`prisma.run.update({ where: { id } })` twice, Sequelize `Run.update(values, { where })`).
 */
function updatesSameRow(a: DatabaseOperation, b: DatabaseOperation): boolean {
  if (updatesCreatedRow(a, b)) return true;
  if (!ROW_UPDATES.has(a.method) || !ROW_UPDATES.has(b.method)) return false;
  const keyA = rowKeyOf(a);
  return keyA !== undefined && keyA === rowKeyOf(b);
}

/**
 * `const link = await prisma.link.create(...)` then `prisma.link.update({ where: { id: link.id } })`,
 * `link.update(...)` or `stub.destroy()`: the later write fills in (or removes) the row the first one created.
 */
function updatesCreatedRow(created: DatabaseOperation, update: DatabaseOperation): boolean {
  const parent = created.call.getParent();
  const declaration = Node.isAwaitExpression(parent) ? parent.getParent() : parent;
  if (!declaration || !Node.isVariableDeclaration(declaration) || !Node.isIdentifier(declaration.getNameNode())) return false;
  const name = declaration.getName();
  const callee = unwrapExpression(update.call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return false;
  if (callee.getExpression().getText() === name) return true;
  const key = rowKeyOf(update);
  return key !== undefined && new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}\\.id\\b`).test(key);
}

/** `run` for a record's own method; `run|{ id }` for a model's update with a `where` filter (whitespace ignored). */
function rowKeyOf(write: DatabaseOperation): string | undefined {
  const callee = unwrapExpression(write.call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const receiver = callee.getExpression().getText().replace(/\s+/g, '');
  const where = write.call
    .getArguments()
    .flatMap((argument) => (Node.isObjectLiteralExpression(argument) ? [argument.getProperty('where')] : []))
    .find((property) => property !== undefined);
  if (where) return `${receiver}|${where.getText().replace(/\s+/g, '')}`;
  // A record the function read or created (`const run = await Run.findOne(...)`): its own update writes its own row.
  return isQueriedRecord(callee.getExpression()) ? receiver : undefined;
}

function isQueriedRecord(receiver: Node): boolean {
  if (!Node.isIdentifier(receiver)) return false;
  const declaration = receiver.getSymbol()?.getValueDeclaration();
  const initializer = declaration && Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
  const value = initializer && unwrapExpression(Node.isAwaitExpression(initializer) ? initializer.getExpression() : initializer);
  return value !== undefined && Node.isCallExpression(value);
}

/** `this.handlers[name]`, `definitions[job.name]`: a function registered elsewhere, found by a key the code computes. */
function isRegistryLookup(initializer: Node | undefined): boolean {
  const value = initializer && unwrapExpression(initializer);
  if (!value || !Node.isElementAccessExpression(value)) return false;
  const key = value.getArgumentExpression();
  return key !== undefined && !Node.isStringLiteral(key) && !Node.isNumericLiteral(key);
}

/** A parameter of `fn` (or of a function around it), destructured or not. */
function isFunctionParameter(declaration: Node, fn: Node): boolean {
  const parameter = Node.isParameterDeclaration(declaration) ? declaration : declaration.getFirstAncestorByKind(SyntaxKind.Parameter);
  return parameter !== undefined && (parameter.getParent() === fn || contains(parameter.getParentOrThrow(), fn));
}

/** A write to an audit trail or an activity log: it records what happened rather than being half of it. */
function isLogWrite(write: DatabaseOperation): boolean {
  return write.target !== undefined && LOG_LIKE_MODELS.test(write.target);
}

// ---------------------------------------------------------------------------
// Paths: writes that can never both run

/** True when no run of the function reaches both calls: different branches, or the earlier one's block returns or throws. */
function areExclusive(a: Node, b: Node): boolean {
  const [earlier, later] = a.getStart() <= b.getStart() ? [a, b] : [b, a];
  const common = commonAncestor(earlier, later);
  if (!common) return false;
  const sideOfEarlier = childTowards(common, earlier);
  const sideOfLater = childTowards(common, later);
  if (Node.isIfStatement(common)) return sideOfEarlier !== common.getExpression() && sideOfLater !== common.getExpression() && sideOfEarlier !== sideOfLater;
  if (Node.isConditionalExpression(common)) return sideOfEarlier !== common.getCondition() && sideOfEarlier !== sideOfLater;
  if (Node.isCaseBlock(common)) return sideOfEarlier !== sideOfLater;
  if (Node.isTryStatement(common)) return sideOfEarlier === common.getTryBlock() && sideOfLater === common.getCatchClause();
  return exitsBefore(earlier, common) || excludedByAssignment(earlier, later);
}

/**
 * `if (existing) { user = existing; await account.create(...) }` ... `if (!user) { await user.create(...) }`:
 * the earlier write runs only after `user` was given a value its block has checked, and the later one only
 * while `user` has none, so no path runs both.
 */
function excludedByAssignment(earlier: Node, later: Node): boolean {
  const guard = later.getAncestors().find((ancestor): ancestor is IfStatement => Node.isIfStatement(ancestor) && contains(ancestor.getThenStatement(), later));
  const condition = guard && unwrapExpression(guard.getExpression());
  if (!guard || contains(guard, earlier) || !condition || !Node.isPrefixUnaryExpression(condition) || condition.getOperatorToken() !== SyntaxKind.ExclamationToken) return false;
  const variable = unwrapExpression(condition.getOperand());
  if (!Node.isIdentifier(variable)) return false;
  const block = earlier.getFirstAncestorByKind(SyntaxKind.Block);
  return (block?.getStatements() ?? []).some((statement) => {
    if (statement.getEnd() > earlier.getStart() || !Node.isExpressionStatement(statement)) return false;
    const assignment = unwrapExpression(statement.getExpression());
    if (!Node.isBinaryExpression(assignment) || assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
    const value = unwrapExpression(assignment.getRight());
    return assignment.getLeft().getText() === variable.getText() && Node.isIdentifier(value) && checkedTruthy(block!, value.getText());
  });
}

/** The block runs only when `name` is truthy: it is the `then` of `if (name)` or `if (name && ...)`. */
function checkedTruthy(block: Node, name: string): boolean {
  const statement = block.getParent();
  if (!statement || !Node.isIfStatement(statement) || statement.getThenStatement() !== block) return false;
  const operands = (node: Node): Node[] => {
    const value = unwrapExpression(node);
    return Node.isBinaryExpression(value) && value.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken ? [...operands(value.getLeft()), ...operands(value.getRight())] : [value];
  };
  return operands(statement.getExpression()).some((operand) => Node.isIdentifier(operand) && operand.getText() === name);
}

function commonAncestor(a: Node, b: Node): Node | undefined {
  const ancestors = new Set<Node>(a.getAncestors());
  return b.getAncestors().find((ancestor) => ancestors.has(ancestor));
}

function childTowards(ancestor: Node, node: Node): Node | undefined {
  let current: Node | undefined = node;
  while (current && current.getParent() !== ancestor) current = current.getParent();
  return current;
}

/** `if (found) { await a(); return; }` or `if (found) return a();`: the path through `node` ends before it leaves `common`. */
function exitsBefore(node: Node, common: Node): boolean {
  for (let current: Node = node; current.getParent() && current.getParent() !== common; current = current.getParent()!) {
    const parent = current.getParent()!;
    if (isFunctionScope(current)) return false;
    if (Node.isReturnStatement(current) || Node.isThrowStatement(current)) return true;
    if (Node.isBlock(parent) || Node.isCaseClause(parent) || Node.isDefaultClause(parent)) {
      const statements = parent.getStatements();
      const after = statements.slice(statements.indexOf(current as never) + 1);
      if (after.some((statement) => Node.isReturnStatement(statement) || Node.isThrowStatement(statement))) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Messages

function labelOf(write: DatabaseOperation): string {
  const text = write.call.getExpression().getText().replace(/\s+/g, '');
  return `\`${text.length > 50 ? `…${text.slice(-47)}` : text}()\``;
}

function messageFor(first: DatabaseOperation, others: DatabaseOperation[]): string {
  const { library } = first;
  const count = others.length === 1 ? 'another write' : `${others.length} more writes`;
  const targets = [...new Set(others.map((other) => other.target).filter((target): target is string => target !== undefined))];
  const firstTarget = first.target;
  let consequence: string;
  if (firstTarget && targets.length > 0 && targets.every((target) => target === firstTarget)) {
    consequence = `\`${firstTarget}\` is left half-changed: one write done, the other not`;
  } else if (firstTarget && targets.length > 0) {
    consequence = `the \`${firstTarget}\` write stays without the ${targets.map((target) => `\`${target}\``).join(', ')} write${targets.length > 1 ? 's' : ''} that belong${targets.length > 1 ? '' : 's'} with it`;
  } else {
    consequence = 'the first write stays without the rest';
  }
  return (
    `${labelOf(first)} and ${count} through the same ${library.name} client run outside a transaction: ` +
    `if a later write fails or the process stops between them, ${consequence}, and nothing rolls it back. ` +
    `Run them in one transaction: ${library.transactionHint}.`
  );
}

function relatedMessage(first: DatabaseOperation, other: DatabaseOperation): string {
  return `${labelOf(other)} commits on its own, apart from ${labelOf(first)}`;
}

// ---------------------------------------------------------------------------
// The quick fix (Prisma): the statements that hold the writes, moved into `$transaction(async (tx) => { ... })`

const PARAMETER_NAMES = ['tx', 'transaction', 'trx'];

function prismaTransactionFix(fn: Node, writes: DatabaseOperation[], facts: FileFacts): Fix[] | undefined {
  if (writes.some((write) => write.library.id !== 'prisma')) return undefined;
  const fnLike = fn as FunctionLike;
  if (typeof fnLike.isAsync !== 'function' || !fnLike.isAsync()) return undefined;
  const clients = writes.map((write) => clientExpressionOf(write.call));
  const client = clients[0];
  if (!client || clients.some((other) => other?.getText() !== client.getText())) return undefined;
  const run = statementRun(fn, writes.map((write) => write.call));
  if (!run) return undefined;
  const parameter = PARAMETER_NAMES.find((name) => !fn.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name));
  if (!parameter || !isMechanical(run.statements, client, facts)) return undefined;
  const replacements = clientReferences(run.statements, client).map((node) => ({ start: node.getStart(), end: node.getEnd(), newText: parameter }));
  const edit = wrapStatementsInCallback({
    statements: run.statements,
    opening: `await ${client.getText()}.$transaction(async (${parameter}) =>`,
    replacements,
    returnsValue: run.returns,
  });
  return edit ? [{ title: `Run these writes in one \`${client.getText()}.$transaction\``, edits: [edit] }] : undefined;
}

/** `prisma` of `prisma.order.create(...)`, `this.prisma` of `this.prisma.order.create(...)`: a name or `this.name`. */
function clientExpressionOf(call: CallExpression): Node | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  let receiver = unwrapExpression(callee.getExpression());
  if (Node.isPropertyAccessExpression(receiver) && !callee.getName().startsWith('$')) receiver = unwrapExpression(receiver.getExpression());
  if (Node.isIdentifier(receiver)) return receiver;
  if (Node.isPropertyAccessExpression(receiver) && receiver.getExpression().getKind() === SyntaxKind.ThisKeyword) return receiver;
  return undefined;
}

interface StatementRun {
  statements: Node[];
  /** The run ends the function's body and returns from inside: the transaction's value is returned. */
  returns: boolean;
}

/**
 * The consecutive statements of one block that hold every write, extended to the end of the function's body
 * when a later statement reads a variable they declare. Undefined when moving them changes what the code
 * means: a `return` that does not end the function, a `break`/`continue` that leaves the run, a `yield`.
 */
function statementRun(fn: Node, calls: CallExpression[]): StatementRun | undefined {
  const body = typeof (fn as FunctionLike).getBody === 'function' ? (fn as FunctionLike).getBody() : undefined;
  const block = commonBlock(calls, fn);
  if (!block || !body) return undefined;
  const statements = block.getStatements();
  const indexes = calls.map((call) => statements.findIndex((statement) => statement === call || contains(statement, call)));
  if (indexes.some((index) => index < 0)) return undefined;
  const from = Math.min(...indexes);
  let to = Math.max(...indexes);
  if (declaresNamesReadAfter(statements.slice(from, to + 1), statements.slice(to + 1))) {
    if (block !== body) return undefined;
    to = statements.length - 1;
  }
  const run = statements.slice(from, to + 1);
  const inner = run.flatMap((statement) => [statement, ...statement.getDescendants()]).filter((node) => !node.getAncestors().some((a) => isFunctionScope(a) && contains(fn, a) && run.some((s) => contains(s, a))));
  if (inner.some((node) => Node.isBreakStatement(node) || Node.isContinueStatement(node) || Node.isYieldExpression(node))) return undefined;
  const hasReturn = inner.some((node) => Node.isReturnStatement(node));
  if (hasReturn && !(block === body && to === statements.length - 1)) return undefined;
  return { statements: run, returns: hasReturn };
}

function commonBlock(calls: CallExpression[], fn: Node): (Node & { getStatements(): Node[] }) | undefined {
  const [first, ...rest] = calls;
  if (!first) return undefined;
  for (const ancestor of first.getAncestors()) {
    if (ancestor === fn) return undefined;
    if (Node.isBlock(ancestor) && rest.every((call) => contains(ancestor, call))) return ancestor;
  }
  return undefined;
}

function declaresNamesReadAfter(run: Node[], after: Node[]): boolean {
  const declared = new Set<string>();
  for (const statement of run) {
    if (!Node.isVariableStatement(statement)) continue;
    for (const declaration of statement.getDeclarations()) {
      const name = declaration.getNameNode();
      for (const identifier of Node.isIdentifier(name) ? [name] : name.getDescendantsOfKind(SyntaxKind.Identifier)) declared.add(identifier.getText());
    }
  }
  if (declared.size === 0) return false;
  return after.some((statement) => statement.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => declared.has(identifier.getText())));
}

/** Every call in the run is the client's own or does no I/O: no HTTP call, other database or project function that does I/O goes into the transaction. */
function isMechanical(run: Node[], client: Node, facts: FileFacts): boolean {
  for (const call of run.flatMap((statement) => statement.getDescendantsOfKind(SyntaxKind.CallExpression))) {
    const own = clientExpressionOf(call);
    if (own && own.getText() === client.getText() && databaseOperationOf(call, facts)) continue;
    if (directIoCall(call, facts)) return false;
    if ((calleeFunctions(call) ?? []).some((callee) => ioCallOf(callee) !== undefined)) return false;
  }
  return !run.some((statement) => statement.getDescendantsOfKind(SyntaxKind.TaggedTemplateExpression).length > 0);
}

/** The references to the client inside the run: `prisma` (the same variable) or `this.prisma`. */
function clientReferences(run: Node[], client: Node): Node[] {
  const references: Node[] = [];
  const symbol = client.getSymbol();
  for (const statement of run) {
    if (Node.isIdentifier(client)) {
      for (const identifier of statement.getDescendantsOfKind(SyntaxKind.Identifier)) {
        if (identifier.getText() !== client.getText() || identifier.getSymbol() !== symbol) continue;
        const parent = identifier.getParent();
        if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) continue;
        if (Node.isShorthandPropertyAssignment(parent) || (Node.isPropertyAssignment(parent) && parent.getNameNode() === identifier)) return [];
        references.push(identifier);
      }
    } else {
      for (const access of statement.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
        if (access.getText() === client.getText()) references.push(access);
      }
    }
  }
  return references;
}

/** `inner` lies within `outer` (or is it). */
function contains(outer: Node, inner: Node): boolean {
  return outer.getStart() <= inner.getStart() && inner.getEnd() <= outer.getEnd();
}
