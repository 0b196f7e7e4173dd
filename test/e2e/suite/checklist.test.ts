// The readiness-checklist panel in the real extension host: the webview view opens, renders the
// server's report for a fixture git repository, opens findings, persists ticks, escapes hostile
// names and messages, and is photographed in the dark and light themes.
//
// The checklist covers a workspace folder, and the host opens one (a fresh copy of the shared fixture
// workspace): this suite runs after the others, makes that folder a git repository whose `main` holds
// it as it is plus the base files of test/e2e/fixtures/checklist-workspace, then switches to a feature
// branch with the fixture's changes. `after` takes all of it away again.
// The panel registers `preflight.test.*` commands only when
// the extension runs under tests (ExtensionMode.Test); they reach the real webview through its
// message channel:
//  - checklistClick(dataKey): the webview calls `.click()` on its own element with that data-key,
//    which runs the same listener a mouse click runs, then answers with its rendered DOM;
//  - checklistSnapshot(): the webview answers with its root's innerText and innerHTML.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, checklistSnapshot, delay, screenshot, waitFor, waitForRendered, workspaceRoot } from './helpers';

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'checklist-workspace');
const HOSTILE_FILE = 'checkout/<img src=x onerror=alert(1)>.ts';
const SERVICE_FILE = 'checkout/service.ts';
/** What the suite adds to the workspace, removed again in `after`. */
const ADDED = ['.git', '.preflight', '.github', 'preflight.config.json', 'checkout'];
const HOSTILE_CALLEE = "handlers['<img src=x onerror=alert`1`>']()";
const CONFIG_ITEM_TITLE = '<b>Load-tested</b> the checkout endpoint';
const BRANCH = 'feature/checkout';

const TestCommands = {
  snapshot: 'preflight.test.checklistSnapshot',
  model: 'preflight.test.checklistModel',
  click: 'preflight.test.checklistClick',
  scan: 'preflight.test.checklistScan',
  statusBar: 'preflight.test.checklistStatusBar',
} as const;

interface Snapshot {
  clicked: boolean;
  text: string;
  html: string;
}

interface FindingView {
  locationId: string;
  severity: string;
  message: string;
  ruleId: string;
  where: string;
}

interface StateMessage {
  model: {
    summary: { text: string; blocking: number; warnings: number; manualTicked: number; manualTotal: number };
    scope: { text: string; warning?: string };
    sections: { id: string; title: string; status: string; countsText: string; findings: FindingView[] }[];
    manualItems: { id: string; title: string; ticked: boolean }[];
  } | null;
  busy: boolean;
  error: string | null;
}

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

/** The workspace as a git repository: its files and the fixture's base on main, then the feature branch's changes. */
function createFixtureRepository(): void {
  repo = workspaceRoot();
  for (const entry of ADDED) assert.equal(fs.existsSync(path.join(repo, entry)), false, `the workspace already has ${entry}`);
  const fixture = (relative: string) => path.join(FIXTURE, ...relative.split('/'));
  const workspace = (relative: string) => path.join(repo, ...relative.split('/'));
  fs.mkdirSync(workspace('checkout'));
  fs.copyFileSync(fixture('preflight.config.json'), workspace('preflight.config.json'));
  fs.copyFileSync(fixture('checkout/prices.ts'), workspace('checkout/prices.ts'));
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Preflight E2E');
  git('config', 'user.email', 'e2e@preflight.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'base');
  git('checkout', '--quiet', '-b', BRANCH);
  fs.appendFileSync(workspace('checkout/prices.ts'), '\nexport const FREE_SHIPPING_CENTS = 5000;\n');
  fs.copyFileSync(fixture('checkout/service.ts'), workspace(SERVICE_FILE));
  fs.copyFileSync(fixture('checkout/hostile-name.ts'), workspace(HOSTILE_FILE));
}

/** 0-based line of the first line of `file` (relative to the fixture repo) containing `text`. */
function lineOf(file: string, text: string): number {
  const line = fs.readFileSync(path.join(repo, file), 'utf8').split('\n').findIndex((candidate) => candidate.includes(text));
  assert.ok(line >= 0, `${text} not found in ${file}`);
  return line;
}

async function state(): Promise<StateMessage> {
  return (await vscode.commands.executeCommand(TestCommands.model)) as StateMessage;
}

function snapshot(): Promise<Snapshot> {
  return checklistSnapshot();
}

/** Clicks the webview's element with this data-key once it is rendered. */
async function clickInWebview(dataKey: string): Promise<Snapshot> {
  await waitForRendered(`an element with data-key ${dataKey}`, (shown) => shown.html.includes(`data-key="${dataKey}"`));
  const result = (await vscode.commands.executeCommand(TestCommands.click, dataKey)) as Snapshot;
  assert.ok(result.clicked, `the webview has no element with data-key ${dataKey}`);
  return result;
}


/** The section and index of a finding in the panel's model, once the model has it. */
async function findingIn(ruleId: string, where: string): Promise<{ sectionId: string; index: number }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const section of (await state()).model?.sections ?? []) {
      const index = section.findings.findIndex((finding) => finding.ruleId === ruleId && finding.where === where);
      if (index >= 0) return { sectionId: section.id, index };
    }
    if (Date.now() > deadline) throw new Error(`no ${ruleId} finding at ${where} in the panel's model`);
    await delay(250);
  }
}

async function setTheme(theme: string): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  // The webview receives the new theme variables after the workbench repaints.
  await delay(1500);
}

describe('readiness checklist panel', function () {
  this.timeout(120_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in this host`);
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    const missing = Object.values(TestCommands).filter((command) => !commands.includes(command));
    assert.deepEqual(
      missing,
      [],
      'the checklist test commands are not registered: the extension must run in ExtensionMode.Test with a trusted workspace',
    );
    createFixtureRepository();
    // The live-update test leaves an edit unsaved: no auto save behind its back.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    if (repo) for (const entry of ADDED) fs.rmSync(path.join(repo, entry), { recursive: true, force: true });
  });

  it('opens in its activity-bar container and shows the counts of the branch', async () => {
    await vscode.commands.executeCommand('preflight.checklist.focus');
    // Three error-severity findings in the changed files (the config raises missing-timeout and
    // swallowed-error to error): axios.post without a timeout and the empty catch in
    // checkout/service.ts, fetch without a timeout in the hostile-named file; no project check fails
    // (no server is started anywhere). Warnings: the floating promise in checkout/service.ts plus the
    // project checks that warn, which look at the whole workspace (the shared fixture too). Five
    // built-in manual items plus the config's own, none ticked.
    // The server may still be loading preflight.config.json (the suite has just written it): the panel
    // rescans by itself when the config file changes, so wait for it to show the configured severities.
    await vscode.commands.executeCommand(TestCommands.scan, 'changed');
    await waitForRendered('3 blocking on the fixture branch', (shown) => shown.text.includes('3 blocking') && shown.text.includes(BRANCH));
    const statusBar = (await vscode.commands.executeCommand(TestCommands.statusBar)) as string;
    assert.match(statusBar, /^Preflight: 3 blockers · \d+ warnings?$/, 'the status bar reads the report');
    const report = (await vscode.commands.executeCommand(TestCommands.scan, 'changed')) as {
      projectChecks: { id: string; status: string }[];
    };
    const current = await state();
    assert.equal(current.error, null, `the panel shows an error: ${current.error}`);
    assert.ok(current.model, 'the panel has no report');
    const warningChecks = report.projectChecks.filter((check) => check.status === 'warn').length;
    assert.equal(report.projectChecks.filter((check) => check.status === 'fail').length, 0);
    assert.ok(
      report.projectChecks.some((check) => check.id === 'tests-for-changes' && check.status === 'warn'),
      'the changed files have no tests: tests-for-changes must warn',
    );
    const rendered = await waitForRendered('the fixture branch', (shown) => shown.text.includes(BRANCH));
    const warnings = 1 + warningChecks;
    const checks = `${warningChecks} project check${warningChecks === 1 ? '' : 's'}`;
    assert.ok(
      rendered.text.includes(`3 blocking (3 findings, 0 project checks), ${warnings} warning${warnings === 1 ? '' : 's'} (1 finding, ${checks}), 0/6 manual items`),
      rendered.text,
    );
    assert.ok(rendered.text.includes(`Not ready: 3 blockers; ${warnings} warning${warnings === 1 ? '' : 's'}, over the limit of 0`), rendered.text);
    assert.ok(rendered.text.includes('3 changed files since main'), rendered.text);

    const resilience = current.model.sections.find((section) => section.id === 'resilience')!;
    assert.equal(resilience.status, 'fail');
    assert.equal(resilience.countsText, '2 errors');
    const errorHandling = current.model.sections.find((section) => section.id === 'error-handling')!;
    assert.equal(errorHandling.countsText, '1 error, 1 warning');
    // The panel renders every section with its counts.
    for (const section of current.model.sections) {
      assert.ok(rendered.text.includes(section.title), `section ${section.title} is not shown`);
      assert.ok(rendered.text.includes(section.countsText), `the counts of ${section.title} are not shown`);
    }
  });

  it('shows a hostile file name, finding message and config title as text, never as markup', async () => {
    const shown = await snapshot();
    assert.ok(shown.text.includes(`${HOSTILE_FILE}:`), 'the hostile file name is not shown');
    assert.ok(shown.text.includes(HOSTILE_CALLEE), 'the finding message with HTML in it is not shown');
    assert.ok(shown.text.includes(CONFIG_ITEM_TITLE), 'the config item title is not shown literally');
    assert.doesNotMatch(shown.html, /<img|<b>/i, 'markup from the workspace became elements');
    assert.ok(shown.html.includes('&lt;img src=x onerror=alert(1)&gt;.ts'), 'the file name is not escaped in the DOM');
    assert.ok(shown.html.includes('&lt;b&gt;Load-tested&lt;/b&gt;'), 'the config title is not escaped in the DOM');
  });

  it('opens the file at the line of a clicked finding', async () => {
    const expectedLine = lineOf(SERVICE_FILE, 'axios.post(');
    const { sectionId, index } = await findingIn('missing-timeout', `${SERVICE_FILE}:${expectedLine + 1}`);
    await clickInWebview(`finding-${sectionId}-${index}`);
    const editor = await waitFor(`${SERVICE_FILE} to open at the finding`, () => {
      const active = vscode.window.activeTextEditor;
      return active && active.document.uri.fsPath === path.join(repo, ...SERVICE_FILE.split('/')) && active;
    });
    assert.equal(editor.selection.start.line, expectedLine);
    assert.ok(editor.document.getText(editor.selection).includes('axios.post'), `selected: ${editor.document.getText(editor.selection)}`);
  });

  it('persists a ticked manual item in .preflight/checklist.json under the branch', async () => {
    await vscode.commands.executeCommand('preflight.checklist.focus');
    const ticksFile = path.join(repo, '.preflight', 'checklist.json');
    assert.equal(fs.existsSync(ticksFile), false);
    await clickInWebview('manual-rollback-plan');
    await waitFor('.preflight/checklist.json', () => fs.existsSync(ticksFile), 15_000);
    const stored = fs.readFileSync(ticksFile, 'utf8');
    assert.ok(stored.includes(BRANCH), `the tick is not stored under ${BRANCH}: ${stored}`);
    assert.ok(stored.includes('rollback-plan'), stored);
    await waitForRendered('1/6 manual items', (shown) => shown.text.includes('1/6 manual items'));
    const current = await state();
    assert.equal(current.model?.manualItems.find((item) => item.id === 'rollback-plan')?.ticked, true);
  });

  it('copies the PR checklist as Markdown to the clipboard', async () => {
    await vscode.commands.executeCommand('preflight.checklist.focus');
    await vscode.env.clipboard.writeText('');
    await clickInWebview('copy-markdown');
    let markdown = '';
    const deadline = Date.now() + 15_000;
    while (!markdown.includes('Rollback plan') && Date.now() < deadline) {
      await delay(200);
      markdown = await vscode.env.clipboard.readText();
    }
    assert.match(markdown, /- \[x\] Rollback plan written/);
    assert.match(markdown, /- \[ \] Runbook updated/);
  });

  it('writes the checklist into the marked section of the PR template, undoably', async () => {
    const template = path.join(repo, '.github', 'pull_request_template.md');
    fs.mkdirSync(path.dirname(template), { recursive: true });
    fs.writeFileSync(template, '## Summary\n\nWhat and why.\n');
    await vscode.commands.executeCommand('preflight.checklist.focus');
    await clickInWebview('insert-template');
    const written = await waitFor('the checklist section in the PR template', () => {
      const text = fs.readFileSync(template, 'utf8');
      return text.includes('<!-- preflight:checklist:start -->') && text;
    });
    assert.ok(written.startsWith('## Summary\n\nWhat and why.\n'), written);
    assert.match(written, /- \[x\] Rollback plan written/);
    const editor = await waitFor('the PR template in an editor', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.fsPath === template && active;
    }).catch((error: Error) => {
      const open = vscode.window.visibleTextEditors.map((visible) => visible.document.uri.fsPath).join(', ');
      throw new Error(`${error.message} (active: ${vscode.window.activeTextEditor?.document.uri.fsPath}; visible: ${open})`);
    });
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), '## Summary\n\nWhat and why.\n');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('follows diagnostics: a new finding typed into a changed file shows up without a manual scan', async () => {
    const before = (await state()).model!.summary.blocking;
    const file = vscode.Uri.file(path.join(repo, ...SERVICE_FILE.split('/')));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(file, new vscode.Position(document.lineCount, 0), "\nexport const pingLedger = () => fetch('https://ledger.example.com/ping');\n");
    // Not saved: the server analyses the open document, and its new diagnostics alone trigger the rescan.
    assert.ok(await vscode.workspace.applyEdit(edit));
    await vscode.commands.executeCommand('preflight.checklist.focus');
    await waitForRendered(`${before + 1} blocking`, (shown) => shown.text.includes(`${before + 1} blocking`), 45_000);
    assert.ok(document.isDirty, 'the edit was saved: this test is about unsaved text');
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitForRendered(`${before} blocking again after the edit is reverted`, (shown) => shown.text.includes(`${before} blocking`), 45_000);
  });

  it('is photographed in the dark, light and high-contrast themes', async () => {
    // Dark: the view beside the file a clicked finding opened; light: the editor tab; high contrast:
    // the editor tab with its automated and project groups collapsed, showing the manual items.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('preflight.checklist.focus');
    await setTheme('Default Dark Modern');
    const { sectionId, index } = await findingIn('missing-timeout', `${SERVICE_FILE}:${lineOf(SERVICE_FILE, 'axios.post(') + 1}`);
    await clickInWebview(`finding-${sectionId}-${index}`);
    await waitFor(`${SERVICE_FILE} in the editor`, () => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('service.ts'));
    await screenshot('checklist-panel-dark');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setTheme('Default Light Modern');
    await vscode.commands.executeCommand('preflight.openChecklist');
    await waitForRendered('the report in the editor tab', (shown) => shown.text.includes(BRANCH));
    await screenshot('checklist-panel-light');

    await setTheme('Default High Contrast');
    await clickInWebview('group-automated');
    const collapsed = await clickInWebview('group-project');
    assert.ok(collapsed.text.includes('Rollback plan written'), collapsed.text);
    await screenshot('checklist-editor-high-contrast');
  });
});
