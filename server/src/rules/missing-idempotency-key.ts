import { stringQuoteOf } from '../edits/layout';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { stableIdAt } from '../facts/business-ids';
import { paymentCalls, type KeyTarget, type PaymentCall } from '../facts/payment-calls';
import { isCommandLineProgram } from '../facts/runtime';
import {
  addKeyHeader,
  addKeyMethodCall,
  addKeyToArgument,
  idempotencyKeyExpression,
  idempotencyKeyPlaceholder,
  isIdempotencyKeyPlaceholder,
  type KeySource,
} from '../edits/idempotency-key';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';

export const missingIdempotencyKey = createRule({
  meta: {
    id: 'missing-idempotency-key',
    title: 'Payment create without an idempotency key',
    category: 'data-integrity',
    defaultSeverity: 'warning',
    summary: [
      'A call that moves money (a Stripe charge, refund, transfer or payout, an Adyen payment, a PayPal refund) without an idempotency key is applied again every time it is sent again.',
      'A job retried after a timeout, a client resubmitting, a double click or a redelivered webhook charges, refunds or pays out twice.',
    ].join(' '),
    explanation: [
      'A request to a payment provider can succeed at the provider while its answer is lost: a timeout, a reset',
      'connection, a deploy that kills the process between the call and the database write that records it. The code',
      'that made it sees a failure and does the sensible thing: the job queue runs the job again, the client resubmits',
      'the form, the user clicks "Pay" a second time, the provider redelivers the webhook that started it. Each attempt',
      'is a new request, and the provider applies each one: the customer is charged twice, a refund goes out twice, a',
      'payout is paid twice. Nothing fails, so nothing alerts; it shows up as a support ticket or in reconciliation.',
      '',
      'An **idempotency key** makes the attempts one operation: the provider stores the first result under the key and',
      'answers every later request with the same key with that result instead of acting again. The key must be derived',
      'from the operation (an order id, the event id), so that every attempt computes the same one; a random key made',
      'afresh on each attempt deduplicates nothing.',
      '',
      'Stripe\'s Node SDK adds a key of its own only to its own network retries of one call (`maxNetworkRetries`); a',
      'second call, from any of the retries above, gets a new one.',
    ].join('\n'),
    shortFix: [
      'Pass a key derived from the operation: `` stripe.refunds.create(params, { idempotencyKey: `refund-${order.id}` }) ``, an `Idempotency-Key` header on a plain POST.',
      'The quick fix adds one from a stable id in scope (`orderId`, `event.id`, `payment.id`), or a placeholder you fill in.',
    ].join('\n'),
    fix: [
      'Send an idempotency key that every attempt of the same operation computes alike, derived from what the operation',
      'is about:',
      '',
      '- Stripe: the request options, the argument after the params: `` stripe.charges.create(params, { idempotencyKey: `charge-${order.id}` }) ``',
      '  (`transfers.createReversal(id, params, { idempotencyKey })` for methods on a sub-resource).',
      '- Adyen (`@adyen/api-library`): `checkout.PaymentsApi.payments(request, { idempotencyKey })`.',
      '- PayPal: `paypalRequestId` in `@paypal/paypal-server-sdk` calls; `request.payPalRequestId(key)` on a',
      '  `@paypal/checkout-server-sdk` request; the `PayPal-Request-Id` header over HTTP.',
      '- Plain HTTP: the `Idempotency-Key` header (Stripe, Adyen), `Cko-Idempotency-Key` (Checkout.com).',
      '',
      'Use an id of the operation, not of the customer: an order is charged once, a refund request refunded once, a',
      'webhook event handled once. Inside a loop, include the element\'s id. Providers keep keys for a limited time',
      '(Stripe: 24 hours), so record the result in your own database too.',
      '',
      'The quick fix adds a key made from a stable id in scope (an `idempotencyKey` the code holds, `orderId`, `order.id`,',
      '`event.id`, `payment.id`). When there is none it writes a placeholder, `\'<stable id of this refund>\'`, selected',
      'in editors that take snippets; the finding stays until you replace it.',
    ].join('\n'),
    notFlagged: [
      'A call with an idempotency key, whatever expression it is (`idempotencyKey`, `paypalRequestId`, `request.payPalRequestId(...)`, an `Idempotency-Key`, `PayPal-Request-Id` or `Cko-Idempotency-Key` header).',
      'Request options or headers the file cannot see: an options object from a variable or a parameter, a spread.',
      'Reads, lists, retrieves, updates, and captures or confirmations of an existing object (Stripe and PayPal refuse to capture or confirm one twice).',
      'Creates that move no money: Stripe customers, products, prices, Checkout Sessions (the customer pays a session once), setup intents; PayPal orders (captured once, answered `ORDER_ALREADY_CAPTURED` after) and payouts (deduplicated by their `sender_batch_id`).',
      'Braintree (`gateway.transaction.sale`): its API takes no idempotency key, so there is nothing to add (its guard is the gateway\'s duplicate-transaction checking).',
      'Plain HTTP POSTs whose host and path the file does not spell out, and POSTs to other paths of a payment API (`/v1/oauth2/token`, `/v1/customers`).',
      'Command-line programs and one-off scripts (`bin/`, `cli/`, `scripts/`, `#!` files), such as seed scripts run against test mode. Test code is left out with every other rule.',
    ],
    examples: [
      {
        bad: [
          "import Stripe from 'stripe';",
          '',
          'const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);',
          '',
          'export async function refundOrder(order: { id: string; paymentIntentId: string }) {',
          '  return stripe.refunds.create({ payment_intent: order.paymentIntentId });',
          '}',
        ].join('\n'),
        good: [
          "import Stripe from 'stripe';",
          '',
          'const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);',
          '',
          'export async function refundOrder(order: { id: string; paymentIntentId: string }) {',
          '  return stripe.refunds.create({ payment_intent: order.paymentIntentId }, { idempotencyKey: `refund-${order.id}` });',
          '}',
        ].join('\n'),
      },
    ],
    usesTypes: true,
  },
  create({ facts, report, sourceFile }) {
    return {
      onFileEnd: () => {
        // A one-off script is run and watched by a person, mostly against test mode (seed data).
        if (isCommandLineProgram(sourceFile)) return;
        for (const call of paymentCalls(facts)) judge(call, facts, report);
      },
    };
  },
});

function judge(call: PaymentCall, facts: FileFacts, report: RuleContext['report']): void {
  if (call.key.state === 'unknown') return;
  if (call.key.state === 'present') {
    if (isIdempotencyKeyPlaceholder(call.key.value.getText())) report({ node: calleeOf(call.node), message: placeholderMessage(call) });
    return;
  }
  const fix = keyFix(call, call.key.target, facts);
  report({ node: calleeOf(call.node), message: missingMessage(call, call.key.target), fixes: fix ? [fix] : [] });
}

function missingMessage(call: PaymentCall, target: KeyTarget): string {
  const what = target.kind === 'header' ? `sends no \`${target.header}\` header` : 'sends no idempotency key';
  const sdkRetries = call.provider === 'Stripe' && target.kind === 'argument-property' ? " (Stripe's SDK keys only its own network retries of one call)" : '';
  return (
    `\`${call.label}\` moves money at ${call.provider} and ${what}: when it is sent again for the same operation ` +
    `(a job retried after a timeout, a client resubmitting, a double click, a redelivered webhook), ${call.provider} creates ${call.repeat}${sdkRetries}.`
  );
}

function placeholderMessage(call: PaymentCall): string {
  return `\`${call.label}\` sends the placeholder idempotency key a quick fix wrote: replace it with an id of this operation (an order id, the event id) that every attempt computes alike.`;
}

/** Adds a key made from a stable id in scope, or a placeholder for the user to fill in. */
function keyFix(call: PaymentCall, target: KeyTarget, facts: FileFacts): Fix | undefined {
  const stable = stableIdAt(call.node, call.keyPrefix.split('-').at(-1));
  const placeholder = stable ? undefined : idempotencyKeyPlaceholder(call.keyPrefix.replaceAll('-', ' '), stringQuoteOf(facts.sourceFile));
  const source: KeySource = stable ?? { expression: placeholder!, kind: 'placeholder' };
  const value = idempotencyKeyExpression(call.keyPrefix, source);
  const edits = keyEdits(target, value);
  if (!edits) return undefined;
  const title = stable ? `Add an idempotency key from \`${stable.expression}\`` : 'Add an idempotency key (fill in a stable id of the operation)';
  return placeholder ? { title, edits, placeholder } : { title, edits };
}

function keyEdits(target: KeyTarget, value: string): TextEdit[] | undefined {
  switch (target.kind) {
    case 'argument-property':
      return addKeyToArgument(target.call, target.argument, target.property, value);
    case 'header': {
      const slot = target.http.optionsSlot;
      const index = slot.kind === 'absent' && slot.padding === 0 && !slot.before && !slot.replace ? slot.index : -1;
      return addKeyHeader(target.call, target.options, index, target.header, value);
    }
    case 'request-method':
      return addKeyMethodCall(target.request, target.method, value);
  }
}
