import type { SourceFile } from 'ts-morph';
import type { Finding } from './finding';

export interface SuppressionOptions {
  knownRuleIds: ReadonlySet<string>;
  /** YYYY-MM-DD; suppressions with an `(until DATE)` before it have expired. */
  today?: string;
}

/**
 * Applies `preflight-disable*` comments (see contracts.md, "Suppression comments").
 * TODO(cli helper): implement; for now every finding is kept.
 */
export function applySuppressions(_sourceFile: SourceFile, findings: Finding[], _options: SuppressionOptions): Finding[] {
  return findings;
}
