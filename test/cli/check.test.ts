import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CLEAN,
  cleanUp,
  EMPTY_CATCH,
  FETCH_WITHOUT_TIMEOUT,
  locations,
  makeProject,
  parseJsonReport,
  runCli,
  stderrLines,
} from './helpers';

const serverVersion = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'server', 'package.json'), 'utf8')) as { version: string }).version;

describe('preflight check (real CLI process)', () => {
  const projects: string[] = [];
  function project(files: Record<string, string | Buffer>): string {
    const dir = makeProject(files);
    projects.push(dir);
    return dir;
  }
  after(() => projects.forEach(cleanUp));

  describe('--format json', () => {
    let dir: string;
    before(() => {
      dir = project({
        'src/z.ts': FETCH_WITHOUT_TIMEOUT,
        'src/a/b.ts': `${EMPTY_CATCH}${FETCH_WITHOUT_TIMEOUT.replace('load', 'load2')}`,
        'src/clean.ts': CLEAN,
        'app.js': 'async function get(url) {\n  const res = await fetch(url); return res.json();\n}\nmodule.exports = { get };\n',
      });
    });

    it('prints exactly one JSON document with the contract shape, sorted by file, line, column, rule', async () => {
      const result = await runCli(['check', '--format', 'json'], dir);
      assert.equal(result.code, 0, result.stderr);
      const report = parseJsonReport(result);
      assert.deepEqual(Object.keys(report), ['tool', 'version', 'files', 'findings']);
      assert.equal(report.tool, 'preflight');
      assert.equal(report.version, serverVersion);
      assert.equal(report.files, 4);
      assert.deepEqual(locations(report), [
        'app.js:2:21 missing-timeout',
        'src/a/b.ts:4:5 swallowed-error',
        'src/a/b.ts:7:10 missing-timeout',
        'src/z.ts:2:10 missing-timeout',
      ]);
      const fetchFinding = report.findings.find((f) => f.file === 'src/z.ts')!;
      assert.deepEqual(Object.keys(fetchFinding), ['ruleId', 'severity', 'category', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'fixes']);
      assert.equal(fetchFinding.severity, 'warning');
      assert.equal(fetchFinding.category, 'resilience');
      assert.match(fetchFinding.message, /timeout/);
      // The finding spans the callee, `fetch` (5 characters from column 10): endColumn is one past its end.
      assert.deepEqual([fetchFinding.line, fetchFinding.column, fetchFinding.endLine, fetchFinding.endColumn], [2, 10, 2, 15]);
      assert.ok(fetchFinding.fixes.length > 0, 'missing-timeout offers a fix');
      for (const fix of fetchFinding.fixes) assert.deepEqual(Object.keys(fix), ['title']);
    });

    it('reports files relative to the current directory, also when given a subfolder', async () => {
      const result = await runCli(['check', 'src/a', '--format=json'], dir);
      const report = parseJsonReport(result);
      assert.equal(report.files, 1);
      assert.deepEqual(locations(report), ['src/a/b.ts:4:5 swallowed-error', 'src/a/b.ts:7:10 missing-timeout']);
      const fromInside = parseJsonReport(await runCli(['check', '.', '--format', 'json'], path.join(dir, 'src', 'a')));
      assert.deepEqual(locations(fromInside), ['b.ts:4:5 swallowed-error', 'b.ts:7:10 missing-timeout']);
    });
  });

  describe('exit codes', () => {
    it('0 for a clean project, with a success line in text', async () => {
      const dir = project({ 'src/index.ts': CLEAN });
      const result = await runCli(['check'], dir);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, '\u2714 No problems found (1 file checked).\n');
      assert.equal(result.stderr, '');
    });

    it('0 with warnings only, 1 once a finding is an error (from the config)', async () => {
      const dir = project({ 'src/index.ts': FETCH_WITHOUT_TIMEOUT });
      assert.equal((await runCli(['check'], dir)).code, 0);
      fs.writeFileSync(path.join(dir, 'preflight.config.json'), JSON.stringify({ rules: { 'missing-timeout': 'error' } }));
      const result = await runCli(['check', '--format', 'json'], dir);
      assert.equal(result.code, 1);
      assert.deepEqual(parseJsonReport(result).findings.map((f) => f.severity), ['error']);
    });

    it('--max-warnings: 1 when the warnings exceed it, 0 when they fit', async () => {
      const dir = project({ 'src/a.ts': FETCH_WITHOUT_TIMEOUT, 'src/b.ts': EMPTY_CATCH });
      const over = await runCli(['check', '--max-warnings', '1'], dir);
      assert.equal(over.code, 1);
      assert.match(over.stdout, /Too many warnings: 2 \(--max-warnings 1\)/);
      assert.equal((await runCli(['check', '--max-warnings', '2'], dir)).code, 0);
      const json = await runCli(['check', '--max-warnings=0', '--format', 'json'], dir);
      assert.equal(json.code, 1);
      assert.equal(parseJsonReport(json).findings.length, 2, 'stdout stays one JSON document');
      assert.match(json.stderr, /Too many warnings/);
    });

    it('2 for a path that does not exist, with one line naming it', async () => {
      const dir = project({ 'src/index.ts': CLEAN });
      const result = await runCli(['check', 'src', 'nope'], dir);
      assert.equal(result.code, 2);
      assert.deepEqual(stderrLines(result), ['preflight: path not found: nope']);
      assert.equal(result.stdout, '');
    });

    it('2 for usage errors: unknown option, bad format, bad --max-warnings, unknown command', async () => {
      const dir = project({ 'src/index.ts': CLEAN });
      const cases: [string[], RegExp][] = [
        [['check', '--fast'], /^preflight: unknown option --fast for 'preflight check'/],
        [['check', '--format', 'xml'], /^preflight: --format must be one of text, json, sarif \(got 'xml'\)/],
        [['check', '--format'], /^preflight: --format needs a value/],
        [['check', '--max-warnings', 'many'], /^preflight: --max-warnings must be a whole number/],
        [['lint'], /^preflight: unknown command 'lint'/],
      ];
      for (const [args, message] of cases) {
        const result = await runCli(args, dir);
        assert.equal(result.code, 2, args.join(' '));
        assert.equal(stderrLines(result).length, 1, result.stderr);
        assert.match(result.stderr, message);
      }
    });
  });

  describe('configuration', () => {
    it('a broken config file: exit 2, one line naming the file, line and column', async () => {
      const dir = project({ 'src/index.ts': FETCH_WITHOUT_TIMEOUT, 'preflight.config.json': '{\n  "rules": {\n    "missing-timeout": "error",\n  }\n}\n' });
      const result = await runCli(['check'], dir);
      assert.equal(result.code, 2);
      assert.deepEqual(stderrLines(result), ["preflight: preflight.config.json:4:3: invalid JSON: trailing comma before '}' (not allowed in JSON)"]);
      assert.equal(result.stdout, '');
    });

    it('an unknown rule or bad severity in --config FILE: exit 2 naming that file', async () => {
      const dir = project({ 'src/index.ts': CLEAN, 'conf/strict.json': '{ "rules": { "missing-timout": "error", "swallowed-error": "loud" } }' });
      const result = await runCli(['check', '--config', 'conf/strict.json'], dir);
      assert.equal(result.code, 2);
      assert.deepEqual(stderrLines(result), ['preflight: conf/strict.json:1:14: unknown rule "missing-timout" (did you mean "missing-timeout"?) (and 1 more problem)']);
    });

    it('--config pointing at a missing file: exit 2', async () => {
      const dir = project({ 'src/index.ts': CLEAN });
      const result = await runCli(['check', '--config', 'missing.json'], dir);
      assert.equal(result.code, 2);
      assert.deepEqual(stderrLines(result), ['preflight: missing.json: config file not found']);
    });

    it('rules turned off and ignore globs apply', async () => {
      const dir = project({
        'src/a.ts': FETCH_WITHOUT_TIMEOUT,
        'src/b.ts': EMPTY_CATCH,
        'src/api.generated.ts': FETCH_WITHOUT_TIMEOUT,
        'scripts/seed.ts': FETCH_WITHOUT_TIMEOUT,
        'preflight.config.json': JSON.stringify({ rules: { 'swallowed-error': 'off' }, ignore: ['scripts/**', '**/*.generated.ts'] }),
      });
      const report = parseJsonReport(await runCli(['check', '--format', 'json'], dir));
      assert.equal(report.files, 2);
      assert.deepEqual(locations(report), ['src/a.ts:2:10 missing-timeout']);
    });
  });

  describe('which files are analysed', () => {
    it('skips node_modules, dist, build, coverage, out, tests, .d.ts, non-source files and .gitignored paths', async () => {
      const dir = project({
        'src/app.ts': FETCH_WITHOUT_TIMEOUT,
        'src/types.d.ts': 'declare function f(): void;\n',
        'src/app.test.ts': FETCH_WITHOUT_TIMEOUT,
        'src/app.spec.js': FETCH_WITHOUT_TIMEOUT,
        'src/__tests__/x.ts': FETCH_WITHOUT_TIMEOUT,
        'test/x.ts': FETCH_WITHOUT_TIMEOUT,
        'tests/x.ts': FETCH_WITHOUT_TIMEOUT,
        'node_modules/pkg/index.js': FETCH_WITHOUT_TIMEOUT,
        'dist/app.js': FETCH_WITHOUT_TIMEOUT,
        'build/app.js': FETCH_WITHOUT_TIMEOUT,
        'coverage/x.js': FETCH_WITHOUT_TIMEOUT,
        'out/x.js': FETCH_WITHOUT_TIMEOUT,
        'generated/client.ts': FETCH_WITHOUT_TIMEOUT,
        'generated/keep.ts': FETCH_WITHOUT_TIMEOUT,
        'notes.md': 'fetch(url)\n',
        '.gitignore': 'generated/*\n!generated/keep.ts\n',
        'lib/.gitignore': 'local.js\n',
        'lib/local.js': FETCH_WITHOUT_TIMEOUT,
        'lib/shared.mjs': FETCH_WITHOUT_TIMEOUT,
      });
      const report = parseJsonReport(await runCli(['check', '--format', 'json'], dir));
      assert.deepEqual([...new Set(report.findings.map((f) => f.file))], ['generated/keep.ts', 'lib/shared.mjs', 'src/app.ts']);
      assert.equal(report.files, 3);
    });

    it('skips test code: the conventions, the jest config, and modules only tests import', async () => {
      const dir = project({
        'package.json': JSON.stringify({ name: 'api', main: 'dist/index.js' }),
        'jest.config.ts': "import type { Config } from 'jest';\nconst config: Config = { testRegex: '.*\\\\.check\\\\.ts$' };\nexport default config;\n",
        'src/index.ts': `import { shared } from './shared';\n${FETCH_WITHOUT_TIMEOUT}`,
        'src/shared.ts': FETCH_WITHOUT_TIMEOUT.replace('load', 'shared'),
        'src/testing/api-client.ts': FETCH_WITHOUT_TIMEOUT,
        'src/users.e2e.ts': FETCH_WITHOUT_TIMEOUT,
        'src/users.e2e-spec.ts': "import { load } from './testing/api-client';\nimport { shared } from './shared';\nimport '../src/index';\n",
        'src/users.e2e-ee.ts': FETCH_WITHOUT_TIMEOUT,
        'src/users.check.ts': FETCH_WITHOUT_TIMEOUT,
        'src/Button.stories.tsx': FETCH_WITHOUT_TIMEOUT,
        'src/__mocks__/axios.ts': FETCH_WITHOUT_TIMEOUT,
        'src/fixtures/users.ts': FETCH_WITHOUT_TIMEOUT,
        'e2e/login.ts': FETCH_WITHOUT_TIMEOUT,
      });
      const report = parseJsonReport(await runCli(['check', '--format', 'json'], dir));
      assert.deepEqual([...new Set(report.findings.map((f) => f.file))], ['src/index.ts', 'src/shared.ts']);
      assert.equal(report.files, 2);
    });

    it('a test file named on the command line is skipped with a warning line; tests.analyze analyses it', async () => {
      const dir = project({ 'src/app.e2e-spec.ts': FETCH_WITHOUT_TIMEOUT, 'src/app.ts': FETCH_WITHOUT_TIMEOUT });
      const skipped = await runCli(['check', 'src/app.e2e-spec.ts', 'src/app.ts', '--format', 'json'], dir);
      assert.equal(skipped.code, 0, skipped.stderr);
      assert.deepEqual(locations(parseJsonReport(skipped)), ['src/app.ts:2:10 missing-timeout']);
      assert.deepEqual(stderrLines(skipped), ['preflight: skipped src/app.e2e-spec.ts: test code (*.e2e-*.*); "tests": { "analyze": true } in the config analyses test code']);
      fs.writeFileSync(path.join(dir, 'preflight.config.json'), JSON.stringify({ tests: { analyze: true } }));
      const analysed = await runCli(['check', 'src/app.e2e-spec.ts', '--format', 'json'], dir);
      assert.deepEqual(locations(parseJsonReport(analysed)), ['src/app.e2e-spec.ts:2:10 missing-timeout']);
      assert.equal(analysed.stderr, '');
    });

    it('the config: tests.patterns adds test code, tests.notTests makes production code, tests.analyze analyses all of it', async () => {
      const dir = project({
        'qa/smoke.ts': FETCH_WITHOUT_TIMEOUT,
        'src/fixtures/catalog.ts': FETCH_WITHOUT_TIMEOUT,
        'src/fixtures/seed.ts': FETCH_WITHOUT_TIMEOUT,
        'src/app.ts': FETCH_WITHOUT_TIMEOUT,
        'test/app.ts': FETCH_WITHOUT_TIMEOUT,
        'preflight.config.json': JSON.stringify({ tests: { patterns: ['qa/**'], notTests: ['src/fixtures/catalog.ts'] } }),
      });
      const files = async () => [...new Set(parseJsonReport(await runCli(['check', '--format', 'json'], dir)).findings.map((f) => f.file))];
      assert.deepEqual(await files(), ['src/app.ts', 'src/fixtures/catalog.ts']);
      fs.writeFileSync(path.join(dir, 'preflight.config.json'), JSON.stringify({ tests: { patterns: ['qa/**'], analyze: true } }));
      assert.deepEqual(await files(), ['qa/smoke.ts', 'src/app.ts', 'src/fixtures/catalog.ts', 'src/fixtures/seed.ts', 'test/app.ts']);
      fs.writeFileSync(path.join(dir, 'preflight.config.json'), '{\n  "tests": { "analyze": "yes" }\n}\n');
      const broken = await runCli(['check'], dir);
      assert.equal(broken.code, 2);
      assert.deepEqual(stderrLines(broken), ['preflight: preflight.config.json:2:25: "tests.analyze" must be true or false, found the string "yes"']);
    });

    it('a folder named on the command line is walked even when it is called test', async () => {
      const dir = project({ 'test/fixtures/app.ts': FETCH_WITHOUT_TIMEOUT, 'test/fixtures/app.test.ts': FETCH_WITHOUT_TIMEOUT });
      const report = parseJsonReport(await runCli(['check', 'test/fixtures', '--format', 'json'], dir));
      assert.deepEqual(locations(report), ['test/fixtures/app.ts:2:10 missing-timeout']);
    });

    it('a file that does not parse: one warning line, the other files are still analysed, normal exit', async () => {
      const dir = project({ 'src/broken.ts': 'export const = ;\n', 'src/ok.ts': FETCH_WITHOUT_TIMEOUT });
      const result = await runCli(['check', '--format', 'json'], dir);
      assert.equal(result.code, 0);
      assert.deepEqual(stderrLines(result), ['preflight: skipped src/broken.ts:1:14: does not parse (Variable declaration expected.)']);
      const report = parseJsonReport(result);
      assert.equal(report.files, 1);
      assert.deepEqual(locations(report), ['src/ok.ts:2:10 missing-timeout']);
    });

    it('skips binary, minified and oversized files with a warning line each', async () => {
      const minifiedLine = `!function(){${'var a=fetch("/x");'.repeat(70_000)}}();`;
      const bigReadable = `${'export const values = [\n'}${'  1,\n'.repeat(260_000)}];\n`;
      const binary = Buffer.concat([Buffer.from('fetch(url);\n'), Buffer.from([0, 1, 2, 0, 255]), Buffer.from('\nmore')]);
      const dir = project({
        'src/app.ts': FETCH_WITHOUT_TIMEOUT,
        'src/vendor.min.js': minifiedLine,
        'src/bundle.js': minifiedLine.slice(0, 200_000),
        'src/data.js': bigReadable,
        'src/blob.js': binary,
      });
      const result = await runCli(['check', '--format', 'json'], dir);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(stderrLines(result).sort(), [
        'preflight: skipped src/blob.js: binary file (22 bytes)',
        'preflight: skipped src/bundle.js: minified (200 KB)',
        'preflight: skipped src/data.js: too large (1.3 MB; the limit is 1.0 MB)',
        'preflight: skipped src/vendor.min.js: minified (1.3 MB)',
      ]);
      assert.deepEqual(locations(parseJsonReport(result)), ['src/app.ts:2:10 missing-timeout']);
    });

    it('skips a stale module whose relative imports name no file, and says why; a module being written (one missing import) or one importing a generated folder is analysed', async () => {
      const dir = project({
        '.gitignore': 'generated/\n',
        'src/app.ts': FETCH_WITHOUT_TIMEOUT,
        'src/util.ts': 'export const one = 1;\n',
        'legacy/worker.ts': `import logger from './logger';\nimport { Run } from './models/Run';\nimport { pool } from './server';\n${FETCH_WITHOUT_TIMEOUT}`,
        'src/typing.ts': `import { one } from './util';\nimport { two } from './not-yet-written';\n${FETCH_WITHOUT_TIMEOUT.replace('load', 'load2')}`,
        'src/db.ts': `import { PrismaClient } from '../generated/prisma/client';\nimport { Prisma } from '../generated/prisma/internal';\n${FETCH_WITHOUT_TIMEOUT.replace('load', 'load3')}`,
      });
      const result = await runCli(['check', '--format', 'json'], dir);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(stderrLines(result), [
        'preflight: skipped legacy/worker.ts: 3 of its 3 relative imports name no file (./logger, ./models/Run, ./server): it cannot load as it stands (stale or unbuilt code)',
      ]);
      assert.deepEqual(locations(parseJsonReport(result)), ['src/app.ts:2:10 missing-timeout', 'src/db.ts:4:10 missing-timeout', 'src/typing.ts:4:10 missing-timeout']);
    });

    it('entries that cannot be read never crash the run (a folder without permission is a warning line)', async () => {
      const dir = project({ 'src/app.ts': FETCH_WITHOUT_TIMEOUT, 'locked/x.ts': FETCH_WITHOUT_TIMEOUT, 'src/.gitignore/oops.txt': 'not a file' });
      fs.symlinkSync(path.join(dir, 'nowhere.ts'), path.join(dir, 'src', 'dangling.ts'));
      execFileSync('mkfifo', [path.join(dir, 'src', 'pipe.ts')]);
      fs.chmodSync(path.join(dir, 'locked'), 0o000);
      const isRoot = process.getuid?.() === 0;
      try {
        const result = await runCli(['check', '--format', 'json'], dir);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(locations(parseJsonReport(result)), isRoot ? ['locked/x.ts:2:10 missing-timeout', 'src/app.ts:2:10 missing-timeout'] : ['src/app.ts:2:10 missing-timeout']);
        const gitignoreWarning = 'preflight: skipped src/.gitignore: cannot be read (EISDIR); its patterns are not applied';
        // root reads any folder, so the permission warning only shows for other users
        const permissionWarning = isRoot ? [] : ['preflight: skipped locked: cannot read folder (EACCES)'];
        assert.deepEqual(stderrLines(result).sort(), [...permissionWarning, gitignoreWarning].sort());
      } finally {
        fs.chmodSync(path.join(dir, 'locked'), 0o755);
      }
    });

    it('resolves types from the analysed project\'s own node_modules', async () => {
      const dir = project({
        'node_modules/mailer-lib/package.json': JSON.stringify({ name: 'mailer-lib', version: '1.0.0', types: 'index.d.ts' }),
        'node_modules/mailer-lib/index.d.ts': 'export declare function sendMail(to: string): Promise<void>;\n',
        'src/notify.ts': "import { sendMail } from 'mailer-lib';\n\nexport function notify(to: string): void {\n  sendMail(to);\n}\n",
      });
      const report = parseJsonReport(await runCli(['check', '--format', 'json'], dir));
      assert.deepEqual(locations(report), ['src/notify.ts:4:3 floating-promise']);
    });
  });

  describe('suppression comments', () => {
    it('a suppressed finding is gone; a suppression without a reason is reported as info', async () => {
      const dir = project({
        'src/a.ts': 'export async function a(url: string) {\n  // preflight-disable-next-line missing-timeout -- in-cluster sidecar\n  return fetch(url);\n}\n',
        'src/b.ts': 'export async function b(url: string) {\n  return fetch(url); // preflight-disable-line missing-timeout\n}\n',
      });
      const report = parseJsonReport(await runCli(['check', '--format', 'json'], dir));
      assert.deepEqual(locations(report), ['src/b.ts:2:22 suppression-without-reason']);
      assert.equal(report.findings[0]!.severity, 'info');
      assert.equal(report.findings[0]!.category, 'preflight');
    });
  });

  describe('--format text', () => {
    it('groups findings under each file with line:column, severity, message and rule, then a summary', async () => {
      const dir = project({ 'src/a.ts': `${EMPTY_CATCH}${FETCH_WITHOUT_TIMEOUT}`, 'src/b.ts': FETCH_WITHOUT_TIMEOUT, 'src/c.ts': CLEAN });
      const result = await runCli(['check'], dir);
      assert.equal(result.code, 0);
      const lines = result.stdout.split('\n');
      assert.equal(lines[0], 'src/a.ts');
      assert.match(lines[1]!, /^ {2}4:5 {3}warning {2}.+ {2}swallowed-error$/);
      assert.match(lines[2]!, /^ {2}7:10 {2}warning {2}.*timeout.* {2}missing-timeout$/);
      assert.equal(lines[3], '');
      assert.equal(lines[4], 'src/b.ts');
      assert.match(lines[5]!, /^ {2}2:10 {2}warning {2}.* {2}missing-timeout$/);
      assert.equal(lines[6], '');
      assert.equal(lines[7], '\u2716 3 problems (0 errors, 3 warnings), 3 files checked.');
      assert.ok(!result.stdout.includes('\u001b['), 'no colours when stdout is not a terminal');
    });
  });

  describe('--format sarif', () => {
    interface SarifLog {
      version: string;
      $schema: string;
      runs: {
        tool: { driver: { name: string; semanticVersion: string; rules: Record<string, any>[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    }

    async function sarif(dir: string): Promise<SarifLog> {
      const result = await runCli(['check', '--format', 'sarif'], dir);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as SarifLog;
    }

    it('is SARIF 2.1.0 with rule metadata and located, fingerprinted results', async () => {
      const dir = project({ 'src/billing client.ts': `${EMPTY_CATCH}${FETCH_WITHOUT_TIMEOUT}` });
      const log = await sarif(dir);
      assert.equal(log.version, '2.1.0');
      assert.match(log.$schema, /sarif-2\.1\.0/);
      assert.equal(log.runs.length, 1);
      const { driver } = log.runs[0]!.tool;
      assert.equal(driver.name, 'Preflight');
      assert.equal(driver.semanticVersion, serverVersion);
      const ruleIds = driver.rules.map((r) => r.id);
      assert.ok(ruleIds.includes('missing-timeout') && ruleIds.includes('suppression-without-reason'));
      for (const rule of driver.rules) {
        assert.ok(rule.name && rule.shortDescription?.text && rule.fullDescription?.text, `rule ${rule.id} lacks descriptions`);
        assert.ok(rule.help?.text && rule.help?.markdown?.includes('## How to fix it'), `rule ${rule.id} lacks help`);
        assert.match(rule.helpUri, new RegExp(`${rule.id}\\.md$`));
        assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration?.level), `rule ${rule.id} level`);
      }
      const results = log.runs[0]!.results;
      assert.deepEqual(results.map((r) => [r.ruleId, r.level]), [['swallowed-error', 'warning'], ['missing-timeout', 'warning']]);
      for (const result of results) {
        assert.equal(driver.rules[result.ruleIndex]!.id, result.ruleId);
        assert.ok(result.message.text.length > 0);
        const [location] = result.locations;
        assert.equal(location!.physicalLocation.artifactLocation.uri, 'src/billing%20client.ts');
        assert.ok(Object.values(result.partialFingerprints).every((v) => typeof v === 'string' && v.length > 0));
      }
      assert.deepEqual(results[1]!.locations[0]!.physicalLocation.region, { startLine: 7, startColumn: 10, endLine: 7, endColumn: 15 });
    });

    it('partialFingerprints survive lines shifting and tell repeated identical lines apart', async () => {
      const body = 'export async function a(url: string) {\n  await fetch(url);\n  await fetch(url);\n}\n';
      const dir = project({ 'src/a.ts': body });
      const before = (await sarif(dir)).runs[0]!.results.map((r) => r.partialFingerprints);
      fs.writeFileSync(path.join(dir, 'src', 'a.ts'), `// a header\nimport './setup';\n\n${body.replace('  await', '      await')}`);
      const after = (await sarif(dir)).runs[0]!.results;
      assert.deepEqual(after.map((r) => r.locations[0]!.physicalLocation.region.startLine), [5, 6]);
      assert.deepEqual(after.map((r) => r.partialFingerprints), before);
      assert.notDeepEqual(before[0], before[1]);
    });
  });

  describe('SQL migrations', () => {
    it('analyses migration .sql files (Prisma, migrations/) and JS migrations, and leaves other .sql files alone', async () => {
      const dir = project({
        'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Order" ("id" TEXT NOT NULL);\nCREATE INDEX "Order_id_idx" ON "Order"("id");\n',
        'prisma/migrations/20240301000000_index/migration.sql': "SET lock_timeout = '5s';\nALTER TABLE \"Order\" DROP COLUMN \"note\";\n",
        'db/migrations/002_index.js': "exports.up = (knex) => knex.raw('CREATE INDEX orders_user_idx ON orders (user_id)');\nexports.down = (knex) => knex.raw('DROP INDEX orders_user_idx');\n",
        'queries/report.sql': 'CREATE INDEX report_idx ON orders (id);\n',
      });
      const result = await runCli(['check', '--format', 'json'], dir);
      const report = parseJsonReport(result);
      assert.equal(report.files, 3);
      assert.deepEqual(locations(report), [
        'db/migrations/002_index.js:1:34 blocking-migration',
        'db/migrations/002_index.js:1:34 blocking-migration',
        'prisma/migrations/20240301000000_index/migration.sql:2:1 destructive-migration',
      ]);
    });
  });
});
