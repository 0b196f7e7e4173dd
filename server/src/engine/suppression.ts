import { ts, type SourceFile } from 'ts-morph';
import type { Finding, Range, Severity } from './finding';
import { closestName } from '../config/validate';
import { invalidSuppressionDate, suppressionMetaRules, suppressionWithoutReason, unknownRuleInSuppression } from '../rules/suppression-meta';
import { commentsContaining } from './comments';

export interface SuppressionOptions {
  knownRuleIds: ReadonlySet<string>;
  /** YYYY-MM-DD; suppressions with an `(until DATE)` before it have expired. */
  today?: string;
  /**
   * Severity of the findings about suppression comments themselves
   * (`suppression-without-reason`, `unknown-rule-in-suppression`) under the
   * current config; undefined turns them off. Default: their default severities.
   */
  metaSeverity?: (ruleId: string) => Severity | undefined;
}

/** A finding a `preflight-disable…` comment suppresses: kept out of diagnostics, listed as suppressed in SARIF. */
export interface SuppressedFinding {
  finding: Finding;
  /** The comment's reason; undefined when it gives none (or a placeholder). */
  reason?: string;
  /** Where the suppression comment is. */
  comment: Range;
}

export interface SuppressionOutcome {
  /** What stays reported, plus findings about the comments themselves. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

export type SuppressionScope = 'next-line' | 'line' | 'rest-of-file';

export interface SuppressedRuleId {
  id: string;
  /** Offsets of the id in the file text. */
  start: number;
  end: number;
}

/** One `preflight-disable…` comment, parsed. */
export interface SuppressionComment {
  scope: SuppressionScope;
  /** The rules it names; empty means every rule. */
  ruleIds: SuppressedRuleId[];
  /** The text after `--`, without the `(until …)` part; undefined when missing, empty or a placeholder. */
  reason?: string;
  /** The placeholder written where the reason belongs (`TODO`, `…`, `<reason>`), if that is what the comment has. */
  placeholderReason?: string;
  /** YYYY-MM-DD from `(until YYYY-MM-DD)`. */
  until?: string;
  /** The text of an `(until …)` that is not a real YYYY-MM-DD date (the suppression then never expires). */
  invalidUntil?: string;
  /** Offsets of the whole comment. */
  start: number;
  end: number;
  /** 0-based line the comment starts on and ends on. */
  startLine: number;
  endLine: number;
}

const MARKER = 'preflight-disable';
const DIRECTIVE = /^([\s*]*)(preflight-disable(?:-next-line|-line)?)(?=\s|$)/;
const UNTIL = /\(\s*until\s+(\d{4}-\d{2}-\d{2})\s*\)/i;
/** Any `(until …)`, to tell a date that is not a real YYYY-MM-DD one. */
const ANY_UNTIL = /\(\s*until\b\s*([^)]*?)\s*\)/i;
const RULE_ID_TOKEN = /[^\s,]+/g;

/**
 * What people write where a reason should be (and what the docs' templates
 * say). A reason that is one of these (in any case, with any punctuation
 * around it), only punctuation, or a whole `<template slot>` is a placeholder,
 * not a reason: the suppression still holds but is reported as having no reason.
 */
export const PLACEHOLDER_REASONS: readonly string[] = [
  'todo', 'tbd', 'fixme', 'xxx', 'reason', 'why', 'because', 'n/a', 'na', 'none',
  'why this is safe here', 'reason here', 'add reason',
];
const PUNCTUATION_ONLY = /^[\p{P}\p{S}\s]*$/u;
const TEMPLATE_SLOT = /^<[^<>]*>$/;
const EDGE_PUNCTUATION = /^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu;

/** Whether the text written after `--` only holds the place of a reason (see PLACEHOLDER_REASONS). */
export function isPlaceholderReason(reason: string): boolean {
  const text = reason.trim();
  if (PUNCTUATION_ONLY.test(text) || TEMPLATE_SLOT.test(text)) return true;
  return PLACEHOLDER_REASONS.includes(text.replace(EDGE_PUNCTUATION, '').toLowerCase());
}

const SCOPES: Record<string, SuppressionScope> = {
  'preflight-disable': 'rest-of-file',
  'preflight-disable-next-line': 'next-line',
  'preflight-disable-line': 'line',
};

/** Today's date in the local time zone, YYYY-MM-DD. */
export function localDate(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function isRealDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** A comment of the file: its offsets and whether it is a block comment. */
export interface CommentText {
  pos: number;
  end: number;
  block: boolean;
}

/**
 * The file whose suppression comments apply, whatever its language: its text,
 * its comments that hold the marker, and line/character positions of offsets.
 */
export interface SuppressionSource {
  file: string;
  text: string;
  comments: readonly CommentText[];
  position(offset: number): Range['start'];
}

function typeScriptSource(sourceFile: SourceFile): SuppressionSource {
  const compiled = sourceFile.compilerNode;
  return {
    file: sourceFile.getFilePath(),
    text: compiled.text,
    comments: commentsContaining(compiled, MARKER).map((range) => ({ pos: range.pos, end: range.end, block: range.kind === ts.SyntaxKind.MultiLineCommentTrivia })),
    position: (offset) => compiled.getLineAndCharacterOfPosition(offset),
  };
}

function parseComment(source: SuppressionSource, range: CommentText): SuppressionComment | undefined {
  const text = source.text;
  const isBlock = range.block;
  const bodyStart = range.pos + 2;
  const body = text.slice(bodyStart, isBlock ? range.end - 2 : range.end);
  const directive = DIRECTIVE.exec(body);
  if (!directive) return undefined;
  const argumentsStart = directive[1]!.length + directive[2]!.length;
  const rest = body.slice(argumentsStart);
  const separator = rest.indexOf('--');
  const idsText = separator === -1 ? rest : rest.slice(0, separator);
  const ruleIds: SuppressedRuleId[] = [];
  for (const match of idsText.matchAll(RULE_ID_TOKEN)) {
    const start = bodyStart + argumentsStart + match.index!;
    ruleIds.push({ id: match[0], start, end: start + match[0].length });
  }
  let reasonText = separator === -1 ? '' : rest.slice(separator + 2).replace(/\n\s*\*?/g, ' ');
  let until: string | undefined;
  const untilMatch = UNTIL.exec(reasonText);
  let invalidUntil: string | undefined;
  if (untilMatch && isRealDate(untilMatch[1]!)) {
    until = untilMatch[1];
    reasonText = reasonText.replace(untilMatch[0], ' ');
  } else {
    invalidUntil = ANY_UNTIL.exec(reasonText)?.[1];
  }
  const reason = reasonText.replace(/\s+/g, ' ').trim();
  const placeholder = reason !== '' && isPlaceholderReason(reason);
  return {
    scope: SCOPES[directive[2]!]!,
    ruleIds,
    reason: reason === '' || placeholder ? undefined : reason,
    placeholderReason: placeholder ? reason : undefined,
    until,
    invalidUntil,
    start: range.pos,
    end: range.end,
    startLine: source.position(range.pos).line,
    endLine: source.position(range.end).line,
  };
}

/** Every `preflight-disable…` comment in the file, in order. */
export function findSuppressionComments(sourceFile: SourceFile): SuppressionComment[] {
  return suppressionCommentsIn(typeScriptSource(sourceFile));
}

function suppressionCommentsIn(source: SuppressionSource): SuppressionComment[] {
  return source.comments.filter((range) => source.text.slice(range.pos, range.end).includes(MARKER)).flatMap((range) => parseComment(source, range) ?? []);
}

function covers(comment: SuppressionComment, finding: Finding): boolean {
  if (comment.ruleIds.length > 0 && !comment.ruleIds.some((r) => r.id === finding.ruleId)) return false;
  switch (comment.scope) {
    case 'next-line':
      return finding.range.start.line === comment.endLine + 1;
    case 'line':
      return finding.range.start.line === comment.startLine;
    case 'rest-of-file':
      return finding.startOffset >= comment.start;
  }
}

function rangeBetween(source: SuppressionSource, start: number, end: number): Range {
  return { start: source.position(start), end: source.position(end) };
}

function describeIds(comment: SuppressionComment): string {
  return comment.ruleIds.length === 0 ? 'all rules' : comment.ruleIds.map((r) => r.id).join(', ');
}

function missingReasonMessage(comment: SuppressionComment): string {
  const subject = `Suppression of ${describeIds(comment)}`;
  if (comment.placeholderReason !== undefined) {
    return `${subject} gives a placeholder ("${comment.placeholderReason}") instead of a reason: replace it with why this is safe here, so the next reviewer can judge it.`;
  }
  return `${subject} gives no reason: add "-- why this is safe here" so the next reviewer can judge it.`;
}

/** Findings about the comments themselves: a missing reason, an unknown rule id. */
function commentFindings(source: SuppressionSource, comments: SuppressionComment[], options: SuppressionOptions): Finding[] {
  const file = source.file;
  const severityOf = options.metaSeverity ?? ((id: string) => suppressionMetaRules.find((rule) => rule.meta.id === id)?.meta.defaultSeverity);
  const findings: Finding[] = [];
  const add = (ruleId: string, start: number, end: number, message: string, fixes: Finding['fixes'] = []) => {
    const severity = severityOf(ruleId);
    if (!severity) return;
    findings.push({ ruleId, severity, category: 'preflight', message, file, range: rangeBetween(source, start, end), startOffset: start, endOffset: end, fixes, related: [] });
  };
  for (const comment of comments) {
    if (comment.invalidUntil !== undefined) {
      add(
        invalidSuppressionDate.meta.id,
        comment.start,
        comment.end,
        `Suppression date "${comment.invalidUntil}" is not a real YYYY-MM-DD date, so this suppression never expires: write it as (until YYYY-MM-DD) with a date that exists.`,
      );
    }
    if (comment.reason === undefined) {
      add(suppressionWithoutReason.meta.id, comment.start, comment.end, missingReasonMessage(comment));
    }
    for (const ruleId of comment.ruleIds) {
      if (options.knownRuleIds.has(ruleId.id)) continue;
      const suggestion = closestName(ruleId.id, options.knownRuleIds);
      const hint = suggestion ? ` Did you mean "${suggestion}"?` : ' Run `preflight rules` for the list; a reason goes after "--".';
      add(
        unknownRuleInSuppression.meta.id,
        ruleId.start,
        ruleId.end,
        `Unknown rule "${ruleId.id}" in suppression comment: it suppresses nothing.${hint}`,
        suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ start: ruleId.start, end: ruleId.end, newText: suggestion }] }] : [],
      );
    }
  }
  return findings;
}

/**
 * Applies `preflight-disable*` comments (see contracts.md, "Suppression comments"):
 * moves the findings they cover to `suppressed`, keeps those whose suppression has expired (with
 * the comment as a related location), and adds findings about the comments
 * themselves (no reason, unknown rule id).
 */
export function applySuppressions(sourceFile: SourceFile, findings: Finding[], options: SuppressionOptions): SuppressionOutcome {
  if (!sourceFile.getFullText().includes(MARKER)) return { findings, suppressed: [] };
  return applyTextSuppressions(typeScriptSource(sourceFile), findings, options);
}

/** As applySuppressions, for a file of any language (SQL migrations). */
export function applyTextSuppressions(source: SuppressionSource, findings: Finding[], options: SuppressionOptions): SuppressionOutcome {
  if (!source.text.includes(MARKER)) return { findings, suppressed: [] };
  const comments = suppressionCommentsIn(source);
  if (comments.length === 0) return { findings, suppressed: [] };
  const today = options.today ?? localDate();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const covering = comments.filter((comment) => covers(comment, finding));
    const active = covering.find((comment) => comment.until === undefined || comment.until >= today);
    if (active) {
      suppressed.push({ finding, reason: active.reason, comment: rangeBetween(source, active.start, active.end) });
      continue;
    }
    const expired = covering.map((comment) => ({
      range: rangeBetween(source, comment.start, comment.end),
      message: `Suppression expired on ${comment.until}.`,
    }));
    kept.push(expired.length > 0 ? { ...finding, related: [...finding.related, ...expired] } : finding);
  }
  return { findings: [...kept, ...commentFindings(source, comments, options)], suppressed };
}
