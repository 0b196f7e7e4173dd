import type { ChecklistItemConfig } from '../config/types';
import type { TickRecord } from './ticks';
import type { ManualItem } from './types';

/** The manual items every checklist has (seed practice); the config's `checklist.items` add to them or override one by id. */
export const BUILTIN_MANUAL_ITEMS: readonly { id: string; title: string }[] = [
  { id: 'rollback-plan', title: 'Rollback plan written' },
  { id: 'feature-flag', title: 'Feature flag guards the new path' },
  { id: 'monitoring-alerts', title: 'Monitoring and alerts cover the new path' },
  { id: 'staged-rollout', title: 'Staged rollout plan' },
  { id: 'runbook', title: 'Runbook updated' },
];

export interface ManualItemOptions {
  /** Treat every item as required (`--require-manual`). */
  requireAll?: boolean;
}

/**
 * The manual items with their ticks for one branch. Built-in items are
 * optional unless the config lists the same id with `required: true`;
 * config items are required only when they say so.
 */
export function manualItems(
  configured: readonly ChecklistItemConfig[],
  ticks: Readonly<Record<string, TickRecord>>,
  options: ManualItemOptions = {},
): ManualItem[] {
  const items: ManualItem[] = BUILTIN_MANUAL_ITEMS.map((item) => ({ id: item.id, title: item.title, required: false, ticked: false, source: 'builtin' }));
  for (const entry of configured) {
    const existing = items.find((item) => item.id === entry.id);
    if (existing) {
      existing.title = entry.title || existing.title;
      existing.required = entry.required ?? existing.required;
    } else {
      items.push({ id: entry.id, title: entry.title, required: entry.required ?? false, ticked: false, source: 'config' });
    }
  }
  for (const item of items) {
    if (options.requireAll) item.required = true;
    const tick = ticks[item.id];
    if (tick?.ticked) {
      item.ticked = true;
      if (tick.by) item.tickedBy = tick.by;
      if (tick.at) item.tickedAt = tick.at;
    }
  }
  return items;
}
