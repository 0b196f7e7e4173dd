import * as assert from 'node:assert/strict';
import { readPrismaSchema } from 'preflight-server/out/facts/prisma-schema';
import { previousVersionReads, tableReadPatterns } from 'preflight-server/out/facts/previous-version';

const SCHEMA = `model TaskRun {
  id        String    @id
  createdAt DateTime  @map("created_at")
  tags      TaskTag[] // relation
  @@map("task_runs")
}
model TaskTag {
  id   String    @id
  name String
  runs TaskRun[]
}
`;

describe('facts/previous-version: what the version before a migration reads', () => {
  const schema = readPrismaSchema([SCHEMA]);
  const none = (): boolean => false;

  it('reads a Prisma schema: tables by @@map, columns by @map, scalar columns only, relation fields by model', () => {
    assert.equal(schema.modelOfTable('task_runs')?.name, 'TaskRun');
    assert.equal(schema.modelOfTable('TaskRun'), undefined);
    assert.deepEqual([...schema.modelOfTable('task_runs')!.columns.keys()], ['id', 'created_at']);
    assert.deepEqual(schema.relationFieldsTo('TaskTag'), ['tags']);
  });

  it('a column the old schema declares is read whatever the code says; one it no longer declares is not', () => {
    assert.equal(previousVersionReads({ kind: 'drop-column', table: 'task_runs', column: 'created_at' }, schema, none), true);
    assert.equal(previousVersionReads({ kind: 'drop-column', table: 'task_runs', column: 'legacy' }, schema, none), false);
  });

  it('a table is read when the old code names its accessor, its quoted name or a relation field to it', () => {
    const patterns = tableReadPatterns('TaskTag', schema).map((source) => new RegExp(source));
    const mentions = (code: string) => patterns.some((pattern) => pattern.test(code));
    assert.equal(mentions('await prisma.taskTag.findMany()'), true);
    assert.equal(mentions('tx.taskTag?.count()'), true);
    assert.equal(mentions('SELECT * FROM "TaskTag"'), true);
    assert.equal(mentions('include: { tags: true }'), true);
    assert.equal(mentions('const taskTag = 1; // TaskTag'), false);
    assert.equal(previousVersionReads({ kind: 'drop-table', table: 'TaskTag' }, schema, none), false);
  });

  it('an implicit many-to-many join table is read through relations nobody names; git failures stay unknown', () => {
    assert.equal(previousVersionReads({ kind: 'drop-table', table: '_TaskRunToTaskTag' }, schema, none), true);
    assert.equal(previousVersionReads({ kind: 'drop-table', table: 'TaskTag' }, schema, () => undefined), undefined);
  });

  it('without a Prisma schema, a table or column is read when the old code names it as a word', () => {
    assert.deepEqual(tableReadPatterns('orders', undefined), ['\\borders\\b']);
    assert.equal(previousVersionReads({ kind: 'drop-column', table: 'orders', column: 'legacy' }, undefined, (asked) => asked.includes('\\blegacy\\b')), true);
  });
});
