import { allRules } from '../rules';
import { DEFAULT_CONFIG } from '../config/types';
import { sqlFileMigration } from '../facts/migrations';
import { effectiveSeverity, runMigrationRule, sortFindings, type AnalyzeOptions, type FileAnalysis, type RuleFailure } from './analyze';
import type { Finding, Position } from './finding';
import { applyTextSuppressions } from './suppression';
import { sqlCommentRanges } from '../parse/sql';

/** 0-based line and character of each offset of `text`. */
export function positionsOf(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - lineStarts[low] };
  };
}

/**
 * Runs the migration rules over a SQL migration file (the parser must be
 * loaded: parse/sql loadSqlParser). The file's `preflight-disable` comments
 * (`-- preflight-disable-next-line blocking-migration -- reason`) apply as in
 * JavaScript files.
 */
export function analyzeSqlFile(file: string, text: string, options: AnalyzeOptions = {}): FileAnalysis {
  const config = options.config ?? DEFAULT_CONFIG;
  const rules = options.rules ?? allRules;
  const migration = options.migration ?? sqlFileMigration(file, text);
  const position = positionsOf(text);
  const ruleFailures: RuleFailure[] = [];
  const findings: Finding[] = [];
  for (const rule of rules) {
    const severity = effectiveSeverity(rule, config);
    if (!severity || !rule.migration) continue;
    const found: Finding[] = [];
    try {
      runMigrationRule(rule, migration, text, config, position, found, severity, options.previousVersion);
      findings.push(...found);
    } catch (error) {
      const failure = { ruleId: rule.meta.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      ruleFailures.push(failure);
      options.onRuleFailure?.(failure, file);
    }
  }
  const knownRuleIds = new Set([...allRules, ...rules].map((r) => r.meta.id));
  const metaSeverity = (ruleId: string) => {
    const rule = rules.find((r) => r.meta.id === ruleId);
    return rule && effectiveSeverity(rule, config);
  };
  const outcome = applyTextSuppressions({ file, text, comments: sqlCommentRanges(text), position }, findings, { knownRuleIds, today: options.today, metaSeverity });
  return { file, findings: sortFindings(outcome.findings), ruleFailures, suppressed: outcome.suppressed };
}
