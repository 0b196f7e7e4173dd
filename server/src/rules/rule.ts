import type { Node, SourceFile } from 'ts-morph';
import type { Category, Fix, Severity } from '../engine/finding';
import type { FileFacts } from '../facts';

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
  /** How this fails in production: the story of the outage (Markdown). */
  explanation: string;
  /** How to fix it (Markdown). */
  fix: string;
  /** What the rule deliberately does not flag, for the docs (Markdown list items). */
  notFlagged?: string[];
  examples: RuleExample[];
  /** Needs the type checker (slower: builds the program). */
  usesTypes?: boolean;
}

export interface FindingReport {
  /** The smallest node that shows the problem: the call, not the statement. */
  node: Node;
  message: string;
  fixes?: Fix[];
  related?: { node: Node; message: string }[];
}

export interface RuleContext {
  sourceFile: SourceFile;
  facts: FileFacts;
  /** Rule options from config (`["error", { ... }]`), or undefined. */
  options: Record<string, unknown> | undefined;
  report(finding: FindingReport): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export function createRule(rule: Rule): Rule {
  if (!/^[a-z]+(-[a-z]+)*$/.test(rule.meta.id)) {
    throw new Error(`rule id must be kebab-case: ${rule.meta.id}`);
  }
  return rule;
}
