/**
 * Records a real session of an MCP client with `preflight mcp` (the README's example):
 * an agent checks its change, applies the timeout fix, reads the webhook rule's docs,
 * deduplicates the webhook by hand and checks again. Every answer printed is the
 * server's. Usage: node test/out/mcp/transcript.js [out.md]   (default: stdout)
 */
import * as fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { cleanUp, writeFiles } from '../cli/helpers';
import { applyEdits, callTool, connectClient, makeShopRepository, textOf, within, type AgentEditShape } from './fixture';

/** The webhook as the agent rewrites it after preflight_explain: the event id recorded with the order, in one transaction. */
const DEDUPLICATED_WEBHOOK = `import express from 'express';
import Stripe from 'stripe';
import { Prisma, PrismaClient } from '@prisma/client';

const stripe = new Stripe(process.env.STRIPE_KEY!);
const prisma = new PrismaClient();
export const app = express();

app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {
  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature']!, process.env.STRIPE_WEBHOOK_SECRET!);
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object;
    try {
      await prisma.$transaction([
        prisma.processedEvent.create({ data: { id: event.id } }),
        prisma.order.create({ data: { sessionId: session.id, total: session.amount_total ?? 0 } }),
      ]);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return res.sendStatus(200);
      throw err;
    }
  }
  res.sendStatus(200);
});
`;

const out: string[] = [];
const say = (line = '') => out.push(line);

function fenced(text: string, language = ''): string {
  const fence = text.includes('```') ? '~~~~' : '```';
  return `${fence}${language}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

async function call(client: Client, name: string, args: Record<string, unknown>, note: string) {
  say(`### ${note}`);
  say();
  say(fenced(JSON.stringify({ method: 'tools/call', params: { name, arguments: args } }, null, 2), 'json'));
  const result = await callTool(client, name, args);
  say();
  say(`${result.isError ? 'Error answer' : 'Answer'} (text part${result.structuredContent ? '; the same content is in structuredContent' : ''}):`);
  say();
  say(fenced(textOf(result)));
  say();
  return result;
}

async function main(): Promise<void> {
  const repo = makeShopRepository();
  const { client } = await connectClient(repo);
  try {
    const { tools } = await client.listTools();
    say('<!-- Recorded by `node test/out/mcp/transcript.js` (test/mcp/transcript.ts) against `preflight mcp`; do not edit by hand. -->');
    say();
    say('# An agent and `preflight mcp`: a real session');
    say();
    say(`The workspace is test/mcp/fixture.ts's repository: on branch \`feature\`, src/billing.ts is committed and src/webhooks/stripe.ts is new; src/rates.ts was on \`main\` already. The client is the MCP SDK's, over stdio (\`node server/bin/preflight.js mcp\`); server ${client.getServerVersion()?.name} ${client.getServerVersion()?.version}, tools: ${tools.map((tool) => `\`${tool.name}\``).join(', ')}.`);
    say();
    await call(client, 'preflight_check', {}, '1. The agent checks its change (the default scope: the change since the merge base)');
    const fix = await call(client, 'preflight_fix', { file: 'src/billing.ts', ruleId: 'missing-timeout', line: 2 }, '2. It asks for the timeout fix');
    applyEdits(within(repo, 'src/billing.ts'), (fix.structuredContent as { edits: AgentEditShape[] }).edits);
    say('The agent applies the edit. src/billing.ts is now:');
    say();
    say(fenced(fs.readFileSync(within(repo, 'src/billing.ts'), 'utf8'), 'ts'));
    say();
    await call(client, 'preflight_fix', { file: 'src/webhooks/stripe.ts', ruleId: 'non-idempotent-handler', line: 13 }, '3. The webhook finding has no quick-fix');
    const explained = await callTool(client, 'preflight_explain', { ruleId: 'non-idempotent-handler' });
    say('### 4. It reads the rule');
    say();
    say(fenced(JSON.stringify({ method: 'tools/call', params: { name: 'preflight_explain', arguments: { ruleId: 'non-idempotent-handler' } } }, null, 2), 'json'));
    say();
    const docs = textOf(explained);
    const story = docs.slice(0, docs.indexOf('\n## Examples'));
    say(`Answer (the rule's docs, ${docs.length} characters; up to its examples):`);
    say();
    say(fenced(story, 'markdown'));
    say();
    writeFiles(repo, { 'src/webhooks/stripe.ts': DEDUPLICATED_WEBHOOK });
    say('The agent records each event id in the same transaction as the order, and answers a redelivery (a duplicate id) with 200:');
    say();
    say(fenced(DEDUPLICATED_WEBHOOK, 'ts'));
    say();
    await call(client, 'preflight_check', {}, '5. It checks again before saying "done"');
    await call(client, 'preflight_check', { paths: ['src/nowhere.ts'] }, 'An error an agent can act on');
  } finally {
    await client.close();
    cleanUp(repo);
  }
  const text = `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
  const target = process.argv[2];
  if (target) fs.writeFileSync(target, text);
  else process.stdout.write(text);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
