/**
 * Timers and random sources, for the questions "does this code wait, and for
 * how long?" (retry-without-backoff, missing-timeout's raced timers) and "is
 * this wait randomised?". Adding a library is a change to this table only.
 */

export interface TimerFunction {
  /** The package (after `node:` normalisation) and the export's member path; `[]` is the default export. */
  module: string;
  path: readonly string[];
  /** Which argument holds the delay in milliseconds. */
  delayArgument: number;
}

/** Functions that return a promise settling after a delay: `await setTimeout(500)` from `timers/promises`. */
export const PROMISE_TIMERS: readonly TimerFunction[] = [
  { module: 'timers/promises', path: ['setTimeout'], delayArgument: 0 },
  { module: 'timers/promises', path: ['scheduler', 'wait'], delayArgument: 0 },
  { module: 'delay', path: [], delayArgument: 0 },
  { module: 'sleep-promise', path: [], delayArgument: 0 },
  { module: 'es-toolkit', path: ['delay'], delayArgument: 0 },
  { module: 'radash', path: ['sleep'], delayArgument: 0 },
  { module: 'bluebird', path: ['delay'], delayArgument: 0 },
];

/** Callback timers, on the global scope or from `timers`: `setTimeout(resolve, 500)`. */
export const CALLBACK_TIMERS = {
  globals: [['setTimeout']] as readonly (readonly string[])[],
  modules: [{ module: 'timers', path: ['setTimeout'], delayArgument: 1 }] as readonly TimerFunction[],
  delayArgument: 1,
};

/** Sources of randomness that make a computed delay a jittered one. */
export const RANDOM_SOURCES = {
  globals: [['Math', 'random'], ['crypto', 'randomInt'], ['crypto', 'getRandomValues']] as readonly (readonly string[])[],
  modules: [
    { module: 'crypto', path: ['randomInt'] },
    { module: 'lodash', path: ['random'] },
    { module: 'lodash/random', path: [] },
    { module: 'es-toolkit', path: ['random'] },
    { module: 'es-toolkit', path: ['randomInt'] },
  ] as readonly { module: string; path: readonly string[] }[],
};
