// Benchmark: the real language server (over stdio) on a real file inside a real project, while editing.
//   npm run bench -- --lsp DIR FILE [--edits N]
// Opens FILE with DIR as the workspace root, then types a character into a function body and deletes it
// again, N times in all (500 by default), waiting for each edit's diagnostics; hovers calls and asks for
// code actions at findings between edits. Prints the figures beside the targets of issue 13; asserts nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import type { Diagnostic, Position } from 'vscode-languageserver-protocol';
import { DEFAULT_CONFIG } from 'preflight-server';
import { collectSourceFiles } from 'preflight-server/out/workspace';
import { LspTestClient, fileUri, positionAt } from '../server/lsp-client';

interface ServerStats {
  rssBytes: number;
  heapUsedBytes: number;
  projectFiles: number;
  analysesCompleted: number;
  analysesCancelled: number;
  lastAnalysisMs: number;
  heapCollections?: number;
  heapCollectionMs?: number;
}

interface Options {
  dir: string;
  file: string;
  edits: number;
}

const DEFAULT_EDITS = 500;
/** A hover and a code action request after every this many edits. */
const PROBE_EVERY = 2;

const TARGETS = { editP95: 150, hover: 30, codeAction: 60, firstDiagnostics: 1_000, rssGrowthPercent: 10 };

function parseArgs(args: readonly string[]): Options {
  const rest = args.filter((arg) => arg !== '--lsp');
  const editsAt = rest.indexOf('--edits');
  const edits = editsAt >= 0 ? Number(rest.splice(editsAt, 2)[1]) : DEFAULT_EDITS;
  const [dir, file] = rest;
  if (!dir || !file || !Number.isInteger(edits) || edits < 2) {
    throw new Error('usage: npm run bench -- --lsp DIR FILE [--edits N]');
  }
  const root = fs.realpathSync(path.resolve(dir));
  return { dir: root, file: fs.realpathSync(path.resolve(root, file)), edits };
}

/** Where typing happens: just after the first identifier of each statement in a function body. */
function typingPoints(source: ts.SourceFile): number[] {
  const points: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBlock(node) && ts.isFunctionLike(node.parent)) {
      for (const statement of node.statements) {
        const identifier = firstIdentifier(statement);
        if (identifier) points.push(identifier.getEnd());
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return points;
}

function firstIdentifier(node: ts.Node): ts.Identifier | undefined {
  if (ts.isIdentifier(node)) return node;
  return ts.forEachChild(node, firstIdentifier);
}

/** Hover positions: on the name of each call's callee. */
function callPositions(source: ts.SourceFile): number[] {
  const positions: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) positions.push(node.expression.getEnd() - 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return positions;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await action();
  return { ms: performance.now() - started, value };
}

interface Measurements {
  firstDiagnosticsMs: number;
  findings: number;
  edits: number[];
  analysis: number[];
  hovers: number[];
  hoversOnFindings: number;
  codeActions: number[];
  rss: { label: string; bytes: number; heapUsed: number }[];
  final: ServerStats;
}

async function measure(options: Options, text: string): Promise<Measurements> {
  const uri = fileUri(options.file);
  const source = ts.createSourceFile(options.file, text, ts.ScriptTarget.ES2022, true);
  const points = typingPoints(source);
  const calls = callPositions(source);
  if (points.length === 0) throw new Error(`${options.file} has no function body to type into`);

  const client = await LspTestClient.start({ workspaceFolders: [options.dir] });
  try {
    const opened = await timed(async () => {
      await client.open(uri, text);
      return client.waitForDiagnostics(uri, (p) => p.version === 1, 'the first diagnostics', { ms: 120_000 });
    });
    const stats = (): Promise<ServerStats> => client.request<ServerStats>('preflight/stats');
    const memory = async (label: string): Promise<Measurements['rss'][number]> => {
      const now = await stats();
      return { label, bytes: now.rssBytes, heapUsed: now.heapUsedBytes };
    };
    const rss = [await memory('after open')];
    const result: Measurements = {
      firstDiagnosticsMs: opened.ms,
      findings: opened.value.diagnostics.length,
      edits: [],
      analysis: [],
      hovers: [],
      hoversOnFindings: 0,
      codeActions: [],
      rss,
      final: await stats(),
    };
    let diagnostics: Diagnostic[] = opened.value.diagnostics;
    for (let edit = 0; edit < options.edits; edit++) {
      // Even edits type an `x` after an identifier, odd ones delete it: the text is the original after each pair.
      const offset = points[Math.floor(edit / 2) % points.length]!;
      const at = positionAt(text, offset);
      const change = edit % 2 === 0
        ? { range: { start: at, end: at }, text: 'x' }
        : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
      const published = await timed(async () => {
        const version = await client.change(uri, [change]);
        return client.waitForDiagnostics(uri, (p) => p.version === version, `diagnostics for edit ${edit}`, { ms: 60_000 });
      });
      result.edits.push(published.ms);
      result.analysis.push((await stats()).lastAnalysisMs);
      diagnostics = published.value.diagnostics;
      if (edit % PROBE_EVERY === 1) await probe(client, uri, text, calls, diagnostics, edit, result);
      if (edit + 1 === 100 && options.edits > 100) rss.push(await memory('after 100 edits'));
    }
    result.final = await stats();
    rss.push(await memory(`after ${options.edits} edits`));
    return result;
  } finally {
    await client.dispose();
  }
}

/** One hover on a call (every other one on a finding, when there are findings) and one code action at a finding. */
async function probe(
  client: LspTestClient,
  uri: string,
  text: string,
  calls: readonly number[],
  diagnostics: readonly Diagnostic[],
  edit: number,
  result: Measurements,
): Promise<void> {
  const round = Math.floor(edit / PROBE_EVERY);
  const finding = diagnostics.length > 0 ? diagnostics[round % diagnostics.length] : undefined;
  const position: Position = finding && round % 2 === 0 ? finding.range.start : positionAt(text, calls[round % Math.max(1, calls.length)] ?? 0);
  const hover = await timed(() => client.hover(uri, position));
  result.hovers.push(hover.ms);
  if (hover.value) result.hoversOnFindings++;
  if (finding) result.codeActions.push((await timed(() => client.codeActions(uri, finding.range, [finding]))).ms);
}

function row(label: string, value: string, target: string): string {
  return `  ${label.padEnd(44)}${value.padStart(22)}   target ${target}`;
}

function msPair(values: readonly number[]): string {
  return values.length === 0 ? 'n/a' : `p50 ${percentile(values, 50).toFixed(0)} / p95 ${percentile(values, 95).toFixed(0)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function report(options: Options, text: string, projectFiles: number, m: Measurements): void {
  const lines = text.split('\n').length;
  const start = m.rss[0]!.bytes;
  const end = m.rss[m.rss.length - 1]!.bytes;
  const growth = ((end - start) / start) * 100;
  console.log(`Preflight language server on ${path.relative(options.dir, options.file)} (${lines} lines) in ${options.dir}`);
  console.log(`  project: ${projectFiles} files preflight check analyses; ${m.final.projectFiles} files in the server's program`);
  console.log(`  findings on the file: ${m.findings}; ${m.edits.length} edits; ${m.hovers.length} hovers (${m.hoversOnFindings} on findings); ${m.codeActions.length} code action requests`);
  console.log(row('didOpen -> first publishDiagnostics', `${m.firstDiagnosticsMs.toFixed(0)} ms`, `<= ${TARGETS.firstDiagnostics} ms`));
  console.log(row('didChange -> publishDiagnostics', msPair(m.edits), `p95 <= ${TARGETS.editP95} ms`));
  console.log(row('  of which analysis (server side)', msPair(m.analysis), ''));
  console.log(row('hover', msPair(m.hovers), `<= ${TARGETS.hover} ms`));
  console.log(row('codeAction at a finding', msPair(m.codeActions), `<= ${TARGETS.codeAction} ms`));
  for (const { label, bytes, heapUsed } of m.rss) console.log(row(`server RSS ${label}`, `${mb(bytes)} (heap ${mb(heapUsed)})`, ''));
  console.log(row('server RSS growth over the edits', `${growth.toFixed(1)} %`, `< ${TARGETS.rssGrowthPercent} %`));
  console.log(`  analyses completed / cancelled: ${m.final.analysesCompleted} / ${m.final.analysesCancelled}; garbage collections the server asked for: ${m.final.heapCollections ?? 'n/a'} (${m.final.heapCollectionMs ?? 'n/a'} ms)`);
  const slowest = m.edits.map((ms, index) => ({ ms, index })).sort((a, b) => b.ms - a.ms).slice(0, 8);
  console.log(`  slowest edits: ${slowest.map(({ ms, index }) => `#${index} ${ms.toFixed(0)} ms`).join(', ')}`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const text = fs.readFileSync(options.file, 'utf8');
  const collected = await collectSourceFiles(['.'], options.dir, { root: options.dir, ignore: DEFAULT_CONFIG.ignore, tests: DEFAULT_CONFIG.tests });
  const measurements = await measure(options, text);
  report(options, text, collected.files.length, measurements);
}

main().catch((error) => {
  console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
