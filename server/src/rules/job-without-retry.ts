import { stringQuoteOf } from '../edits/layout';
import type { Node } from 'ts-morph';
import * as path from 'node:path';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { enqueues, optionsLiteral, optionIn, type Enqueue, type JobQueue, type QueuedJob } from '../facts/queues';
import { unhandledScheduledRuns, unretriedConsumers, type UnretriedConsumer } from '../facts/background-work';
import { JOB_RETRY_FIX } from '../facts/tables/queues';
import { addObjectProperties, addObjectProperty } from '../edits/object-literal-property';
import { insertArgument } from '../edits/call-arguments';
import { replaceExpression } from '../edits/replace-expression';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';

const FIX_TITLE = 'Retry failed jobs (5 attempts, exponential backoff)';
const DEFAULTS_FIX_TITLE = 'Retry every job of this queue (defaultJobOptions: 5 attempts, exponential backoff)';

export const jobWithoutRetry = createRule({
  meta: {
    id: 'job-without-retry',
    title: 'Background job with no retry or dead-letter policy',
    category: 'data-integrity',
    defaultSeverity: 'warning',
    summary: [
      'BullMQ and Bull run a job once unless it says otherwise: a job that fails on a deploy, a timeout or a flaky upstream moves to the failed set and nobody runs it again.',
      'An amqplib consumer with `noAck: true`, or one that never `nack`s, loses or wedges the message that failed; a cron callback\'s rejection is a lost run.',
    ].join(' '),
    explanation: [
      'Background work fails for reasons that pass: a deploy restarts the worker mid-job, the database fails over, an upstream',
      'answers 503 for a minute. A job system is supposed to absorb that, but only does when asked:',
      '',
      '- **BullMQ and Bull** try a job **once** (`attempts` defaults to 1). A job that throws moves to the failed set, and there it',
      '  stays: the e-mail is never sent, the invoice never synced, and nothing says so unless someone opens the dashboard.',
      '- **amqplib** with `noAck: true` acknowledges every message as it is delivered: if the handler fails, or the process crashes',
      '  or is deployed while the message is in flight, the message is gone. Without `noAck`, a consumer that acknowledges but',
      '  never `nack`s or `reject`s leaves a failed message unacknowledged: it holds a prefetch slot until the channel closes and',
      '  then comes back, again and again, with no dead-letter exchange ever seeing it; a consumer that acknowledges in its',
      '  `catch`/`finally` throws the failed message away, and so does a `nack(msg, false, false)` into a queue with no dead-letter exchange.',
      '- **node-cron** and **cron** catch a callback\'s rejection and at most print it to the console: the run is lost, and the',
      '  next one is the next tick, an hour or a day later.',
    ].join('\n'),
    shortFix: [
      'Give jobs `attempts` and an exponential `backoff`, once on the queue (`defaultJobOptions`) or per job: `{ attempts: 5, backoff: { type: "exponential", delay: 1_000 } }`.',
      'amqplib: acknowledge after the work, `nack(msg, false, false)` on failure into a dead-letter exchange (`assertQueue(q, { deadLetterExchange })`).',
      'Cron callbacks: catch inside the callback, log through the application\'s logger and retry or alert.',
    ].join('\n'),
    fix: [
      '- BullMQ/Bull: set retries once on the queue, `new Queue("emails", { connection, defaultJobOptions: { attempts: 5, backoff: { type: "exponential", delay: 1_000 } } })`,',
      '  or on the job: `queue.add("welcome", data, { attempts: 5, backoff: { type: "exponential", delay: 1_000 } })`. Keep failed jobs',
      '  (`removeOnFail` off or bounded) and alert on the `failed` event. Make the processor idempotent: a retried job runs again.',
      '- amqplib: consume with `noAck: false`, `ack` after the work succeeds and `nack(msg, false, false)` when it fails, on a queue',
      '  asserted with a dead-letter exchange (`assertQueue(q, { deadLetterExchange: "dlx" })`), so failed messages are kept and can',
      '  be replayed; or requeue a bounded number of times.',
      '- Cron and interval callbacks: wrap the body in `try`/`catch`, log with context through the application\'s logger, and',
      '  retry (p-retry) or alert. Better still, let the cron only enqueue a job that has retries.',
      '',
      'The quick fix adds `attempts: 5` and an exponential `backoff` to the job\'s options, or to the queue\'s `defaultJobOptions`',
      'when the queue is made in the same file.',
    ].join('\n'),
    notFlagged: [
      'Jobs and queues that set `attempts`, whatever the value: `attempts: 1` written out is a decision.',
      'Repeating jobs (`repeat` in the job options): the schedule runs them again, and a failed run stays in the failed set.',
      'Options the file cannot read (a parameter, a spread of an unknown object, a list built by a function).',
      'Enqueues through a queue whose creation cannot be seen: injected (`@InjectQueue()`), handed in, or imported from a package. A queue exported by a project module that the file imports is followed to its `new Queue(...)`, and its `defaultJobOptions` count.',
      'A queue made in the same file is reported once, at its creation, where one `defaultJobOptions` fixes every job added through it (listed as related locations); adds through it in other files are reported at the add.',
      'BullMQ Workers and Bull processors that throw: throwing is what makes a job retry. A processor that catches and swallows its failure is swallowed-error\'s and missing-retry\'s business.',
      'kafkajs consumers: kafkajs retries a throwing `eachMessage`/`eachBatch` itself (the client\'s retry policy, then a consumer restart) and does not commit the offset, so a throwing handler is retried; SQS consumers likewise leave a failed message to reappear after its visibility timeout.',
      'amqplib consumers that `nack` or `reject` in the handler to requeue, or with `requeue: false` into a queue declared with a dead-letter exchange (`deadLetterExchange`, `x-dead-letter-exchange`) or declared outside this file; consumers that acknowledge nowhere in this file, or that hand the message to a function this file does not show.',
      '`@nestjs/schedule` `@Cron`/`@Interval`/`@Timeout` methods: Nest wraps each run in a try/catch that logs through its `Logger`, the application\'s logger.',
      '`setInterval` callbacks: their rejection is an unhandled rejection, which floating-promise reports at the same place with the same fix; it is not reported twice.',
      'Scheduled callbacks that cannot reject: their work sits in a `try`/`catch` that handles the failure, or only does things that cannot fail.',
    ],
    examples: [
      {
        bad: [
          "import { Queue } from 'bullmq';",
          '',
          "const emails = new Queue('emails', { connection });",
          '',
          'export async function sendWelcome(user: User) {',
          "  await emails.add('welcome', { userId: user.id });",
          '}',
        ].join('\n'),
        good: [
          "import { Queue } from 'bullmq';",
          '',
          "const emails = new Queue('emails', { connection, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } });",
          '',
          'export async function sendWelcome(user: User) {',
          "  await emails.add('welcome', { userId: user.id });",
          '}',
        ].join('\n'),
      },
      {
        bad: ["channel.consume('orders', async (msg) => {", '  await fulfil(JSON.parse(msg.content.toString()));', '}, { noAck: true });'].join('\n'),
        good: [
          "channel.consume('orders', async (msg) => {",
          '  try {',
          '    await fulfil(JSON.parse(msg.content.toString()));',
          '    channel.ack(msg);',
          '  } catch (err) {',
          "    logger.error({ err }, 'order fulfilment failed');",
          '    channel.nack(msg, false, false); // to the dead-letter exchange',
          '  }',
          '});',
        ].join('\n'),
      },
    ],
  },
  create(context) {
    return { onFileEnd: () => reportFile(context) };
  },
});

function reportFile(context: RuleContext): void {
  reportEnqueues(context);
  for (const consumer of unretriedConsumers(context.facts)) {
    context.report({ node: calleeOf(consumer.call), message: consumerMessage(consumer) });
  }
  for (const run of unhandledScheduledRuns(context.facts)) {
    context.report({ node: calleeOf(run.start), message: `${run.starter.label} runs an async callback with no error handling: when a run fails, ${run.fate}.` });
  }
}

// ---------------------------------------------------------------------------
// Queues

function reportEnqueues(context: RuleContext): void {
  const { facts, sourceFile } = context;
  // A job with no `attempts` of its own, through a queue whose defaults set none either; nothing unreadable on the way.
  const unretried = enqueues(facts).filter(
    (enqueue) => enqueue.jobs.some((job) => job.attempts.state === 'missing') && enqueue.jobs.every((job) => job.attempts.state !== 'unknown') && (!enqueue.queue || enqueue.queue.attempts.state === 'missing'),
  );
  const byQueue = new Map<JobQueue, Enqueue[]>();
  for (const enqueue of unretried) {
    if (enqueue.queue?.creation.getSourceFile() === sourceFile) {
      byQueue.set(enqueue.queue, [...(byQueue.get(enqueue.queue) ?? []), enqueue]);
      continue;
    }
    context.report({ node: calleeOf(enqueue.call), message: enqueueMessage(enqueue), fixes: jobFix(enqueue, facts) });
  }
  for (const [queue, adds] of byQueue) {
    context.report({
      node: calleeOf(queue.creation),
      message: queueMessage(queue, adds),
      fixes: queueFix(queue, facts),
      related: adds.map((add) => ({ node: calleeOf(add.call), message: `${add.label} adds a job with no \`attempts\` through this queue` })),
    });
  }
}

function queueMessage(queue: JobQueue, adds: Enqueue[]): string {
  const label = queue.library.label;
  const count = adds.length === 1 ? `${adds[0]!.label} adds a job with no \`attempts\` of its own` : `${adds.length} calls add jobs with no \`attempts\` of their own`;
  return `This ${label} queue sets no \`defaultJobOptions.attempts\` and ${count}: ${label} tries a job once, so a job that fails (a deploy, a timeout, a flaky upstream) moves to the failed set and nobody retries it.`;
}

function enqueueMessage(enqueue: Enqueue): string {
  if (!enqueue.queue) {
    return `${enqueue.label} adds a flow whose jobs set no \`attempts\`: a queue's \`defaultJobOptions\` do not apply to a FlowProducer, so each job is tried once and a failed one stays in the failed set, with its parent waiting on it.`;
  }
  const { library, creation } = enqueue.queue;
  const where = `${path.basename(creation.getSourceFile().getFilePath())}:${creation.getStartLineNumber()}`;
  return `${enqueue.label} adds a job with no \`attempts\`, and its ${library.label} queue (${where}) sets no \`defaultJobOptions.attempts\`: ${library.label} tries a job once, so a job that fails moves to the failed set and nobody retries it.`;
}

function consumerMessage(consumer: UnretriedConsumer): string {
  switch (consumer.kind) {
    case 'auto-ack':
      return `${consumer.consumer.label} with \`noAck: true\`: the broker forgets each message as soon as it is delivered, so one whose handler fails, or that is in flight when the process crashes or is deployed, is gone.`;
    case 'acked-on-failure':
      return `${consumer.consumer.label} acknowledges a message even when handling it fails (the \`ack\` runs in a catch or finally) and never nacks or rejects: the failed message is gone, neither retried nor dead-lettered.`;
    case 'discarded-on-nack':
      return `${consumer.consumer.label} nacks or rejects failed messages with \`requeue: false\`, but the queue is declared with no dead-letter exchange (\`deadLetterExchange\`): the broker throws a failed message away, unless a broker policy gives the queue one.`;
    case 'never-handed-back':
      return `${consumer.consumer.label} acknowledges messages but never nacks or rejects one: a message whose handling fails stays unacknowledged, holding a prefetch slot until the channel closes, and then comes back again and again; no dead-letter exchange ever sees it.`;
  }
}

// ---------------------------------------------------------------------------
// Fixes


/** `attempts` and, unless the options already have one, `backoff`. */
function retryProperties(options: Node | undefined, facts: FileFacts): string[] {
  const properties = [JOB_RETRY_FIX.attempts];
  if (optionIn(options, 'backoff').state !== 'set') properties.push(JOB_RETRY_FIX.backoff(stringQuoteOf(facts.sourceFile)));
  return properties;
}

function jobFix(enqueue: Enqueue, facts: FileFacts): Fix[] {
  const edits: TextEdit[] = [];
  for (const job of enqueue.jobs) {
    if (job.attempts.state !== 'missing') continue;
    const jobEdits = jobEditsFor(job, facts);
    if (!jobEdits) return [];
    edits.push(...jobEdits);
  }
  return edits.length > 0 ? [{ title: FIX_TITLE, edits }] : [];
}

function jobEditsFor(job: QueuedJob, facts: FileFacts): TextEdit[] | undefined {
  const properties = retryProperties(job.options, facts);
  const literal = optionsLiteral(job.options);
  if (literal) return addObjectProperties(literal, properties);
  if (job.options) return [replaceExpression(job.options, `{ ...${job.options.getText()}, ${properties.join(', ')} }`)];
  if (!job.insertAt) return undefined;
  if ('call' in job.insertAt) return [insertArgument(job.insertAt.call, job.insertAt.index, `{ ${properties.join(', ')} }`)];
  return addObjectProperty(job.insertAt.entry, `${job.insertAt.property}: { ${properties.join(', ')} }`);
}

function queueFix(queue: JobQueue, facts: FileFacts): Fix[] {
  const edits = queueEdits(queue, facts);
  return edits ? [{ title: DEFAULTS_FIX_TITLE, edits }] : [];
}

function queueEdits(queue: JobQueue, facts: FileFacts): TextEdit[] | undefined {
  const option = queue.library.defaultsOption;
  if (queue.defaults.state === 'set') {
    const defaults = optionsLiteral(queue.defaults.value);
    return defaults ? addObjectProperties(defaults, retryProperties(defaults, facts)) : undefined;
  }
  const property = `${option}: { ${retryProperties(undefined, facts).join(', ')} }`;
  const literal = optionsLiteral(queue.options);
  if (literal) return addObjectProperty(literal, property);
  if (queue.options) return [replaceExpression(queue.options, `{ ...${queue.options.getText()}, ${property} }`)];
  const args = queue.creation.getArguments();
  if (args.length < queue.optionsIndex) return undefined;
  return [insertArgument(queue.creation, queue.optionsIndex, `{ ${property} }`)];
}
