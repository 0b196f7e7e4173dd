import { Node, type CallExpression } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import {
  isSameOriginPath,
  httpClientInstances,
  outboundHttpCalls,
  type HttpClientInstance,
  type OptionsSlot,
  type OutboundHttpCall,
  type TimeoutJudgement,
} from '../facts/http';
import type { TimeoutFixSpec } from '../facts/tables/http-clients';
import { addObjectProperty } from '../edits/object-literal-property';
import { insertMissingArgument } from '../edits/call-arguments';
import { createRule, type RuleContext } from './rule';
import { calleeOf } from './report-node';
import type { FileFacts } from '../facts';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';

const CONSEQUENCE = 'a slow upstream holds this request open forever.';
/** Node's fetch is undici's: it gives up after 300 s without response headers, and 300 s between body chunks. */
const UNDICI_CONSEQUENCE = "Node's fetch only gives up after 300 s without response headers (or between body chunks), so a slow upstream holds this request open for five minutes at a time.";
/** Calls through a flagged client listed as related locations, so the finding stays readable. */
const MAX_RELATED_CALLS = 5;

export const missingTimeout = createRule({
  meta: {
    id: 'missing-timeout',
    title: 'Outbound HTTP call without a timeout',
    category: 'resilience',
    defaultSeverity: 'warning',
    cwe: [1088],
    summary: [
      '`fetch`, axios, got and Node\'s `http` have no timeout by default, so when an upstream stops answering, every request that reaches this call waits with it.',
      'Sockets, memory and pooled connections pile up while traffic keeps arriving, until one slow dependency is an outage of this service and of its callers.',
    ].join(' '),
    explanation: [
      '`fetch`, axios, got and Node\'s `http`/`https` have **no timeout by default**. When the service you call',
      'stops answering without closing the connection (a hung process, a dead load-balancer target, a packet-dropping',
      'firewall, a database lock upstream), the request simply waits.',
      '',
      'Nothing crashes, so nothing alerts. The event loop stays healthy, but every incoming request that reaches this',
      'call parks an open socket, its memory and whatever it holds (a database connection, a lock, a job slot).',
      'Traffic keeps arriving while none of it finishes: in-flight requests pile up, the agent\'s socket pool and your',
      'own connection pools run dry, and calls that have nothing to do with the slow upstream start to queue behind them.',
      'Your callers then time out on *you*, retry, and add load — one slow dependency becomes an outage of this service',
      'and of everything upstream of it (a cascading failure).',
      '',
      'Node\'s own `fetch` (undici) is no exception in practice: it gives up only after 300 s without response headers or between body',
      'chunks, five minutes in which the request and everything it holds stay open.',
      '',
      'A timeout turns "hangs for minutes" into a fast, visible error that the caller can retry, fall back from or report.',
    ].join('\n'),
    shortFix: [
      'Give the call a deadline within the caller\'s budget: `fetch(url, { signal: AbortSignal.timeout(10_000) })`, axios\'s `timeout: 10_000`, got\'s `timeout: { request: 10_000 }`.',
      'The quick fix adds a timeout (10 s, or config `fixes.timeoutMs`) in the library\'s own form.',
    ].join('\n'),
    fix: [
      'Give every outbound call a deadline that fits the caller\'s own budget (well under your server\'s request timeout):',
      '',
      '- `fetch` (global, undici, node-fetch): `fetch(url, { signal: AbortSignal.timeout(10_000) })`; node-fetch v2 also takes `timeout`.',
      '- axios: `timeout: 10_000` in the call\'s config, or once on the instance: `axios.create({ timeout: 10_000 })`',
      '  (or `instance.defaults.timeout = 10_000` / `axios.defaults.timeout = 10_000` in the same module).',
      '- got: `timeout: { request: 10_000 }`, on the call or on `got.extend({...})`.',
      '- `http`/`https`: the `timeout` option or `req.setTimeout(10_000)` — these only emit `timeout`, so destroy the',
      '  request in the handler (`req.on("timeout", () => req.destroy(new Error("upstream timeout")))`), or pass',
      '  `signal: AbortSignal.timeout(10_000)`, which aborts it.',
      '- superagent: `.timeout({ response: 5_000, deadline: 10_000 })` in the chain.',
      '',
      'The quick fix adds a timeout in the library\'s own form: 10 seconds, or what config `fixes.timeoutMs` (the setting',
      '`preflight.fixes.timeoutMs`) says; tune the number to the upstream\'s real latency.',
    ].join('\n'),
    notFlagged: [
      'Options the file cannot see: an options object from a parameter, an unresolved spread, a helper\'s return value.',
      'A `signal` from outside the function (a parameter), or of an `AbortController` that a timer aborts (`setTimeout(() => controller.abort(), ms)`) or that goes to other code (a helper may set the deadline). A controller made in the file that only an event aborts (`req.on(\'close\', () => controller.abort())`) or nothing does is flagged: no deadline ends the request. Its fix keeps the signal and adds a deadline: `AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)])`.',
      'Calls through a client instance whose creation is not in this file (imported from another module or package).',
      'Calls through an `axios.create`/`got.extend` instance: the instance is flagged once, at its creation, and its calls are not flagged again.',
      'A timeout set on the instance (`axios.create({ timeout })`, `instance.defaults.timeout = …`), on `axios.defaults` in the same module, or by a request interceptor that sets `config.timeout`.',
      'A request object that leaves the function (returned from a non-async function, passed to another function), since the timeout may be set there.',
      'Functions or methods that merely share a name with a client (`fetch` declared locally or imported from your own module, a `.get` on a Map).',
      'Clients with a default timeout, such as ky and undici\'s `request`.',
      'Calls in browser code (a `\'use client\'` module, a React component, `client-only/`; not the server exports of a route module such as a Remix `loader`): a hung request there holds no server resource, and the browser and the server bound it.',
      'Global `fetch` of a path on the page\'s own origin (`fetch(\'/api/upload\')`, `` fetch(`/api/${id}`) ``, `fetch(formatPath(\'/api/x\'))`): Node\'s fetch rejects such URLs, so the call runs in a browser. (A client with a base URL, such as an axios instance, is judged as usual.)',
      'Calls in command-line programs and one-off scripts (`bin/`, `cli/`, `scripts/`, `#!` files): no request waits on them.',
      'A call raced against a timer (`Promise.race([fetch(url), new Promise((r) => setTimeout(r, 150))])`): the caller waits no longer than the timer.',
    ],
    examples: [
      {
        bad: [
          'export async function loadInvoice(id: string) {',
          '  const response = await fetch(`https://billing.internal/invoices/${id}`);',
          '  return response.json();',
          '}',
        ].join('\n'),
        good: [
          'export async function loadInvoice(id: string) {',
          '  const response = await fetch(`https://billing.internal/invoices/${id}`, {',
          '    signal: AbortSignal.timeout(5_000),',
          '  });',
          '  return response.json();',
          '}',
        ].join('\n'),
      },
      {
        bad: ["import axios from 'axios';", '', "export const billing = axios.create({ baseURL: 'https://billing.internal' });"].join('\n'),
        good: [
          "import axios from 'axios';",
          '',
          "export const billing = axios.create({ baseURL: 'https://billing.internal', timeout: 5_000 });",
        ].join('\n'),
      },
    ],
  },
  create({ facts, report, fixes }) {
    return { onFileEnd: () => reportFile(facts, report, fixes.timeoutMs) };
  },
});

function reportFile(facts: FileFacts, report: RuleContext['report'], timeoutMs: number): void {
  const calls = outboundHttpCalls(facts);
  for (const call of calls) {
    if (call.instance?.reportAt === 'creation') continue;
    if (call.timeout.state !== 'missing') continue;
    // In the browser a hung request holds no server resource; the browser and the server's own timeouts bound it.
    // A command-line program or one-off script holds no request either: whoever runs it sees it hang.
    if (runtimeAt(call.call, facts) === 'browser' || isCommandLineProgram(facts.sourceFile) || (call.library.id === 'fetch' && isSameOriginPath(call.url))) continue;
    const fix = fixForCall(call, timeoutMs);
    report({ node: calleeOf(call.call), message: callMessage(call), fixes: fix ? [fix] : [] });
  }
  for (const instance of httpClientInstances(facts)) {
    if (instance.reportAt !== 'creation' || instance.timeout.state !== 'missing') continue;
    // An instance extending one that is already flagged is fixed by fixing that one.
    if (instance.parent && instance.parent.timeout.state === 'missing') continue;
    const fix = fixForOptions(instance.creation, instance.optionsSlot, withTimeout(instance.library.timeout.fix, timeoutMs), instance.timeout);
    const related = calls
      .filter((call) => call.instance === instance && call.timeout.state === 'missing')
      .slice(0, MAX_RELATED_CALLS)
      .map((call) => ({ node: calleeOf(call.call), message: `${call.label} goes through this client and has no timeout of its own` }));
    report({ node: calleeOf(instance.creation), message: instanceMessage(instance), fixes: fix ? [fix] : [], related });
  }
}

// ---------------------------------------------------------------------------
// Messages

function callMessage(call: OutboundHttpCall): string {
  const disabled = disabledText(call.timeout);
  const consequence = call.library.id === 'fetch' || call.library.id === 'undici' ? UNDICI_CONSEQUENCE : CONSEQUENCE;
  if (disabled) return `${call.label} sets \`${disabled}\`, which turns the timeout off: ${consequence}`;
  const signal = call.timeout.withoutDeadline;
  if (signal) return `${call.label} passes \`${signal.getText().replace(/\s+/g, ' ')}\`, but nothing aborts it on a timer, only an event: ${consequence}`;
  const missing = call.library.timeout.missing;
  const hint = missing && call.library.id !== 'fetch' && call.library.id !== 'undici' ? ` (${missing})` : '';
  return `${call.label} has no timeout${hint}: ${consequence}`;
}

function instanceMessage(instance: HttpClientInstance): string {
  const consequence = 'every request through it waits forever on a slow upstream.';
  const disabled = disabledText(instance.timeout);
  if (disabled) return `${instance.label} creates a client with \`${disabled}\`, which turns the timeout off: ${consequence}`;
  return `${instance.label} creates a client with no timeout (${instance.library.timeout.missing}): ${consequence}`;
}

function disabledText(judgement: TimeoutJudgement): string | undefined {
  return judgement.disabledBy?.getText().replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------
// Fixes

/** The library's fix with the configured timeout written in: `AbortSignal.timeout(5_000)`, "Add a 5s timeout". */
function withTimeout(spec: TimeoutFixSpec, timeoutMs: number): TimeoutFixSpec {
  const fill = (template: string): string => template.replaceAll('{ms}', millisecondsLiteral(timeoutMs)).replaceAll('{duration}', durationWords(timeoutMs));
  return spec.kind === 'chain' ? { ...spec, text: fill(spec.text), title: fill(spec.title) } : { ...spec, value: fill(spec.value), title: fill(spec.title) };
}

/** `10_000`, `500`, `1_500`: digits grouped by thousands, as people write a timeout. */
function millisecondsLiteral(ms: number): string {
  return String(ms).replace(/\B(?=(\d{3})+$)/g, '_');
}

/** `10s`, `1.5s`, `500ms`, `2min`. */
function durationWords(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function fixForCall(call: OutboundHttpCall, timeoutMs: number): Fix | undefined {
  const spec = withTimeout(call.library.timeout.fix, timeoutMs);
  if (spec.kind === 'chain') {
    // A builder given a callback has already been sent: a timeout chained afterwards does nothing.
    if (call.sentImmediately) return undefined;
    return { title: spec.title, edits: [{ start: call.call.getEnd(), end: call.call.getEnd(), newText: spec.text }] };
  }
  return fixForOptions(call.call, call.optionsSlot, spec, call.timeout);
}

function fixForOptions(call: CallExpression, slot: OptionsSlot, spec: TimeoutFixSpec, judgement: TimeoutJudgement): Fix | undefined {
  if (spec.kind !== 'option') return undefined;
  const property = `${spec.key}: ${spec.value}`;
  const edits = optionEdits(call, slot, property, judgement, spec);
  if (!edits) return undefined;
  const combined = judgement.withoutDeadline && spec.key === 'signal';
  return { title: combined ? spec.title.replace('(AbortSignal.timeout)', 'to its signal (AbortSignal.any)') : spec.title, edits };
}

type OptionFix = Extract<TimeoutFixSpec, { kind: 'option' }>;

/** `signal: AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)])`: the event still aborts the request, and so does the deadline. */
function withDeadline(signal: Node, timeoutSignal: string): TextEdit[] | undefined {
  const value = Node.isPropertyAssignment(signal) ? signal.getInitializer() : Node.isShorthandPropertyAssignment(signal) ? signal.getNameNode() : undefined;
  if (!value) return undefined;
  if (Node.isShorthandPropertyAssignment(signal)) return [{ start: signal.getStart(), end: signal.getEnd(), newText: `signal: AbortSignal.any([${value.getText()}, ${timeoutSignal}])` }];
  return [{ start: value.getStart(), end: value.getEnd(), newText: `AbortSignal.any([${value.getText()}, ${timeoutSignal}])` }];
}

function optionEdits(call: CallExpression, slot: OptionsSlot, property: string, judgement: TimeoutJudgement, spec: OptionFix): TextEdit[] | undefined {
  switch (slot.kind) {
    case 'inline': {
      const disabledBy = judgement.disabledBy;
      if (disabledBy && disabledBy.getParent() === slot.literal) {
        return [{ start: disabledBy.getStart(), end: disabledBy.getEnd(), newText: property }];
      }
      const signal = judgement.withoutDeadline;
      if (signal && signal.getParent() === slot.literal && spec.key === 'signal') return withDeadline(signal, spec.value);
      return addObjectProperty(slot.literal, property);
    }
    case 'reference':
      // Spread rather than edit the shared object: a signal must be made per call, and other calls may use the const.
      return [{ start: slot.argument.getStart(), end: slot.argument.getEnd(), newText: `{ ...${slot.argument.getText()}, ${property} }` }];
    case 'absent': {
      const edit = insertMissingArgument(call, slot, `{ ${property} }`);
      return edit ? [edit] : undefined;
    }
    case 'fixed':
      return undefined;
  }
}
