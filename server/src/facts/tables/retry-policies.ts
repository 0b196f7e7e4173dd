/**
 * What retries an outbound call without the call site writing a loop: retry
 * wrappers that run a callback again when it rejects, policies built by a
 * resilience library, and interceptors installed on an HTTP client instance.
 * Used by facts/retry-policies.ts. Clients that retry on their own are in
 * tables/network-clients.ts (`retries`) and, for HTTP, `HTTP_LIBRARIES_THAT_RETRY`.
 */

export interface RetryWrapper {
  module: string;
  /** The export that retries the callback it is given, below the module root (`[]`: the default export). */
  path: readonly string[];
}

/** `pRetry(() => call())`, `retry(async (bail) => call())`, `backOff(() => call())`. */
export const RETRY_WRAPPERS: readonly RetryWrapper[] = [
  { module: 'p-retry', path: [] },
  { module: 'p-retry', path: ['pRetry'] },
  { module: 'async-retry', path: [] },
  { module: 'promise-retry', path: [] },
  { module: 'retry', path: ['operation'] },
  { module: 'exponential-backoff', path: ['backOff'] },
  { module: 'ts-retry-promise', path: ['retry'] },
  { module: '@lifeomic/attempt', path: ['retry'] },
  { module: 'async', path: ['retry'] },
];

/**
 * Libraries whose policies run a callback under a retry when built with one:
 * cockatiel `retry(handleAll, {...}).execute(fn)` and `wrap(retryPolicy, ...)`.
 * A call of `execute` on any value this module built counts as covered.
 */
export const RETRY_POLICY_MODULES: readonly { module: string; run: readonly string[] }[] = [
  { module: 'cockatiel', run: ['execute'] },
];

/** Interceptor packages that make an HTTP client instance retry: `axiosRetry(client, {...})`. */
export const RETRYING_INTERCEPTORS: readonly { module: string; path: readonly string[]; client: string }[] = [
  { module: 'axios-retry', path: [], client: 'axios' },
  { module: 'axios-retry', path: ['axiosRetry'], client: 'axios' },
  { module: 'retry-axios', path: ['attach'], client: 'axios' },
];

/** HTTP clients (ids of tables/http-clients.ts) that retry idempotent requests by default: got (2 retries on GET/PUT/HEAD/DELETE/OPTIONS/TRACE). */
export const HTTP_LIBRARIES_THAT_RETRY: readonly string[] = ['got'];

/** A callee whose name says it retries (`withRetry(fn)`, `this.retryService.run(fn)`, `retryable(fn)`). */
export const RETRYING_CALLEE_NAME = /retr(y|ies|ying|iable)|backoff/i;

/**
 * Methods of networked SDKs that create or send something: retried without an
 * idempotency key, they create or send it twice (an email, an SMS, a charge).
 */
export const NON_IDEMPOTENT_METHOD = /^(create|send|post|insert|charge|capture|refund|transfer|pay|publish|enqueue|add|trigger|invoke|upload)/i;

/**
 * Calls that turn a rejection into a value the code then decides about
 * (neverthrow's `fromPromise(promise, toError)`): the failure is handled where
 * the result is matched, as a `.catch` would handle it.
 */
export const FAILURE_TO_VALUE: readonly { module: string; path: readonly string[] }[] = [
  { module: 'neverthrow', path: ['fromPromise'] },
  { module: 'neverthrow', path: ['ResultAsync', 'fromPromise'] },
  { module: 'neverthrow', path: ['fromSafePromise'] },
  { module: 'neverthrow', path: ['ResultAsync', 'fromSafePromise'] },
];

/**
 * Clients that reject when the upstream answers an error status, and where
 * the rejection carries it (axios rejects a 404 with `error.response.status`;
 * `fetch` resolves with it instead). A retry fix uses it to retry a 5xx or 429
 * and never a 4xx. Keyed by an http-clients id or a network-client module.
 */
export const FAILURE_STATUS_PATHS: readonly { client: string; path: readonly string[] }[] = [
  { client: 'axios', path: ['response', 'status'] },
  { client: 'got', path: ['response', 'statusCode'] },
  { client: 'superagent', path: ['status'] },
  { client: 'twilio', path: ['status'] },
  { client: '@sendgrid/mail', path: ['code'] },
  { client: 'postmark', path: ['statusCode'] },
];

/**
 * The retry libraries a fix can wrap a call with, and the version a fix adds
 * when the package has none: p-retry 5 and later are ES modules only, so a
 * CommonJS file gets 4, the last that `require` loads everywhere.
 * `predicateSince` is the major version from which each form of the "retry
 * this failure?" option applies: p-retry 4-5 abort from `onFailedAttempt`,
 * 6 takes `shouldRetry(error)`, 7 and later `shouldRetry({ error })`.
 */
export const P_RETRY = {
  module: 'p-retry',
  localName: 'pRetry',
  addedVersion: { esm: '^7.1.1', commonJs: '^4.6.2' },
  /** Majors from which p-retry is an ES module only. */
  esmOnlySince: 5,
  predicateSince: { shouldRetryError: 6, shouldRetryContext: 7 },
} as const;

/** async-retry: `retry(async (bail) => ..., { retries })`; exponential backoff with jitter by default (`randomize: true`). */
export const ASYNC_RETRY = { module: 'async-retry', localName: 'retry' } as const;

/** axios-retry: `axiosRetry(client, {...})` once on an instance retries every call through it (network errors, and 5xx/429 of idempotent requests by default). */
export const AXIOS_RETRY = { module: 'axios-retry', localName: 'axiosRetry', client: 'axios' } as const;

/** cockatiel: a policy built with `retry(handler, { maxAttempts, backoff })` runs a call with `policy.execute(fn)`; `ExponentialBackoff` jitters by default. */
export const COCKATIEL = { module: 'cockatiel', builders: ['retry', 'wrap'], policyName: 'retryPolicy' } as const;

/**
 * Lock clients: a loop that goes round until one of these acquires polls for
 * a lock another process holds. Its expected failure is contention, not an
 * outage, so a fixed wait there is a poll interval (retry-without-backoff).
 * `methods` are called on an instance of the package's client; `functions` are the package's own exports.
 */
export const LOCK_ACQUIRERS: readonly { module: string; methods?: readonly string[]; functions?: readonly string[] }[] = [
  { module: 'redlock', methods: ['acquire', 'lock', 'using'] },
  { module: 'async-mutex', methods: ['acquire', 'runExclusive'] },
  { module: 'redis-semaphore', methods: ['acquire', 'tryAcquire'] },
  { module: 'proper-lockfile', functions: ['lock'] },
];
