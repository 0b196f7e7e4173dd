// Runs first in the extension host (files run in name order), while nothing has activated Preflight yet.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, delay, openInEditor, preflightDiagnostics, waitFor, workspaceRoot, workspaceUri } from './helpers';

describe('activation', () => {
  it('does not activate for plain text or JSON files', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in this host`);
    assert.equal(extension.isActive, false, 'Preflight was already active before any file was opened');

    const text = await openInEditor('notes.txt');
    const json = await openInEditor('data.json');
    assert.equal(text.document.languageId, 'plaintext');
    assert.equal(json.document.languageId, 'json');
    // Activation on onLanguage happens as the document opens; give a wrong activation event time to show.
    await delay(2000);
    assert.equal(extension.isActive, false, 'Preflight activated for a .txt or .json file');
    assert.deepEqual(preflightDiagnostics(text.document.uri), []);
  });

  it('activates for a JavaScript file in a workspace that has no package.json, and reports on it', async () => {
    assert.equal(fs.existsSync(path.join(workspaceRoot(), 'package.json')), false, 'the fixture workspace must have no package.json');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;

    const editor = await openInEditor('src/profile.js');
    assert.equal(editor.document.languageId, 'javascript');
    await waitFor('Preflight to activate', () => extension.isActive);
    // A throwing activate() would make this reject.
    await extension.activate();
    await waitFor('a Preflight diagnostic on src/profile.js', () => preflightDiagnostics(workspaceUri('src/profile.js')).length > 0);
  });
});
