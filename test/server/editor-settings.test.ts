import * as assert from 'node:assert/strict';
import { applyEditorSettings, ConfigStore, DEFAULT_EDITOR_OPTIONS } from 'preflight-server/out/lsp/settings';

describe('editor settings (preflight.enable, preflight.run, preflight.problems.scope)', () => {
  it('defaults to enabled, analysed on type, open files in Problems', () => {
    assert.deepEqual(DEFAULT_EDITOR_OPTIONS, { enable: true, run: 'onType', problemsScope: 'openFiles' });
    assert.deepEqual(applyEditorSettings(DEFAULT_EDITOR_OPTIONS, undefined), { options: DEFAULT_EDITOR_OPTIONS, problems: [] });
  });

  it('takes valid values and keeps the layer below for a bad one, naming the setting', () => {
    assert.deepEqual(applyEditorSettings(DEFAULT_EDITOR_OPTIONS, { enable: false, run: 'onSave', problems: { scope: 'workspace' } }).options, {
      enable: false,
      run: 'onSave',
      problemsScope: 'workspace',
    });
    const below = { enable: false, run: 'onSave', problemsScope: 'workspace' } as const;
    const bad = applyEditorSettings(below, { enable: 'yes', run: 'later', problems: { scope: 'everything' } });
    assert.deepEqual(bad.options, below);
    assert.deepEqual(bad.problems.map((p) => p.message), [
      'preflight.enable: must be true or false, found "yes"',
      'preflight.run: must be "onType" or "onSave", found "later"',
      'preflight.problems.scope: must be "openFiles" or "workspace", found "everything"',
    ]);
  });

  it('resolves per folder: initializationOptions, then the folder\'s own settings', () => {
    const store = new ConfigStore();
    store.setFolders([
      { uri: 'file:///a', name: 'a', path: '/a' },
      { uri: 'file:///b', name: 'b', path: '/b' },
    ]);
    store.setInitialSettings({ run: 'onSave' });
    store.setClientSettings('/b', { enable: false });
    store.resolve();
    assert.deepEqual(store.editorOptionsForFile('/a/src/x.ts'), { enable: true, run: 'onSave', problemsScope: 'openFiles' });
    assert.deepEqual(store.editorOptionsForFile('/b/src/x.ts'), { enable: false, run: 'onSave', problemsScope: 'openFiles' });
    assert.deepEqual(store.editorOptionsForFile('/elsewhere/x.ts'), { enable: true, run: 'onSave', problemsScope: 'openFiles' });
  });
});
