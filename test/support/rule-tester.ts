import * as assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { ts } from 'ts-morph';
import { AnalysisProject, analyzeSourceFile, analyzeSqlFile, firstParseProblem, loadSqlParser, parseSql, type Finding, type Fix, type ResolvedConfig, type Rule } from 'preflight-server';
import { programFactsOf } from 'preflight-server/out/facts/process-handlers';

/** One project for all rule tests: the standard library is parsed once, not per case. */
let sharedProject: AnalysisProject | undefined;
let caseCounter = 0;

function project(): AnalysisProject {
  sharedProject ??= new AnalysisProject({ inMemory: true });
  return sharedProject;
}

/** Other files of a case's folder, by path relative to it: `{ 'package.json': '{...}' }`. */
export type CaseFiles = Readonly<Record<string, string>>;

export interface ValidCase {
  name: string;
  code: string;
  /** File name, e.g. `handler.js`; decides TS vs JS parsing (`.sql`: a SQL migration, read by PostgreSQL's parser). Default `case.ts`. */
  filename?: string;
  /** Files beside the case (a package.json, a module it imports). */
  files?: CaseFiles;
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
export function findingsOf(rule: Rule, code: string, filename = 'case.ts', config?: ResolvedConfig, files?: CaseFiles): Finding[] {
  return analyzeCase(rule, code, filename, config, files).findings;
}

/** The findings of `rule` on `code`, and the folder the case was written to (fixes name files in it). */
export function analyzeCase(rule: Rule, code: string, filename = 'case.ts', config?: ResolvedConfig, files: CaseFiles = {}): { findings: Finding[]; dir: string } {
  caseCounter += 1;
  const dir = `/cases/${caseCounter}`;
  if (isSqlName(filename)) return { findings: analyzeSqlFile(`${dir}/${filename}`, code, { rules: [rule], config }).findings.filter((f) => f.ruleId === rule.meta.id), dir };
  return withCaseFiles(dir, files, () => {
    const sourceFile = project().upsert(`${dir}/${filename}`, code);
    try {
      // The case and its files are one package, as `preflight check` reads it: their program facts count.
      const others = Object.keys(files).flatMap((relative) => project().project.getSourceFile(`${dir}/${relative}`) ?? []);
      const program = programFactsOf([sourceFile, ...others]);
      return { findings: analyzeSourceFile(sourceFile, { rules: [rule], config, program }).findings.filter((f) => f.ruleId === rule.meta.id), dir };
    } finally {
      project().remove(`${dir}/${filename}`);
    }
  });
}

/** Runs `body` with `files` written in `dir` (to the project's file system, and source files to the project too), then removes them. */
function withCaseFiles<T>(dir: string, files: CaseFiles, body: () => T): T {
  const fileSystem = project().project.getFileSystem();
  const written = Object.entries(files).map(([relative, text]) => {
    const file = `${dir}/${relative}`;
    fileSystem.writeFileSync(file, text);
    if (/\.[cm]?[jt]sx?$/.test(file)) project().upsert(file, text);
    return file;
  });
  try {
    return body();
  } finally {
    for (const file of written) {
      project().remove(file);
      if (fileSystem.fileExistsSync(file)) fileSystem.deleteSync(file);
    }
  }
}

export function applyFix(code: string, fix: Fix): string {
  return applyEdits(code, fix.edits);
}

function applyEdits(code: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let text = code;
  for (const edit of sorted) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  return text;
}

/**
 * The case's other files after a fix: the files it creates added, its edits
 * to them applied. Paths are relative to the case folder `dir`; a change
 * outside it is an error (a fix must not reach beyond its package).
 */
export function applyFixToFiles(fix: Fix, dir: string, files: CaseFiles = {}): Record<string, string> {
  const result: Record<string, string> = { ...files };
  for (const change of fix.files ?? []) {
    assert.ok(change.file.startsWith(`${dir}/`), `fix "${fix.title}" changes ${change.file}, outside its case folder ${dir}`);
    const relative = change.file.slice(dir.length + 1);
    if (change.create !== undefined) {
      assert.ok(result[relative] === undefined, `fix "${fix.title}" creates ${relative}, which exists`);
      result[relative] = change.create;
    }
    if (change.edits) {
      const text = result[relative];
      assert.ok(text !== undefined, `fix "${fix.title}" edits ${relative}, which does not exist`);
      result[relative] = applyEdits(text, change.edits);
    }
  }
  return result;
}

function isSqlName(filename: string): boolean {
  return filename.endsWith('.sql');
}

export function parses(code: string, filename = 'case.ts'): boolean {
  if (isSqlName(filename)) return parseSql(code).error === undefined;
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
  files?: CaseFiles;
}

/** Every flagged case declared through testRule, in load order. */
export const flaggedFixtures: FlaggedFixture[] = [];

/** The number of syntax and type errors of the file (and of the other files of its folder), for comparing before and after an edit. */
export function diagnosticsOf(code: string, filename = 'case.ts', files: CaseFiles = {}): { syntax: number; types: number } {
  if (isSqlName(filename)) return { syntax: parseSql(code).error ? 1 : 0, types: 0 };
  caseCounter += 1;
  const dir = `/cases/${caseCounter}`;
  return withCaseFiles(dir, files, () => {
    const sourceFile = project().upsert(`${dir}/${filename}`, code);
    try {
      const program = sourceFile.getProject().getProgram().compilerObject;
      const counted = [`${dir}/${filename}`, ...Object.keys(files).filter((relative) => /\.[cm]?[jt]sx?$/.test(relative)).map((relative) => `${dir}/${relative}`)];
      let syntax = 0;
      let types = 0;
      for (const file of counted) {
        const compiled = program.getSourceFile(file);
        if (!compiled) continue;
        syntax += program.getSyntacticDiagnostics(compiled).length;
        types += program.getSemanticDiagnostics(compiled).filter((diagnostic) => !isMissingNodeBuiltin(diagnostic)).length;
      }
      return { syntax, types };
    } finally {
      project().remove(`${dir}/${filename}`);
    }
  });
}

/**
 * The in-memory project has no `@types/node`, so an import of a Node built-in
 * (`node:crypto`, which a fix may add) cannot resolve there; it would on disk.
 */
function isMissingNodeBuiltin(diagnostic: ts.Diagnostic): boolean {
  if (diagnostic.code !== 2307 && diagnostic.code !== 2591) return false;
  const module = /'([^']+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))?.[1] ?? '';
  return builtinModules.includes(module.replace(/^node:/, ''));
}

/** Declares mocha tests for a rule: every valid case has no finding, every invalid case exactly the expected ones. */
export function testRule(rule: Rule, cases: RuleCases): void {
  for (const c of cases.invalid) flaggedFixtures.push({ rule, name: c.name, code: c.code, filename: c.filename ?? 'case.ts', files: c.files });
  describe(`rule ${rule.meta.id}`, () => {
    // SQL migrations, and the SQL strings of JS/TS ones, need PostgreSQL's parser (WebAssembly, compiled once).
    before(() => loadSqlParser());
    describe('not flagged', () => {
      for (const c of cases.valid) {
        it(c.name, () => {
          const findings = findingsOf(rule, c.code, c.filename, undefined, c.files);
          assert.equal(findings.length, 0, `expected no finding, got:\n${describeFindings(findings)}`);
        });
      }
    });
    describe('flagged', () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          const findings = findingsOf(rule, c.code, c.filename, undefined, c.files);
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
            const after = findingsOf(rule, completed, c.filename, undefined, c.files);
            const stillThere = after.filter((f) => f.range.start.line === findings[0]!.range.start.line);
            assert.equal(stillThere.length, 0, `the fix did not clear the finding:\n${describeFindings(after)}`);
          }
        });
      }
    });
  });
}
