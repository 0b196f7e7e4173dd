import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, MarkupKind, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { findRule } from 'preflight-server';
import { ruleDocUrl } from 'preflight-server/out/docs/links';
import { sentences } from 'preflight-server/out/docs/short-form';
import {
  LspTestClient,
  applyEdits,
  defaultCapabilities,
  fileUri,
  makeTempWorkspace,
  rangeOf,
  type StartOptions,
} from './lsp-client';

const RULE = 'missing-timeout';

/** A handler with one outbound call that has no timeout. */
const HANDLER = [
  'export async function loadInvoice(url: string) {',
  '  const response = await fetch(url);',
  '  return response.json();',
  '}',
  '',
].join('\n');

function ruleDiagnostics(diagnostics: Diagnostic[], ruleId = RULE): Diagnostic[] {
  return diagnostics.filter((diagnostic) => diagnostic.code === ruleId);
}

function describeDiagnostics(diagnostics: Diagnostic[]): string {
  return JSON.stringify(diagnostics.map((d) => ({ code: d.code, line: d.range.start.line, message: messageText(d) })));
}

function messageText(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

async function startIn(workspace: string, options: Omit<StartOptions, 'workspaceFolders'> = {}): Promise<LspTestClient> {
  return LspTestClient.start({ workspaceFolders: [workspace], ...options });
}

describe('language server over stdio (real server process)', function () {
  this.timeout(60_000);
  let workspace: string;
  let client: LspTestClient;
  let fileCounter = 0;

  /** A fresh file URI in the workspace, so that tests do not see each other's documents. */
  function newUri(name = 'handler'): string {
    return fileUri(path.join(workspace, 'src', `${name}-${++fileCounter}.ts`));
  }

  async function openHandler(text = HANDLER): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = newUri();
    await client.open(uri, text);
    const published = await client.diagnosticsForVersion(uri, 1);
    return { uri, diagnostics: published.diagnostics };
  }

  before(async () => {
    workspace = makeTempWorkspace();
    client = await startIn(workspace);
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('advertises incremental sync with didSave, hover, quick fixes, fix-all and the show-docs command', () => {
    const capabilities = client.initializeResult.capabilities;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.preflight'] });
    assert.deepEqual(capabilities.executeCommandProvider?.commands, ['preflight.showRuleDocs']);
    assert.equal(capabilities.diagnosticProvider, undefined, 'a push-only client must not be offered pull diagnostics');
  });

  it('registers a watcher for preflight.config.json with a client that supports it', async () => {
    const watcherRegistration = () => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    await client.waitUntil(() => watcherRegistration() !== undefined, 'client/registerCapability for file watching');
    const registration = watcherRegistration()!;
    assert.match(JSON.stringify(registration.registerOptions), /preflight\.config\.json/);
  });

  it('publishes a diagnostic for fetch(url) on didOpen with source, code, docs link, severity and the callee range', async () => {
    const { uri, diagnostics } = await openHandler();
    const found = ruleDiagnostics(diagnostics);
    assert.equal(found.length, 1, `expected one ${RULE} diagnostic, got ${describeDiagnostics(diagnostics)}`);
    const [diagnostic] = found;
    assert.equal(diagnostic.source, 'preflight');
    assert.equal(diagnostic.code, RULE);
    assert.equal(diagnostic.codeDescription?.href, ruleDocUrl(RULE));
    assert.ok(diagnostic.codeDescription.href.endsWith(`/docs/rules/${RULE}.md`));
    assert.equal(diagnostic.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(diagnostic.range, rangeOf(HANDLER, 'fetch'), 'the range is the callee, not the arguments');
    assert.ok(messageText(diagnostic).length > 0);
    assert.equal(client.lastPublished(uri)?.version, 1);
  });

  it('hovers with the message once, why it fails in at most three sentences, the fix in at most three lines and the docs link; null elsewhere', async () => {
    const { uri, diagnostics } = await openHandler();
    const [diagnostic] = ruleDiagnostics(diagnostics);
    assert.ok(diagnostic, `no ${RULE} diagnostic to hover: ${describeDiagnostics(diagnostics)}`);
    const meta = findRule(RULE)!.meta;

    const inside = { line: diagnostic.range.start.line, character: diagnostic.range.start.character + 2 };
    const hover = await client.hover(uri, inside);
    assert.ok(hover, 'expected a hover on the finding');
    const contents = hover.contents as MarkupContent;
    assert.equal(contents.kind, MarkupKind.Markdown);
    const text = contents.value;
    const message = messageText(diagnostic);
    assert.equal(text.split(message).length - 1, 1, `the hover must hold the message exactly once:\n${text}`);

    const why = /\*\*Why it fails in production:\*\* (.+)/.exec(text);
    assert.ok(why, `no "Why it fails in production" in the hover:\n${text}`);
    assert.equal(why[1], meta.summary, 'the explanation is the rule metadata\'s summary');
    assert.ok(sentences(why[1]!).length <= 3, `more than three sentences: ${why[1]}`);

    const fix = /\*\*Fix:\*\*\n((?:- .*(?:\n|$))+)/.exec(text);
    assert.ok(fix, `no "Fix" in the hover:\n${text}`);
    const fixLines = fix[1]!.trim().split('\n');
    assert.ok(fixLines.length >= 1 && fixLines.length <= 3, `the fix takes ${fixLines.length} lines`);
    assert.deepEqual(fixLines, meta.shortFix!.split('\n').map((line) => `- ${line}`));

    assert.ok(text.includes(`](${ruleDocUrl(RULE)})`), 'hover lacks the docs link');
    assert.ok(!text.includes(meta.explanation.trim().slice(0, 60)), 'the full story is behind the link, not in the hover');
    assert.ok(text.split(/\s+/).length < 150, `the hover runs to ${text.split(/\s+/).length} words`);
    assert.deepEqual(hover.range, diagnostic.range);

    assert.equal(await client.hover(uri, { line: 0, character: 3 }), null, 'hover on `export` should be empty');
    assert.equal(await client.hover(uri, { line: 2, character: 4 }), null, 'hover on `return` should be empty');
    assert.equal(await client.hover(uri, diagnostic.range.end), null, 'the range end is exclusive');
  });

  it('offers the timeout quick fix as the preferred action; applied as an incremental change it clears the finding', async () => {
    const { uri, diagnostics } = await openHandler();
    const [diagnostic] = ruleDiagnostics(diagnostics);
    assert.ok(diagnostic, `no ${RULE} diagnostic: ${describeDiagnostics(diagnostics)}`);

    const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    const fix = actions.find((action) => action.isPreferred);
    assert.ok(fix, `no preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(fix.kind, 'quickfix');
    assert.match(fix.title, /timeout/i);
    assert.ok(fix.edit, 'the fix carries a WorkspaceEdit');
    assert.deepEqual(fix.diagnostics?.map((d) => d.code), [RULE]);

    const version = await client.applyWorkspaceEdit(uri, fix.edit);
    assert.notEqual(client.text(uri), HANDLER, 'the fix changed nothing');
    const after = await client.diagnosticsForVersion(uri, version);
    assert.deepEqual(
      ruleDiagnostics(after.diagnostics),
      [],
      `after the fix:\n${client.text(uri)}\nstill: ${describeDiagnostics(after.diagnostics)}`,
    );
  });

  it('offers "Disable <rule> for this line", which inserts an indented suppression comment with a placeholder reported until replaced', async () => {
    const { uri, diagnostics } = await openHandler();
    const [diagnostic] = ruleDiagnostics(diagnostics);
    assert.ok(diagnostic, `no ${RULE} diagnostic: ${describeDiagnostics(diagnostics)}`);

    const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    const disable = actions.find((action) => action.title === `Disable ${RULE} for this line`);
    assert.ok(disable?.edit, `no disable action among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(disable.isPreferred, undefined);

    const version = await client.applyWorkspaceEdit(uri, disable.edit);
    const lines = client.text(uri).split('\n');
    assert.equal(lines[1], `  // preflight-disable-next-line ${RULE} -- <why this is safe here>`);
    assert.equal(lines[2], '  const response = await fetch(url);');

    const after = await client.diagnosticsForVersion(uri, version);
    assert.deepEqual(ruleDiagnostics(after.diagnostics), [], `still: ${describeDiagnostics(after.diagnostics)}`);
    const reasonless = ruleDiagnostics(after.diagnostics, 'suppression-without-reason');
    assert.equal(reasonless.length, 1, `the inserted placeholder is not a reason: ${describeDiagnostics(after.diagnostics)}`);
    assert.match(messageText(reasonless[0]!), /placeholder/);
    assert.equal(reasonless[0]!.range.start.line, 1);

    const reasonRange = rangeOf(client.text(uri), '<why this is safe here>');
    const replaced = await client.change(uri, [{ range: reasonRange, text: 'in-cluster sidecar, 50ms p99' }]);
    const withReason = await client.diagnosticsForVersion(uri, replaced);
    assert.deepEqual(withReason.diagnostics, [], `a real reason clears it: ${describeDiagnostics(withReason.diagnostics)}`);
  });

  it('inserts the suppression as a snippet with the reason placeholder selected for a client that takes snippet edits', async () => {
    const capabilities = defaultCapabilities();
    capabilities.workspace!.workspaceEdit = { documentChanges: true, snippetEditSupport: true };
    const snippetClient = await startIn(workspace, { capabilities });
    try {
      const uri = newUri('snippet');
      await snippetClient.open(uri, HANDLER);
      const [diagnostic] = ruleDiagnostics((await snippetClient.diagnosticsForVersion(uri, 1)).diagnostics);
      assert.ok(diagnostic);
      const actions = await snippetClient.codeActions(uri, diagnostic.range, [diagnostic]);
      const disable = actions.find((action) => action.title === `Disable ${RULE} for this line`);
      const change = disable?.edit?.documentChanges?.[0];
      assert.ok(change && 'edits' in change, JSON.stringify(disable));
      assert.deepEqual(change.edits, [
        {
          range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
          snippet: { kind: 'snippet', value: `  // preflight-disable-next-line ${RULE} -- \${1:<why this is safe here>}\n` },
        },
      ]);
    } finally {
      await snippetClient.dispose();
    }
  });

  it("selects a fix's placeholder as a snippet tab stop for a client that takes snippet edits, and writes it as plain text for others", async () => {
    const payment = [
      "import Stripe from 'stripe';",
      "const stripe = new Stripe('sk_test');",
      'export async function pay(amount: number) {',
      "  return stripe.charges.create({ amount, currency: 'usd' });",
      '}',
      '',
    ].join('\n');
    const title = 'Add an idempotency key (fill in a stable id of the operation)';
    const placeholder = "'<stable id of this charge>'";
    const capabilities = defaultCapabilities();
    capabilities.workspace!.workspaceEdit = { documentChanges: true, snippetEditSupport: true };
    const snippetClient = await startIn(workspace, { capabilities });
    try {
      const uri = newUri('payment');
      await snippetClient.open(uri, payment);
      const [diagnostic] = ruleDiagnostics((await snippetClient.diagnosticsForVersion(uri, 1)).diagnostics, 'missing-idempotency-key');
      assert.ok(diagnostic);
      const actions = await snippetClient.codeActions(uri, diagnostic.range, [diagnostic]);
      const change = actions.find((action) => action.title === title)?.edit?.documentChanges?.[0];
      assert.ok(change && 'edits' in change, JSON.stringify(actions.map((a) => a.title)));
      const [edit] = change.edits;
      assert.ok(edit && 'snippet' in edit, JSON.stringify(change.edits));
      // The snippet grammar escapes `$`, `}` and `\\` outside the tab stop.
      assert.equal(edit.snippet.value, ', { idempotencyKey: `charge-\\${${1:' + placeholder + '}\\}` \\}');
    } finally {
      await snippetClient.dispose();
    }

    const uri = newUri('payment-plain');
    await client.open(uri, payment);
    const [diagnostic] = ruleDiagnostics((await client.diagnosticsForVersion(uri, 1)).diagnostics, 'missing-idempotency-key');
    assert.ok(diagnostic);
    const plain = (await client.codeActions(uri, diagnostic.range, [diagnostic])).find((action) => action.title === title);
    assert.ok(plain?.edit);
    const version = await client.applyWorkspaceEdit(uri, plain.edit);
    assert.ok(client.text(uri).includes(`{ idempotencyKey: \`charge-\${${placeholder}}\` }`), client.text(uri));
    const after = ruleDiagnostics((await client.diagnosticsForVersion(uri, version)).diagnostics, 'missing-idempotency-key');
    assert.equal(after.length, 1, 'the placeholder is reported until replaced');
    assert.match(messageText(after[0]!), /placeholder/);
  });

  it('offers "Show documentation", which the server opens through window/showDocument', async () => {
    const { uri, diagnostics } = await openHandler();
    const [diagnostic] = ruleDiagnostics(diagnostics);
    assert.ok(diagnostic, `no ${RULE} diagnostic: ${describeDiagnostics(diagnostics)}`);
    const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    const docs = actions.find((action) => action.title === `Show documentation for ${RULE}`);
    assert.ok(docs?.command, `no docs action among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(docs.command.command, 'preflight.showRuleDocs');

    const before = client.shownDocuments.length;
    await client.executeCommand(docs.command.command, docs.command.arguments ?? []);
    assert.deepEqual(client.shownDocuments.slice(before).map((shown) => shown.uri), [ruleDocUrl(RULE)]);
  });

  it('answers code actions from its own analysis when the client sends no diagnostics', async () => {
    const { uri, diagnostics } = await openHandler();
    const [diagnostic] = ruleDiagnostics(diagnostics);
    assert.ok(diagnostic, `no ${RULE} diagnostic: ${describeDiagnostics(diagnostics)}`);
    const cursor = { start: diagnostic.range.start, end: diagnostic.range.start };
    const titles = (await client.codeActions(uri, cursor, [])).map((action) => action.title);
    assert.ok(titles.includes(`Disable ${RULE} for this line`), JSON.stringify(titles));
    const elsewhere = await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, []);
    assert.deepEqual(elsewhere, []);
  });

  it('publishes new diagnostics when a change introduces a problem', async () => {
    const clean = 'export function add(a: number, b: number) {\n  return a + b;\n}\n';
    const { uri, diagnostics } = await openHandler(clean);
    assert.deepEqual(diagnostics, []);

    const end = { line: 3, character: 0 };
    const added = 'export async function ping(host: string) {\n  await fetch(host);\n}\n';
    const version = await client.change(uri, [{ range: { start: end, end }, text: added }]);
    const after = await client.diagnosticsForVersion(uri, version);
    const found = ruleDiagnostics(after.diagnostics);
    assert.equal(found.length, 1, describeDiagnostics(after.diagnostics));
    assert.deepEqual(found[0].range, rangeOf(client.text(uri), 'fetch'));
  });

  it('publishes only the newest version after rapid successive changes', async () => {
    const { uri } = await openHandler();
    const firstChange = client.published.length;
    const insertAt = { line: 2, character: 0 };
    let version = 0;
    for (let i = 0; i < 6; i++) {
      version = await client.change(uri, [{ range: { start: insertAt, end: insertAt }, text: `  await fetch(url + '/${i}');\n` }]);
    }
    const latest = await client.diagnosticsForVersion(uri, version);
    assert.equal(ruleDiagnostics(latest.diagnostics).length, 7, describeDiagnostics(latest.diagnostics));

    // Anything still in flight would arrive within a few debounce periods.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const publishedSince = client.published.slice(firstChange).filter((params) => params.uri === uri);
    assert.deepEqual(
      publishedSince.map((params) => params.version),
      [version],
      'stale versions must never be published, and the newest exactly once',
    );
  });

  it('clears diagnostics when the document closes', async () => {
    const { uri, diagnostics } = await openHandler();
    assert.ok(ruleDiagnostics(diagnostics).length > 0);
    await client.close(uri);
    const cleared = await client.waitForDiagnostics(uri, (params) => params.diagnostics.length === 0, 'cleared on close');
    assert.deepEqual(cleared.diagnostics, []);
    assert.equal(await client.hover(uri, { line: 1, character: 25 }), null);
  });

  it('does not analyse other languages or declaration files', async () => {
    const markdown = fileUri(path.join(workspace, 'README.md'));
    await client.open(markdown, 'await fetch(url);\n', 'markdown');
    const declarations = fileUri(path.join(workspace, 'src', 'types.d.ts'));
    await client.open(declarations, 'declare function f(): void;\nfetch(url);\n', 'typescript');
    // A real document afterwards: once its diagnostics arrive, the others would have been analysed too.
    await openHandler();
    assert.equal(client.lastPublished(markdown), undefined);
    assert.equal(client.lastPublished(declarations), undefined);
    assert.equal(await client.hover(markdown, { line: 0, character: 8 }), null);
  });

  it('analyses unsaved (untitled:) JavaScript documents', async () => {
    const uri = 'untitled:Untitled-1';
    await client.open(uri, 'async function go(u) {\n  return fetch(u);\n}\n', 'javascript');
    const published = await client.diagnosticsForVersion(uri, 1);
    assert.equal(ruleDiagnostics(published.diagnostics).length, 1, describeDiagnostics(published.diagnostics));
  });

  it('tells the client how many files it is analysing (preflight/status), and when it is idle again', async () => {
    await client.waitUntil(() => client.statuses.at(-1) === 0 || client.statuses.length === 0, 'the server to be idle');
    const before = client.statuses.length;
    const uris = [newUri(), newUri(), newUri()];
    await Promise.all(uris.map((uri) => client.open(uri, HANDLER)));
    await Promise.all(uris.map((uri) => client.diagnosticsForVersion(uri, 1)));
    await client.waitUntil(() => client.statuses.length > before && client.statuses.at(-1) === 0, 'preflight/status back to 0');
    const seen = client.statuses.slice(before);
    assert.ok(Math.max(...seen) >= 1, `never busy: ${JSON.stringify(seen)}`);
    assert.ok(seen.every((count) => count >= 0 && count <= uris.length), `counts out of range: ${JSON.stringify(seen)}`);
    assert.ok(seen.slice(1).every((count, i) => count !== seen[i]), `repeated counts: ${JSON.stringify(seen)}`);
  });

  it('answers preflight/stats with the memory and analysis figures', async () => {
    const stats = await client.request<{ rssBytes: number; analysesCompleted: number; diagnosticsMode: string }>(
      'preflight/stats',
    );
    assert.ok(stats.rssBytes > 0);
    assert.ok(stats.analysesCompleted > 0);
    assert.equal(stats.diagnosticsMode, 'push');
  });

  it('survives a file that does not parse and keeps answering', async () => {
    const broken = 'export async function (url {\n  const x = await fetch(url;\n  if (\n}}}\n';
    const uri = newUri('broken');
    await client.open(uri, broken);
    await client.diagnosticsForVersion(uri, 1);
    const { diagnostics } = await openHandler();
    assert.equal(ruleDiagnostics(diagnostics).length, 1, 'the server still analyses other files');
    assert.ok(client.process.exitCode === null, 'the server process is still running');
  });

  it('does not analyse a file over the size limit, says so once, and keeps answering', async () => {
    const chunk = 'export const value = "' + 'x'.repeat(1_000) + '"; fetch(url);\n';
    const huge = chunk.repeat(1_100);
    assert.ok(Buffer.byteLength(huge) > 1_000_000);
    const uri = newUri('huge');
    await client.open(uri, huge);
    const published = await client.diagnosticsForVersion(uri, 1);
    assert.deepEqual(published.diagnostics, []);

    const end = { line: 1_100, character: 0 };
    const version = await client.change(uri, [{ range: { start: end, end }, text: '// more\n' }]);
    await client.diagnosticsForVersion(uri, version);
    const notices = client.logMessages.filter((message) => message.includes(uri) && /larger than/.test(message));
    assert.equal(notices.length, 1, `expected one log line about the size, got ${JSON.stringify(notices)}`);

    const { diagnostics } = await openHandler();
    assert.equal(ruleDiagnostics(diagnostics).length, 1, 'the server still analyses other files');
  });

  it("says what the package's unhandledRejection handler (in another file, on disk) does with a floating promise", async () => {
    const folder = path.join(workspace, 'svc');
    fs.mkdirSync(path.join(folder, 'src'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'package.json'), '{ "name": "svc" }\n');
    fs.writeFileSync(path.join(folder, 'src', 'main.ts'), "process.on('unhandledRejection', (reason) => console.error(reason));\n");
    const uri = fileUri(path.join(folder, 'src', 'jobs.ts'));
    await client.open(uri, 'declare function sync(): Promise<void>;\nexport function run() {\n  sync();\n}\n');
    const published = await client.diagnosticsForVersion(uri, 1);
    const floating = published.diagnostics.filter((d) => d.code === 'floating-promise');
    assert.equal(floating.length, 1, describeDiagnostics(published.diagnostics));
    assert.match(messageText(floating[0]!), /only reaches the process's unhandledRejection handler \(main\.ts:1\): it is logged without this caller's context/);
  });

  it("reads where the package handles SIGTERM (another file, on disk) before flagging a server's listen call", async () => {
    const handled = path.join(workspace, 'api-handled');
    const unhandled = path.join(workspace, 'api-unhandled');
    for (const folder of [handled, unhandled]) {
      fs.mkdirSync(path.join(folder, 'src'), { recursive: true });
      fs.writeFileSync(path.join(folder, 'package.json'), '{ "name": "api" }\n');
    }
    fs.writeFileSync(path.join(handled, 'src', 'shutdown.ts'), "process.on('SIGTERM', () => process.exit(0));\n");
    const server = "import express from 'express';\nconst app = express();\nexport const server = app.listen(3000);\n";
    const shutdownDiagnostics = async (folder: string) => {
      const uri = fileUri(path.join(folder, 'src', 'main.ts'));
      await client.open(uri, server);
      const published = await client.diagnosticsForVersion(uri, 1);
      return published.diagnostics.filter((d) => d.code === 'missing-graceful-shutdown');
    };
    assert.equal((await shutdownDiagnostics(handled)).length, 0);
    assert.equal((await shutdownDiagnostics(unhandled)).length, 1);
  });

  it('shuts down and exits with code 0', async () => {
    const ownWorkspace = makeTempWorkspace();
    const own = await startIn(ownWorkspace);
    try {
      assert.equal(await own.shutdown(), 0);
    } finally {
      fs.rmSync(ownWorkspace, { recursive: true, force: true });
    }
  });
});

describe('language server configuration (real server process)', function () {
  this.timeout(60_000);
  let workspace: string;
  let client: LspTestClient | undefined;

  beforeEach(() => {
    workspace = makeTempWorkspace();
    fs.mkdirSync(path.join(workspace, 'src'));
  });

  afterEach(async () => {
    await client?.dispose();
    client = undefined;
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  function writeConfig(config: unknown): string {
    const file = path.join(workspace, 'preflight.config.json');
    fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
    return file;
  }

  async function openIn(c: LspTestClient, name = 'handler.ts', text = HANDLER): Promise<string> {
    const uri = fileUri(path.join(workspace, 'src', name));
    await c.open(uri, text);
    return uri;
  }

  const hasFinding = (params: { diagnostics: Diagnostic[] }): boolean => ruleDiagnostics(params.diagnostics).length > 0;
  const hasNoFinding = (params: { diagnostics: Diagnostic[] }): boolean => !hasFinding(params);

  it('honours preflight.config.json at start and when it changes, without a restart', async () => {
    writeConfig({ rules: { [RULE]: 'error' } });
    client = await startIn(workspace);
    const uri = await openIn(client);
    const first = await client.diagnosticsForVersion(uri, 1);
    assert.equal(ruleDiagnostics(first.diagnostics)[0]?.severity, DiagnosticSeverity.Error, describeDiagnostics(first.diagnostics));

    const configFile = writeConfig({ rules: { [RULE]: 'off' } });
    await client.watchedFilesChanged([{ uri: fileUri(configFile), type: 2 }]);
    await client.waitForDiagnostics(uri, hasNoFinding, `${RULE} turned off by the config file`);

    writeConfig({ rules: {} });
    await client.watchedFilesChanged([{ uri: fileUri(configFile), type: 2 }]);
    const back = await client.waitForDiagnostics(uri, hasFinding, `${RULE} back at its default`);
    assert.equal(ruleDiagnostics(back.diagnostics)[0].severity, DiagnosticSeverity.Warning);
  });

  it('publishes a broken config as a diagnostic on the config file and keeps analysing with defaults', async () => {
    const configFile = writeConfig('{ "rules": { "missing-timeout": "loud" } }');
    client = await startIn(workspace);
    const configUri = fileUri(configFile);
    const problems = await client.waitForDiagnostics(configUri, (p) => p.diagnostics.length > 0, 'config problems');
    assert.equal(problems.diagnostics[0].source, 'preflight');
    assert.equal(problems.diagnostics[0].severity, DiagnosticSeverity.Error);
    assert.match(messageText(problems.diagnostics[0]), /loud|severity/i);

    const uri = await openIn(client);
    const published = await client.diagnosticsForVersion(uri, 1);
    assert.equal(ruleDiagnostics(published.diagnostics).length, 1, 'analysis goes on with the default severity');

    writeConfig({ rules: { [RULE]: 'off' } });
    await client.watchedFilesChanged([{ uri: configUri, type: 2 }]);
    await client.waitForDiagnostics(configUri, (p) => p.diagnostics.length === 0, 'config problems cleared once fixed');
    await client.waitForDiagnostics(uri, hasNoFinding, 'the fixed config applied');
  });

  it('watches the config file itself when the client cannot register watchers', async () => {
    const capabilities = defaultCapabilities();
    capabilities.workspace!.didChangeWatchedFiles = { dynamicRegistration: false };
    client = await startIn(workspace, { capabilities });
    const uri = await openIn(client);
    await client.waitForDiagnostics(uri, hasFinding, 'the initial finding', { includePast: true });
    writeConfig({ rules: { [RULE]: 'off' } });
    await client.waitForDiagnostics(uri, hasNoFinding, `${RULE} turned off by a config file nobody announced`);
  });

  it('applies preflight.* settings pulled through workspace/configuration, again on didChangeConfiguration', async () => {
    let settings: unknown = { rules: {} };
    const capabilities = defaultCapabilities();
    capabilities.workspace!.configuration = true;
    client = await startIn(workspace, {
      capabilities,
      settings: (item) => (item.section === 'preflight' ? settings : null),
    });
    const uri = await openIn(client);
    await client.waitForDiagnostics(uri, hasFinding, 'the initial finding', { includePast: true });

    settings = { rules: { [RULE]: 'off' } };
    await client.configurationChanged(null);
    await client.waitForDiagnostics(uri, hasNoFinding, `${RULE} turned off by preflight.rules`);

    settings = { rules: { [RULE]: 'hint' } };
    await client.configurationChanged(null);
    const back = await client.waitForDiagnostics(uri, hasFinding, `${RULE} back as a hint`);
    assert.equal(ruleDiagnostics(back.diagnostics)[0].severity, DiagnosticSeverity.Hint);
  });

  it('applies settings pushed in didChangeConfiguration when the client has no workspace/configuration', async () => {
    client = await startIn(workspace);
    const uri = await openIn(client);
    await client.waitForDiagnostics(uri, hasFinding, 'the initial finding', { includePast: true });
    await client.configurationChanged({ preflight: { rules: { [RULE]: 'off' } } });
    await client.waitForDiagnostics(uri, hasNoFinding, `${RULE} turned off by pushed settings`);
  });

  it('applies settings from initializationOptions over the config file', async () => {
    writeConfig({ rules: { [RULE]: 'off' } });
    client = await startIn(workspace, { initializationOptions: { rules: { [RULE]: 'error' } } });
    const uri = await openIn(client);
    const published = await client.diagnosticsForVersion(uri, 1);
    assert.equal(ruleDiagnostics(published.diagnostics)[0]?.severity, DiagnosticSeverity.Error, describeDiagnostics(published.diagnostics));
  });

  it('does not report files matched by the config ignore globs', async () => {
    writeConfig({ ignore: ['src/generated/**'] });
    client = await startIn(workspace);
    const ignored = fileUri(path.join(workspace, 'src', 'generated', 'client.ts'));
    await client.open(ignored, HANDLER);
    const ignoredPublished = await client.diagnosticsForVersion(ignored, 1);
    assert.deepEqual(ignoredPublished.diagnostics, []);
    const uri = await openIn(client);
    const published = await client.diagnosticsForVersion(uri, 1);
    assert.equal(ruleDiagnostics(published.diagnostics).length, 1, 'files outside the ignore globs are analysed');
  });

  /** A package whose e2e test imports a client module that nothing else imports. */
  function writeE2eProject(): { spec: string; client: string; server: string } {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'api', main: 'dist/index.js' }),
      'e2e/app.e2e-spec.ts': "import { loadInvoice } from '../src/testing/api-client';\nvoid loadInvoice;\n",
      'src/testing/api-client.ts': HANDLER,
      'src/index.ts': "export const ready = true;\n",
    };
    for (const [relative, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(workspace, relative)), { recursive: true });
      fs.writeFileSync(path.join(workspace, relative), content);
    }
    return {
      spec: path.join(workspace, 'e2e', 'app.e2e-spec.ts'),
      client: path.join(workspace, 'src', 'testing', 'api-client.ts'),
      server: path.join(workspace, 'src', 'index.ts'),
    };
  }

  it('does not report test code: an opened e2e spec, or a module only e2e tests import (as preflight check)', async () => {
    const { spec, client: clientModule } = writeE2eProject();
    client = await startIn(workspace);
    const specUri = fileUri(spec);
    await client.open(specUri, HANDLER);
    assert.deepEqual((await client.diagnosticsForVersion(specUri, 1)).diagnostics, []);
    const clientUri = fileUri(clientModule);
    await client.open(clientUri, HANDLER);
    assert.deepEqual((await client.diagnosticsForVersion(clientUri, 1)).diagnostics, [], 'imported only by the e2e spec: test support');
    const uri = await openIn(client);
    assert.equal(ruleDiagnostics((await client.diagnosticsForVersion(uri, 1)).diagnostics).length, 1, 'production code is still analysed');
  });

  it('analyses test code with "tests": { "analyze": true }', async () => {
    const { spec } = writeE2eProject();
    writeConfig({ tests: { analyze: true } });
    client = await startIn(workspace);
    const specUri = fileUri(spec);
    await client.open(specUri, HANDLER);
    assert.equal(ruleDiagnostics((await client.diagnosticsForVersion(specUri, 1)).diagnostics).length, 1);
  });

  it('re-checks an open test-support module when production code starts importing it (didChangeWatchedFiles)', async () => {
    const { client: clientModule, server } = writeE2eProject();
    client = await startIn(workspace);
    const clientUri = fileUri(clientModule);
    await client.open(clientUri, HANDLER);
    assert.deepEqual((await client.diagnosticsForVersion(clientUri, 1)).diagnostics, []);
    fs.appendFileSync(server, "export { loadInvoice } from './testing/api-client';\n");
    await client.watchedFilesChanged([{ uri: fileUri(server), type: 2 }]);
    await client.waitForDiagnostics(clientUri, hasFinding, 'a finding once production code imports the module');
  });

  it('applies each workspace folder its own config file', async () => {
    const other = makeTempWorkspace();
    try {
      fs.writeFileSync(path.join(other, 'preflight.config.json'), JSON.stringify({ rules: { [RULE]: 'off' } }));
      client = await LspTestClient.start({ workspaceFolders: [workspace, other] });
      const here = await openIn(client);
      const there = fileUri(path.join(other, 'handler.ts'));
      await client.open(there, HANDLER);
      const herePublished = await client.diagnosticsForVersion(here, 1);
      const therePublished = await client.diagnosticsForVersion(there, 1);
      assert.equal(ruleDiagnostics(herePublished.diagnostics).length, 1);
      assert.deepEqual(ruleDiagnostics(therePublished.diagnostics), []);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('language server pull diagnostics (real server process)', function () {
  this.timeout(60_000);
  let workspace: string;
  let client: LspTestClient | undefined;

  before(async () => {
    workspace = makeTempWorkspace();
    const capabilities = defaultCapabilities();
    capabilities.textDocument!.diagnostic = { dynamicRegistration: false, relatedDocumentSupport: false };
    client = await startIn(workspace, { capabilities });
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('offers textDocument/diagnostic to a client that supports it and answers with the current version', async () => {
    assert.ok(client!.initializeResult.capabilities.diagnosticProvider, 'no diagnosticProvider');
    const uri = fileUri(path.join(workspace, 'handler.ts'));
    await client!.open(uri, HANDLER);
    const report = await client!.pullDiagnostics(uri);
    assert.equal(report.kind, 'full');
    const items = report.kind === 'full' ? report.items : [];
    assert.equal(ruleDiagnostics(items).length, 1, describeDiagnostics(items));

    const fixed = applyEdits(HANDLER, [{ range: rangeOf(HANDLER, 'fetch(url)'), newText: 'fetch(url, { signal: AbortSignal.timeout(5000) })' }]);
    const whole = { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } };
    await client!.change(uri, [{ range: whole, text: fixed }]);
    const after = await client!.pullDiagnostics(uri);
    assert.deepEqual(after.kind === 'full' ? ruleDiagnostics(after.items) : ['not full'], []);
    assert.equal(client!.lastPublished(uri), undefined, 'a pull client gets no pushed diagnostics');
  });
});
