/**
 * Long-running work that is not an HTTP server but is cut off by a deploy all
 * the same: queue workers, job schedulers, cron jobs. A package that starts one
 * needs graceful shutdown as much as one that listens. Adding a queue or
 * scheduler library is a change to this table only.
 */

import { CRON_FATE, NODE_CRON_FATE } from './queues';

export interface WorkerStarter {
  /** Shown in messages: `BullMQ Worker`. */
  label: string;
  module: string;
  /**
   * How the work starts, below the module root:
   * `construct`: `new Worker(...)` of this export path;
   * `call`: a call of this export path (`cron.schedule(...)`, graphile-worker `run(...)`);
   * `method`: a method called on an instance the module creates (`new Queue().process(...)`):
   *   `created` lists the export paths that create the instance (`[]` is the module itself);
   * `decorator`: a class or method decorator (`@Processor()`, `@Cron()`).
   */
  how: 'construct' | 'call' | 'method' | 'decorator';
  path: readonly string[];
  created?: readonly (readonly string[])[];
  /** For schedulers: where the scheduled callback is, and what becomes of a run that rejects (job-without-retry). */
  schedule?: ScheduledCallback;
}

export interface ScheduledCallback {
  /** The callback's argument index, or the option of an object-literal argument holding it (`CronJob.from({ onTick })`). */
  callback: { argument: number } | { option: string };
  /** What happens to a failed run, for messages; undefined when the scheduler logs it through the application's logger. */
  fate?: string;
}

export const WORKER_STARTERS: readonly WorkerStarter[] = [
  { label: 'BullMQ Worker', module: 'bullmq', how: 'construct', path: ['Worker'] },
  { label: 'Bull queue processor', module: 'bull', how: 'method', path: ['process'], created: [[], ['default']] },
  { label: 'Bee-Queue processor', module: 'bee-queue', how: 'method', path: ['process'], created: [[]] },
  { label: 'Agenda', module: 'agenda', how: 'method', path: ['start'], created: [[], ['Agenda']] },
  { label: 'pg-boss worker', module: 'pg-boss', how: 'method', path: ['work'], created: [[], ['default']] },
  { label: 'graphile-worker', module: 'graphile-worker', how: 'call', path: ['run'] },
  { label: 'node-cron job', module: 'node-cron', how: 'call', path: ['schedule'], schedule: { callback: { argument: 1 }, fate: NODE_CRON_FATE } },
  { label: 'cron job', module: 'cron', how: 'construct', path: ['CronJob'], schedule: { callback: { argument: 1 }, fate: CRON_FATE } },
  { label: 'cron job', module: 'cron', how: 'call', path: ['CronJob', 'from'], schedule: { callback: { option: 'onTick' }, fate: CRON_FATE } },
  { label: 'Nest Bull processor', module: '@nestjs/bull', how: 'decorator', path: ['Processor'] },
  { label: 'Nest BullMQ processor', module: '@nestjs/bullmq', how: 'decorator', path: ['Processor'] },
  // Nest's schedule explorer wraps each scheduled method in a try/catch that logs through Nest's Logger: no `fate`.
  { label: 'Nest scheduled job', module: '@nestjs/schedule', how: 'decorator', path: ['Cron'], schedule: { callback: { argument: 0 } } },
  { label: 'Nest scheduled job', module: '@nestjs/schedule', how: 'decorator', path: ['Interval'], schedule: { callback: { argument: 0 } } },
];

/**
 * Frameworks that call shutdown hooks of the modules they load when the
 * process receives SIGTERM, without the module registering anything itself:
 * Medusa runs `onApplicationPrepareShutdown` and `onApplicationShutdown` of
 * every module service (`__hooks = { onApplicationShutdown }` or methods of that
 * name). Recognised in a file that imports from `modulePrefix` (type imports included).
 *
 * NestJS's `onApplicationShutdown`/`beforeApplicationShutdown` are left out on
 * purpose: Nest runs them on SIGTERM only after `app.enableShutdownHooks()`,
 * which is what counts there.
 */
export const FRAMEWORK_SHUTDOWN_HOOKS: readonly { framework: string; modulePrefix: string; hooks: readonly string[] }[] = [
  { framework: 'Medusa', modulePrefix: '@medusajs/', hooks: ['onApplicationShutdown', 'onApplicationPrepareShutdown'] },
];

/**
 * Message consumers whose handler is job code (rules.md: amqplib `consume`,
 * kafkajs `eachMessage`, SQS consumers) though they start no worker of the
 * table above: a call of `method` on a value the module made (`channel.consume`
 * of an amqplib channel, `consumer.run` of a kafkajs consumer) or of the
 * module's export path `call`; the handler is argument `argument` or the
 * function under one of `options` in an object-literal argument.
 */
export interface JobConsumer {
  label: string;
  module: string;
  method?: string;
  call?: readonly string[];
  argument?: number;
  options?: readonly string[];
  /** For consumers that acknowledge deliveries (job-without-retry). */
  acknowledgement?: Acknowledgement;
}

/**
 * amqplib: with `noAck: true` the broker forgets a message once it is delivered; without it,
 * only a `nack`/`reject` hands a failed message back (requeued, or to the queue's dead-letter exchange).
 */
export interface Acknowledgement {
  /** Which argument of the consumer call holds the options, and the option that acknowledges on delivery. */
  optionsArgument: number;
  autoAckOption: string;
  /** Channel methods that acknowledge a message, and those that hand a failed one back. */
  ackMethods: readonly string[];
  failureMethods: readonly string[];
  /** Which argument of each failure method says whether to requeue (default true): `nack(msg, allUpTo, requeue)`. */
  requeueArgument: Readonly<Record<string, number>>;
  /** The method declaring a queue, and the options that give it a dead-letter exchange (also under `arguments`, as `x-` headers). */
  declareMethod: string;
  deadLetterOptions: readonly string[];
  deadLetterArguments: readonly string[];
}

const AMQP_ACKNOWLEDGEMENT: Acknowledgement = {
  optionsArgument: 2,
  autoAckOption: 'noAck',
  ackMethods: ['ack', 'ackAll'],
  failureMethods: ['nack', 'nackAll', 'reject'],
  requeueArgument: { nack: 2, reject: 1, nackAll: 0 },
  declareMethod: 'assertQueue',
  deadLetterOptions: ['deadLetterExchange'],
  deadLetterArguments: ['x-dead-letter-exchange'],
};

export const JOB_CONSUMERS: readonly JobConsumer[] = [
  { label: 'amqplib consumer', module: 'amqplib', method: 'consume', argument: 1, acknowledgement: AMQP_ACKNOWLEDGEMENT },
  { label: 'amqplib consumer', module: 'amqplib/callback_api', method: 'consume', argument: 1, acknowledgement: AMQP_ACKNOWLEDGEMENT },
  { label: 'kafkajs consumer', module: 'kafkajs', method: 'run', options: ['eachMessage', 'eachBatch'] },
  { label: 'SQS consumer', module: 'sqs-consumer', call: ['Consumer', 'create'], options: ['handleMessage', 'handleMessageBatch'] },
];
