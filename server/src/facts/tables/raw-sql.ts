/**
 * The APIs that run SQL text as written, by database library (the ids of
 * tables/databases.ts's DATABASE_LIBRARIES). Used by facts/raw-sql.ts: a
 * statement built by interpolation and passed here runs whatever the
 * interpolated value says. Adding an API is a change to this table only.
 */
export interface RawSqlApi {
  /** Library ids whose handles have these methods. */
  libraries: readonly string[];
  methods: readonly string[];
  /** `query-builder`: only on a TypeORM query builder (`createQueryBuilder(...)` in the chain). */
  on?: 'query-builder';
  /** How the parameterised form passes values, for the quick-fix: `$n` placeholders, `?` placeholders, or none offered. */
  placeholders: 'numbered' | 'question' | 'none';
  /** How the values go with the statement: a values array (`query(sql, [a])`) or Sequelize's `{ replacements: [a] }`. */
  values?: 'array' | 'replacements';
  /** For messages: "pg `query`". */
  label: string;
}

export const RAW_SQL_APIS: readonly RawSqlApi[] = [
  { libraries: ['pg'], methods: ['query'], placeholders: 'numbered', label: 'node-postgres' },
  { libraries: ['mysql2'], methods: ['query', 'execute'], placeholders: 'question', label: 'mysql2' },
  { libraries: ['sequelize'], methods: ['query'], placeholders: 'question', values: 'replacements', label: 'Sequelize' },
  { libraries: ['typeorm'], methods: ['query'], placeholders: 'none', label: 'TypeORM' },
  {
    libraries: ['typeorm'],
    methods: ['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving'],
    on: 'query-builder',
    placeholders: 'none',
    label: 'TypeORM query builder',
  },
  {
    libraries: ['knex', 'mikro-orm'],
    methods: ['raw', 'whereRaw', 'andWhereRaw', 'orWhereRaw', 'havingRaw', 'orHavingRaw', 'orderByRaw', 'groupByRaw', 'joinRaw', 'fromRaw', 'onRaw'],
    placeholders: 'question',
    label: 'Knex',
  },
];

/** Prisma's raw APIs that take SQL as text; the tagged `$queryRaw\`...\`` and `$executeRaw\`...\`` bind every `${}` instead. */
export const PRISMA_UNSAFE_RAW: Readonly<Record<string, string>> = { $queryRawUnsafe: '$queryRaw', $executeRawUnsafe: '$executeRaw' };

/**
 * The SQL text before an interpolated value that puts the value in a value
 * position: after a comparison, `LIKE`, `IN (`, `LIMIT`/`OFFSET`, or inside quotes.
 */
export const SQL_VALUE_POSITION = /(?:(?:=|<>|!=|<|>|\blike|\bilike|\bin\s*\(|\blimit|\boffset|\bvalues\s*\()\s*'?%?|'%?)$/i;

/** The SQL text after an interpolation that shows it was an identifier part (`${alias}.id`, `"${table}"."id"`). */
export const SQL_IDENTIFIER_FOLLOWS = /^"?\./;
