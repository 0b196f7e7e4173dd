/**
 * Calls that throw on bad input by design, so that a try/catch around them is
 * the way to ask "is this valid?": parsing, decoding, schema validation, token
 * verification and existence checks. A catch whose try block does nothing
 * else is answering that question, not hiding a failure (swallowed-error).
 * Adding a parser or validator is a change to this table only.
 */

/** Member paths on the global scope: `JSON.parse(s)`, `new URL(s)`, `require.resolve(m)`. */
export const GLOBAL_PROBES: readonly (readonly string[])[] = [
  ['JSON', 'parse'],
  ['URL'],
  ['RegExp'],
  ['decodeURIComponent'],
  ['decodeURI'],
  ['BigInt'],
  ['atob'],
  ['require', 'resolve'],
  // `try { sharp = require('sharp') } catch { sharp = null }`: an optional dependency.
  ['require'],
];

export interface ModuleProbe {
  modules: readonly string[];
  /** Member paths below the module root; `'any'` for every export (`assert`, `assert.equal`, ...). */
  paths: readonly (readonly string[])[] | 'any';
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
    ],
  },
  { modules: ['fs/promises'], paths: [['stat'], ['lstat'], ['access']] },
  { modules: ['fs-extra'], paths: [['statSync'], ['lstatSync'], ['accessSync'], ['stat'], ['lstat'], ['access'], ['readJson'], ['readJsonSync']] },
  { modules: ['url'], paths: [['URL'], ['fileURLToPath']] },
  { modules: ['jsonwebtoken'], paths: [['verify'], ['decode']] },
  { modules: ['jose'], paths: [['jwtVerify'], ['compactVerify'], ['jwtDecrypt'], ['decodeJwt'], ['decodeProtectedHeader']] },
  { modules: ['js-yaml'], paths: [['load'], ['safeLoad'], ['loadAll']] },
  { modules: ['yaml'], paths: [['parse'], ['parseDocument']] },
  { modules: ['json5'], paths: [['parse']] },
  { modules: ['toml', '@iarna/toml', 'smol-toml'], paths: [['parse']] },
  { modules: ['crypto'], paths: [['timingSafeEqual']] },
  { modules: ['util'], paths: [['parseArgs']] },
  { modules: ['assert', 'assert/strict'], paths: 'any' },
];

/**
 * Methods (or imported functions) with these names validate or parse and throw
 * on bad input, whatever the receiver: zod `schema.parse`, yup
 * `schema.validate`/`validateSync`, joi `validateAsync`, superstruct `assert`,
 * valibot `parse(schema, x)`.
 */
export const PROBE_METHODS: readonly string[] = ['parse', 'parseAsync', 'validate', 'validateSync', 'validateAsync', 'assert', 'cast'];

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
  ['Number', 'isInteger'],
  ['Number', 'isFinite'],
  ['Number', 'isNaN'],
  ['Number', 'parseInt'],
  ['Number', 'parseFloat'],
  ['Array', 'isArray'],
  ['Object', 'keys'],
  ['Object', 'values'],
  ['Object', 'entries'],
  ['Buffer', 'from'],
  ['Buffer', 'isBuffer'],
];

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
];

/**
 * Answering the client after a probe: `res.status(401).end()`,
 * `reply.code(400).send(...)`, `c.json(...)`, `NextResponse.json(...)`.
 */
export const RESPONSE_RECEIVER_NAMES: readonly string[] = ['res', 'response', 'reply', 'ctx', 'c', 'h'];
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
