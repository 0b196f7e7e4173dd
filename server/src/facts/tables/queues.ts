/**
 * What queue and scheduler libraries do with a job that fails, for the
 * question "is this background work ever retried, or dead-lettered?"
 * (job-without-retry). Adding a library is a change to this table only.
 */

/**
 * A job queue whose jobs carry their own retry options. BullMQ and Bull try a
 * job once (`attempts` defaults to 1): a job that fails moves to the failed
 * set and nobody runs it again.
 */
export interface JobQueueLibrary {
  /** Shown in messages: `BullMQ`. */
  label: string;
  module: string;
  /** Export paths that make a queue, with `new` or called (Bull allows both); `[]` is the module itself. */
  creators: readonly (readonly string[])[];
  /** The option of the queue holding the options every job added through it gets. */
  defaultsOption: string;
  /** The job option that sets how many times a job runs before it fails for good. */
  attemptsOption: string;
  /** Job options that make the job a repeating one: its schedule runs it again, and a failed run stays in the failed set. */
  repeatOptions: readonly string[];
  /**
   * How an enqueue names its options: `name-data-options` is `add(name, data, opts)` (BullMQ);
   * `data-or-name` is Bull's `add(data, opts)` or `add(name, data, opts)`.
   */
  addShape: 'name-data-options' | 'data-or-name';
  /** Methods adding one job, and methods adding a list of `{ name, data, opts }` jobs. */
  addMethods: readonly string[];
  bulkMethods: readonly string[];
  /** In a `bulkMethods` list entry, the property holding the job's options. */
  bulkOptionsProperty: string;
}

export const JOB_QUEUE_LIBRARIES: readonly JobQueueLibrary[] = [
  {
    label: 'BullMQ',
    module: 'bullmq',
    creators: [['Queue']],
    defaultsOption: 'defaultJobOptions',
    attemptsOption: 'attempts',
    repeatOptions: ['repeat'],
    addShape: 'name-data-options',
    addMethods: ['add'],
    bulkMethods: ['addBulk'],
    bulkOptionsProperty: 'opts',
  },
  {
    label: 'Bull',
    module: 'bull',
    creators: [[], ['default']],
    defaultsOption: 'defaultJobOptions',
    attemptsOption: 'attempts',
    repeatOptions: ['repeat'],
    addShape: 'data-or-name',
    addMethods: ['add'],
    bulkMethods: ['addBulk'],
    bulkOptionsProperty: 'opts',
  },
];

/**
 * BullMQ's FlowProducer adds a tree of jobs (`flow.add({ name, queueName, data, opts, children })`);
 * a Queue's `defaultJobOptions` do not apply to them, so each job's own `opts.attempts` decides.
 */
export const FLOW_PRODUCERS: readonly { label: string; module: string; creator: readonly string[]; addMethods: readonly string[]; childrenProperty: string; optionsProperty: string }[] = [
  { label: 'BullMQ FlowProducer', module: 'bullmq', creator: ['FlowProducer'], addMethods: ['add'], childrenProperty: 'children', optionsProperty: 'opts' },
];

/**
 * What becomes of a scheduled run that rejects when the callback has no error
 * handling of its own (tables/workers.ts `WORKER_STARTERS`, `schedule.fate`).
 * @nestjs/schedule has none: its explorer wraps every `@Cron`/`@Interval`/`@Timeout`
 * method in a try/catch that logs through Nest's `Logger('Scheduler')`, the
 * application's own logger, and the next tick is the retry.
 */
export const NODE_CRON_FATE = 'node-cron catches the rejection (v3 drops it without a word, v4 only writes it to its own console logger) and nobody runs the job again before the next tick';
export const CRON_FATE = "the cron package catches the rejection and only writes `[Cron] error in callback` to the console (before v3 it was an unhandled rejection), and nobody runs the job again before the next tick";

/** The retry options a quick fix writes on a job or a queue's `defaultJobOptions`. */
export const JOB_RETRY_FIX = { attempts: 'attempts: 5', backoff: (quote: string) => `backoff: { type: ${quote}exponential${quote}, delay: 1_000 }` };
