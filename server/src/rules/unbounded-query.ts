import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import { insertArgument } from '../edits/call-arguments';
import { addObjectProperty } from '../edits/object-literal-property';
import { replaceExpression } from '../edits/replace-expression';
import { servesOnlyAdminRoutes } from '../facts/admin-routes';
import { entryPointOf } from '../facts/entry-points';
import { listReadOf, type ListRead } from '../facts/list-reads';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { isStartUpCode } from '../facts/start-up';
import { unwrapExpression } from '../facts/syntax';
import { NUMBER_CONVERSIONS } from '../facts/tables/list-read-bounds';
import { createRule, integerOption, type RuleMeta } from './rule';
import { calleeOf } from './report-node';

/** The page size a clamped request limit falls back to when the request gives none (or `0`, or not a number). */
const DEFAULT_PAGE_SIZE = 50;

const meta: RuleMeta = {
  id: 'unbounded-query',
  title: 'A list query with no limit in request or job code',
  category: 'performance',
  defaultSeverity: 'warning',
  summary: [
    'A list query in request-handling or job code with no limit (Prisma `findMany` without `take`, Sequelize `findAll` without `limit`, a Mongoose `find` without `.limit()`) returns every matching row, however many there are.',
    'Fine with 10 rows, fatal with 10 million: the query, the memory and the response grow with the table until the request times out or the process runs out of memory.',
  ].join(' '),
  explanation: [
    'A list query without a limit returns whatever the table holds. In development that is a handful of rows. In',
    'production the table grows every day, and one day the endpoint reads 2 million rows: the database scans and',
    'sends them all, the driver builds 2 million objects, `JSON.stringify` builds one enormous string, and the process',
    'runs out of memory or the request times out (while the database keeps working for a client that has gone).',
    'A limit taken from the request with no upper bound is the same hole with the caller holding the key:',
    '`take: Number(req.query.limit)` lets anyone ask for `?limit=10000000`.',
    '',
    '**What is flagged.** In request-handling code (a route handler, or a function of its file that it calls) and job',
    'code (a queue processor, consumer or scheduled job): Prisma `findMany` without `take`; TypeORM `find`/`findBy`/',
    '`findAndCount` without `take` and query builders\' `getMany`/`getRawMany` without `.take()`/`.limit()`; Sequelize',
    '`findAll`/`findAndCountAll` without `limit`; Mongoose and MongoDB `find` without `.limit()` (or a `limit` option);',
    'Knex and Drizzle selects without `.limit()`; MikroORM `find`/`findAll` without `limit`. `take: Number.MAX_SAFE_INTEGER`',
    'counts as no limit. A limit from request input (`req.query`, `req.body`, Koa/Fastify/Next requests, a Nest `@Query()`',
    'parameter or DTO property without `@Max()`) with no `Math.min` clamp is flagged too.',
  ].join('\n'),
  shortFix: [
    'Page the list: `take: 50` plus a cursor or `skip`, and return the next cursor to the client.',
    'Clamp a limit from the request: `take: Math.min(Number(req.query.limit) || 50, 1000)`.',
  ].join('\n'),
  fix: [
    '- Give the query a limit and page through the rest: `findMany({ where, take: 50, cursor, skip: 1 })`,',
    '  `.limit(50)` with a `_id > lastId` filter, `LIMIT 50` with keyset pagination.',
    '- A limit from the request: clamp it, `Math.min(Number(req.query.limit) || 50, 1000)`, or validate it with an',
    '  upper bound (zod `.max(1000)`, class-validator `@Max(1000)`).',
    '- When the code really needs every row (an export, a report), stream it in batches (cursor pagination in a job)',
    '  rather than reading the table into memory in a request.',
    '',
    'The quick fix adds a limit of `maxRows` (a rule option, default 1000) or clamps a request limit to it. It is a cap,',
    'not pagination: a list longer than that is cut short, so add a cursor if the caller needs the rest.',
  ].join('\n'),
  notFlagged: [
    'Queries filtered by a key that identifies rows: `where: { id }`, `{ id: { in: ids } }`, `{ _id: { $in: ids } }`, TypeORM `In(ids)`, `.where(\'id\', id)`; and filters on a fixed set of values (`{ status: { in: [\'open\', \'paid\'] } }`).',
    'Options the file cannot see (a variable, a spread): the caller may pass a limit.',
    'A limit from request input that is clamped (`Math.min(...)`), validated with `@Max()`, or any limit the code sets.',
    'Single-row reads (`findUnique`, `findFirst`, `findOne`, `.first()`), counts and aggregates, and raw SQL (its text decides).',
    'Filters on a parent\'s key (`where: { projectId }`, `{ organization: { slug } }`, `{ members: { some: { userId } } }`, `.where(\'team_id\', id)`): the children of one record grow with what its owners set up; the unbounded reads are the ones across every parent (a whole table, a filter on a status or a date).',
    'Routes under an admin path (`/admin/...`, `/api/admin/...`, a Remix `admin.*` module): operator tools over configuration tables, used by a few people.',
    'Code outside request handling and jobs: start-up code, command-line programs and one-off scripts (`bin/`, `scripts/`), code that runs in the browser, and helpers no handler of their file calls.',
  ],
  options: [
    {
      name: 'maxRows',
      description: 'The limit the quick fix adds to a list query, and the upper bound it clamps a limit from request input to.',
      type: 'integer',
      default: 1000,
      minimum: 1,
    },
  ],
  examples: [
    {
      bad: [
        "import express from 'express';",
        "import { PrismaClient } from '@prisma/client';",
        '',
        'const prisma = new PrismaClient();',
        'const app = express();',
        '',
        "app.get('/orders', async (req, res) => {",
        '  const orders = await prisma.order.findMany({ where: { status: \'paid\' } });',
        '  res.json(orders);',
        '});',
      ].join('\n'),
      good: [
        "import express from 'express';",
        "import { PrismaClient } from '@prisma/client';",
        '',
        'const prisma = new PrismaClient();',
        'const app = express();',
        '',
        "app.get('/orders', async (req, res) => {",
        '  const orders = await prisma.order.findMany({ where: { status: \'paid\' }, take: 1000 });',
        '  res.json(orders);',
        '});',
      ].join('\n'),
    },
    {
      bad: [
        "import express from 'express';",
        "import { PrismaClient } from '@prisma/client';",
        '',
        'const prisma = new PrismaClient();',
        'const app = express();',
        '',
        "app.get('/users', async (req, res) => {",
        '  res.json(await prisma.user.findMany({ take: Number(req.query.limit) }));',
        '});',
      ].join('\n'),
      good: [
        "import express from 'express';",
        "import { PrismaClient } from '@prisma/client';",
        '',
        'const prisma = new PrismaClient();',
        'const app = express();',
        '',
        "app.get('/users', async (req, res) => {",
        '  res.json(await prisma.user.findMany({ take: Math.min(Number(req.query.limit) || 50, 1000) }));',
        '});',
      ].join('\n'),
    },
  ],
  usesTypes: true,
};

export const unboundedQuery = createRule({
  meta,
  create({ facts, sourceFile, options, report }) {
    if (isCommandLineProgram(sourceFile)) return {};
    const maxRows = integerOption(meta, options, 'maxRows');
    return {
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        const read = listReadOf(call, facts);
        if (!read || (read.bound.state !== 'none' && read.bound.state !== 'request-limit')) return;
        const entry = entryPointOf(call, facts);
        if (!entry || runtimeAt(call, facts) === 'browser' || isStartUpCode(call, facts)) return;
        // Operator tools over configuration tables: a few people, by hand.
        if (entry === 'request' && servesOnlyAdminRoutes(facts)) return;
        const where = entry === 'request' ? 'request-handling code' : 'job code';
        if (read.bound.state === 'request-limit') {
          const value = read.bound.value;
          report({
            node: value,
            message: `\`${label(read)}\` takes its limit from the request with no upper bound (\`${excerpt(value)}\`) in ${where}: a caller who sends a huge limit reads the whole table. Clamp it: \`Math.min(${clampOperand(value)}, ${maxRows})\`.`,
            fixes: [{ title: `Clamp the limit to ${maxRows}`, edits: [replaceExpression(value, `Math.min(${clampOperand(value)}, ${maxRows})`)] }],
          });
          return;
        }
        report({
          node: calleeOf(read.readCall),
          message: `\`${label(read)}\` in ${where} has no limit: it returns every matching row, which is fine with 10 rows and fatal with 10 million (memory, response size, timeouts). Add ${limitPhrase(read)} and page through the rest.`,
          fixes: limitFix(read, maxRows),
        });
      },
    };
  },
});

function label(read: ListRead): string {
  const text = read.readCall.getExpression().getText().replace(/\s+/g, '');
  return `${text.length > 50 ? `...${text.slice(-47)}` : text}()`;
}

function excerpt(node: Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}

function limitPhrase(read: ListRead): string {
  const fix = read.bounds.fix;
  if (fix?.kind === 'option') return `\`${fix.name}\``;
  if (fix?.kind === 'chain') return `\`.${fix.method}()\``;
  return `a \`${read.bounds.limitOptions[0] ?? 'limit'}\``;
}

/** `Number(req.query.limit) || 50`: a number, with a page size when the request gives none. */
function clampOperand(value: Node): string {
  const node = unwrapExpression(value);
  if (Node.isBinaryExpression(node) && [SyntaxKind.BarBarToken, SyntaxKind.QuestionQuestionToken].includes(node.getOperatorToken().getKind())) return value.getText();
  const converted = Node.isCallExpression(node) && NUMBER_CONVERSIONS.includes(unwrapExpression(node.getExpression()).getText());
  return `${converted ? value.getText() : `Number(${value.getText()})`} || ${DEFAULT_PAGE_SIZE}`;
}

function limitFix(read: ListRead, maxRows: number): Fix[] | undefined {
  const edits = limitEdits(read, maxRows);
  return edits ? [{ title: `Limit the query to ${maxRows} rows`, edits }] : undefined;
}

function limitEdits(read: ListRead, maxRows: number): TextEdit[] | undefined {
  if (read.bound.state === 'none' && read.bound.limit) return [replaceExpression(read.bound.limit, String(maxRows))];
  const fix = read.bounds.fix;
  if (!fix) return undefined;
  if (fix.kind === 'option') {
    if (read.options) return addObjectProperty(read.options, `${fix.name}: ${maxRows}`);
    const index = read.optionsIndex;
    if (index === undefined && read.bounds.chainFix) return chainCallBefore(read.readCall, `.${read.bounds.chainFix.method}(${maxRows})`);
    if (index === undefined || read.readCall.getArguments().length !== index) return undefined;
    return [insertArgument(read.readCall, index, `{ ${fix.name}: ${maxRows} }`)];
  }
  const chainCall = `.${fix.method}(${maxRows})`;
  if (fix.at === 'after-call') return [{ start: read.readCall.getEnd(), end: read.readCall.getEnd(), newText: chainCall }];
  const last = read.chain[read.chain.length - 1]!;
  if (fix.at === 'end') return [{ start: last.getEnd(), end: last.getEnd(), newText: chainCall }];
  return chainCallBefore(last, chainCall);
}

/** `qb.getMany()` → `qb.take(1000).getMany()`. */
function chainCallBefore(call: CallExpression, chainCall: string): TextEdit[] | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const receiverEnd = callee.getExpression().getEnd();
  return [{ start: receiverEnd, end: receiverEnd, newText: chainCall }];
}
