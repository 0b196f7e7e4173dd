import { UsageError } from './io';

export interface OptionSpec {
  name: string;
  /** Options that take a value; `choices` restricts it. Without `value`, a flag. */
  value?: { placeholder: string; choices?: readonly string[] };
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

/**
 * Parses `--name value`, `--name=value`, flags and positionals; `--` ends the
 * options. Unknown options and missing or invalid values are UsageErrors.
 */
export function parseArgs(args: readonly string[], specs: readonly OptionSpec[], command: string): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  const byName = new Map(specs.map((spec) => [`--${spec.name}`, spec]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      parsed.flags.add('help');
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown option ${name} for '${command}'`);
    if (!spec.value) {
      if (equals !== -1) throw new UsageError(`${name} takes no value`);
      parsed.flags.add(spec.name);
      continue;
    }
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) value = args[++i];
    const choices = spec.value.choices;
    if (value === undefined || value === '') {
      throw new UsageError(`${name} needs a value: ${choices ? choices.join(', ') : spec.value.placeholder}`);
    }
    if (choices && !choices.includes(value)) {
      throw new UsageError(`${name} must be one of ${choices.join(', ')} (got '${value}')`);
    }
    parsed.values.set(spec.name, value);
  }
  return parsed;
}

/** A whole number ≥ 0. */
export function parseCount(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number of 0 or more (got '${value}')`);
  return Number(value);
}
