import * as assert from 'node:assert/strict';
import { SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from 'preflight-server/out/facts';
import { unboundedSourceOf } from 'preflight-server/out/facts/list-sources';
import { withFiles } from '../support/facts-project';

/** The source kind of the list the file's last `return` returns, or null when no unbounded source is visible. */
function sourceKindOfReturned(sourceFile: SourceFile): string | null {
  const returns = sourceFile.getDescendantsOfKind(SyntaxKind.ReturnStatement);
  const returned = returns[returns.length - 1]!.getExpressionOrThrow();
  return unboundedSourceOf(returned, FileFacts.of(sourceFile))?.kind ?? null;
}

const PRISMA = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n";
const EXPRESS = "import type { Request } from 'express';\n";
const inFunction = (setup: string, params: string, body: string): string => `${setup}export async function run(${params}) {\n${body}\n}\n`;

describe('facts/list-sources unboundedSourceOf', () => {
  const cases: [string, string, string, string, string | null][] = [
    ['a findMany with no limit', PRISMA, 'userId: string', '  const rows = await prisma.order.findMany({ where: { userId } });\n  return rows.filter(Boolean);', 'query'],
    ['a findMany with no options at all', PRISMA, '', '  return prisma.order.findMany();', 'query'],
    ['a findMany with take', PRISMA, 'userId: string', '  return prisma.order.findMany({ where: { userId }, take: 10 });', null],
    ['take defaulting to Number.MAX_SAFE_INTEGER is no limit', PRISMA, 'userId: string, take = Number.MAX_SAFE_INTEGER', '  return prisma.order.findMany({ where: { userId }, take });', 'query'],
    ['options spread from a variable may carry a limit', PRISMA, 'options: object', '  return prisma.order.findMany({ ...options });', null],
    ['a filter on a fixed set of keys', PRISMA, '', "  return prisma.config.findMany({ where: { name: { in: ['A', 'B'] } } });", null],
    ['one record is not a list source', PRISMA, 'id: string', '  const envelope = await prisma.envelope.findFirst({ where: { id }, include: { items: true } });\n  return envelope!.items;', null],
    ['the body of an Express request', EXPRESS, 'req: Request', '  const { ids } = req.body;\n  return ids.map((id: string) => id.trim());', 'request'],
    ['the params of an Express request are not a list', EXPRESS, 'req: Request', '  return req.params.ids;', null],
    ['a fetch response read as JSON', '', 'url: string', '  const res = await fetch(url);\n  return Object.values(await res.json());', 'response'],
    ['one entry of a Promise.all', PRISMA, '', '  const [count, rows] = await Promise.all([prisma.order.count(), prisma.order.findMany()]);\n  return rows;', 'query'],
    ['the other entry of the same Promise.all is not', PRISMA, '', '  const [rows, count] = await Promise.all([prisma.order.findMany(), prisma.order.count()]);\n  return [count];', null],
    ['a parameter no call fills', '', 'ids: string[]', '  return ids;', null],
    ['a value from the environment', '', '', "  return (process.env.HOSTS ?? '').split(',');", null],
  ];
  for (const [name, setup, params, body, expected] of cases) {
    it(name, () => {
      withFiles({ 'case.ts': inFunction(setup, params, body) }, (file) => assert.equal(sourceKindOfReturned(file('case.ts')), expected));
    });
  }

  it('a list returned in an object by a project function in another file', () => {
    const files = {
      'orders.ts': `${PRISMA}export async function listOrders(userId: string) {\n  const rows = await prisma.order.findMany({ where: { userId } });\n  return { rows, count: rows.length };\n}\n`,
      'case.ts': "import { listOrders } from './orders';\nexport async function run(userId: string) {\n  const { rows } = await listOrders(userId);\n  return rows;\n}\n",
    };
    withFiles(files, (file) => assert.equal(sourceKindOfReturned(file('case.ts')), 'query'));
  });

  it('a parameter that a call in its own file passes a query\'s rows', () => {
    const code = `${PRISMA}function emails(members: { email: string }[]) {\n  return members;\n}\nexport async function run(teamId: string) {\n  return emails(await prisma.member.findMany({ where: { teamId } }));\n}\n`;
    withFiles({ 'case.ts': code }, (file) => {
      const members = file('case.ts').getDescendantsOfKind(SyntaxKind.ReturnStatement)[0]!.getExpressionOrThrow();
      assert.equal(unboundedSourceOf(members, FileFacts.of(file('case.ts')))?.kind, 'query');
    });
  });
});
