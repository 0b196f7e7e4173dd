import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRunConfig, SetupError, type LoadedRunConfig } from '../cli/check';
import { ProgramFactsIndex } from '../lsp/program-facts';
import { displayPath } from '../cli/report';
import { allRules } from '../rules';
import type { Rule } from '../rules/rule';
import { ToolInputError } from './results';

export interface McpWorkspaceOptions {
  /** `--config FILE`; default ./preflight.config.json when present. */
  configFile?: string;
  /** Default true. */
  allowGit?: boolean;
  /** The config from elsewhere (the language server's, with the editor settings) instead of the file. */
  config?: () => LoadedRunConfig;
}

/** The folder the MCP server answers for. */
export class McpWorkspace {
  constructor(
    /** Absolute path; relative paths in tool calls are relative to it. */
    readonly root: string,
    private readonly options: McpWorkspaceOptions = {},
  ) {}

  /** False when git must not run here (VS Code's Restricted Mode): the default scope is then the whole workspace. */
  get allowGit(): boolean {
    return this.options.allowGit ?? true;
  }

  /** The config as the CLI reads it, read again on every call so that an edit to it applies at once. */
  loadConfig(): LoadedRunConfig {
    if (this.options.config) return this.options.config();
    const configFile = this.options.configFile;
    try {
      return loadRunConfig(configFile, this.root);
    } catch (error) {
      if (error instanceof SetupError) throw new ToolInputError(`The Preflight config is broken (${error.message}); fix it and call again.`);
      throw error;
    }
  }

  /**
   * The packages' process-level failure handlers, read from disk as the language server reads them, so that
   * preflight_check and preflight_fix see the same findings. New for each call: files change between calls.
   */
  programFacts(): ProgramFactsIndex {
    return new ProgramFactsIndex();
  }

  /** An absolute path for a path given in a call; an error when nothing is there. */
  existingPath(given: string): string {
    const absolute = path.resolve(this.root, given);
    if (!fs.existsSync(absolute)) throw new ToolInputError(`Path not found: ${given} (paths are relative to the workspace root ${this.root}).`);
    return absolute;
  }

  shown(file: string): string {
    return displayPath(file, this.root);
  }
}

/** The rule with this id; an error naming the rules when there is none. */
export function ruleById(ruleId: string): Rule {
  const rule = allRules.find((candidate) => candidate.meta.id === ruleId);
  if (!rule) throw new ToolInputError(`Unknown rule '${ruleId}'; the rules are: ${allRules.map((r) => r.meta.id).join(', ')}.`);
  return rule;
}
