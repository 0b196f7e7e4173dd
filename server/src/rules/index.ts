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
import { nPlusOneQuery } from './n-plus-one-query';
import { unboundedQuery } from './unbounded-query';
import { blockingMigration } from './blocking-migration';
import { destructiveMigration } from './destructive-migration';
import { irreversibleMigration } from './irreversible-migration';
import { blockingCallInHandler } from './blocking-call-in-handler';
import { missingGracefulShutdown } from './missing-graceful-shutdown';
import { localFileStorage } from './local-file-storage';
import { missingRateLimit } from './missing-rate-limit';
import { permissiveCors } from './permissive-cors';
import { hardcodedSecret } from './hardcoded-secret';
import { sensitiveDataInLog } from './sensitive-data-in-log';
import { insecureRandomness } from './insecure-randomness';
import { sqlInjection } from './sql-injection';
import { unvalidatedInput } from './unvalidated-input';
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
  nPlusOneQuery,
  unboundedQuery,
  blockingMigration,
  destructiveMigration,
  irreversibleMigration,
  blockingCallInHandler,
  missingGracefulShutdown,
  localFileStorage,
  missingRateLimit,
  permissiveCors,
  hardcodedSecret,
  sensitiveDataInLog,
  insecureRandomness,
  sqlInjection,
  unvalidatedInput,
  ...suppressionMetaRules,
];

export function findRule(id: string): Rule | undefined {
  return allRules.find((rule) => rule.meta.id === id);
}

export type { Rule, RuleMeta, RuleContext } from './rule';
