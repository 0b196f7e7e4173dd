import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Fix } from '../engine/finding';
import { insertStatementBefore, statementEnd } from '../edits/insert-statement';
import { lineIndentation, newlineOf } from '../edits/layout';
import { replaceExpression } from '../edits/replace-expression';
import { servesOnlyAdminRoutes } from '../facts/admin-routes';
import { isBoundedList } from '../facts/concurrency';
import { isRequestHandlingCode } from '../facts/routes';
import { dependsOnElement, elementLoopsAround, isAwaitedPerTurn, valueSymbolOf, type ElementLoop, type ElementLoopKind } from '../facts/loops';
import { roundTripOf, type RoundTrip } from '../facts/round-trips';
import { chainOf } from '../facts/syntax';
import { databaseOperationOf } from '../facts/database-operations';
import { unboundedSourceOf } from '../facts/list-sources';
import { isCommandLineProgram } from '../facts/runtime';
import { unwrapExpression } from '../facts/syntax';
import type { FileFacts } from '../facts';
import { createRule } from './rule';
import { calleeOf } from './report-node';

/** Files that seed or migrate a database: run once by a person or a deploy, not per request. */
const ONE_OFF_FILE = /(^|\/)(seeds?|seeders?|migrations?|fixtures)(\/|\.|$)|(^|\/)seed[^/]*\.[cm]?[jt]s$/i;

export const nPlusOneQuery = createRule({
  meta: {
    id: 'n-plus-one-query',
    title: 'A query or HTTP call awaited once per element of a loop',
    category: 'performance',
    defaultSeverity: 'warning',
    summary: [
      'A database query or outbound HTTP call awaited inside a loop over a list, with arguments taken from the element, makes one round trip per element: a page of 50 orders is 51 queries.',
      'Fine with ten rows in development; with real data every request pays N round trips of latency and the database serves N times the queries.',
    ].join(' '),
    explanation: [
      'The loop reads a list, then asks the database (or an API) once more **for each element**:',
      '',
      '```ts',
      'const orders = await prisma.order.findMany({ where: { shopId }, take: 50 });',
      'for (const order of orders) {',
      '  order.customer = await prisma.customer.findUnique({ where: { id: order.customerId } });',
      '}',
      '```',
      '',
      'In development the list has three elements and the loop takes a few milliseconds. In production it has',
      'hundreds: each turn waits for a full round trip (network, parse, plan, lock, answer) before the next starts,',
      'so the request takes N times the latency of one query, holds its connection the whole time, and the database',
      'serves N + 1 queries where 2 would do. Under load this is what turns a fast endpoint into a p99 outlier, and',
      'what makes the database the bottleneck of the whole fleet.',
      '',
      '**What is flagged.** A database query (Prisma, TypeORM, Sequelize, Knex, Mongoose, MongoDB, pg, mysql2, Drizzle,',
      'MikroORM, Redis) or an outbound HTTP call, directly or through a project function that makes one, that is',
      'awaited in each turn of a loop over elements and whose arguments (or receiver) use the element: `for...of`,',
      '`for await...of`, `for...in`, an index loop up to a list\'s `length`, a `while` loop that takes one element off',
      'a work list (`queue.shift()`), `forEach`, an async `reduce` chain, and `Promise.all(xs.map(...))`; and only when the',
      'list is as long as its data: rows of a database list query (a page of 50 rows counts), the request\'s input, or an',
      'upstream\'s answer.',
      '',
      '`Promise.all(xs.map(async (x) => query(x)))` counts as a loop of queries: it waits for N round trips at once',
      'instead of one after another, but the database still serves N queries where one batched query would do',
      '(and `unbounded-concurrency` says when the list is also unbounded).',
    ].join('\n'),
    shortFix: [
      'Read everything the loop needs in one query before it (`findMany({ where: { id: { in: ids } } })`, TypeORM `In(ids)`, Sequelize `{ id: ids }`, a batch endpoint), then look the rows up in a `Map` inside the loop.',
      'Or let the ORM join: Prisma `include`, TypeORM `relations`, Sequelize `include`, Mongoose `populate`.',
    ].join('\n'),
    fix: [
      '- Batch the lookups: collect the keys, read the rows in one query (`where: { id: { in: ids } }`), and map them back',
      '  (`const byId = new Map(rows.map((row) => [row.id, row]))`, then `byId.get(order.customerId)` in the loop).',
      '- Or load the relation with the list: Prisma `include`/`select` of the relation, TypeORM `relations` or a join,',
      '  Sequelize `include`, Mongoose `populate`, a SQL `JOIN` or `WHERE id = ANY($1)`.',
      '- For writes, one bulk statement: `createMany`, `updateMany`, `insert([...])`, `bulkWrite`.',
      '- For an HTTP API, its batch endpoint, or the list endpoint with an `ids` filter.',
      '',
      'The quick fix rewrites a Prisma `findUnique` by one key of the element (`where: { id: order.customerId }`) in a',
      '`for...of` loop into one `findMany` with `in` before the loop and a `Map` lookup inside it.',
    ].join('\n'),
    notFlagged: [
      'Loops whose turns depend on the previous turn rather than on an element: cursor and page-token pagination (`while (cursor)`, `for (let page = 1; page <= pages; page++)`), `do ... while (hasMore)`.',
      'Loops over chunks or batches: `for (const batch of chunk(rows, 100))`, any loop over an array of arrays, `for await` over pages (an element that is, or holds, an array), and index loops that step by more than one (`i += size`).',
      'Retry and poll loops: loops that count attempts or wait for a condition, not over a list.',
      'Loops over a list whose length the code fixes: an array literal, a tuple, an enum, the keys of an object literal.',
      'Calls that do not use the element (the same query each turn is its own problem).',
      'Lists whose origin the code does not show as long as its data: a parameter no call in its file fills, configuration, the relations of one record read by a single-row lookup; most are short by their domain.',
      'HTTP calls made inside a project function the loop calls (a scraper of each element\'s own URL, a fallback for the elements an earlier lookup missed); database queries through project functions are flagged.',
      'Routes under an admin path (`/admin/...`, `/api/admin/...`, a Remix `admin.*` module): operator tools used by a few people.',
      'Writes per element (`create`, `update`, `delete` of one row each turn): each carries its own row\'s data, and whether they can be one statement (`createMany`, `updateMany`) is the author\'s call; `missing-transaction` and `unbounded-concurrency` cover their other risks.',
      'Seeds, migrations, fixtures and command-line programs (`bin/`, `scripts/`, `#!` files): run once, not per request.',
    ],
    examples: [
      {
        bad: [
          "import { PrismaClient } from '@prisma/client';",
          '',
          'const prisma = new PrismaClient();',
          '',
          'export async function ordersWithCustomers(shopId: string) {',
          '  const orders = await prisma.order.findMany({ where: { shopId }, take: 50 });',
          '  const result = [];',
          '  for (const order of orders) {',
          '    const customer = await prisma.customer.findUnique({ where: { id: order.customerId } });',
          '    result.push({ ...order, customer });',
          '  }',
          '  return result;',
          '}',
        ].join('\n'),
        good: [
          "import { PrismaClient } from '@prisma/client';",
          '',
          'const prisma = new PrismaClient();',
          '',
          'export async function ordersWithCustomers(shopId: string) {',
          '  const orders = await prisma.order.findMany({ where: { shopId }, take: 50 });',
          '  const result = [];',
          '  const customerRows = await prisma.customer.findMany({ where: { id: { in: orders.map((order) => order.customerId) } } });',
          '  const customerById = new Map(customerRows.map((row) => [row.id, row] as const));',
          '  for (const order of orders) {',
          '    const customer = customerById.get(order.customerId) ?? null;',
          '    result.push({ ...order, customer });',
          '  }',
          '  return result;',
          '}',
        ].join('\n'),
      },
    ],
    usesTypes: true,
  },
  create({ facts, sourceFile, report }) {
    if (isCommandLineProgram(sourceFile) || ONE_OFF_FILE.test(sourceFile.getFilePath())) return {};
    return {
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        const loops = elementLoopsAround(call, facts);
        if (loops.length === 0) return;
        // Operator tools (`/admin/...` routes): a few people, by hand, over configuration rows.
        if (servesOnlyAdminRoutes(facts) && isRequestHandlingCode(call, facts)) return;
        const loop = loops.find((candidate) => !isFixedList(candidate.list, facts) && isAwaitedPerTurn(call, candidate) && usesElement(call, candidate));
        if (!loop) return;
        const origin = loop.list && listOriginOf(loop.list, facts);
        if (!origin) return;
        const trip = roundTripOf(call, facts);
        // Writes carry each row's own data: whether they can be one statement is the author's call.
        if (!trip || trip.writes) return;
        // An HTTP call inside a project function is often per element by nature (a scraper of each profile's own URL,
        // a fallback for the elements an earlier lookup missed): only HTTP calls written in the loop are flagged.
        if (trip.kind === 'http' && trip.through.length > 0) return;
        report({
          node: calleeOf(call),
          message: messageFor(trip, loop),
          related: [
            { node: loopHead(loop), message: `the loop over ${loop.list ? `\`${excerptOf(loop.list)}\`` : 'the elements'}: one round trip per element` },
            ...(trip.through.length > 0 ? [{ node: trip.through[trip.through.length - 1]!, message: `the call that reaches ${trip.kind === 'http' ? 'the upstream' : 'the database'}` }] : []),
          ],
          fixes: batchedLookupFix(trip, loop, facts),
        });
      },
    };
  },
});

/** The loop's element is in the call's arguments or receiver (`prisma.user.findUnique({ where: { id: order.userId } })`, `user.save()`). */
function usesElement(call: CallExpression, loop: ElementLoop): boolean {
  return dependsOnElement(call.getExpression(), loop) || call.getArguments().some((argument) => dependsOnElement(argument, loop));
}

/**
 * Where the list gone over comes from, when the code shows it as long as its data: rows of a database list
 * query (with a limit or without: a page of 50 rows is still 50 more queries), the request, or an upstream's
 * answer. Lists of unknown origin (a parameter, configuration, one record's relations) are not flagged: most
 * are short by their domain (the environments of a project, the tiers of a plan).
 */
function listOriginOf(list: Node, facts: FileFacts): ListOrigin | undefined {
  const source = unboundedSourceOf(list, facts);
  if (source) return source.kind;
  return rowsQueryOf(list, facts, 0) ? 'query' : undefined;
}

type ListOrigin = 'query' | 'request' | 'response';

/** `rows` of `const rows = await prisma.row.findMany({ take: 50 })`, through `filter`/`map`/`slice` and consts. */
function rowsQueryOf(list: Node, facts: FileFacts, depth: number): boolean {
  if (depth > 4) return false;
  let node = unwrapExpression(list);
  if (Node.isAwaitExpression(node)) node = unwrapExpression(node.getExpression());
  if (Node.isCallExpression(node)) {
    const callee = unwrapExpression(node.getExpression());
    if (Node.isPropertyAccessExpression(callee) && LIST_KEEPING.has(callee.getName())) return rowsQueryOf(callee.getExpression(), facts, depth + 1);
    return chainOf(node).some((link) => databaseOperationOf(link, facts)?.kind === 'list-read');
  }
  if (!Node.isIdentifier(node)) return false;
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (!declaration || !Node.isVariableDeclaration(declaration) || !Node.isIdentifier(declaration.getNameNode())) return false;
  const initializer = declaration.getInitializer();
  return initializer !== undefined && rowsQueryOf(initializer, facts.forFile(declaration.getSourceFile()), depth + 1);
}

const LIST_KEEPING = new Set(['filter', 'map', 'slice', 'sort', 'toSorted', 'reverse', 'concat', 'flat', 'flatMap']);

/** An array literal, a tuple, an enum, the keys of an object literal: a list the code fixes, through consts. */
function isFixedList(list: Node | undefined, facts: FileFacts, depth = 0): boolean {
  if (!list || depth > 3) return false;
  const node = unwrapExpression(list);
  if (Node.isArrayLiteralExpression(node) || Node.isCallExpression(node)) return isBoundedList(node, facts);
  const type = node.getType();
  if (type.isTuple()) return true;
  if (!Node.isIdentifier(node)) return false;
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (!declaration || !Node.isVariableDeclaration(declaration) || declaration.getVariableStatement()?.getDeclarationKind() !== 'const') return false;
  const initializer = declaration.getInitializer();
  return initializer !== undefined && isFixedList(initializer, facts.forFile(declaration.getSourceFile()), depth + 1);
}

const LOOP_NAMES: Record<ElementLoopKind, string> = {
  'for-of': '`for...of` loop',
  'for-in': '`for...in` loop',
  'for-index': '`for` loop',
  'work-list': '`while` loop',
  'for-each': '`forEach` callback',
  reduce: '`reduce` chain',
  map: '`Promise.all(... .map())`',
};

function messageFor(trip: RoundTrip, loop: ElementLoop): string {
  const what = trip.through.length > 0 ? `\`${excerptOf(trip.call.getExpression())}()\` (which calls \`${trip.label}\`)` : `\`${trip.label}\``;
  const list = loop.list ? ` of \`${excerptOf(loop.list)}\`` : '';
  const service = trip.kind === 'http' ? 'the upstream' : 'the database';
  const batch = trip.kind === 'http' ? 'a batch endpoint or one list request' : 'one batched query (`where: { id: { in: ids } }`) or a join';
  return `${what} is awaited once per element${list} in this ${LOOP_NAMES[loop.kind]}: N elements make N round trips to ${service} (N + 1 queries), which is fine with ten rows and slow with ten thousand. Use ${batch} before the loop.`;
}

function loopHead(loop: ElementLoop): Node {
  if (Node.isCallExpression(loop.node)) return calleeOf(loop.node);
  return loop.node.getFirstChild() ?? loop.node;
}

function excerptOf(node: Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}

// ---------------------------------------------------------------------------
// Quick fix: `const user = await prisma.user.findUnique({ where: { id: order.userId } })` in
// `for (const order of orders)` becomes one `findMany` with `in` before the loop and a Map lookup.

const BATCHABLE_LOOKUPS = new Set(['findUnique']);

function batchedLookupFix(trip: RoundTrip, loop: ElementLoop, facts: FileFacts): Fix[] | undefined {
  const shape = lookupShape(trip, loop, facts);
  if (!shape) return undefined;
  const { declarationName, model, key, value, list, variable } = shape;
  const file = loop.node.getSourceFile();
  const rows = `${declarationName}Rows`;
  const byKey = `${declarationName}By${key[0]!.toUpperCase()}${key.slice(1)}`;
  const text = file.getFullText();
  if (new RegExp(`\\b(${rows}|${byKey})\\b`).test(text)) return undefined;
  const keys = value === variable ? list : `${list}.map((${variable}) => ${value})`;
  const tuple = /\.[cm]?jsx?$/.test(file.getFilePath()) ? `[row.${key}, row]` : `[row.${key}, row] as const`;
  const end = statementEnd(file);
  const statements = [
    `const ${rows} = await ${model}.findMany({ where: { ${key}: { in: ${keys} } } })${end}`,
    `const ${byKey} = new Map(${rows}.map((row) => ${tuple}))`,
  ].join(`${newlineOf(text)}${lineIndentation(loop.node)}`);
  const insert = insertStatementBefore(loop.node, statements);
  if (!insert) return undefined;
  return [{ title: `Read every ${declarationName} in one query before the loop`, edits: [insert, replaceExpression(shape.awaited, `${byKey}.get(${value}) ?? null`)] }];
}

interface LookupShape {
  declarationName: string;
  awaited: Node;
  model: string;
  key: string;
  value: string;
  list: string;
  variable: string;
}

function lookupShape(trip: RoundTrip, loop: ElementLoop, facts: FileFacts): LookupShape | undefined {
  const { operation, call } = trip;
  if (!operation || operation.library.id !== 'prisma' || !BATCHABLE_LOOKUPS.has(operation.method) || trip.chain.length !== 1) return undefined;
  if (loop.kind !== 'for-of' || !loop.variable || !loop.list || !Node.isBlock(loop.body) || !isPlainReference(loop.list)) return undefined;
  // Inside another loop over elements, the batched query would be one per outer element.
  if (elementLoopsAround(loop.node, facts).length > 0) return undefined;
  const awaited = call.getParent();
  const declaration = awaited?.getParent();
  const statement = declaration?.getParent()?.getParent();
  if (!awaited || !Node.isAwaitExpression(awaited) || !declaration || !Node.isVariableDeclaration(declaration) || !Node.isIdentifier(declaration.getNameNode())) return undefined;
  if (!statement || !Node.isVariableStatement(statement) || statement.getParent() !== loop.body || statement.getDeclarations().length !== 1) return undefined;
  const filter = singleKeyFilter(call);
  if (!filter || !readsOnlyLoopVariable(filter.value, loop)) return undefined;
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  return { declarationName: declaration.getName(), awaited, model: callee.getExpression().getText(), key: filter.key, value: filter.value.getText(), list: loop.list.getText(), variable: loop.variable.getText() };
}

/** `{ where: { id: order.userId } }` and nothing else: one scalar key. */
function singleKeyFilter(call: CallExpression): { key: string; value: Node } | undefined {
  const [options, ...rest] = call.getArguments();
  const literal = options && unwrapExpression(options);
  if (rest.length > 0 || !literal || !Node.isObjectLiteralExpression(literal) || literal.getProperties().length !== 1) return undefined;
  const where = literal.getProperty('where');
  const filter = where && Node.isPropertyAssignment(where) ? unwrapExpression(where.getInitializerOrThrow()) : undefined;
  if (!filter || !Node.isObjectLiteralExpression(filter) || filter.getProperties().length !== 1) return undefined;
  const [property] = filter.getProperties();
  if (Node.isShorthandPropertyAssignment(property)) return { key: property.getName(), value: property.getNameNode() };
  if (!property || !Node.isPropertyAssignment(property) || !Node.isIdentifier(property.getNameNode())) return undefined;
  const value = unwrapExpression(property.getInitializerOrThrow());
  if (Node.isObjectLiteralExpression(value) || Node.isArrayLiteralExpression(value)) return undefined;
  return { key: property.getName(), value };
}

/** The key is the loop variable or a member of it (`order.userId`): it can be computed for every element before the loop. */
function readsOnlyLoopVariable(value: Node, loop: ElementLoop): boolean {
  if (value.getDescendantsOfKind(SyntaxKind.CallExpression).length > 0 || Node.isCallExpression(value)) return false;
  const root = rootIdentifier(value);
  const symbol = root && valueSymbolOf(root);
  return symbol !== undefined && loop.elements.includes(symbol) && symbol === loop.variable?.getSymbol();
}

function rootIdentifier(node: Node): Node | undefined {
  let current = unwrapExpression(node);
  while (Node.isPropertyAccessExpression(current)) current = unwrapExpression(current.getExpression());
  return Node.isIdentifier(current) ? current : undefined;
}

/** `orders`, `this.orders`, `result.items`: evaluating it again before the loop reads the same list. */
function isPlainReference(node: Node): boolean {
  const value = unwrapExpression(node);
  if (Node.isIdentifier(value) || value.getKind() === SyntaxKind.ThisKeyword) return true;
  return Node.isPropertyAccessExpression(value) && isPlainReference(value.getExpression());
}

