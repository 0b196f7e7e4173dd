import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { makeProject, preflightBin, writeFiles } from '../cli/helpers';
import type { AgentEdit } from 'preflight-server/out/mcp/fix-tool';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Preflight Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Preflight Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

export const PACKAGE_JSON = JSON.stringify({ name: 'shop-api', private: true, dependencies: { express: '^4.21.0', stripe: '^16.0.0', '@prisma/client': '^5.20.0' } }, null, 2) + '\n';

/** On main before the branch: a gap that is not part of the change. */
export const LEGACY_CLIENT = `export async function loadRates() {
  const response = await fetch('https://rates.example.com/today');
  return response.json();
}
`;

/** Added on the branch: an outbound call with no timeout. */
export const INVOICE_CLIENT = `export async function loadInvoice(id: string) {
  const response = await fetch(\`https://billing.example.com/invoices/\${id}\`);
  if (!response.ok) throw new Error(\`billing answered \${response.status}\`);
  return response.json();
}
`;

/** Added on the branch: a Stripe webhook that creates an order on every delivery, redeliveries included. */
export const STRIPE_WEBHOOK = `import express from 'express';
import Stripe from 'stripe';
import { PrismaClient } from '@prisma/client';

const stripe = new Stripe(process.env.STRIPE_KEY!);
const prisma = new PrismaClient();
export const app = express();

app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {
  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature']!, process.env.STRIPE_WEBHOOK_SECRET!);
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object;
    await prisma.order.create({ data: { sessionId: session.id, total: session.amount_total ?? 0 } });
  }
  res.sendStatus(200);
});
`;

/**
 * A git repository: main holds package.json and src/rates.ts (a finding outside the change);
 * the checked-out branch `feature` commits src/billing.ts and leaves src/webhooks/stripe.ts untracked.
 */
export function makeShopRepository(): string {
  const repo = makeProject({ 'package.json': PACKAGE_JSON, 'src/rates.ts': LEGACY_CLIENT });
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'base');
  git(repo, 'checkout', '--quiet', '-b', 'feature');
  writeFiles(repo, { 'src/billing.ts': INVOICE_CLIENT });
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'invoices');
  writeFiles(repo, { 'src/webhooks/stripe.ts': STRIPE_WEBHOOK });
  return repo;
}

/** An MCP client talking to `node server/bin/preflight.js mcp` in `cwd` over real stdio. */
export async function connectClient(cwd: string, extraArgs: string[] = []): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [preflightBin, 'mcp', ...extraArgs], cwd, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'preflight-test-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** An edit as preflight_fix returns it. */
export type AgentEditShape = AgentEdit;

/** Applies 1-based line/column edits to a file, last first, after checking each still covers its oldText. */
export function applyEdits(file: string, edits: readonly AgentEditShape[]): void {
  let text = fs.readFileSync(file, 'utf8');
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (line: number, column: number) => starts[line - 1]! + column - 1;
  const ordered = [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column));
  for (const edit of ordered) {
    const start = offset(edit.line, edit.column);
    const end = offset(edit.endLine, edit.endColumn);
    if (text.slice(start, end) !== edit.oldText) throw new Error(`edit at ${edit.line}:${edit.column} no longer covers ${JSON.stringify(edit.oldText)}`);
    text = text.slice(0, start) + edit.newText + text.slice(end);
  }
  fs.writeFileSync(file, text);
}

export function within(repo: string, relative: string): string {
  return path.join(repo, relative);
}
