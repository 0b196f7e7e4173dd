/**
 * Calls that throw on bad input by design, so that a try/catch around them is
 * the way to ask "is this valid?": parsing, decoding, schema validation, token
 * verification and existence checks. A catch whose try block does nothing
 * else is answering that question, not hiding a failure (swallowed-error).
 * Adding a parser or validator is a change to this table only.
 */

/**
 * What a probe asks: `existence` (is the file, module or dependency there?),
 * where an empty catch already says "no"; or `validity` (does this input
 * parse, verify, validate?), where the catch should produce the answer.
 */
export type ProbeKind = 'existence' | 'validity';

export interface GlobalProbe {
  /** Member path on the global scope: `JSON.parse(s)`, `new URL(s)`, `require.resolve(m)`. */
  path: readonly string[];
  kind: ProbeKind;
}

export const GLOBAL_PROBES: readonly GlobalProbe[] = [
  { path: ['JSON', 'parse'], kind: 'validity' },
  { path: ['URL'], kind: 'validity' },
  { path: ['RegExp'], kind: 'validity' },
  { path: ['decodeURIComponent'], kind: 'validity' },
  { path: ['decodeURI'], kind: 'validity' },
  { path: ['BigInt'], kind: 'validity' },
  { path: ['atob'], kind: 'validity' },
  // Locales and time zones from user settings: `new Intl.DateTimeFormat(undefined, { timeZone })`.
  { path: ['Intl', 'DateTimeFormat'], kind: 'validity' },
  { path: ['Intl', 'NumberFormat'], kind: 'validity' },
  { path: ['Intl', 'Collator'], kind: 'validity' },
  { path: ['Intl', 'PluralRules'], kind: 'validity' },
  { path: ['Intl', 'RelativeTimeFormat'], kind: 'validity' },
  { path: ['Intl', 'ListFormat'], kind: 'validity' },
  { path: ['Intl', 'DisplayNames'], kind: 'validity' },
  { path: ['Intl', 'Locale'], kind: 'validity' },
  { path: ['require', 'resolve'], kind: 'existence' },
  // `try { sharp = require('sharp') } catch { sharp = null }`: an optional dependency.
  { path: ['require'], kind: 'existence' },
];

export interface ModuleProbe {
  modules: readonly string[];
  /** Member paths below the module root; `'any'` for every export (`assert`, `assert.equal`, ...). */
  paths: readonly (readonly string[])[] | 'any';
  kind: ProbeKind;
}

export const MODULE_PROBES: readonly ModuleProbe[] = [
  {
    modules: ['fs'],
    paths: [
      ['statSync'],
      ['lstatSync'],
      ['accessSync'],
      ['realpathSync'],
      ['promises', 'stat'],
      ['promises', 'lstat'],
      ['promises', 'access'],
      // Reading a file whose absence is the expected failure: an optional config, a bundled asset, a cached copy.
      ['readFile'],
      ['readFileSync'],
      ['readdir'],
      ['readdirSync'],
      ['promises', 'readFile'],
      ['promises', 'readdir'],
    ],
    kind: 'existence',
  },
  { modules: ['fs/promises'], paths: [['stat'], ['lstat'], ['access'], ['readFile'], ['readdir']], kind: 'existence' },
  {
    modules: ['fs-extra'],
    paths: [['statSync'], ['lstatSync'], ['accessSync'], ['stat'], ['lstat'], ['access'], ['pathExists'], ['readFile'], ['readFileSync'], ['readdir'], ['readdirSync']],
    kind: 'existence',
  },
  { modules: ['fs-extra'], paths: [['readJson'], ['readJsonSync']], kind: 'validity' },
  { modules: ['url'], paths: [['URL'], ['fileURLToPath']], kind: 'validity' },
  { modules: ['jsonwebtoken'], paths: [['verify'], ['decode']], kind: 'validity' },
  { modules: ['jose'], paths: [['jwtVerify'], ['compactVerify'], ['jwtDecrypt'], ['decodeJwt'], ['decodeProtectedHeader']], kind: 'validity' },
  { modules: ['js-yaml'], paths: [['load'], ['safeLoad'], ['loadAll']], kind: 'validity' },
  { modules: ['yaml'], paths: [['parse'], ['parseDocument']], kind: 'validity' },
  { modules: ['json5'], paths: [['parse']], kind: 'validity' },
  { modules: ['toml', '@iarna/toml', 'smol-toml'], paths: [['parse']], kind: 'validity' },
  { modules: ['crypto'], paths: [['timingSafeEqual']], kind: 'validity' },
  { modules: ['util'], paths: [['parseArgs']], kind: 'validity' },
  { modules: ['assert', 'assert/strict'], paths: 'any', kind: 'validity' },
];

/**
 * Methods (or imported functions) with these names validate or parse and throw
 * on bad input, whatever the receiver: zod `schema.parse`, yup
 * `schema.validate`/`validateSync`, joi `validateAsync`, superstruct `assert`,
 * valibot `parse(schema, x)`.
 */
export const PROBE_METHODS: readonly string[] = [
  'parse',
  'parseAsync',
  'safeParse',
  'safeParseAsync',
  'validate',
  'validateSync',
  'validateAsync',
  'assert',
  'cast',
];

/** Project helpers named like a parser or validator: `parseState(s)`, `verifyOAuthState(s)`, `decodeToken(t)`. */
export const PROBE_FUNCTION_NAME = /^(parse|validate|verify|decode|assert)[A-Z0-9_]/;
/** Token verification helpers: `jwtVerifyAsync(token)`, `verifyJwt(token)`. */
export const JWT_PROBE_FUNCTION_NAME = /(jwt|token).*(verify|decode)|(verify|decode).*(jwt|token)/i;

/**
 * Reading a request or response body: `await req.json()` throws on a body that is not JSON, and
 * `await request.text()` / `formData()` when the client sent a bad body or went away (no arguments).
 */
export const BODY_PARSE_METHODS: readonly string[] = ['json', 'text', 'formData', 'arrayBuffer', 'blob'];

/** Methods that verify a token when the receiver's name mentions JWT: `this.jwtService.verify(token)`. */
export const JWT_RECEIVER = /jwt/i;
export const JWT_PROBE_METHODS: readonly string[] = ['verify', 'verifyAsync', 'decode'];

/**
 * Calls that cannot fail in a way worth logging and may sit beside a probe in
 * the same try block: `JSON.parse(raw.toString('utf8').trim())`.
 */
export const PURE_GLOBAL_CALLS: readonly (readonly string[])[] = [
  ['String'],
  ['Number'],
  ['Boolean'],
  ['parseInt'],
  ['parseFloat'],
  ['isNaN'],
  ['isFinite'],
  ['encodeURIComponent'],
  ['encodeURI'],
  ['Buffer', 'from'],
  ['Buffer', 'isBuffer'],
  ['Buffer', 'byteLength'],
];

/** Every static method of these globals is pure: `Math.max`, `Object.keys`, `Array.isArray`, `Date.now`. */
export const PURE_GLOBAL_OBJECTS: readonly string[] = ['Math', 'Number', 'Object', 'Array', 'String', 'Date'];

/**
 * Every export of these packages is pure: `path.join`, `path.resolve`, and the
 * result-value constructors of fp-ts and neverthrow (`E.left(NOT_FOUND)`, `O.some(x)`, `ok(value)`).
 */
export const PURE_MODULES: readonly string[] = [
  'path',
  'path/posix',
  'path/win32',
  'fp-ts/Either',
  'fp-ts/Option',
  'fp-ts/function',
  'fp-ts/Array',
  'fp-ts/Record',
  'fp-ts/lib/Either',
  'fp-ts/lib/Option',
  'fp-ts/lib/function',
  'neverthrow',
];

/** Predicates are pure: `isUrl(s)`, `validator.isEmail(s)`, `user.hasRole(r)`. */
export const PREDICATE_NAME = /^(is|has)[A-Z]/;

export const PURE_METHODS: readonly string[] = [
  'toString',
  'trim',
  'trimStart',
  'trimEnd',
  'toLowerCase',
  'toUpperCase',
  'split',
  'slice',
  'substring',
  'replace',
  'replaceAll',
  'startsWith',
  'endsWith',
  'includes',
  'padStart',
  'padEnd',
  'normalize',
  'getTime',
  'toISOString',
  'toFixed',
  'valueOf',
  'test',
  'match',
  'matchAll',
  'indexOf',
  'lastIndexOf',
  'charAt',
  'charCodeAt',
  'codePointAt',
  'at',
  'join',
  'concat',
  'hasOwnProperty',
  'search',
  'substr',
  'repeat',
  'localeCompare',
  'toLocaleLowerCase',
  'toLocaleUpperCase',
];

/**
 * Answering the client after a probe: `res.status(401).end()`,
 * `reply.code(400).send(...)`, `c.json(...)`, `NextResponse.json(...)`.
 */
export const RESPONSE_RECEIVER_NAMES: readonly string[] = ['res', 'response', 'reply', 'ctx', 'c', 'h'];
/** A helper that is handed the response object answers the client too: `helpers.formatApiResponse(400, res)`. */
export const RESPONSE_ARGUMENT_NAMES: readonly string[] = ['res', 'reply', 'ctx'];
export const RESPONSE_METHODS: readonly string[] = [
  'status',
  'code',
  'json',
  'send',
  'end',
  'sendStatus',
  'redirect',
  'render',
  'type',
  'header',
  'set',
  'setHeader',
  'text',
  'body',
  'response',
];
export const RESPONSE_GLOBALS: readonly (readonly string[])[] = [['Response'], ['Response', 'json'], ['Response', 'redirect']];
export const RESPONSE_MODULE_PATHS: readonly { module: string; path: readonly string[] }[] = [
  { module: 'next/server', path: ['NextResponse', 'json'] },
  { module: 'next/server', path: ['NextResponse', 'redirect'] },
  { module: 'next/server', path: ['NextResponse'] },
];
