/**
 * Payment providers' calls that move money, and where each takes the
 * idempotency key that makes a repeat of the call harmless. Used by
 * facts/payment-calls.ts; adding a provider or a method is a change to this
 * table only.
 *
 * Which creates move money (and so are listed):
 * - Stripe: charges, PaymentIntents (a duplicate unconfirmed intent is not charged,
 *   but `confirm: true` / `off_session` ones are, and the catalog lists them), refunds,
 *   transfers and their reversals, payouts, top-ups, subscriptions (each one bills every
 *   period), invoice items (each one is added to the next invoice), credit notes,
 *   application-fee refunds and customer balance transactions.
 *   Not listed: customers, products, prices, coupons, Checkout Sessions and Payment Links
 *   (the customer pays a session once, however many exist), setup intents and payment
 *   methods (they save a card, no money moves), updates, captures and confirmations of
 *   an existing object (Stripe refuses to capture or confirm it twice), reads and lists.
 * - PayPal: refunds of a capture and captures of an authorization (both may be partial, so
 *   PayPal repeats them). An order capture is not listed: PayPal captures an order once and
 *   answers a repeat with ORDER_ALREADY_CAPTURED; an order create moves no money until the
 *   buyer approves it. Payouts carry a `sender_batch_id` that PayPal deduplicates itself.
 * - Adyen: payments, refunds, captures and reversals, with `idempotencyKey` in the request options.
 * - Braintree takes no idempotency key (`gateway.transaction.sale` has none; its guard is the
 *   gateway's duplicate-transaction checking), so there is nothing for the rule to ask for.
 */

/** Where a call takes its idempotency key: a property of the object at argument `argument`. */
export interface KeySlot {
  argument: number;
  /** The property the key is written as; the first is the one a fix writes. */
  properties: readonly string[];
}

export interface PaymentMethod {
  /** The member path below the client instance: `['refunds', 'create']`. */
  path: readonly string[];
  /** What a repeat creates, for messages: "a second refund". */
  repeat: string;
  /** The key's prefix a fix writes, naming the operation: `refund` → `` `refund-${order.id}` ``. */
  keyPrefix: string;
  key: KeySlot;
}

/** A package whose client instance (`new Stripe(key)`, `require('stripe')(key)`) makes payment calls. */
export interface PaymentClient {
  provider: string;
  module: string;
  /** The exports that make a client, below the module root (`[]`: the module itself, as Stripe's default export). */
  factories: readonly (readonly string[])[];
  methods: readonly PaymentMethod[];
}

const STRIPE_OPTIONS: KeySlot = { argument: 1, properties: ['idempotencyKey', 'idempotency_key'] };
/** Methods on a sub-resource take the parent's id first: `transfers.createReversal(id, params, options)`. */
const STRIPE_NESTED_OPTIONS: KeySlot = { argument: 2, properties: ['idempotencyKey', 'idempotency_key'] };

const stripeCreate = (resource: string, repeat: string, keyPrefix: string): PaymentMethod => ({ path: [resource, 'create'], repeat, keyPrefix, key: STRIPE_OPTIONS });

const ADYEN_OPTIONS: KeySlot = { argument: 1, properties: ['idempotencyKey'] };
const ADYEN_MODIFICATION_OPTIONS: KeySlot = { argument: 2, properties: ['idempotencyKey'] };
const PAYPAL_REQUEST_ID: KeySlot = { argument: 0, properties: ['paypalRequestId'] };

export const PAYMENT_CLIENTS: readonly PaymentClient[] = [
  {
    provider: 'Stripe',
    module: 'stripe',
    factories: [[], ['Stripe']],
    methods: [
      stripeCreate('charges', 'a second charge', 'charge'),
      stripeCreate('paymentIntents', 'a second PaymentIntent (charged twice when it is confirmed at once)', 'payment-intent'),
      stripeCreate('refunds', 'a second refund', 'refund'),
      stripeCreate('transfers', 'a second transfer', 'transfer'),
      stripeCreate('payouts', 'a second payout', 'payout'),
      stripeCreate('topups', 'a second top-up', 'topup'),
      stripeCreate('subscriptions', 'a second subscription, billed every period', 'subscription'),
      stripeCreate('invoiceItems', 'a second invoice item, added to the next invoice', 'invoice-item'),
      stripeCreate('creditNotes', 'a second credit note', 'credit-note'),
      { path: ['transfers', 'createReversal'], repeat: 'a second transfer reversal', keyPrefix: 'transfer-reversal', key: STRIPE_NESTED_OPTIONS },
      { path: ['applicationFees', 'createRefund'], repeat: 'a second application-fee refund', keyPrefix: 'fee-refund', key: STRIPE_NESTED_OPTIONS },
      { path: ['customers', 'createBalanceTransaction'], repeat: 'a second balance transaction', keyPrefix: 'balance-transaction', key: STRIPE_NESTED_OPTIONS },
    ],
  },
  {
    provider: 'Adyen',
    module: '@adyen/api-library',
    factories: [['CheckoutAPI']],
    methods: [
      // v13+ groups the calls by API (`checkout.PaymentsApi.payments`); earlier versions have them on the client.
      { path: ['PaymentsApi', 'payments'], repeat: 'a second payment', keyPrefix: 'payment', key: ADYEN_OPTIONS },
      { path: ['payments'], repeat: 'a second payment', keyPrefix: 'payment', key: ADYEN_OPTIONS },
      { path: ['ModificationsApi', 'refundCapturedPayment'], repeat: 'a second refund', keyPrefix: 'refund', key: ADYEN_MODIFICATION_OPTIONS },
      { path: ['ModificationsApi', 'captureAuthorisedPayment'], repeat: 'a second capture', keyPrefix: 'capture', key: ADYEN_MODIFICATION_OPTIONS },
    ],
  },
  {
    provider: 'PayPal',
    module: '@paypal/paypal-server-sdk',
    factories: [['PaymentsController']],
    methods: [
      { path: ['refundCapturedPayment'], repeat: 'a second refund', keyPrefix: 'refund', key: PAYPAL_REQUEST_ID },
      { path: ['captureAuthorizedPayment'], repeat: 'a second capture', keyPrefix: 'capture', key: PAYPAL_REQUEST_ID },
    ],
  },
];

/**
 * Request classes of `@paypal/checkout-server-sdk`: `new paypal.payments.CapturesRefundRequest(id)`,
 * sent with `client.execute(request)`. The key is a header, set with `request.payPalRequestId(key)`
 * or `request.headers['PayPal-Request-Id'] = key`.
 */
export interface PaymentRequestClass {
  provider: string;
  module: string;
  path: readonly string[];
  repeat: string;
  keyPrefix: string;
  keyMethod: string;
  keyHeader: string;
}

export const PAYMENT_REQUEST_CLASSES: readonly PaymentRequestClass[] = [
  {
    provider: 'PayPal',
    module: '@paypal/checkout-server-sdk',
    path: ['payments', 'CapturesRefundRequest'],
    repeat: 'a second refund',
    keyPrefix: 'refund',
    keyMethod: 'payPalRequestId',
    keyHeader: 'PayPal-Request-Id',
  },
  {
    provider: 'PayPal',
    module: '@paypal/checkout-server-sdk',
    path: ['payments', 'AuthorizationsCaptureRequest'],
    repeat: 'a second capture',
    keyPrefix: 'capture',
    keyMethod: 'payPalRequestId',
    keyHeader: 'PayPal-Request-Id',
  },
];

/**
 * Payment APIs called over plain HTTP: a POST to one of `paths` on a `hosts` host
 * moves money, and `header` carries its idempotency key. Paths are matched on
 * the URL's path with its ids as `{}` (`/v2/payments/captures/{}/refund`).
 */
export interface PaymentEndpoint {
  provider: string;
  hosts: RegExp;
  paths: RegExp;
  header: string;
  repeat: string;
  keyPrefix: string;
}

export const PAYMENT_ENDPOINTS: readonly PaymentEndpoint[] = [
  {
    provider: 'Stripe',
    hosts: /^api\.stripe\.com$/i,
    // The collection itself: a POST to `/v1/refunds` creates, a POST to `/v1/refunds/{id}` updates.
    paths: /^\/v1\/(charges|payment_intents|refunds|transfers|payouts|topups|subscriptions|invoiceitems|credit_notes)\/?$/,
    header: 'Idempotency-Key',
    repeat: 'a second charge, refund or transfer',
    keyPrefix: 'payment',
  },
  {
    provider: 'PayPal',
    hosts: /^api(-m)?(\.sandbox)?\.paypal\.com$/i,
    paths: /^\/v2\/payments\/(captures\/[^/]+\/refund|authorizations\/[^/]+\/capture)\/?$/,
    header: 'PayPal-Request-Id',
    repeat: 'a second refund or capture',
    keyPrefix: 'payment',
  },
  {
    provider: 'Adyen',
    hosts: /^(checkout-test\.adyen\.com|[\w-]+-checkout-live\.adyenpayments\.com)$/i,
    paths: /^(\/checkout)?\/v\d+\/payments(\/[^/]+\/(refunds|captures|reversals))?\/?$/,
    header: 'Idempotency-Key',
    repeat: 'a second payment, refund or capture',
    keyPrefix: 'payment',
  },
  {
    provider: 'Checkout.com',
    hosts: /^api(\.sandbox)?\.checkout\.com$/i,
    paths: /^\/payments(\/[^/]+\/(refunds|captures))?\/?$/,
    header: 'Cko-Idempotency-Key',
    repeat: 'a second payment, refund or capture',
    keyPrefix: 'payment',
  },
];

/** Header names that carry an idempotency key, whatever the provider calls it. */
export const IDEMPOTENCY_HEADER = /^(idempotency[-_]?key|paypal-request-id|cko-idempotency-key|x-idempotency-key)$/i;
