import { PREFLIGHT_VERSION } from '../version';
import { checkCommand } from './check';
import { rulesCommand } from './rules-command';
import { runChecklistCommand } from './checklist-command';
import { mergeCommand } from './merge-command';
import { mcpCommand } from '../mcp/command';
import { EXIT_OK, EXIT_USAGE, processIO, UsageError, type CliIO } from './io';

/** A `preflight <name>` subcommand: takes the arguments after its name, returns the exit code. */
export interface CliCommand {
  summary: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** The subcommands; `checklist` is added here by the checklist surface. */
export const commands = new Map<string, CliCommand>([
  ['check', { summary: 'analyse files and folders (default: .)', run: checkCommand }],
  ['rules', { summary: 'list the rules', run: rulesCommand }],
  ['checklist', { summary: 'the readiness checklist for this branch (Markdown or JSON)', run: runChecklistCommand }],
  ['merge', { summary: 'join the outputs of sharded check runs', run: mergeCommand }],
  ['mcp', { summary: 'serve the Preflight tools to coding agents (Model Context Protocol over stdio)', run: mcpCommand }],
]);

function usage(): string {
  const names = [...commands.keys()];
  const width = Math.max(...names.map((n) => n.length));
  return `Usage: preflight <command> [options]

Commands:
${names.map((name) => `  ${name.padEnd(width)}  ${commands.get(name)!.summary}`).join('\n')}

  preflight check [paths...] [--format text|json|sarif] [--config FILE] [--changed-since REV] [--max-warnings N] [--shard I/N]
  preflight checklist [--base REV] [--format markdown|json]
  preflight rules [--format text|json|markdown]
  preflight merge <json-or-sarif files...> [--format json|sarif] [--max-warnings N]
  preflight mcp [--root DIR] [--config FILE]

Options:
  -h, --help     show help (also: preflight <command> --help)
  --version      show the version
`;
}

/** The `preflight` command line; returns the exit code (0 ok, 1 findings over the threshold, 2 usage or config error). */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      io.stderr(usage());
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      io.stdout(usage());
      return EXIT_OK;
    }
    if (first === '--version' || first === '-v') {
      io.stdout(`${PREFLIGHT_VERSION}\n`);
      return EXIT_OK;
    }
    const command = commands.get(first);
    if (!command) {
      throw new UsageError(first.startsWith('-') ? `unknown option ${first}` : `unknown command '${first}'`);
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`preflight: ${error.message} (see 'preflight --help')\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
