import * as assert from 'node:assert/strict';
import { readPrismaSchema } from 'preflight-server/out/facts/prisma-schema';
import { previousVersionReads, tableReadEvidence, type ReadEvidence } from 'preflight-server/out/facts/previous-version';

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
    assert.deepEqual(schema.relationsTo('TaskTag'), [{ owner: 'TaskRun', field: 'tags' }]);
  });

  it('a column the old schema declares is read whatever the code says; one it no longer declares is not', () => {
    assert.equal(previousVersionReads({ kind: 'drop-column', table: 'task_runs', column: 'created_at' }, schema, none), true);
    assert.equal(previousVersionReads({ kind: 'drop-column', table: 'task_runs', column: 'legacy' }, schema, none), false);
  });

  it('a table is read when the old code queries it through its accessor, names it in raw SQL, or loads it through a relation beside a query of its owner', () => {
    const evidence = tableReadEvidence('TaskTag', schema);
    // A file's code shows the evidence when its pattern matches there, and its `alongside` too.
    const shows = (code: string) => evidence.some((sign) => sign.pattern.test(code) && (!sign.alongside || sign.alongside.pattern.test(code)));
    assert.equal(shows('await prisma.taskTag.findMany()'), true);
    assert.equal(shows('tx.taskTag?.count()'), true);
    assert.equal(shows('SELECT * FROM "TaskTag" WHERE id = $1'), true);
    assert.equal(shows('await prisma.taskRun.findMany({ include: { tags: true } })'), true);
    assert.equal(shows('const options = { tags: { some: 1 } }; // no TaskRun query here'), false, 'a relation name beside no query of its owner');
    assert.equal(shows('payload.taskTag.id; const x = { type: "TaskTag" }'), false, 'a property path that is no query, a string that is no SQL');
  });

  it('an implicit many-to-many join table is read when one model it joins loads the other; git failures stay unknown', () => {
    const evidence = tableReadEvidence('_TaskRunToTaskTag', schema);
    const shows = (code: string) => evidence.some((sign) => sign.pattern.test(code) && (!sign.alongside || sign.alongside.pattern.test(code)));
    assert.equal(shows('prisma.taskRun.findMany({ include: { tags: true } })'), true);
    assert.equal(shows('prisma.taskTag.findMany({ include: { runs: true } })'), true);
    assert.equal(shows('prisma.taskRun.count()'), false, 'counting runs reads no join table');
    assert.equal(previousVersionReads({ kind: 'drop-table', table: 'TaskTag' }, schema, () => undefined), undefined);
  });

  it('without a Prisma schema, a table or column is read when the old code names it as a word', () => {
    assert.deepEqual(tableReadEvidence('orders', undefined).map((sign) => sign.needle), ['orders']);
    const legacyNamed = (asked: ReadEvidence[]) => asked.some((sign) => sign.pattern.test('row.legacy'));
    assert.equal(previousVersionReads({ kind: 'drop-column', table: 'orders', column: 'legacy' }, undefined, legacyNamed), true);
    assert.equal(previousVersionReads({ kind: 'drop-column', table: 'orders', column: 'legacyPlan' }, undefined, legacyNamed), false);
  });
});
