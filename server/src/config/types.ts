import type { Severity, SeveritySetting } from '../engine/finding';

export interface RuleSetting {
  severity: SeveritySetting;
  options?: Record<string, unknown>;
}

export interface ChecklistItemConfig {
  id: string;
  title: string;
  required?: boolean;
}

/** The `tests` section: what counts as test code, and whether it is analysed. */
export interface TestsConfig {
  /** More test code, in .gitignore syntax relative to the config file (`qa/**`). */
  patterns: string[];
  /** Production code whatever the conventions, test runners and imports say (`src/fixtures/**`). */
  notTests: string[];
  /** Analyse test code like any other code (default false). */
  analyze: boolean;
}

export const DEFAULT_TESTS_CONFIG: TestsConfig = { patterns: [], notTests: [], analyze: false };

/** preflight.config.json after validation, merged with editor settings. */
export interface ResolvedConfig {
  /** Only rules the user configured; the rest run at their default severity. */
  rules: Record<string, RuleSetting>;
  ignore: string[];
  tests: TestsConfig;
  checklist: {
    baseBranch?: string;
    items: ChecklistItemConfig[];
    /** Warnings the report may have and still be ready (default DEFAULT_MAX_WARNINGS: any warning makes it not ready). */
    maxWarnings?: number;
  };
  /** What quick-fixes write. */
  fixes: FixesConfig;
}

export interface FixesConfig {
  /** The deadline a timeout fix gives a call, in milliseconds. */
  timeoutMs: number;
}

/** `fixes.timeoutMs` when neither the config nor the editor sets it. */
export const DEFAULT_FIX_TIMEOUT_MS = 10_000;
/** Longer than this is no deadline a caller waits for. */
export const MAX_FIX_TIMEOUT_MS = 600_000;

/** `checklist.maxWarnings` when the config does not set it: a warning is something to look at before the PR opens. */
export const DEFAULT_MAX_WARNINGS = 0;

export const DEFAULT_CONFIG: ResolvedConfig = {
  rules: {},
  ignore: [],
  tests: DEFAULT_TESTS_CONFIG,
  checklist: { items: [] },
  fixes: { timeoutMs: DEFAULT_FIX_TIMEOUT_MS },
};

export type { Severity, SeveritySetting };
