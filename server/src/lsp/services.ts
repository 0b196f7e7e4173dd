import type { AnalysisProject } from '../parse/project';
import type { ResolvedConfig } from '../config/types';
import type { Finding } from '../engine/finding';
import type { ChecklistReport } from '../checklist/types';
import type { TestCodeClassifier } from '../workspace/test-code';

/** A workspace folder the client opened. */
export interface WorkspaceFolderInfo {
  uri: string;
  name: string;
  /** Absolute path (only file: folders are listed). */
  path: string;
}

/** The latest analysis of one open document. */
export interface DocumentFindings {
  uri: string;
  /** The path the document is analysed under (absolute for file: documents). */
  filePath: string;
  /** The document version these findings belong to. */
  version: number;
  findings: readonly Finding[];
}

export interface Disposable {
  dispose(): void;
}

/**
 * What the language server shares with features built on top of it (the
 * readiness checklist requests). Everything here reflects the live session.
 */
export interface PreflightServices {
  /** The session's single analysis project; open documents are held in it at their editor text. */
  readonly project: AnalysisProject;
  /** False in VS Code's Restricted Mode: do not run programs (git) on the workspace's behalf. */
  workspaceTrusted(): boolean;
  /** The workspace folders currently open. */
  workspaceFolders(): WorkspaceFolderInfo[];
  /** The resolved configuration (preflight.config.json + editor settings) for a workspace folder path. */
  configFor(folderPath: string): ResolvedConfig;
  /** The latest findings of every open, analysed document. */
  latestFindings(): DocumentFindings[];
  /** The latest findings of one open document, if it has been analysed. */
  findingsFor(uri: string): DocumentFindings | undefined;
  /** Called after an open document's findings were replaced or cleared. */
  onFindingsChanged(listener: (uri: string) => void): Disposable;
  /** Called after the configuration (file or settings) was reloaded. */
  onConfigChanged(listener: () => void): Disposable;
  /**
   * The folder's test-code classifier, shared with the editor analysis: its package import scans are
   * kept between scans and forgotten as watched files change. Undefined when the client does not
   * report file changes (then each scan makes its own).
   */
  testCodeClassifier(folderPath: string): TestCodeClassifier | undefined;
  /** A checklist scan finished: its findings go to the Problems panel when `preflight.problems.scope` is `workspace`. */
  showScanFindings(folderPath: string, report: ChecklistReport): void;
  /** Writes to the server's log (the client's output channel). */
  log(level: 'info' | 'warn' | 'error', message: string): void;
}
