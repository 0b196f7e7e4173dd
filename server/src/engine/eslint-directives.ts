import { ts, type SourceFile } from 'ts-morph';
import type { Finding } from './finding';
import { commentsContaining } from './comments';
import { preflightEquivalentsOf } from '../facts/tables/eslint-equivalents';

export type EslintDirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

/** One `eslint-disable…` / `eslint-enable` comment, parsed as ESLint reads it. */
export interface EslintDirective {
  kind: EslintDirectiveKind;
  /** The ESLint rule ids it names; empty means every rule. */
  ruleIds: string[];
  /** The text after ` -- `, if any. */
  description?: string;
  /** Offsets of the whole comment. */
  start: number;
  end: number;
  /** 0-based lines the comment starts and ends on. */
  startLine: number;
  endLine: number;
}

const MARKER = 'eslint-';
const DIRECTIVE = /^[\s*]*eslint-(disable-next-line|disable-line|disable|enable)(?=\s|$)/;
/** ESLint's separator between the rule list and a description: two or more dashes with whitespace around. */
const DESCRIPTION_SEPARATOR = /\s-{2,}\s/;

function parseDirective(sourceFile: ts.SourceFile, range: ts.CommentRange): EslintDirective | undefined {
  const isBlock = range.kind === ts.SyntaxKind.MultiLineCommentTrivia;
  const body = sourceFile.text.slice(range.pos + 2, isBlock ? range.end - 2 : range.end);
  const directive = DIRECTIVE.exec(body);
  if (!directive) return undefined;
  const rest = `${body.slice(directive[0].length)} `;
  const separator = DESCRIPTION_SEPARATOR.exec(rest);
  const list = separator ? rest.slice(0, separator.index) : rest;
  const description = separator ? rest.slice(separator.index + separator[0].length).replace(/\s+/g, ' ').trim() : '';
  return {
    kind: directive[1] as EslintDirectiveKind,
    ruleIds: list.split(',').map((id) => id.trim()).filter((id) => id !== ''),
    description: description === '' ? undefined : description,
    start: range.pos,
    end: range.end,
    startLine: sourceFile.getLineAndCharacterOfPosition(range.pos).line,
    endLine: sourceFile.getLineAndCharacterOfPosition(range.end).line,
  };
}

/** Every ESLint directive comment in the file, in order. */
export function findEslintDirectives(sourceFile: SourceFile): EslintDirective[] {
  const compiled = sourceFile.compilerNode;
  return commentsContaining(compiled, MARKER).flatMap((range) => parseDirective(compiled, range) ?? []);
}

/** Where a directive switches off one ESLint rule: a line, or offsets up to the matching `eslint-enable`. */
type Coverage = { line: number } | { from: number; to: number };

interface Acknowledgement {
  directive: EslintDirective;
  eslintRuleId: string;
  coverage: Coverage;
}

/** The end of a block `eslint-disable` of `ruleId`: the next `eslint-enable` naming it (or naming nothing). */
function blockEnd(directives: EslintDirective[], after: number, ruleId: string, fileEnd: number): number {
  const enable = directives.find(
    (directive) => directive.kind === 'enable' && directive.start >= after && (directive.ruleIds.length === 0 || directive.ruleIds.includes(ruleId)),
  );
  return enable ? enable.start : fileEnd;
}

function coverageOf(directive: EslintDirective, ruleId: string, directives: EslintDirective[], fileEnd: number): Coverage | undefined {
  switch (directive.kind) {
    case 'disable-next-line':
      return { line: directive.endLine + 1 };
    case 'disable-line':
      return { line: directive.startLine };
    case 'disable':
      return { from: directive.end, to: blockEnd(directives, directive.end, ruleId, fileEnd) };
    case 'enable':
      return undefined;
  }
}

/**
 * What each Preflight rule is acknowledged for, by directives that name an
 * equivalent ESLint rule. A directive naming no rule (`eslint-disable-line`
 * alone) switches ESLint off wholesale and acknowledges nothing in particular.
 */
function acknowledgementsByRule(directives: EslintDirective[], fileEnd: number): Map<string, Acknowledgement[]> {
  const byRule = new Map<string, Acknowledgement[]>();
  for (const directive of directives) {
    for (const eslintRuleId of directive.ruleIds) {
      const coverage = coverageOf(directive, eslintRuleId, directives, fileEnd);
      if (!coverage) continue;
      for (const preflightRuleId of preflightEquivalentsOf(eslintRuleId)) {
        byRule.set(preflightRuleId, [...(byRule.get(preflightRuleId) ?? []), { directive, eslintRuleId, coverage }]);
      }
    }
  }
  return byRule;
}

function covers(coverage: Coverage, finding: Finding): boolean {
  if ('line' in coverage) return finding.range.start.line === coverage.line;
  return finding.startOffset >= coverage.from && finding.startOffset < coverage.to;
}

function acknowledgedMessage(finding: Finding, acknowledgement: Acknowledgement): string {
  const { directive, eslintRuleId } = acknowledgement;
  const why = directive.description ? ` (${directive.description})` : '';
  return `${finding.message} Acknowledged by \`eslint-${directive.kind} ${eslintRuleId}\`${why}, so reported as a hint.`;
}

/**
 * ESLint directives for an equivalent rule (`// eslint-disable-next-line no-empty`
 * above an empty catch) are the author's acknowledgement of the finding: it is
 * kept, at hint severity, with a message that says which directive acknowledged it.
 */
export function applyEslintDirectives(sourceFile: SourceFile, findings: Finding[]): Finding[] {
  if (!sourceFile.getFullText().includes(MARKER)) return findings;
  const directives = findEslintDirectives(sourceFile);
  if (directives.length === 0) return findings;
  const byRule = acknowledgementsByRule(directives, sourceFile.getEnd());
  return findings.map((finding) => {
    const acknowledgement = byRule.get(finding.ruleId)?.find((candidate) => covers(candidate.coverage, finding));
    return acknowledgement ? { ...finding, severity: 'hint', message: acknowledgedMessage(finding, acknowledgement) } : finding;
  });
}
