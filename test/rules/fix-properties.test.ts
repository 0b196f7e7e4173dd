import * as assert from 'node:assert/strict';
import { allRules, loadSqlParser, type Finding, type Fix } from 'preflight-server';
import { analyzeCase, applyFix, applyFixToFiles, diagnosticsOf, findingsOf, flaggedFixtures, type CaseFiles, type FlaggedFixture } from '../support/rule-tester';

// Mocha loads every spec file before it runs any test, so the rules' tests have registered their
// flagged fixtures (rule-tester's testRule) by the time this test runs.

interface Checked {
  fixes: number;
  fixtures: Set<string>;
}

/** The file an example is analysed as: a migration rule's examples are migration files. */
const EXAMPLE_FILES = { ts: 'example.ts', js: 'example.js', sql: 'prisma/migrations/20240101000000_example/migration.sql' } as const;

/** Each rule example's bad code is a fixture too. */
function exampleFixtures(): FlaggedFixture[] {
  return allRules.flatMap((rule) =>
    rule.meta.examples.map((example, index) => {
      const language = rule.meta.exampleLanguage ?? 'ts';
      const filename = rule.migration && language === 'js' ? 'migrations/20240101000000_example.js' : EXAMPLE_FILES[language];
      return { rule, name: `example ${index + 1}`, code: example.bad, filename };
    }),
  );
}

/**
 * What is wrong with one fix of one finding, or undefined when it holds every
 * property. A fix that changes other files (a package.json, a helper module it
 * creates) is judged with them changed: the case's folder after the fix.
 */
function fixProblem(fixture: FlaggedFixture, findings: Finding[], dir: string, fix: Fix): string | undefined {
  const fixed = applyFix(fixture.code, fix);
  const files: CaseFiles = applyFixToFiles(fix, dir, fixture.files);
  const before = diagnosticsOf(fixture.code, fixture.filename, fixture.files);
  const after = diagnosticsOf(fixed, fixture.filename, files);
  const shown = [fixed, ...Object.entries(files).filter(([name]) => fixture.files?.[name] !== files[name]).map(([name, text]) => `--- ${name}\n${text}`)].join('\n');
  if (after.syntax > before.syntax) return `"${fix.title}" gives code that does not parse:\n${shown}`;
  if (before.types === 0 && after.types > 0) return `"${fix.title}" gives code that no longer type-checks:\n${shown}`;
  const remaining = findingsOf(fixture.rule, fixed, fixture.filename, undefined, files);
  if (fix.placeholder !== undefined) return placeholderProblem(fixture, findings, fix, fixed, remaining);
  if (remaining.length >= findings.length) return `"${fix.title}" does not clear its finding:\n${shown}`;
  const offeredAgain = remaining.some((finding) => finding.fixes.some((other) => other.title === fix.title && applyFix(fixed, other) === fixed));
  if (offeredAgain) return `"${fix.title}" is offered again and changes nothing:\n${shown}`;
  const twice = remaining.flatMap((finding) => finding.fixes).find((other) => other.title === fix.title && applyFix(fixed, other) === applyFix(fixed, fix));
  if (twice) return `"${fix.title}" applies again to its own output:\n${shown}`;
  return undefined;
}

/**
 * A fix that leaves a placeholder for the user (a stable id the rule found no
 * trace of) cannot clear its finding as written: the rule goes on reporting
 * the placeholder. It must instead write its placeholder, offer nothing more
 * on its own output, and clear the finding once the placeholder is filled in
 * (with a literal of the placeholder's own quote).
 */
function placeholderProblem(fixture: FlaggedFixture, findings: Finding[], fix: Fix, fixed: string, remaining: Finding[]): string | undefined {
  const placeholder = fix.placeholder!;
  if (!fixed.includes(placeholder)) return `"${fix.title}" does not write its placeholder ${placeholder}:\n${fixed}`;
  if (remaining.some((finding) => finding.fixes.some((other) => other.title === fix.title))) return `"${fix.title}" is offered again on its own output:\n${fixed}`;
  const quote = placeholder[0] === '"' || placeholder[0] === "'" ? placeholder[0] : '';
  const filled = fixed.replace(placeholder, `${quote}filled-in-id${quote}`);
  if (findingsOf(fixture.rule, filled, fixture.filename).length >= findings.length) return `"${fix.title}" filled in does not clear its finding:\n${filled}`;
  return undefined;
}

describe('every quick-fix of every rule fixture and example', function () {
  this.timeout(600_000);
  before(() => loadSqlParser());

  it('parses, type-checks no worse, clears its finding, and is not offered again (idempotent)', () => {
    const fixtures = [...flaggedFixtures, ...exampleFixtures()];
    assert.ok(fixtures.length > 50, `only ${fixtures.length} fixtures registered: run this test with the rule tests (test/out/rules)`);
    const problems: string[] = [];
    const checked = new Map<string, Checked>();
    for (const fixture of fixtures) {
      const { findings, dir } = analyzeCase(fixture.rule, fixture.code, fixture.filename, undefined, fixture.files);
      for (const finding of findings) {
        for (const fix of finding.fixes) {
          const problem = fixProblem(fixture, findings, dir, fix);
          if (problem) problems.push(`${fixture.rule.meta.id} / ${fixture.name}: ${problem}`);
          const key = `${fixture.rule.meta.id}: ${fix.title.replace(/\d[\d_.]*\s?(?:ms|s|min)?/g, 'N').replace(/`[^`]*`/g, '`…`')}`;
          const entry = checked.get(key) ?? { fixes: 0, fixtures: new Set<string>() };
          entry.fixes += 1;
          entry.fixtures.add(fixture.name);
          checked.set(key, entry);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked.size >= 5, `fixes checked: ${[...checked.keys()].join(', ')}`);
    // The figures the issue's closing note reports: each fix and the fixtures it was exercised on.
    for (const [fix, { fixes, fixtures: on }] of [...checked].sort()) process.stdout.write(`      ${fix}: ${fixes} fix(es) on ${on.size} fixture(s)\n`);
  });
});
