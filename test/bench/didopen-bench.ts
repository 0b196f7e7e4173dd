// Benchmark: how quickly the real language server (over stdio) reports on a realistic
// 1,000-line TypeScript service file, cold and while editing. Prints figures; asserts nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspTestClient, fileUri, makeTempWorkspace } from '../server/lsp-client';

const TARGET_LINES = 1_000;
const WARM_EDITS = 15;

interface ServerStats {
  rssBytes: number;
  heapUsedBytes: number;
  analysesCompleted: number;
  analysesCancelled: number;
  lastAnalysisMs: number;
}

/** One Express-style handler module section: outbound calls, error handling, async work. */
function handlerSection(i: number): string[] {
  return [
    `// ---- orders ${i} ----`,
    `export async function getOrder${i}(req: Request, res: Response): Promise<void> {`,
    `  const id = String(req.params.id);`,
    `  try {`,
    `    const response = await fetch(\`\${BASE_URL}/orders/${i}/\${id}\`);`,
    `    if (!response.ok) {`,
    `      res.status(response.status).json({ error: 'upstream failed' });`,
    `      return;`,
    `    }`,
    `    const order = (await response.json()) as Order;`,
    `    const { data: customer } = await axios.get<Customer>(\`\${BASE_URL}/customers/\${order.customerId}\`);`,
    `    res.json({ ...order, customer });`,
    `  } catch (error) {`,
    `    logger.error({ err: error, orderId: id }, 'getOrder${i} failed');`,
    `    res.status(500).json({ error: 'internal' });`,
    `  }`,
    `}`,
    ``,
    `export async function syncOrder${i}(order: Order): Promise<number> {`,
    `  const payload = JSON.stringify({ id: order.id, total: order.total, step: ${i} });`,
    `  const result = await client.post('/sync', payload, { timeout: 5_000 });`,
    `  try {`,
    `    await fetch(\`\${BASE_URL}/audit\`, { method: 'POST', body: payload, signal: AbortSignal.timeout(2_000) });`,
    `  } catch {}`,
    `  return result.status;`,
    `}`,
    ``,
  ];
}

export function generateServiceFile(targetLines: number): string {
  const header = [
    `import axios from 'axios';`,
    `import type { Request, Response } from 'express';`,
    ``,
    `const BASE_URL = process.env.ORDERS_URL ?? 'http://orders.internal';`,
    `const client = axios.create({ baseURL: BASE_URL });`,
    `const logger = { error: (_fields: object, _message: string): void => undefined };`,
    ``,
    `interface Order { id: string; customerId: string; total: number }`,
    `interface Customer { id: string; name: string }`,
    ``,
  ];
  const lines = [...header];
  for (let i = 0; lines.length < targetLines; i++) lines.push(...handlerSection(i));
  return lines.slice(0, targetLines).join('\n') + '\n';
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function ms(value: number): string {
  return `${value.toFixed(0).padStart(6)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0).padStart(6)} MB`;
}

async function main(): Promise<void> {
  const workspace = makeTempWorkspace('preflight-bench-');
  const file = path.join(workspace, 'src', 'orders.ts');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = generateServiceFile(TARGET_LINES);
  fs.writeFileSync(file, text);
  const uri = fileUri(file);

  const spawnedAt = performance.now();
  const client = await LspTestClient.start({ workspaceFolders: [workspace] });
  const initializeMs = performance.now() - spawnedAt;
  try {
    const openedAt = performance.now();
    await client.open(uri, text);
    const cold = await client.waitForDiagnostics(uri, (p) => p.version === 1, 'the first diagnostics', { ms: 120_000 });
    const coldMs = performance.now() - openedAt;
    const coldStats = await client.request<ServerStats>('preflight/stats');

    // Warm: edit a string literal in a different handler each time (the file keeps its shape).
    const warm: number[] = [];
    const analysis: number[] = [];
    for (let edit = 0; edit < WARM_EDITS; edit++) {
      const current = client.text(uri);
      const needle = `step: ${edit}`;
      const offset = current.indexOf(needle);
      const line = current.slice(0, offset).split('\n').length - 1;
      const character = offset - (current.lastIndexOf('\n', offset - 1) + 1) + needle.length;
      const at = { line, character };
      const sentAt = performance.now();
      const version = await client.change(uri, [{ range: { start: at, end: at }, text: '0' }]);
      await client.waitForDiagnostics(uri, (p) => p.version === version, `diagnostics for edit ${edit}`, { ms: 60_000 });
      warm.push(performance.now() - sentAt);
      analysis.push((await client.request<ServerStats>('preflight/stats')).lastAnalysisMs);
    }
    const stats = await client.request<ServerStats>('preflight/stats');
    warm.sort((a, b) => a - b);
    analysis.sort((a, b) => a - b);

    const lines = text.split('\n').length - 1;
    console.log(`Preflight language server benchmark (${lines}-line TypeScript file, ${Buffer.byteLength(text)} bytes, stdio)`);
    console.log(`  findings on the file:                      ${cold.diagnostics.length}`);
    console.log(`  spawn -> initialize response:            ${ms(initializeMs)}`);
    console.log(`  cold: didOpen -> first publishDiagnostics: ${ms(coldMs)}   (analysis ${coldStats.lastAnalysisMs} ms)`);
    console.log(`  warm: didChange -> publishDiagnostics (${WARM_EDITS} edits, includes the 50 ms change debounce):`);
    console.log(`        median ${ms(percentile(warm, 50))}   p95 ${ms(percentile(warm, 95))}`);
    console.log(`  warm: analysis time alone (server side):`);
    console.log(`        median ${ms(percentile(analysis, 50))}   p95 ${ms(percentile(analysis, 95))}`);
    console.log(`  server RSS after cold open:              ${mb(coldStats.rssBytes)}`);
    console.log(`  server RSS after warm edits:             ${mb(stats.rssBytes)}   (heap used ${mb(stats.heapUsedBytes).trim()})`);
    console.log(`  analyses completed / cancelled:           ${stats.analysesCompleted} / ${stats.analysesCancelled}`);
  } finally {
    await client.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
