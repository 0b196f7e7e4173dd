/**
 * How each migration tool runs a migration's statements: inside one
 * transaction or not (which decides whether CONCURRENTLY can run at all), how
 * a migration opts out, and, for JavaScript and TypeScript migrations, which
 * calls hand it SQL text. Adding a tool is a change to this table.
 */
export type TransactionMode =
  /** The tool wraps each migration in a transaction. */
  | 'per-migration'
  /**
   * The tool sends the file as one multi-statement query: PostgreSQL runs it
   * as one implicit transaction when it holds more than one statement.
   */
  | 'one-query'
  /** Each statement commits on its own. */
  | 'none'
  | 'unknown';

export interface SqlFileTool {
  tool: string;
  transaction: TransactionMode;
  /** Why, for the docs and the hover. */
  source: string;
}

/** SQL migration files, by the tool migration-paths.ts names for their path. */
export const SQL_FILE_TOOLS: readonly SqlFileTool[] = [
  {
    tool: 'prisma',
    transaction: 'one-query',
    // Prisma's maintainers: migrate does not wrap a migration in a transaction (prisma/prisma discussion 3774); its
    // engine sends migration.sql as one script, so CONCURRENTLY works only alone in its migration (discussion 10601).
    source: 'prisma migrate sends migration.sql as one script, without a transaction of its own',
  },
  { tool: 'drizzle', transaction: 'per-migration', source: "drizzle-kit's migrator runs pending migrations in a transaction" },
  { tool: 'supabase', transaction: 'per-migration', source: 'supabase db push runs each migration file in a transaction' },
  { tool: 'flyway', transaction: 'per-migration', source: 'Flyway runs each PostgreSQL migration in a transaction unless it is mixed or set non-transactional' },
];

export type CodeMigrationTool = 'knex' | 'typeorm' | 'sequelize' | 'mikro-orm';

export interface CodeMigrationToolKnowledge {
  tool: CodeMigrationTool;
  transaction: TransactionMode;
  /** Why, for the hover. */
  source: string;
  /**
   * The migration's own module shape: `class` (a class implementing the
   * interface or extending the base class named below) or `module` (up/down
   * exported by the module).
   */
  shape: 'class' | 'module';
  /** For `class`: the import that marks the class as a migration. */
  classMarker?: { modules: readonly string[]; name: string; relation: 'implements' | 'extends' };
  /**
   * Calls that run SQL text: `param` is the up/down function's parameter at
   * that index (`this` for the class itself), followed by the member chain.
   */
  sqlCalls: readonly { receiver: 'param0' | 'this'; path: readonly string[] }[];
}

export const CODE_MIGRATION_TOOLS: readonly CodeMigrationToolKnowledge[] = [
  {
    tool: 'typeorm',
    transaction: 'per-migration',
    source: 'TypeORM runs migrations in one transaction (migrationsTransactionMode "all"); a migration opts out with `transaction = false`',
    shape: 'class',
    classMarker: { modules: ['typeorm'], name: 'MigrationInterface', relation: 'implements' },
    sqlCalls: [{ receiver: 'param0', path: ['query'] }],
  },
  {
    tool: 'mikro-orm',
    transaction: 'per-migration',
    source: 'MikroORM runs each migration in a transaction (`transactional: true`); a migration opts out by overriding isTransactional()',
    shape: 'class',
    classMarker: { modules: ['@mikro-orm/migrations', '@medusajs/framework/mikro-orm/migrations'], name: 'Migration', relation: 'extends' },
    sqlCalls: [{ receiver: 'this', path: ['addSql'] }, { receiver: 'this', path: ['execute'] }],
  },
  {
    tool: 'knex',
    transaction: 'per-migration',
    source: 'knex runs each migration in a transaction unless the migration exports `config = { transaction: false }`',
    shape: 'module',
    sqlCalls: [{ receiver: 'param0', path: ['raw'] }, { receiver: 'param0', path: ['schema', 'raw'] }],
  },
  {
    tool: 'sequelize',
    transaction: 'none',
    source: 'sequelize-cli (umzug) runs a migration without a transaction unless it opens one',
    shape: 'module',
    sqlCalls: [{ receiver: 'param0', path: ['sequelize', 'query'] }],
  },
];

/**
 * Schema changes made through a tool's API, by call: the member chain from the
 * up/down function's first parameter, what it does, and which arguments name
 * the table and the column. Table names must be literals to be read.
 */
export interface BuilderCallKnowledge {
  tool: CodeMigrationTool;
  path: readonly string[];
  /** `other`: a change to an existing table that neither locks long nor breaks the old version (an added column). */
  operation: 'create-index' | 'drop-table' | 'drop-column' | 'rename-table' | 'rename-column' | 'alter-column-type' | 'foreign-key' | 'create-table' | 'other';
  tableArgument: number;
  columnArgument?: number;
  /** For create-index: the option (in the object argument at this index) that asks for CONCURRENTLY. */
  concurrentlyOption?: { argument: number; property: string };
}

export const BUILDER_CALLS: readonly BuilderCallKnowledge[] = [
  { tool: 'sequelize', path: ['createTable'], operation: 'create-table', tableArgument: 0 },
  { tool: 'sequelize', path: ['dropTable'], operation: 'drop-table', tableArgument: 0 },
  { tool: 'sequelize', path: ['renameTable'], operation: 'rename-table', tableArgument: 0 },
  { tool: 'sequelize', path: ['removeColumn'], operation: 'drop-column', tableArgument: 0, columnArgument: 1 },
  { tool: 'sequelize', path: ['renameColumn'], operation: 'rename-column', tableArgument: 0, columnArgument: 1 },
  { tool: 'sequelize', path: ['changeColumn'], operation: 'alter-column-type', tableArgument: 0, columnArgument: 1 },
  { tool: 'sequelize', path: ['addIndex'], operation: 'create-index', tableArgument: 0, concurrentlyOption: { argument: 2, property: 'concurrently' } },
  { tool: 'sequelize', path: ['addColumn'], operation: 'other', tableArgument: 0, columnArgument: 1 },
  { tool: 'sequelize', path: ['addConstraint'], operation: 'other', tableArgument: 0 },
  { tool: 'typeorm', path: ['dropTable'], operation: 'drop-table', tableArgument: 0 },
  { tool: 'typeorm', path: ['addColumn'], operation: 'other', tableArgument: 0 },
  { tool: 'typeorm', path: ['createForeignKey'], operation: 'foreign-key', tableArgument: 0 },
  { tool: 'typeorm', path: ['renameTable'], operation: 'rename-table', tableArgument: 0 },
  { tool: 'typeorm', path: ['dropColumn'], operation: 'drop-column', tableArgument: 0, columnArgument: 1 },
  { tool: 'typeorm', path: ['renameColumn'], operation: 'rename-column', tableArgument: 0, columnArgument: 1 },
  { tool: 'typeorm', path: ['changeColumn'], operation: 'alter-column-type', tableArgument: 0, columnArgument: 1 },
  { tool: 'typeorm', path: ['createIndex'], operation: 'create-index', tableArgument: 0 },
  { tool: 'knex', path: ['schema', 'createTable'], operation: 'create-table', tableArgument: 0 },
  { tool: 'knex', path: ['schema', 'dropTable'], operation: 'drop-table', tableArgument: 0 },
  { tool: 'knex', path: ['schema', 'dropTableIfExists'], operation: 'drop-table', tableArgument: 0 },
  { tool: 'knex', path: ['schema', 'renameTable'], operation: 'rename-table', tableArgument: 0 },
  { tool: 'knex', path: ['schema', 'alterTable'], operation: 'other', tableArgument: 0 },
  { tool: 'knex', path: ['schema', 'table'], operation: 'other', tableArgument: 0 },
];

/** knex's table-builder methods, called on the callback parameter of `knex.schema.alterTable(name, (t) => ...)`. */
export const KNEX_TABLE_BUILDERS: readonly string[][] = [['schema', 'alterTable'], ['schema', 'table']];

export const KNEX_TABLE_METHODS: Readonly<Record<string, BuilderCallKnowledge['operation']>> = {
  dropColumn: 'drop-column',
  dropColumns: 'drop-column',
  renameColumn: 'rename-column',
  index: 'create-index',
  unique: 'create-index',
  foreign: 'foreign-key',
};
