import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from '../facts';
import { entryPointOf, hasEntryPoints, type EntryPoint } from '../facts/entry-points';
import { isSameOriginPath, outboundHttpCalls, type OutboundHttpCall } from '../facts/http';
import { directIoCall } from '../facts/io';
import { httpClientRetries, networkClientRetries, retryAround } from '../facts/retry-policies';
import { isFunctionLike } from '../facts/function-summary';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { FAILURE_TO_VALUE, NON_IDEMPOTENT_METHOD } from '../facts/tables/retry-policies';
import { NETWORK_CLIENT_MODULES } from '../facts/tables/network-clients';
import { samePath } from '../facts/origin';
import type { Fix, TextEdit } from '../engine/finding';
import { stableIdAt } from '../facts/business-ids';
import { addKeyHeader, idempotencyKeyExpression } from '../edits/idempotency-key';
import { retryFixesFor, type RetryTarget } from './retry-fixes';
import { literalPrefixOf } from '../facts/literals';
import { textWithEdits } from '../edits/replace-expression';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';

/** A remote call this rule judges: how messages name it, what it reaches, and whether repeating it repeats its effect. */
interface RemoteCall {
  call: CallExpression;
  label: string;
  service: string;
  idempotency: 'safe' | 'keyed' | 'unsafe';
  /** The http-clients id or network-client module that makes it. */
  client: string;
  /** The HTTP client instance's creation in this file, when the call goes through one. */
  instanceCreation?: CallExpression;
  /** The HTTP call's facts, for an HTTP call. */
  http?: OutboundHttpCall;
}

/** Hosts of the machine itself or its pod: a retry against a local sidecar rarely meets a transient network fault. */
const LOCAL_URL = /^(https?:)?\/\/(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)([:/]|$)/i;
const IDEMPOTENCY_KEY = /idempotency[-_]?key/i;
const SERVER_ERROR_STATUS = /^5\d\d$/;

export const missingRetry = createRule({
  meta: {
    id: 'missing-retry',
    title: 'Outbound call with no retry policy',
    category: 'resilience',
    defaultSeverity: 'info',
    summary: [
      'A call to another service in request-handling code fails the user\'s request on the first transient fault: a reset connection, a 502 while the upstream deploys, a 429.',
      'Nothing retries it: not a wrapper, not the client, not a loop.',
    ].join(' '),
    explanation: [
      'Networks and the services on the other side fail briefly all the time: a connection reset by a load balancer',
      'that recycled, a 502/503 while the upstream rolls out a deploy, a 429 at the top of a rate-limit window, a DNS',
      'hiccup. Each lasts well under a second, and a second attempt a few hundred milliseconds later almost always works.',
      '',
      'With no retry policy, every one of them becomes an error for the user whose request happened to hit it. At',
      'scale that is a steady background of 5xx responses that nobody can reproduce, and during an upstream deploy a',
      'spike of them.',
      '',
      'A retry is only safe when repeating the call cannot repeat its effect. Reads (GET) are; a POST that creates a',
      'payment, sends an email or an SMS is not: if the first attempt reached the server and only the answer was lost,',
      'the retry charges or sends twice. Such a call needs an **idempotency key** first (Stripe\'s `idempotencyKey`, an',
      '`Idempotency-Key` header the provider honours), and only then a retry.',
      '',
      'In job code the queue\'s own retry covers a call whose failure fails the job; only a job that catches and',
      'swallows the failure loses it.',
    ].join('\n'),
    shortFix: [
      'Retry transient failures a few times with backoff: `await pRetry(() => client.get(url), { retries: 3 })`, `axiosRetry(client)`, or a client that retries (got, the AWS, Stripe and OpenAI SDKs).',
      'For a POST or a create, send an idempotency key first.',
      'The quick fixes wrap an awaited idempotent call with the package\'s p-retry or async-retry, or add p-retry, or create a `withRetry` helper once per package.',
    ].join('\n'),
    fix: [
      'Give the call a retry policy with a small number of attempts and exponential backoff with jitter:',
      '',
      '- p-retry: `await pRetry(() => fetch(url, { signal: AbortSignal.timeout(5_000) }), { retries: 3 })`.',
      '- async-retry: `await retry(async (bail) => ..., { retries: 3 })` (`bail(err)` for errors not worth retrying, such as a 4xx).',
      '- cockatiel: `retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }).execute(() => ...)`, which composes with a circuit breaker.',
      '- axios: `axiosRetry(client, { retries: 3, retryDelay: axiosRetry.exponentialDelay })` once on the instance.',
      '- got retries idempotent requests twice by default; the AWS SDK, Stripe, OpenAI and Anthropic clients retry by default too (keep it on).',
      '',
      'Before retrying a non-idempotent call (POST, PATCH, a payment or message create), make it idempotent: send an',
      'idempotency key derived from the operation (an order id), so that the provider applies the retried request once.',
      'Keep the total time of all attempts within the caller\'s deadline.',
      '',
      'The quick fixes, for an awaited call that is idempotent or sends an idempotency key (never a 4xx retried):',
      '',
      '- With p-retry in the package: `pRetry(() => call, { retries: 3, randomize: true })`; for a client that rejects on an',
      '  error status (axios, got, superagent, Twilio, SendGrid, Postmark) with the option that stops at a 4xx other than 429,',
      '  in the form the installed major version takes (`onFailedAttempt` before 6, `shouldRetry(error)` in 6,',
      '  `shouldRetry({ error })` from 7). `fetch` resolves with a 5xx answer, so p-retry retries only its network failures.',
      '- With async-retry: `retry(() => call, { retries: 3 })`, bailing out of a 4xx.',
      '- With neither: add p-retry to package.json (`^7.1.1`; `^4.6.2` for a CommonJS file, since later versions are ES',
      '  modules only) and import it; or create a small typed `withRetry` helper, once per package (`src/lib/with-retry.ts`,',
      '  or `lib/` beside package.json; in JavaScript and the file\'s module style for a JavaScript caller). It makes 3',
      '  attempts with exponential backoff and full jitter, and retries network errors, timeouts, and 5xx or 429 statuses',
      '  whether thrown or answered. A module there that Preflight did not write is left alone, and the fix is not offered.',
      '- For a POST or PATCH with a stable id of the operation in scope (`orderId`, `event.id`), each of these together with an',
      '  `Idempotency-Key` header made from it, said in the title (the upstream must honour the header). With no such id in',
      '  scope no retry fix is offered: send a key first.',
      '- Editors that cannot create files from a workspace edit are not offered the helper fix. VS Code saves the files of a',
      '  fix that changes several (`files.refactoring.autoSave`).',
    ].join('\n'),
    notFlagged: [
      'Calls inside a retry wrapper\'s callback (p-retry, async-retry, promise-retry, exponential-backoff, cockatiel policies\' `execute`, any callee named `*retry*`), inside a hand-written retry loop or a function named `*retry*`, and calls in a function of the same file that is only called that way.',
      'Clients that retry on their own: got; an axios instance (or axios itself) given to `axios-retry` in the same file; the AWS SDK, Google Cloud, Firebase Admin, Stripe, OpenAI, Anthropic, Slack and `octokit` clients, unless a client created in the file sets their retries to 0.',
      'Database queries (their drivers and pools handle connections; a retry there is a transaction question).',
      'Job code whose failure propagates out of the processor: the queue\'s own retry covers it (whether the job has one is `job-without-retry`\'s business). Only a job that catches and swallows the failure is flagged.',
      'Code that is neither request handling nor job code: start-up code, helpers no handler of the file calls, command-line programs and one-off scripts (`bin/`, `cli/`, `scripts/`, `#!` files), browser code.',
      'In request-handling code, a call whose failure the code handles by design with a fallback: a `.catch(...)` or a `catch` that neither throws again, nor answers with a 5xx status, nor passes the error to `next`; a neverthrow `fromPromise(...)` whose result the code matches.',
      'Proxies of the incoming request (`method: request.method`, a streamed body with `duplex`): the streamed body cannot be sent twice, and the original client owns the retry.',
      'Calls to the machine itself (`localhost`, `127.0.0.1`): a sidecar on the same host does not see the network faults a retry is for.',
    ],
    examples: [
      {
        bad: [
          "import express from 'express';",
          "import axios from 'axios';",
          '',
          'const app = express();',
          "app.get('/rates', async (req, res) => {",
          "  const { data } = await axios.get('https://rates.example.com/latest', { timeout: 5_000 });",
          '  res.json(data);',
          '});',
        ].join('\n'),
        good: [
          "import express from 'express';",
          "import axios from 'axios';",
          "import pRetry from 'p-retry';",
          '',
          'const app = express();',
          "app.get('/rates', async (req, res) => {",
          "  const { data } = await pRetry(() => axios.get('https://rates.example.com/latest', { timeout: 5_000 }), { retries: 3 });",
          '  res.json(data);',
          '});',
        ].join('\n'),
      },
    ],
    usesTypes: true,
  },
  create({ facts, report, sourceFile }) {
    return {
      onFileEnd: () => {
        if (isCommandLineProgram(sourceFile)) return;
        // Outbound calls first (missing-timeout has found the HTTP ones already): most files make none.
        const http = outboundHttpCalls(facts);
        const sdk = mentionsUnretriedClient(sourceFile.getFullText());
        if ((http.length === 0 && !sdk) || !hasEntryPoints(facts)) return;
        for (const remote of remoteCalls(http, sdk, facts)) judge(remote, facts, report);
      },
    };
  },
});

function judge(remote: RemoteCall, facts: FileFacts, report: RuleContext['report']): void {
  const entry = entryPointOf(remote.call, facts);
  if (!entry || runtimeAt(remote.call, facts) === 'browser') return;
  const fate = failureFateOf(remote.call, facts);
  // A job's failure that leaves the processor is the queue's to retry; a request's fallback is handled by design.
  if (entry === 'job' ? fate !== 'swallowed' : fate === 'swallowed') return;
  if (retryAround(remote.call, facts)) return;
  report({ node: calleeOf(remote.call), message: messageFor(remote, entry), fixes: retryFixesOf(remote, facts) });
}

/**
 * The retry fixes (retry-fixes.ts) for a call that repeating cannot harm: an
 * idempotent one, or one that sends an idempotency key. A call that is
 * neither needs its key first; a retry alone would make it happen twice.
 */
function retryFixesOf(remote: RemoteCall, facts: FileFacts): Fix[] {
  const target = { call: remote.call, client: remote.client, instanceCreation: remote.instanceCreation };
  if (remote.idempotency !== 'unsafe') return retryFixesFor(target, facts);
  return remote.http ? keyedRetryFixes(remote.http, target, facts) : [];
}

/**
 * For a POST or PATCH: the retry fixes together with an `Idempotency-Key`
 * header made from a stable id of the operation in scope (`order.id`), so that
 * the upstream applies a retried request once. None when no such id is in
 * scope: a placeholder key inside a retry would retry before anyone fills it in.
 */
function keyedRetryFixes(http: OutboundHttpCall, target: RetryTarget, facts: FileFacts): Fix[] {
  const stable = stableIdAt(http.call);
  const slot = http.optionsSlot;
  const absentAt = slot.kind === 'absent' && slot.padding === 0 && !slot.before && !slot.replace ? slot.index : undefined;
  if (!stable || (slot.kind !== 'inline' && absentAt === undefined)) return [];
  const key = idempotencyKeyExpression(keyPrefixOf(http), stable);
  const keyEdits = addKeyHeader(http.call, slot.kind === 'inline' ? slot.literal : undefined, absentAt ?? 0, IDEMPOTENCY_KEY_HEADER, key);
  if (!keyEdits) return [];
  const callText = textWithEdits(http.call, keyEdits);
  return retryFixesFor({ ...target, callText }, facts).map((fix) => ({
    ...fix,
    title: `Send an ${IDEMPOTENCY_KEY_HEADER} header (from \`${stable.expression}\`, if the upstream honours one) and ${fix.title[0]!.toLowerCase()}${fix.title.slice(1)}`,
  }));
}

const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** What the key names: the last literal segment of the URL's path (`orders` of `.../orders`), else the method. */
function keyPrefixOf(http: OutboundHttpCall): string {
  const url = http.url;
  const text = literalPrefixOf(url) ?? '';
  const segment = text.split(/[/?#]/).filter((part) => /^[a-z][a-z-]*$/i.test(part)).at(-1);
  return (segment ?? http.method ?? 'request').toLowerCase();
}

/** The file names a networked SDK that may not retry (one that never does, or whose retries an option can turn off). */
function mentionsUnretriedClient(text: string): boolean {
  return NETWORK_CLIENT_MODULES.some((client) => client.kind === 'network' && (!client.retries?.byDefault || client.retries.option) && text.includes(client.module));
}

function remoteCalls(httpCalls: readonly OutboundHttpCall[], sdk: boolean, facts: FileFacts): RemoteCall[] {
  const found: RemoteCall[] = [];
  const seen = new Set<Node>();
  for (const http of httpCalls) {
    seen.add(http.call);
    // A path is on the page's own origin only for fetch: an axios instance prefixes its base URL.
    if (httpClientRetries(http, facts) || (http.library.id === 'fetch' && isSameOriginPath(http.url)) || isLocalUrl(http.url) || isForwardedRequest(http)) continue;
    found.push({ call: http.call, label: http.label, service: 'the upstream', idempotency: httpIdempotency(http), client: http.library.id, instanceCreation: http.instance?.creation, http });
  }
  for (const call of sdk ? facts.nodes.ofKind(SyntaxKind.CallExpression) : []) {
    // Where the call runs is cheap to ask; what it is may need the type checker.
    if (seen.has(call) || !Node.isPropertyAccessExpression(call.getExpression()) || !entryPointOf(call, facts)) continue;
    const io = directIoCall(call, facts);
    if (!io || io.kind !== 'network' || !io.client || networkClientRetries(io.client, facts)) continue;
    found.push({ call, label: io.label, service: io.service, idempotency: sdkIdempotency(call), client: io.client.module });
  }
  return found.sort((a, b) => a.call.getStart() - b.call.getStart());
}

function httpIdempotency(http: OutboundHttpCall): RemoteCall['idempotency'] {
  if (http.method !== 'POST' && http.method !== 'PATCH') return 'safe';
  return http.optionsArgument && IDEMPOTENCY_KEY.test(http.optionsArgument.getText()) ? 'keyed' : 'unsafe';
}

function sdkIdempotency(call: CallExpression): RemoteCall['idempotency'] {
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  if (!NON_IDEMPOTENT_METHOD.test(name)) return 'safe';
  return call.getArguments().some((argument) => IDEMPOTENCY_KEY.test(argument.getText())) ? 'keyed' : 'unsafe';
}

function isLocalUrl(url: Node | undefined): boolean {
  const value = literalPrefixOf(url);
  return value !== undefined && LOCAL_URL.test(value);
}

/**
 * What becomes of the call's failure in its own function: it `propagates`; it
 * is caught and `answered` with an error (thrown again, a 5xx response,
 * `next(err)`); or it is caught and `swallowed` (a fallback value, a log and go
 * on, a neverthrow `Result` the code matches).
 */
type FailureFate = 'propagates' | 'answered' | 'swallowed';

function failureFateOf(call: CallExpression, facts: FileFacts): FailureFate {
  let previous: Node = call;
  for (let current = call.getParent(); current; previous = current, current = current.getParent()) {
    if (Node.isPropertyAccessExpression(current) && current.getExpression() === previous) {
      const chained = current.getParent();
      // A property of the awaited result (`(await call()).data`): the failure goes on outwards.
      if (!Node.isCallExpression(chained) || chained.getExpression() !== current) continue;
      const name = current.getName();
      if (name === 'catch' || (name === 'then' && chained.getArguments().length > 1)) return handlerFate(chained.getArguments().at(-1));
      continue;
    }
    if (Node.isCallExpression(current) && current.getArguments().includes(previous) && turnsFailureIntoValue(current, facts)) return 'swallowed';
    if (Node.isTryStatement(current) && current.getTryBlock() === previous) {
      const clause = current.getCatchClause();
      if (clause) return answersFailure(clause.getBlock()) ? 'answered' : 'swallowed';
    }
    if (isFunctionLike(current)) return 'propagates';
  }
  return 'propagates';
}

function turnsFailureIntoValue(call: CallExpression, facts: FileFacts): boolean {
  const origin = facts.origin(call.getExpression());
  return origin.kind === 'module' && FAILURE_TO_VALUE.some((entry) => entry.module === origin.module && samePath(entry.path, origin.path));
}

function handlerFate(handler: Node | undefined): FailureFate {
  if (!handler) return 'propagates';
  const body = isFunctionLike(handler) ? handler.getBody() : undefined;
  if (!body) return 'answered';
  return answersFailure(body) ? 'answered' : 'swallowed';
}

/** A catch that fails the request or the job all the same: it throws, answers with a 5xx status, or passes an error to `next`. */
function answersFailure(block: Node): boolean {
  const own = (node: Node): boolean => node.getFirstAncestor((ancestor) => isFunctionLike(ancestor) || ancestor === block) === block;
  if (block.getDescendantsOfKind(SyntaxKind.ThrowStatement).some(own)) return true;
  if (block.getDescendantsOfKind(SyntaxKind.NumericLiteral).some((literal) => SERVER_ERROR_STATUS.test(literal.getText()))) return true;
  return block.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => call.getExpression().getText() === 'next' && call.getArguments().length > 0);
}

/**
 * The request is a proxy of the incoming one: its method is the incoming
 * request's (`method: request.method`) or it streams a body (`duplex`). The
 * streamed body cannot be sent twice, and the original client owns the retry.
 */
function isForwardedRequest(http: OutboundHttpCall): boolean {
  const options = http.options;
  if (!options) return false;
  if (options.getProperty('duplex')) return true;
  const method = options.getProperty('method');
  const value = method && Node.isPropertyAssignment(method) ? method.getInitializer() : undefined;
  return value !== undefined && Node.isPropertyAccessExpression(value) && value.getName() === 'method';
}

function messageFor(remote: RemoteCall, entry: EntryPoint): string {
  const where =
    entry === 'request'
      ? 'in request-handling code has no retry policy: one transient failure (a reset connection, a 502/503 while the upstream deploys, a 429) fails the user\'s request'
      : 'in job code has no retry policy, and the job catches its failure, so the queue\'s own retry never sees it: one transient failure loses this work';
  const head = `\`${remote.label}\` to ${remote.service} ${where}.`;
  switch (remote.idempotency) {
    case 'safe':
      return `${head} Retry it a few times with backoff (p-retry, async-retry, axios-retry, cockatiel).`;
    case 'keyed':
      return `${head} It sends an idempotency key, so it can be retried safely: retry it a few times with backoff.`;
    case 'unsafe':
      return `${head} It is not idempotent: a retry needs an idempotency key first, or a lost response makes it happen twice.`;
  }
}
