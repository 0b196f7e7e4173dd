import { createHash } from 'node:crypto';
import type { PreviousVersion } from '../facts/previous-version';
import { previousVersionOfMigration } from '../workspace/previous-version';
import { sqlFileMigration, type Migration } from '../facts/migrations';
import * as path from 'node:path';
import type { SourceFile } from 'ts-morph';
import { AnalysisProject, firstParseProblem } from '../parse/project';
import { isStackOverflow, STACK_OVERFLOW_REASON } from '../parse/nesting';
import { ModuleGraph } from '../parse/module-graph';
import { analyzeSourceFile, type FileAnalysis, type RuleFailure } from '../engine/analyze';
import { analyzeSqlFile } from '../engine/analyze-sql';
import { loadSqlParser } from '../parse/sql';
import { isSqlMigrationPath } from '../facts/tables/migration-paths';
import { localDate } from '../engine/suppression';
import type { Rule } from '../rules/rule';
import type { ResolvedConfig } from '../config/types';
import { PackageRoots } from '../workspace';
import { NO_PROGRAM_FACTS, type ProgramFacts } from '../facts/process-handlers';
import { scanPackageProgramFacts } from '../workspace/package-program-facts';
import { PREFLIGHT_VERSION } from '../version';
import { ResultCache, sha256 } from './result-cache';
import { inShard, type Shard } from './shard';

export interface LoadedFile {
  file: string;
  text: string;
}

export interface RunAnalysisOptions {
  config: ResolvedConfig;
  /** The folder config paths (and shard and cache paths) are relative to. */
  root: string;
  rules: readonly Rule[];
  today?: string;
  shard?: Shard;
  cache?: ResultCache;
  /** The program facts of a file's package, when the caller knows them (the MCP server, from the whole workspace); default: from the loaded files. */
  programFactsOf?: (file: string) => ProgramFacts | Promise<ProgramFacts>;
  onRuleFailure(failure: RuleFailure, file: string): void;
}

export interface AnalysedFile extends LoadedFile {
  /** With `parseProblem` set, and nothing else, when the file does not parse. */
  analysis: FileAnalysis;
  /** Why the file could not be analysed at all (nesting deeper than the parser's stack), with an empty analysis. */
  unanalysable?: string;
}

export interface RunAnalysisResult {
  files: AnalysedFile[];
  /** Files whose results came from the cache, of those asked for. */
  reused: number;
}

/** The run's program facts, by package folder (nearest package.json). */
type ProgramsByPackage = Map<string, ProgramFacts>;

/**
 * Analyses the loaded files (the shard's part of them). Every file is read, so
 * cross-file facts are those of the whole set; with a cache, a file whose key
 * (its text, what it imports and what imports it, its package's program
 * facts, the manifests above it, the config, the version and the date) is
 * stored takes the stored result, and the project is only parsed when some
 * file needs analysing.
 */
export async function runAnalysis(loaded: readonly LoadedFile[], options: RunAnalysisOptions): Promise<RunAnalysisResult> {
  const roots = new PackageRoots();
  const wanted = options.shard ? loaded.filter(({ file }) => inShard(file, options.root, options.shard!)) : loaded;
  // SQL migrations are read by PostgreSQL's parser, on their own; every other file joins the one program.
  const sources = loaded.filter(({ file }) => !isSqlMigrationPath(file));
  const project = new AnalysisProject();
  let sourceFiles: Map<string, SourceFile> | undefined;
  const parsed = () => (sourceFiles ??= parseAll(project, sources));

  const { cache } = options;
  const programOf = await programFactsOfFiles(loaded, wanted, options, roots);
  const sqlMigrations = await parsedSqlMigrations(wanted.filter(({ file }) => isSqlMigrationPath(file)));
  const keyOf = cache ? analysisKeys(loaded, options, cache, programOf, (file) => sqlMigrations.get(file)?.previousVersion?.revision ?? '') : undefined;

  const stored = wanted.map(({ file }) => {
    const key = keyOf?.(file);
    return { key, analysis: key !== undefined ? cache!.get(key) : undefined };
  });
  // SQL migrations, and the SQL strings of JS/TS migrations, need the parser (WebAssembly, compiled once).
  if (stored.some(({ analysis }) => !analysis)) await loadSqlParser();
  let reused = 0;
  const files = wanted.map(({ file, text }, i): AnalysedFile => {
    const { key, analysis: hit } = stored[i]!;
    if (hit) {
      reused += 1;
      for (const failure of hit.ruleFailures) options.onRuleFailure(failure, file);
      return { file, text, analysis: { file, ...hit } };
    }
    if (isSqlMigrationPath(file)) {
      const analysis = analyzeSqlFile(file, text, { config: options.config, rules: options.rules, today: options.today, onRuleFailure: options.onRuleFailure, ...sqlMigrations.get(file) });
      if (key !== undefined) cache!.set(key, file, analysis);
      return { file, text, analysis };
    }
    const sourceFile = parsed().get(file);
    const analysis = sourceFile ? analyseOrOverflow(sourceFile, options, programOf(file)) : undefined;
    if (!analysis) return { file, text, analysis: { file, findings: [], suppressed: [], ruleFailures: [] }, unanalysable: STACK_OVERFLOW_REASON };
    if (key !== undefined) cache!.set(key, file, analysis);
    return { file, text, analysis };
  });
  return { files, reused };
}

/**
 * Every file added to one project before any is analysed, so the type checker is built once for all of
 * them; a file whose parse runs out of stack (nesting the bracket count does not see) is left out.
 */
function parseAll(project: AnalysisProject, sources: readonly LoadedFile[]): Map<string, SourceFile> {
  const parsed = new Map<string, SourceFile>();
  for (const { file, text } of sources) {
    try {
      parsed.set(file, project.upsert(file, text));
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      project.remove(file);
    }
  }
  return parsed;
}

/** The file's analysis; undefined when walking it runs out of stack. */
function analyseOrOverflow(sourceFile: SourceFile, options: RunAnalysisOptions, program: ProgramFacts): FileAnalysis | undefined {
  try {
    return analyseOne(sourceFile, options, program);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return undefined;
  }
}

function analyseOne(sourceFile: SourceFile, options: RunAnalysisOptions, program: ProgramFacts): FileAnalysis {
  const parseProblem = firstParseProblem(sourceFile);
  if (parseProblem) return { file: sourceFile.getFilePath(), findings: [], suppressed: [], ruleFailures: [], parseProblem };
  return analyzeSourceFile(sourceFile, {
    config: options.config,
    rules: options.rules,
    program,
    today: options.today,
    onRuleFailure: (failure) => options.onRuleFailure(failure, sourceFile.getFilePath()),
  });
}

/** Each wanted file's program facts: the caller's, or those of its package, from the loaded files and the package's others on disk. */
async function programFactsOfFiles(loaded: readonly LoadedFile[], wanted: readonly LoadedFile[], options: RunAnalysisOptions, roots: PackageRoots): Promise<(file: string) => ProgramFacts> {
  if (options.programFactsOf) {
    const known = new Map<string, ProgramFacts>();
    for (const { file } of wanted) known.set(file, await options.programFactsOf(file));
    return (file) => known.get(file) ?? NO_PROGRAM_FACTS;
  }
  const programs = await programFactsByPackage(loaded, roots);
  return (file) => programs.get(roots.of(file)) ?? NO_PROGRAM_FACTS;
}

/**
 * Per package (nearest package.json): its program facts from all its files, the
 * run's (as the run read them) and its others on disk (a handler or limiter in a
 * file the run does not analyse still counts). Only files whose text can hold one
 * are parsed, on their own, so the answer needs no parse of the project (and a
 * cached run none at all).
 */
export async function programFactsByPackage(loaded: readonly LoadedFile[], roots = new PackageRoots()): Promise<ProgramsByPackage> {
  const textsByRoot = new Map<string, Map<string, string>>();
  for (const { file, text } of loaded) {
    if (isSqlMigrationPath(file)) continue;
    const root = roots.of(file);
    const texts = textsByRoot.get(root) ?? new Map<string, string>();
    texts.set(file, text);
    textsByRoot.set(root, texts);
  }
  const programs: ProgramsByPackage = new Map();
  for (const [root, texts] of textsByRoot) programs.set(root, await scanPackageProgramFacts(root, texts));
  return programs;
}

/**
 * Each SQL migration parsed once, with the version it is deployed on top of (destructive-migration asks
 * what that version reads), a few git questions at a time.
 */
async function parsedSqlMigrations(migrations: readonly LoadedFile[]): Promise<Map<string, { migration: Migration; previousVersion?: PreviousVersion }>> {
  const found = new Map<string, { migration: Migration; previousVersion?: PreviousVersion }>();
  if (migrations.length === 0) return found;
  await loadSqlParser();
  const queue = [...migrations];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const migration = sqlFileMigration(next.file, next.text);
      found.set(next.file, { migration, previousVersion: await previousVersionOfMigration(migration) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(GIT_QUESTIONS_AT_ONCE, migrations.length) }, worker));
  return found;
}

const GIT_QUESTIONS_AT_ONCE = 4;

/** The cache key of each file's analysis: a hash of everything the analysis may read. */
function analysisKeys(
  loaded: readonly LoadedFile[],
  options: RunAnalysisOptions,
  cache: ResultCache,
  programOf: (file: string) => ProgramFacts,
  previousRevisionOf: (file: string) => string,
): (file: string) => string {
  const sources = loaded.filter(({ file }) => !isSqlMigrationPath(file));
  const graph = new ModuleGraph(sources);
  const textOf = new Map(loaded.map(({ file, text }) => [file, text]));
  // One digest per file of its path and text; a key hashes those of the file's neighbourhood in one buffer.
  const digests = sources.map(({ file, text }) => createHash('sha256').update(file).update('\u0000').update(text).digest());
  const runKey = sha256(
    JSON.stringify({
      version: PREFLIGHT_VERSION,
      config: options.config,
      rules: options.rules.map((rule) => rule.meta.id),
      today: options.today ?? localDate(),
    }),
  );
  return (file) => {
    const own = graph.indexOf(file);
    if (own === undefined) return sha256(JSON.stringify([runKey, file, sha256(textOf.get(file) ?? ''), cache.contextOf(file), previousRevisionOf(file)]));
    const neighbours = graph.neighbourIndices(own);
    const buffer = Buffer.allocUnsafe(32 * neighbours.length);
    neighbours.forEach((i, n) => digests[i]!.copy(buffer, 32 * n));
    return createHash('sha256')
      .update(runKey)
      .update(digests[own]!)
      .update(buffer)
      .update(JSON.stringify(programOf(file)))
      .update(cache.contextOf(file))
      .digest('hex');
  };
}
