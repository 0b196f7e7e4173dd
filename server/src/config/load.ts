import * as fs from 'node:fs';
import type { ResolvedConfig } from './types';
import { DEFAULT_CONFIG } from './types';
import { allRules } from '../rules';
import { JsonSyntaxError, lineLocator, parseJson } from './json';
import { nodeFromValue, validateConfigDocument, validateFixesValue, validateIgnoreValue, validateRulesValue, type ValidationProblem } from './validate';
import { NotRegularFileError, readRegularFileSync } from '../workspace/regular-file';

export const CONFIG_FILE_NAME = 'preflight.config.json';

/** The `file` of problems found in editor settings rather than in a config file. */
export const SETTINGS_SOURCE = 'settings';

/** One thing wrong with a config file; analysis goes on with defaults for that part. */
export interface ConfigProblem {
  file: string;
  /** 0-based position of the offending JSON, when known. */
  line: number;
  character: number;
  message: string;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  problems: ConfigProblem[];
  /** The file read, if one was found. */
  file?: string;
}

function knownRuleIds(): Set<string> {
  return new Set(allRules.map((rule) => rule.meta.id));
}

/** `file:line:column: message`, 1-based, as the CLI prints it. */
export function formatConfigProblem(problem: ConfigProblem): string {
  if (problem.file === SETTINGS_SOURCE) return `${SETTINGS_SOURCE}: ${problem.message}`;
  return `${problem.file}:${problem.line + 1}:${problem.character + 1}: ${problem.message}`;
}

/**
 * Validates the text of a preflight.config.json (also for an unsaved editor
 * buffer). Every problem is reported with its position; the broken parts fall
 * back to their defaults, the rest of the file still applies.
 */
export function parseConfigText(file: string, text: string): LoadedConfig {
  const locate = lineLocator(text);
  const toProblem = (p: ValidationProblem): ConfigProblem => ({ file, ...locate(p.offset), message: p.message });
  let root;
  try {
    root = parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const problem = toProblem({ offset: error.offset, message: `invalid JSON: ${error.message}` });
    return { config: DEFAULT_CONFIG, problems: [problem], file };
  }
  const { config, problems } = validateConfigDocument(root, knownRuleIds());
  return {
    config: {
      rules: config.rules ?? DEFAULT_CONFIG.rules,
      ignore: config.ignore ?? DEFAULT_CONFIG.ignore,
      tests: config.tests ?? DEFAULT_CONFIG.tests,
      checklist: config.checklist ?? DEFAULT_CONFIG.checklist,
      fixes: { ...DEFAULT_CONFIG.fixes, ...config.fixes },
    },
    problems: problems.map(toProblem),
    file,
  };
}

/**
 * Reads and validates preflight.config.json. A missing file is not a problem
 * (defaults, no `file`); an unreadable or invalid one gives problems and defaults.
 */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readRegularFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { config: DEFAULT_CONFIG, problems: [] };
    const reason = code === 'EISDIR' ? 'is a directory, not a file' : error instanceof NotRegularFileError ? `is ${error.message}` : `cannot be read (${code ?? String(error)})`;
    return { config: DEFAULT_CONFIG, problems: [{ file, line: 0, character: 0, message: `config file ${reason}` }], file };
  }
  return parseConfigText(file, text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies editor settings (`preflight.rules` etc., as received over LSP) over a loaded config.
 * Shape: `{ rules?: { [id]: severity | [severity, options] }, ignore?: string[] }`; other keys
 * (the extension's own settings) are left alone. Settings win per rule; `ignore` patterns add
 * to the file's. Problems carry `file: SETTINGS_SOURCE` and a message naming the setting.
 */
export function applySettings(config: ResolvedConfig, settings: unknown): LoadedConfig {
  if (!isRecord(settings)) return { config, problems: [] };
  const problems: ConfigProblem[] = [];
  const settingProblem = (setting: string) => (p: ValidationProblem): ConfigProblem => ({
    file: SETTINGS_SOURCE,
    line: 0,
    character: 0,
    message: `preflight.${setting}: ${p.message}`,
  });
  let rules = config.rules;
  if (settings.rules !== undefined && settings.rules !== null) {
    const validated = validateRulesValue(nodeFromValue(settings.rules), knownRuleIds());
    problems.push(...validated.problems.map(settingProblem('rules')));
    rules = { ...config.rules, ...validated.rules };
  }
  let ignore = config.ignore;
  if (settings.ignore !== undefined && settings.ignore !== null) {
    const validated = validateIgnoreValue(nodeFromValue(settings.ignore));
    problems.push(...validated.problems.map(settingProblem('ignore')));
    ignore = [...new Set([...config.ignore, ...validated.ignore])];
  }
  let fixes = config.fixes;
  if (settings.fixes !== undefined && settings.fixes !== null) {
    const validated = validateFixesValue(nodeFromValue(settings.fixes), 'preflight.fixes');
    problems.push(...validated.problems.map((p): ConfigProblem => ({ file: SETTINGS_SOURCE, line: 0, character: 0, message: p.message })));
    fixes = { ...config.fixes, ...validated.fixes };
  }
  return { config: { ...config, rules, ignore, fixes }, problems };
}
