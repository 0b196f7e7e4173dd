// Neovim (Debian's 0.7) as a second real LSP client of `npx preflight-lsp --stdio`: headless nvim
// runs lsp-probe.lua against the linked bin, and the diagnostics it saw are checked against the
// same expectations as VS Code's.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRule } from 'preflight-server';
import { EXPECTED_FINDINGS, describeFinding, sortedFindings } from '../expected-findings';
import { E2E_DIR, FIXTURE_WORKSPACE, REPO_ROOT, requireCommand, scratchDir } from '../host/paths';

/** `npx preflight-lsp` runs the bin npm links for the server workspace package. */
const PREFLIGHT_LSP = path.join(REPO_ROOT, 'node_modules', '.bin', 'preflight-lsp');
const PROBE = path.join(E2E_DIR, 'neovim', 'lsp-probe.lua');
const PROBE_TIMEOUT_MS = 30_000;

interface ProbeDiagnostic {
  code: string;
  source: string;
  severity: number;
  message: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  href: string | null;
}

interface ProbeResult {
  filetype: string;
  diagnostics: ProbeDiagnostic[];
  hover: { contents: { kind: string; value: string } } | null;
  codeActions: { title: string; hasEdit: boolean }[];
  errors: string[];
  stopped: boolean;
}

function runProbe(nvim: string, workspace: string, file: string): ProbeResult {
  const out = path.join(workspace, '..', `probe-${path.basename(file)}.json`);
  const run = spawnSync(nvim, ['--headless', '--clean', '-c', `luafile ${PROBE}`], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS * 3,
    env: {
      ...process.env,
      PREFLIGHT_PROBE_SERVER: PREFLIGHT_LSP,
      PREFLIGHT_PROBE_ROOT: workspace,
      PREFLIGHT_PROBE_FILE: path.join(workspace, file),
      PREFLIGHT_PROBE_OUT: out,
      PREFLIGHT_PROBE_TIMEOUT_MS: String(PROBE_TIMEOUT_MS),
    },
  });
  assert.ok(fs.existsSync(out), `nvim wrote no result (exit ${run.status ?? run.signal}): ${run.stderr}${run.stdout}`);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as ProbeResult;
}

/** The source text a diagnostic's range covers (its first line, if it spans several). */
function textOf(source: string, d: ProbeDiagnostic): string {
  const lines = source.split('\n');
  if (d.line !== d.endLine) return `${lines[d.line].slice(d.character)}\n…`;
  return lines[d.line].slice(d.character, d.endCharacter);
}

describe('Neovim as a client of preflight-lsp --stdio', function () {
  this.timeout(PROBE_TIMEOUT_MS * 4);
  let nvim: string;
  let workspace: string;

  before(() => {
    nvim = requireCommand('nvim', 'neovim');
    assert.ok(fs.existsSync(PREFLIGHT_LSP), `${PREFLIGHT_LSP} is missing: run npm install`);
    // A copy outside the repository's test/ folder, where files count as test files and are not analysed.
    workspace = path.join(scratchDir('preflight-nvim-'), 'workspace');
    fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  });

  after(() => {
    if (workspace) fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  /** What the quick fix of each fixture's first finding is called. */
  const FIX_TITLES: Readonly<Record<string, RegExp>> = { 'missing-timeout': /timeout/i, 'missing-retry': /retry/i };

  for (const [file, expected] of Object.entries(EXPECTED_FINDINGS)) {
    it(`gets Preflight's diagnostics, hover and quick fixes for ${file}`, () => {
      const result = runProbe(nvim, workspace, file);
      assert.deepEqual(result.errors, []);
      assert.equal(result.filetype, file.endsWith('.ts') ? 'typescript' : 'javascript');

      const source = fs.readFileSync(path.join(workspace, file), 'utf8');
      const seen = result.diagnostics.map((d) => ({ ruleId: d.code, line: d.line, text: textOf(source, d) }));
      assert.deepEqual(sortedFindings(seen).map(describeFinding), sortedFindings(expected).map(describeFinding));
      for (const diagnostic of result.diagnostics) {
        assert.equal(diagnostic.source, 'preflight');
        assert.match(diagnostic.href ?? '', new RegExp(`docs/rules/${diagnostic.code}\\.md$`));
      }

      // The probe hovers on and asks for code actions at the first diagnostic Neovim lists.
      const first = result.diagnostics[0];
      const rule = findRule(first.code);
      assert.ok(rule, `${first.code} is not in the rule registry`);
      assert.ok(rule.meta.summary && result.hover?.contents.value.includes(rule.meta.summary), `the hover lacks ${first.code}'s summary`);
      const titles = JSON.stringify(result.codeActions);
      assert.ok(result.codeActions.some((action) => action.title === `Disable ${first.code} for this line` && action.hasEdit), `no suppression among ${titles}`);
      const firstExpected = sortedFindings(expected)[0]!.ruleId;
      assert.equal(first.code, firstExpected, 'Neovim lists the fixture\'s first finding first');
      const fixTitle = FIX_TITLES[firstExpected];
      assert.ok(fixTitle, `no expected fix title for ${firstExpected}`);
      assert.ok(result.codeActions.some((action) => fixTitle.test(action.title) && action.hasEdit), `no ${firstExpected} fix among ${titles}`);
      assert.equal(result.stopped, true, 'the server did not shut down when Neovim stopped the client');
    });
  }
});
