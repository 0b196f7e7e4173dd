import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanUp, FETCH_WITHOUT_TIMEOUT, locations, makeProject, parseJsonReport, preflightBin, stderrLines, type CliResult } from './helpers';

/** A watchdog far above any normal run: a run that reaches it hung (the FIFO cases). */
const HANG_MS = 30_000;

function runCliWatched(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [preflightBin, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: HANG_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && (error as { killed?: boolean }).killed) {
          reject(new Error(`preflight ${args.join(' ')} hung: killed after ${HANG_MS} ms.\nstderr so far:\n${stderr}`));
          return;
        }
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

const canMakeFifos = (() => {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return process.platform !== 'win32';
  } catch {
    return false;
  }
})();

describe('preflight check robustness (issue 13, real CLI process)', function () {
  this.timeout(HANG_MS * 2);
  const projects: string[] = [];
  function project(files: Record<string, string | Buffer>): string {
    const dir = makeProject(files);
    projects.push(dir);
    return dir;
  }
  after(() => projects.forEach(cleanUp));

  describe('defect 1: deep nesting', () => {
    const shapes: Record<string, (levels: number) => string> = {
      parentheses: (n) => `export const x = ${'('.repeat(n)}1${')'.repeat(n)};\n`,
      arrays: (n) => `export const x = ${'['.repeat(n)}1${']'.repeat(n)};\n`,
      'nested ifs': (n) => `export function f(a: boolean) {\n${'if (a) {\n'.repeat(n)}a = !a;\n${'}\n'.repeat(n)}}\n`,
      'ifs without braces': (n) => `export function f(a: boolean) {\n${'if (a)\n'.repeat(n * 4)}a = !a;\n}\n`,
      callbacks: (n) => `export ${'function f() { return fetch("x").then(() => {\n'.repeat(n / 3)}\n${'}); }\n'.repeat(n / 3)}`,
    };

    for (const [shape, make] of Object.entries(shapes)) {
      it(`${shape} nested 1,500 deep: one "too deeply nested" warning, and the other files' findings are kept`, async () => {
        const dir = project({ 'src/deep.ts': make(1_500), 'src/ok.ts': FETCH_WITHOUT_TIMEOUT });
        const result = await runCliWatched(['check', '--format', 'json'], dir);
        assert.equal(result.code, 0, result.stderr.slice(0, 3000));
        assert.deepEqual(locations(parseJsonReport(result)), ['src/ok.ts:2:10 missing-timeout']);
        const deep = stderrLines(result).filter((line) => line.includes('src/deep.ts'));
        assert.equal(deep.length, 1, result.stderr.slice(0, 3000));
        assert.match(deep[0]!, /too deeply nested/);
        assert.doesNotMatch(result.stderr, /RangeError|internal error/);
      });
    }

    it('ordinary nesting is analysed as before', async () => {
      const dir = project({ 'src/ok.ts': `export function f(a: boolean) {\n${'if (a) {\n'.repeat(40)}fetch('x');\n${'}\n'.repeat(40)}}\n` });
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      assert.equal(parseJsonReport(result).findings.filter((f) => f.ruleId === 'missing-timeout').length, 1, result.stderr);
      assert.equal(result.stderr, '');
    });
  });

  describe('defect 4: FIFOs and other non-regular files', function () {
    before(function () {
      if (!canMakeFifos) this.skip();
    });

    it('a FIFO named on the command line is skipped with a message', async () => {
      const dir = project({ 'src/ok.ts': FETCH_WITHOUT_TIMEOUT });
      mkfifo(path.join(dir, 'src', 'pipe.ts'));
      const result = await runCliWatched(['check', '--format', 'json', 'src/pipe.ts', 'src/ok.ts'], dir);
      assert.deepEqual(locations(parseJsonReport(result)), ['src/ok.ts:2:10 missing-timeout']);
      assert.match(result.stderr, /src\/pipe\.ts: not a regular file/);
    });

    it('a FIFO met while walking a folder is skipped', async () => {
      const dir = project({ 'src/ok.ts': FETCH_WITHOUT_TIMEOUT });
      mkfifo(path.join(dir, 'src', 'pipe.ts'));
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      assert.deepEqual(locations(parseJsonReport(result)), ['src/ok.ts:2:10 missing-timeout']);
    });

    it('a FIFO .gitignore is skipped with a message', async () => {
      const dir = project({ 'src/ok.ts': FETCH_WITHOUT_TIMEOUT, '.git/HEAD': 'ref: refs/heads/main\n' });
      mkfifo(path.join(dir, '.gitignore'));
      mkfifo(path.join(dir, 'src', '.gitignore'));
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      assert.deepEqual(locations(parseJsonReport(result)), ['src/ok.ts:2:10 missing-timeout']);
      assert.match(result.stderr, /\.gitignore: .*not a regular file/);
    });

    it('a FIFO preflight.config.json is one line and exit 2, not a hang', async () => {
      const dir = project({ 'src/ok.ts': FETCH_WITHOUT_TIMEOUT });
      mkfifo(path.join(dir, 'preflight.config.json'));
      const result = await runCliWatched(['check'], dir);
      assert.equal(result.code, 2);
      assert.equal(stderrLines(result).length, 1, result.stderr);
      assert.match(result.stderr, /preflight\.config\.json.*not a regular file/);
    });

    it('a FIFO package.json or tsconfig.json does not hang the test-code classifier', async () => {
      const dir = project({ 'src/ok.ts': FETCH_WITHOUT_TIMEOUT });
      mkfifo(path.join(dir, 'package.json'));
      mkfifo(path.join(dir, 'tsconfig.json'));
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      assert.deepEqual(locations(parseJsonReport(result)), ['src/ok.ts:2:10 missing-timeout']);
    });
  });

  describe('defect 8: a long line is not minification; skipped files show and count', () => {
    const dataUrlFile = [
      "import { Router } from 'express';",
      '',
      `const LOGO = 'data:image/png;base64,${'iVBORw0KGgo'.repeat(2_000)}';`,
      '',
      'export async function load(url: string) {',
      '  return fetch(url);',
      '}',
      '',
      'export function logo(): string {',
      '  return LOGO;',
      '}',
      '',
      'export const router = Router();',
      '',
    ].join('\n');
    const minified = `${Array.from({ length: 400 }, (_, i) => `function a${i}(b,c){return b+c*${i}}var v${i}=a${i}(1,2);`).join('')}\n`;

    it('a handwritten file with one 20 KB data-URL line is analysed', async () => {
      const dir = project({ 'src/logo.ts': dataUrlFile });
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      assert.deepEqual(locations(parseJsonReport(result)), ['src/logo.ts:6:10 missing-timeout'], result.stderr);
    });

    it('a minified bundle is still skipped, shows in the text output, and counts toward --max-warnings', async () => {
      const dir = project({ 'src/bundle.js': minified, 'src/ok.ts': 'export const ok = 1;\n' });
      const plain = await runCliWatched(['check'], dir);
      assert.equal(plain.code, 0, plain.stdout);
      assert.match(plain.stdout, /src\/bundle\.js: skipped \(minified/);
      const strict = await runCliWatched(['check', '--max-warnings', '0'], dir);
      assert.equal(strict.code, 1, strict.stdout);
      assert.match(strict.stdout, /Too many warnings: 1/);
    });

    it('skipped files are listed in the JSON and SARIF outputs', async () => {
      const dir = project({ 'src/bundle.js': minified });
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      const report = JSON.parse(result.stdout) as { skipped?: { file: string; reason: string }[] };
      assert.deepEqual(report.skipped?.map((entry) => entry.file), ['src/bundle.js']);
      assert.match(report.skipped![0]!.reason, /minified/);
      const sarif = JSON.parse((await runCliWatched(['check', '--format', 'sarif'], dir)).stdout) as {
        runs: { invocations?: { toolExecutionNotifications: { message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }[];
      };
      const notifications = sarif.runs[0]!.invocations?.[0]?.toolExecutionNotifications ?? [];
      assert.deepEqual(notifications.map((n) => n.locations[0]!.physicalLocation.artifactLocation.uri), ['src/bundle.js']);
      assert.match(notifications[0]!.message.text, /minified/);
    });
  });

  describe('defect 10: symlinks', () => {
    it('a symlink to a file in the same tree is analysed once', async () => {
      const dir = project({ 'src/real.ts': FETCH_WITHOUT_TIMEOUT });
      fs.symlinkSync(path.join(dir, 'src', 'real.ts'), path.join(dir, 'src', 'alias.ts'));
      fs.mkdirSync(path.join(dir, 'lib'));
      fs.symlinkSync('../src/real.ts', path.join(dir, 'lib', 'again.ts'));
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      const report = parseJsonReport(result);
      assert.deepEqual(locations(report), ['src/real.ts:2:10 missing-timeout']);
      assert.equal(report.files, 1);
      const named = await runCliWatched(['check', '--format', 'json', 'src/alias.ts', 'src/real.ts'], dir);
      assert.equal(parseJsonReport(named).findings.length, 1);
    });
  });

  describe('defect 11: UTF-16 files', () => {
    const encode = (text: string, bigEndian: boolean, bom: boolean): Buffer => {
      const le = Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf16le');
      if (!bigEndian) return le;
      const be = Buffer.alloc(le.length);
      for (let i = 0; i < le.length; i += 2) {
        be[i] = le[i + 1]!;
        be[i + 1] = le[i]!;
      }
      return be;
    };

    for (const [name, bigEndian, bom] of [['UTF-16LE with a BOM', false, true], ['UTF-16BE with a BOM', true, true], ['UTF-16LE without a BOM', false, false]] as const) {
      it(`a ${name} file is decoded and analysed, not called binary`, async () => {
        const dir = project({ 'src/wide.ts': encode(FETCH_WITHOUT_TIMEOUT, bigEndian, bom) });
        const result = await runCliWatched(['check', '--format', 'json'], dir);
        assert.doesNotMatch(result.stderr, /binary/);
        assert.deepEqual(locations(parseJsonReport(result)), ['src/wide.ts:2:10 missing-timeout'], result.stderr);
      });
    }

    it('a real binary file is still skipped as binary', async () => {
      const dir = project({ 'src/blob.js': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 0, 0, 0, 0, 9, 0xff, 0]) });
      const result = await runCliWatched(['check', '--format', 'json'], dir);
      assert.match(result.stderr, /blob\.js: binary file/);
    });
  });
});
