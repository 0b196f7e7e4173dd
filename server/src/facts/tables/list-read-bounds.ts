/**
 * How each database library of tables/databases.ts caps a list read, for facts/list-reads.ts (and the
 * unbounded-query rule): which of its list-read methods return every matching row, where the options that
 * carry a limit sit, which chain methods set one, and how a quick fix adds one. Adding a library is a change
 * to this table only. Raw SQL (`pool.query('SELECT ...')`, `$queryRaw`) is not here: its text decides.
 */

export interface ListReadBounds {
  /** The databases table's library id. */
  library: string;
  /** Methods that return every row matching their filter (not aggregates, counts or `distinct`). */
  methods: readonly string[];
  /**
   * Where the options object is, per method: its argument index. A method missing here takes the filter
   * only (TypeORM `findBy(where)`): a limit can only come from another method.
   */
  optionsIndex?: Readonly<Record<string, number>>;
  /** Where the filter is: an option of the options object (`where`), or an argument index (Mongoose `find(filter)`). */
  filter: { option: string } | { index: number };
  /** Options that cap the rows (`take`, `limit`). */
  limitOptions: readonly string[];
  /** Chain methods that cap the rows: `.limit(n)`, `.take(n)`, `.first()`. */
  limitMethods: readonly string[];
  /** Query-builder chain methods that filter by column and value: `.where('id', x)`, `.where({ id })`, `.andWhere(...)`. */
  whereMethods?: readonly string[];
  /** How the quick fix adds a limit: an option of the options object, or a chain call (`after-call`: right after the list read; `before-call`: just before the chain's last call). */
  fix?: { kind: 'option'; name: string } | { kind: 'chain'; method: string; at: 'after-call' | 'before-call' | 'end' };
  /** How the quick fix adds a limit to a method that takes no options (a query builder's `getMany()`): a chain call just before it. */
  chainFix?: { method: string };
  /** Where the entity argument goes first on an entity manager (`manager.find(User, options)`): the options move one to the right. */
  entityFirst?: boolean;
}

export const LIST_READ_BOUNDS: readonly ListReadBounds[] = [
  {
    library: 'prisma',
    methods: ['findMany'],
    optionsIndex: { findMany: 0 },
    filter: { option: 'where' },
    limitOptions: ['take'],
    limitMethods: [],
    fix: { kind: 'option', name: 'take' },
  },
  {
    library: 'typeorm',
    methods: ['find', 'findAndCount', 'findBy', 'findAndCountBy', 'getMany', 'getRawMany', 'getManyAndCount'],
    optionsIndex: { find: 0, findAndCount: 0 },
    filter: { option: 'where' },
    limitOptions: ['take', 'limit'],
    limitMethods: ['take', 'limit'],
    whereMethods: ['where', 'andWhere'],
    fix: { kind: 'option', name: 'take' },
    chainFix: { method: 'take' },
    entityFirst: true,
  },
  {
    library: 'sequelize',
    methods: ['findAll', 'findAndCountAll'],
    optionsIndex: { findAll: 0, findAndCountAll: 0 },
    filter: { option: 'where' },
    limitOptions: ['limit'],
    limitMethods: [],
    fix: { kind: 'option', name: 'limit' },
  },
  {
    library: 'mongoose',
    methods: ['find'],
    optionsIndex: { find: 2 },
    filter: { index: 0 },
    limitOptions: ['limit'],
    limitMethods: ['limit'],
    fix: { kind: 'chain', method: 'limit', at: 'after-call' },
  },
  {
    library: 'mongodb',
    methods: ['find'],
    optionsIndex: { find: 1 },
    filter: { index: 0 },
    limitOptions: ['limit'],
    limitMethods: ['limit'],
    fix: { kind: 'chain', method: 'limit', at: 'after-call' },
  },
  {
    library: 'knex',
    methods: ['select', 'pluck'],
    filter: { index: -1 },
    limitOptions: [],
    limitMethods: ['limit', 'first'],
    whereMethods: ['where', 'andWhere', 'whereIn'],
    fix: { kind: 'chain', method: 'limit', at: 'end' },
  },
  {
    library: 'drizzle',
    methods: ['select', 'selectDistinct', 'findMany'],
    optionsIndex: { findMany: 0 },
    filter: { option: 'where' },
    limitOptions: ['limit'],
    limitMethods: ['limit'],
    whereMethods: ['where'],
    fix: { kind: 'chain', method: 'limit', at: 'end' },
  },
  {
    library: 'mikro-orm',
    methods: ['find', 'findAll', 'findAndCount'],
    optionsIndex: { find: 1, findAndCount: 1, findAll: 0 },
    filter: { index: 0 },
    limitOptions: ['limit'],
    limitMethods: [],
    entityFirst: true,
  },
];

/** Columns that identify one row: a filter on one of them matches at most one row (or one per listed key). */
export const UNIQUE_KEY_COLUMNS: readonly string[] = ['id', '_id', 'uuid', 'pk'];

/**
 * Columns that hold a parent's key (`projectId`, `organization_id`, `userUid`, `projectRef`, a parent's `slug`): a filter on one reads the
 * children of one record (the webhooks of a project, the members of a team), which grow with what people set up, not
 * with traffic. Not flagged: the catalog's unbounded queries are the ones across every parent.
 */
export const PARENT_KEY_COLUMN = /^(?:[a-z][A-Za-z0-9]*(?:Id|ID|Uid|UID|Uuid|Ref)|[a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:id|uid|uuid)|slug)$/;

/** Operators of a filter on a key that still match only the listed keys: `{ id: { in: ids } }`, `{ _id: { $in: ids } }`. */
export const KEY_LIST_OPERATORS: readonly string[] = ['in', 'equals', '$in', '$eq'];

/** Functions that read a key list in a filter: TypeORM `In(ids)`, Drizzle `eq(users.id, id)` / `inArray(users.id, ids)`. */
export const KEY_FILTER_FUNCTIONS: readonly { module: string; names: readonly string[] }[] = [
  { module: 'typeorm', names: ['In', 'Equal'] },
  { module: 'drizzle-orm', names: ['eq', 'inArray'] },
];

/** Conversions a request value goes through on its way to a limit: `Number(req.query.limit)`, `parseInt(limit, 10)`. */
export const NUMBER_CONVERSIONS: readonly string[] = ['Number', 'parseInt', 'parseFloat'];
/** Conversions that keep the request's value as it is, on the way to one of those: `parseInt(String(limit))`. */
export const VALUE_CONVERSIONS: readonly string[] = [...NUMBER_CONVERSIONS, 'String'];

/** Filter operators of a library that match other rows than the key given: TypeORM `Not(id)`, `MoreThan(id)`. */
export const NON_KEY_OPERATORS: readonly { module: string; names: readonly string[] }[] = [
  { module: 'typeorm', names: ['Not', 'LessThan', 'LessThanOrEqual', 'MoreThan', 'MoreThanOrEqual', 'Like', 'ILike', 'Between', 'Any', 'IsNull', 'Raw', 'ArrayContains', 'ArrayContainedBy', 'ArrayOverlap'] },
  { module: 'drizzle-orm', names: ['ne', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'notInArray', 'isNull', 'isNotNull', 'between'] },
];

/** class-validator decorators that cap a DTO's number: `@Max(100) limit`. */
export const UPPER_BOUND_DECORATORS: readonly string[] = ['Max', 'IsIn'];
