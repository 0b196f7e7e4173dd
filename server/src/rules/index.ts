import type { Rule } from './rule';
import { missingTimeout } from './missing-timeout';
import { swallowedError } from './swallowed-error';
import { floatingPromise } from './floating-promise';
import { retryWithoutBackoff } from './retry-without-backoff';
import { unboundedConcurrency } from './unbounded-concurrency';
import { errorContextLost } from './error-context-lost';
import { missingRetry } from './missing-retry';
import { jobWithoutRetry } from './job-without-retry';
import { missingIdempotencyKey } from './missing-idempotency-key';
import { missingTransaction } from './missing-transaction';
import { nonIdempotentHandler } from './non-idempotent-handler';
import { hardcodedSecret } from './hardcoded-secret';
import { sensitiveDataInLog } from './sensitive-data-in-log';
import { insecureRandomness } from './insecure-randomness';
import { suppressionMetaRules } from './suppression-meta';

/** Every rule Preflight ships, in the order they run. */
export const allRules: readonly Rule[] = [
  missingTimeout,
  swallowedError,
  floatingPromise,
  retryWithoutBackoff,
  unboundedConcurrency,
  errorContextLost,
  missingRetry,
  jobWithoutRetry,
  missingIdempotencyKey,
  missingTransaction,
  nonIdempotentHandler,
  hardcodedSecret,
  sensitiveDataInLog,
  insecureRandomness,
  ...suppressionMetaRules,
];

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}

export type { Rule, RuleMeta, RuleContext } from './rule';
