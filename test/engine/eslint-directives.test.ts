import * as assert from 'node:assert/strict';
import { allRules, AnalysisProject, findRule, type Finding } from 'preflight-server';
import { findEslintDirectives } from 'preflight-server/out/engine/eslint-directives';
import { ESLINT_EQUIVALENTS, preflightEquivalentsOf } from 'preflight-server/out/facts/tables/eslint-equivalents';
import { findingsOf } from '../support/rule-tester';

const swallowedError = findRule('swallowed-error')!;
const floatingPromise = findRule('floating-promise')!;

/** Mapped ahead of their rules, which are in the catalogue (rules.md) but not shipped yet. */
const NOT_YET_SHIPPED = new Set(['blocking-call-in-handler']);

const project = new AnalysisProject({ inMemory: true });
let counter = 0;

function directivesIn(code: string) {
  counter += 1;
  const path = `/eslint-directives/${counter}/case.ts`;
  try {
    return findEslintDirectives(project.upsert(path, code)).map(({ kind, ruleIds, description, startLine, endLine }) => ({ kind, ruleIds, description, lines: [startLine, endLine] }));
  } finally {
    project.remove(path);
  }
}

/** `line:severity` (1-based) of each finding. */
function severities(findings: Finding[]): string[] {
  return findings.map((finding) => `${finding.range.start.line + 1}:${finding.severity}`);
}

/** A swallowed cache write (the catch on line 7), with `directive` on line 6 and `trailing` after the catch. */
const EMPTY_CATCH = (directive = '', trailing = ''): string =>
  [
    'export class Rates {',
    '  constructor(private readonly redisCacheService: { set(key: string, value: string): Promise<void> }) {}',
    '  async remember(key: string, value: string) {',
    '    try {',
    '      await this.redisCacheService.set(key, value);',
    `    ${directive}`,
    `    } catch {}${trailing}`,
    '  }',
    '}',
    '',
  ].join('\n');

/** Two swallowed cache writes (catches on lines 4 and 6), the first under a block directive, `enable` on line 5. */
const TWO_CATCHES = (enable: string): string =>
  [
    'declare const redisCacheService: { set(key: string, value: string): Promise<void> };',
    '/* eslint-disable no-empty */',
    'export async function remember(key: string, value: string) {',
    '  try { await redisCacheService.set(key, value); } catch {}',
    `  ${enable}`,
    '  try { await redisCacheService.set(key, value); } catch {}',
    '}',
    '',
  ].join('\n');

describe('ESLint directives as acknowledgements', () => {
  describe('parsing', () => {
    it('reads the kind, comma-separated rule ids and the -- description of each form', () => {
      const code = [
        '// eslint-disable-next-line no-empty, @typescript-eslint/no-floating-promises -- legacy, see OPS-1',
        'a(); // eslint-disable-line n/no-sync',
        '/* eslint-disable no-empty */',
        '/* eslint-enable */',
        '/* eslint-disable-next-line',
        '   no-empty --- reviewed */',
        '// eslint-disable-line',
      ].join('\n');
      assert.deepEqual(directivesIn(code), [
        { kind: 'disable-next-line', ruleIds: ['no-empty', '@typescript-eslint/no-floating-promises'], description: 'legacy, see OPS-1', lines: [0, 0] },
        { kind: 'disable-line', ruleIds: ['n/no-sync'], description: undefined, lines: [1, 1] },
        { kind: 'disable', ruleIds: ['no-empty'], description: undefined, lines: [2, 2] },
        { kind: 'enable', ruleIds: [], description: undefined, lines: [3, 3] },
        { kind: 'disable-next-line', ruleIds: ['no-empty'], description: 'reviewed', lines: [4, 5] },
        { kind: 'disable-line', ruleIds: [], description: undefined, lines: [6, 6] },
      ]);
    });

    it('ignores other eslint comments, the marker mid-comment and in strings', () => {
      const code = ['/* eslint-env node */', '// see eslint-disable-next-line no-empty in the docs', 'const s = "// eslint-disable-line no-empty";', '// eslint-disabled no-empty'].join('\n');
      assert.deepEqual(directivesIn(code), []);
    });
  });

  describe('the equivalence table', () => {
    it('maps the ESLint rules the brief names to shipped rules (or to catalogue rules not shipped yet)', () => {
      assert.deepEqual(preflightEquivalentsOf('no-empty'), ['swallowed-error']);
      assert.deepEqual(preflightEquivalentsOf('@typescript-eslint/no-floating-promises'), ['floating-promise']);
      assert.deepEqual(preflightEquivalentsOf('n/no-sync'), ['blocking-call-in-handler']);
      assert.deepEqual(preflightEquivalentsOf('no-console'), []);
      assert.deepEqual(preflightEquivalentsOf('constructor'), [], 'no prototype keys');
      const shipped = new Set(allRules.map((rule) => rule.meta.id));
      for (const [eslintRule, ids] of Object.entries(ESLINT_EQUIVALENTS)) {
        for (const id of ids) assert.ok(shipped.has(id) || NOT_YET_SHIPPED.has(id), `${eslintRule} maps to unknown rule ${id}`);
      }
    });
  });

  describe('findings under a directive', () => {
    it('without a directive, an empty catch is a warning', () => {
      assert.deepEqual(severities(findingsOf(swallowedError, EMPTY_CATCH())), ['7:warning']);
    });

    it('eslint-disable-next-line no-empty above an empty catch: a hint whose message names the directive and its reason', () => {
      const [finding, ...rest] = findingsOf(swallowedError, EMPTY_CATCH('// eslint-disable-next-line no-empty -- a cache miss is expected'));
      assert.deepEqual(rest, []);
      assert.equal(finding!.severity, 'hint');
      assert.match(finding!.message, /Acknowledged by `eslint-disable-next-line no-empty` \(a cache miss is expected\), so reported as a hint\.$/);
      assert.equal(finding!.fixes.length > 0, true, 'the fixes stay available');
    });

    it('eslint-disable-line on the finding line, among several comma-separated rules', () => {
      const code = EMPTY_CATCH('', ' // eslint-disable-line no-console, no-empty');
      assert.deepEqual(severities(findingsOf(swallowedError, code)), ['7:hint']);
    });

    it('a block /* eslint-disable no-empty */ up to /* eslint-enable */ (all) or /* eslint-enable no-empty */', () => {
      assert.deepEqual(severities(findingsOf(swallowedError, TWO_CATCHES('/* eslint-enable */'))), ['4:hint', '6:warning']);
      assert.deepEqual(severities(findingsOf(swallowedError, TWO_CATCHES('/* eslint-enable no-empty */'))), ['4:hint', '6:warning']);
      assert.deepEqual(severities(findingsOf(swallowedError, TWO_CATCHES('/* eslint-enable no-console */'))), ['4:hint', '6:hint'], 'enabling another rule does not end it');
      assert.deepEqual(severities(findingsOf(swallowedError, TWO_CATCHES(''))), ['4:hint', '6:hint'], 'no enable: to the end of the file');
    });

    it('@typescript-eslint/no-floating-promises above a floating promise', () => {
      const code = [
        'declare function sync(): Promise<void>;',
        'export function run() {',
        '  // eslint-disable-next-line @typescript-eslint/no-floating-promises -- fire and forget, sync logs its failures',
        '  sync();',
        '  sync();',
        '}',
        '',
      ].join('\n');
      const findings = findingsOf(floatingPromise, code);
      assert.deepEqual(severities(findings), ['4:hint', '5:warning']);
      assert.match(findings[0]!.message, /@typescript-eslint\/no-floating-promises` \(fire and forget/);
    });

    it('does not acknowledge: an unrelated ESLint rule, a directive naming no rule, the wrong line', () => {
      assert.deepEqual(severities(findingsOf(swallowedError, EMPTY_CATCH('// eslint-disable-next-line no-console'))), ['7:warning']);
      assert.deepEqual(severities(findingsOf(swallowedError, EMPTY_CATCH('// eslint-disable-next-line'))), ['7:warning']);
      assert.deepEqual(severities(findingsOf(swallowedError, EMPTY_CATCH('', '\n// eslint-disable-line no-empty'))), ['7:warning']);
      const wrongRule = ['// eslint-disable-next-line no-empty', 'declare function sync(): Promise<void>;', 'export function run() { sync(); }', ''].join('\n');
      assert.deepEqual(severities(findingsOf(floatingPromise, wrongRule)), ['3:warning']);
    });
  });
});
