import * as assert from 'node:assert/strict';
import { defaultExclusionReason, isIgnoredByConfig, looksMinified, formatBytes, TEST_CONVENTIONS, testConventionOf } from 'preflight-server/out/workspace';

describe('workspace: which files are analysed', () => {
  it('config ignore patterns: .gitignore syntax relative to the config folder, plus {a,b}', () => {
    const root = '/repo';
    assert.equal(isIgnoredByConfig('/repo/scripts/seed/run.ts', root, ['scripts/**']), true);
    assert.equal(isIgnoredByConfig('/repo/src/scripts/run.ts', root, ['scripts/**']), false, 'a pattern with a slash is anchored');
    assert.equal(isIgnoredByConfig('/repo/src/api/client.generated.ts', root, ['**/*.generated.ts']), true);
    assert.equal(isIgnoredByConfig('/repo/src/a.generated.ts', root, ['*.generated.ts']), true, 'a pattern without a slash matches at any depth');
    assert.equal(isIgnoredByConfig('/repo/legacy/old/x.ts', root, ['legacy']), true, 'a folder pattern ignores what is inside');
    assert.equal(isIgnoredByConfig('/repo/src/a.stories.tsx', root, ['**/*.{stories,fixture}.tsx']), true);
    assert.equal(isIgnoredByConfig('/repo/src/a.tsx', root, ['**/*.{stories,fixture}.tsx']), false);
    assert.equal(isIgnoredByConfig('/elsewhere/scripts/x.ts', root, ['scripts/**']), false, 'files outside the root are not matched');
    assert.equal(isIgnoredByConfig('/repo/gen/keep.ts', root, ['gen/*', '!gen/keep.ts']), false, 'negation re-includes');
    for (const file of ['a/b/d.ts', 'a/b/e.ts', 'a/c/d.ts', 'a/c/e.ts']) assert.equal(isIgnoredByConfig(`/repo/${file}`, root, ['a/{b,c}/{d,e}.ts']), true, file);
    assert.equal(isIgnoredByConfig('/repo/a/b/f.ts', root, ['a/{b,c}/{d,e}.ts']), false);
  });

  it('default exclusions, judged below the checked folder', () => {
    assert.equal(defaultExclusionReason('src/app.ts'), undefined);
    assert.equal(defaultExclusionReason('src/app.test.ts'), 'test code (*.test.*)');
    assert.equal(defaultExclusionReason('src/app.spec.mjs'), 'test code (*.spec.*)');
    assert.equal(defaultExclusionReason('src/__tests__/app.ts'), 'test code (__tests__/)');
    assert.equal(defaultExclusionReason('tests/app.ts'), 'test code (tests/)');
    assert.equal(defaultExclusionReason('node_modules/x/index.js'), 'dependencies or generated output');
    assert.equal(defaultExclusionReason('dist/index.js'), 'dependencies or generated output');
    assert.equal(defaultExclusionReason('.next/server.js'), 'hidden folder');
    assert.equal(defaultExclusionReason('src/types.d.ts'), 'type declaration file');
    assert.equal(defaultExclusionReason('README.md'), 'not a JavaScript or TypeScript source file');
    assert.equal(defaultExclusionReason('src/testing.ts'), undefined, 'only whole test-folder names count');
    assert.equal(defaultExclusionReason('../other/src/app.ts'), undefined, 'a path outside the checked folder is not a hidden folder');
  });

  it('test-code conventions: file markers between stem and extension, and whole folder names', () => {
    const testCode: [string, string][] = [
      ['src/users.e2e.ts', '*.e2e.*'],
      ['src/users.e2e-spec.ts', '*.e2e-*.*'],
      ['src/users.e2e-ee.ts', '*.e2e-*.*'],
      ['src/Button.stories.tsx', '*.stories.*'],
      ['src/users.test.helper.js', '*.test.*'],
      ['src/__mocks__/axios.ts', '__mocks__/'],
      ['src/__fixtures__/user.ts', '__fixtures__/'],
      ['e2e/login.ts', 'e2e/'],
      ['apps/api/e2e/support/client.ts', 'e2e/'],
      ['src/fixtures/user.ts', 'fixtures/'],
      ['test/helpers.ts', 'test/'],
    ];
    for (const [file, convention] of testCode) assert.equal(testConventionOf(file), convention, file);
    for (const production of ['src/e2e.ts', 'src/test.ts', 'src/stories.tsx', 'src/e2e-utils/client.ts', 'src/users.e2e-.ts', 'src/fixture/user.ts', 'src/mock-server/server.ts', 'src/users.service.mock.ts', 'src/e2e.config/x.ts']) {
      assert.equal(testConventionOf(production), undefined, production);
    }
    assert.deepEqual(TEST_CONVENTIONS.folders, ['__tests__', '__mocks__', '__fixtures__', 'test', 'tests', 'e2e', 'fixtures']);
    assert.deepEqual(TEST_CONVENTIONS.fileMarkers, ['test', 'spec', 'e2e', 'e2e-*', 'stories']);
  });

  it('minified bundles: by name, or by long lines in a file of some size', () => {
    assert.equal(looksMinified('vendor.min.js', 'a'), true);
    assert.equal(looksMinified('app.js', 'x'.repeat(5000)), true);
    assert.equal(looksMinified('app.js', 'x'.repeat(2000)), false, 'small files are analysed');
    assert.equal(looksMinified('app.js', 'const a = 1;\n'.repeat(1000)), false);
    assert.equal(formatBytes(5_100_000), '5.1 MB');
    assert.equal(formatBytes(200_000), '200 KB');
  });
});
