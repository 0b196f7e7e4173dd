import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigurationItem, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { LspTestClient, defaultCapabilities, fileUri, makeTempWorkspace, rangeOf, type StartOptions } from './lsp-client';
import { FIX_ALL_FIXTURE } from '../support/fix-all-fixture';
import { parses } from '../support/rule-tester';

const RULE = 'missing-timeout';
const FIX_ALL_KIND = 'source.fixAll.preflight';
const WHOLE_FILE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A handler with one outbound call that has no timeout. */
const HANDLER = ['export async function loadInvoice(url: string) {', '  const response = await fetch(url);', '  return response.json();', '}', ''].join('\n');

const codes = (params: { diagnostics: Diagnostic[] }): string[] => params.diagnostics.map((d) => String(d.code));
const hasFinding = (params: PublishDiagnosticsParams): boolean => codes(params).includes(RULE);
const isEmpty = (params: PublishDiagnosticsParams): boolean => params.diagnostics.length === 0;

/** Time for anything the server would still publish (several debounce periods). */
const quietPeriod = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_000));

describe('editor settings: preflight.enable, preflight.run, source.fixAll.preflight (real server process)', function () {
  this.timeout(60_000);
  let workspace: string;
  let client: LspTestClient | undefined;
  let counter = 0;

  beforeEach(() => {
    workspace = makeTempWorkspace();
    fs.mkdirSync(path.join(workspace, 'src'));
  });

  afterEach(async () => {
    await client?.dispose();
    client = undefined;
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** A server whose `preflight` settings are whatever `settings()` holds when it asks (workspace/configuration). */
  function startPulling(settings: (item: ConfigurationItem) => unknown, options: Omit<StartOptions, 'settings'> = {}): Promise<LspTestClient> {
    const capabilities = options.capabilities ?? defaultCapabilities();
    capabilities.workspace!.configuration = true;
    return LspTestClient.start({ workspaceFolders: [workspace], ...options, capabilities, settings: (item) => (item.section === 'preflight' ? settings(item) : null) });
  }

  async function openIn(c: LspTestClient, text = HANDLER, folder = workspace): Promise<string> {
    const uri = fileUri(path.join(folder, 'src', `file-${++counter}.ts`));
    await c.open(uri, text);
    return uri;
  }

  /**
   * Waits past the change debounce, then for the analysis of another document:
   * analyses run one at a time in the order they fall due, so any analysis a
   * change scheduled has been published by then.
   */
  async function analysedAfterDebounce(c: LspTestClient): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const marker = await openIn(c, 'export const marker = 1;\n');
    await c.diagnosticsForVersion(marker, 1);
  }

  describe('preflight.enable', () => {
    it('false clears the diagnostics and offers no code actions; true again re-analyses the open documents', async () => {
      let settings: Record<string, unknown> = { enable: true };
      client = await startPulling(() => settings);
      const uri = await openIn(client);
      const first = await client.waitForDiagnostics(uri, hasFinding, 'the initial finding', { includePast: true });
      const [diagnostic] = first.diagnostics;

      settings = { enable: false };
      await client.configurationChanged(null);
      await client.waitForDiagnostics(uri, isEmpty, 'diagnostics cleared by preflight.enable: false');
      assert.deepEqual(await client.codeActions(uri, diagnostic!.range, [diagnostic!]), [], 'no quick fixes while disabled');
      assert.deepEqual(await client.codeActions(uri, WHOLE_FILE, [], ['source.fixAll']), [], 'no fix-all while disabled');
      const edited = await client.change(uri, [{ range: WHOLE_FILE, text: '// edited\n' }]);
      assert.deepEqual((await client.diagnosticsForVersion(uri, edited)).diagnostics, [], 'changes are not reported either');

      settings = { enable: true };
      await client.configurationChanged(null);
      await client.waitForDiagnostics(uri, hasFinding, 'the finding back with preflight.enable: true');
    });

    it('false in initializationOptions (other editors): nothing is published, not even a broken config file', async () => {
      const configFile = path.join(workspace, 'preflight.config.json');
      fs.writeFileSync(configFile, '{ "rules": { "missing-timeout": "loud" } }');
      client = await LspTestClient.start({ workspaceFolders: [workspace], initializationOptions: { enable: false } });
      const uri = await openIn(client);
      assert.deepEqual((await client.diagnosticsForVersion(uri, 1)).diagnostics, []);
      await quietPeriod();
      assert.equal(client.lastPublished(fileUri(configFile))?.diagnostics.length ?? 0, 0, 'the config problem is not published in a disabled folder');
    });

    it('applies per workspace folder: disabled in one, enabled in the other', async () => {
      const other = makeTempWorkspace();
      try {
        fs.mkdirSync(path.join(other, 'src'));
        const capabilities = defaultCapabilities();
        capabilities.workspace!.configuration = true;
        client = await LspTestClient.start({
          workspaceFolders: [workspace, other],
          capabilities,
          settings: (item) => (item.section !== 'preflight' ? null : { enable: item.scopeUri !== fileUri(other) }),
        });
        const here = await openIn(client);
        const there = await openIn(client, HANDLER, other);
        await client.waitForDiagnostics(here, hasFinding, 'a finding in the enabled folder', { includePast: true });
        assert.deepEqual((await client.diagnosticsForVersion(there, 1)).diagnostics, []);
      } finally {
        fs.rmSync(other, { recursive: true, force: true });
      }
    });

    it('a value that is not a boolean is reported and ignored', async () => {
      client = await LspTestClient.start({ workspaceFolders: [workspace], initializationOptions: { enable: 'no', run: 'sometimes' } });
      const uri = await openIn(client);
      await client.waitForDiagnostics(uri, hasFinding, 'analysis with the defaults', { includePast: true });
      await client.waitUntil(
        () => client!.logMessages.some((m) => /preflight\.enable: must be true or false/.test(m) && /preflight\.run: must be "onType" or "onSave"/.test(m)),
        'a message naming both bad settings',
      );
    });
  });

  describe('preflight.run', () => {
    it('advertises didSave (without text: the changes hold it)', async () => {
      client = await LspTestClient.start({ workspaceFolders: [workspace] });
      assert.deepEqual(client.initializeResult.capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    });

    it('onSave: analysed on open and on didSave, not on each change', async () => {
      client = await startPulling(() => ({ run: 'onSave' }));
      const clean = 'export const ready = true;\n';
      const uri = await openIn(client, clean);
      assert.deepEqual((await client.diagnosticsForVersion(uri, 1)).diagnostics, [], 'analysed on open');

      const end = { line: 1, character: 0 };
      const edited = await client.change(uri, [{ range: { start: end, end }, text: HANDLER }]);
      await analysedAfterDebounce(client);
      assert.equal(client.lastPublished(uri)?.version, 1, 'a change alone is not analysed');

      await client.save(uri);
      const saved = await client.diagnosticsForVersion(uri, edited);
      assert.deepEqual(codes(saved), [RULE]);
    });

    it('onType (the default): a change is analysed without a save', async () => {
      client = await startPulling(() => ({ run: 'onType' }));
      const uri = await openIn(client, 'export const ready = true;\n');
      await client.diagnosticsForVersion(uri, 1);
      const end = { line: 1, character: 0 };
      const edited = await client.change(uri, [{ range: { start: end, end }, text: HANDLER }]);
      assert.deepEqual(codes(await client.diagnosticsForVersion(uri, edited)), [RULE]);
    });
  });

  describe('source.fixAll.preflight', () => {
    it('is registered as a code action kind', async () => {
      client = await LspTestClient.start({ workspaceFolders: [workspace] });
      assert.deepEqual(client.initializeResult.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', FIX_ALL_KIND] });
    });

    it('applies every batchable fix in one edit: the result parses, clears those findings, keeps the others, and a second fix-all has nothing to do', async () => {
      client = await LspTestClient.start({ workspaceFolders: [workspace] });
      const uri = await openIn(client, FIX_ALL_FIXTURE);
      const before = await client.diagnosticsForVersion(uri, 1);
      assert.deepEqual(codes(before), ['swallowed-error', 'swallowed-error', RULE]);

      for (const only of [['source.fixAll'], ['source'], [FIX_ALL_KIND]]) {
        const actions = await client.codeActions(uri, WHOLE_FILE, [], only);
        assert.deepEqual(actions.map((a) => a.kind), [FIX_ALL_KIND], `only: ${JSON.stringify(only)}`);
      }
      assert.ok(!(await client.codeActions(uri, WHOLE_FILE, [])).some((a) => a.kind === FIX_ALL_KIND), 'not among the light bulb actions');
      assert.deepEqual(await client.codeActions(uri, WHOLE_FILE, [], ['quickfix']), []);

      const [fixAll] = await client.codeActions(uri, WHOLE_FILE, [], ['source.fixAll']);
      const version = await client.applyWorkspaceEdit(uri, fixAll!.edit!);
      const fixed = client.text(uri);
      assert.ok(parses(fixed), `the fixed file does not parse:\n${fixed}`);
      assert.deepEqual(codes(await client.diagnosticsForVersion(uri, version)), [RULE], `after fix-all:\n${fixed}`);
      assert.deepEqual(await client.codeActions(uri, WHOLE_FILE, [], ['source.fixAll']), [], 'idempotent: nothing left to batch');
    });

    it('with run: onSave, fixes the unsaved text (codeActionsOnSave runs before the save)', async () => {
      client = await startPulling(() => ({ run: 'onSave' }));
      const uri = await openIn(client, 'export const ready = true;\n');
      await client.diagnosticsForVersion(uri, 1);
      const end = { line: 1, character: 0 };
      await client.change(uri, [{ range: { start: end, end }, text: FIX_ALL_FIXTURE }]);
      const [fixAll] = await client.codeActions(uri, WHOLE_FILE, [], ['source.fixAll']);
      assert.ok(fixAll?.edit, 'a fix-all for the unsaved changes');
      const version = await client.applyWorkspaceEdit(uri, fixAll.edit);
      await client.save(uri);
      assert.deepEqual(codes(await client.diagnosticsForVersion(uri, version)), [RULE], client.text(uri));
    });

    it('offers nothing when no fix is batchable (a timeout value is the author’s choice)', async () => {
      client = await LspTestClient.start({ workspaceFolders: [workspace] });
      const uri = await openIn(client);
      assert.deepEqual(codes(await client.diagnosticsForVersion(uri, 1)), [RULE]);
      assert.deepEqual(await client.codeActions(uri, rangeOf(HANDLER, 'fetch(url)'), [], ['source.fixAll']), []);
    });
  });
});
