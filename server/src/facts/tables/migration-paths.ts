/**
 * Where database migrations live, per tool, as path patterns (relative,
 * `/`-separated). A changed file matching one of these is a migration.
 * Adding a migration tool is a change to this table only.
 */
export interface MigrationLayout {
  tool: string;
  pattern: RegExp;
}

export const MIGRATION_LAYOUTS: readonly MigrationLayout[] = [
  { tool: 'prisma', pattern: /(?:^|\/)prisma\/migrations\/.+\.sql$/ },
  { tool: 'supabase', pattern: /(?:^|\/)supabase\/migrations\/.+\.sql$/ },
  { tool: 'drizzle', pattern: /(?:^|\/)drizzle\/[^/]+\.sql$/ },
  { tool: 'flyway', pattern: /(?:^|\/)V\d+(?:[._]\d+)*__[^/]+\.sql$/ },
  { tool: 'rails-style', pattern: /(?:^|\/)db\/migrate\/[^/]+$/ },
  // knex, sequelize, typeorm, umzug, node-pg-migrate, db-migrate, mikro-orm: a `migrations` (or `migration`) folder.
  { tool: 'migrations-folder', pattern: /(?:^|\/)migrations?\/(?:.+\/)?[^/]+\.(?:[cm]?[jt]s|sql)$/ },
];

/** The migration tool a path belongs to, if it is a migration. */
export function migrationToolOf(relativePath: string): string | undefined {
  return MIGRATION_LAYOUTS.find((layout) => layout.pattern.test(relativePath))?.tool;
}

/** Whether `file` (a path, `/` or `\\` separated) is a SQL migration Preflight reads. */
export function isSqlMigrationPath(file: string): boolean {
  return file.endsWith('.sql') && migrationToolOf(file.split('\\').join('/')) !== undefined;
}
