import * as assert from 'node:assert/strict';
import { missingIdempotencyKey } from 'preflight-server/out/rules/missing-idempotency-key';
import { applyFix, findingsOf, parses, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

const STRIPE = [`import Stripe from 'stripe';`, `const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);`].join('\n');
const STRIPE_CJS = `const stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);`;

testRule(missingIdempotencyKey, {
  valid: [
    {
      name: 'a Stripe refund with an idempotency key',
      code: lines(STRIPE, `export async function refund(order: { id: string; pi: string }) {`, `  return stripe.refunds.create({ payment_intent: order.pi }, { idempotencyKey: \`refund-\${order.id}\` });`, `}`),
    },
    {
      name: 'any expression as the key (CommonJS)',
      filename: 'charge.js',
      code: lines(STRIPE_CJS, `async function charge(params, key) {`, `  return stripe.charges.create(params, { idempotencyKey: key });`, `}`, `module.exports = { charge };`),
    },
    {
      name: 'reads, lists and updates move no money',
      code: lines(
        STRIPE,
        `export async function show(id: string) {`,
        `  const intent = await stripe.paymentIntents.retrieve(id);`,
        `  await stripe.paymentIntents.update(id, { metadata: { seen: 'yes' } });`,
        `  return stripe.refunds.list({ payment_intent: intent.id });`,
        `}`,
      ),
    },
    {
      name: 'creates that move no money (customers, Checkout Sessions, products)',
      code: lines(
        STRIPE,
        `export async function startCheckout(email: string, price: string) {`,
        `  const customer = await stripe.customers.create({ email });`,
        `  await stripe.products.create({ name: 'Plan' });`,
        `  return stripe.checkout.sessions.create({ customer: customer.id, line_items: [{ price, quantity: 1 }], mode: 'payment' });`,
        `}`,
      ),
    },
    {
      name: 'request options from a variable the file does not show',
      code: lines(STRIPE, `export async function pay(params: Stripe.ChargeCreateParams, options: Stripe.RequestOptions) {`, `  return stripe.charges.create(params, options);`, `}`),
    },
    {
      name: 'a spread may bring the key',
      code: lines(STRIPE, `export async function pay(params: any, extra: object) {`, `  return stripe.transfers.create(params, { ...extra, stripeAccount: 'acct_1' });`, `}`),
    },
    {
      name: 'a method named create on something that is not a Stripe client',
      code: lines(`import { refunds } from './refunds-repository';`, `const db = { refunds };`, `export async function save(row: object) {`, `  return db.refunds.create(row);`, `}`),
    },
    {
      name: 'Adyen payment with idempotencyKey in the request options',
      code: lines(
        `import { Client, CheckoutAPI } from '@adyen/api-library';`,
        `const checkout = new CheckoutAPI(new Client({ apiKey: 'x', environment: 'TEST' }));`,
        `export async function pay(request: object, orderId: string) {`,
        `  return checkout.PaymentsApi.payments(request as never, { idempotencyKey: orderId });`,
        `}`,
      ),
    },
    {
      name: 'PayPal checkout-server-sdk refund with payPalRequestId (CommonJS)',
      filename: 'paypal.js',
      code: lines(
        `const paypal = require('@paypal/checkout-server-sdk');`,
        `async function refund(client, captureId, refundId) {`,
        `  const request = new paypal.payments.CapturesRefundRequest(captureId);`,
        `  request.payPalRequestId(refundId);`,
        `  request.requestBody({});`,
        `  return client.execute(request);`,
        `}`,
        `module.exports = { refund };`,
      ),
    },
    {
      name: 'PayPal request id as a header',
      code: lines(
        `import paypal from '@paypal/checkout-server-sdk';`,
        `export async function capture(client: any, authorizationId: string, key: string) {`,
        `  const request = new paypal.payments.AuthorizationsCaptureRequest(authorizationId);`,
        `  request.headers['PayPal-Request-Id'] = key;`,
        `  return client.execute(request);`,
        `}`,
      ),
    },
    {
      name: 'PayPal orders: created and captured once by PayPal itself',
      code: lines(
        `import paypal from '@paypal/checkout-server-sdk';`,
        `export async function order(client: any, id: string) {`,
        `  await client.execute(new paypal.orders.OrdersCreateRequest());`,
        `  return client.execute(new paypal.orders.OrdersCaptureRequest(id));`,
        `}`,
      ),
    },
    {
      name: 'a plain POST to Stripe with an Idempotency-Key header',
      code: lines(
        `export async function refund(chargeId: string, key: string) {`,
        `  return fetch('https://api.stripe.com/v1/refunds', {`,
        `    method: 'POST',`,
        `    headers: { Authorization: 'Bearer x', 'Idempotency-Key': key },`,
        `    body: new URLSearchParams({ charge: chargeId }),`,
        `  });`,
        `}`,
      ),
    },
    {
      name: 'a POST to a payment API path that moves no money (PayPal OAuth token)',
      code: lines(
        `import axios from 'axios';`,
        `const PAYPAL_API = 'https://api-m.sandbox.paypal.com';`,
        `export async function token() {`,
        `  return axios.post(\`\${PAYPAL_API}/v1/oauth2/token\`, 'grant_type=client_credentials');`,
        `}`,
      ),
    },
    {
      name: 'a GET of a Stripe collection',
      code: lines(`export async function charges() {`, `  return fetch('https://api.stripe.com/v1/charges', { method: 'GET' });`, `}`),
    },
    {
      name: 'Braintree takes no idempotency key',
      filename: 'braintree.js',
      code: lines(
        `const braintree = require('braintree');`,
        `const gateway = new braintree.BraintreeGateway({ environment: braintree.Environment.Sandbox });`,
        `async function sale(amount, nonce) {`,
        `  return gateway.transaction.sale({ amount, paymentMethodNonce: nonce, options: { submitForSettlement: true } });`,
        `}`,
        `module.exports = { sale };`,
      ),
    },
    {
      name: 'a one-off script (scripts/)',
      filename: 'scripts/seed-charges.ts',
      code: lines(STRIPE, `export async function seed() {`, `  await stripe.charges.create({ amount: 100, currency: 'usd', source: 'tok_visa' });`, `}`),
    },
  ],
  invalid: [
    {
      name: 'Stripe refund without a key; the fix uses the order id in scope',
      code: lines(STRIPE, `export async function refundOrder(order: { id: string; paymentIntentId: string }) {`, `  return stripe.refunds.create({ payment_intent: order.paymentIntentId });`, `}`),
      findings: [{ line: 4, message: 'a second refund', column: 10 }],
      output: lines(
        STRIPE,
        `export async function refundOrder(order: { id: string; paymentIntentId: string }) {`,
        `  return stripe.refunds.create({ payment_intent: order.paymentIntentId }, { idempotencyKey: \`refund-\${order.id}\` });`,
        `}`,
      ),
    },
    {
      name: 'CommonJS require("stripe")(key) charge with an orderId parameter',
      filename: 'billing.js',
      code: lines(STRIPE_CJS, `async function charge(orderId, amount, customer) {`, `  return stripe.charges.create({ amount, currency: 'eur', customer });`, `}`, `module.exports = { charge };`),
      findings: [{ line: 3, message: 'a second charge' }],
      output: lines(
        STRIPE_CJS,
        `async function charge(orderId, amount, customer) {`,
        `  return stripe.charges.create({ amount, currency: 'eur', customer }, { idempotencyKey: \`charge-\${orderId}\` });`,
        `}`,
        `module.exports = { charge };`,
      ),
    },
    {
      name: 'an options object without the key gets it added, in its layout',
      code: lines(
        STRIPE,
        `export async function payout(payoutId: string, account: string) {`,
        `  return stripe.payouts.create(`,
        `    { amount: 500, currency: 'usd' },`,
        `    {`,
        `      stripeAccount: account,`,
        `    },`,
        `  );`,
        `}`,
      ),
      findings: [{ line: 4, message: 'a second payout' }],
      output: lines(
        STRIPE,
        `export async function payout(payoutId: string, account: string) {`,
        `  return stripe.payouts.create(`,
        `    { amount: 500, currency: 'usd' },`,
        `    {`,
        `      stripeAccount: account,`,
        `      idempotencyKey: \`payout-\${payoutId}\`,`,
        `    },`,
        `  );`,
        `}`,
      ),
    },
    {
      name: 'a class with a declared Stripe property assigned in the constructor (NestJS style); the event id is used',
      code: lines(
        `import Stripe from 'stripe';`,
        `export class BillingService {`,
        `  private stripe: Stripe;`,
        `  constructor() {`,
        `    this.stripe = new Stripe('sk');`,
        `  }`,
        `  async onInvoicePaid(event: { id: string; data: { amount: number } }) {`,
        `    await this.stripe.transfers.create({ amount: event.data.amount, currency: 'usd', destination: 'acct_1' });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 8, message: 'a second transfer' }],
      output: lines(
        `import Stripe from 'stripe';`,
        `export class BillingService {`,
        `  private stripe: Stripe;`,
        `  constructor() {`,
        `    this.stripe = new Stripe('sk');`,
        `  }`,
        `  async onInvoicePaid(event: { id: string; data: { amount: number } }) {`,
        `    await this.stripe.transfers.create({ amount: event.data.amount, currency: 'usd', destination: 'acct_1' }, { idempotencyKey: \`transfer-\${event.id}\` });`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'an injected client typed Stripe; no stable id in scope gives a placeholder',
      code: lines(
        `import Stripe from 'stripe';`,
        `export class Subscriptions {`,
        `  constructor(private readonly stripe: Stripe) {}`,
        `  async start(customer: string, price: string) {`,
        `    return this.stripe.subscriptions.create({ customer, items: [{ price }] });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 5, message: 'a second subscription' }],
      output: lines(
        `import Stripe from 'stripe';`,
        `export class Subscriptions {`,
        `  constructor(private readonly stripe: Stripe) {}`,
        `  async start(customer: string, price: string) {`,
        `    return this.stripe.subscriptions.create({ customer, items: [{ price }] }, { idempotencyKey: \`subscription-\${'<stable id of this subscription>'}\` });`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'a JavaScript class that requires stripe in its constructor',
      filename: 'payments.js',
      code: lines(
        `class Payments {`,
        `  constructor(key) {`,
        `    this.stripe = require('stripe')(key);`,
        `  }`,
        `  async pay(payment) {`,
        `    const intent = await this.stripe.paymentIntents.create({ amount: payment.amount, currency: 'usd', confirm: true });`,
        `    return { id: payment.id, intent };`,
        `  }`,
        `}`,
        `module.exports = Payments;`,
      ),
      findings: [{ line: 6, message: 'a second PaymentIntent' }],
      output: lines(
        `class Payments {`,
        `  constructor(key) {`,
        `    this.stripe = require('stripe')(key);`,
        `  }`,
        `  async pay(payment) {`,
        `    const intent = await this.stripe.paymentIntents.create({ amount: payment.amount, currency: 'usd', confirm: true }, { idempotencyKey: \`payment-intent-\${payment.id}\` });`,
        `    return { id: payment.id, intent };`,
        `  }`,
        `}`,
        `module.exports = Payments;`,
      ),
    },
    {
      name: 'a client got from a project method that returns a project class extending Stripe',
      code: lines(
        `import Stripe from 'stripe';`,
        `class ShopStripeClient extends Stripe {`,
        `  webhookSecret = '';`,
        `}`,
        `export class StripeService {`,
        `  async client(): Promise<ShopStripeClient> {`,
        `    return new ShopStripeClient('sk');`,
        `  }`,
        `  async refund(payment: { id: string; transactionId: string }, amount: number) {`,
        `    const stripe = await this.client();`,
        `    return stripe.refunds.create({ payment_intent: payment.transactionId, amount });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 11, message: 'a second refund' }],
    },
    {
      name: 'a transfer reversal takes its options third',
      code: lines(STRIPE, `export async function reverse(transferId: string, refundId: string) {`, `  return stripe.transfers.createReversal(transferId, { amount: 100 });`, `}`),
      findings: [{ line: 4, message: 'a second transfer reversal' }],
      output: lines(
        STRIPE,
        `export async function reverse(transferId: string, refundId: string) {`,
        `  return stripe.transfers.createReversal(transferId, { amount: 100 }, { idempotencyKey: \`transfer-reversal-\${refundId}\` });`,
        `}`,
      ),
    },
    {
      name: 'inside a loop an id from outside it is not used',
      code: lines(
        STRIPE,
        `export async function refundAll(order: { id: string; charges: string[] }) {`,
        `  for (const charge of order.charges) {`,
        `    await stripe.refunds.create({ charge });`,
        `  }`,
        `}`,
      ),
      findings: [{ line: 5 }],
      output: lines(
        STRIPE,
        `export async function refundAll(order: { id: string; charges: string[] }) {`,
        `  for (const charge of order.charges) {`,
        `    await stripe.refunds.create({ charge }, { idempotencyKey: \`refund-\${'<stable id of this refund>'}\` });`,
        `  }`,
        `}`,
      ),
    },
    {
      name: 'an idempotency key the code holds is used as it is',
      code: lines(STRIPE, `export async function topUp(idempotencyKey: string) {`, `  return stripe.topups.create({ amount: 2000, currency: 'usd' });`, `}`),
      findings: [{ line: 4 }],
      output: lines(STRIPE, `export async function topUp(idempotencyKey: string) {`, `  return stripe.topups.create({ amount: 2000, currency: 'usd' }, { idempotencyKey });`, `}`),
    },
    {
      name: 'Adyen payment without a key (ESM)',
      code: lines(
        `import { Client, CheckoutAPI } from '@adyen/api-library';`,
        `const checkout = new CheckoutAPI(new Client({ apiKey: 'x', environment: 'TEST' }));`,
        `export async function pay(request: any, orderId: string) {`,
        `  return checkout.PaymentsApi.payments(request);`,
        `}`,
      ),
      findings: [{ line: 4, message: 'at Adyen' }],
      output: lines(
        `import { Client, CheckoutAPI } from '@adyen/api-library';`,
        `const checkout = new CheckoutAPI(new Client({ apiKey: 'x', environment: 'TEST' }));`,
        `export async function pay(request: any, orderId: string) {`,
        `  return checkout.PaymentsApi.payments(request, { idempotencyKey: \`payment-\${orderId}\` });`,
        `}`,
      ),
    },
    {
      name: 'PayPal server SDK refund without paypalRequestId',
      code: lines(
        `import { PaymentsController } from '@paypal/paypal-server-sdk';`,
        `export async function refund(payments: PaymentsController, captureId: string, refundId: string) {`,
        `  return payments.refundCapturedPayment({ captureId, body: {} });`,
        `}`,
      ),
      findings: [{ line: 3, message: 'at PayPal' }],
      output: lines(
        `import { PaymentsController } from '@paypal/paypal-server-sdk';`,
        `export async function refund(payments: PaymentsController, captureId: string, refundId: string) {`,
        `  return payments.refundCapturedPayment({ captureId, body: {}, paypalRequestId: \`refund-\${refundId}\` });`,
        `}`,
      ),
    },
    {
      name: 'PayPal checkout-server-sdk refund request without a request id (CommonJS)',
      filename: 'refunds.js',
      code: lines(
        `const paypal = require('@paypal/checkout-server-sdk');`,
        `async function refund(client, captureId, refundId) {`,
        `  const request = new paypal.payments.CapturesRefundRequest(captureId);`,
        `  request.requestBody({});`,
        `  return client.execute(request);`,
        `}`,
        `module.exports = { refund };`,
      ),
      findings: [{ line: 3, message: 'a second refund' }],
      output: lines(
        `const paypal = require('@paypal/checkout-server-sdk');`,
        `async function refund(client, captureId, refundId) {`,
        `  const request = new paypal.payments.CapturesRefundRequest(captureId);`,
        `  request.payPalRequestId(\`refund-\${refundId}\`);`,
        `  request.requestBody({});`,
        `  return client.execute(request);`,
        `}`,
        `module.exports = { refund };`,
      ),
    },
    {
      name: 'a fetch POST to Stripe refunds without an Idempotency-Key header',
      code: lines(
        `export async function refund(chargeId: string, refundId: string) {`,
        `  return fetch('https://api.stripe.com/v1/refunds', {`,
        `    method: 'POST',`,
        `    headers: { Authorization: 'Bearer x' },`,
        `    body: new URLSearchParams({ charge: chargeId }),`,
        `  });`,
        `}`,
      ),
      findings: [{ line: 2, message: 'sends no `Idempotency-Key` header' }],
      output: lines(
        `export async function refund(chargeId: string, refundId: string) {`,
        `  return fetch('https://api.stripe.com/v1/refunds', {`,
        `    method: 'POST',`,
        `    headers: { Authorization: 'Bearer x', 'Idempotency-Key': \`payment-\${refundId}\` },`,
        `    body: new URLSearchParams({ charge: chargeId }),`,
        `  });`,
        `}`,
      ),
    },
    {
      name: 'an axios POST to a PayPal capture refund through a const base URL (CommonJS)',
      filename: 'paypal-http.js',
      code: lines(
        `const axios = require("axios");`,
        `const PAYPAL_API = "https://api-m.paypal.com";`,
        `async function refund(captureId, token) {`,
        `  return axios.post(\`\${PAYPAL_API}/v2/payments/captures/\${captureId}/refund\`, {}, { headers: { Authorization: \`Bearer \${token}\` } });`,
        `}`,
        `module.exports = { refund };`,
      ),
      findings: [{ line: 4, message: 'PayPal-Request-Id' }],
      output: lines(
        `const axios = require("axios");`,
        `const PAYPAL_API = "https://api-m.paypal.com";`,
        `async function refund(captureId, token) {`,
        `  return axios.post(\`\${PAYPAL_API}/v2/payments/captures/\${captureId}/refund\`, {}, { headers: { Authorization: \`Bearer \${token}\`, "PayPal-Request-Id": \`payment-\${"<stable id of this payment>"}\` } });`,
        `}`,
        `module.exports = { refund };`,
      ),
    },
    {
      name: 'a placeholder key left as the fix wrote it is still reported, with no fix',
      code: lines(STRIPE, `export async function pay() {`, `  return stripe.charges.create({ amount: 1 }, { idempotencyKey: \`charge-\${'<stable id of this charge>'}\` });`, `}`),
      findings: [{ line: 4, message: 'placeholder' }],
    },
  ],
});

describe('rule missing-idempotency-key: the placeholder fix', () => {
  const code = lines(STRIPE, `export async function pay(amount: number) {`, `  return stripe.charges.create({ amount, currency: 'usd' });`, `}`);

  it('marks its placeholder, which keeps the finding (with no fix) until replaced, and a real id clears it', () => {
    const [finding] = findingsOf(missingIdempotencyKey, code);
    const fix = finding?.fixes[0];
    assert.ok(fix?.placeholder, 'the fix names its placeholder');
    assert.equal(fix.batchable, undefined);
    const fixed = applyFix(code, fix);
    assert.ok(fixed.includes(fix.placeholder));
    assert.ok(parses(fixed));
    const left = findingsOf(missingIdempotencyKey, fixed);
    assert.equal(left.length, 1);
    assert.match(left[0]!.message, /placeholder/);
    assert.deepEqual(left[0]!.fixes, []);
    assert.deepEqual(findingsOf(missingIdempotencyKey, fixed.replace(fix.placeholder, 'String(amount)')), []);
  });
});
