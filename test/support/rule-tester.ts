import * as assert from 'node:assert/strict';
import { AnalysisProject, analyzeSourceFile, firstParseProblem, type Finding, type Fix, type ResolvedConfig, type Rule } from 'preflight-server';

/** One project for all rule tests: the standard library is parsed once, not per case. */
let sharedProject: AnalysisProject | undefined;
let caseCounter = 0;

function project(): AnalysisProject {
  sharedProject ??= new AnalysisProject({ inMemory: true });
  return sharedProject;
}

export interface ValidCase {
  name: string;
  code: string;
  /** File name, e.g. `handler.js`; decides TS vs JS parsing. Default `case.ts`. */
  filename?: string;
}

export interface ExpectedFinding {
  line: number;
  /** A substring the message must contain. */
  message?: string;
  /** 1-based column where the finding starts. */
  column?: number;
}

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
  /** Expected text after applying the first finding's first fix; the fix must also clear the finding. */
  output?: string;
}

export interface RuleCases {
  valid: ValidCase[];
  invalid: InvalidCase[];
}

/** Analyses `code` with only `rule` enabled and returns its findings. */
export function findingsOf(rule: Rule, code: string, filename = 'case.ts', config?: ResolvedConfig): Finding[] {
  caseCounter += 1;
  const path = `/cases/${caseCounter}/${filename}`;
  const sourceFile = project().upsert(path, code);
  try {
    return analyzeSourceFile(sourceFile, { rules: [rule], config }).findings.filter((f) => f.ruleId === rule.meta.id);
  } finally {
    project().remove(path);
  }
}

export function applyFix(code: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.start - a.start);
  let text = code;
  for (const edit of edits) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  return text;
}

export function parses(code: string, filename = 'case.ts'): boolean {
  caseCounter += 1;
  const path = `/cases/${caseCounter}/${filename}`;
  const sourceFile = project().upsert(path, code);
  try {
    return firstParseProblem(sourceFile) === undefined;
  } finally {
    project().remove(path);
  }
}

function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `  line ${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`).join('\n') || '  (none)';
}

/** A flagged fixture of some rule's tests, kept for the suites that check every fix (fix-properties.test.ts). */
export interface FlaggedFixture {
  rule: Rule;
  name: string;
  code: string;
  filename: string;
}

/** Every flagged case declared through testRule, in load order. */
export const flaggedFixtures: FlaggedFixture[] = [];

/** The file's syntax and type errors, as `line: message` (for comparing before and after an edit). */
export function diagnosticsOf(code: string, filename = 'case.ts'): { syntax: number; types: number } {
  caseCounter += 1;
  const path = `/cases/${caseCounter}/${filename}`;
  const sourceFile = project().upsert(path, code);
  try {
    const program = sourceFile.getProject().getProgram().compilerObject;
    const compiled = program.getSourceFile(sourceFile.getFilePath())!;
    return { syntax: program.getSyntacticDiagnostics(compiled).length, types: program.getSemanticDiagnostics(compiled).length };
  } finally {
    project().remove(path);
  }
}

/** Declares mocha tests for a rule: every valid case has no finding, every invalid case exactly the expected ones. */
export function testRule(rule: Rule, cases: RuleCases): void {
  for (const c of cases.invalid) flaggedFixtures.push({ rule, name: c.name, code: c.code, filename: c.filename ?? 'case.ts' });
  describe(`rule ${rule.meta.id}`, () => {
    describe('not flagged', () => {
      for (const c of cases.valid) {
        it(c.name, () => {
          const findings = findingsOf(rule, c.code, c.filename);
          assert.equal(findings.length, 0, `expected no finding, got:\n${describeFindings(findings)}`);
        });
      }
    });
    describe('flagged', () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          const findings = findingsOf(rule, c.code, c.filename);
          const actualLines = findings.map((f) => f.range.start.line + 1);
          const expectedLines = c.findings.map((f) => f.line);
          assert.deepEqual(actualLines, expectedLines, `findings at wrong lines:\n${describeFindings(findings)}`);
          c.findings.forEach((expected, i) => {
            const actual = findings[i]!;
            if (expected.message) assert.ok(actual.message.includes(expected.message), `message "${actual.message}" lacks "${expected.message}"`);
            if (expected.column) assert.equal(actual.range.start.character + 1, expected.column, 'column');
          });
          if (c.output !== undefined) {
            const fix = findings[0]?.fixes[0];
            assert.ok(fix, 'expected a fix on the first finding');
            const fixed = applyFix(c.code, fix);
            assert.equal(fixed, c.output);
            assert.ok(parses(fixed, c.filename), `fixed code does not parse:\n${fixed}`);
            // A fix that leaves a placeholder for the user clears the finding once it is filled in.
            const quote = fix.placeholder?.[0] === '"' || fix.placeholder?.[0] === "'" ? fix.placeholder[0] : '';
            const completed = fix.placeholder ? fixed.replace(fix.placeholder, `${quote}filled-in-id${quote}`) : fixed;
            const after = findingsOf(rule, completed, c.filename);
            const stillThere = after.filter((f) => f.range.start.line === findings[0]!.range.start.line);
            assert.equal(stillThere.length, 0, `the fix did not clear the finding:\n${describeFindings(after)}`);
          }
        });
      }
    });
  });
}
