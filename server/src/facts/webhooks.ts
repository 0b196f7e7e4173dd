import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import { FileFacts } from './index';
import { databaseOperationOf, sqlTextOf, type DatabaseOperation } from './database-operations';
import { declaredInstanceOrigin } from './declared-types';
import { calleeFunctions, functionsOf, isFunctionLike, type FunctionLike } from './function-summary';
import { directIoCall } from './io';
import type { Origin } from './origin';
import { paymentCalls, paymentClientOf } from './payment-calls';
import { enqueues, optionIn } from './queues';
import { requestHandlingFunctions, routeRegistrations, type RouteRegistration } from './routes';
import { isFunctionScope, unwrapExpression } from './syntax';
import { LOG_LIKE_MODELS } from './tables/databases';
import {
  CLAIM_METHODS,
  DUPLICATE_ERROR,
  EVENT_ID_HEADERS,
  EVENT_ID_NAME,
  EVENT_OBJECT_NAME,
  HMAC_MODULES,
  MESSAGE_SENDERS,
  NOT_WEBHOOK_PATH_SEGMENT,
  REQUEST_BODY,
  SIGNATURE_HEADERS,
  SIGNATURE_VERIFIERS,
  WEBHOOK_PATH_SEGMENT,
  type SignatureVerifier,
} from './tables/webhooks';

/**
 * Webhook handlers and what they do when a delivery comes again (non-idempotent-handler):
 *
 * - `webhookHandlers(facts)`: the functions of a file that receive a provider's events: route handlers of a
 *   webhook path (`POST /webhooks/stripe`, `/paypal/ipn`, a Next.js `app/api/webhooks/route.ts`; not a login
 *   callback `/auth/github/callback` nor the management API `/webhooks/endpoints`), route handlers that verify
 *   a provider's signature on the way (`stripe.webhooks.constructEvent`, Svix `wh.verify`, `@octokit/webhooks`,
 *   Twilio `validateRequest`, `crypto.createHmac` beside an `x-shopify-hmac-sha256` header), and functions
 *   elsewhere that verify one (a service's `handleWebhook(body, signature)`) or are registered as the
 *   handlers of verified events (`webhooks.on('push', handler)`).
 * - `handlerSteps(fn)`: what a handler does, in the order its code runs, following the project's own functions
 *   it calls (into other files): side effects that a second delivery repeats, and deduplication.
 *
 * What counts as "keyed on the event id": the value or the field of a lookup, upsert key, insert or job id
 * is the event's id as the provider sends it: `event.id` of the event object (a verified event, the request
 * body, a parameter named `event`/`payload`), an id header (`svix-id`, `x-github-delivery`), a name that says
 * it (`eventId`, `stripeEventId`, `deliveryId`), or a variable or parameter that was given one of those.
 * `event.data.object.id` is the object's id (a natural key), not the event's.
 */

export interface WebhookHandler {
  fn: FunctionLike;
  /** How it was recognised: its route's path, or the signature it verifies. */
  via: 'path' | 'signature';
  /** The route's path, when a route registers it. */
  path?: string;
  /** The provider whose signature it checks, when it does. */
  provider?: string;
}

export type HandlerStep =
  | { kind: 'effect'; call: CallExpression; label: string; effect: string; through: CallExpression[] }
  | { kind: 'dedup'; call: CallExpression; through: CallExpression[] };

const READ_METHODS = new Set(['get', 'head', 'options']);
const MAX_DEPTH = 4;
const MAX_CALLS = 3000;

// ---------------------------------------------------------------------------
// Which functions handle webhooks

export function webhookHandlers(facts: FileFacts): WebhookHandler[] {
  return facts.memo('webhooks.handlers', () => {
    const handlers: WebhookHandler[] = [];
    const seen = new Set<Node>();
    const add = (handler: WebhookHandler): void => {
      if (seen.has(handler.fn)) return;
      seen.add(handler.fn);
      handlers.push(handler);
    };
    for (const registration of routeRegistrations(facts)) {
      if (registration.kind !== 'route' || READ_METHODS.has(registration.method)) continue;
      for (const fn of registration.handlers.flatMap(handlerFunctions)) {
        const provider = verifiedProvider(fn);
        if (isWebhookPath(registration.path)) add({ fn, via: 'path', path: registration.path, provider });
        else if (provider) add({ fn, via: 'signature', path: registration.path, provider });
      }
    }
    const verifications = signatureVerifications(facts);
    // Which functions routes run is only asked when the file verifies a signature somewhere.
    const routed = verifications.length > 0 ? requestHandlingFunctions(facts) : new Set<Node>();
    for (const verification of verifications) {
      for (const fn of verification.handlers) add({ fn, via: 'signature', provider: verification.provider });
      const enclosing = verification.call.getFirstAncestor(isFunctionScope);
      if (enclosing && isFunctionLike(enclosing) && !routed.has(enclosing) && !insideAny(enclosing, routed)) add({ fn: enclosing, via: 'signature', provider: verification.provider });
    }
    return handlers;
  });
}

/** A path with a webhook segment (`/webhooks/stripe`, `/api/paypal/ipn`), and none that makes it a login callback or a management API. */
export function isWebhookPath(path: string | undefined): boolean {
  if (path === undefined) return false;
  const segments = path.split('/').filter((segment) => segment !== '' && !/^[:[{$*]/.test(segment));
  if (!segments.some((segment) => WEBHOOK_PATH_SEGMENT.test(segment))) return false;
  return !segments.some((segment) => NOT_WEBHOOK_PATH_SEGMENT.test(segment));
}

function handlerFunctions(handler: Node): FunctionLike[] {
  const node = unwrapExpression(handler);
  if (isFunctionLike(node)) return [node];
  if (Node.isCallExpression(node)) return node.getArguments().flatMap(handlerFunctions);
  if (Node.isArrayLiteralExpression(node)) return node.getElements().flatMap(handlerFunctions);
  return functionsOf(node) ?? [];
}

function insideAny(node: Node, functions: ReadonlySet<Node>): boolean {
  return node.getAncestors().some((ancestor) => functions.has(ancestor));
}

interface Verification {
  call: CallExpression;
  provider: string;
  /** Functions the call registers as handlers of verified events. */
  handlers: FunctionLike[];
}

const VERIFIER_NAMES = new Set(SIGNATURE_VERIFIERS.map((verifier) => verifier.path[verifier.path.length - 1]!));

/** The signature checks of a file: provider SDK calls, and `createHmac` beside a provider's signature header. */
export function signatureVerifications(facts: FileFacts): Verification[] {
  return facts.memo('webhooks.verifications', () => {
    const found: Verification[] = [];
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const callee = unwrapExpression(call.getExpression());
      const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : undefined;
      if (name === undefined) continue;
      if (VERIFIER_NAMES.has(name)) {
        const verifier = SIGNATURE_VERIFIERS.find((candidate) => matchesVerifier(callee, candidate, facts));
        if (verifier) found.push({ call, provider: verifier.provider, handlers: (verifier.handlers ?? []).flatMap((index) => (call.getArguments()[index] ? handlerFunctions(call.getArguments()[index]!) : [])) });
      } else if (name === 'createHmac' && isModuleFunction(facts.origin(callee), HMAC_MODULES, 'createHmac')) {
        const provider = hmacProvider(call);
        if (provider) found.push({ call, provider, handlers: [] });
      }
    }
    return found;
  });
}

/** The provider whose signature a function (or a project function it calls, two calls deep) checks. */
function verifiedProvider(fn: FunctionLike): string | undefined {
  return verifiedWithin(fn, 2);
}

/**
 * What `verifiedProvider` found for a function with `remaining` calls left to
 * follow, kept for the run: every route of a project calls the same services,
 * and each is searched once, not once per route. A file's nodes are new
 * objects once it changes, so its entries are never read stale.
 */
const verifiedCache = new WeakMap<Node, (string | null)[]>();

function verifiedWithin(fn: FunctionLike, remaining: number): string | undefined {
  let entry = verifiedCache.get(fn);
  if (!entry) {
    entry = [];
    verifiedCache.set(fn, entry);
  }
  const cached = entry[remaining];
  if (cached !== undefined) return cached ?? undefined;
  entry[remaining] = null; // a call cycle finds nothing new
  const facts = FileFacts.of(fn.getSourceFile());
  let provider = signatureVerifications(facts).find((verification) => contains(fn, verification.call))?.provider;
  if (!provider && remaining > 0) {
    search: for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      for (const callee of calleeFunctions(call) ?? []) {
        provider = verifiedWithin(callee, remaining - 1);
        if (provider) break search;
      }
    }
  }
  entry[remaining] = provider ?? null;
  return provider;
}

function matchesVerifier(callee: Node, verifier: SignatureVerifier, facts: FileFacts): boolean {
  // The member path below the client: `stripe.webhooks.constructEvent` → receiver `stripe`.
  let receiver: Node = callee;
  for (let i = verifier.path.length - 1; i >= 0; i -= 1) {
    if (Node.isPropertyAccessExpression(receiver) && receiver.getName() === verifier.path[i]) receiver = unwrapExpression(receiver.getExpression());
    else if (i === verifier.path.length - 1 && Node.isIdentifier(receiver) && receiver.getText() === verifier.path[i]) return isModuleFunction(facts.origin(receiver), verifier.modules, receiver.getText());
    else return false;
  }
  if (moduleBehind(facts.origin(receiver), verifier.modules)) return true;
  const declared = declaredInstanceOrigin(receiver, facts);
  if (declared && verifier.modules.includes(declared.module)) return true;
  return verifier.provider === 'Stripe' && paymentClientOf(receiver, facts)?.provider === 'Stripe';
}

/** `createHmac` imported from `crypto` (`import { createHmac }`, `crypto.createHmac`, `require('node:crypto')`). */
function isModuleFunction(origin: Origin, modules: readonly string[], name: string): boolean {
  return origin.kind === 'module' && modules.includes(origin.module) && origin.path[origin.path.length - 1] === name;
}

/** A value made by one of `modules`: the module itself, a member of it, or what its calls return, through consts. */
function moduleBehind(origin: Origin, modules: readonly string[]): boolean {
  let current: Origin = origin;
  for (let i = 0; i < 8; i += 1) {
    if (current.kind === 'module') return modules.includes(current.module);
    if (current.kind !== 'call') return false;
    current = current.callee;
  }
  return false;
}

/** `createHmac(...)` in a function that reads a provider's signature header. */
function hmacProvider(call: CallExpression): string | undefined {
  const fn = call.getFirstAncestor(isFunctionScope) ?? call.getSourceFile();
  for (const literal of [...fn.getDescendantsOfKind(SyntaxKind.StringLiteral), ...fn.getDescendantsOfKind(SyntaxKind.NoSubstitutionTemplateLiteral)]) {
    const provider = SIGNATURE_HEADERS[literal.getLiteralValue().toLowerCase()];
    if (provider) return provider;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// What a handler does, in order

/** The names that stand for the event and for its id in one function's scope (see the module's comment). */
interface EventNames {
  events: Set<string>;
  ids: Set<string>;
}

export function handlerSteps(fn: FunctionLike): HandlerStep[] {
  const steps: HandlerStep[] = [];
  const visited = new Set<Node>();
  let budget = MAX_CALLS;
  const walk = (current: FunctionLike, names: EventNames, through: CallExpression[], depth: number): void => {
    if (visited.has(current) || depth > MAX_DEPTH) return;
    visited.add(current);
    const facts = FileFacts.of(current.getSourceFile());
    const body = current.getBody();
    if (!body) return;
    const scope = bindEventNames(current, names, facts);
    const calls = body.getDescendantsOfKind(SyntaxKind.CallExpression);
    if (Node.isCallExpression(body)) calls.unshift(body);
    for (const call of calls) {
      if ((budget -= 1) < 0) return;
      const step = stepOf(call, scope, facts, through);
      if (step) {
        steps.push(step);
        continue;
      }
      for (const callee of calleeFunctions(call) ?? []) walk(callee, argumentNames(call, callee, scope), [...through, call], depth + 1);
    }
  };
  walk(fn, { events: new Set(), ids: new Set() }, [], 0);
  return steps;
}

/** The event and event-id names of a function: those handed in, and its variables given one (`const event = stripe.webhooks.constructEvent(...)`, `const eventId = event.id`). */
function bindEventNames(fn: FunctionLike, handed: EventNames, facts: FileFacts): EventNames {
  const names: EventNames = { events: new Set(handed.events), ids: new Set(handed.ids) };
  const verifications = signatureVerifications(facts);
  for (const declaration of fn.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    const initializer = declaration.getInitializer();
    if (!initializer) continue;
    const value = stripAwait(initializer);
    const nameNode = declaration.getNameNode();
    if (Node.isIdentifier(nameNode)) {
      const name = nameNode.getText();
      if (isEventObject(value, names) || verifications.some((verification) => verification.call === value) || isParsedBody(value)) names.events.add(name);
      else if (mentionsEventId(value, names)) names.ids.add(name);
    } else if (Node.isObjectBindingPattern(nameNode) && isEventObject(value, names)) {
      // `const { id } = event`: the id; `const { id: eventId } = req.body`.
      for (const element of nameNode.getElements()) {
        if ((element.getPropertyNameNode()?.getText() ?? element.getName()) === 'id') names.ids.add(element.getName());
      }
    }
  }
  return names;
}

/** The names a callee's parameters get from a call's arguments: the event, the event id. */
function argumentNames(call: CallExpression, callee: FunctionLike, scope: EventNames): EventNames {
  const names: EventNames = { events: new Set(), ids: new Set() };
  const parameters = Node.isArrowFunction(callee) || Node.isFunctionExpression(callee) || Node.isFunctionDeclaration(callee) || Node.isMethodDeclaration(callee) ? callee.getParameters() : [];
  call.getArguments().forEach((argument, index) => {
    const parameter = parameters[index];
    const nameNode = parameter?.getNameNode();
    if (!nameNode || !Node.isIdentifier(nameNode)) return;
    const value = stripAwait(argument);
    if (isEventObject(value, scope)) names.events.add(nameNode.getText());
    else if (mentionsEventId(value, scope)) names.ids.add(nameNode.getText());
  });
  return names;
}

function stripAwait(node: Node): Node {
  let value = unwrapExpression(node);
  while (Node.isAwaitExpression(value)) value = unwrapExpression(value.getExpression());
  return value;
}

/** The event object: a name bound to it or named like it, the request body. */
function isEventObject(node: Node, names: EventNames): boolean {
  const value = stripAwait(node);
  if (Node.isIdentifier(value)) return names.events.has(value.getText()) || EVENT_OBJECT_NAME.test(value.getText());
  return REQUEST_BODY.test(value.getText().replace(/\s+/g, ''));
}

/** `await req.json()`, `JSON.parse(rawBody)`: the body the provider posted. */
function isParsedBody(node: Node): boolean {
  if (!Node.isCallExpression(node)) return false;
  const callee = unwrapExpression(node.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return false;
  if (callee.getName() === 'json' && node.getArguments().length === 0) return /^(req|request)$/.test(callee.getExpression().getText());
  return callee.getText() === 'JSON.parse';
}

/** True when the expression reads the event's id (see the module's comment). */
export function mentionsEventId(node: Node, names: EventNames): boolean {
  const check = (candidate: Node): boolean => {
    if (Node.isIdentifier(candidate)) return names.ids.has(candidate.getText()) || EVENT_ID_NAME.test(candidate.getText());
    if (Node.isPropertyAccessExpression(candidate) && candidate.getName() === 'id') return isEventObject(candidate.getExpression(), names);
    if (Node.isStringLiteral(candidate) || Node.isNoSubstitutionTemplateLiteral(candidate)) return EVENT_ID_HEADERS.includes(candidate.getLiteralValue().toLowerCase());
    return false;
  };
  return check(node) || node.getDescendants().some(check);
}

function stepOf(call: CallExpression, names: EventNames, facts: FileFacts, through: CallExpression[]): HandlerStep | undefined {
  // Known clients first: a Twilio `client.messages.create` is no Prisma call, whatever the client is named.
  const payment = paymentCalls(facts).find((candidate) => candidate.node === call);
  if (payment) return payment.key.state === 'present' ? undefined : { kind: 'effect', call, label: payment.label, effect: payment.repeat, through };
  const sender = messageSenderOf(call, facts);
  if (sender) return { kind: 'effect', call, label: labelOf(call), effect: `a second ${sender}`, through };
  const enqueue = enqueues(facts).find((candidate) => candidate.call === call);
  if (enqueue) return enqueueStep(call, enqueue.label, enqueue.jobs.map((job) => job.options), names, through);
  const operation = databaseOperationOf(call, facts);
  if (operation) return databaseStep(operation, names, through);
  if (isClaim(call, names, facts)) return { kind: 'dedup', call, through };
  return undefined;
}

function databaseStep(operation: DatabaseOperation, names: EventNames, through: CallExpression[]): HandlerStep | undefined {
  const { call, kind } = operation;
  if (kind === 'read' || kind === 'list-read') return mentionsEventId(call, names) ? { kind: 'dedup', call, through } : undefined;
  if (kind === 'upsert' || kind === 'insert-ignore') {
    // Keyed on the event id: a key field that names it, a `where` whose value is it, or a row of its own
    // (`INSERT INTO processed_events (id) VALUES ($1) ON CONFLICT DO NOTHING` given `[event.id]`).
    const keyed = (operation.keys ?? []).some((key) => EVENT_ID_NAME.test(key) || names.ids.has(key)) || mentionsEventId(call, names);
    return keyed ? { kind: 'dedup', call, through } : undefined;
  }
  if (operation.target !== undefined && LOG_LIKE_MODELS.test(operation.target)) return undefined;
  const effect = repeatedWrite(operation);
  if (!effect) return undefined;
  if (effect === 'insert' && mentionsEventId(call, names) && duplicateHandled(call)) return { kind: 'dedup', call, through };
  const target = operation.target ? `\`${operation.target}\` ` : '';
  return { kind: 'effect', call, label: labelOf(call), effect: effect === 'insert' ? `a second ${target}row` : `the ${target}counter moved twice`, through };
}

const INSERT_METHODS = /^(create|createMany|createManyAndReturn|insert|insertMany|insertOne|bulkCreate|bulkInsert|save|persist|persistAndFlush|add|bulkWrite|replaceOne)$/;
const COUNTING = /\b(increment|decrement|\$inc|\$push|\$addToSet|push|create|createMany|connectOrCreate)\s*:|\.(increment|decrement)\(|\bset\s+\w+\s*=\s*\w+\s*[+-]/i;

/**
 * What a repeat of a write does: `insert` (a second row), `count` (a counter moved twice, a row appended);
 * undefined when running it again leaves the same state (an update to the event's values, a delete).
 */
function repeatedWrite(operation: DatabaseOperation): 'insert' | 'count' | undefined {
  const { call, method } = operation;
  if (operation.library.sqlMethods?.includes(method)) {
    const text = (sqlTextOf(call) ?? '').trim();
    if (/^insert\b/i.test(text)) return 'insert';
    return COUNTING.test(text) ? 'count' : undefined;
  }
  if (INSERT_METHODS.test(method)) return 'insert';
  if (/increment|decrement/i.test(method)) return 'count';
  return COUNTING.test(call.getArguments().map((arg) => arg.getText()).join(' ')) ? 'count' : undefined;
}

/** The write's duplicate-key error is caught and handled: a `.catch` or a `try` around it whose handler names it or leaves the function. */
function duplicateHandled(call: CallExpression): boolean {
  for (let node: Node = call; ; ) {
    const access = node.getParent();
    const next = access?.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || !next || !Node.isCallExpression(next) || next.getExpression() !== access) break;
    if (access.getName() === 'catch') return true;
    node = next;
  }
  for (let current: Node | undefined = call.getParent(); current && !isFunctionScope(current); current = current.getParent()) {
    const parent = current.getParent();
    if (parent && Node.isTryStatement(parent) && parent.getTryBlock() === current) {
      const clause = parent.getCatchClause();
      if (!clause) continue;
      const block = clause.getBlock();
      return DUPLICATE_ERROR.test(block.getText()) || block.getDescendantsOfKind(SyntaxKind.ReturnStatement).length > 0;
    }
  }
  return false;
}

function enqueueStep(call: CallExpression, label: string, options: (Node | undefined)[], names: EventNames, through: CallExpression[]): HandlerStep | undefined {
  const jobIds = options.map((node) => optionIn(node, 'jobId'));
  if (jobIds.some((id) => id.state === 'set' && mentionsEventId(id.value, names))) return { kind: 'dedup', call, through };
  // A job id of its own (an order's id) makes the enqueue a no-op on a repeat; one the code cannot see is not judged.
  if (jobIds.every((id) => id.state === 'missing')) return { kind: 'effect', call, label, effect: 'a second job', through };
  return undefined;
}

const SENDER_NAMES = new Set(MESSAGE_SENDERS.map((sender) => sender.path[sender.path.length - 1]!));

/** `transporter.sendMail(...)`, `resend.emails.send(...)`, `twilio.messages.create(...)`: a message to a person. */
function messageSenderOf(call: CallExpression, facts: FileFacts): string | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || !SENDER_NAMES.has(callee.getName())) return undefined;
  const module = directIoCall(call, facts)?.client?.module ?? rootModuleOf(callee, facts);
  if (module === undefined) return undefined;
  for (const sender of MESSAGE_SENDERS) {
    if (!sender.modules.some((candidate) => module === candidate)) continue;
    let node: Node = callee;
    const matches = [...sender.path].reverse().every((name) => {
      if (!Node.isPropertyAccessExpression(node) || node.getName() !== name) return false;
      node = unwrapExpression(node.getExpression());
      return true;
    });
    if (matches) return sender.what;
  }
  return undefined;
}

function rootModuleOf(callee: Node, facts: FileFacts): string | undefined {
  let current: Origin = facts.origin(callee);
  for (let i = 0; i < 8; i += 1) {
    if (current.kind === 'module') return current.module;
    if (current.kind !== 'call') break;
    current = current.callee;
  }
  return Node.isPropertyAccessExpression(callee) ? declaredInstanceOrigin(callee.getExpression(), facts)?.module : undefined;
}

/** `redis.set(\`webhook:${event.id}\`, '1', 'NX')`, `redis.setnx(eventId, 1)`: a claim on the event id in Redis. */
function isClaim(call: CallExpression, names: EventNames, facts: FileFacts): boolean {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || !CLAIM_METHODS.includes(callee.getName())) return false;
  const args = call.getArguments();
  if (args.length === 0 || !mentionsEventId(args[0]!, names)) return false;
  if (directIoCall(call, facts)?.client?.service !== 'Redis') return false;
  if (/nx|sadd/i.test(callee.getName())) return true;
  return args.slice(1).some((arg) => /^['"`]NX['"`]$/i.test(arg.getText()) || /\bNX\s*:\s*true\b/i.test(arg.getText()));
}

function labelOf(call: CallExpression): string {
  const text = call.getExpression().getText().replace(/\s+/g, '');
  return `${text.length > 50 ? `…${text.slice(-47)}` : text}()`;
}

function contains(outer: Node, inner: Node): boolean {
  return outer.getSourceFile() === inner.getSourceFile() && outer.getStart() <= inner.getStart() && inner.getEnd() <= outer.getEnd();
}
