/**
 * What facts/request-input-flow.ts knows about request input, validators and
 * the places input must not reach unchecked. Adding a framework, a validator
 * library or a sink is a change to this table only.
 */

/** The parts of a request that carry the caller's input. */
export type RequestInputPart = 'body' | 'query' | 'params';

/**
 * Classes whose instances are a request (`req.body`) or a Koa-style context
 * (`ctx.request.body`, `ctx.query`, `ctx.params`), recognised by the declared type.
 */
export const REQUEST_OBJECT_TYPES: readonly { module: string; classNames: readonly string[]; kind: 'request' | 'context' }[] = [
  { module: 'express', classNames: ['Request'], kind: 'request' },
  { module: 'express-serve-static-core', classNames: ['Request'], kind: 'request' },
  { module: 'fastify', classNames: ['FastifyRequest'], kind: 'request' },
  { module: 'next', classNames: ['NextApiRequest'], kind: 'request' },
  { module: 'koa', classNames: ['Context', 'ParameterizedContext', 'DefaultContext'], kind: 'context' },
  { module: '@koa/router', classNames: ['RouterContext'], kind: 'context' },
  { module: 'koa-router', classNames: ['RouterContext', 'IRouterContext'], kind: 'context' },
];

/** The member paths of a request or context that hold input, and which part each is. */
export const REQUEST_INPUT_PATHS: readonly { kind: 'request' | 'context'; path: readonly string[]; part: RequestInputPart }[] = [
  { kind: 'request', path: ['body'], part: 'body' },
  { kind: 'request', path: ['query'], part: 'query' },
  { kind: 'request', path: ['params'], part: 'params' },
  { kind: 'context', path: ['request', 'body'], part: 'body' },
  { kind: 'context', path: ['request', 'query'], part: 'query' },
  { kind: 'context', path: ['query'], part: 'query' },
  { kind: 'context', path: ['params'], part: 'params' },
];

/** Route frameworks whose handlers get a Koa-style context as their first parameter. */
export const CONTEXT_FRAMEWORKS: readonly string[] = ['koa'];

/** Nest parameter decorators that inject part of the request (`@Body() dto`, `@Param('id') id`). */
export const INPUT_PARAMETER_DECORATORS: readonly { module: string; name: string; part: RequestInputPart }[] = [
  { module: '@nestjs/common', name: 'Body', part: 'body' },
  { module: '@nestjs/common', name: 'Query', part: 'query' },
  { module: '@nestjs/common', name: 'Param', part: 'params' },
];

/** Packages that validate data; a call into one of them with the input checks it. */
export const VALIDATOR_MODULES: readonly string[] = [
  'zod',
  'joi',
  '@hapi/joi',
  'yup',
  'ajv',
  'valibot',
  'superstruct',
  'class-validator',
  'express-validator',
  'celebrate',
  '@sinclair/typebox',
  'io-ts',
  'runtypes',
  'arktype',
  'typia',
  'fastest-validator',
  'express-joi-validation',
  'zod-express-middleware',
  'express-zod-safe',
  'express-openapi-validator',
];

/** Methods of a schema that check a value (`schema.parse(x)`, `schema.validate(x)`, yup `cast`). */
export const VALIDATION_METHODS: readonly string[] = [
  'parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'validate', 'validateAsync', 'validateSync', 'cast', 'isValid', 'isValidSync', 'assert', 'decode', 'check', 'attempt',
];

/** Functions of a validator package that check what they are given, or read the checked input (express-validator `matchedData(req)`). */
export const VALIDATION_FUNCTIONS: readonly string[] = [
  'parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'validate', 'validateSync', 'validateOrReject', 'validationResult', 'matchedData', 'assert', 'is', 'create', 'mask',
];

/** Globals and packages whose `parse`/`validate`-named methods are no validators (`JSON.parse`, `qs.parse`). */
export const NOT_VALIDATORS: readonly string[] = ['JSON', 'Date', 'URL', 'path', 'querystring', 'qs', 'url', 'node:path', 'node:url'];

/** Decorators of class-validator on a DTO's properties: a DTO class that has one is checked by Nest's `ValidationPipe`. */
export const DTO_VALIDATION_MODULES: readonly string[] = ['class-validator', 'nestjs-zod', '@nestjs/swagger'];

/** Where the value's checks are not needed: what a sanitiser guarantees for one kind of sink. */
export type SinkKind = 'mass-assignment' | 'mongo-filter' | 'file-path' | 'shell' | 'outbound-url' | 'sql';

/** Functions whose result is safe for some sinks: `path.basename(name)` for a file path, `encodeURIComponent` for a URL. */
export const SANITIZERS: readonly { module?: string; global?: string; path: readonly string[]; safeFor: readonly SinkKind[] }[] = [
  { module: 'path', path: ['basename'], safeFor: ['file-path'] },
  { global: 'encodeURIComponent', path: ['encodeURIComponent'], safeFor: ['outbound-url', 'file-path', 'shell'] },
  { module: 'shell-quote', path: ['quote'], safeFor: ['shell'] },
  { module: 'shell-escape', path: [], safeFor: ['shell'] },
  { module: 'sanitize-filename', path: [], safeFor: ['file-path'] },
  { module: 'mongo-sanitize', path: [], safeFor: ['mongo-filter'] },
  { module: 'pg-format', path: [], safeFor: ['sql'] },
  { module: 'pg-format', path: ['literal'], safeFor: ['sql'] },
  { module: 'pg-format', path: ['ident'], safeFor: ['sql'] },
  { module: 'sqlstring', path: ['escape'], safeFor: ['sql'] },
  { module: 'sqlstring', path: ['escapeId'], safeFor: ['sql'] },
  { module: 'sqlstring', path: ['format'], safeFor: ['sql'] },
  { module: 'mysql', path: ['escape'], safeFor: ['sql'] },
  { module: 'mysql', path: ['escapeId'], safeFor: ['sql'] },
  { module: 'mysql2', path: ['escape'], safeFor: ['sql'] },
  { module: 'mysql2', path: ['escapeId'], safeFor: ['sql'] },
];

/** Methods of a database client that escape a value or an identifier (`client.escapeLiteral(x)`, `sequelize.escape(x)`, `connection.escape(x)`). */
export const ESCAPING_METHODS: readonly string[] = ['escape', 'escapeId', 'escapeLiteral', 'escapeIdentifier', 'quoteIdentifier', 'format'];

/** Globals that turn any input into a number or a boolean: no text survives them. */
export const NUMBER_COERCIONS: readonly string[] = ['Number', 'parseInt', 'parseFloat', 'Boolean', 'Math'];

/** Globals and methods that turn any input into a string: an object cannot become a Mongo operator any more. */
export const STRING_COERCIONS = { globals: ['String'] as readonly string[], methods: ['toString', 'trim', 'toLowerCase', 'toUpperCase', 'normalize'] as readonly string[] };

/** Calls that pass their argument's input through unchanged in substance (a path joined, a string sliced). */
export const PASS_THROUGH = {
  modules: [{ module: 'path', names: ['join', 'resolve', 'normalize', 'posix', 'win32'] }] as readonly { module: string; names: readonly string[] }[],
  methods: ['concat', 'replace', 'replaceAll', 'slice', 'substring', 'split', 'join', 'padStart', 'padEnd', 'at'] as readonly string[],
};

/** Filesystem functions and the arguments that name paths. `Sync` variants and `fs.promises` are recognised from these names. */
export const FILE_PATH_FUNCTIONS: readonly { modules: readonly string[]; names: readonly string[]; pathArguments: readonly number[] }[] = [
  {
    modules: ['fs', 'fs/promises', 'fs-extra'],
    names: [
      'readFile', 'writeFile', 'appendFile', 'createReadStream', 'createWriteStream', 'unlink', 'rm', 'rmdir', 'mkdir', 'readdir', 'stat', 'lstat',
      'access', 'open', 'truncate', 'chmod', 'chown', 'exists', 'readlink', 'realpath', 'opendir', 'utimes',
    ],
    pathArguments: [0],
  },
  { modules: ['fs', 'fs/promises', 'fs-extra'], names: ['copyFile', 'rename', 'cp', 'symlink', 'link'], pathArguments: [0, 1] },
  { modules: ['fs-extra'], names: ['remove', 'outputFile', 'outputJson', 'readJson', 'writeJson', 'ensureDir', 'ensureFile', 'emptyDir', 'pathExists'], pathArguments: [0] },
  { modules: ['fs-extra'], names: ['move', 'copy'], pathArguments: [0, 1] },
];

/** Functions that run a command, and the argument that holds the command line or the program. */
export const SHELL_FUNCTIONS: readonly { module: string; names: readonly string[]; commandArgument: number }[] = [
  { module: 'child_process', names: ['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork'], commandArgument: 0 },
  { module: 'execa', names: ['execa', 'execaSync', 'execaCommand', 'execaCommandSync', ''], commandArgument: 0 },
  { module: 'shelljs', names: ['exec'], commandArgument: 0 },
];

/** MongoDB methods of a model or collection whose argument at `filter` is a query filter. */
export const MONGO_FILTER_METHODS: Readonly<Record<string, number>> = {
  find: 0, findOne: 0, countDocuments: 0, count: 0, exists: 0, deleteOne: 0, deleteMany: 0, updateOne: 0, updateMany: 0, findOneAndUpdate: 0,
  findOneAndDelete: 0, findOneAndReplace: 0, findOneAndRemove: 0, replaceOne: 0, distinct: 1, where: 0,
};

/** Database libraries whose filters take operator objects (`{ "$ne": null }`). */
export const MONGO_LIBRARIES: readonly string[] = ['mongoose', 'mongodb'];

/** Packages or Mongoose's own option that strip `$` operators from input: with one, a Mongo filter takes no operator from the caller. */
export const MONGO_SANITIZING_PACKAGES: readonly string[] = ['express-mongo-sanitize', 'mongo-sanitize', '@exortek/express-mongo-sanitize'];
export const MONGO_SANITIZE_OPTION = 'sanitizeFilter';

/** Options of an ORM write that hold the record's fields (Prisma `data`, `create`, `update`, a Mongo `$set`). */
export const WRITE_DATA_OPTIONS: readonly string[] = ['data', 'create', 'update', '$set', 'values'];

/** Calls and constructors that build a record from an object before it is saved (`new User(req.body)`, TypeORM `repo.create(dto)`): the same mass assignment as a write. */
export const RECORD_BUILDERS: readonly { library: string; methods: readonly string[]; construct?: boolean }[] = [
  { library: 'mongoose', methods: [], construct: true },
  { library: 'typeorm', methods: ['create', 'merge'] },
  { library: 'sequelize', methods: ['build'] },
  { library: 'mikro-orm', methods: ['create', 'assign'] },
];

/** Response methods that read a file from disk (Express `res.sendFile`, `res.download`); a `root` option keeps the path under it. */
export const FILE_RESPONSE_METHODS: readonly string[] = ['sendFile', 'download'];
export const FILE_RESPONSE_ROOT_OPTION = 'root';
