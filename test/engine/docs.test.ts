import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from 'preflight-server';
import { ruleShortFix, ruleSummary, sentences } from 'preflight-server/out/docs/short-form';
import { CONFIG_SCHEMA_PATH, generatedFiles, renderRuleDoc, repositoryRoot, staleDocFiles } from 'preflight-server/out/docs/generate';

const root = repositoryRoot();

describe('generated rule docs and config schema', () => {
  it('the committed docs/rules and config schema match the rule metadata (run `npm run docs` to regenerate)', () => {
    const files = generatedFiles();
    const outdated: string[] = [];
    for (const [relative, content] of files) {
      const target = path.join(root, relative);
      const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
      if (committed !== content) outdated.push(`${relative} (${committed === undefined ? 'missing' : 'differs'})`);
    }
    for (const stale of staleDocFiles(root, files)) outdated.push(`${stale} (no rule has this id any more)`);
    assert.deepEqual(outdated, [], `generated files are out of date; run \`npm run docs\` and commit the result:\n  ${outdated.join('\n  ')}`);
  });

  it('every rule in the registry has a page and a line in the index', () => {
    const files = generatedFiles();
    const index = files.get('docs/rules/README.md')!;
    for (const rule of allRules) {
      assert.ok(files.has(`docs/rules/${rule.meta.id}.md`), rule.meta.id);
      assert.ok(index.includes(`[\`${rule.meta.id}\`](${rule.meta.id}.md)`), `index lacks ${rule.meta.id}`);
    }
  });

  it('every rule has a summary of at most three sentences and a short fix of at most three lines, which open its page', () => {
    const files = generatedFiles();
    for (const rule of allRules) {
      const { summary, shortFix } = rule.meta;
      assert.ok(summary, `${rule.meta.id} has no summary`);
      assert.ok(sentences(summary).length <= 3, `${rule.meta.id}: the summary has ${sentences(summary).length} sentences`);
      assert.ok(shortFix, `${rule.meta.id} has no shortFix`);
      const lines = shortFix.split('\n');
      assert.ok(lines.length <= 3 && lines.every((line) => line.trim().length > 0), `${rule.meta.id}: the short fix has ${lines.length} lines`);
      const page = files.get(`docs/rules/${rule.meta.id}.md`)!;
      assert.ok(page.includes(`> ${summary}`), `${rule.meta.id}'s page does not open with its summary`);
      assert.ok(lines.every((line) => page.includes(`- ${line}`)), `${rule.meta.id}'s page lacks its short fix`);
    }
  });

  it('the short forms fall back to the first sentences of the explanation and the first lines of the fix', () => {
    const meta = { explanation: 'One. Two `a.b()` here. Three! Four?\n\nLater.', fix: '- a\n- b\n\n- c\n- d' };
    assert.equal(ruleSummary(meta), 'One. Two `a.b()` here. Three!');
    assert.deepEqual(ruleShortFix(meta), ['a', 'b', 'c']);
  });

  it('a rule page carries the title, id, category, severity, story, fix, not-flagged list, examples and suppression', () => {
    const doc = renderRuleDoc({
      meta: {
        id: 'sample-rule',
        title: 'A sample rule',
        category: 'security',
        defaultSeverity: 'error',
        explanation: 'It fails at 3am.',
        fix: 'Do the right thing.',
        notFlagged: ['Calls in scripts/.'],
        examples: [{ bad: 'bad();', good: 'good();' }],
        usesTypes: true,
      },
      create: () => ({}),
    });
    for (const expected of [
      '# A sample rule',
      'Rule id: `sample-rule` · category: **security** · default severity: **error** · uses the type checker',
      '## How it fails in production\n\nIt fails at 3am.',
      '## How to fix it\n\nDo the right thing.',
      '## Not flagged\n\n- Calls in scripts/.',
      'Flagged:\n\n```ts\nbad();\n```',
      'Fixed:\n\n```ts\ngood();\n```',
      '// preflight-disable-next-line sample-rule -- why this is safe here',
    ]) {
      assert.ok(doc.includes(expected), `missing: ${expected}\n---\n${doc}`);
    }
  });

  it('the config schema lists every rule id and only those, with the severity enum', () => {
    const schema = JSON.parse(generatedFiles().get(CONFIG_SCHEMA_PATH)!) as {
      properties: { rules: { properties: Record<string, unknown>; additionalProperties: boolean } };
      definitions: { severity: { enum: string[] } };
    };
    assert.deepEqual(Object.keys(schema.properties.rules.properties).sort(), allRules.map((r) => r.meta.id).sort());
    assert.equal(schema.properties.rules.additionalProperties, false);
    assert.deepEqual(schema.definitions.severity.enum, ['error', 'warning', 'info', 'hint', 'off']);
  });
});
