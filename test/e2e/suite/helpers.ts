// Helpers for tests that run inside the VS Code extension host, against the real `vscode` API.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFinding, sortedFindings, type ExpectedFinding } from '../expected-findings';
import { E2E_ENV, screenshotMarker } from '../shared';

export const EXTENSION_ID = 'preflight.preflight';
export const DIAGNOSTIC_SOURCE = 'preflight';

/** Polls `probe` until it returns something other than undefined/false, or fails naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await delay(100);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The one folder of the run: a fresh copy of test/e2e/fixtures/workspace. */
export function workspaceRoot(): string {
  const folders = vscode.workspace.workspaceFolders;
  if (!folders || folders.length !== 1) throw new Error('the e2e host must open exactly one workspace folder');
  return folders[0].uri.fsPath;
}

export function workspaceUri(relativePath: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), relativePath));
}

export async function openInEditor(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  return vscode.window.showTextDocument(document, { preview: false });
}

export function preflightDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
}

/** The rule id of a diagnostic: VS Code gives `{ value, target }` when the server sent `codeDescription`. */
export function ruleIdOf(diagnostic: vscode.Diagnostic): string | undefined {
  const { code } = diagnostic;
  if (code === undefined || typeof code === 'string' || typeof code === 'number') return code?.toString();
  return code.value.toString();
}

/** Waits until the Preflight diagnostics of `uri` satisfy `accept`, and returns them. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  try {
    return await waitFor(what, () => {
      const diagnostics = preflightDiagnostics(uri);
      return accept(diagnostics) && diagnostics;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; Preflight reported ${listed(preflightDiagnostics(uri))}`);
  }
}

function listed(diagnostics: readonly vscode.Diagnostic[]): string {
  return diagnostics.map((d) => `${d.range.start.line}:${ruleIdOf(d)} (${vscode.DiagnosticSeverity[d.severity]})`).join(', ') || 'nothing';
}

/**
 * Waits for Preflight's report on a freshly opened document: until it has at least `expectedCount`
 * diagnostics, or it has reported something that then stays unchanged for a few seconds (so that a
 * missing finding fails the caller's assertions quickly, naming what was reported instead).
 */
export async function waitForReport(uri: vscode.Uri, expectedCount: number, settleMs = 4000): Promise<vscode.Diagnostic[]> {
  let last = '';
  let since = Date.now();
  return waitFor(`Preflight's diagnostics on ${vscode.workspace.asRelativePath(uri)}`, () => {
    const diagnostics = preflightDiagnostics(uri);
    const signature = JSON.stringify(diagnostics.map((d) => [ruleIdOf(d), d.range.start.line, d.range.start.character]));
    if (signature !== last) {
      last = signature;
      since = Date.now();
    }
    const settled = diagnostics.length > 0 && Date.now() - since >= settleMs;
    return (diagnostics.length >= expectedCount || settled) && diagnostics;
  });
}

/** The diagnostic of `ruleId` (on `line`, if given), or a failure that lists what was reported. */
export function findingOf(diagnostics: readonly vscode.Diagnostic[], ruleId: string, line?: number): vscode.Diagnostic {
  const found = diagnostics.find((d) => ruleIdOf(d) === ruleId && (line === undefined || d.range.start.line === line));
  if (!found) {
    throw new Error(`no ${ruleId} diagnostic${line === undefined ? '' : ` on line ${line}`}; Preflight reported ${listed(diagnostics)}`);
  }
  return found;
}

/** The diagnostics as expected-finding lines, to compare with test/e2e/expected-findings.ts. */
export function describeDiagnostics(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): string[] {
  const findings: ExpectedFinding[] = diagnostics.map((diagnostic) => ({
    ruleId: ruleIdOf(diagnostic) ?? '(no code)',
    line: diagnostic.range.start.line,
    text: document.getText(diagnostic.range),
  }));
  return sortedFindings(findings).map(describeFinding);
}

export function hasFinding(diagnostics: readonly vscode.Diagnostic[], ruleId: string, line?: number): boolean {
  return diagnostics.some((d) => ruleIdOf(d) === ruleId && (line === undefined || d.range.start.line === line));
}

/**
 * Asks the host for a screenshot of the workbench as it is now, and waits until it is written.
 * Only the offline code-server host takes screenshots; a desktop VS Code run skips them.
 */
export async function screenshot(name: string): Promise<void> {
  const dir = process.env[E2E_ENV.artifactsDir];
  if (process.env[E2E_ENV.screenshots] !== '1' || !dir) {
    console.log(`(screenshot ${name} skipped: this host does not take screenshots)`);
    return;
  }
  const file = path.join(dir, `${name}.png`);
  const asked = Date.now();
  console.log(screenshotMarker(name));
  await waitFor(`screenshot ${file}`, () => fs.existsSync(file) && fs.statSync(file).mtimeMs >= asked - 1000, 20_000);
}

/** What a checklist webview rendered, as the `preflight.test.checklistSnapshot` command answers. */
export interface ChecklistSnapshot {
  clicked: boolean;
  text: string;
  html: string;
}

export async function checklistSnapshot(): Promise<ChecklistSnapshot> {
  return (await vscode.commands.executeCommand('preflight.test.checklistSnapshot')) as ChecklistSnapshot;
}

/** Polls the rendered checklist webview (which may still be resolving) until `accept` holds. */
export async function waitForRendered(what: string, accept: (snapshot: ChecklistSnapshot) => boolean, timeoutMs = 30_000): Promise<ChecklistSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing: no checklist webview answered';
  for (;;) {
    try {
      const shown = await checklistSnapshot();
      if (accept(shown)) return shown;
      last = shown.text;
    } catch (error) {
      last = `nothing: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the panel to show ${what}; it shows ${last}`);
    await delay(250);
  }
}
