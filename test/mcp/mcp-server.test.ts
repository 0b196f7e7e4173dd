import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { cleanUp, makeProject, writeFiles } from '../cli/helpers';
import { applyEdits, callTool, connectClient, git, makeShopRepository, PACKAGE_JSON, STRIPE_WEBHOOK, textOf, within, type AgentEditShape } from './fixture';

interface CheckAnswer {
  scope: { kind: string; base?: string; mergeBase?: string; note?: string };
  analysedFiles: number;
  total: number;
  offset: number;
  returned: number;
  remaining: number;
  nextOffset?: number;
  findings: { ruleId: string; file: string; line: number; column: number; severity: string; message: string; whyItFails: string; fixes: { title: string }[] }[];
  skipped: { file: string; reason: string }[];
}

function checkAnswer(result: { structuredContent?: unknown }): CheckAnswer {
  assert.ok(result.structuredContent, 'the answer has structuredContent');
  return result.structuredContent as CheckAnswer;
}

function locations(answer: CheckAnswer): string[] {
  return answer.findings.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`);
}

describe('preflight mcp (MCP server over real stdio)', function () {
  this.timeout(120_000);
  let repo: string;
  let client: Client;
  let serverStderr: () => string;

  before(async () => {
    repo = makeShopRepository();
    ({ client, stderr: serverStderr } = await connectClient(repo));
  });

  after(async () => {
    await client?.close();
    cleanUp(repo);
  });

  it('initializes as the preflight server and lists the four tools with JSON input schemas', async () => {
    assert.equal(client.getServerVersion()?.name, 'preflight');
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['preflight_check', 'preflight_checklist', 'preflight_explain', 'preflight_fix']);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    assert.deepEqual(Object.keys(byName.get('preflight_check')!.inputSchema.properties ?? {}).sort(), ['changedSince', 'limit', 'offset', 'paths', 'rules']);
    assert.deepEqual(byName.get('preflight_fix')!.inputSchema.required?.sort(), ['file', 'line', 'ruleId']);
    assert.deepEqual(byName.get('preflight_explain')!.inputSchema.required, ['ruleId']);
    assert.deepEqual(Object.keys(byName.get('preflight_checklist')!.inputSchema.properties ?? {}), ['base']);
    for (const tool of tools) assert.equal(tool.inputSchema.type, 'object');
  });

  it('preflight_check with no arguments checks the change since the merge base (committed and untracked), not the rest', async () => {
    const result = await callTool(client, 'preflight_check', {});
    assert.notEqual(result.isError, true, textOf(result));
    const answer = checkAnswer(result);
    assert.equal(answer.scope.kind, 'changed');
    assert.equal(answer.scope.base, 'main');
    assert.match(answer.scope.mergeBase ?? '', /^[0-9a-f]{40}$/);
    assert.equal(answer.analysedFiles, 2);
    assert.deepEqual(locations(answer), ['src/billing.ts:2 missing-timeout', 'src/webhooks/stripe.ts:13 non-idempotent-handler']);
    const timeout = answer.findings[0]!;
    assert.equal(timeout.severity, 'warning');
    assert.match(timeout.whyItFails, /\S/);
    assert.ok(timeout.fixes.length > 0, 'the timeout finding offers fixes');
    assert.equal(answer.remaining, 0);
    const text = textOf(result);
    assert.match(text, /2 findings/);
    assert.match(text, /src\/billing\.ts:2:\d+ warning missing-timeout/);
    assert.match(text, /Why it fails in production: /);
  });

  it('preflight_check with paths checks those files, and rules narrows the rules', async () => {
    const all = checkAnswer(await callTool(client, 'preflight_check', { paths: ['src'] }));
    assert.equal(all.scope.kind, 'paths');
    assert.deepEqual(locations(all), ['src/billing.ts:2 missing-timeout', 'src/rates.ts:2 missing-timeout', 'src/webhooks/stripe.ts:13 non-idempotent-handler']);
    const onlyWebhooks = checkAnswer(await callTool(client, 'preflight_check', { paths: ['src'], rules: ['non-idempotent-handler'] }));
    assert.deepEqual(locations(onlyWebhooks), ['src/webhooks/stripe.ts:13 non-idempotent-handler']);
  });

  it('preflight_check with changedSince leaves out the files changed before that revision', async () => {
    const answer = checkAnswer(await callTool(client, 'preflight_check', { changedSince: 'HEAD' }));
    assert.deepEqual(locations(answer), ['src/webhooks/stripe.ts:13 non-idempotent-handler']);
  });

  it('pages large results and says how many remain', async () => {
    const first = checkAnswer(await callTool(client, 'preflight_check', { paths: ['.'], limit: 2 }));
    assert.equal(first.total, 3);
    assert.equal(first.returned, 2);
    assert.equal(first.remaining, 1);
    assert.equal(first.nextOffset, 2);
    const firstText = textOf(await callTool(client, 'preflight_check', { paths: ['.'], limit: 2 }));
    assert.match(firstText, /Findings 1–2 of 3; 1 more: call preflight_check again with offset 2/);
    const second = checkAnswer(await callTool(client, 'preflight_check', { paths: ['.'], limit: 2, offset: 2 }));
    assert.equal(second.returned, 1);
    assert.equal(second.remaining, 0);
    assert.equal(second.nextOffset, undefined);
    assert.deepEqual([...locations(first), ...locations(second)], locations(checkAnswer(await callTool(client, 'preflight_check', { paths: ['.'] }))));
  });

  it('preflight_fix returns the edits of the quick-fix, and applied they clear the finding', async () => {
    const before = checkAnswer(await callTool(client, 'preflight_check', { paths: ['src/billing.ts'] }));
    const finding = before.findings[0]!;
    const result = await callTool(client, 'preflight_fix', { file: 'src/billing.ts', ruleId: 'missing-timeout', line: finding.line });
    assert.notEqual(result.isError, true, textOf(result));
    const fix = result.structuredContent as { fixTitle: string; edits: AgentEditShape[]; otherFiles: unknown[] };
    assert.equal(fix.fixTitle, finding.fixes[0]!.title);
    assert.ok(fix.edits.length > 0);
    assert.match(textOf(result), /replace/);
    assert.equal(fs.readFileSync(within(repo, 'src/billing.ts'), 'utf8').includes('signal'), false, 'preflight_fix writes nothing');
    applyEdits(within(repo, 'src/billing.ts'), fix.edits);
    const after = checkAnswer(await callTool(client, 'preflight_check', { paths: ['src/billing.ts'] }));
    assert.deepEqual(locations(after), []);
    git(repo, 'checkout', '--', 'src/billing.ts');
  });

  it('preflight_fix for a finding without a quick-fix says so; the fix preflight_explain shows, made by hand, clears it', async () => {
    const before = checkAnswer(await callTool(client, 'preflight_check', { paths: ['src/webhooks/stripe.ts'] }));
    const finding = before.findings.find((candidate) => candidate.ruleId === 'non-idempotent-handler')!;
    assert.deepEqual(finding.fixes, []);
    const result = await callTool(client, 'preflight_fix', { file: 'src/webhooks/stripe.ts', ruleId: finding.ruleId, line: finding.line });
    assert.equal(result.isError, true);
    assert.equal(textOf(result), 'This non-idempotent-handler finding has no quick-fix; preflight_explain non-idempotent-handler says how to fix it by hand.');
    const explained = await callTool(client, 'preflight_explain', { ruleId: 'non-idempotent-handler' });
    const fixedExample = /Fixed:\n\n```ts\n([\s\S]*?)```/.exec(textOf(explained))?.[1];
    assert.ok(fixedExample, 'the docs show the fixed handler');
    writeFiles(repo, { 'src/webhooks/stripe.ts': fixedExample.replace('const app = express();', 'export const app = express();') });
    try {
      const after = checkAnswer(await callTool(client, 'preflight_check', { paths: ['src/webhooks/stripe.ts'] }));
      assert.deepEqual(locations(after).filter((location) => location.endsWith('non-idempotent-handler')), []);
    } finally {
      writeFiles(repo, { 'src/webhooks/stripe.ts': STRIPE_WEBHOOK });
    }
  });

  it('preflight_fix errors name the findings and fixes that exist', async () => {
    const wrongLine = await callTool(client, 'preflight_fix', { file: 'src/billing.ts', ruleId: 'missing-timeout', line: 4 });
    assert.equal(wrongLine.isError, true);
    assert.match(textOf(wrongLine), /There is no missing-timeout finding at src\/billing\.ts:4; the missing-timeout findings in the file are missing-timeout at line 2, column \d+ \(fixes: "/);
    const wrongTitle = await callTool(client, 'preflight_fix', { file: 'src/billing.ts', ruleId: 'missing-timeout', line: 2, fixTitle: 'Make it faster' });
    assert.equal(wrongTitle.isError, true);
    assert.match(textOf(wrongTitle), /has no fix titled "Make it faster"; its fixes are "/);
    const unknownRule = await callTool(client, 'preflight_fix', { file: 'src/billing.ts', ruleId: 'no-such-rule', line: 2 });
    assert.equal(unknownRule.isError, true);
    assert.match(textOf(unknownRule), /^Unknown rule 'no-such-rule'; the rules are: .*missing-timeout/);
  });

  it('preflight_explain returns the rule docs from its metadata', async () => {
    const result = await callTool(client, 'preflight_explain', { ruleId: 'missing-timeout' });
    assert.notEqual(result.isError, true);
    const docs = fs.readFileSync(within(__dirname, '../../../docs/rules/missing-timeout.md'), 'utf8');
    const answer = result.structuredContent as { ruleId: string; docs: string; whyItFails: string; shortFix: string[] };
    assert.equal(answer.ruleId, 'missing-timeout');
    assert.ok(docs.includes(answer.docs.split('\n## How it fails in production')[1]!.split('\n## ')[0]!), 'the explanation is the one in docs/rules');
    assert.match(textOf(result), /## How to fix it/);
    const unknown = await callTool(client, 'preflight_explain', { ruleId: 'missing-timeouts' });
    assert.equal(unknown.isError, true);
    assert.match(textOf(unknown), /Unknown rule 'missing-timeouts'/);
  });

  it('preflight_checklist returns the readiness report with the manual items still open', async () => {
    const result = await callTool(client, 'preflight_checklist', {});
    assert.notEqual(result.isError, true, textOf(result));
    const report = result.structuredContent as { scope: { kind: string; base: string }; summary: { ready: boolean }; sections: { findings: { file: string }[] }[]; manualItems: { ticked: boolean }[]; openManualItems: string[] };
    assert.equal(report.scope.kind, 'changed');
    assert.equal(report.scope.base, 'main');
    assert.equal(report.summary.ready, false);
    assert.deepEqual(report.sections.flatMap((section) => section.findings.map((finding) => finding.file)).sort(), ['src/billing.ts', 'src/webhooks/stripe.ts']);
    assert.ok(report.openManualItems.length > 0);
    assert.equal(report.openManualItems.length, report.manualItems.filter((item) => !item.ticked).length);
    assert.match(textOf(result), /missing-timeout/);
  });

  describe('errors an agent can act on: isError with one sentence, and the server goes on', () => {
    it('an unknown path', async () => {
      const result = await callTool(client, 'preflight_check', { paths: ['src/nowhere.ts'] });
      assert.equal(result.isError, true);
      assert.equal(textOf(result), `Path not found: src/nowhere.ts (paths are relative to the workspace root ${repo}).`);
      const fix = await callTool(client, 'preflight_fix', { file: 'lib/gone.js', ruleId: 'missing-timeout', line: 1 });
      assert.equal(fix.isError, true);
      assert.match(textOf(fix), /^Path not found: lib\/gone\.js/);
    });

    it('a revision git does not know', async () => {
      const result = await callTool(client, 'preflight_check', { changedSince: 'no-such-branch' });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /^changedSince 'no-such-branch' cannot be used: .+\.$/);
    });

    it('a file that does not parse', async () => {
      writeFiles(repo, { 'src/broken.ts': 'export function broken( {\n  return fetch("https://x.example.com");\n' });
      try {
        const named = await callTool(client, 'preflight_check', { paths: ['src/broken.ts'] });
        assert.equal(named.isError, true);
        assert.match(textOf(named), /^src\/broken\.ts:\d+:\d+: does not parse \(.+\); fix the syntax error and check again\.$/);
        const fix = await callTool(client, 'preflight_fix', { file: 'src/broken.ts', ruleId: 'missing-timeout', line: 2 });
        assert.equal(fix.isError, true);
        assert.match(textOf(fix), /does not parse/);
        // Met in the change rather than named, it is listed, and the other files are still checked.
        const changed = checkAnswer(await callTool(client, 'preflight_check', {}));
        assert.deepEqual(changed.skipped.map((skipped) => skipped.file), ['src/broken.ts']);
        assert.match(changed.skipped[0]!.reason, /does not parse/);
        assert.equal(changed.total, 2);
      } finally {
        fs.rmSync(within(repo, 'src/broken.ts'));
      }
    });

    it('a broken config', async () => {
      writeFiles(repo, { 'preflight.config.json': '{ "rules": { "missing-timeout": "loud" } }\n' });
      try {
        for (const [name, args] of [
          ['preflight_check', {}],
          ['preflight_fix', { file: 'src/billing.ts', ruleId: 'missing-timeout', line: 2 }],
          ['preflight_checklist', {}],
        ] as const) {
          const result = await callTool(client, name, args);
          assert.equal(result.isError, true, name);
          assert.match(textOf(result), /^The Preflight config is broken \(preflight\.config\.json:1:\d+: .+\); fix it and call again\.$/, name);
        }
      } finally {
        fs.rmSync(within(repo, 'preflight.config.json'));
      }
      assert.equal((await callTool(client, 'preflight_check', {})).isError, undefined, 'fixed config applies at once');
    });

    it('arguments that do not match the schema', async () => {
      const result = await callTool(client, 'preflight_fix', { file: 'src/billing.ts', ruleId: 'missing-timeout', line: 'two' });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /line/);
    });

    it('the server is still up and wrote nothing but the protocol to stdout', async () => {
      await client.ping();
      assert.equal(checkAnswer(await callTool(client, 'preflight_check', {})).total, 2);
      assert.doesNotMatch(serverStderr(), /internal error/);
    });
  });

  describe('outside git', () => {
    let folder: string;
    let plain: Client;

    before(async () => {
      folder = makeProject({ 'package.json': PACKAGE_JSON, 'src/webhooks/stripe.ts': STRIPE_WEBHOOK });
      ({ client: plain } = await connectClient(folder));
    });
    after(async () => {
      await plain?.close();
      cleanUp(folder);
    });

    it('changedSince is an error naming git', async () => {
      const result = await callTool(plain, 'preflight_check', { changedSince: 'main' });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /^changedSince 'main' cannot be used: .*git.*\.$/i);
      const checklist = await callTool(plain, 'preflight_checklist', { base: 'main' });
      assert.equal(checklist.isError, true);
      assert.match(textOf(checklist), /^base 'main' cannot be used: not a git repository\.$/);
    });

    it('the default scope checks the whole folder and says why', async () => {
      const answer = checkAnswer(await callTool(plain, 'preflight_check', {}));
      assert.equal(answer.scope.kind, 'workspace');
      assert.match(answer.scope.note ?? '', /not a git repository/);
      assert.deepEqual(locations(answer), ['src/webhooks/stripe.ts:13 non-idempotent-handler']);
    });
  });
});
