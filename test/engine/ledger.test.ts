import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatLedger, LedgerError, ledgerKey, parseLedger, readLedger, type LedgerRow } from '../corpus/ledger';

const HEADER = 'repo\tpath\tline\trule\tverdict\treason';
const row = (...cells: string[]): string => cells.join('\t');

describe('corpus verdict ledger (test/corpus/ledger.ts)', () => {
  describe('parseLedger', () => {
    it('reads rows, skipping the header, blank lines and CR line ends', () => {
      const text = [HEADER, row('api', 'src/a.ts', '12', 'swallowed-error', 'FP', 'probe: JSON.parse'), '', row('api', 'src/b.ts', '3', 'missing-timeout', 'TP', 'fetch to a partner API') + '\r', ''].join('\n');
      assert.deepEqual(parseLedger(text, 'verdicts.tsv'), [
        { repo: 'api', path: 'src/a.ts', line: 12, rule: 'swallowed-error', verdict: 'FP', reason: 'probe: JSON.parse' },
        { repo: 'api', path: 'src/b.ts', line: 3, rule: 'missing-timeout', verdict: 'TP', reason: 'fetch to a partner API' },
      ]);
    });

    it('rejects a verdict that is not TP or FP, naming file:line', () => {
      const text = [HEADER, row('api', 'src/a.ts', '12', 'swallowed-error', 'FP', 'ok'), row('api', 'src/a.ts', '14', 'swallowed-error', 'maybe', 'unsure')].join('\n');
      assert.throws(() => parseLedger(text, 'verdicts.tsv'), (error: unknown) => {
        assert.ok(error instanceof LedgerError);
        assert.equal(error.message, 'verdicts.tsv:3: verdict must be TP or FP, not "maybe"');
        return true;
      });
    });

    it('rejects an empty (or blank) reason', () => {
      for (const reason of ['', '  ']) {
        assert.throws(() => parseLedger(row('api', 'src/a.ts', '12', 'swallowed-error', 'TP', reason), 'v.tsv'), (error: unknown) => {
          assert.ok(error instanceof LedgerError);
          assert.equal(error.message, 'v.tsv:1: a verdict needs a reason');
          return true;
        });
      }
    });

    it('rejects a wrong cell count, with file:line', () => {
      assert.throws(() => parseLedger([HEADER, row('api', 'src/a.ts', '12', 'swallowed-error', 'TP')].join('\n'), 'v.tsv'), {
        message: 'v.tsv:2: expected 6 tab-separated cells, found 5',
      });
      assert.throws(() => parseLedger(row('api', 'src/a.ts', '12', 'swallowed-error', 'TP', 'reason', 'extra'), 'v.tsv'), {
        message: 'v.tsv:1: expected 6 tab-separated cells, found 7',
      });
    });

    it('rejects a line that is not a positive integer', () => {
      assert.throws(() => parseLedger(row('api', 'src/a.ts', '0', 'swallowed-error', 'TP', 'r'), 'v.tsv'), { message: 'v.tsv:1: line must be a positive integer, not "0"' });
      assert.throws(() => parseLedger(row('api', 'src/a.ts', 'x', 'swallowed-error', 'TP', 'r'), 'v.tsv'), { message: 'v.tsv:1: line must be a positive integer, not "x"' });
    });
  });

  describe('readLedger', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-ledger-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('keys rows by repo, path, line and rule', () => {
      const file = path.join(dir, 'ok.tsv');
      fs.writeFileSync(file, [HEADER, row('api', 'src/a.ts', '12', 'swallowed-error', 'FP', 'probe'), row('api', 'src/a.ts', '12', 'missing-timeout', 'TP', 'no timeout')].join('\n'));
      const ledger = readLedger(file);
      assert.equal(ledger.size, 2);
      assert.equal(ledger.get(ledgerKey({ repo: 'api', path: 'src/a.ts', line: 12, rule: 'missing-timeout' }))?.verdict, 'TP');
    });

    it('rejects a key judged twice', () => {
      const file = path.join(dir, 'twice.tsv');
      fs.writeFileSync(file, [HEADER, row('api', 'src/a.ts', '12', 'swallowed-error', 'FP', 'probe'), row('api', 'src/a.ts', '12', 'swallowed-error', 'TP', 'changed my mind')].join('\n'));
      assert.throws(() => readLedger(file), (error: unknown) => {
        assert.ok(error instanceof LedgerError);
        assert.equal(error.message, `${file}: api:src/a.ts:12:swallowed-error is judged twice`);
        return true;
      });
    });

    it('a missing file is an empty ledger', () => {
      assert.equal(readLedger(path.join(dir, 'absent.tsv')).size, 0);
    });
  });

  describe('formatLedger', () => {
    it('sorts by repo, path, line (numerically) and rule, writes the header, and keeps every row on one line', () => {
      const rows: LedgerRow[] = [
        { repo: 'web', path: 'a.ts', line: 1, rule: 'floating-promise', verdict: 'TP', reason: 'r1' },
        { repo: 'api', path: 'b.ts', line: 10, rule: 'swallowed-error', verdict: 'FP', reason: 'r2' },
        { repo: 'api', path: 'b.ts', line: 9, rule: 'swallowed-error', verdict: 'TP', reason: 'two\tcells\nand lines' },
        { repo: 'api', path: 'b.ts', line: 10, rule: 'missing-timeout', verdict: 'TP', reason: 'r4' },
        { repo: 'api', path: 'a.ts', line: 99, rule: 'swallowed-error', verdict: 'FP', reason: 'r5' },
      ];
      assert.equal(
        formatLedger(rows),
        [
          HEADER,
          row('api', 'a.ts', '99', 'swallowed-error', 'FP', 'r5'),
          row('api', 'b.ts', '9', 'swallowed-error', 'TP', 'two cells and lines'),
          row('api', 'b.ts', '10', 'missing-timeout', 'TP', 'r4'),
          row('api', 'b.ts', '10', 'swallowed-error', 'FP', 'r2'),
          row('web', 'a.ts', '1', 'floating-promise', 'TP', 'r1'),
        ].join('\n') + '\n',
      );
    });

    it('round-trips through parseLedger', () => {
      const rows: LedgerRow[] = [{ repo: 'api', path: 'src/x.ts', line: 7, rule: 'missing-timeout', verdict: 'TP', reason: 'axios without timeout' }];
      assert.deepEqual(parseLedger(formatLedger(rows), 'v.tsv'), rows);
    });
  });
});
