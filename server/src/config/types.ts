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

/** preflight.config.json after validation, merged with editor settings. */
export interface ResolvedConfig {
  /** Only rules the user configured; the rest run at their default severity. */
  rules: Record<string, RuleSetting>;
  ignore: string[];
  checklist: {
    baseBranch?: string;
    items: ChecklistItemConfig[];
  };
}

export const DEFAULT_CONFIG: ResolvedConfig = { rules: {}, ignore: [], checklist: { items: [] } };

export type { Severity, SeveritySetting };
