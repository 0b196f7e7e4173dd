/**
 * The `withRetry` helper module that missing-retry's fix creates when the
 * package has no retry library: exponential backoff with full jitter, a
 * bounded number of attempts, and retries only of transient failures (network
 * errors and timeouts, a 5xx or 429 status, whether thrown or answered as a
 * response). Written once per package, in the caller's language and module
 * style; a file carrying `HELPER_MARKER` is reused, never written again.
 */

export const RETRY_HELPER_NAME = 'withRetry';
export const RETRY_HELPER_BASENAME = 'with-retry';
/** What identifies a module as this helper, so the fix imports it instead of writing another. */
export const HELPER_MARKER = 'preflight: retry helper';

export interface HelperStyle {
  /** TypeScript (types written out) or JavaScript (JSDoc). */
  typed: boolean;
  /** `module.exports` rather than `export`. */
  commonJs: boolean;
  newline: string;
}

export function retryHelperSource(style: HelperStyle): string {
  const t = (annotation: string): string => (style.typed ? annotation : '');
  const exported = style.commonJs ? '' : 'export ';
  const lines = [
    `// ${HELPER_MARKER}. Retries an operation that failed for a moment: a network error or timeout,`,
    '// or a 5xx or 429 status, thrown or answered. Other failures (a 4xx, a bug) fail at once.',
    '// Exponential backoff with full jitter, so that clients do not retry in lock-step.',
    '',
    ...(style.typed
      ? [
          'export interface RetryOptions {',
          '  /** Attempts in all, the first included. */',
          '  attempts?: number;',
          '  /** The longest wait before the first retry; it doubles with each one. */',
          '  baseDelayMs?: number;',
          '  maxDelayMs?: number;',
          '}',
          '',
        ]
      : ['/** @typedef {{ attempts?: number, baseDelayMs?: number, maxDelayMs?: number }} RetryOptions */', '']),
    "const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);",
    '',
    ...(style.typed
      ? []
      : ['/**', ' * @template T', ' * @param {() => Promise<T>} operation', ' * @param {RetryOptions} [options]', ' * @returns {Promise<T>}', ' */']),
    `${exported}async function ${RETRY_HELPER_NAME}${t('<T>')}(operation${t(': () => Promise<T>')}, options${t(': RetryOptions')} = {})${t(': Promise<T>')} {`,
    '  const attempts = options.attempts ?? 3;',
    '  const baseDelayMs = options.baseDelayMs ?? 200;',
    '  const maxDelayMs = options.maxDelayMs ?? 5_000;',
    '  for (let attempt = 1; ; attempt++) {',
    `    let result${t(': T')};`,
    '    try {',
    '      result = await operation();',
    '    } catch (error) {',
    '      if (attempt >= attempts || !isTransientFailure(error)) throw error;',
    '      await sleep(backoff(attempt, baseDelayMs, maxDelayMs));',
    '      continue;',
    '    }',
    '    if (attempt >= attempts || !isTransientStatus(statusOf(result))) return result;',
    '    await discard(result);',
    '    await sleep(backoff(attempt, baseDelayMs, maxDelayMs));',
    '  }',
    '}',
    '',
    ...(style.typed ? [] : ['/** @param {unknown} error */']),
    `${exported}function isTransientFailure(error${t(': unknown')})${t(': boolean')} {`,
    "  const status = statusOf(error) ?? statusOf(field(error, 'response'));",
    '  if (status !== undefined) return isTransientStatus(status);',
    "  const code = field(error, 'code') ?? field(field(error, 'cause'), 'code');",
    "  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;",
    "  const name = field(error, 'name');",
    "  return name === 'TimeoutError' || (error instanceof TypeError && error.message === 'fetch failed');",
    '}',
    '',
    ...(style.typed ? [] : ['/** @param {number | undefined} status */']),
    `function isTransientStatus(status${t(': number | undefined')})${t(': boolean')} {`,
    '  return status !== undefined && (status >= 500 || status === 429);',
    '}',
    '',
    '/** The HTTP status a response or an error carries (`status`, `statusCode`), if any. */',
    ...(style.typed ? [] : ['/** @param {unknown} value @returns {number | undefined} */']),
    `function statusOf(value${t(': unknown')})${t(': number | undefined')} {`,
    "  const status = field(value, 'status') ?? field(value, 'statusCode');",
    "  return typeof status === 'number' ? status : undefined;",
    '}',
    '',
    ...(style.typed ? [] : ['/** @param {unknown} value @param {string} key @returns {unknown} */']),
    `function field(value${t(': unknown')}, key${t(': string')})${t(': unknown')} {`,
    `  return typeof value === 'object' && value !== null ? (value${t(' as Record<string, unknown>')})[key] : undefined;`,
    '}',
    '',
    '/** Frees the connection of a response that is not used (a fetch body nobody reads holds its socket). */',
    ...(style.typed ? [] : ['/** @param {unknown} result */']),
    `async function discard(result${t(': unknown')})${t(': Promise<void>')} {`,
    "  const body = field(result, 'body');",
    "  const cancel = field(body, 'cancel');",
    `  if (typeof cancel === 'function') await Promise.resolve(cancel.call(body)).catch(() => undefined);`,
    '}',
    '',
    '/** Full jitter: a random wait up to the exponential bound. */',
    ...(style.typed ? [] : ['/** @param {number} attempt @param {number} baseDelayMs @param {number} maxDelayMs */']),
    `function backoff(attempt${t(': number')}, baseDelayMs${t(': number')}, maxDelayMs${t(': number')})${t(': number')} {`,
    '  return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));',
    '}',
    '',
    ...(style.typed ? [] : ['/** @param {number} ms */']),
    `function sleep(ms${t(': number')})${t(': Promise<void>')} {`,
    '  return new Promise((resolve) => setTimeout(resolve, ms));',
    '}',
    ...(style.commonJs ? ['', `module.exports = { ${RETRY_HELPER_NAME}, isTransientFailure };`] : []),
  ];
  return `${lines.join(style.newline)}${style.newline}`;
}
