import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, formatConfigProblem, loadConfigFile } from '../config/load';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../config/types';
import { buildChecklistReport } from '../checklist/report';
import { checklistMarkdown } from '../checklist/markdown';
import type { ChecklistReport } from '../checklist/types';
import { parseArgs } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from './io';

export const CHECKLIST_USAGE = `Usage: preflight checklist [options]

Prints the readiness checklist for the files changed on this branch: automated
findings per category, project checks, and the manual items ticked in
.preflight/checklist.json for this branch.

Options:
  --base REV                compare with the merge base of HEAD and REV
                            (default: config checklist.baseBranch, origin/HEAD, main, master)
  --workspace               check the whole workspace instead of the changed files
  --format markdown|json    output format (default: markdown)
  --require-manual          every manual item must be ticked
  --config FILE             config file (default: ./${CONFIG_FILE_NAME} if present)
  -h, --help                show this help

Exit codes: 0 ready, 1 blocking findings or checks (error findings, failed project
checks) or unticked required manual items, 2 usage or configuration error.
Outside git (or when git cannot tell what changed) the whole workspace is checked
and the reason is printed on stderr.
`;

export interface ChecklistCommandOptions {
  base?: string;
  workspace: boolean;
  format: 'markdown' | 'json';
  requireManual: boolean;
  configFile?: string;
}

export function parseChecklistArgs(args: readonly string[]): ChecklistCommandOptions | 'help' {
  const parsed = parseArgs(
    args,
    [
      { name: 'base', value: { placeholder: 'REV' } },
      { name: 'format', value: { placeholder: 'FORMAT', choices: ['markdown', 'json'] } },
      { name: 'workspace' },
      { name: 'require-manual' },
      { name: 'config', value: { placeholder: 'FILE' } },
      { name: 'help' },
    ],
    'preflight checklist',
  );
  if (parsed.flags.has('help')) return 'help';
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}' for 'preflight checklist'`);
  }
  if (parsed.flags.has('workspace') && parsed.values.has('base')) {
    throw new UsageError('--base and --workspace cannot be used together');
  }
  return {
    base: parsed.values.get('base'),
    workspace: parsed.flags.has('workspace'),
    format: (parsed.values.get('format') ?? 'markdown') as 'markdown' | 'json',
    requireManual: parsed.flags.has('require-manual'),
    configFile: parsed.values.get('config'),
  };
}

/** Loads the config (a broken one is a configuration error: exit 2). */
function loadChecklistConfig(options: ChecklistCommandOptions, cwd: string): { config: ResolvedConfig; root: string } {
  const explicit = options.configFile !== undefined;
  const file = path.resolve(cwd, options.configFile ?? CONFIG_FILE_NAME);
  if (!fs.existsSync(file)) {
    if (explicit) throw new UsageError(`${options.configFile}: config file not found`);
    return { config: DEFAULT_CONFIG, root: cwd };
  }
  const loaded = loadConfigFile(file);
  const [problem] = loaded.problems;
  if (problem) {
    const shown = path.relative(cwd, problem.file) || problem.file;
    throw new UsageError(formatConfigProblem({ ...problem, file: shown.split(path.sep).join('/') }));
  }
  return { config: loaded.config, root: path.dirname(file) };
}

/** The exit code for a report: 0 when ready, 1 when anything blocks or a required manual item is unticked. */
export function checklistExitCode(report: ChecklistReport): number {
  return report.summary.ready ? EXIT_OK : EXIT_FINDINGS;
}

/** `preflight checklist`: prints the report and returns the exit code. */
export async function runChecklistCommand(args: string[] | readonly string[], io: CliIO): Promise<number> {
  const warn = (line: string): void => io.stderr(`preflight: ${line}\n`);
  let options: ChecklistCommandOptions;
  let loaded: { config: ResolvedConfig; root: string };
  try {
    const parsed = parseChecklistArgs(args);
    if (parsed === 'help') {
      io.stdout(CHECKLIST_USAGE);
      return EXIT_OK;
    }
    options = parsed;
    loaded = loadChecklistConfig(options, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      warn(`${error.message} (see 'preflight checklist --help')`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const report = await buildChecklistReport({
    root: loaded.root,
    scope: options.workspace ? 'workspace' : 'changed',
    base: options.base,
    config: loaded.config,
    requireManual: options.requireManual,
  });
  if (report.scope.fallbackReason) warn(report.scope.fallbackReason);
  for (const problem of report.problems) warn(`${problem.file ? `${problem.file}${problem.line ? `:${problem.line}` : ''}: ` : ''}${problem.message}`);

  io.stdout(options.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : checklistMarkdown(report));
  return checklistExitCode(report);
}
