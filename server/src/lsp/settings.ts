import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, SETTINGS_SOURCE, applySettings, loadConfigFile, type ConfigProblem, type LoadedConfig } from '../config/load';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../config/types';
import { isInside } from './paths';
import type { WorkspaceFolderInfo } from './services';

/** Editor settings for one scope: the `preflight` section, as the client sent it. */
export type EditorSettings = unknown;

const OUTSIDE_FOLDERS = '';

/** When open documents are analysed: as they change (debounced), or when they are opened and saved. */
export type RunTrigger = 'onType' | 'onSave';
export const RUN_TRIGGERS: readonly RunTrigger[] = ['onType', 'onSave'];

/** Which findings go to the Problems panel: those of open files, or also every file a checklist scan analysed. */
export type ProblemsScope = 'openFiles' | 'workspace';
export const PROBLEMS_SCOPES: readonly ProblemsScope[] = ['openFiles', 'workspace'];

/** Settings of the editor integration itself, which preflight.config.json does not have. */
export interface EditorOptions {
  /** `preflight.enable`: false publishes nothing and offers no code actions in the folder. */
  enable: boolean;
  /** `preflight.run`. */
  run: RunTrigger;
  /** `preflight.problems.scope`. */
  problemsScope: ProblemsScope;
}

export const DEFAULT_EDITOR_OPTIONS: EditorOptions = { enable: true, run: 'onType', problemsScope: 'openFiles' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quotedList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(' or ');
}

function settingProblem(message: string): ConfigProblem {
  return { file: SETTINGS_SOURCE, line: 0, character: 0, message };
}

/** `preflight.enable`, `preflight.run` and `preflight.problems.scope` from one layer of settings over `options`; a bad value keeps the one below. */
export function applyEditorSettings(options: EditorOptions, settings: unknown): { options: EditorOptions; problems: ConfigProblem[] } {
  if (!isRecord(settings)) return { options, problems: [] };
  const found: ConfigProblem[] = [];
  const result = { ...options };
  const { enable, run, problems } = settings;
  if (typeof enable === 'boolean') result.enable = enable;
  else if (enable !== undefined && enable !== null) found.push(settingProblem(`preflight.enable: must be true or false, found ${JSON.stringify(enable)}`));
  if (RUN_TRIGGERS.includes(run as RunTrigger)) result.run = run as RunTrigger;
  else if (run !== undefined && run !== null) found.push(settingProblem(`preflight.run: must be ${quotedList(RUN_TRIGGERS)}, found ${JSON.stringify(run)}`));
  const scope = isRecord(problems) ? problems.scope : undefined;
  if (PROBLEMS_SCOPES.includes(scope as ProblemsScope)) result.problemsScope = scope as ProblemsScope;
  else if (scope !== undefined && scope !== null) found.push(settingProblem(`preflight.problems.scope: must be ${quotedList(PROBLEMS_SCOPES)}, found ${JSON.stringify(scope)}`));
  return { options: result, problems: found };
}

/**
 * The configuration of each workspace folder: its preflight.config.json, then
 * settings from initializationOptions, then settings from the client
 * (workspace/configuration or didChangeConfiguration), each layer over the last.
 */
export class ConfigStore {
  private folders: WorkspaceFolderInfo[] = [];
  private initialSettings: EditorSettings;
  /** Settings the client gave per folder path ('' = outside any folder). */
  private clientSettings = new Map<string, EditorSettings>();
  private fileConfigs = new Map<string, LoadedConfig>();
  private resolved = new Map<string, ResolvedConfig>();
  private resolvedEditorOptions = new Map<string, EditorOptions>();
  private settingsProblems: ConfigProblem[] = [];

  setFolders(folders: WorkspaceFolderInfo[]): void {
    this.folders = folders;
  }

  getFolders(): WorkspaceFolderInfo[] {
    return [...this.folders];
  }

  setInitialSettings(settings: EditorSettings): void {
    this.initialSettings = settings;
  }

  /** Settings pushed without a scope (didChangeConfiguration payload) apply everywhere. */
  setClientSettingsEverywhere(settings: EditorSettings): void {
    this.clientSettings.clear();
    for (const folder of this.folders) this.clientSettings.set(folder.path, settings);
    this.clientSettings.set(OUTSIDE_FOLDERS, settings);
  }

  setClientSettings(folderPath: string | undefined, settings: EditorSettings): void {
    this.clientSettings.set(folderPath ?? OUTSIDE_FOLDERS, settings);
  }

  /** Re-reads every folder's preflight.config.json. Returns the problems found, for diagnostics. */
  reloadFiles(): ConfigProblem[] {
    this.fileConfigs.clear();
    const problems: ConfigProblem[] = [];
    for (const folder of this.folders) {
      const file = path.join(folder.path, CONFIG_FILE_NAME);
      if (!fs.existsSync(file)) continue;
      const loaded = loadConfigFile(file);
      this.fileConfigs.set(folder.path, loaded);
      problems.push(...loaded.problems.map((problem) => ({ ...problem, file: problem.file || file })));
    }
    return problems;
  }

  /** The config files looked for, whether or not they exist. */
  configFilePaths(): string[] {
    return this.folders.map((folder) => path.join(folder.path, CONFIG_FILE_NAME));
  }

  /** Recomputes every folder's configuration from its layers. Returns problems in the editor settings. */
  resolve(): ConfigProblem[] {
    this.resolved.clear();
    this.resolvedEditorOptions.clear();
    this.settingsProblems = [];
    for (const scope of [...this.folders.map((folder) => folder.path), OUTSIDE_FOLDERS]) {
      this.resolved.set(scope, this.resolveScope(scope));
      this.resolvedEditorOptions.set(scope, this.resolveEditorOptions(scope));
    }
    const seen = new Set<string>();
    return this.settingsProblems.filter((problem) => !seen.has(problem.message) && seen.add(problem.message));
  }

  /** The configuration for a workspace folder path (defaults outside any folder). */
  configForFolder(folderPath: string): ResolvedConfig {
    return this.resolved.get(folderPath) ?? this.resolved.get(OUTSIDE_FOLDERS) ?? DEFAULT_CONFIG;
  }

  /** The configuration that applies to a file: that of the innermost folder holding it. */
  configForFile(filePath: string): ResolvedConfig {
    return this.configForFolder(this.folderOf(filePath)?.path ?? OUTSIDE_FOLDERS);
  }

  /** `preflight.enable` and `preflight.run` for a file: those of the innermost folder holding it. */
  editorOptionsForFile(filePath: string): EditorOptions {
    const scope = this.folderOf(filePath)?.path ?? OUTSIDE_FOLDERS;
    return this.resolvedEditorOptions.get(scope) ?? this.resolvedEditorOptions.get(OUTSIDE_FOLDERS) ?? DEFAULT_EDITOR_OPTIONS;
  }

  folderOf(filePath: string): WorkspaceFolderInfo | undefined {
    let best: WorkspaceFolderInfo | undefined;
    for (const folder of this.folders) {
      if (isInside(filePath, folder.path) && (!best || folder.path.length > best.path.length)) best = folder;
    }
    return best;
  }

  private resolveScope(scope: string): ResolvedConfig {
    let config = this.fileConfigs.get(scope)?.config ?? DEFAULT_CONFIG;
    for (const settings of [this.initialSettings, this.clientSettings.get(scope)]) {
      if (settings === undefined || settings === null) continue;
      const applied = applySettings(config, settings);
      config = applied.config;
      this.settingsProblems.push(...applied.problems);
    }
    return config;
  }

  private resolveEditorOptions(scope: string): EditorOptions {
    let options = DEFAULT_EDITOR_OPTIONS;
    for (const settings of [this.initialSettings, this.clientSettings.get(scope)]) {
      const applied = applyEditorSettings(options, settings);
      options = applied.options;
      this.settingsProblems.push(...applied.problems);
    }
    return options;
  }
}

function hasPreflightSection(value: unknown): value is { preflight: unknown } {
  return typeof value === 'object' && value !== null && 'preflight' in value;
}

/**
 * The `preflight` settings in initializationOptions: under `settings` (as the
 * VS Code extension sends them), under `preflight`, or the options themselves
 * (as other editors' users tend to write them).
 */
export function settingsFromInitializationOptions(options: unknown): EditorSettings {
  if (hasPreflightSection(options)) return options.preflight;
  if (typeof options === 'object' && options !== null && 'settings' in options) return (options as { settings: unknown }).settings;
  return options;
}

/** False only when the client says the workspace is not trusted (VS Code Restricted Mode). */
export function workspaceTrustedFromInitializationOptions(options: unknown): boolean {
  return !(typeof options === 'object' && options !== null && (options as { workspaceTrusted?: unknown }).workspaceTrusted === false);
}

/** A didChangeConfiguration payload holds all of the client's settings; ours are under `preflight`. */
export function settingsFromConfigurationChange(settings: unknown): EditorSettings {
  return hasPreflightSection(settings) ? settings.preflight : undefined;
}
