import { PREFLIGHT_VERSION } from '../version';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisProject, firstParseProblem, type ParseProblem } from '../parse/project';
import type { Finding } from '../engine/finding';
import { analyzeSourceFile } from '../engine/analyze';
import { allRules } from '../rules';
import type { Rule } from '../rules/rule';
import type { ResolvedConfig } from '../config/types';
import { DEFAULT_CONFIG } from '../config/types';
import { CONFIG_FILE_NAME, formatConfigProblem, loadConfigFile } from '../config/load';
import { changedFilesSince, collectSourceFiles, GitError, PackageRoots, PathNotFoundError, readSourceText } from '../workspace';
import { processFailureHandlersIn, type ProcessFailureHandler, type ProgramFacts } from '../facts/process-handlers';
import type { SourceFile } from 'ts-morph';
import { parseArgs, parseCount } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from './io';
import { compareReported, countSeverities, displayPath, toReported, type CheckReport, type ReportedFinding } from './report';
import { formatText } from './format-text';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';

export const CHECK_USAGE = `Usage: preflight check [paths...] [options]

Analyses JavaScript and TypeScript files and folders (default: .).

Options:
  --format text|json|sarif   output format (default: text)
  --config FILE              config file (default: ./${CONFIG_FILE_NAME} if present)
  --changed-since REV        only files changed since the merge base with REV
                             (committed, staged, unstaged and untracked)
  --max-warnings N           exit 1 when there are more than N warnings
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
}

export function parseCheckArgs(args: readonly string[]): CheckOptions | 'help' {
  const parsed = parseArgs(
    args,
    [
      { name: 'format', value: { placeholder: 'FORMAT', choices: ['text', 'json', 'sarif'] } },
      { name: 'config', value: { placeholder: 'FILE' } },
      { name: 'changed-since', value: { placeholder: 'REV' } },
      { name: 'max-warnings', value: { placeholder: 'N' } },
      { name: 'help' },
    ],
    'preflight check',
  );
  if (parsed.flags.has('help')) return 'help';
  const maxWarnings = parsed.values.get('max-warnings');
  return {
    paths: parsed.positionals,
    format: (parsed.values.get('format') ?? 'text') as OutputFormat,
    configFile: parsed.values.get('config'),
    changedSince: parsed.values.get('changed-since'),
    maxWarnings: maxWarnings === undefined || maxWarnings === '-1' ? undefined : parseCount('max-warnings', maxWarnings),
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
    const collected = await collectSourceFiles(options.paths, io.cwd, { root: runConfig.root, ignore: runConfig.config.ignore, tests: runConfig.config.tests });
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

  const checked = await checkFiles(files, {
    config: runConfig.config,
    rules: extras.rules,
    today: extras.today,
    programFacts: programFactsByPackage,
  });
  for (const skipped of checked.skipped) warn(`skipped ${displayPath(skipped.file, io.cwd)}${skippedDetail(skipped)}`);
  const findings = checked.findings.map((finding) => toReported(finding, io.cwd)).sort(compareReported);
  const sources = new Map([...checked.texts].map(([file, text]) => [displayPath(file, io.cwd), text]));
  for (const [ruleId, { files: failedFiles, error }] of checked.ruleFailures) {
    const shown = displayPath(failedFiles[0]!, io.cwd);
    const more = failedFiles.length > 1 ? ` (and ${failedFiles.length - 1} more file${failedFiles.length > 2 ? 's' : ''})` : '';
    warn(`rule ${ruleId} failed on ${shown}${more}; its findings there are missing: ${error}`);
  }
  const analysed = checked.analysed;
  const rules = extras.rules ?? allRules;
  const report: CheckReport = { files: analysed, findings, sources };

  const version = PREFLIGHT_VERSION;
  if (options.format === 'json') io.stdout(formatJson(report, version));
  else if (options.format === 'sarif') io.stdout(formatSarif(report, { version, rules, cwd: io.cwd }));
  else io.stdout(formatText(report, { color: io.color }));

  const counts = countSeverities(findings);
  if (counts.error > 0) return EXIT_FINDINGS;
  if (options.maxWarnings !== undefined && counts.warning > options.maxWarnings) {
    const line = `Too many warnings: ${counts.warning} (--max-warnings ${options.maxWarnings}).\n`;
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
  /** Every finding, in engine order (absolute paths, fixes with their edits). */
  findings: Finding[];
  /** The text each file with findings was analysed in, by absolute path. */
  texts: Map<string, string>;
  /** In the order they were met: unreadable files first, then those that do not parse. */
  skipped: SkippedFile[];
  /** Rules that threw, with the absolute paths of the files they threw on. */
  ruleFailures: Map<string, { files: string[]; error: string }>;
}

export interface CheckFilesOptions {
  config: ResolvedConfig;
  rules?: readonly Rule[];
  today?: string;
  /** The program facts per file, from the source files of the run (default: each file's own handlers). */
  programFacts?: (sourceFiles: readonly SourceFile[]) => (file: string) => ProgramFacts | Promise<ProgramFacts>;
}

/** `preflight check`'s analysis without its output: reads, parses and runs the rules over `files` (absolute paths). */
export async function checkFiles(files: readonly string[], options: CheckFilesOptions): Promise<CheckedFiles> {
  const project = new AnalysisProject();
  const skipped: SkippedFile[] = [];
  const loaded: { file: string; text: string }[] = [];
  for (const file of files) {
    const source = await readSourceText(file);
    if (source.kind === 'skipped') skipped.push({ file, reason: source.reason });
    else loaded.push({ file, text: source.text });
  }
  // Add every file before analysing any, so the type checker is built once for all of them.
  const sourceFiles = loaded.map(({ file, text }) => ({ sourceFile: project.upsert(file, text), text }));
  const programs = options.programFacts?.(sourceFiles.map(({ sourceFile }) => sourceFile));
  const checked: CheckedFiles = { analysed: 0, findings: [], texts: new Map(), skipped, ruleFailures: new Map() };
  for (const { sourceFile, text } of sourceFiles) {
    const file = sourceFile.getFilePath();
    const parseProblem = firstParseProblem(sourceFile);
    if (parseProblem) {
      skipped.push({ file, reason: 'does not parse', parseProblem });
      continue;
    }
    const result = analyzeSourceFile(sourceFile, {
      config: options.config,
      rules: options.rules ?? allRules,
      program: programs ? await programs(file) : undefined,
      today: options.today,
      onRuleFailure: (failure) => {
        const failed = checked.ruleFailures.get(failure.ruleId) ?? { files: [], error: firstLine(failure.error) };
        failed.files.push(file);
        checked.ruleFailures.set(failure.ruleId, failed);
      },
    });
    checked.analysed += 1;
    if (result.findings.length > 0) checked.texts.set(file, text);
    checked.findings.push(...result.findings);
  }
  return checked;
}

/** What follows a skipped file's path in a warning: `: reason`, or for a syntax error its position and the error. */
export function skippedDetail(skipped: SkippedFile): string {
  const problem = skipped.parseProblem;
  if (!problem) return `: ${skipped.reason}`;
  return `:${problem.line + 1}:${problem.character + 1}: does not parse (${firstLine(problem.message)})`;
}

/** Per package (nearest package.json): the process-level failure handlers its files register. */
function programFactsByPackage(sourceFiles: readonly SourceFile[]): (file: string) => ProgramFacts {
  const roots = new PackageRoots();
  const handlers = new Map<string, ProcessFailureHandler[]>();
  for (const sourceFile of sourceFiles) {
    const root = roots.of(sourceFile.getFilePath());
    const found = processFailureHandlersIn(sourceFile);
    handlers.set(root, [...(handlers.get(root) ?? []), ...found]);
  }
  return (file) => ({ failureHandlers: handlers.get(roots.of(file)) ?? [] });
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
