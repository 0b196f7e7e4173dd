import type { KindToNodeMappings, Node, SourceFile, SyntaxKind } from 'ts-morph';
import type { PreviousVersion } from '../facts/previous-version';
import type { Category, Fix, Severity } from '../engine/finding';
import type { FileFacts } from '../facts';
import type { ProgramFacts } from '../facts/process-handlers';
import type { FixesConfig } from '../config/types';
import type { Migration } from '../facts/migrations';

/** An option a rule reads from its config setting (`["warning", { "maxRows": 500 }]`): documented and validated from here. */
export interface RuleOption {
  name: string;
  /** What it changes (Markdown, one sentence). */
  description: string;
  type: 'integer';
  default: number;
  minimum?: number;
  maximum?: number;
}

export interface RuleExample {
  /** Code that the rule flags. */
  bad: string;
  /** The same code, fixed. */
  good: string;
}

/**
 * Everything the docs, hovers, CLI and checklist say about a rule.
 * Written once, beside the rule's logic; docs/rules/<id>.md is generated from it.
 */
export interface RuleMeta {
  id: string;
  title: string;
  category: Category;
  defaultSeverity: Severity;
  /**
   * Why this fails in production, in at most three sentences (Markdown): the
   * hover, the opening of the rule's docs and the config schema's description.
   * Every shipped rule has one (a test checks); without it the first sentences of `explanation` stand in.
   */
  summary?: string;
  /** How this fails in production: the story of the outage (Markdown). */
  explanation: string;
  /** The fix in at most three lines (Markdown, one line each): the hover, and the opening of the docs' "How to fix it". */
  shortFix?: string;
  /** How to fix it (Markdown). */
  fix: string;
  /** What the rule deliberately does not flag, for the docs (Markdown list items). */
  notFlagged?: string[];
  examples: RuleExample[];
  /** The options the rule reads from `["severity", { ... }]`, for the docs and the config schema. */
  options?: RuleOption[];
  /** The language of the examples (default `ts`): `sql` for SQL migration files, `js` for JavaScript migrations. */
  exampleLanguage?: 'ts' | 'js' | 'sql';
  /** Needs the type checker (slower: builds the program). */
  usesTypes?: boolean;
  /** The CWE weaknesses this failure is an instance of, where one applies (docs, SARIF `external/cwe/cwe-N` tags). */
  cwe?: readonly number[];
}

export interface FindingReport {
  /** The smallest node that shows the problem: the call, not the statement. */
  node: Node;
  message: string;
  fixes?: Fix[];
  related?: { node: Node; message: string }[];
  /**
   * A finding graver than the rule's default (permissive-cors: any origin with credentials is an `error`).
   * Used only while the rule runs at its default severity; a configured severity wins.
   */
  severity?: Severity;
}

export interface RuleContext {
  sourceFile: SourceFile;
  facts: FileFacts;
  /** What the program the file belongs to does with failures nobody handled (process-level handlers). */
  program: ProgramFacts;
  /** Rule options from config (`["error", { ... }]`), or undefined. */
  options: Record<string, unknown> | undefined;
  /** What quick-fixes write (config `fixes`, editor `preflight.fixes`): the timeout a timeout fix sets. */
  fixes: FixesConfig;
  report(finding: FindingReport): void;
}

/**
 * What a rule listens to, as ESLint rule listeners: the engine walks each file
 * once and calls, in document order, the listener of every node kind a rule
 * subscribes to; `onFileEnd` runs after the walk (for rules that ask the facts
 * layer for whole-file answers, such as every outbound HTTP call).
 */
export type RuleListeners = { [K in SyntaxKind]?: (node: K extends keyof KindToNodeMappings ? KindToNodeMappings[K] : Node) => void } & {
  onFileEnd?: () => void;
};

/** A finding in a migration, by offsets in the migration's file (a SQL file has no syntax tree of nodes). */
export interface MigrationFindingReport {
  start: number;
  end: number;
  message: string;
  fixes?: Fix[];
  related?: { start: number; end: number; message: string }[];
}

export interface MigrationRuleContext {
  migration: Migration;
  /** The migration file's text. */
  text: string;
  options: Record<string, unknown> | undefined;
  fixes: FixesConfig;
  /** The version still running during the deploy, from git, when the surface could tell (facts/previous-version). */
  previousVersion?: PreviousVersion;
  report(finding: MigrationFindingReport): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Called once per file; returns the listeners for that file. */
  create(context: RuleContext): RuleListeners;
  /**
   * For migration rules: called once per migration, a SQL migration file or a
   * JS/TS migration module (facts/migrations), after the file's walk.
   */
  migration?(context: MigrationRuleContext): void;
}

/** The node kinds a rule's listeners subscribe to. */
export function listenedKinds(listeners: RuleListeners): SyntaxKind[] {
  return Object.keys(listeners)
    .filter((key) => key !== 'onFileEnd')
    .map((key) => Number(key) as SyntaxKind);
}

export function createRule(rule: Rule): Rule {
  if (!/^[a-z]+(-[a-z]+)*$/.test(rule.meta.id)) {
    throw new Error(`rule id must be kebab-case: ${rule.meta.id}`);
  }
  return rule;
}

/** The value of an integer option from the rule's config, or its declared default when unset or out of range. */
export function integerOption(meta: RuleMeta, options: Record<string, unknown> | undefined, name: string): number {
  const declared = meta.options?.find((option) => option.name === name);
  if (!declared) throw new Error(`rule ${meta.id} declares no option ${name}`);
  const value = options?.[name];
  const inRange = typeof value === 'number' && Number.isInteger(value) && value >= (declared.minimum ?? -Infinity) && value <= (declared.maximum ?? Infinity);
  return inRange ? value : declared.default;
}
