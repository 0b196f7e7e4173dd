import type { ResolvedConfig } from './types';
import { DEFAULT_CONFIG } from './types';

export const CONFIG_FILE_NAME = 'preflight.config.json';

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

/**
 * Reads and validates preflight.config.json.
 * TODO(config work): implement validation (bad JSON, unknown rule, bad severity) per contracts.md.
 */
export function loadConfigFile(_file: string): LoadedConfig {
  return { config: DEFAULT_CONFIG, problems: [] };
}

/**
 * Applies editor settings (`preflight.rules` etc., as received over LSP) over a loaded config.
 * TODO(config work): implement.
 */
export function applySettings(config: ResolvedConfig, _settings: unknown): LoadedConfig {
  return { config, problems: [] };
}
