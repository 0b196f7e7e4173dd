import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { applySettings, loadConfigFile, parseConfigText } from 'preflight-server/out/config/load';
import { DEFAULT_CONFIG } from 'preflight-server/out/config/types';
import * as json from 'preflight-server/out/config/json';
import { isIgnoredByConfig } from 'preflight-server/out/workspace/ignore-files';

/** `{a,b}` repeated: 2^count alternatives if braces were expanded. */
function braceBomb(count: number): string {
  return `${'{a,b}'.repeat(count)}/**`;
}

describe('config robustness (issue 13, defect 5)', function () {
  this.timeout(60_000);

  describe('ignore patterns with braces are matched, not expanded', () => {
    it('a pattern of 20 brace groups matches without building 2^20 patterns', () => {
      const root = '/project';
      const heapBefore = process.memoryUsage().heapUsed;
      // 2^20 expanded patterns take gigabytes; a glob matcher takes kilobytes.
      assert.equal(isIgnoredByConfig(`/project/${'ab'.repeat(10)}/x.ts`, root, [braceBomb(20)]), true);
      assert.equal(isIgnoredByConfig('/project/src/x.ts', root, [braceBomb(20)]), false);
      const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      assert.ok(grownMb < 200, `the matcher grew the heap by ${grownMb.toFixed(0)} MB`);
    });

    it('keeps the meaning of ordinary brace patterns and .gitignore syntax', () => {
      const root = '/p';
      const patterns = ['**/*.{test,spec}.ts', 'scripts/**', '{tools,bin}/', '!tools/keep.ts', 'generated'];
      const ignored = (file: string, dir = false) => isIgnoredByConfig(file, root, patterns, dir);
      assert.equal(ignored('/p/src/a.test.ts'), true);
      assert.equal(ignored('/p/src/deep/a.spec.ts'), true);
      assert.equal(ignored('/p/src/a.ts'), false);
      assert.equal(ignored('/p/scripts/x.ts'), true);
      assert.equal(ignored('/p/tools', true), true);
      assert.equal(ignored('/p/bin/run.ts'), true);
      assert.equal(ignored('/p/src/generated/x.ts'), true);
      // A trailing slash alone does not anchor a .gitignore pattern: `tools/` is a folder name at any depth.
      assert.equal(ignored('/p/src/tools/x.ts'), true);
      assert.equal(ignored('/p/src/toolsx/x.ts'), false);
      assert.equal(ignored('/p/tools.ts'), false, 'a folder-only pattern does not match a file');
      assert.equal(isIgnoredByConfig('/p/src/a.ts', root, ['/{src,lib}/a.ts']), true);
      assert.equal(isIgnoredByConfig('/p/x/src/a.ts', root, ['/{src,lib}/a.ts']), false, 'a leading slash anchors');
      assert.equal(isIgnoredByConfig('/p/src/a.test.ts', root, ['**/*.{test,spec}.ts', '!src/a.test.ts']), false, 'a later negation wins');
    });

    it('the same pattern in the preflight.ignore setting resolves quickly', () => {
      const loaded = applySettings(DEFAULT_CONFIG, { ignore: [braceBomb(20)] });
      assert.deepEqual(loaded.problems, []);
      assert.equal(isIgnoredByConfig('/w/src/x.ts', '/w', loaded.config.ignore), false);
    });
  });

  describe('a deeply nested config', () => {
    const deep = (levels: number) => `{"rules": ${'['.repeat(levels)}${']'.repeat(levels)}}`;

    it('gives one problem instead of a stack overflow', () => {
      const loaded = parseConfigText('/x/preflight.config.json', deep(9_000));
      assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems));
      assert.match(loaded.problems[0]!.message, /nested/);
    });

    it('editor settings nested as deep give one problem too', () => {
      let value: unknown = 'error';
      for (let i = 0; i < 9_000; i++) value = [value];
      const loaded = applySettings(DEFAULT_CONFIG, { rules: { 'missing-timeout': value } });
      assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems.slice(0, 3)));
    });

    it('the CLI prints one line, not a stack trace', () => {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-config-')));
      try {
        fs.writeFileSync(path.join(dir, 'preflight.config.json'), deep(9_000));
        fs.writeFileSync(path.join(dir, 'a.ts'), 'export const a = 1;\n');
        let stderr = '';
        let code = 0;
        try {
          execFileSync(process.execPath, [path.join(__dirname, '..', '..', '..', 'server', 'bin', 'preflight.js'), 'check'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        } catch (error) {
          const failed = error as { status: number; stderr: string };
          code = failed.status;
          stderr = failed.stderr;
        }
        assert.equal(code, 2);
        const lines = stderr.split('\n').filter((line) => line.trim() !== '');
        assert.equal(lines.length, 1, stderr.slice(0, 2000));
        assert.match(lines[0]!, /preflight\.config\.json:1:\d+: .*nested/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('many config problems', () => {
    it('locates 20,000 problems with one pass over the text, at the right lines', () => {
      const ids = Array.from({ length: 20_000 }, (_, i) => `  "no-such-rule-${i}": "warning"`);
      const text = `{\n "rules": {\n${ids.join(',\n')}\n }\n}\n`;
      const module = json as unknown as { positionAt: (text: string, offset: number) => unknown };
      const original = module.positionAt;
      let scanned = 0;
      module.positionAt = (t: string, offset: number) => {
        scanned += offset;
        return original(t, offset);
      };
      let loaded;
      try {
        loaded = parseConfigText('/x/preflight.config.json', text);
      } finally {
        module.positionAt = original;
      }
      assert.equal(loaded.problems.length, 20_000);
      assert.equal(loaded.problems[0]!.line, 2);
      assert.equal(loaded.problems[19_999]!.line, 20_001);
      assert.equal(loaded.problems[19_999]!.character, 2);
      assert.ok(scanned <= 2 * text.length, `locating the problems read ${scanned} characters of a ${text.length}-character file`);
    });
  });

  it('loadConfigFile still reads an ordinary config', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-config-'));
    try {
      const file = path.join(dir, 'preflight.config.json');
      fs.writeFileSync(file, '{"ignore": ["scripts/**"]}');
      assert.deepEqual(loadConfigFile(file).config.ignore, ['scripts/**']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
