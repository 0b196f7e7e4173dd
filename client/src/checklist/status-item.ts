import * as vscode from 'vscode';
import type { ChecklistReport } from 'preflight-server/out/checklist/types';
import { statusBarText, summaryText } from './view-model';

/** The status-bar item with the branch's blocking count; clicking it reveals the checklist view. */
export class ChecklistStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(revealCommand: string) {
    this.item = vscode.window.createStatusBarItem('preflight.checklistStatus', vscode.StatusBarAlignment.Left, 40);
    this.item.name = 'Preflight readiness';
    this.item.command = { title: 'Show the readiness checklist', command: revealCommand };
  }

  /** Shown from the first report on. */
  update(report: ChecklistReport): void {
    const branch = report.scope.branch ? ` on ${report.scope.branch}` : '';
    this.item.text = statusBarText(report.summary);
    this.item.backgroundColor = report.summary.blocking > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.tooltip = `Preflight readiness${branch}: ${summaryText(report.summary)}. Click to open the checklist.`;
    this.item.accessibilityInformation = { label: `Preflight readiness${branch}: ${summaryText(report.summary)}` };
    this.item.show();
  }

  /** The item's text, for the e2e suite. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
