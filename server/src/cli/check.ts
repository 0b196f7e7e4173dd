import { PREFLIGHT_VERSION } from '../version';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../rules';
import type { Rule } from '../rules/rule';
import type { ResolvedConfig } from '../config/types';
import { DEFAULT_CONFIG } from '../config/types';
import { CONFIG_FILE_NAME, formatConfigProblem, loadConfigFile } from '../config/load';
import { changedFilesSince, collectSourceFiles, GitError, PathNotFoundError, readSourceText } from '../workspace';
import type { ParseProblem } from '../parse/project';
import type { Finding } from '../engine/finding';
import type { SuppressedFinding } from '../engine/suppression';
import type { ProgramFacts } from '../facts/process-handlers';
import { parseArgs, parseCount } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from './io';
import { compareReported, countSeverities, displayPath, toReported, toReportedSuppression, type CheckReport, type ReportedSuppression, type SkippedFile as ReportedSkippedFile } from './report';
import { formatText } from './format-text';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { parseShard, type Shard } from './shard';
import { ResultCache } from './result-cache';
import { runAnalysis, type LoadedFile } from './run-analysis';

/** Where `--cache` keeps results unless `--cache-location` says (relative to the config folder). */
export const DEFAULT_CACHE_FOLDER = path.join('node_modules', '.cache', 'preflight');

export const CHECK_USAGE = `Usage: preflight check [paths...] [options]

Analyses JavaScript and TypeScript files, SQL migrations and folders (default: .).

Options:
  --format text|json|sarif   output format (default: text)
  --config FILE              config file (default: ./${CONFIG_FILE_NAME} if present)
  --changed-since REV        only files changed since the merge base with REV
                             (committed, staged, unstaged and untracked)
  --max-warnings N           exit 1 when there are more than N warnings
  --shard I/N                only the I-th of N stable parts of the files (CI matrices;
                             join the outputs with preflight merge)
  --cache                    reuse the results of files whose inputs did not change
  --cache-location DIR       where --cache keeps them (default: node_modules/.cache/preflight)
  -h, --help                 show this help

Exit codes: 0 no errors (and warnings within --max-warnings), 1 over the threshold,
2 usage or configuration error.
`;

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CheckOptions {
  paths: string[];
  format: OutputFormat;
  configFile?: string;
  changedSince?: string;
  /** Undefined: no limit. */
  maxWarnings?: number;
  /** Analyse only this part of the files (every file is still read, so cross-file facts stay whole). */
  shard?: Shard;
  /** Reuse results of earlier runs (`--cache`), kept in `cacheLocation` when given. */
  cache?: boolean;
  cacheLocation?: string;
}

export function parseCheckArgs(args: readonly string[]): CheckOptions | 'help' {
  const parsed = parseArgs(
    args,
    [
      { name: 'format', value: { placeholder: 'FORMAT', choices: ['text', 'json', 'sarif'] } },
      { name: 'config', value: { placeholder: 'FILE' } },
      { name: 'changed-since', value: { placeholder: 'REV' } },
      { name: 'max-warnings', value: { placeholder: 'N' } },
      { name: 'shard', value: { placeholder: 'I/N' } },
      { name: 'cache' },
      { name: 'cache-location', value: { placeholder: 'DIR' } },
      { name: 'help' },
    ],
    'preflight check',
  );
  if (parsed.flags.has('help')) return 'help';
  const maxWarnings = parsed.values.get('max-warnings');
  const shard = parsed.values.get('shard');
  return {
    paths: parsed.positionals,
    format: (parsed.values.get('format') ?? 'text') as OutputFormat,
    configFile: parsed.values.get('config'),
    changedSince: parsed.values.get('changed-since'),
    maxWarnings: maxWarnings === undefined || maxWarnings === '-1' ? undefined : parseCount('max-warnings', maxWarnings),
    shard: shard === undefined ? undefined : parseShard(shard),
    cache: parsed.flags.has('cache') || parsed.values.has('cache-location'),
    cacheLocation: parsed.values.get('cache-location'),
  };
}

/** A problem that stops the run before analysis: one line on stderr, exit code 2. */
export class SetupError extends Error {}

export interface LoadedRunConfig {
  config: ResolvedConfig;
  /** The folder `ignore` patterns are relative to. */
  root: string;
}

/** The config `configFile` (default: ./preflight.config.json if present) names; a missing or broken one is a SetupError. */
export function loadRunConfig(configFile: string | undefined, cwd: string): LoadedRunConfig {
  const explicit = configFile !== undefined;
  const file = path.resolve(cwd, configFile ?? CONFIG_FILE_NAME);
  const shown = explicit ? configFile : CONFIG_FILE_NAME;
  if (!fs.existsSync(file)) {
    if (explicit) throw new SetupError(`${shown}: config file not found`);
    return { config: DEFAULT_CONFIG, root: cwd };
  }
  const loaded = loadConfigFile(file);
  const [problem] = loaded.problems;
  if (problem) {
    const more = loaded.problems.length > 1 ? ` (and ${loaded.problems.length - 1} more problem${loaded.problems.length > 2 ? 's' : ''})` : '';
    throw new SetupError(`${formatConfigProblem({ ...problem, file: displayPath(problem.file, cwd) })}${more}`);
  }
  return { config: loaded.config, root: path.dirname(file) };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

export interface RunCheckExtras {
  /** The rules to run (default: every rule). */
  rules?: readonly Rule[];
  /** YYYY-MM-DD for suppression expiry (default: today). */
  today?: string;
}

/** `preflight check`: analyse, print in the chosen format, and return the exit code. */
export async function runCheck(options: CheckOptions, io: CliIO, extras: RunCheckExtras = {}): Promise<number> {
  const warn = (line: string) => io.stderr(`preflight: ${line}\n`);
  let runConfig: LoadedRunConfig;
  let files: string[];
  try {
    runConfig = loadRunConfig(options.configFile, io.cwd);
    const collected = await collectSourceFiles(options.paths, io.cwd, { root: runConfig.root, ignore: runConfig.config.ignore, tests: runConfig.config.tests, sqlMigrations: true });
    for (const skipped of collected.skipped) warn(`skipped ${displayPath(skipped.path, io.cwd)}: ${skipped.reason}`);
    files = collected.files;
    if (options.changedSince !== undefined) {
      const changed = new Set(await changedFilesSince(options.changedSince, io.cwd));
      files = files.filter((file) => changed.has(file));
    }
  } catch (error) {
    if (error instanceof SetupError) {
      warn(error.message);
      return EXIT_USAGE;
    }
    if (error instanceof PathNotFoundError) {
      warn(error.message);
      return EXIT_USAGE;
    }
    if (error instanceof GitError) {
      warn(`--changed-since ${options.changedSince}: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const rules = extras.rules ?? allRules;
  const cache = options.cache ? new ResultCache(path.resolve(io.cwd, options.cacheLocation ?? path.join(runConfig.root, DEFAULT_CACHE_FOLDER)), runConfig.root) : undefined;
  if (cache?.problem) warn(cache.problem);
  const checked = await checkFiles(files, { config: runConfig.config, root: runConfig.root, rules, today: extras.today, shard: options.shard, cache });
  if (cache) {
    warn(`cache: reused ${checked.reused} of ${checked.reused + checked.analysedFresh} file results`);
    const notSaved = cache.save();
    if (notSaved) warn(notSaved);
  }
  for (const skipped of checked.skipped) warn(`skipped ${displayPath(skipped.file, io.cwd)}${skippedDetail(skipped)}`);
  const findings = checked.findings.map((finding) => toReported(finding, io.cwd)).sort(compareReported);
  const suppressed = checked.suppressed.map((held) => toReportedSuppression(held, io.cwd)).sort((x, y) => compareReported(x.finding, y.finding));
  const sources = new Map([...checked.texts].map(([file, text]) => [displayPath(file, io.cwd), text]));
  for (const [ruleId, { files: failedFiles, error }] of checked.ruleFailures) {
    const shown = displayPath(failedFiles[0]!, io.cwd);
    const more = failedFiles.length > 1 ? ` (and ${failedFiles.length - 1} more file${failedFiles.length > 2 ? 's' : ''})` : '';
    warn(`rule ${ruleId} failed on ${shown}${more}; its findings there are missing: ${error}`);
  }
  const analysed = checked.analysed;
  /** Files whose findings are unknown (not analysed for what they contain): shown in the output, counted by --max-warnings. */
  const skipped: ReportedSkippedFile[] = checked.skipped.map((file) => ({ file: displayPath(file.file, io.cwd), reason: skippedReason(file) }));
  const report: CheckReport = { files: analysed, findings, suppressed, sources, skipped };

  const version = PREFLIGHT_VERSION;
  if (options.format === 'json') io.stdout(formatJson(report, version));
  else if (options.format === 'sarif') io.stdout(formatSarif(report, { version, rules, cwd: io.cwd }));
  else io.stdout(formatText(report, { color: io.color }));

  const counts = countSeverities(findings);
  if (counts.error > 0) return EXIT_FINDINGS;
  // A file that was not analysed may hide warnings: under --max-warnings it counts as one.
  const warnings = counts.warning + skipped.length;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    const unanalysed = skipped.length > 0 ? `, ${skipped.length} of them for files not analysed` : '';
    const line = `Too many warnings: ${warnings}${unanalysed} (--max-warnings ${options.maxWarnings}).\n`;
    if (options.format === 'text') io.stdout(line);
    else io.stderr(`preflight: ${line}`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

/** A file `checkFiles` could not analyse: unreadable (too large, binary) or with a syntax error. */
export interface SkippedFile {
  /** Absolute path. */
  file: string;
  reason: string;
  /** Set when the file does not parse: where its first syntax error is. */
  parseProblem?: ParseProblem;
}

export interface CheckedFiles {
  /** Number of files analysed. */
  analysed: number;
  /** Every finding, in engine order (absolute paths; fixes with their edits, unless they came from the cache). */
  findings: Finding[];
  /** Findings that suppression comments hold back. */
  suppressed: SuppressedFinding[];
  /** The text each file with findings (or suppressed findings) was analysed in, by absolute path. */
  texts: Map<string, string>;
  /** In the order they were met: unreadable files first, then those that do not parse. */
  skipped: SkippedFile[];
  /** Rules that threw, with the absolute paths of the files they threw on. */
  ruleFailures: Map<string, { files: string[]; error: string }>;
  /** Of the files asked for (the shard's), how many results came from the cache, and how many were analysed now. */
  reused: number;
  analysedFresh: number;
}

export interface CheckFilesOptions {
  config: ResolvedConfig;
  /** The folder config paths, shards and the cache are relative to (default: the current directory). */
  root?: string;
  rules?: readonly Rule[];
  today?: string;
  shard?: Shard;
  cache?: ResultCache;
  /** The program facts of a file's package (default: from the handlers in `files`, by package). */
  programFactsOf?: (file: string) => ProgramFacts | Promise<ProgramFacts>;
}

/** `preflight check`'s analysis without its output: reads, parses and runs the rules over `files` (absolute paths). */
export async function checkFiles(files: readonly string[], options: CheckFilesOptions): Promise<CheckedFiles> {
  const skipped: SkippedFile[] = [];
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    const source = await readSourceText(file);
    if (source.kind === 'skipped') skipped.push({ file, reason: source.reason });
    else loaded.push({ file, text: source.text });
  }
  const checked: CheckedFiles = { analysed: 0, findings: [], suppressed: [], texts: new Map(), skipped, ruleFailures: new Map(), reused: 0, analysedFresh: 0 };
  const run = await runAnalysis(loaded, {
    config: options.config,
    root: options.root ?? process.cwd(),
    rules: options.rules ?? allRules,
    today: options.today,
    shard: options.shard,
    cache: options.cache,
    programFactsOf: options.programFactsOf,
    onRuleFailure: (failure, file) => {
      const failed = checked.ruleFailures.get(failure.ruleId) ?? { files: [], error: firstLine(failure.error) };
      failed.files.push(file);
      checked.ruleFailures.set(failure.ruleId, failed);
    },
  });
  checked.reused = run.reused;
  checked.analysedFresh = run.files.length - run.reused;
  for (const { file, text, analysis, unanalysable } of run.files) {
    if (analysis.parseProblem) {
      skipped.push({ file, reason: 'does not parse', parseProblem: analysis.parseProblem });
      continue;
    }
    if (unanalysable) {
      skipped.push({ file, reason: unanalysable });
      continue;
    }
    checked.analysed += 1;
    if (analysis.findings.length > 0 || analysis.suppressed.length > 0) checked.texts.set(file, text);
    checked.findings.push(...analysis.findings);
    checked.suppressed.push(...analysis.suppressed);
  }
  return checked;
}

/** Why a file was skipped, in one phrase (a syntax error without its position). */
function skippedReason(skipped: SkippedFile): string {
  return skipped.parseProblem ? `does not parse (${firstLine(skipped.parseProblem.message)})` : skipped.reason;
}

/** What follows a skipped file's path in a warning: `: reason`, or for a syntax error its position and the error. */
export function skippedDetail(skipped: SkippedFile): string {
  const problem = skipped.parseProblem;
  if (!problem) return `: ${skipped.reason}`;
  return `:${problem.line + 1}:${problem.character + 1}: does not parse (${firstLine(problem.message)})`;
}

export async function checkCommand(args: readonly string[], io: CliIO): Promise<number> {
  const options = parseCheckArgs(args);
  if (options === 'help') {
    io.stdout(CHECK_USAGE);
    return EXIT_OK;
  }
  return runCheck(options, io);
}

export { UsageError };
