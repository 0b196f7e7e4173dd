/**
 * Callees that call a callback and ignore what it returns, so a promise
 * returned by an async callback is dropped and its rejection goes unhandled
 * (floating-promise). Adding one is a change to this table only.
 */

export interface PromiseIgnoringCallee {
  /** How messages name it: `setTimeout`, `forEach`, `.on`. */
  label: string;
  /** Member paths on the global scope: `setTimeout`, `process.nextTick` (and `window.setTimeout`). */
  globals?: readonly (readonly string[])[];
  /** Exports of a package: `import { setTimeout } from 'timers'`. */
  modules?: readonly { module: string; path: readonly string[] }[];
  /** Methods with this name on any receiver: `items.forEach(...)`, `emitter.on(...)`. */
  methods?: readonly string[];
  /** Which argument is the callback. */
  callback: 'first' | 'last';
  /** `true` for event registration: the message names the event. */
  isEventListener?: boolean;
}

export const PROMISE_IGNORING_CALLEES: readonly PromiseIgnoringCallee[] = [
  { label: 'setTimeout', globals: [['setTimeout']], modules: [{ module: 'timers', path: ['setTimeout'] }], callback: 'first' },
  { label: 'setInterval', globals: [['setInterval']], modules: [{ module: 'timers', path: ['setInterval'] }], callback: 'first' },
  { label: 'setImmediate', globals: [['setImmediate']], modules: [{ module: 'timers', path: ['setImmediate'] }], callback: 'first' },
  { label: 'queueMicrotask', globals: [['queueMicrotask']], callback: 'first' },
  { label: 'process.nextTick', globals: [['process', 'nextTick']], modules: [{ module: 'process', path: ['nextTick'] }], callback: 'first' },
  // Array.prototype.forEach, and Map/Set/NodeList forEach alike.
  { label: 'forEach', methods: ['forEach'], callback: 'first' },
  // Node's EventEmitter (process.on, stream.on, socket.on, ...), and emitters built on it.
  {
    label: 'on',
    methods: ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener'],
    callback: 'last',
    isEventListener: true,
  },
];

/**
 * Packages whose objects have an `.on(...)` that awaits the listener and routes
 * its rejection to an error handler (Telegraf/grammY middleware, `bot.catch`).
 */
export const PROMISE_AWARE_EVENT_MODULES: readonly string[] = ['telegraf', 'grammy'];

/**
 * Thenable types that are not promises and never reject unobserved: Cypress
 * `Chainable` commands are queued and run by the test runner.
 */
export const NON_PROMISE_THENABLE_TYPES: readonly string[] = ['Chainable'];
