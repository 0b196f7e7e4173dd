// The verdict ledger (test/corpus/verdicts.tsv): one judged finding per row, by location only.
// It never holds code from the corpus repositories: repo, path, line, rule, verdict, reason.
import * as fs from 'node:fs';

export type Verdict = 'TP' | 'FP';

export interface LedgerRow {
  repo: string;
  path: string;
  line: number;
  rule: string;
  verdict: Verdict;
  reason: string;
}

export const LEDGER_HEADER = ['repo', 'path', 'line', 'rule', 'verdict', 'reason'] as const;

/** The identity of a finding in the ledger: several findings of one rule on one line share a verdict. */
export function ledgerKey(row: { repo: string; path: string; line: number; rule: string }): string {
  return `${row.repo}\t${row.path}\t${row.line}\t${row.rule}`;
}

export class LedgerError extends Error {}

export function parseLedger(text: string, source: string): LedgerRow[] {
  const rows: LedgerRow[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || (index === 0 && line.startsWith('repo\t'))) return;
    const cells = line.split('\t');
    const where = `${source}:${index + 1}`;
    if (cells.length !== LEDGER_HEADER.length) throw new LedgerError(`${where}: expected ${LEDGER_HEADER.length} tab-separated cells, found ${cells.length}`);
    const [repo, path, lineText, rule, verdict, reason] = cells as [string, string, string, string, string, string];
    const lineNumber = Number(lineText);
    if (!Number.isInteger(lineNumber) || lineNumber < 1) throw new LedgerError(`${where}: line must be a positive integer, not "${lineText}"`);
    if (verdict !== 'TP' && verdict !== 'FP') throw new LedgerError(`${where}: verdict must be TP or FP, not "${verdict}"`);
    if (reason.trim() === '') throw new LedgerError(`${where}: a verdict needs a reason`);
    rows.push({ repo, path, line: lineNumber, rule, verdict, reason });
  });
  return rows;
}

export function readLedger(file: string): Map<string, LedgerRow> {
  const rows = fs.existsSync(file) ? parseLedger(fs.readFileSync(file, 'utf8'), file) : [];
  const byKey = new Map<string, LedgerRow>();
  for (const row of rows) {
    const key = ledgerKey(row);
    if (byKey.has(key)) throw new LedgerError(`${file}: ${key.replace(/\t/g, ':')} is judged twice`);
    byKey.set(key, row);
  }
  return byKey;
}

/** Rows sorted by repo, path, line, rule, so that a diff of the ledger shows only what changed. */
export function formatLedger(rows: Iterable<LedgerRow>): string {
  const sorted = [...rows].sort(
    (a, b) => a.repo.localeCompare(b.repo) || a.path.localeCompare(b.path) || a.line - b.line || a.rule.localeCompare(b.rule),
  );
  const body = sorted.map((r) => [r.repo, r.path, String(r.line), r.rule, r.verdict, r.reason.replace(/[\t\n]/g, ' ')].join('\t'));
  return [LEDGER_HEADER.join('\t'), ...body].join('\n') + '\n';
}
