import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import { fanOutOf, isBoundedList, runsThroughLimiter, type FanOut } from '../facts/concurrency';
import { functionsOf, type FunctionLike } from '../facts/function-summary';
import { ioCallOf, type IoCall } from '../facts/io';
import { unboundedSourceOf, type ListSource } from '../facts/list-sources';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { isStartUpCode } from '../facts/start-up';
import { unwrapExpression } from '../facts/syntax';
import type { FileFacts } from '../facts';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';

/** Callee names that can start a fan-out: `Promise.all`, `Promise.allSettled`, and mappers such as `pMap` (checked through their imports). */
const FAN_OUT_CALLEE = /(?:^|\.)(?:all|allSettled|map)$|^[A-Za-z_$][\w$]*$/;

export const unboundedConcurrency = createRule({
  meta: {
    id: 'unbounded-concurrency',
    title: 'Every element of an unbounded list does I/O at once',
    category: 'resilience',
    defaultSeverity: 'warning',
    cwe: [770],
    summary: [
      '`Promise.all(rows.map(async (row) => ...))` over a list read from a source nothing caps (a database list query with no limit, the request\'s input, an upstream API\'s answer) starts the round trip of every element at the same moment, however long the list is.',
      'A large input opens thousands of connections at once: the upstream answers with 429s, the database pool runs dry for every other request, and memory spikes until the batch is done.',
    ].join(' '),
    explanation: [
      '`Promise.all(items.map(async (item) => ...))` does not run "in parallel, a few at a time": it calls the callback',
      'for **every element before the first one finishes**. With ten items in a demo that is ten requests. With the',
      'customer who has 20,000 rows it is 20,000 requests started in the same tick.',
      '',
      'What happens next depends on what the callback calls:',
      '',
      '- **An HTTP API**: thousands of sockets open to one host. The provider\'s rate limit answers most of them with',
      '  429 (and may block the key for everyone), the agent\'s socket pool and the process\'s file descriptors run out',
      '  (`EMFILE`, `ECONNRESET`), and `Promise.all` rejects on the first failure while the other requests keep running.',
      '- **A database**: the queries take every connection of the pool and the rest wait in its queue. Every other',
      '  request this process serves now waits for a connection too, and times out (Prisma `P2024`, knex',
      '  `KnexTimeoutError`, pg `timeout exceeded when trying to connect`): one large batch is an outage of the service.',
      '- **Memory**: every pending request holds its buffers and closures until the whole list is done.',
      '',
      'p-map is no exception by default: its `concurrency` option defaults to `Infinity`.',
      '',
      '**What is flagged.** Only a fan-out over a list that the code shows to be as long as its data: one read by a',
      'database list query with no limit (Prisma `findMany` without `take`, or with `take: Number.MAX_SAFE_INTEGER`,',
      'also as the default of the parameter it comes through), one from the request (`req.body`/`req.query` of an',
      'Express, Fastify, Koa or Next request; a Nest `@Body()`/`@Query()` DTO; GraphQL `@Args()`), or one from an',
      'upstream\'s answer (`await res.json()`, axios `data`). The list is followed through what the code derives from',
      'it (`filter`, `map`, `Object.values`, lodash `uniqBy`, spreads, consts and `let` assignments, one entry of',
      '`const [a, b] = await Promise.all([...])`), through the project functions that return it (in any file), and',
      'into a parameter when a call in the same file passes it. A list whose origin is not visible (a parameter no',
      'call in its file fills, a configuration value, the accounts of one user) is not flagged: most of those are',
      'short by their domain, and a warning on every `Promise.all` would be noise. The decision favours precision.',
    ].join('\n'),
    shortFix: [
      'Bound the fan-out: `const limit = pLimit(10); await Promise.all(items.map((item) => limit(() => load(item))))`,',
      'or `pMap(items, load, { concurrency: 10 })`, or process the list in chunks (`for (const chunk of chunks) await Promise.all(chunk.map(load))`).',
    ].join('\n'),
    fix: [
      'Decide how many round trips may run at once (a few, to a dozen or two: below the pool size and the provider\'s rate limit), and enforce it:',
      '',
      '- p-limit: `const limit = pLimit(10);` then `Promise.all(items.map((item) => limit(() => load(item))))`.',
      '- p-map: `await pMap(items, load, { concurrency: 10 })` (without `concurrency`, p-map runs everything at once too).',
      '- p-queue or Bottleneck when the limit is shared by several call sites or is a rate (`minTime`, `intervalCap`).',
      '- Chunks: `for (let i = 0; i < items.length; i += 50) await Promise.all(items.slice(i, i + 50).map(load));`.',
      '- Often better still: one bulk call instead of one per element (`findMany({ where: { id: { in: ids } } })`,',
      '  `createMany`, a batch endpoint of the API).',
    ].join('\n'),
    notFlagged: [
      'Lists whose source is not visibly unbounded: a parameter that no call in its own file fills with a query\'s rows, the request or an upstream\'s answer; configuration; lists built by the code; the to-many relations of one record read by a single-row lookup (`findFirst({ include: { items: true } })`).',
      'List queries that are capped: a limit (`take: 50`), options the file cannot see (a variable, a spread: the caller may pass a limit), or a filter on a fixed set of keys (`where: { name: { in: SETTINGS } }`).',
      'Lists whose length the code fixes: array literals (through consts, in any file), tuples, `Object.keys/values/entries` of an object literal or of a type with fixed keys, enums, `Array.from({ length: n })` (a pool of n workers), and `filter`/`map`/`slice` of those.',
      'Chunks: `items.slice(i, i + size)`, `queue.splice(0, n)`, and the loop variable of a `for...of` over `chunk(items, n)` (lodash, remeda, es-toolkit, radash, underscore) or over any array of arrays.',
      'Callbacks that go through a concurrency limiter: p-limit (`limit(() => ...)`), p-queue (`queue.add`), Bottleneck (`schedule`, `wrap`), async-sema, async-mutex and await-semaphore; `pMap`/Bluebird `map` with a `concurrency` option (one from a variable the file cannot see counts as set).',
      'Callbacks that only compute, or whose calls Preflight does not know to do I/O: an outbound HTTP call, a database call (Prisma, SQL drivers and ORMs, MongoDB, Redis, ClickHouse, Elasticsearch) or a networked SDK (AWS, Google Cloud, Stripe, mail and messaging providers), directly or through the project\'s own functions.',
      'Database calls on the client of an interactive transaction (`prisma.$transaction(async (tx) => Promise.all(rows.map((row) => tx.item.update(...))))`, knex `trx`): they share the transaction\'s one connection and queue there, not in the pool.',
      'Code that runs in the browser (the browser itself caps connections per host), command-line programs, one-off scripts and seeds (`bin/`, `cli/`, `scripts/`, `seed/`, `#!` files), and start-up code (a Nest `onModuleInit`/`onApplicationBootstrap` hook and the methods of its class that only it calls): no other request shares the process or waits for the pool while they run.',
    ],
    examples: [
      {
        bad: [
          "import { prisma } from './db';",
          '',
          'export async function archiveCustomer(customerId: string) {',
          '  const orders = await prisma.order.findMany({ where: { customerId } });',
          '  await Promise.all(orders.map((order) => prisma.order.update({ where: { id: order.id }, data: { archived: true } })));',
          '}',
        ].join('\n'),
        good: [
          "import pLimit from 'p-limit';",
          "import { prisma } from './db';",
          '',
          'const limit = pLimit(10);',
          '',
          'export async function archiveCustomer(customerId: string) {',
          '  const orders = await prisma.order.findMany({ where: { customerId } });',
          '  await Promise.all(orders.map((order) => limit(() => prisma.order.update({ where: { id: order.id }, data: { archived: true } }))));',
          '}',
        ].join('\n'),
      },
      {
        bad: [
          "import type { Request, Response } from 'express';",
          "import pMap from 'p-map';",
          '',
          'export async function notify(req: Request, res: Response) {',
          '  const urls: string[] = req.body.webhooks;',
          "  await pMap(urls, (url) => fetch(url, { method: 'POST', signal: AbortSignal.timeout(5_000) }));",
          '  res.sendStatus(204);',
          '}',
        ].join('\n'),
        good: [
          "import type { Request, Response } from 'express';",
          "import pMap from 'p-map';",
          '',
          'export async function notify(req: Request, res: Response) {',
          '  const urls: string[] = req.body.webhooks;',
          "  await pMap(urls, (url) => fetch(url, { method: 'POST', signal: AbortSignal.timeout(5_000) }), { concurrency: 8 });",
          '  res.sendStatus(204);',
          '}',
        ].join('\n'),
      },
    ],
    usesTypes: true,
  },
  create({ facts, report }) {
    return {
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        if (!FAN_OUT_CALLEE.test(call.getExpression().getText())) return;
        const fanOut = fanOutOf(call, facts);
        if (fanOut) judgeFanOut(fanOut, facts, report);
      },
    };
  },
});

function judgeFanOut(fanOut: FanOut, facts: FileFacts, report: RuleContext['report']): void {
  if (runtimeAt(fanOut.call, facts) === 'browser' || isCommandLineProgram(facts.sourceFile)) return;
  if (isBoundedList(fanOut.list, facts) || runsThroughLimiter(fanOut.callback, facts)) return;
  const io = perElementIo(fanOut.callback);
  // An interactive transaction's queries queue on its one connection: they cannot take the pool.
  if (!io || io.inTransaction) return;
  // Only a list read from a source that nothing caps: most lists the code cannot size are short by their domain.
  const source = unboundedSourceOf(fanOut.list, facts);
  // Start-up code serves no request yet: nothing else waits for the pool while it runs.
  if (!source || isStartUpCode(fanOut.call, facts)) return;
  report({
    node: calleeOf(fanOut.call),
    message: messageFor(fanOut, io, source),
    related: [
      { node: io.through[0] ?? io.call, message: io.through.length > 0 ? `calls \`${io.label}\` for each element` : 'the round trip made for each element' },
      { node: source.node, message: SOURCE_DESCRIPTIONS[source.kind] },
    ],
  });
}

const SOURCE_DESCRIPTIONS: Record<ListSource['kind'], string> = {
  query: 'the list comes from this query, which has no limit',
  request: 'the list comes from the request: the caller decides how long it is',
  response: 'the list comes from this upstream response: the upstream decides how long it is',
};

const SOURCE_PHRASES: Record<ListSource['kind'], string> = {
  query: 'a database query with no limit',
  request: 'the request',
  response: 'an upstream response',
};

function perElementIo(callback: Node): IoCall | undefined {
  const node = unwrapExpression(callback);
  const functions: FunctionLike[] = Node.isArrowFunction(node) || Node.isFunctionExpression(node) ? [node as FunctionLike] : functionsOf(node) ?? [];
  for (const fn of functions) {
    const io = ioCallOf(fn);
    if (io) return io;
  }
  return undefined;
}

function messageFor(fanOut: FanOut, io: IoCall, source: ListSource): string {
  const list = `\`${excerptOf(fanOut.list)}\` (read from ${SOURCE_PHRASES[source.kind]})`;
  const first = io.through[0];
  const what = first ? `\`${excerptOf(first.getExpression())}()\` (which calls \`${io.label}\`)` : `\`${io.label}\``;
  return `${fanOut.label} starts ${what} for every element of ${list} at the same time, with no limit on how many run together: ${consequenceOf(io)}`;
}

function consequenceOf(io: IoCall): string {
  switch (io.kind) {
    case 'http':
      return 'a list of thousands opens thousands of connections to the upstream at once, past its rate limits (429s) and the process\'s sockets.';
    case 'database':
      return `a list of thousands sends thousands of queries to ${io.service} at once; they take every connection of the pool and the rest queue until they time out, while every other request waits for a connection.`;
    case 'network':
      return `a list of thousands sends thousands of requests to ${io.service} at once, past its rate limits and the client's connection pool.`;
  }
}

function excerptOf(node: Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
