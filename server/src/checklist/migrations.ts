/**
 * The checklist's Migrations section: each migration in scope, the locks it
 * takes on tables that existed before it, and how many findings it has.
 * Read from the same migration facts the migration rules use.
 */
import type { Finding } from '../engine/finding';
import { positionsOf } from '../engine/analyze-sql';
import { blockingOperationsOf } from '../facts/migration-operations';
import type { Migration } from '../facts/migrations';
import { BLOCKING_OPERATIONS } from '../facts/tables/postgres-locks';
import type { ChecklistMigration, MigrationLock } from './types';

/** One migration of the scope, with the text of its file (for line numbers). */
export interface ScopedMigration {
  migration: Migration;
  text: string;
  /** Relative to the report's root. */
  file: string;
}

export function checklistMigration(scoped: ScopedMigration, findings: readonly Finding[]): ChecklistMigration {
  const position = positionsOf(scoped.text);
  const locks: MigrationLock[] = [];
  for (const operation of blockingOperationsOf(scoped.migration)) {
    if (operation.kind === 'concurrently-in-transaction') continue;
    const start = operation.statement?.start ?? operation.builder!.node.getStart();
    locks.push({ lock: BLOCKING_OPERATIONS[operation.kind].lock, table: operation.table ?? null, line: position(start).line + 1, statement: operation.what });
  }
  const own = findings.filter((finding) => finding.file === scoped.migration.file && finding.category === 'migrations');
  return { file: scoped.file, tool: scoped.migration.tool, locks, findings: own.length, notAnalysed: scoped.migration.unanalysed.length };
}
