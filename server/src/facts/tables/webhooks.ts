/**
 * Webhooks: how a handler that a provider calls is recognised, what identifies
 * one delivery of an event, and which calls repeat an effect when a delivery
 * comes twice (facts/webhooks.ts, rule non-idempotent-handler). Adding a
 * provider is a change to this table only.
 */

/** A path segment that names a receiver of pushed events: `/webhooks/stripe`, `/paypal/ipn`, `/api/github/events`. */
export const WEBHOOK_PATH_SEGMENT = /^(?:webhooks?|web-hooks?|callbacks?|notify|ipn|events)$/i;

/**
 * Segments that make a path something else: a login callback of OAuth/OIDC/SAML (`/auth/github/callback`),
 * or the management API of the project's own webhooks (`/webhooks/endpoints/:id`, `/webhooks/deliveries`).
 */
export const NOT_WEBHOOK_PATH_SEGMENT =
  /^(?:auth|oauth2?|oidc|openid|saml|sso|login|log-in|signin|sign-in|signup|sign-up|connect|authorize|authorization|session|endpoints?|deliveries|delivery|subscriptions?|settings|logs?|tester|test|replay|secret|rotate-secret|enable|disable|samples?)$/i;

/**
 * A call that checks a provider's signature on the request: the function that makes it handles a webhook.
 * `path` is the callee's member path below the client or module (`['webhooks', 'constructEvent']`);
 * `module` is the package the client or function comes from; `handlers`: the call registers the
 * handlers of verified events (`webhooks.on('push', handler)`), passed at these argument positions.
 */
export interface SignatureVerifier {
  provider: string;
  modules: readonly string[];
  /** The last names of the callee's member path. */
  path: readonly string[];
  handlers?: readonly number[];
}

export const SIGNATURE_VERIFIERS: readonly SignatureVerifier[] = [
  { provider: 'Stripe', modules: ['stripe'], path: ['webhooks', 'constructEvent'] },
  { provider: 'Stripe', modules: ['stripe'], path: ['webhooks', 'constructEventAsync'] },
  { provider: 'Svix', modules: ['svix'], path: ['verify'] },
  { provider: 'Standard Webhooks', modules: ['standardwebhooks'], path: ['verify'] },
  { provider: 'GitHub', modules: ['@octokit/webhooks', '@octokit/app', 'octokit'], path: ['verify'] },
  { provider: 'GitHub', modules: ['@octokit/webhooks', '@octokit/app', 'octokit'], path: ['verifyAndReceive'] },
  { provider: 'GitHub', modules: ['@octokit/webhooks', '@octokit/app', 'octokit'], path: ['on'], handlers: [1] },
  { provider: 'GitHub', modules: ['@octokit/webhooks', '@octokit/app', 'octokit'], path: ['onAny'], handlers: [0] },
  { provider: 'Twilio', modules: ['twilio'], path: ['validateRequest'] },
  { provider: 'Twilio', modules: ['twilio'], path: ['validateRequestWithBody'] },
  { provider: 'Twilio', modules: ['twilio'], path: ['validateExpressRequest'] },
  { provider: 'Shopify', modules: ['@shopify/shopify-api'], path: ['webhooks', 'validate'] },
];

/** Hand-rolled HMAC checks: `crypto.createHmac(...)` in a function that reads one of these signature headers. */
export const HMAC_MODULES: readonly string[] = ['crypto'];
export const SIGNATURE_HEADERS: Readonly<Record<string, string>> = {
  'x-shopify-hmac-sha256': 'Shopify',
  'x-hub-signature-256': 'GitHub',
  'x-hub-signature': 'GitHub',
  'stripe-signature': 'Stripe',
  'x-slack-signature': 'Slack',
  'x-twilio-signature': 'Twilio',
  'paddle-signature': 'Paddle',
  'x-razorpay-signature': 'Razorpay',
  'x-cal-signature-256': 'Cal.com',
  'x-signature': 'the provider',
  'x-webhook-signature': 'the provider',
};

/**
 * What identifies one event (and so each of its deliveries), as the provider sends it:
 * - headers that carry the delivery's or event's id;
 * - field and variable names that hold it (`eventId`, `stripeEventId`, `webhookId`, `deliveryId`);
 * - names of the event object itself, whose `.id` is the event id (`event.id` of a verified Stripe
 *   event, `req.body.id`, `payload.id`). `event.data.object.id` is the object's id, not the event's.
 */
export const EVENT_ID_HEADERS: readonly string[] = [
  'svix-id',
  'webhook-id',
  'x-github-delivery',
  'x-shopify-webhook-id',
  'x-shopify-event-id',
  'x-event-id',
  'x-webhook-id',
  'x-delivery-id',
  'idempotency-key',
  'x-idempotency-key',
  'x-twilio-idempotency-token',
  'paypal-transmission-id',
  'x-request-id',
];
export const EVENT_ID_NAME = /^(?:(?:stripe|provider|external|webhook|github|shopify|paddle|svix)?_?(?:event|delivery|webhook|notification|message)_?id|idempotency_?key|svix_?id|delivery_?guid|message_?sid)$/i;
export const EVENT_OBJECT_NAME = /^(?:event|evt|webhookEvent|webhook_event|stripeEvent|stripe_event|verifiedEvent|payload|webhookPayload|body|notification|delivery)$/i;
/** The request's body: `req.body`, `request.body`, `ctx.request.body`; its `.id` is the event id too. */
export const REQUEST_BODY = /^(?:req|request|ctx\.request|context\.request)\.body$/;

/** How a caught duplicate-key error looks in a catch or `.catch` that handles it (Prisma, Postgres, MySQL, MongoDB, ORMs). */
export const DUPLICATE_ERROR = /P2002|23505|ER_DUP_ENTRY|\b1062\b|\b11000\b|E11000|duplicate|unique|UniqueConstraint|already (?:processed|exists|handled|seen)/i;

/** Redis `SET key value NX` (`'NX'`, `{ NX: true }`, `setnx`): a claim keyed on the event id. */
export const CLAIM_METHODS: readonly string[] = ['set', 'setnx', 'setNX', 'hsetnx', 'sadd', 'sAdd', 'add'];

/**
 * Calls that send a message to a person (a repeat sends it twice), by package:
 * `path` is the callee's last member names.
 */
export interface MessageSender {
  modules: readonly string[];
  path: readonly string[];
  /** What a repeat does, for messages: "sends the e-mail again". */
  what: string;
}

export const MESSAGE_SENDERS: readonly MessageSender[] = [
  { modules: ['nodemailer'], path: ['sendMail'], what: 'e-mail' },
  { modules: ['@sendgrid/mail'], path: ['send'], what: 'e-mail' },
  { modules: ['@sendgrid/mail'], path: ['sendMultiple'], what: 'e-mail' },
  { modules: ['resend'], path: ['emails', 'send'], what: 'e-mail' },
  { modules: ['resend'], path: ['batch', 'send'], what: 'e-mail' },
  { modules: ['postmark'], path: ['sendEmail'], what: 'e-mail' },
  { modules: ['postmark'], path: ['sendEmailWithTemplate'], what: 'e-mail' },
  { modules: ['postmark'], path: ['sendEmailBatch'], what: 'e-mail' },
  { modules: ['twilio'], path: ['messages', 'create'], what: 'text message' },
  { modules: ['@aws-sdk/client-ses', '@aws-sdk/client-sesv2'], path: ['send'], what: 'e-mail' },
  { modules: ['@slack/web-api'], path: ['chat', 'postMessage'], what: 'Slack message' },
];
