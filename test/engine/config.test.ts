import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from 'preflight-server';
import { applySettings, formatConfigProblem, loadConfigFile, parseConfigText, SETTINGS_SOURCE } from 'preflight-server/out/config/load';

let tempDir: string;

function writeConfig(text: string): string {
  const file = path.join(tempDir, `config-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, text);
  return file;
}

/** `line:column: message` (1-based) for each problem. */
function problemsOf(text: string): string[] {
  return parseConfigText('/x/preflight.config.json', text).problems.map((p) => `${p.line + 1}:${p.character + 1}: ${p.message}`);
}

describe('config: loadConfigFile', () => {
  before(() => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-config-'));
  });
  after(() => fs.rmSync(tempDir, { recursive: true, force: true }));

  it('a missing file gives the defaults, no problems and no file', () => {
    const loaded = loadConfigFile(path.join(tempDir, 'nope', 'preflight.config.json'));
    assert.deepEqual(loaded, { config: DEFAULT_CONFIG, problems: [] });
  });

  it('reads a valid config with every section', () => {
    const file = writeConfig(
      JSON.stringify({
        $schema: './node_modules/preflight-server/schemas/preflight.config.schema.json',
        rules: { 'missing-timeout': 'error', 'swallowed-error': ['info', { allowEmptyWithComment: true }], 'floating-promise': 'off' },
        ignore: ['scripts/**', '**/*.generated.ts'],
        tests: { patterns: ['qa/**'], notTests: ['src/fixtures/**'], analyze: true },
        checklist: { baseBranch: 'develop', items: [{ id: 'load-test', title: 'Load-tested the new endpoint', required: true }, { id: 'docs', title: 'Docs updated' }] },
        fixes: { timeoutMs: 5000 },
      }),
    );
    const loaded = loadConfigFile(file);
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.file, file);
    assert.deepEqual(loaded.config, {
      rules: {
        'missing-timeout': { severity: 'error' },
        'swallowed-error': { severity: 'info', options: { allowEmptyWithComment: true } },
        'floating-promise': { severity: 'off' },
      },
      ignore: ['scripts/**', '**/*.generated.ts'],
      tests: { patterns: ['qa/**'], notTests: ['src/fixtures/**'], analyze: true },
      checklist: { baseBranch: 'develop', items: [{ id: 'load-test', title: 'Load-tested the new endpoint', required: true }, { id: 'docs', title: 'Docs updated' }] },
      fixes: { timeoutMs: 5000 },
    });
  });

  it('checks fixes.timeoutMs: whole milliseconds from 1 to 600000, else the default', () => {
    assert.deepEqual(problemsOf('{"fixes": {"timeoutMs": 0}}'), ['1:25: "fixes.timeoutMs" must be a whole number of milliseconds from 1 to 600000, found number 0']);
    assert.deepEqual(problemsOf('{"fixes": {"timeoutMs": "5s"}}'), ['1:25: "fixes.timeoutMs" must be a whole number of milliseconds from 1 to 600000, found the string "5s"']);
    assert.deepEqual(problemsOf('{"fixes": {"timeout": 5}}'), ['1:12: unknown property "timeout" in "fixes" (did you mean "timeoutMs"?); expected timeoutMs']);
    assert.deepEqual(parseConfigText('c.json', '{"fixes": {"timeoutMs": 900000}}').config.fixes, { timeoutMs: 10_000 });
  });

  it('bad JSON gives exactly one problem at the right line and column, and the defaults', () => {
    const file = writeConfig('{\n  "rules": {\n    "missing-timeout": "error",\n  }\n}\n');
    const loaded = loadConfigFile(file);
    assert.equal(loaded.problems.length, 1);
    const [problem] = loaded.problems;
    assert.equal(problem!.file, file);
    assert.deepEqual([problem!.line, problem!.character], [3, 2]);
    assert.match(problem!.message, /invalid JSON: trailing comma/);
    assert.deepEqual(loaded.config, DEFAULT_CONFIG);
  });

  it('says so when the JSON has comments, or is empty, or has garbage after the value', () => {
    assert.deepEqual(problemsOf('{\n  // no\n}'), ['2:3: invalid JSON: expected a property name in double quotes, found comment (comments are not allowed in JSON)']);
    assert.deepEqual(problemsOf('  \n'), ['2:1: invalid JSON: the file is empty: expected a JSON object']);
    assert.deepEqual(problemsOf('{} x'), ["1:4: invalid JSON: unexpected 'x' after the end of the JSON value"]);
    assert.deepEqual(problemsOf('{"rules": {"a": "b}}'), ['1:17: invalid JSON: unterminated string']);
  });

  it('an unknown rule id is reported at its key with a suggestion; the other rules still apply', () => {
    const text = '{\n  "rules": {\n    "missing-timout": "error",\n    "swallowed-error": "error"\n  }\n}';
    assert.deepEqual(problemsOf(text), ['3:5: unknown rule "missing-timout" (did you mean "missing-timeout"?)']);
    assert.deepEqual(parseConfigText('c.json', text).config.rules, { 'swallowed-error': { severity: 'error' } });
    assert.deepEqual(problemsOf('{"rules": {"no-such-thing-at-all": "error"}}'), ['1:12: unknown rule "no-such-thing-at-all"']);
  });

  it('a bad severity is reported at the value and that rule keeps its default', () => {
    const text = '{ "rules": { "missing-timeout": "warn", "swallowed-error": 2 } }';
    assert.deepEqual(problemsOf(text), [
      '1:33: bad severity "warn" for rule "missing-timeout": use error, warning, info, hint or off',
      '1:60: setting for rule "swallowed-error" must be a severity (error, warning, info, hint or off) or [severity, { options }], found number 2',
    ]);
    assert.deepEqual(parseConfigText('c.json', text).config.rules, {});
  });

  it('checks the [severity, options] form', () => {
    assert.deepEqual(problemsOf('{"rules": {"missing-timeout": []}}'), ['1:31: setting for rule "missing-timeout" is an empty array: expected [severity, { options }]']);
    assert.deepEqual(problemsOf('{"rules": {"missing-timeout": ["bad"]}}'), ['1:32: bad severity "bad" for rule "missing-timeout": use error, warning, info, hint or off']);
    const badOptions = parseConfigText('c.json', '{"rules": {"missing-timeout": ["error", 5]}}');
    assert.deepEqual(badOptions.problems.map((p) => p.message), ['options for rule "missing-timeout" must be an object, found number 5']);
    assert.deepEqual(badOptions.config.rules, { 'missing-timeout': { severity: 'error' } });
    assert.deepEqual(problemsOf('{"rules": {"missing-timeout": ["error", {}, 1]}}'), ['1:45: setting for rule "missing-timeout" has extra items: expected [severity, { options }]']);
  });

  it('checks ignore globs, keeping the good ones', () => {
    assert.deepEqual(problemsOf('{"ignore": "scripts/**"}'), ['1:12: "ignore" must be an array of glob patterns, found the string "scripts/**"']);
    const mixed = parseConfigText('c.json', '{"ignore": ["a/**", 3, ""]}');
    assert.deepEqual(mixed.config.ignore, ['a/**']);
    assert.equal(mixed.problems.length, 2);
  });

  it('checks the tests section with line and column, keeping the good parts', () => {
    assert.deepEqual(problemsOf('{"tests": ["e2e/**"]}'), ['1:11: "tests" must be an object with "patterns", "notTests" and "analyze", found an array']);
    const text = '{\n  "tests": {\n    "patterns": ["qa/**", 1],\n    "notTest": [],\n    "analyze": "yes"\n  }\n}';
    assert.deepEqual(problemsOf(text), [
      '4:5: unknown property "notTest" in "tests" (did you mean "notTests"?); expected patterns, notTests, analyze',
      '3:27: "tests.patterns" entries must be non-empty glob pattern strings, found number 1',
      '5:16: "tests.analyze" must be true or false, found the string "yes"',
    ]);
    const loaded = parseConfigText('c.json', text);
    assert.deepEqual(loaded.config.tests, { patterns: ['qa/**'], notTests: [], analyze: false });
    assert.deepEqual(parseConfigText('c.json', '{}').config.tests, { patterns: [], notTests: [], analyze: false }, 'absent: test code is not analysed');
  });

  it('checks the checklist section', () => {
    const text = JSON.stringify({
      checklist: {
        baseBranch: '',
        items: [{ id: 'a', title: 'A' }, { id: 'a', title: 'again' }, { id: 'b' }, { title: 'no id', required: 'yes' }, 'x', { id: 'c', title: 'C', owner: 'me' }],
      },
    });
    const loaded = parseConfigText('c.json', text);
    assert.deepEqual(
      loaded.problems.map((p) => p.message),
      [
        '"checklist.baseBranch" must be a branch name, found the string ""',
        'duplicate checklist item id "a"',
        'a checklist item needs a "title"',
        'checklist item "required" must be true or false, found the string "yes"',
        'a checklist item needs an "id"',
        'a checklist item must be an object with "id" and "title", found the string "x"',
        'unknown property "owner" in a checklist item; expected id, title, required',
      ],
    );
    assert.deepEqual(loaded.config.checklist, { items: [{ id: 'a', title: 'A' }, { id: 'c', title: 'C' }] });
  });

  it('checks checklist.maxWarnings: a whole number of 0 or more, absent by default (the summary then applies 0)', () => {
    assert.equal(parseConfigText('c.json', '{ "checklist": { "maxWarnings": 12 } }').config.checklist.maxWarnings, 12);
    assert.equal(parseConfigText('c.json', '{}').config.checklist.maxWarnings, undefined);
    for (const bad of ['-1', '2.5', '"10"']) {
      const loaded = parseConfigText('c.json', `{ "checklist": { "maxWarnings": ${bad} } }`);
      assert.match(loaded.problems[0]?.message ?? '', /"checklist.maxWarnings" must be a whole number of 0 or more/, bad);
      assert.equal(loaded.config.checklist.maxWarnings, undefined);
    }
  });

  it('reports unknown and duplicate top-level properties and a non-object document', () => {
    assert.deepEqual(problemsOf('{"rule": {}}'), ['1:2: unknown property "rule" (did you mean "rules"?); expected rules, ignore, tests, checklist, fixes']);
    assert.deepEqual(problemsOf('{"ignore": [], "ignore": []}'), ['1:16: duplicate property "ignore"']);
    assert.deepEqual(problemsOf('[1]'), ['1:1: expected an object with "rules", "ignore", "tests", "checklist" and "fixes", found an array']);
  });

  it('a directory in place of the file is one problem, not a crash', () => {
    const dir = path.join(tempDir, 'preflight.config.json');
    fs.mkdirSync(dir);
    const loaded = loadConfigFile(dir);
    assert.deepEqual(loaded.problems.map((p) => p.message), ['config file is a directory, not a file']);
    assert.deepEqual(loaded.config, DEFAULT_CONFIG);
  });

  it('formats problems as file:line:column: message, 1-based', () => {
    assert.equal(formatConfigProblem({ file: 'preflight.config.json', line: 2, character: 4, message: 'bad' }), 'preflight.config.json:3:5: bad');
    assert.equal(formatConfigProblem({ file: SETTINGS_SOURCE, line: 0, character: 0, message: 'preflight.rules: bad' }), 'settings: preflight.rules: bad');
  });
});

describe('config: applySettings', () => {
  const fileConfig = parseConfigText('c.json', '{"rules": {"missing-timeout": "error", "swallowed-error": "info"}, "ignore": ["scripts/**"], "checklist": {"baseBranch": "main"}}').config;

  it('settings win per rule and add ignore patterns; the checklist stays', () => {
    const applied = applySettings(fileConfig, {
      rules: { 'missing-timeout': 'off', 'floating-promise': ['error', { checkEventHandlers: false }] },
      ignore: ['vendor/**', 'scripts/**'],
      trace: { server: 'verbose' },
      fixes: { timeoutMs: 3000 },
    });
    assert.deepEqual(applied.problems, []);
    assert.deepEqual(applied.config, {
      rules: {
        'missing-timeout': { severity: 'off' },
        'swallowed-error': { severity: 'info' },
        'floating-promise': { severity: 'error', options: { checkEventHandlers: false } },
      },
      ignore: ['scripts/**', 'vendor/**'],
      tests: { patterns: [], notTests: [], analyze: false },
      checklist: { baseBranch: 'main', items: [] },
      fixes: { timeoutMs: 3000 },
    });
    assert.deepEqual(applySettings(fileConfig, { fixes: { timeoutMs: -1 } }).problems.map((p) => p.message), [
      '"preflight.fixes.timeoutMs" must be a whole number of milliseconds from 1 to 600000, found number -1',
    ]);
  });

  it('bad settings are problems naming the setting; the rest still applies', () => {
    const applied = applySettings(fileConfig, { rules: { 'missing-timeout': 'loud', 'no-such-rule': 'error', 'floating-promise': 'hint' }, ignore: [1] });
    assert.deepEqual(
      applied.problems.map((p) => [p.file, p.message]),
      [
        [SETTINGS_SOURCE, 'preflight.rules: bad severity "loud" for rule "missing-timeout": use error, warning, info, hint or off'],
        [SETTINGS_SOURCE, 'preflight.rules: unknown rule "no-such-rule"'],
        [SETTINGS_SOURCE, 'preflight.ignore: "ignore" entries must be non-empty glob pattern strings, found number 1'],
      ],
    );
    assert.deepEqual(applied.config.rules['missing-timeout'], { severity: 'error' });
    assert.deepEqual(applied.config.rules['floating-promise'], { severity: 'hint' });
    assert.deepEqual(applied.config.ignore, ['scripts/**']);
  });

  it('no settings, or settings that are not an object, change nothing', () => {
    for (const settings of [undefined, null, 'x', [], {}]) {
      const applied = applySettings(fileConfig, settings);
      assert.deepEqual(applied, { config: fileConfig, problems: [] });
    }
  });
});
