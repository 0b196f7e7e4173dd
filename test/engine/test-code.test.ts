import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_TESTS_CONFIG, exportedConfigObject, TestCodeClassifier, type TestsConfig } from 'preflight-server';

let tempDirs: string[] = [];

/** A temporary folder holding `files` (relative path → content). */
function tree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-test-code-')));
  tempDirs.push(dir);
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return dir;
}

/** The verdict of each file: its kind (`runner`, `support`, ...) or `production`. */
async function verdicts(root: string, files: string[], tests: TestsConfig = DEFAULT_TESTS_CONFIG): Promise<Record<string, string>> {
  const classifier = new TestCodeClassifier({ root, tests });
  const result: Record<string, string> = {};
  for (const file of files) result[file] = (await classifier.classify(path.join(root, file)))?.kind ?? 'production';
  return result;
}

const CODE = 'export const x = 1;\n';

describe('test code: the test runners configuration, read as data', () => {
  afterEach(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    tempDirs = [];
  });

  it('reads literal values from export default, module.exports, defineConfig(...) and a const; ignores what is computed', () => {
    const read = (text: string, file = 'x.config.ts') => exportedConfigObject(file, text);
    assert.deepEqual(read("export default { testMatch: ['**/*.check.ts'], roots: ['<rootDir>/src'] };"), { testMatch: ['**/*.check.ts'], roots: ['<rootDir>/src'] });
    assert.deepEqual(read("module.exports = { spec: 'qa/**/*.js' };", 'x.js'), { spec: 'qa/**/*.js' });
    assert.deepEqual(read("import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['a/**'] } });"), { test: { include: ['a/**'] } });
    assert.deepEqual(read("import type { Config } from 'jest';\nconst config: Config = { testRegex: '.*\\\\.e2e\\\\.ts$' };\nexport default config;"), { testRegex: '.*\\.e2e\\.ts$' });
    assert.deepEqual(read("export default defineConfig(() => ({ testDir: './journeys' }));"), { testDir: './journeys' });
    assert.deepEqual(read("export default mergeConfig(base, defineConfig({ test: { include: ['x/**'] } }));"), { test: { include: ['x/**'] } });
    assert.deepEqual(read("const dir = 'qa';\nexport default { testDir: dir, testMatch: /flow\\.ts$/ };"), { testDir: 'qa', testMatch: /flow\.ts$/ });
    assert.deepEqual(
      read("export default { testMatch: computePatterns(), roots: [path.join(__dirname, 'src'), '<rootDir>/lib'], testRegex: `${dir}/x` };"),
      { roots: ['<rootDir>/lib'] },
      'calls, path.join and templates with substitutions are not literals: left out',
    );
    assert.equal(read('export const notDefault = { testMatch: [] };'), undefined);
  });

  it('jest: package.json "jest", jest.config.{js,ts,mjs,cjs,json}: testMatch, testRegex, roots, setup files', async () => {
    const root = tree({
      'a/package.json': JSON.stringify({ name: 'a', jest: { testMatch: ['**/checks/**/*.ts'] } }),
      'a/src/checks/login.ts': CODE,
      'a/src/login.ts': CODE,
      'b/package.json': '{"name": "b"}',
      'b/jest.config.ts': "import type { Config } from 'jest';\nconst config: Config = {\n  testRegex: '.*\\\\.check\\\\.ts$',\n  roots: ['<rootDir>/src'],\n  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts', 'jest-extended/all'],\n};\nexport default config;\n",
      'b/jest.setup.ts': CODE,
      'b/src/users.check.ts': CODE,
      'b/lib/users.check.ts': CODE,
      'b/src/users.ts': CODE,
      'c/package.json': '{"name": "c"}',
      'c/jest.config.js': "module.exports = { testMatch: ['<rootDir>/qa/**/*.js'] };\n",
      'c/qa/smoke.js': CODE,
      'c/src/smoke.js': CODE,
      'd/package.json': '{"name": "d"}',
      'd/jest.config.mjs': "export default { testMatch: ['**/*.int.mjs'] };\n",
      'd/src/db.int.mjs': CODE,
      'e/package.json': '{"name": "e"}',
      'e/jest.config.cjs': "module.exports = { testRegex: ['/specs/'] };\n",
      'e/specs/a.cjs': CODE,
      'f/package.json': '{"name": "f"}',
      'f/jest.config.json': '{ "rootDir": "src", "testMatch": ["<rootDir>/**/*.verify.ts"] }',
      'f/src/pay.verify.ts': CODE,
      'f/src/pay.ts': CODE,
      // Config of a subfolder without a package.json of its own (as in an Nx app): patterns relative to that folder.
      'g/package.json': '{"name": "g"}',
      'g/apps/api/jest.config.ts': "export default { testMatch: ['<rootDir>/probes/**/*.ts'] };\n",
      'g/apps/api/probes/health.ts': CODE,
      'g/probes/health.ts': CODE,
    });
    assert.deepEqual(
      await verdicts(root, [
        'a/src/checks/login.ts',
        'a/src/login.ts',
        'b/src/users.check.ts',
        'b/lib/users.check.ts',
        'b/jest.setup.ts',
        'b/jest.config.ts',
        'b/src/users.ts',
        'c/qa/smoke.js',
        'c/src/smoke.js',
        'd/src/db.int.mjs',
        'e/specs/a.cjs',
        'f/src/pay.verify.ts',
        'f/src/pay.ts',
        'g/apps/api/probes/health.ts',
        'g/probes/health.ts',
      ]),
      {
        'a/src/checks/login.ts': 'runner',
        'a/src/login.ts': 'production',
        'b/src/users.check.ts': 'runner',
        'b/lib/users.check.ts': 'production',
        'b/jest.setup.ts': 'runner',
        'b/jest.config.ts': 'runner',
        'b/src/users.ts': 'production',
        'c/qa/smoke.js': 'runner',
        'c/src/smoke.js': 'production',
        'd/src/db.int.mjs': 'runner',
        'e/specs/a.cjs': 'runner',
        'f/src/pay.verify.ts': 'runner',
        'f/src/pay.ts': 'production',
        'g/apps/api/probes/health.ts': 'runner',
        'g/probes/health.ts': 'production',
      },
    );
    const classifier = new TestCodeClassifier({ root });
    assert.equal((await classifier.classify(path.join(root, 'b/src/users.check.ts')))?.reason, 'test code (by the jest configuration in b/jest.config.ts)');
  });

  it('vitest: vitest.config.* and vite.config.* test.include and setupFiles; a vite config without test is not read', async () => {
    const root = tree({
      'a/package.json': '{"name": "a"}',
      'a/vitest.config.ts': "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['src/**/*.check.ts'], setupFiles: ['./vitest.setup.ts'] } });\n",
      'a/vitest.setup.ts': CODE,
      'a/src/pay.check.ts': CODE,
      'a/lib/pay.check.ts': CODE,
      'b/package.json': '{"name": "b"}',
      'b/vite.config.mts': "export default defineConfig({ plugins: [react()], test: { include: ['**/*.unit.tsx'] } });\n",
      'b/src/App.unit.tsx': CODE,
      'c/package.json': '{"name": "c"}',
      'c/vite.config.js': "export default { plugins: [], build: { outDir: 'dist' } };\n",
      'c/src/main.js': CODE,
    });
    assert.deepEqual(await verdicts(root, ['a/src/pay.check.ts', 'a/lib/pay.check.ts', 'a/vitest.setup.ts', 'a/vitest.config.ts', 'b/src/App.unit.tsx', 'b/vite.config.mts', 'c/vite.config.js', 'c/src/main.js']), {
      'a/src/pay.check.ts': 'runner',
      'a/lib/pay.check.ts': 'production',
      'a/vitest.setup.ts': 'runner',
      'a/vitest.config.ts': 'runner',
      'b/src/App.unit.tsx': 'runner',
      'b/vite.config.mts': 'production',
      'c/vite.config.js': 'production',
      'c/src/main.js': 'production',
    });
  });

  it('mocha: .mocharc.{json,jsonc,yml,yaml,js,cjs} and package.json "mocha": spec (globs, files and folders)', async () => {
    const root = tree({
      'a/package.json': '{"name": "a"}',
      'a/.mocharc.json': '{ "spec": "qa/**/*.ts" }',
      'a/qa/deep/login.ts': CODE,
      'b/package.json': '{"name": "b"}',
      'b/.mocharc.jsonc': '{\n  // where the tests are\n  "spec": ["checks/**/*.js",],\n}\n',
      'b/checks/a.js': CODE,
      'c/package.json': '{"name": "c"}',
      'c/.mocharc.yml': '# tests\nspec:\n  - "integration/**/*.ts"\n  - probe.ts\nrecursive: true\n',
      'c/integration/x/a.ts': CODE,
      'c/probe.ts': CODE,
      'c/src/probe.ts': CODE,
      'd/package.json': '{"name": "d"}',
      'd/.mocharc.yaml': "spec: 'verify/*.js'\n",
      'd/verify/a.js': CODE,
      'd/verify/deeper/b.js': CODE,
      'e/package.json': '{"name": "e"}',
      'e/.mocharc.js': "'use strict';\nmodule.exports = { spec: ['suites/**/*.js'], timeout: 5000 };\n",
      'e/suites/s.js': CODE,
      'f/package.json': '{"name": "f"}',
      'f/.mocharc.cjs': "module.exports = { spec: 'acceptance/*.cjs' };\n",
      'f/acceptance/a.cjs': CODE,
      'g/package.json': JSON.stringify({ name: 'g', mocha: { spec: 'checks' } }),
      'g/checks/a.js': CODE,
      'g/checks/sub/b.js': CODE,
    });
    assert.deepEqual(
      await verdicts(root, ['a/qa/deep/login.ts', 'b/checks/a.js', 'c/integration/x/a.ts', 'c/probe.ts', 'c/src/probe.ts', 'd/verify/a.js', 'd/verify/deeper/b.js', 'e/suites/s.js', 'e/.mocharc.js', 'f/acceptance/a.cjs', 'g/checks/a.js', 'g/checks/sub/b.js']),
      {
        'a/qa/deep/login.ts': 'runner',
        'b/checks/a.js': 'runner',
        'c/integration/x/a.ts': 'runner',
        'c/probe.ts': 'runner',
        'c/src/probe.ts': 'production',
        'd/verify/a.js': 'runner',
        'd/verify/deeper/b.js': 'production',
        'e/suites/s.js': 'runner',
        'e/.mocharc.js': 'runner',
        'f/acceptance/a.cjs': 'runner',
        'g/checks/a.js': 'runner',
        'g/checks/sub/b.js': 'production',
      },
    );
  });

  it('playwright: testDir and testMatch (globs and regular expressions, per project)', async () => {
    const root = tree({
      'package.json': '{"name": "web"}',
      'playwright.config.ts':
        "import { defineConfig } from '@playwright/test';\nexport default defineConfig({\n  testDir: './journeys',\n  testMatch: '**/*.journey.ts',\n  globalSetup: './global-setup.ts',\n  projects: [{ name: 'flows', testMatch: /.*\\.flow\\.ts/ }],\n});\n",
      'journeys/login.journey.ts': CODE,
      'journeys/checkout.flow.ts': CODE,
      'global-setup.ts': CODE,
      'src/login.journey.ts': CODE,
      'src/app.ts': CODE,
    });
    assert.deepEqual(await verdicts(root, ['journeys/login.journey.ts', 'journeys/checkout.flow.ts', 'global-setup.ts', 'src/login.journey.ts', 'src/app.ts']), {
      'journeys/login.journey.ts': 'runner',
      'journeys/checkout.flow.ts': 'runner',
      'global-setup.ts': 'runner',
      'src/login.journey.ts': 'production',
      'src/app.ts': 'production',
    });
  });

  it('cypress: the cypress/ folder, e2e.specPattern, supportFile and component specs', async () => {
    const root = tree({
      'package.json': '{"name": "web"}',
      'cypress.config.ts': "import { defineConfig } from 'cypress';\nexport default defineConfig({ e2e: { specPattern: 'ui-tests/**/*.ui.ts', supportFile: 'ui-tests/support.ts' } });\n",
      'cypress/plugins/index.ts': CODE,
      'ui-tests/login.ui.ts': CODE,
      'ui-tests/support.ts': CODE,
      'src/Button.cy.tsx': CODE,
      'src/Button.tsx': CODE,
    });
    assert.deepEqual(await verdicts(root, ['cypress/plugins/index.ts', 'ui-tests/login.ui.ts', 'ui-tests/support.ts', 'src/Button.cy.tsx', 'src/Button.tsx']), {
      'cypress/plugins/index.ts': 'runner',
      'ui-tests/login.ui.ts': 'runner',
      'ui-tests/support.ts': 'runner',
      'src/Button.cy.tsx': 'runner',
      'src/Button.tsx': 'production',
    });
  });

  it('a runner config that cannot be read is a problem; the rest still classifies', async () => {
    const root = tree({ 'package.json': '{"name": "a"}', '.mocharc.yml': 'spec: [unclosed\n', 'src/a.ts': CODE, 'src/a.test.ts': CODE });
    const classifier = new TestCodeClassifier({ root });
    assert.equal(await classifier.classify(path.join(root, 'src/a.ts')), undefined);
    assert.equal((await classifier.classify(path.join(root, 'src/a.test.ts')))?.kind, 'convention');
    assert.deepEqual(
      classifier.problems().map((p: { file: string; reason: string }) => [path.basename(p.file), p.reason.split(' (')[0]]),
      [['.mocharc.yml', 'is not valid YAML']],
    );
  });
});

describe('test code: modules imported only by test code are test support', () => {
  afterEach(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    tempDirs = [];
  });

  const PACKAGE = {
    'package.json': JSON.stringify({ name: 'api', main: 'dist/index.js', bin: { 'api-tool': './src/cli.ts' } }),
    'tsconfig.json': '{\n  // aliases\n  "compilerOptions": { "baseUrl": ".", "paths": { "@app/*": ["src/*"] } }\n}\n',
    'src/index.ts': "import { start } from './server';\nstart();\n",
    'src/server.ts': "import { db } from './db';\nimport { shared } from './shared';\nimport { aliased } from '@app/aliased';\nimport { guessed } from '~/guessed';\nexport const start = () => [db, shared, aliased, guessed];\n",
    'src/db.ts': CODE,
    'src/shared.ts': CODE,
    'src/aliased.ts': CODE,
    'src/guessed.ts': CODE,
    'src/cli.ts': CODE,
    'src/billing.ts': CODE,
    'src/orphan.ts': CODE,
    'src/testing/client.ts': "import { retry } from './retry.js';\nexport const client = retry;\n",
    'src/testing/retry.ts': CODE,
    'src/testing/cycle-a.ts': "import './cycle-b';\n",
    'src/testing/cycle-b.ts': "import './cycle-a';\n",
    'src/testing/by-alias.ts': CODE,
    'e2e/app.e2e-spec.ts':
      "import { client } from '../src/testing/client';\nimport { shared } from '../src/shared';\nimport '../src/testing/cycle-a';\nimport { aliased } from '../src/aliased';\nimport { guessed } from '../src/guessed';\nimport cli = require('../src/cli');\nimport '@app/testing/by-alias';\n",
    'src/billing.test.ts': "import { bill } from './billing';\n",
  };

  it('a module only tests import is test support (through other support, cycles, aliases); imported by production, an entry point or its own test, it stays production', async () => {
    const root = tree(PACKAGE);
    const files = Object.keys(PACKAGE).filter((file) => file.endsWith('.ts'));
    assert.deepEqual(await verdicts(root, files), {
      'src/index.ts': 'production',
      'src/server.ts': 'production',
      'src/db.ts': 'production',
      'src/shared.ts': 'production',
      'src/aliased.ts': 'production',
      'src/guessed.ts': 'production',
      'src/cli.ts': 'production',
      'src/billing.ts': 'production',
      'src/orphan.ts': 'production',
      'src/testing/client.ts': 'support',
      'src/testing/retry.ts': 'support',
      'src/testing/cycle-a.ts': 'support',
      'src/testing/cycle-b.ts': 'support',
      'src/testing/by-alias.ts': 'support',
      'e2e/app.e2e-spec.ts': 'convention',
      'src/billing.test.ts': 'convention',
    });
    const classifier = new TestCodeClassifier({ root });
    assert.equal((await classifier.classify(path.join(root, 'src/testing/retry.ts')))?.reason, 'test support (imported only by test code, such as e2e/app.e2e-spec.ts)');
  });

  it('an import from production code, once it appears on disk, takes a module out of test support (after invalidate)', async () => {
    const root = tree(PACKAGE);
    const classifier = new TestCodeClassifier({ root });
    const client = path.join(root, 'src/testing/client.ts');
    assert.equal((await classifier.classify(client))?.kind, 'support');
    const server = path.join(root, 'src/server.ts');
    fs.appendFileSync(server, "import { client } from './testing/client';\n");
    assert.equal((await classifier.classify(client))?.kind, 'support', 'cached until told');
    classifier.invalidate(server);
    assert.equal(await classifier.classify(client), undefined);
  });

  it('the package entry points in build output stand for their sources; without main, index.js', async () => {
    const root = tree({
      'a/package.json': JSON.stringify({ name: 'a', main: 'dist/cjs/index.js', exports: { './worker': { import: './lib/worker.mjs' } } }),
      'a/src/index.ts': CODE,
      'a/src/worker.ts': CODE,
      'a/src/smoke.test.ts': "import './index';\nimport './worker';\n",
      'b/package.json': '{"name": "b"}',
      'b/index.js': CODE,
      'b/test/smoke.js': "require('../index');\n",
    });
    assert.deepEqual(await verdicts(root, ['a/src/index.ts', 'a/src/worker.ts', 'b/index.js']), {
      'a/src/index.ts': 'production',
      'a/src/worker.ts': 'production',
      'b/index.js': 'production',
    });
  });

  it('modules a build config names by file are entry points (subpath exports of a plugin library); a folder glob names none', async () => {
    const root = tree({
      'plugin/package.json': JSON.stringify({ name: 'plugin', main: 'package/index.js', files: ['package/**/*'] }),
      'plugin/tsconfig.build.json': '{\n  // comments are allowed here\n  "extends": "./tsconfig.json",\n  "include": ["./src/**/index.ts"]\n}\n',
      'plugin/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true }, include: ['src/**/*.ts'] }),
      'plugin/src/index.ts': "export const placeholder = 'import a sub-package';\n",
      'plugin/src/stripe/index.ts': "export { StripePlugin } from './stripe.plugin';\n",
      'plugin/src/stripe/stripe.plugin.ts': "import { StripeService } from './stripe.service';\nexport class StripePlugin { constructor(readonly service: StripeService) {} }\n",
      'plugin/src/stripe/stripe.service.ts': 'export class StripeService {}\n',
      'plugin/src/stripe/test-helpers.ts': 'export const fakeStripe = {};\n',
      'plugin/e2e/checkout.e2e-spec.ts': "import { StripePlugin } from '../src/stripe';\nimport { fakeStripe } from '../src/stripe/test-helpers';\n",
    });
    assert.deepEqual(await verdicts(root, ['plugin/src/stripe/index.ts', 'plugin/src/stripe/stripe.service.ts', 'plugin/src/stripe/test-helpers.ts']), {
      'plugin/src/stripe/index.ts': 'production',
      'plugin/src/stripe/stripe.service.ts': 'production',
      'plugin/src/stripe/test-helpers.ts': 'support',
    });
  });
});

describe('test code: the tests section of the config', () => {
  afterEach(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    tempDirs = [];
  });

  it('patterns add test code, notTests makes paths production code despite conventions (and wins), and what they import follows', async () => {
    const root = tree({
      'package.json': '{"name": "a"}',
      'qa/smoke.ts': "import '../src/qa-helper';\n",
      'src/qa-helper.ts': CODE,
      'src/fixtures/catalog.ts': "import '../catalog-data';\n",
      'src/catalog-data.ts': CODE,
      'src/fixtures/seed.ts': CODE,
      'qa/keep.ts': CODE,
    });
    const tests = { patterns: ['qa/**'], notTests: ['src/fixtures/catalog.ts', 'qa/keep.ts'], analyze: false };
    assert.deepEqual(await verdicts(root, ['qa/smoke.ts', 'src/qa-helper.ts', 'src/fixtures/catalog.ts', 'src/catalog-data.ts', 'src/fixtures/seed.ts', 'qa/keep.ts'], tests), {
      'qa/smoke.ts': 'config',
      'src/qa-helper.ts': 'support',
      'src/fixtures/catalog.ts': 'production',
      'src/catalog-data.ts': 'production',
      'src/fixtures/seed.ts': 'convention',
      'qa/keep.ts': 'production',
    });
    assert.deepEqual(await verdicts(root, ['qa/smoke.ts', 'src/fixtures/catalog.ts']), { 'qa/smoke.ts': 'production', 'src/fixtures/catalog.ts': 'convention' }, 'without the config');
  });
});
