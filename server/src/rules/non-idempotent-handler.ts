import * as path from 'node:path';
import type { CallExpression } from 'ts-morph';
import { FileFacts } from '../facts';
import { calleeFunctions } from '../facts/function-summary';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { handlerSteps, webhookHandlers, type HandlerStep, type WebhookHandler } from '../facts/webhooks';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';

type EffectStep = Extract<HandlerStep, { kind: 'effect' }>;

export const nonIdempotentHandler = createRule({
  meta: {
    id: 'non-idempotent-handler',
    title: 'Webhook handler with side effects and no deduplication',
    category: 'data-integrity',
    defaultSeverity: 'warning',
    summary: [
      'Providers deliver the same webhook event more than once: Stripe retries for up to three days, GitHub redelivers, and a timeout after the work but before the 2xx makes the provider send it again.',
      'A handler that creates rows, sends e-mails, charges or enqueues jobs without checking the event id does it again on every delivery: the order is fulfilled twice, the customer gets two e-mails.',
    ].join(' '),
    explanation: [
      'Webhooks are delivered at least once, not exactly once. The provider sends the event, waits for a 2xx, and',
      'sends it again when it does not get one in time: Stripe retries for up to three days, GitHub and Shopify',
      'redeliver, Svix-based senders retry on a schedule. A handler that did its work and then took too long to',
      'answer, or crashed between the work and the response, gets the same event again, and deliveries also',
      'arrive out of order and in parallel.',
      '',
      'A handler that acts on every delivery repeats its side effects: a second order row, a second fulfilment,',
      'a second "payment received" e-mail, a second refund, a credit added twice, a job enqueued twice. Nobody',
      'sees it in testing, where each event arrives once.',
      '',
      '**What is flagged.** A webhook handler (a route whose path has a `webhook`/`webhooks`/`callback`/`notify`/',
      '`ipn`/`events` segment and is not a login callback or the management API of the project\'s own webhooks,',
      'or a handler that verifies a provider\'s signature: `stripe.webhooks.constructEvent`, Svix and',
      'Standard Webhooks `verify`, `@octokit/webhooks`, Twilio `validateRequest`, `crypto.createHmac` against a',
      'signature header such as `x-shopify-hmac-sha256`) whose code, followed into the project\'s functions it',
      'calls, makes a side effect that a repeat duplicates before any deduplication on the event id: inserts',
      '(Prisma, TypeORM, Sequelize, Knex, Mongoose, MongoDB, pg, mysql2, Drizzle), counters moved, money-moving',
      'payment calls without an idempotency key, e-mails and text messages (nodemailer, SendGrid, Resend,',
      'Postmark, Twilio, SES), and BullMQ/Bull jobs without a `jobId`. The finding starts at the first such side',
      'effect (or at the call in the handler that leads to it).',
    ].join('\n'),
    shortFix: [
      'Record the event id before acting, and stop when it is already there: a unique insert of `event.id` whose duplicate error answers 200,',
      'an upsert / `ON CONFLICT DO NOTHING` / `skipDuplicates` keyed on it, or a lookup by it that returns early.',
      'Or enqueue the work with `jobId: event.id` and let the worker do it.',
    ].join('\n'),
    fix: [
      'Make the handler remember which events it has handled, keyed on the id the provider gives each event',
      '(`event.id` for Stripe, the `svix-id` / `webhook-id` header, `x-github-delivery`, `x-shopify-webhook-id`):',
      '',
      '- A table of processed events with the event id as its primary key. Insert first; on a duplicate-key error',
      '  (Prisma `P2002`, Postgres `23505`, MySQL `ER_DUP_ENTRY`, MongoDB `11000`) answer 200 and do nothing.',
      '  Doing the insert and the work in one transaction makes a failed attempt retryable.',
      '- Or an upsert / insert that ignores duplicates keyed on the event id (`createMany({ skipDuplicates: true })`,',
      '  `INSERT ... ON CONFLICT (event_id) DO NOTHING`, Knex `.onConflict(\'event_id\').ignore()`), checking whether it inserted.',
      '- Or look the event id up before acting (`findUnique({ where: { eventId: event.id } })`) and return early',
      '  (a unique constraint still guards against two deliveries that arrive at once).',
      '- Or hand the work to a queue with the event id as the job id (BullMQ `queue.add(name, data, { jobId: event.id })`):',
      '  the queue drops the duplicate, and the handler answers 200 at once.',
      '',
      'Pass idempotency keys derived from the event id to the provider calls the handler makes (`idempotencyKey: event.id`).',
    ].join('\n'),
    notFlagged: [
      'Handlers that look the event id up before acting, upsert or insert-ignore keyed on it, insert it with a unique constraint and handle the duplicate error, claim it in Redis (`SET key NX`), or enqueue with `jobId` set to it.',
      'Side effects that converge on a repeat: an upsert or insert-ignore keyed on a natural key of the payload (the subscription\'s id), an update that sets fields to the values the event carries, a delete; writes to a log or audit table; a job with a `jobId` of its own; a payment call with an idempotency key.',
      'Handlers that only verify, log or acknowledge.',
      'OAuth / OIDC / SAML login callbacks (`/auth/github/callback`, `/oauth/callback`, `/login/callback`) and GET routes: a browser comes back to them, no provider retries them.',
      'The management API of the project\'s own webhooks (`/webhooks/endpoints`, `/webhooks/deliveries/:id/replay`).',
      'Side effects inside a project function whose file verifies the signature itself: that file reports them.',
      'Code that runs in the browser, one-off scripts and test code.',
    ],
    examples: [
      {
        bad: [
          "import express from 'express';",
          "import Stripe from 'stripe';",
          "import { PrismaClient } from '@prisma/client';",
          '',
          'const stripe = new Stripe(process.env.STRIPE_KEY!);',
          'const prisma = new PrismaClient();',
          'const app = express();',
          '',
          "app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {",
          "  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature']!, process.env.STRIPE_WEBHOOK_SECRET!);",
          "  if (event.type === 'checkout.session.completed') {",
          '    const session = event.data.object;',
          '    await prisma.order.create({ data: { sessionId: session.id, total: session.amount_total ?? 0 } });',
          '  }',
          '  res.sendStatus(200);',
          '});',
        ].join('\n'),
        good: [
          "import express from 'express';",
          "import Stripe from 'stripe';",
          "import { Prisma, PrismaClient } from '@prisma/client';",
          '',
          'const stripe = new Stripe(process.env.STRIPE_KEY!);',
          'const prisma = new PrismaClient();',
          'const app = express();',
          '',
          "app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {",
          "  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature']!, process.env.STRIPE_WEBHOOK_SECRET!);",
          '  try {',
          '    await prisma.processedEvent.create({ data: { id: event.id } });',
          '  } catch (err) {',
          "    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return res.sendStatus(200);",
          '    throw err;',
          '  }',
          "  if (event.type === 'checkout.session.completed') {",
          '    const session = event.data.object;',
          '    await prisma.order.create({ data: { sessionId: session.id, total: session.amount_total ?? 0 } });',
          '  }',
          '  res.sendStatus(200);',
          '});',
        ].join('\n'),
      },
    ],
    usesTypes: true,
  },
  create(context) {
    const { facts, sourceFile } = context;
    if (isCommandLineProgram(sourceFile)) return {};
    return {
      onFileEnd: () => {
        for (const handler of webhookHandlers(facts)) judgeHandler(handler, context);
      },
    };
  },
});

function judgeHandler(handler: WebhookHandler, context: RuleContext): void {
  if (runtimeAt(handler.fn, context.facts) === 'browser') return;
  const steps = handlerSteps(handler.fn);
  const first = steps.find((step): step is EffectStep => step.kind === 'effect');
  if (!first) return;
  const firstIndex = steps.indexOf(first);
  if (steps.slice(0, firstIndex).some((step) => step.kind === 'dedup')) return;
  if (reportedElsewhere(first, context)) return;
  const node = first.through.length > 0 ? first.through[0]! : first.call;
  context.report({ node: calleeOf(node), message: messageFor(handler, first, context) });
}

/** The side effect is reached through a function of another file that handles webhooks itself: that file reports it. */
function reportedElsewhere(step: EffectStep, context: RuleContext): boolean {
  return step.through.some((call) =>
    (calleeFunctions(call) ?? []).some((fn) => fn.getSourceFile() !== context.sourceFile && webhookHandlers(FileFacts.of(fn.getSourceFile())).some((other) => other.fn === fn)),
  );
}

const REDELIVERY: Readonly<Record<string, string>> = {
  Stripe: 'Stripe retries an event for up to three days until it gets a 2xx',
  GitHub: 'GitHub redelivers a delivery',
  Shopify: 'Shopify retries a webhook for up to 48 hours',
  Twilio: 'Twilio retries a callback',
};

function messageFor(handler: WebhookHandler, step: EffectStep, context: RuleContext): string {
  const provider = handler.provider;
  const redelivery = (provider && REDELIVERY[provider]) ?? `${provider ?? 'the provider'} sends an event again when it gets no 2xx in time`;
  const where = handler.path ? `The webhook handler of \`${handler.path}\`` : 'This webhook handler';
  const via = step.through.length > 0 ? ` (through \`${calleeOf(step.through[0]!).getText().replace(/\s+/g, '')}()\`${otherFile(step.call, context)})` : '';
  return (
    `${where} calls \`${step.label}\`${via} on every delivery, with no check of the event id before it: providers deliver the same event more than once and out of order ` +
    `(${redelivery}, and a timeout after the work but before the response makes it send again), so a redelivery makes ${step.effect}. ` +
    'Record the event id first (a unique insert whose duplicate error answers 200, an upsert keyed on it) or look it up and return early.'
  );
}

function otherFile(call: CallExpression, context: RuleContext): string {
  const file = call.getSourceFile();
  if (file === context.sourceFile) return '';
  // Named from the folder both files share: `lib/billing.ts` beside `app/api/webhooks/stripe/route.ts`.
  const own = path.dirname(context.sourceFile.getFilePath()).split('/');
  const other = file.getFilePath().split('/');
  let shared = 0;
  while (shared < own.length && shared < other.length - 1 && own[shared] === other[shared]) shared += 1;
  return `, in ${other.slice(shared).join('/')}`;
}
