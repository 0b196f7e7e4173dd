/**
 * Library knowledge about failure, for the function summaries (facts/function-summary.ts):
 * which calls return promises that never reject, which errors are thrown by design to
 * say "not found / not allowed / invalid", and which synchronous calls do I/O.
 * Adding a library is a change to this table only.
 */

export interface ModuleMember {
  module: string;
  /** Member path below the module root; `[]` for the module itself (`to(promise)` from await-to-js). */
  path: readonly string[];
}

/**
 * Calls whose promise settles but never rejects: result-tuple wrappers
 * (`const [err, data] = await to(promise)`), animation controls that resolve on
 * cancel, and in-memory pub/sub whose publish only emits.
 */
export const NEVER_REJECTING_CALLS: readonly ModuleMember[] = [
  // react-native-actions-sheet: show/hide publish an event and resolve when the sheet closes.
  { module: 'react-native-actions-sheet', path: ['SheetManager', 'show'] },
  { module: 'react-native-actions-sheet', path: ['SheetManager', 'hide'] },
  { module: 'await-to-js', path: [] },
  { module: 'await-to-js', path: ['to'] },
  { module: 'p-settle', path: [] },
  { module: 'p-reflect', path: [] },
  { module: 'framer-motion', path: ['animate'] },
  { module: 'motion', path: ['animate'] },
  { module: 'motion/react', path: ['animate'] },
];

/**
 * Methods whose promise never rejects when called on an instance of this
 * class from this module (found through the receiver's declared type or its
 * `new` expression): graphql-subscriptions' in-memory `PubSub#publish` emits synchronously.
 */
export const NEVER_REJECTING_METHODS: readonly { module: string; className: string; methods: readonly string[] }[] = [
  { module: 'graphql-subscriptions', className: 'PubSub', methods: ['publish'] },
  // cache-manager ≥ 6 stores through Keyv, which emits store failures as 'error' events instead of rejecting.
  { module: 'cache-manager', className: 'Cache', methods: ['get', 'set', 'del', 'mget', 'mset', 'mdel'] },
  { module: '@nestjs/cache-manager', className: 'Cache', methods: ['get', 'set', 'del', 'mget', 'mset', 'mdel'] },
];

/**
 * Functions handed out by a call that never reject: framer-motion's
 * `const [scope, animate] = useAnimate()` resolves when the animation finishes or is cancelled.
 */
export const NEVER_REJECTING_RESULTS: readonly (ModuleMember & { result: readonly string[] })[] = [
  { module: 'framer-motion', path: ['useAnimate'], result: ['1'] },
  { module: 'motion/react', path: ['useAnimate'], result: ['1'] },
  // TanStack Query: refetching and invalidating resolve and put the error in the query's state
  // (unless throwOnError is set), so a floating `refetch()` or `invalidateQueries()` cannot reject.
  ...['@tanstack/react-query', 'react-query'].flatMap((module) => [
    ...['refetch'].map((method) => ({ module, path: ['useQuery'], result: [method] })),
    ...['refetch'].map((method) => ({ module, path: ['useInfiniteQuery'], result: [method] })),
    ...['invalidateQueries', 'refetchQueries', 'resetQueries', 'cancelQueries', 'prefetchQuery', 'prefetchInfiniteQuery'].map((method) => ({
      module,
      path: ['useQueryClient'],
      result: [method],
    })),
  ]),
];

/** Global calls whose promise never rejects: `Promise.allSettled(...)`, `Promise.resolve(value)`. */
export const NEVER_REJECTING_GLOBALS: readonly (readonly string[])[] = [
  ['Promise', 'allSettled'],
  ['Promise', 'resolve'],
];

/**
 * Error class names (and error codes) that say a request cannot be served as
 * asked rather than that something broke: `throw new NotFoundException()`,
 * `new AppError(AppErrorCode.NOT_FOUND)`, `createError(404)`.
 */
export const BY_DESIGN_ERROR_NAME =
  /not[-_ ]?found|\bno\b[\w\s-]{0,30}\bfound\b|no[-_ ]?such|does[-_ ]?not[-_ ]?exist|missing|forbidden|unauthori[sz]ed|unauthenticated|permission|access[-_ ]?denied|not[-_ ]?allowed|invalid|validation|bad[-_ ]?request|conflict|already[-_ ]?exists|duplicate|expired|precondition|unprocessable|not[-_ ]?(a[-_ ]?)?member|not[-_ ]?owner/i;

/** Synchronous lookups in memory whose empty answer means "nothing matched": `Array#find`, `Map#get`. */
export const IN_MEMORY_LOOKUP_METHODS: readonly string[] = ['find', 'findLast', 'get'];

/**
 * The expected outcomes a catch can stand for, by the words (or statuses) of
 * its answer: `E.left(USER_NOT_FOUND)`, `{ error: 'ALREADY_EXISTS' }`, `res.status(404)`.
 */
export type ExpectedOutcome = 'not-found' | 'exists' | 'denied';

export const EXPECTED_OUTCOME_WORDS: Readonly<Record<ExpectedOutcome, RegExp>> = {
  'not-found': /not[-_ ]?found|\bno\b[\w\s-]{0,30}\bfound\b|no[-_ ]?such|does[-_ ]?not[-_ ]?exist|doesn'?t[-_ ]?exist|not[-_ ]?exist/i,
  exists: /already[-_ ]?exists?|duplicate|conflict|already[-_ ]?(taken|registered|member)/i,
  denied: /unauthori[sz]ed|forbidden|access[-_ ]?denied|not[-_ ]?allowed|permission[-_ ]?denied/i,
};

export const EXPECTED_OUTCOME_STATUS: Readonly<Record<ExpectedOutcome, number>> = { 'not-found': 404, exists: 409, denied: 403 };

/** HTTP statuses that answer "not found / not allowed / invalid" (4xx except 408 and 429, which are transient). */
export function isByDesignStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Synchronous calls that do I/O and fail for reasons outside the program: a full disk, a missing binary. */
export const SYNC_IO_MODULES: readonly { module: string; pattern: RegExp }[] = [
  { module: 'fs', pattern: /Sync$/ },
  { module: 'fs-extra', pattern: /Sync$/ },
  { module: 'child_process', pattern: /Sync$/ },
  { module: 'zlib', pattern: /Sync$/ },
];

/**
 * Methods that release or tear something down. A failure there (the Redis
 * connection already closed, the worker already gone, the temp file already
 * removed) changes nothing for the program, so swallowing it is best-effort cleanup.
 */
export const CLEANUP_METHODS: readonly string[] = [
  'quit',
  'disconnect',
  'close',
  'end',
  'destroy',
  'terminate',
  'cancel',
  'abort',
  'kill',
  'unref',
  'removeAllListeners',
  'releaseLock',
  'unsubscribe',
  'unlink',
  'unlinkSync',
  'rm',
  'rmSync',
  'rmdir',
  'rmdirSync',
  'remove',
  'removeSync',
  'setPointerCapture',
  'releasePointerCapture',
];

/**
 * Reading a cache is a question whose "no" is expected: a miss, an expired or
 * corrupt entry, or a cache that is down all mean "compute it". Recognised by
 * cache libraries, or by a receiver named like a cache (`this.redisCacheService.get`).
 */
export const CACHE_READ = {
  modules: ['cache-manager', 'keyv', 'lru-cache', 'node-cache', '@unkey/cache', 'cacheable'] as readonly string[],
  receiverName: /cache/i,
  methods: ['get', 'mget', 'getMany', 'getItem', 'hget', 'hgetall', 'getJson', 'getValue'] as readonly string[],
};

/**
 * Methods of package classes that throw by design when nothing matches:
 * Medusa's module services `retrieve*` throw `MedusaError(NOT_FOUND)`.
 * Recognised through the receiver's declared type.
 */
export const THROWING_LOOKUP_CLASSES: readonly { modules: readonly string[]; className: RegExp; methods: RegExp }[] = [
  { modules: ['@medusajs/framework/types', '@medusajs/types', '@medusajs/framework/utils', '@medusajs/utils'], className: /Service$/, methods: /^retrieve/ },
];
