import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, type Rule } from 'preflight-server';
import { runCheck } from 'preflight-server/out/cli/check';
import type { CliIO } from 'preflight-server/out/cli/io';
import { cleanUp, FETCH_WITHOUT_TIMEOUT, makeProject, repoRoot, runCli, stderrLines } from './helpers';

const serverVersion = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'server', 'package.json'), 'utf8')) as { version: string }).version;

describe('preflight rules, --help, --version (real CLI process)', () => {
  it('rules: one line per registered rule with id, category, default severity and title', async () => {
    const result = await runCli(['rules'], repoRoot);
    assert.equal(result.code, 0);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^RULE\s+CATEGORY\s+DEFAULT\s+TITLE$/);
    assert.equal(lines.length, allRules.length + 1);
    for (const rule of allRules) {
      const line = lines.find((l) => l.startsWith(`${rule.meta.id} `));
      assert.ok(line, `no line for ${rule.meta.id}`);
      assert.match(line, new RegExp(`\\s${rule.meta.category}\\s+${rule.meta.defaultSeverity}\\s+${rule.meta.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    }
  });

  it('rules --format json and markdown', async () => {
    const json = JSON.parse((await runCli(['rules', '--format', 'json'], repoRoot)).stdout) as { tool: string; version: string; rules: { id: string; category: string; defaultSeverity: string; docs: string }[] };
    assert.equal(json.tool, 'preflight');
    assert.equal(json.version, serverVersion);
    assert.deepEqual(json.rules.map((r) => r.id), allRules.map((r) => r.meta.id));
    const timeout = json.rules.find((r) => r.id === 'missing-timeout')!;
    assert.deepEqual([timeout.category, timeout.defaultSeverity], ['resilience', 'warning']);
    assert.match(timeout.docs, /^file:.*docs\/rules\/missing-timeout\.md$/);
    const markdown = (await runCli(['rules', '--format=markdown'], repoRoot)).stdout;
    assert.ok(markdown.startsWith('| Rule | Category | Default | Title |\n|---|---|---|---|\n'));
    assert.ok(markdown.includes('| [`missing-timeout`](docs/rules/missing-timeout.md) | resilience | warning |'));
  });

  it('--version prints the package version; --help the usage', async () => {
    const version = await runCli(['--version'], repoRoot);
    assert.deepEqual([version.code, version.stdout], [0, `${serverVersion}\n`]);
    const help = await runCli(['--help'], repoRoot);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /preflight check \[paths\.\.\.\] \[--format text\|json\|sarif\] \[--config FILE\] \[--changed-since REV\] \[--max-warnings N\]/);
    const checkHelp = await runCli(['check', '--help'], repoRoot);
    assert.equal(checkHelp.code, 0);
    assert.match(checkHelp.stdout, /^Usage: preflight check/);
    const none = await runCli([], repoRoot);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: preflight/);
  });

  it('the example in the README runs: npx preflight check examples/payments-api', async () => {
    const result = await runCli(['check', 'examples/payments-api', '--format', 'json'], repoRoot);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { files: number; findings: { ruleId: string; file: string }[] };
    assert.equal(report.files, 6, 'the test/ folder of the example is not analysed');
    const rules = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['missing-timeout', 'swallowed-error', 'floating-promise']) assert.ok(rules.has(id), `the example shows ${id}`);
    assert.ok(!report.findings.some((f) => f.file.includes('/test/')));
  });
});

describe('preflight check with a rule that throws (in process, real files)', () => {
  it('prints one warning line per failing rule, naming the files, and still reports the other findings', async () => {
    const dir = makeProject({ 'src/a.ts': FETCH_WITHOUT_TIMEOUT, 'src/b.ts': FETCH_WITHOUT_TIMEOUT, 'src/c.ts': FETCH_WITHOUT_TIMEOUT });
    const throwing: Rule = {
      meta: { id: 'explodes-on-b', title: 't', category: 'resilience', defaultSeverity: 'warning', explanation: '', fix: '', examples: [] },
      create({ sourceFile }) {
        return {
          onFileEnd() {
            if (sourceFile.getBaseName() !== 'a.ts') throw new Error('boom\n    at somewhere');
          },
        };
      },
    };
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = { cwd: dir, stdout: (t) => out.push(t), stderr: (t) => err.push(t), color: false };
    try {
      const code = await runCheck({ paths: [], format: 'json' }, io, { rules: [throwing, ...allRules] });
      assert.equal(code, 0);
      assert.deepEqual(stderrLines({ code, stdout: '', stderr: err.join('') }), ['preflight: rule explodes-on-b failed on src/b.ts (and 1 more file); its findings there are missing: Error: boom']);
      const report = JSON.parse(out.join('')) as { findings: { file: string; ruleId: string }[] };
      assert.deepEqual(report.findings.map((f) => `${f.file} ${f.ruleId}`), ['src/a.ts missing-timeout', 'src/b.ts missing-timeout', 'src/c.ts missing-timeout']);
    } finally {
      cleanUp(dir);
    }
  });
});
