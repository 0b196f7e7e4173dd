/**
 * Libraries that bound, or fail to bound, how many async tasks run at once.
 * Used by facts/concurrency.ts (and the unbounded-concurrency rule). Adding a
 * limiter, a mapper or a chunking helper is a change to this table only.
 */

/**
 * A concurrency limiter: something made once (`pLimit(5)`, `new PQueue({ concurrency: 5 })`)
 * whose calls queue a task until a slot is free.
 */
export interface ConcurrencyLimiter {
  module: string;
  /** The factory below the module's root: `[]` for `pLimit(5)` (default export), `['default']` is the same. */
  factory: readonly string[];
  /** `new Factory(...)` rather than `factory(...)`. */
  constructed: boolean;
  /**
   * How a task goes through an instance: `[]` when the instance itself is
   * called (`limit(() => task())`), else its methods (`queue.add(() => task())`).
   */
  taskMethods: readonly (readonly string[])[];
  /** Type names the package exports for an instance, for limiters injected or held in a typed property. */
  instanceTypes: readonly string[];
}

export const CONCURRENCY_LIMITERS: readonly ConcurrencyLimiter[] = [
  { module: 'p-limit', factory: [], constructed: false, taskMethods: [[]], instanceTypes: ['LimitFunction', 'Limit'] },
  { module: 'p-limit', factory: ['pLimit'], constructed: false, taskMethods: [[]], instanceTypes: [] },
  { module: 'p-throttle', factory: [], constructed: false, taskMethods: [[]], instanceTypes: [] },
  { module: 'p-queue', factory: [], constructed: true, taskMethods: [['add'], ['addAll']], instanceTypes: ['PQueue'] },
  { module: 'bottleneck', factory: [], constructed: true, taskMethods: [['schedule'], ['wrap'], ['submit']], instanceTypes: ['Bottleneck'] },
  { module: 'async-sema', factory: ['Sema'], constructed: true, taskMethods: [['acquire']], instanceTypes: ['Sema'] },
  { module: 'async-sema', factory: ['RateLimit'], constructed: false, taskMethods: [[]], instanceTypes: [] },
  { module: 'async-mutex', factory: ['Semaphore'], constructed: true, taskMethods: [['runExclusive'], ['acquire']], instanceTypes: ['Semaphore', 'Mutex'] },
  { module: 'async-mutex', factory: ['Mutex'], constructed: true, taskMethods: [['runExclusive'], ['acquire']], instanceTypes: ['Mutex'] },
  { module: 'await-semaphore', factory: ['Semaphore'], constructed: true, taskMethods: [['use'], ['acquire']], instanceTypes: ['Semaphore'] },
];

/**
 * A mapper that runs a function over a list and takes a concurrency option:
 * `pMap(items, fn, { concurrency: 5 })`. Its default decides whether leaving
 * the option out is bounded: p-map's and Bluebird's default is `Infinity`,
 * so without it every element starts at once, exactly like `Promise.all`.
 */
export interface ConcurrentMapper {
  module: string;
  path: readonly string[];
  /** Index of the list, of the function, and of the options object that holds `concurrency`. */
  listIndex: number;
  callbackIndex: number;
  optionsIndex: number;
  /** The option's default when left out; `Infinity` means unbounded. */
  defaultConcurrency: number;
}

export const CONCURRENT_MAPPERS: readonly ConcurrentMapper[] = [
  { module: 'p-map', path: [], listIndex: 0, callbackIndex: 1, optionsIndex: 2, defaultConcurrency: Infinity },
  { module: 'p-map', path: ['pMap'], listIndex: 0, callbackIndex: 1, optionsIndex: 2, defaultConcurrency: Infinity },
  { module: 'bluebird', path: ['map'], listIndex: 0, callbackIndex: 1, optionsIndex: 2, defaultConcurrency: Infinity },
];

/** Functions that split a list into chunks of a given size: a loop over their result handles one bounded chunk at a time. */
export const CHUNKING_FUNCTIONS: readonly { module: string; path: readonly string[] }[] = [
  { module: 'lodash', path: ['chunk'] },
  { module: 'lodash/chunk', path: [] },
  { module: 'lodash.chunk', path: [] },
  { module: 'lodash-es', path: ['chunk'] },
  { module: 'lodash-es/chunk', path: [] },
  { module: 'remeda', path: ['chunk'] },
  { module: 'es-toolkit', path: ['chunk'] },
  { module: 'radash', path: ['cluster'] },
  { module: 'underscore', path: ['chunk'] },
];

/**
 * Array methods whose result has at most as many elements as their receiver:
 * a bounded list stays bounded through them.
 */
export const LENGTH_PRESERVING_METHODS: readonly string[] = ['map', 'filter', 'sort', 'reverse', 'toSorted', 'toReversed', 'slice', 'values', 'keys', 'entries'];

/**
 * Array methods whose result is as long as their receiver's (or longer): a list
 * read from an unbounded source stays unbounded through them.
 */
export const LENGTH_KEEPING_METHODS: readonly string[] = ['map', 'flatMap', 'filter', 'sort', 'reverse', 'toSorted', 'toReversed', 'values', 'keys', 'entries', 'flat', 'concat'];

/** Library functions that take a list first and return (at most) its elements: the result is as long as the input allows. */
export const LIST_DERIVING_FUNCTIONS: readonly { module: string; paths: readonly (readonly string[])[] }[] = [
  { module: 'lodash', paths: [['uniq'], ['uniqBy'], ['sortBy'], ['orderBy'], ['compact'], ['flatten'], ['filter'], ['map'], ['reject'], ['difference'], ['differenceBy'], ['without']] },
  { module: 'lodash-es', paths: [['uniq'], ['uniqBy'], ['sortBy'], ['orderBy'], ['compact'], ['flatten'], ['filter'], ['map'], ['reject'], ['difference'], ['differenceBy'], ['without']] },
  { module: 'lodash/uniqBy', paths: [[]] },
  { module: 'lodash/uniq', paths: [[]] },
  { module: 'remeda', paths: [['uniq'], ['uniqueBy'], ['sortBy'], ['filter'], ['map']] },
  { module: 'es-toolkit', paths: [['uniq'], ['uniqBy'], ['sortBy'], ['orderBy'], ['compact'], ['flatten'], ['difference']] },
];
