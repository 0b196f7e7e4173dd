import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { ChecklistReport } from '../checklist/types';
import { isAnalysablePath } from '../parse/project';
import { scanFindingDiagnostic } from './diagnostics';
import { pathToFileUri } from './paths';

/** What the workspace problems need from the server: where to send diagnostics, and which files are open. */
export interface WorkspaceProblemsHost {
  send(uri: string, diagnostics: Diagnostic[]): void;
  isOpen(filePath: string): boolean;
}

/**
 * `preflight.problems.scope: workspace`: the findings of every file a checklist
 * scan analysed, published to the Problems panel as SonarLint publishes its
 * "analyse all files" results. An open file shows its own live analysis
 * instead; a file that is closed again shows the findings of its last analysis.
 */
export class WorkspaceProblems {
  /** Per workspace folder: the diagnostics held for each file (absolute path), `[]` for a file scanned clean. */
  private readonly folders = new Map<string, Map<string, Diagnostic[]>>();

  constructor(private readonly host: WorkspaceProblemsHost) {}

  /** Takes a scan's findings: a workspace scan replaces the folder's, a changed-files scan those of its files. */
  publishScan(folderPath: string, report: ChecklistReport): void {
    const scanned = scannedDiagnostics(report);
    const held = this.folders.get(folderPath) ?? new Map<string, Diagnostic[]>();
    if (report.scope.kind === 'workspace') {
      for (const file of held.keys()) if (!scanned.has(file)) this.update(held, file, undefined);
    }
    for (const [file, diagnostics] of scanned) this.update(held, file, diagnostics);
    this.folders.set(folderPath, held);
  }

  /** An opened file shows its live analysis: its scan findings leave the Problems panel until it closes. */
  opened(filePath: string): void {
    if (this.holding(filePath)) this.host.send(pathToFileUri(filePath), []);
  }

  /** A closed file that scans cover keeps the findings of its last analysis. Returns whether it did. */
  closed(filePath: string, latest: Diagnostic[] | undefined): boolean {
    const held = this.holding(filePath);
    if (!held) return false;
    if (latest) held.set(path.resolve(filePath), latest);
    this.host.send(pathToFileUri(filePath), held.get(path.resolve(filePath)) ?? []);
    return true;
  }

  /** Clears the folders where the setting no longer asks for workspace problems. */
  keepFolders(wanted: (folderPath: string) => boolean): void {
    for (const [folderPath, held] of this.folders) {
      if (wanted(folderPath)) continue;
      for (const file of held.keys()) if (!this.host.isOpen(file)) this.host.send(pathToFileUri(file), []);
      this.folders.delete(folderPath);
    }
  }

  private holding(filePath: string): Map<string, Diagnostic[]> | undefined {
    const file = path.resolve(filePath);
    for (const held of this.folders.values()) if (held.has(file)) return held;
    return undefined;
  }

  /** Sets (or, for `undefined`, drops) a file's held diagnostics and shows them unless the file is open. */
  private update(held: Map<string, Diagnostic[]>, file: string, diagnostics: Diagnostic[] | undefined): void {
    const before = held.get(file);
    if (diagnostics) held.set(file, diagnostics);
    else held.delete(file);
    const now = diagnostics ?? [];
    if (this.host.isOpen(file) || (before !== undefined && sameDiagnostics(before, now)) || (before === undefined && now.length === 0)) return;
    this.host.send(pathToFileUri(file), now);
  }
}

/** Every file the scan analysed (absolute path) with its findings as diagnostics; `[]` for a file with none. */
function scannedDiagnostics(report: ChecklistReport): Map<string, Diagnostic[]> {
  const byFile = new Map<string, Diagnostic[]>();
  const absolute = (file: string): string => path.resolve(report.root, file);
  // A changed-files scope also lists migrations and manifests, which hold no findings of their own.
  for (const file of report.scope.files) if (report.scope.kind === 'workspace' || isAnalysablePath(file)) byFile.set(absolute(file), []);
  for (const section of report.sections) {
    for (const finding of section.findings) {
      const file = absolute(finding.file);
      byFile.set(file, [...(byFile.get(file) ?? []), scanFindingDiagnostic(finding)]);
    }
  }
  return byFile;
}

function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
