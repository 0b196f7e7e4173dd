/** Severities as users configure them; `off` disables a rule. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export type Category =
  | 'resilience'
  | 'error-handling'
  | 'data-integrity'
  | 'security'
  | 'performance'
  | 'operability'
  | 'migrations'
  | 'preflight';

/** 0-based line and character (UTF-16 code units), as in LSP. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of the text between two offsets of the analysed file. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/**
 * A change to a file other than the analysed one, made together with the
 * fix's own edits: a dependency added to package.json, a helper module created.
 */
export interface FileChange {
  /** Absolute path. */
  file: string;
  /** The file does not exist yet: create it with this text. */
  create?: string;
  /** Replacements in the file's text as the analysis read it from disk. */
  edits?: TextEdit[];
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Changes to other files that the fix needs (never the analysed file itself). */
  files?: FileChange[];
  /**
   * Safe to apply unreviewed, together with every other such fix in the file
   * (`source.fixAll.preflight`, e.g. on save): it keeps what the code does on
   * every path and only adds a record of a failure. A fix that makes a choice
   * the author should make (a timeout value, awaiting, rethrowing) is not;
   * neither is anything that suppresses a finding. Default false.
   */
  batchable?: boolean;
  /**
   * Text in the edits that the user must replace before the fix is done (a
   * stable id the rule could not find in scope). Editors that take snippet
   * edits select it; others insert it as written, and the rule goes on
   * reporting until it is replaced. A fix with a placeholder is never batchable.
   */
  placeholder?: string;
}

export interface RelatedLocation {
  range: Range;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  category: Category;
  message: string;
  /** Absolute file path. */
  file: string;
  range: Range;
  /** Offsets of the range in the analysed text, for fixes and suppression. */
  startOffset: number;
  endOffset: number;
  fixes: Fix[];
  related: RelatedLocation[];
}
