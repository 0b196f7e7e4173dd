// Preflight in a real VS Code extension host: the real `vscode` API, language client and server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { findRule } from 'preflight-server';
import { EXPECTED_FINDINGS, describeFinding, sortedFindings } from '../expected-findings';
import {
  DIAGNOSTIC_SOURCE,
  delay,
  describeDiagnostics,
  findingOf,
  hasFinding,
  openInEditor,
  preflightDiagnostics,
  ruleIdOf,
  screenshot,
  waitForDiagnostics,
  waitFor,
  waitForReport,
  workspaceUri,
} from './helpers';

const ORDERS = 'src/orders.ts';
const PROFILE = 'src/profile.js';
const BILLING = 'src/billing.ts';
const RATES = 'services/rates/src/rates.ts';

function expectedLines(file: string): string[] {
  return sortedFindings(EXPECTED_FINDINGS[file]).map(describeFinding);
}

/** The rule ids expected in `file` once `ruleId`'s findings are gone. */
function ruleIdsWithout(file: string, ruleId: string): string[] {
  return EXPECTED_FINDINGS[file].map((finding) => finding.ruleId).filter((id) => id !== ruleId).sort();
}

function expectedFinding(file: string, ruleId: string) {
  const finding = EXPECTED_FINDINGS[file].find((candidate) => candidate.ruleId === ruleId);
  assert.ok(finding, `test/e2e/expected-findings.ts has no ${ruleId} in ${file}`);
  return finding;
}

/**
 * Opens a fixture and waits until Preflight reports exactly its expected findings (rule and line), so
 * that a test never reads the diagnostics of text an earlier test edited and reverted.
 */
async function openAndWaitForFindings(file: string): Promise<{ editor: vscode.TextEditor; diagnostics: vscode.Diagnostic[] }> {
  const editor = await openInEditor(file);
  const expected = sortedFindings(EXPECTED_FINDINGS[file]).map((finding) => `${finding.line}:${finding.ruleId}`);
  const diagnostics = await waitForDiagnostics(editor.document.uri, `the expected findings of ${file}`, (found) => {
    const shown = found.map((d) => `${d.range.start.line}:${ruleIdOf(d)}`).sort((a, b) => Number.parseInt(a) - Number.parseInt(b) || a.localeCompare(b));
    return JSON.stringify(shown) === JSON.stringify(expected);
  });
  return { editor, diagnostics };
}

/** The quick fix VS Code would apply for a diagnostic: the preferred action with an edit. */
async function preferredFix(editor: vscode.TextEditor, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction & { edit: vscode.WorkspaceEdit }> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    editor.document.uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  // The command's results do not carry `diagnostics`: the fix is the preferred action with an edit.
  const fix = actions.find((action) => action.isPreferred && action.edit);
  assert.ok(fix?.edit, `no preferred fix with an edit among: ${actions.map((action) => action.title).join(' | ')}`);
  return fix as vscode.CodeAction & { edit: vscode.WorkspaceEdit };
}

/**
 * The quick fix whose title matches `title`. Asked again for a few seconds: which fixes a finding offers
 * can depend on files an earlier test restored on disk, which the server learns of through file events.
 */
async function fixTitled(editor: vscode.TextEditor, title: RegExp, ruleId: string, line: number): Promise<vscode.CodeAction & { edit: vscode.WorkspaceEdit }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const diagnostic = findingOf(preflightDiagnostics(editor.document.uri), ruleId, line);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((action) => title.test(action.title) && action.edit);
    if (fix?.edit) return fix as vscode.CodeAction & { edit: vscode.WorkspaceEdit };
    if (Date.now() > deadline) assert.fail(`no fix titled ${title} among: ${actions.map((action) => action.title).join(' | ')}`);
    await delay(250);
  }
}

/** The text of files on disk, to put back after a fix that VS Code saves (it saves every file of a multi-file edit: `files.refactoring.autoSave`). */
async function contentsOf(uris: readonly vscode.Uri[]): Promise<Map<vscode.Uri, Uint8Array>> {
  return new Map(await Promise.all(uris.map(async (uri) => [uri, await vscode.workspace.fs.readFile(uri)] as const)));
}

/**
 * Puts the files back as they were. VS Code saves the files of a multi-file edit after applying it, so
 * this first waits until none of them is dirty (a save still pending would write the fix back over the
 * restored text), then writes the originals and reloads the documents, and checks that they took.
 */
async function restore(originals: ReadonlyMap<vscode.Uri, Uint8Array>): Promise<void> {
  const open = (uri: vscode.Uri) => vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
  await waitFor('VS Code to finish saving the files of the fix', () => [...originals.keys()].every((uri) => !open(uri)?.isDirty));
  for (const [uri, content] of originals) {
    await vscode.workspace.fs.writeFile(uri, content);
    await revertDocument(uri);
    const expected = new TextDecoder().decode(content);
    await waitFor(`${uri.fsPath} to show its restored text`, () => open(uri) === undefined || open(uri)!.getText() === expected);
  }
}

/** Reverts an open document that a fix changed without saving (a package.json it edited, a module it created). */
async function revertDocument(uri: vscode.Uri): Promise<void> {
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
  if (!document) return;
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

async function revert(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  assert.equal(editor.document.isDirty, false);
}

describe('Preflight in the extension host', () => {
  for (const file of [ORDERS, PROFILE]) {
    it(`reports the wave-1 findings of ${file} with source, code and ranges`, async () => {
      const { editor, diagnostics } = await openAndWaitForFindings(file);
      await delay(500); // a late second publication would show up as an extra finding
      const final = preflightDiagnostics(editor.document.uri);
      assert.deepEqual(describeDiagnostics(editor.document, final), expectedLines(file));
      for (const diagnostic of diagnostics) {
        const ruleId = ruleIdOf(diagnostic)!;
        assert.equal(diagnostic.source, DIAGNOSTIC_SOURCE);
        assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning, `${ruleId} defaults to warning`);
        // With codeDescription, VS Code gives the code as { value, target }: the rule id and its documentation.
        assert.ok(typeof diagnostic.code === 'object', `code of ${ruleId} should carry its docs link`);
        assert.equal(diagnostic.code.value, ruleId);
        assert.match(diagnostic.code.target.toString(), new RegExp(`docs/rules/${ruleId}\\.md$`));
        assert.ok(diagnostic.message.length > 0);
      }
    });
  }

  it('shows a finding as a squiggle and in the Problems panel', async () => {
    const { editor } = await openAndWaitForFindings(ORDERS);
    const finding = expectedFinding(ORDERS, 'missing-timeout');
    editor.revealRange(new vscode.Range(finding.line, 0, finding.line, 0), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await delay(1000); // let the workbench paint the panel
    await screenshot('diagnostics');
  });

  it('shows "Preflight: analysing N files" in the language status while the server analyses, then "Preflight: ready"', async () => {
    type Shown = { text: string; busy: boolean; history: string[] };
    let shown!: Shown;
    const until = async (what: string, condition: (status: Shown) => boolean): Promise<void> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        shown = (await vscode.commands.executeCommand('preflight.test.serverStatus')) as Shown;
        if (condition(shown)) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(shown)}`);
        await delay(50);
      }
    };
    const editors: vscode.TextEditor[] = [];
    await until('the server to be idle', (status) => status.text === 'Preflight: ready');
    const before = shown.history.length;
    for (const file of [ORDERS, PROFILE]) {
      const editor = await openInEditor(file);
      assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// touched\n')), `could not edit ${file}`);
      editors.push(editor);
    }
    await until('"analysing" to be shown and over', (status) => status.text === 'Preflight: ready' && status.history.length > before);
    const seen = shown.history.slice(before - 1);
    assert.ok(seen.some((text) => /^Preflight: analysing [12] files?$/.test(text)), `never showed "analysing": ${JSON.stringify(seen)}`);
    assert.equal(seen.at(-1), 'Preflight: ready');
    const beforeRevert = shown.history.length;
    for (const editor of editors) await revert(editor);
    // The next tests read these files' diagnostics: wait until those of the reverted text are published.
    await until('the reverted files to be analysed', (status) => status.text === 'Preflight: ready' && status.history.length > beforeRevert);
  });

  it('explains a finding on hover', async () => {
    const { editor, diagnostics } = await openAndWaitForFindings(ORDERS);
    const diagnostic = findingOf(diagnostics, 'missing-timeout');
    const position = diagnostic.range.start.translate(0, 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position);
    const text = hovers
      .flatMap((hover) => hover.contents)
      .map((content) => (typeof content === 'string' ? content : content.value))
      .join('\n');
    const rule = findRule('missing-timeout');
    assert.ok(rule, 'missing-timeout is not in the rule registry');
    assert.ok(rule.meta.summary && text.includes(rule.meta.summary), `the hover does not hold missing-timeout's summary:\n${text}`);
    assert.ok(!text.includes(rule.meta.explanation), 'the full story is behind the docs link, not in the hover');
    assert.equal(text.split(diagnostic.message).length - 1, 1, `the hover holds the message exactly once:\n${text}`);
    assert.ok(text.includes('`missing-timeout`'), 'the hover names the rule');
    assert.ok(text.includes('/docs/rules/missing-timeout.md)'), 'the hover links to the rule docs');

    editor.selection = new vscode.Selection(position, position);
    await vscode.commands.executeCommand('editor.action.showHover');
    await delay(1500); // the hover widget renders after the providers answer
    await screenshot('hover');
    await vscode.commands.executeCommand('editor.action.hideHover');
  });

  it('applies the missing-timeout quick fix through VS Code and the finding goes away', async () => {
    const { editor, diagnostics } = await openAndWaitForFindings(ORDERS);
    try {
      const finding = expectedFinding(ORDERS, 'missing-timeout');
      const diagnostic = findingOf(diagnostics, 'missing-timeout', finding.line);
      const fix = await preferredFix(editor, diagnostic);
      assert.match(fix.title, /timeout/i);
      const lineBefore = editor.document.lineAt(finding.line).text;

      assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'VS Code refused the fix');
      assert.equal(
        editor.document.lineAt(finding.line).text,
        lineBefore.replace('fetch(url)', 'fetch(url, { signal: AbortSignal.timeout(10_000) })'),
      );
      const after = await waitForDiagnostics(editor.document.uri, 'the missing-timeout finding to go away', (found) =>
        !hasFinding(found, 'missing-timeout'),
      );
      assert.deepEqual(after.map((d) => ruleIdOf(d)).sort(), ruleIdsWithout(ORDERS, 'missing-timeout'), 'the other findings stay');
    } finally {
      await revert(editor);
    }
  });

  it('adds the timeout to an axios.create client through VS Code: once, on the instance, in its layout', async () => {
    const { editor, diagnostics } = await openAndWaitForFindings(BILLING);
    try {
      const diagnostic = findingOf(diagnostics, 'missing-timeout', expectedFinding(BILLING, 'missing-timeout').line);
      const fix = await preferredFix(editor, diagnostic);
      assert.equal(fix.title, 'Add a 10s timeout (timeout: 10_000)');
      assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'VS Code refused the fix');
      const text = editor.document.getText();
      assert.ok(
        text.includes(`  headers: { 'x-service': 'orders' },\n  timeout: 10_000,\n});`),
        `the timeout is not the client's last property, one a line:\n${text}`,
      );
      assert.equal(text.match(/timeout/g)?.length, 1, 'only the client gets a timeout, not its calls');
      await waitForDiagnostics(editor.document.uri, 'the instance finding to go away', (found) => !hasFinding(found, 'missing-timeout'));
    } finally {
      await revert(editor);
    }
  });

  it('adds p-retry to the package and wraps the call in a retry through VS Code', async () => {
    const { editor, diagnostics } = await openAndWaitForFindings(RATES);
    const manifestUri = workspaceUri('services/rates/package.json');
    const originals = await contentsOf([manifestUri, editor.document.uri]);
    try {
      const diagnostic = findingOf(diagnostics, 'missing-retry', expectedFinding(RATES, 'missing-retry').line);
      const fix = await preferredFix(editor, diagnostic);
      assert.equal(fix.title, 'Add p-retry to package.json and wrap in a retry (3 retries, exponential backoff with jitter)');
      assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'VS Code refused the fix');
      const text = editor.document.getText();
      assert.ok(text.includes(`import axios from 'axios';\nimport pRetry from 'p-retry';\n`), `no p-retry import after the last one:\n${text}`);
      assert.ok(
        text.includes(
          "const { data } = await pRetry(() => axios.get('https://rates.example.com/latest', { timeout: 5_000 }), { retries: 3, randomize: true, shouldRetry: ({ error }) => {",
        ),
        `the call is not wrapped:\n${text}`,
      );
      const manifest = JSON.parse((await vscode.workspace.openTextDocument(manifestUri)).getText()) as { dependencies: Record<string, string> };
      assert.deepEqual(manifest.dependencies, { axios: '^1.7.0', express: '^4.19.0', 'p-retry': '^7.1.1' });
      await waitForDiagnostics(editor.document.uri, 'the missing-retry finding to go away', (found) => !hasFinding(found, 'missing-retry'));
    } finally {
      await restore(originals);
      await revert(editor);
    }
  });

  it('creates a withRetry helper module and wraps the call with it through VS Code', async () => {
    const { editor, diagnostics } = await openAndWaitForFindings(RATES);
    const helperUri = workspaceUri('services/rates/src/lib/with-retry.ts');
    const originals = await contentsOf([editor.document.uri]);
    try {
      const line = expectedFinding(RATES, 'missing-retry').line;
      findingOf(diagnostics, 'missing-retry', line);
      const fix = await fixTitled(editor, /^Wrap in a retry with a new withRetry helper \(creates src\/lib\/with-retry\.ts/, 'missing-retry', line);
      assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'VS Code refused the fix');
      const text = editor.document.getText();
      assert.ok(text.includes(`import { withRetry } from './lib/with-retry';`), `no helper import:\n${text}`);
      assert.ok(text.includes("await withRetry(() => axios.get('https://rates.example.com/latest', { timeout: 5_000 }))"), `the call is not wrapped:\n${text}`);
      await vscode.workspace.fs.stat(helperUri); // created on disk
      const helper = (await vscode.workspace.openTextDocument(helperUri)).getText();
      assert.ok(helper.includes('export async function withRetry<T>(operation: () => Promise<T>'), helper);
      assert.ok(helper.includes('status >= 500 || status === 429'), 'the helper retries only transient failures');
      await waitForDiagnostics(editor.document.uri, 'the missing-retry finding to go away', (found) => !hasFinding(found, 'missing-retry'));
    } finally {
      await revertDocument(helperUri);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(helperUri, { useTrash: false }).then(undefined, () => undefined);
      await restore(originals);
      await revert(editor);
    }
  });

  it('updates the findings as the document is edited', async () => {
    const { editor, diagnostics } = await openAndWaitForFindings(PROFILE);
    const document = editor.document;
    const swallowed = expectedFinding(PROFILE, 'swallowed-error');
    findingOf(diagnostics, 'swallowed-error', swallowed.line);
    try {
      const appended = await editor.edit((edit) =>
        edit.insert(document.lineAt(document.lineCount - 1).range.end, "\nfunction ping() {\n  return fetch('https://health.example/ping');\n}\n"),
      );
      assert.ok(appended);
      const pingLine = document.lineCount - 3;
      assert.match(document.lineAt(pingLine).text, /fetch\('https:\/\/health/);
      await waitForDiagnostics(document.uri, 'a missing-timeout finding on the added fetch', (found) =>
        hasFinding(found, 'missing-timeout', pingLine),
      );

      const catchLine = document.lineAt(swallowed.line);
      const handled = await editor.edit((edit) =>
        edit.replace(catchLine.range, catchLine.text.replace('catch {}', 'catch (err) {\n    console.error(err);\n  }')),
      );
      assert.ok(handled);
      const found = await waitForDiagnostics(document.uri, 'the swallowed-error finding to go away', (current) =>
        !hasFinding(current, 'swallowed-error'),
      );
      assert.ok(hasFinding(found, 'floating-promise'), 'the floating promise is still reported');
    } finally {
      await revert(editor);
    }
  });

  describe('preflight.enable setting', () => {
    afterEach(async () => {
      await vscode.workspace.getConfiguration('preflight').update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('false clears the findings and the code actions; true brings them back', async () => {
      const { editor, diagnostics } = await openAndWaitForFindings(ORDERS);
      const uri = editor.document.uri;
      const finding = findingOf(diagnostics, 'missing-timeout');
      await vscode.workspace.getConfiguration('preflight').update('enable', false, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, 'every finding to go away', (found) => found.length === 0);
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, finding.range)) ?? [];
      assert.deepEqual(actions.filter((action) => /Disable|timeout/.test(action.title)).map((action) => action.title), []);

      await vscode.workspace.getConfiguration('preflight').update('enable', undefined, vscode.ConfigurationTarget.Workspace);
      await waitForReport(uri, EXPECTED_FINDINGS[ORDERS].length);
    });
  });

  it('offers source.fixAll.preflight, which logs the swallowed error and clears that finding', async () => {
    const { editor } = await openAndWaitForFindings(ORDERS);
    const uri = editor.document.uri;
    try {
      const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.fixAll')) ?? [];
      const fixAll = actions.find((action) => action.kind?.value === 'source.fixAll.preflight');
      assert.ok(fixAll?.edit, `no fix-all among ${JSON.stringify(actions.map((a) => a.kind?.value))}`);
      assert.equal(await vscode.workspace.applyEdit(fixAll.edit), true, 'VS Code refused the fix-all');
      const after = await waitForDiagnostics(uri, 'the swallowed error in saveDraft to be fixed', (found) => !hasFinding(found, 'swallowed-error', 23));
      assert.ok(hasFinding(after, 'missing-timeout'), 'a timeout is not batched: its finding stays');
    } finally {
      await revert(editor);
    }
  });

  describe('preflight.rules setting', () => {
    afterEach(async () => {
      await vscode.workspace.getConfiguration('preflight').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('turning missing-timeout off removes its findings without a restart, turning it back brings them back', async () => {
      const { editor } = await openAndWaitForFindings(ORDERS);
      const uri = editor.document.uri;
      const config = vscode.workspace.getConfiguration('preflight');

      await config.update('rules', { 'missing-timeout': 'off' }, vscode.ConfigurationTarget.Workspace);
      const withoutRule = await waitForDiagnostics(uri, 'missing-timeout findings to go away', (found) => !hasFinding(found, 'missing-timeout'));
      assert.deepEqual(withoutRule.map((d) => ruleIdOf(d)).sort(), ruleIdsWithout(ORDERS, 'missing-timeout'));

      await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, 'missing-timeout findings to come back', (found) => hasFinding(found, 'missing-timeout'));
    });

    it('a severity set in preflight.rules reaches the diagnostics', async () => {
      const { editor } = await openAndWaitForFindings(ORDERS);
      await vscode.workspace
        .getConfiguration('preflight')
        .update('rules', { 'swallowed-error': 'error' }, vscode.ConfigurationTarget.Workspace);
      const found = await waitForDiagnostics(editor.document.uri, 'swallowed-error to become an error', (current) =>
        current.some((d) => ruleIdOf(d) === 'swallowed-error' && d.severity === vscode.DiagnosticSeverity.Error),
      );
      assert.equal(found.find((d) => ruleIdOf(d) === 'missing-timeout')?.severity, vscode.DiagnosticSeverity.Warning);
    });
  });
});
