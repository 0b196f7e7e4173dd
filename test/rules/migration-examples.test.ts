import * as assert from 'node:assert/strict';
import { loadSqlParser } from 'preflight-server';
import { blockingMigration } from 'preflight-server/out/rules/blocking-migration';
import { destructiveMigration } from 'preflight-server/out/rules/destructive-migration';
import { irreversibleMigration } from 'preflight-server/out/rules/irreversible-migration';
import { findingsOf } from '../support/rule-tester';

describe('the migration rules\' documented examples', () => {
  before(() => loadSqlParser());

  for (const rule of [blockingMigration, destructiveMigration, irreversibleMigration]) {
    it(`${rule.meta.id}: each bad example is flagged, each good one is not`, () => {
      const filename = rule.meta.exampleLanguage === 'js' ? 'migrations/20240101000000_example.js' : 'prisma/migrations/20240101000000_example/migration.sql';
      rule.meta.examples.forEach((example, index) => {
        assert.ok(findingsOf(rule, example.bad, filename).length > 0, `example ${index + 1} bad is not flagged`);
        assert.deepEqual(findingsOf(rule, example.good, filename).map((f) => f.message), [], `example ${index + 1} good is flagged`);
      });
    });
  }
});
