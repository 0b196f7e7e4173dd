/**
 * Functions that do nothing, and callbacks that carry an error onwards, as
 * used in catch handlers (swallowed-error). Adding a noop or a callback
 * convention is a change to this table only.
 */

/** Exports that are empty functions: `.catch(_.noop)`, `import noop from 'lodash/noop'`. */
export const NOOP_MODULE_EXPORTS: readonly { module: string; path: readonly string[] }[] = [
  { module: 'lodash', path: ['noop'] },
  { module: 'lodash-es', path: ['noop'] },
  { module: 'lodash/noop', path: [] },
  { module: 'lodash.noop', path: [] },
  { module: 'lodash-es/noop', path: [] },
  { module: 'underscore', path: ['noop'] },
  { module: 'es-toolkit', path: ['noop'] },
  { module: 'jquery', path: ['noop'] },
  { module: 'angular', path: ['noop'] },
  { module: 'ramda', path: ['F'] },
  { module: 'ramda', path: ['T'] },
];

/** Globals that are empty functions: `Function.prototype`, jQuery's `$.noop`, `angular.noop`. */
export const NOOP_GLOBALS: readonly (readonly string[])[] = [
  ['Function', 'prototype'],
  ['$', 'noop'],
  ['jQuery', 'noop'],
  ['angular', 'noop'],
  ['_', 'noop'],
];

/** A handler named like this, whose body can't be seen, is taken to do nothing: `.catch(noop)`. */
export const NOOP_NAMES: readonly string[] = ['noop', 'noOp', 'ignore', 'ignoreError', 'ignoreErrors', 'swallow', 'doNothing'];

/**
 * Callbacks that carry a failure onwards when called with an argument:
 * `next(err)`, `done(new Error(...))`, `callback(e)`. `reject(...)` carries it
 * even with none.
 */
export const ERROR_CALLBACK_NAMES: readonly string[] = ['next', 'done', 'cb', 'callback', 'fail'];
export const REJECT_NAMES: readonly string[] = ['reject'];

/** Methods that raise or forward an error: Koa `ctx.throw(401)`, `stream.destroy(err)`, `subscriber.error(err)`. */
export const RAISING_METHODS: readonly string[] = ['throw', 'destroy', 'fail'];
/** Receivers whose `.error(x)` forwards an error rather than logging it: RxJS observers, stream controllers. */
export const ERROR_FORWARDING_RECEIVERS: readonly string[] = ['observer', 'subscriber', 'controller', 'sink'];
