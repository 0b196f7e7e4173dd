import { PREFLIGHT_VERSION } from '../version';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisProject, firstParseProblem } from '../parse/project';
import { analyzeSourceFile } from '../engine/analyze';
import { allRules } from '../rules';
import type { Rule } from '../rules/rule';
import type { ResolvedConfig } from '../config/types';
import { DEFAULT_CONFIG } from '../config/types';
import { CONFIG_FILE_NAME, formatConfigProblem, loadConfigFile } from '../config/load';
import { changedFilesSince, collectSourceFiles, GitError, PackageRoots, PathNotFoundError, readSourceText } from '../workspace';
import { programFactsOf, type ProgramFacts } from '../facts/process-handlers';
import type { SourceFile } from 'ts-morph';
import { parseArgs, parseCount } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from './io';
import { compareReported, countSeverities, displayPath, toReported, toReportedSuppression, type CheckReport, type ReportedFinding, type ReportedSuppression } from './report';
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
class SetupError extends Error {}

interface LoadedRunConfig {
  config: ResolvedConfig;
  /** The folder `ignore` patterns are relative to. */
  root: string;
}

function loadRunConfig(options: CheckOptions, io: CliIO): LoadedRunConfig {
  const explicit = options.configFile !== undefined;
  const file = path.resolve(io.cwd, options.configFile ?? CONFIG_FILE_NAME);
  const shown = explicit ? options.configFile! : CONFIG_FILE_NAME;
  if (!fs.existsSync(file)) {
    if (explicit) throw new SetupError(`${shown}: config file not found`);
    return { config: DEFAULT_CONFIG, root: io.cwd };
  }
  const loaded = loadConfigFile(file);
  const [problem] = loaded.problems;
  if (problem) {
    const more = loaded.problems.length > 1 ? ` (and ${loaded.problems.length - 1} more problem${loaded.problems.length > 2 ? 's' : ''})` : '';
    throw new SetupError(`${formatConfigProblem({ ...problem, file: displayPath(problem.file, io.cwd) })}${more}`);
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
    runConfig = loadRunConfig(options, io);
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

  const project = new AnalysisProject();
  const loaded: { file: string; text: string }[] = [];
  for (const file of files) {
    const source = await readSourceText(file);
    if (source.kind === 'skipped') {
      warn(`skipped ${displayPath(file, io.cwd)}: ${source.reason}`);
      continue;
    }
    loaded.push({ file, text: source.text });
  }
  // Add every file before analysing any, so the type checker is built once for all of them.
  const sourceFiles = loaded.map(({ file, text }) => ({ sourceFile: project.upsert(file, text), text }));

  const programs = programFactsByPackage(sourceFiles.map(({ sourceFile }) => sourceFile));
  const rules = extras.rules ?? allRules;
  const findings: ReportedFinding[] = [];
  const suppressed: ReportedSuppression[] = [];
  const sources = new Map<string, string>();
  let analysed = 0;
  const ruleFailures = new Map<string, { files: string[]; error: string }>();
  for (const { sourceFile, text } of sourceFiles) {
    const shown = displayPath(sourceFile.getFilePath(), io.cwd);
    const parseProblem = firstParseProblem(sourceFile);
    if (parseProblem) {
      warn(`skipped ${shown}:${parseProblem.line + 1}:${parseProblem.character + 1}: does not parse (${firstLine(parseProblem.message)})`);
      continue;
    }
    const result = analyzeSourceFile(sourceFile, {
      config: runConfig.config,
      rules,
      program: programs(sourceFile.getFilePath()),
      today: extras.today,
      onRuleFailure: (failure) => {
        const failed = ruleFailures.get(failure.ruleId) ?? { files: [], error: firstLine(failure.error) };
        failed.files.push(shown);
        ruleFailures.set(failure.ruleId, failed);
      },
    });
    analysed += 1;
    if (result.findings.length > 0 || result.suppressed.length > 0) sources.set(shown, text);
    findings.push(...result.findings.map((finding) => toReported(finding, io.cwd)));
    suppressed.push(...result.suppressed.map((held) => toReportedSuppression(held, io.cwd)));
  }
  findings.sort(compareReported);
  suppressed.sort((a, b) => compareReported(a.finding, b.finding));
  for (const [ruleId, { files: failedFiles, error }] of ruleFailures) {
    const more = failedFiles.length > 1 ? ` (and ${failedFiles.length - 1} more file${failedFiles.length > 2 ? 's' : ''})` : '';
    warn(`rule ${ruleId} failed on ${failedFiles[0]}${more}; its findings there are missing: ${error}`);
  }
  const report: CheckReport = { files: analysed, findings, suppressed, sources };

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

/** Per package (nearest package.json): its process-level failure handlers and the middleware its files register. */
function programFactsByPackage(sourceFiles: readonly SourceFile[]): (file: string) => ProgramFacts {
  const roots = new PackageRoots();
  const filesByRoot = new Map<string, SourceFile[]>();
  for (const sourceFile of sourceFiles) {
    const root = roots.of(sourceFile.getFilePath());
    filesByRoot.set(root, [...(filesByRoot.get(root) ?? []), sourceFile]);
  }
  const facts = new Map<string, ProgramFacts>();
  for (const [root, files] of filesByRoot) facts.set(root, programFactsOf(files));
  return (file) => facts.get(roots.of(file)) ?? programFactsOf([]);
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
