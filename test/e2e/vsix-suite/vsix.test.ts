// The packaged artifact: Preflight installed from the .vsix that `npm run package` made, in a
// fresh extensions folder, with nothing of the repository's build on the extension's path.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPECTED_FINDINGS, describeFinding, sortedFindings } from '../expected-findings';
import { E2E_ENV } from '../shared';
import { EXTENSION_ID, describeDiagnostics, openInEditor, waitFor, waitForReport } from '../suite/helpers';

const FILE = 'src/orders.ts';

function installedExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this host`);
  return extension;
}

describe('Preflight installed from the .vsix', () => {
  it('runs from the extensions folder it was installed into, bundled', () => {
    const extension = installedExtension();
    const extensionsDir = process.env[E2E_ENV.extensionsDir];
    assert.ok(extensionsDir, `${E2E_ENV.extensionsDir} is not set`);
    assert.ok(
      extension.extensionPath.startsWith(fs.realpathSync(extensionsDir) + path.sep),
      `${EXTENSION_ID} runs from ${extension.extensionPath}, not from the installed .vsix in ${extensionsDir}`,
    );
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
    const main = (extension.packageJSON as { main: string }).main;
    assert.ok(fs.existsSync(path.join(extension.extensionPath, main)), `${main} is not in the .vsix`);
    assert.ok(fs.existsSync(path.join(extension.extensionPath, 'dist', 'server.js')), 'dist/server.js is not in the .vsix');
    for (const absent of ['node_modules', 'client/src', 'server/src', 'test']) {
      assert.equal(fs.existsSync(path.join(extension.extensionPath, absent)), false, `the .vsix carries ${absent}`);
    }
  });

  it('activates on a TypeScript file and reports its findings, linked to the shipped rule docs', async () => {
    const extension = installedExtension();
    assert.equal(extension.isActive, false, 'Preflight was active before a JavaScript or TypeScript file was opened');
    const editor = await openInEditor(FILE);
    await waitFor('Preflight to activate', () => extension.isActive);
    await extension.activate();

    const expected = EXPECTED_FINDINGS[FILE];
    const diagnostics = await waitForReport(editor.document.uri, expected.length);
    assert.deepEqual(describeDiagnostics(editor.document, diagnostics), sortedFindings(expected).map(describeFinding));
    for (const diagnostic of diagnostics) {
      assert.ok(typeof diagnostic.code === 'object', 'the code carries the rule docs link');
      const docs = diagnostic.code.target;
      assert.equal(docs.scheme, 'file');
      assert.ok(docs.fsPath.startsWith(extension.extensionPath + path.sep), `the docs link ${docs.toString()} points outside the extension`);
      assert.ok(fs.existsSync(docs.fsPath), `the docs link ${docs.toString()} points at no file`);
    }
  });
});
