// The readiness checklist on a workspace of about 2,000 files, in the real extension host:
// `autoScan: off` starts nothing; a workspace scan shows the server's progress and a Cancel
// button, a file opened meanwhile gets its diagnostics before the scan ends, Cancel stops it and
// keeps the last report; a scan left to finish shows its result. The panel is photographed during
// and after the scan. The generated package lives in `scale/` and is removed in `after`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checklistSnapshot, delay, preflightDiagnostics, ruleIdOf, screenshot, waitFor, waitForRendered, workspaceRoot, workspaceUri } from './helpers';

const PACKAGE_DIR = 'scale';
const MODULES = 2_000;
/** A module whose fetch has no timeout: its diagnostics prove the editor is served during a scan. */
const WATCHED_MODULE = `${PACKAGE_DIR}/src/module-1980.ts`;

const TestCommands = {
  snapshot: 'preflight.test.checklistSnapshot',
  model: 'preflight.test.checklistModel',
  click: 'preflight.test.checklistClick',
  scansStarted: 'preflight.test.checklistScansStarted',
} as const;

interface Snapshot {
  clicked: boolean;
  text: string;
  html: string;
}

interface StateMessage {
  model: { scope: { text: string } } | null;
  busy: boolean;
  progress: { scope: string; message: string; percentage: number } | null;
  error: string | null;
}

function moduleText(index: number): string {
  const lines = [
    `export interface Order${index} { id: string; totalCents: number; lines: { sku: string; quantity: number }[] }`,
    `export function total${index}(order: Order${index}): number {`,
    `  return order.lines.reduce((sum, line) => sum + line.quantity, 0) * order.totalCents;`,
    `}`,
  ];
  // About 80 lines per module, 160,000 in all: a large real backend, so a workspace scan takes a while.
  for (let part = 0; part < 8; part++) {
    lines.push(
      `export class Ledger${index}Part${part} {`,
      `  private readonly entries = new Map<string, number>();`,
      `  record(id: string, cents: number): void {`,
      `    const current = this.entries.get(id) ?? 0;`,
      `    this.entries.set(id, current + cents);`,
      `  }`,
      `  async settle(ids: string[], pay: (id: string, cents: number) => Promise<void>): Promise<number> {`,
      `    let settled = 0;`,
      `    for (const id of ids) {`,
      `      try { await pay(id, this.entries.get(id) ?? 0); settled += 1; } catch (err) { throw new Error(\`settle \${id}\`, { cause: err }); }`,
      `    }`,
      `    return settled;`,
      `  }`,
      `}`,
    );
  }
  // One module in twenty calls out without a timeout: about a hundred findings, as in a real backend.
  if (index % 20 === 0) {
    lines.push(
      `export async function load${index}(id: string): Promise<Order${index}> {`,
      `  const res = await fetch(\`https://orders.internal/orders/\${id}\`);`,
      `  return (await res.json()) as Order${index};`,
      `}`,
    );
  }
  if (index % 50 === 0) lines.unshift(`import { z } from 'zod';`, `export const Id${index} = z.string().uuid();`);
  return lines.join('\n') + '\n';
}

function generatePackage(): void {
  const root = path.join(workspaceRoot(), PACKAGE_DIR);
  assert.equal(fs.existsSync(root), false, `the workspace already has ${PACKAGE_DIR}/`);
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'scale', private: true, dependencies: { zod: '^3.23.0' } }, null, 2));
  for (let index = 0; index < MODULES; index++) fs.writeFileSync(path.join(root, 'src', `module-${index}.ts`), moduleText(index));
}

/** Polls an asynchronous probe until it holds, or fails naming `what`. */
async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await delay(200);
  }
}

async function state(): Promise<StateMessage> {
  return (await vscode.commands.executeCommand(TestCommands.model)) as StateMessage;
}

async function scansStarted(): Promise<number> {
  return (await vscode.commands.executeCommand(TestCommands.scansStarted)) as number;
}

function snapshot(): Promise<Snapshot> {
  return checklistSnapshot();
}

async function click(dataKey: string): Promise<void> {
  await vscode.commands.executeCommand('preflight.checklist.focus');
  await waitForRendered(`an element with data-key ${dataKey}`, (shown) => shown.html.includes(`data-key="${dataKey}"`));
  const result = (await vscode.commands.executeCommand(TestCommands.click, dataKey)) as Snapshot;
  assert.ok(result.clicked, `the webview has no element with data-key ${dataKey}`);
}

async function setAutoScan(value: 'off' | 'changed' | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('preflight').update('checklist.autoScan', value, vscode.ConfigurationTarget.Workspace);
}

/** Saves a workspace file, which asks for a rescan unless autoScan is off. */
async function saveAFile(): Promise<void> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(`${PACKAGE_DIR}/src/module-1.ts`));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  await editor.edit((edit) => edit.insert(new vscode.Position(document.lineCount - 1, 0), '// touched\n'));
  await document.save();
}

describe('readiness checklist at workspace scale (2,000 files)', function () {
  this.timeout(300_000);

  before(async () => {
    generatePackage();
    await vscode.commands.executeCommand('preflight.checklist.focus');
    await waitUntil('the checklist view to settle', async () => !(await state()).busy, 120_000);
  });

  after(async () => {
    await setAutoScan(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(workspaceRoot(), PACKAGE_DIR), { recursive: true, force: true });
  });

  it('autoScan off: saving a file starts no scan; with autoScan changed the same save does', async () => {
    await setAutoScan('off');
    // A rescan asked for before the switch (the generated files' diagnostics) may still be pending.
    await delay(1_500);
    await waitUntil('the checklist view to settle', async () => !(await state()).busy, 120_000);
    const before = await scansStarted();
    await saveAFile();
    await delay(2_000);
    assert.equal(await scansStarted(), before, 'a scan started although autoScan is off');

    await setAutoScan('changed');
    await saveAFile();
    await waitUntil('a scan after the save with autoScan changed', async () => (await scansStarted()) > before, 10_000);
    await waitUntil('that scan to end', async () => !(await state()).busy, 180_000);
    await setAutoScan('off');
  });

  it('a workspace scan shows progress; a file opened meanwhile gets its diagnostics; Cancel stops it and keeps the last report', async () => {
    const previous = await state();
    assert.ok(previous.model, 'a report from the earlier scans');
    await click('scan-workspace');
    const document = await vscode.workspace.openTextDocument(workspaceUri(WATCHED_MODULE));
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.One });
    await waitFor('diagnostics of the opened file', () => preflightDiagnostics(document.uri).some((d) => ruleIdOf(d) === 'missing-timeout'), 60_000);
    assert.equal((await state()).busy, true, 'the scan should still be running when the opened file has its diagnostics');

    const scanning = await waitForRendered('the scan progress', (shown) => /Scanning workspace · (?:(?:Analysing|Reading project facts) \(\d+\/\d+\) · )+\d+%/.test(shown.text), 60_000);
    assert.match(scanning.html, /data-key="cancel-scan"/);
    await screenshot('checklist-scanning');

    await click('cancel-scan');
    await waitUntil('the scan to stop', async () => !(await state()).busy, 10_000);
    const after = await state();
    assert.equal(after.error, null);
    assert.deepEqual(after.model?.scope, previous.model?.scope, 'the last report stays after Cancel');
    const shown = await snapshot();
    assert.doesNotMatch(shown.html, /data-key="cancel-scan"/);
  });

  it('a workspace scan left to finish shows the workspace report', async () => {
    await click('scan-workspace');
    await waitUntil('the workspace scan to finish', async () => {
      const current = await state();
      return !current.busy && current.model !== null && /workspace/i.test(current.model.scope.text);
    }, 240_000);
    assert.equal((await state()).error, null);
    await screenshot('checklist-after-scan');
  });
});
