import { Node, SyntaxKind, type CallExpression, type Identifier, type ObjectLiteralExpression } from 'ts-morph';
import { PROMISE_TIMERS } from './tables/timers';
import { isCallbackTimerCall } from './delays';
import type { FileFacts } from './index';
import { isReassigned, samePath, valueSymbol, type Origin } from './origin';
import {
  HTTP_CLIENT_LIBRARIES,
  HTTP_METHODS,
  type AgentOption,
  type ArgumentLayout,
  type CallShape,
  type ClientEntry,
  type HttpClientLibrary,
  type HttpMethod,
  type InstanceFactory,
} from './tables/http-clients';
import { isTransparentWrapper, unwrapExpression } from './syntax';

export type { HttpClientLibrary, HttpMethod, ClientEntry, CallShape, InstanceFactory } from './tables/http-clients';
export { HTTP_CLIENT_LIBRARIES } from './tables/http-clients';

/** `unknown`: the timeout depends on something the file does not show (a parameter, an unresolved spread). */
export type TimeoutState = 'set' | 'missing' | 'unknown';

/** Where a timeout comes from when it is set. */
export type TimeoutSource =
  | 'options'
  | 'chain'
  | 'instance'
  | 'instance-defaults'
  | 'module-defaults'
  | 'interceptor'
  | 'race';

export interface TimeoutJudgement {
  state: TimeoutState;
  /** What sets it (state `set`). */
  source?: TimeoutSource;
  /** The node that sets the timeout (`set`) or hides it (`unknown`). */
  evidence?: Node;
  /** A property that is present but turns the timeout off (`timeout: 0`, `signal: undefined`). */
  disabledBy?: Node;
  /**
   * A `signal` property whose signal nothing aborts on a timer: `signal: controller.signal` of an
   * `AbortController` made in this file that only an event aborts (a closed connection, a cancel).
   */
  withoutDeadline?: Node;
}

/**
 * Where the options object of a call (or instance factory) is, or would go:
 * - `inline`: an object literal written in the call;
 * - `reference`: an argument that resolves to an object literal elsewhere in the file (a const);
 * - `absent`: no options argument; one goes at `index`, after `padding` `undefined`s
 *   (axios `post(url)` needs `undefined` as data), before the callback `before` if there is one,
 *   or in place of `replace` (an explicit `undefined`/`null` options argument);
 * - `fixed`: options we cannot edit safely, or a call with no place for options.
 */
export type OptionsSlot =
  | { kind: 'inline'; literal: ObjectLiteralExpression }
  | { kind: 'reference'; argument: Node; literal: ObjectLiteralExpression }
  | { kind: 'absent'; index: number; padding: number; before?: Node; replace?: Node }
  | { kind: 'fixed' };

export interface HttpClientInstance {
  library: HttpClientLibrary;
  /** The factory call: `axios.create({...})`, `got.extend({...})`, `superagent.agent()`. */
  creation: CallExpression;
  /** How messages name the factory call: `axios.create()`. */
  label: string;
  /** The configuration object, when it is (or resolves to) an object literal. */
  options?: ObjectLiteralExpression;
  optionsSlot: OptionsSlot;
  /** The instance this one extends (got's `instance.extend()`). */
  parent?: HttpClientInstance;
  reportAt: InstanceFactory['reportAt'];
  timeout: TimeoutJudgement;
}

export interface OutboundHttpCall {
  library: HttpClientLibrary;
  call: CallExpression;
  /** How messages name the call: `fetch()`, `axios.get()`, `https.request()`, `api.post()`. */
  label: string;
  /** Known when the call or a literal `method` option says it. */
  method?: HttpMethod;
  url?: Node;
  /** The options argument as written. */
  optionsArgument?: Node;
  /** The options as an object literal (written inline or through a same-file const). */
  options?: ObjectLiteralExpression;
  optionsSlot: OptionsSlot;
  /** The client instance the call goes through, when its creation is in this file. */
  instance?: HttpClientInstance;
  /**
   * A builder call that sends at once because it was given a callback (`superagent.get(url, cb)`):
   * a timeout can't be chained on afterwards.
   */
  sentImmediately: boolean;
  timeout: TimeoutJudgement;
}

/**
 * A URL that is a path on the page's own origin: `'/api/files'`,
 * `` `/api/${id}` ``, `formatPath('/api/upload')`. Node's global fetch
 * rejects such a URL, so a fetch of one can only run in a browser, against
 * the server that served the page.
 */
export function isSameOriginPath(url: Node | undefined): boolean {
  if (!url) return false;
  const value = unwrapExpression(url);
  const startsWithPath = (text: string): boolean => text.startsWith('/') && !text.startsWith('//');
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return startsWithPath(value.getLiteralValue());
  if (Node.isTemplateExpression(value)) return startsWithPath(value.getHead().getLiteralText());
  if (Node.isCallExpression(value)) {
    const [first] = value.getArguments();
    return first !== undefined && (Node.isStringLiteral(first) || Node.isNoSubstitutionTemplateLiteral(first)) && startsWithPath(first.getLiteralValue());
  }
  return false;
}

/** Every outbound HTTP call in the file that goes through a known client library. */
export function outboundHttpCalls(facts: FileFacts): OutboundHttpCall[] {
  return scan(facts).calls;
}

/** Every client instance created in the file (`axios.create`, `got.extend`, `superagent.agent`). */
export function httpClientInstances(facts: FileFacts): HttpClientInstance[] {
  return scan(facts).instances;
}

// ---------------------------------------------------------------------------
// Recognition

interface Scan {
  calls: OutboundHttpCall[];
  instances: HttpClientInstance[];
}

interface LibraryMatch {
  library: HttpClientLibrary;
  entry?: ClientEntry;
  /** Member path below the entry or instance. */
  rest: string[];
  instance?: HttpClientInstance;
}

/** Per-file state while scanning: instances by their creation call, so calls through them resolve once. */
class HttpScanner {
  private readonly instanceByCreation = new Map<Node, HttpClientInstance | null>();
  private readonly libraries: readonly HttpClientLibrary[];

  constructor(readonly facts: FileFacts) {
    const text = facts.sourceFile.getFullText();
    this.libraries = HTTP_CLIENT_LIBRARIES.filter((library) => library.entries.some((entry) => mayMention(text, entry)));
  }

  get hasCandidates(): boolean {
    return this.libraries.length > 0;
  }

  /** The library (and instance) a callee reaches, with the member path below it. */
  match(origin: Origin): LibraryMatch | undefined {
    if (origin.kind === 'module' || origin.kind === 'global') {
      for (const library of this.libraries) {
        for (const entry of entriesMostSpecificFirst(library)) {
          const rest = pathBelowEntry(origin, entry);
          if (rest) return { library, entry, rest };
        }
      }
      return undefined;
    }
    if (origin.kind === 'call' && Node.isCallExpression(origin.call)) {
      const instance = this.instanceCreatedBy(origin.call) ?? this.instanceConfiguredBy(origin.call, 0);
      if (instance) return { library: instance.library, rest: origin.path, instance };
    }
    return undefined;
  }

  /** `agent.timeout(1000)` returns the agent itself when the library's instances chain their configuration. */
  private instanceConfiguredBy(call: CallExpression, depth: number): HttpClientInstance | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const callee = this.facts.origin(call.getExpression());
    if (callee.kind !== 'call' || callee.path.length !== 1 || !Node.isCallExpression(callee.call)) return undefined;
    const instance = this.instanceCreatedBy(callee.call) ?? this.instanceConfiguredBy(callee.call, depth + 1);
    const factory = instance?.library.instances;
    if (!instance || !factory?.configMethodsChain) return undefined;
    const makesRequest = factory.calls.some((shape) => samePath(shape.path, callee.path));
    return makesRequest ? undefined : instance;
  }

  /** The instance that `call` creates, if it is a factory call of a known library. */
  instanceCreatedBy(call: CallExpression): HttpClientInstance | undefined {
    if (this.instanceByCreation.has(call)) return this.instanceByCreation.get(call) ?? undefined;
    this.instanceByCreation.set(call, null); // guards against cycles while judging
    const instance = this.recogniseInstance(call);
    this.instanceByCreation.set(call, instance ?? null);
    return instance;
  }

  private recogniseInstance(call: CallExpression): HttpClientInstance | undefined {
    const matched = this.match(this.facts.origin(call.getExpression()));
    const factory = matched?.library.instances;
    if (!matched || !factory) return undefined;
    const isFactory = matched.instance
      ? factory.nestedFactoryPath !== undefined && samePath(matched.rest, factory.nestedFactoryPath)
      : samePath(matched.rest, factory.path);
    if (!isFactory) return undefined;
    return buildInstance(this, call, matched.library, factory, matched.instance);
  }

  /** Calls and instances of the whole file. */
  run(): Scan {
    const calls: OutboundHttpCall[] = [];
    if (!this.hasCandidates) return { calls, instances: [] };
    for (const call of this.facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const matched = this.match(this.facts.origin(call.getExpression()));
      if (!matched) continue;
      const shapes = matched.instance ? matched.library.instances?.calls ?? [] : matched.library.calls;
      const shape = shapes.find((candidate) => samePath(candidate.path, matched.rest));
      if (shape) {
        calls.push(buildCall(this, call, matched, shape));
      } else {
        this.instanceCreatedBy(call);
      }
    }
    const instances = [...this.instanceByCreation.values()].filter((i): i is HttpClientInstance => i !== null);
    instances.sort((a, b) => a.creation.getStart() - b.creation.getStart());
    return { calls, instances };
  }
}

function scan(facts: FileFacts): Scan {
  return facts.memo('http:scan', () => new HttpScanner(facts).run());
}

/** A cheap test that a file can use an entry at all: its module specifier or global name appears in the text. */
function mayMention(text: string, entry: ClientEntry): boolean {
  if ('module' in entry) {
    return ['"', "'", '`'].some((quote) => text.includes(`${quote}${entry.module}${quote}`) || text.includes(`${quote}node:${entry.module}${quote}`));
  }
  return text.includes(entry.global[entry.global.length - 1] ?? '');
}

/** `import { got } from 'got'` must match the `got` member entry before the module root. */
function entriesMostSpecificFirst(library: HttpClientLibrary): ClientEntry[] {
  const depth = (entry: ClientEntry): number => ('module' in entry ? entry.path.length : entry.global.length);
  return [...library.entries].sort((a, b) => depth(b) - depth(a));
}

function pathBelowEntry(origin: Origin, entry: ClientEntry): string[] | undefined {
  if ('module' in entry) {
    if (origin.kind !== 'module' || origin.module !== entry.module) return undefined;
    return startsWith(origin.path, entry.path) ? origin.path.slice(entry.path.length) : undefined;
  }
  if (origin.kind !== 'global') return undefined;
  return startsWith(origin.path, entry.global) ? origin.path.slice(entry.global.length) : undefined;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}

function entryLabel(entry: ClientEntry | undefined, call: CallExpression, rest: readonly string[]): string {
  if (!entry) return `${call.getExpression().getText()}()`;
  const member = rest.length > 0 ? `.${rest.join('.')}` : '';
  const from = entry.from ? ` from ${entry.from}` : '';
  return `${entry.displayName}${member}()${from}`;
}

// ---------------------------------------------------------------------------
// Calls and instances

function buildCall(scanner: HttpScanner, call: CallExpression, matched: LibraryMatch, shape: CallShape): OutboundHttpCall {
  const { library, instance } = matched;
  const spec = library.timeout;
  const args = readArguments(scanner.facts, call, shape.layout, library);
  const parts: TimeoutJudgement[] = [args.timeout];
  if (spec.chainMethods && spec.chainMethods.length > 0) {
    parts.push(judgeReturnedRequest(scanner.facts, call, spec.chainMethods, [], spec.builderIsThenable === true));
  }
  if (instance) {
    parts.push(asSource(instance.timeout, 'instance'));
  } else {
    parts.push(moduleWideTimeout(scanner, library));
  }
  parts.push(racedAgainstTimer(call, scanner.facts));
  return {
    library,
    call,
    label: entryLabel(matched.entry, call, matched.rest),
    method: shape.method === 'from-options' ? methodFromOptions(args) : shape.method === 'from-arguments' ? args.method : shape.method,
    url: args.url,
    optionsArgument: args.optionsArgument,
    options: args.literal,
    optionsSlot: args.slot,
    instance,
    sentImmediately: args.sentImmediately,
    timeout: combine(parts),
  };
}

function buildInstance(
  scanner: HttpScanner,
  creation: CallExpression,
  library: HttpClientLibrary,
  factory: InstanceFactory,
  parent: HttpClientInstance | undefined,
): HttpClientInstance {
  const spec = library.timeout;
  const args = readArguments(scanner.facts, creation, factory.layout, library, scanner);
  const parts: TimeoutJudgement[] = [args.timeout];
  if (spec.chainMethods && spec.chainMethods.length > 0) {
    const requestMethods = factory.calls.map((shape) => shape.path[0]).filter((name): name is string => name !== undefined);
    parts.push(judgeReturnedRequest(scanner.facts, creation, spec.chainMethods, requestMethods, false));
  }
  const binding = bindingText(creation);
  parts.push(defaultsTimeout(scanner, library, (target) => targetsCreation(scanner.facts, target, creation, binding), 'instance-defaults'));
  parts.push(interceptorTimeout(scanner, library, (target) => targetsCreation(scanner.facts, target, creation, binding)));
  if (factory.inheritsModuleDefaults) parts.push(moduleDefaultsBefore(scanner, library, creation));
  if (parent) parts.push(asSource(parent.timeout, 'instance'));
  return {
    library,
    creation,
    label: `${creation.getExpression().getText()}()`,
    options: args.literal,
    optionsSlot: args.slot,
    parent,
    reportAt: factory.reportAt,
    timeout: combine(parts),
  };
}

function asSource(judgement: TimeoutJudgement, source: TimeoutSource): TimeoutJudgement {
  if (judgement.state === 'set') return { ...judgement, source };
  return { state: judgement.state, evidence: judgement.evidence, ...(judgement.withoutDeadline ? { withoutDeadline: judgement.withoutDeadline } : {}) };
}

/** Any part that sets a timeout wins; otherwise one we can't see makes it unknown. */
function combine(parts: TimeoutJudgement[]): TimeoutJudgement {
  const set = parts.find((part) => part.state === 'set');
  if (set) return set;
  const unknown = parts.find((part) => part.state === 'unknown');
  if (unknown) return unknown;
  const disabled = parts.find((part) => part.disabledBy);
  const withoutDeadline = parts.find((part) => part.withoutDeadline)?.withoutDeadline;
  return { state: 'missing', disabledBy: disabled?.disabledBy, ...(withoutDeadline ? { withoutDeadline } : {}) };
}

const MISSING: TimeoutJudgement = { state: 'missing' };

/**
 * `await Promise.race([fetch(url), new Promise((r) => setTimeout(r, 150))])`:
 * the caller waits no longer than the timer, so the request cannot hold it.
 */
function racedAgainstTimer(call: CallExpression, facts: FileFacts): TimeoutJudgement {
  // Up through `await`, parentheses and chained handlers: `fetch(url).catch(() => null)`.
  let element: Node = call;
  for (let parent = element.getParent(); parent; parent = element.getParent()) {
    const chained = (Node.isPropertyAccessExpression(parent) || Node.isCallExpression(parent)) && parent.getExpression() === element;
    if (!chained && !isTransparentWrapper(parent) && !Node.isAwaitExpression(parent)) break;
    element = parent;
  }
  const list = element.getParent();
  const race = list?.getParent();
  if (!list || !Node.isArrayLiteralExpression(list) || !race || !Node.isCallExpression(race)) return MISSING;
  const origin = facts.origin(race.getExpression());
  if (origin.kind !== 'global' || !samePath(origin.path, ['Promise', 'race'])) return MISSING;
  const timer = list.getElements().find((other) => other !== element && startsTimer(other, facts));
  return timer ? { state: 'set', source: 'race', evidence: timer } : MISSING;
}

/** `new Promise((resolve) => setTimeout(resolve, ms))`, `timers/promises` setTimeout, or a project helper whose body sets a timer. */
function startsTimer(node: Node, facts: FileFacts): boolean {
  const value = unwrapExpression(node);
  const setsTimer = (scope: Node): boolean =>
    scope.getDescendantsOfKind(SyntaxKind.CallExpression).some((inner) => {
      const origin = facts.forFile(inner.getSourceFile()).origin(inner.getExpression());
      return (origin.kind === 'global' && samePath(origin.path, ['setTimeout'])) || (origin.kind === 'module' && TIMER_MODULES.some((t) => t.module === origin.module && samePath(t.path, origin.path)));
    });
  if (Node.isNewExpression(value)) return setsTimer(value);
  if (!Node.isCallExpression(value)) return false;
  const origin = facts.origin(value.getExpression());
  if (origin.kind === 'module' && TIMER_MODULES.some((t) => t.module === origin.module && samePath(t.path, origin.path))) return true;
  const declaration = value.getExpression().getSymbol()?.getDeclarations()[0];
  return declaration !== undefined && !declaration.getSourceFile().isInNodeModules() && setsTimer(declaration);
}

/** Promise-returning timers: `import { setTimeout } from 'timers/promises'`, the `delay` package (the timers table). */
const TIMER_MODULES = PROMISE_TIMERS;

// ---------------------------------------------------------------------------
// Arguments: where the URL and options are, and what the options say

interface ReadArguments {
  url?: Node;
  optionsArgument?: Node;
  literal?: ObjectLiteralExpression;
  slot: OptionsSlot;
  timeout: TimeoutJudgement;
  /** A `method` read from a builder's arguments. */
  method?: HttpMethod;
  /** The options' literal `method`, or undefined when options are absent (so the default applies). */
  optionsMethod?: HttpMethod | 'unknown';
  sentImmediately: boolean;
}

function readArguments(
  facts: FileFacts,
  call: CallExpression,
  layout: ArgumentLayout,
  library: HttpClientLibrary,
  scanner?: HttpScanner,
): ReadArguments {
  const read = readArgumentsByLayout(facts, call, layout, library, scanner);
  const agent = library.timeout.agentOption;
  if (!agent || !read.literal || read.timeout.state !== 'missing') return read;
  const agentTimeout = judgeAgent(facts, read.literal, agent);
  return agentTimeout ? { ...read, timeout: agentTimeout } : read;
}

/** `agent: new https.Agent({ timeout: 5000 })`, inline or through a same-file const. */
function judgeAgent(facts: FileFacts, options: ObjectLiteralExpression, agent: AgentOption): TimeoutJudgement | undefined {
  const value = propertyValue(options, agent.key);
  let expression = value ? unwrapExpression(value) : undefined;
  for (let depth = 0; expression && Node.isIdentifier(expression) && depth < MAX_DEPTH; depth += 1) {
    const initializer = constInitializer(expression);
    expression = initializer ? unwrapExpression(initializer) : undefined;
  }
  if (!expression || !Node.isNewExpression(expression) || !/Agent$/.test(expression.getExpression().getText())) return undefined;
  const [config] = expression.getArguments();
  if (!config) return undefined;
  const judged = judgeOptions(facts, config, agent.optionKeys, 0);
  return judged.state === 'set' ? judged : undefined;
}

function readArgumentsByLayout(
  facts: FileFacts,
  call: CallExpression,
  layout: ArgumentLayout,
  library: HttpClientLibrary,
  scanner?: HttpScanner,
): ReadArguments {
  const args = call.getArguments();
  const keys = library.timeout.optionKeys;
  if (args.some((arg) => Node.isSpreadElement(arg))) {
    return { slot: { kind: 'fixed' }, timeout: { state: 'unknown', evidence: call }, sentImmediately: false, optionsMethod: 'unknown' };
  }
  switch (layout.kind) {
    case 'positional': {
      const url = layout.url === undefined ? undefined : args[layout.url];
      const option = args[layout.options];
      const request = layout.urlMayBeRequest && url ? judgeRequestInput(facts, url, keys) : undefined;
      if (!option || isNothing(option)) {
        const urlMissing = layout.url !== undefined && !url;
        return {
          url: request?.url ?? url,
          slot: urlMissing ? { kind: 'fixed' } : absentSlot(args, layout.options),
          timeout: request?.timeout ?? MISSING,
          sentImmediately: false,
        };
      }
      const read = withOptions(facts, option, keys, { url: request?.url ?? url, sentImmediately: false });
      return request ? { ...read, timeout: combine([read.timeout, request.timeout]) } : read;
    }
    case 'url-or-options':
      return readUrlOrOptions(facts, args, keys);
    case 'merged-options':
      return readMergedOptions(facts, args, keys, scanner);
    case 'builder':
      return {
        url: args[layout.url],
        slot: { kind: 'fixed' },
        timeout: MISSING,
        sentImmediately: args.some((arg) => argumentKind(facts, arg) === 'function'),
      };
    case 'builder-method-url': {
      const method = args.length >= 2 ? literalMethod(args[0]!) : 'GET';
      return {
        url: args.length >= 2 ? args[1] : args[0],
        method,
        slot: { kind: 'fixed' },
        timeout: MISSING,
        sentImmediately: args.some((arg) => argumentKind(facts, arg) === 'function'),
      };
    }
  }
}

function absentSlot(args: Node[], index: number, before?: Node): OptionsSlot {
  const present = args[index];
  if (present && !before && isNothing(present)) return { kind: 'absent', index, padding: 0, replace: present };
  return { kind: 'absent', index, padding: Math.max(0, index - args.length), before };
}

function withOptions(
  facts: FileFacts,
  option: Node,
  keys: readonly string[],
  rest: { url?: Node; sentImmediately: boolean },
): ReadArguments {
  const literal = objectLiteralOf(facts, option);
  const inline = unwrapExpression(option);
  let slot: OptionsSlot = { kind: 'fixed' };
  if (Node.isObjectLiteralExpression(inline)) slot = { kind: 'inline', literal: inline };
  else if (literal && Node.isIdentifier(inline)) slot = { kind: 'reference', argument: option, literal };
  const url = rest.url ?? (literal ? propertyValue(literal, 'url') : undefined);
  return {
    ...rest,
    url,
    optionsArgument: option,
    literal,
    slot,
    timeout: judgeOptions(facts, option, keys, 0),
    optionsMethod: optionsMethodOf(facts, option),
  };
}

/**
 * `fetch(new Request(url, init))`: the Request's init counts like fetch's own.
 * A Request the file can't see into (a parameter typed or named so) is unknown.
 */
function judgeRequestInput(facts: FileFacts, input: Node, keys: readonly string[], depth = 0): { url?: Node; timeout: TimeoutJudgement } | undefined {
  const expression = unwrapExpression(input);
  if (Node.isNewExpression(expression) && /(^|\.)Request$/.test(expression.getExpression().getText())) {
    const [url, init] = expression.getArguments();
    return { url, timeout: init ? judgeOptions(facts, init, keys, 0) : MISSING };
  }
  if (!Node.isIdentifier(expression) || depth > MAX_DEPTH) return undefined;
  const initializer = constInitializer(expression);
  if (initializer) return judgeRequestInput(facts, initializer, keys, depth + 1);
  const declaration = expression.getSymbol()?.getDeclarations().find((d) => d.getSourceFile() === expression.getSourceFile());
  const annotation = declaration && Node.isParameterDeclaration(declaration) ? declaration.getTypeNode()?.getText() : undefined;
  const looksLikeRequest = annotation ? /\bRequest\b/.test(annotation) : /^req(uest)?$/i.test(expression.getText());
  return looksLikeRequest ? { timeout: { state: 'unknown', evidence: expression } } : undefined;
}

/** `(url, options?, callback?)` or `(options, callback?)`. */
function readUrlOrOptions(facts: FileFacts, args: Node[], keys: readonly string[]): ReadArguments {
  const [first, second] = args;
  const unknown = (evidence: Node | undefined): ReadArguments => ({
    slot: { kind: 'fixed' },
    timeout: { state: 'unknown', evidence },
    sentImmediately: false,
    optionsMethod: 'unknown',
  });
  if (!first) return unknown(undefined);
  const firstKind = argumentKind(facts, first);
  if (firstKind === 'object') return withOptions(facts, first, keys, { sentImmediately: false });
  const secondKind = second ? argumentKind(facts, second) : 'absent';
  const firstIsUrl = firstKind === 'url' || (firstKind === 'unknown' && secondKind === 'object');
  if (!firstIsUrl) return unknown(first);
  if (!second || secondKind === 'absent') return { url: first, slot: absentSlot(args, 1), timeout: MISSING, sentImmediately: false };
  if (secondKind === 'function') return { url: first, slot: absentSlot(args, 1, second), timeout: MISSING, sentImmediately: false };
  return withOptions(facts, second, keys, { url: first, sentImmediately: false });
}

/** `got.extend(a, b, ...)`: every argument is options or an instance, merged in order. */
function readMergedOptions(facts: FileFacts, args: Node[], keys: readonly string[], scanner?: HttpScanner): ReadArguments {
  const parts: TimeoutJudgement[] = [];
  for (const arg of args) {
    const expression = unwrapExpression(arg);
    const origin = facts.origin(expression);
    const instance =
      scanner && origin.kind === 'call' && origin.path.length === 0 && Node.isCallExpression(origin.call)
        ? scanner.instanceCreatedBy(origin.call)
        : undefined;
    if (instance) parts.push(asSource(instance.timeout, 'instance'));
    else parts.push(judgeOptions(facts, arg, keys, 0));
  }
  const last = args[args.length - 1];
  const lastLiteral = last ? unwrapExpression(last) : undefined;
  const slot: OptionsSlot =
    lastLiteral && Node.isObjectLiteralExpression(lastLiteral)
      ? { kind: 'inline', literal: lastLiteral }
      : absentSlot(args, args.length);
  const literal = last ? objectLiteralOf(facts, last) : undefined;
  return { optionsArgument: last, literal, slot, timeout: parts.length > 0 ? combine(parts) : MISSING, sentImmediately: false };
}

/** The options' literal `method`; HTTP clients default to GET when there is none. */
function methodFromOptions(args: ReadArguments): HttpMethod | undefined {
  return args.optionsMethod === 'unknown' ? undefined : (args.optionsMethod ?? 'GET');
}

function optionsMethodOf(facts: FileFacts, option: Node): HttpMethod | 'unknown' | undefined {
  const literal = objectLiteralOf(facts, option);
  if (!literal) return 'unknown';
  const property = literal.getProperty('method');
  if (!property) return literal.getProperties().some((p) => Node.isSpreadAssignment(p)) ? 'unknown' : undefined;
  if (!Node.isPropertyAssignment(property)) return 'unknown';
  const initializer = property.getInitializer();
  return (initializer && literalMethod(initializer)) ?? 'unknown';
}

function literalMethod(node: Node): HttpMethod | undefined {
  const expression = unwrapExpression(node);
  if (!Node.isStringLiteral(expression) && !Node.isNoSubstitutionTemplateLiteral(expression)) return undefined;
  const upper = expression.getLiteralValue().toUpperCase();
  return HTTP_METHODS.find((method) => method === upper);
}

// ---------------------------------------------------------------------------
// Options objects

const MAX_DEPTH = 8;

/** Judges whether an options expression sets one of `keys` to a value that bounds the request. */
function judgeOptions(facts: FileFacts, node: Node, keys: readonly string[], depth: number): TimeoutJudgement {
  if (depth > MAX_DEPTH) return { state: 'unknown', evidence: node };
  const expression = unwrapExpression(node);
  if (isNothing(expression)) return MISSING;
  if (Node.isObjectLiteralExpression(expression)) return judgeLiteral(facts, expression, keys, depth);
  if (Node.isConditionalExpression(expression)) {
    const whenTrue = judgeOptions(facts, expression.getWhenTrue(), keys, depth + 1);
    const whenFalse = judgeOptions(facts, expression.getWhenFalse(), keys, depth + 1);
    if (whenTrue.state === whenFalse.state) return whenTrue;
    return { state: 'unknown', evidence: expression };
  }
  if (Node.isIdentifier(expression)) {
    const initializer = constInitializer(expression);
    if (!initializer) return { state: 'unknown', evidence: expression };
    const judged = judgeOptions(facts, initializer, keys, depth + 1);
    if (judged.state === 'set') return judged;
    const written = propertyWrites(facts, expression, keys);
    return written ? combine([written, judged]) : judged;
  }
  return { state: 'unknown', evidence: expression };
}

function judgeLiteral(facts: FileFacts, literal: ObjectLiteralExpression, keys: readonly string[], depth: number): TimeoutJudgement {
  // Properties apply in order: a later one overrides an earlier one.
  let judgement: TimeoutJudgement = MISSING;
  for (const property of literal.getProperties()) {
    if (Node.isSpreadAssignment(property)) {
      const spread = judgeOptions(facts, property.getExpression(), keys, depth + 1);
      if (spread.state === 'set' || (spread.state === 'unknown' && judgement.state !== 'set')) judgement = spread;
      continue;
    }
    const name = propertyKey(property);
    if (name === undefined) {
      if (judgement.state !== 'set') judgement = { state: 'unknown', evidence: property };
      continue;
    }
    if (!keys.includes(name)) continue;
    const value = Node.isPropertyAssignment(property)
      ? property.getInitializer()
      : Node.isShorthandPropertyAssignment(property)
        ? property.getNameNode()
        : undefined;
    if (value && disablesTimeout(value)) judgement = { state: 'missing', disabledBy: property };
    else if (value && name === 'signal' && isSignalWithoutDeadline(value, facts)) judgement = { state: 'missing', withoutDeadline: property };
    else judgement = { state: 'set', source: 'options', evidence: property };
  }
  return judgement;
}

/**
 * `controller.signal` of an `AbortController` created in this file, where
 * every other use of the controller is a `controller.abort()` outside any
 * timer's callback (on a closed connection, a cancel button): nothing ends the
 * request on a deadline. False as soon as the controller goes anywhere else
 * (passed to a helper, returned, stored), since that code may set a timer.
 */
function isSignalWithoutDeadline(value: Node, facts: FileFacts): boolean {
  const expression = unwrapExpression(value);
  if (!Node.isPropertyAccessExpression(expression) || expression.getName() !== 'signal') return false;
  const controller = expression.getExpression();
  if (!Node.isIdentifier(controller)) return false;
  const initializer = constInitializer(controller);
  if (!initializer || !Node.isNewExpression(initializer)) return false;
  const origin = facts.origin(initializer.getExpression());
  if (origin.kind !== 'global' || !samePath(origin.path, ['AbortController'])) return false;
  return referencesTo(facts, controller).every((reference) => {
    const parent = reference.getParent();
    if (Node.isVariableDeclaration(parent) && parent.getNameNode() === reference) return true;
    if (!Node.isPropertyAccessExpression(parent) || parent.getExpression() !== reference) return false;
    if (parent.getName() === 'signal') return true;
    return parent.getName() === 'abort' && !insideTimerCall(parent, facts);
  });
}

/** The node is (in) an argument of a callback timer: `setTimeout(() => controller.abort(), ms)`. */
function insideTimerCall(node: Node, facts: FileFacts): boolean {
  return node.getAncestors().some((ancestor) => Node.isCallExpression(ancestor) && isCallbackTimerCall(ancestor, facts));
}

/** `init.signal = …` or `Object.assign(init, …)` on a const options object. */
function propertyWrites(facts: FileFacts, name: Identifier, keys: readonly string[]): TimeoutJudgement | undefined {
  for (const reference of referencesTo(facts, name)) {
    const parent = reference.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getExpression() === reference && keys.includes(parent.getName())) {
      const assignment = parent.getParent();
      if (Node.isBinaryExpression(assignment) && assignment.getLeft() === parent && isAssignment(assignment)) {
        if (!disablesTimeout(assignment.getRight())) return { state: 'set', source: 'options', evidence: assignment };
      }
    }
    if (Node.isCallExpression(parent) && parent.getArguments()[0] === reference && parent.getExpression().getText() === 'Object.assign') {
      return { state: 'unknown', evidence: parent };
    }
  }
  return undefined;
}

/** Values that leave the timeout off: `0`, `undefined`, `null`, `false`, `{}`. */
function disablesTimeout(node: Node, depth = 0): boolean {
  const expression = unwrapExpression(node);
  if (expression.getKind() === SyntaxKind.NullKeyword || expression.getKind() === SyntaxKind.FalseKeyword) return true;
  if (Node.isIdentifier(expression)) {
    if (expression.getText() === 'undefined' && !constInitializer(expression)) return true;
    const initializer = constInitializer(expression);
    return initializer !== undefined && depth < MAX_DEPTH && disablesTimeout(initializer, depth + 1);
  }
  if (Node.isVoidExpression(expression)) return true;
  if (Node.isNumericLiteral(expression)) return expression.getLiteralValue() === 0;
  if (Node.isObjectLiteralExpression(expression)) return expression.getProperties().length === 0;
  return false;
}

function isNothing(node: Node): boolean {
  const expression = unwrapExpression(node);
  if (expression.getKind() === SyntaxKind.NullKeyword || Node.isVoidExpression(expression)) return true;
  return Node.isIdentifier(expression) && expression.getText() === 'undefined' && !constInitializer(expression);
}

function propertyKey(property: Node): string | undefined {
  if (
    Node.isPropertyAssignment(property) ||
    Node.isShorthandPropertyAssignment(property) ||
    Node.isMethodDeclaration(property) ||
    Node.isGetAccessorDeclaration(property) ||
    Node.isSetAccessorDeclaration(property)
  ) {
    const nameNode = property.getNameNode();
    if (Node.isIdentifier(nameNode) || Node.isPrivateIdentifier(nameNode)) return nameNode.getText();
    if (Node.isStringLiteral(nameNode) || Node.isNoSubstitutionTemplateLiteral(nameNode)) return nameNode.getLiteralValue();
    if (Node.isNumericLiteral(nameNode)) return nameNode.getText();
    if (Node.isComputedPropertyName(nameNode)) {
      const inner = unwrapExpression(nameNode.getExpression());
      if (Node.isStringLiteral(inner) || Node.isNoSubstitutionTemplateLiteral(inner)) return inner.getLiteralValue();
    }
  }
  return undefined;
}

function propertyValue(literal: ObjectLiteralExpression, key: string): Node | undefined {
  for (const property of literal.getProperties()) {
    if (propertyKey(property) !== key) continue;
    if (Node.isPropertyAssignment(property)) return property.getInitializer();
    if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
  }
  return undefined;
}

/** The object literal an options expression is, or names through a same-file const. */
function objectLiteralOf(facts: FileFacts, node: Node, depth = 0): ObjectLiteralExpression | undefined {
  const expression = unwrapExpression(node);
  if (Node.isObjectLiteralExpression(expression)) return expression;
  if (Node.isIdentifier(expression) && depth < MAX_DEPTH) {
    const initializer = constInitializer(expression);
    return initializer ? objectLiteralOf(facts, initializer, depth + 1) : undefined;
  }
  return undefined;
}

/**
 * The initializer of the variable an identifier names, when it is declared in
 * this file and never reassigned (a `const`, or a `let`/`var` written once).
 */
function constInitializer(identifier: Identifier): Node | undefined {
  const symbol = valueSymbol(identifier);
  const declaration = symbol?.getDeclarations().find((d) => d.getSourceFile() === identifier.getSourceFile());
  if (!declaration || !Node.isVariableDeclaration(declaration)) return undefined;
  const initializer = declaration.getInitializer();
  if (!initializer || !Node.isIdentifier(declaration.getNameNode())) return undefined;
  const isConst = declaration.getVariableStatement()?.getDeclarationKind() === 'const';
  if (!isConst && isReassigned(declaration.getNameNode() as Identifier)) return undefined;
  return initializer;
}

function isAssignment(binary: Node): boolean {
  if (!Node.isBinaryExpression(binary)) return false;
  const operator = binary.getOperatorToken().getKind();
  return operator >= SyntaxKind.FirstAssignment && operator <= SyntaxKind.LastAssignment;
}

type ArgumentKind = 'object' | 'url' | 'function' | 'absent' | 'unknown';

const URL_WORDS = new Set(['url', 'uri', 'href', 'endpoint', 'link', 'urls']);

/** Names that say they hold a callback: `resolve`, `cb`, `done`, `onResponse`, `handleResponse`. */
const CALLBACK_NAME = /^(resolve|reject|cb|callback|done|next|handler|handle[A-Z]\w*|on[A-Z]\w*)$/;

/** `baseUrl`, `TARGET_URI`, `apiEndpoint`: names that say they hold a URL. */
function isUrlLikeName(name: string): boolean {
  return name
    .split(/[_$\d]+|(?<=[a-z])(?=[A-Z])/)
    .some((word) => URL_WORDS.has(word.toLowerCase()));
}

/** What an argument is, as far as the file shows: options object, URL, callback. */
function argumentKind(facts: FileFacts, node: Node, depth = 0): ArgumentKind {
  const expression = unwrapExpression(node);
  if (isNothing(expression)) return 'absent';
  if (Node.isObjectLiteralExpression(expression)) return 'object';
  if (Node.isArrowFunction(expression) || Node.isFunctionExpression(expression)) return 'function';
  if (
    Node.isStringLiteral(expression) ||
    Node.isNoSubstitutionTemplateLiteral(expression) ||
    Node.isTemplateExpression(expression) ||
    (Node.isBinaryExpression(expression) && expression.getOperatorToken().getKind() === SyntaxKind.PlusToken)
  ) {
    return 'url';
  }
  if (Node.isNewExpression(expression)) {
    return expression.getExpression().getText() === 'URL' ? 'url' : 'unknown';
  }
  if (Node.isIdentifier(expression)) {
    const declaration = expression.getSymbol()?.getDeclarations().find((d) => d.getSourceFile() === expression.getSourceFile());
    if (declaration && Node.isFunctionDeclaration(declaration)) return 'function';
    const initializer = constInitializer(expression);
    if (initializer && depth < MAX_DEPTH) {
      const kind = argumentKind(facts, initializer, depth + 1);
      if (kind !== 'unknown') return kind;
    }
    if (declaration && Node.isParameterDeclaration(declaration)) {
      const annotation = declaration.getTypeNode()?.getText().replace(/\s+/g, '');
      if (annotation && /^(string|URL|string\|URL|URL\|string)$/.test(annotation)) return 'url';
    }
    if (CALLBACK_NAME.test(expression.getText())) return 'function';
    return isUrlLikeName(expression.getText()) ? 'url' : 'unknown';
  }
  if (Node.isPropertyAccessExpression(expression)) {
    return isUrlLikeName(expression.getName()) ? 'url' : 'unknown';
  }
  if (Node.isCallExpression(expression)) {
    const callee = expression.getExpression();
    const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
    if (name === 'String' || name === 'toString') return 'url';
    return isUrlLikeName(name) ? 'url' : 'unknown';
  }
  return 'unknown';
}


/**
 * The identifiers that refer to the same variable as `name` (including its
 * declaration), searched only in the function (or file) that declares it.
 */
function referencesTo(facts: FileFacts, name: Identifier): Identifier[] {
  const symbol = name.getSymbol();
  const declaration = symbol?.getDeclarations().find((d) => d.getSourceFile() === name.getSourceFile());
  if (!symbol || !declaration) return [];
  const cache = facts.memo('http:references', () => new Map<Node, Identifier[]>());
  const cached = cache.get(declaration);
  if (cached) return cached;
  const scope = declaration.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a)) ?? declaration.getSourceFile();
  const text = name.getText();
  const identifiers = Node.isSourceFile(scope) ? facts.nodes.ofKind(SyntaxKind.Identifier) : scope.getDescendantsOfKind(SyntaxKind.Identifier);
  const references = identifiers.filter((identifier) => identifier.getText() === text && identifier.getSymbol()?.compilerSymbol === symbol.compilerSymbol);
  cache.set(declaration, references);
  return references;
}

// ---------------------------------------------------------------------------
// Chained timeouts: `req.setTimeout(…)`, `superagent.get(url).timeout(…)`

/** Methods that turn a request builder into a plain promise: nothing can be chained on the request after them. */
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
/** Calls that take a request stream without setting anything on it. */
const STREAM_CONSUMERS = new Set(['pipe', 'pipeline', 'finished']);

/**
 * Follows the value a call returns (the request or builder) through method
 * chains and a variable: `set` when one of `methods` is called on it,
 * `unknown` when it leaves the file's sight (returned, passed on, stored).
 * `stopAt`: methods that make a different object (an agent's `.get()` makes a request).
 */
function judgeReturnedRequest(
  facts: FileFacts,
  start: CallExpression,
  methods: readonly string[],
  stopAt: readonly string[],
  thenable: boolean,
): TimeoutJudgement {
  const chain = followChain(start, methods, stopAt);
  if (chain.setBy) return { state: 'set', source: 'chain', evidence: chain.setBy };
  if (chain.settled) return MISSING;
  const use = useOfValue(chain.end, thenable);
  if (use.kind === 'consumed') return MISSING;
  if (use.kind === 'escapes') return { state: 'unknown', evidence: use.node };
  return judgeVariable(facts, use.name, methods, stopAt, thenable);
}

interface ChainWalk {
  end: Node;
  setBy?: Node;
  /** The chain went through `.then/.catch/.finally`: the value is a promise now. */
  settled: boolean;
}

function followChain(start: Node, methods: readonly string[], stopAt: readonly string[]): ChainWalk {
  let current: Node = start;
  for (;;) {
    const access = parentSkippingWrappers(current);
    if (!access || !Node.isPropertyAccessExpression(access) || unwrapExpression(access.getExpression()) !== current) {
      return { end: current, settled: false };
    }
    const call = access.getParent();
    if (!call || !Node.isCallExpression(call) || call.getExpression() !== access) return { end: current, settled: false };
    const name = access.getName();
    if (methods.includes(name)) {
      const [first] = call.getArguments();
      if (!first || !disablesTimeout(first)) return { end: call, setBy: call, settled: false };
    }
    if (PROMISE_METHODS.has(name)) return { end: call, settled: true };
    if (stopAt.includes(name)) return { end: current, settled: true };
    current = call;
  }
}

type ValueUse = { kind: 'consumed' } | { kind: 'escapes'; node: Node } | { kind: 'variable'; name: Identifier };

/** Calls that ignore what their callback returns: a request returned from such a callback goes nowhere. */
const RESULT_IGNORING_CALLEES = new Set(['Promise', 'forEach', 'setTimeout', 'setImmediate', 'setInterval', 'on', 'once', 'nextTick']);

/** Where a value goes once the chain ends. */
function useOfValue(node: Node, thenable: boolean): ValueUse {
  let current = node;
  let parent = current.getParent();
  while (parent && isTransparentWrapper(parent)) {
    current = parent;
    parent = parent.getParent();
  }
  if (!parent) return { kind: 'consumed' };
  if (Node.isExpressionStatement(parent) || Node.isAwaitExpression(parent) || Node.isVoidExpression(parent)) return { kind: 'consumed' };
  if (Node.isVariableDeclaration(parent) && parent.getInitializer() === current) {
    const name = parent.getNameNode();
    return Node.isIdentifier(name) ? { kind: 'variable', name } : { kind: 'escapes', node: parent };
  }
  if (Node.isBinaryExpression(parent) && isAssignment(parent) && parent.getRight() === current) {
    const left = unwrapExpression(parent.getLeft());
    return Node.isIdentifier(left) ? { kind: 'variable', name: left } : { kind: 'escapes', node: parent };
  }
  if (Node.isReturnStatement(parent) || (Node.isArrowFunction(parent) && parent.getBody() === current)) {
    const fn = Node.isArrowFunction(parent) ? parent : parent.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a));
    // An async function adopts a returned thenable: its caller gets a promise, not the builder.
    if (thenable && fn && Node.isAsyncable(fn) && fn.isAsync()) return { kind: 'consumed' };
    if (fn && returnValueIgnored(fn)) return { kind: 'consumed' };
    return { kind: 'escapes', node: parent };
  }
  if (Node.isCallExpression(parent) && parent.getArguments().includes(current as never)) {
    const callee = parent.getExpression();
    const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
    if (STREAM_CONSUMERS.has(name)) return { kind: 'consumed' };
  }
  return { kind: 'escapes', node: parent };
}

/** `new Promise((resolve) => https.get(url, resolve))`: the executor's return value goes nowhere. */
function returnValueIgnored(fn: Node): boolean {
  const parent = fn.getParent();
  if (!parent || !(Node.isCallExpression(parent) || Node.isNewExpression(parent))) return false;
  if (!(parent.getArguments() as Node[]).includes(fn)) return false;
  const callee = parent.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  return RESULT_IGNORING_CALLEES.has(name);
}

function judgeVariable(
  facts: FileFacts,
  name: Identifier,
  methods: readonly string[],
  stopAt: readonly string[],
  thenable: boolean,
): TimeoutJudgement {
  let escape: Node | undefined;
  for (const reference of referencesTo(facts, name)) {
    if (reference === name || isWriteTarget(reference)) continue;
    const chain = followChain(reference, methods, stopAt);
    if (chain.setBy) return { state: 'set', source: 'chain', evidence: chain.setBy };
    if (chain.settled) continue;
    const use = useOfValue(chain.end, thenable);
    if (use.kind === 'escapes') escape ??= use.node;
    // Another variable holding the same request: stay on the safe side.
    if (use.kind === 'variable') escape ??= use.name;
  }
  return escape ? { state: 'unknown', evidence: escape } : MISSING;
}

function isWriteTarget(identifier: Identifier): boolean {
  const parent = identifier.getParent();
  return Node.isBinaryExpression(parent) && isAssignment(parent) && unwrapExpression(parent.getLeft()) === identifier;
}


function parentSkippingWrappers(node: Node): Node | undefined {
  let parent = node.getParent();
  while (parent && isTransparentWrapper(parent)) parent = parent.getParent();
  return parent;
}

// ---------------------------------------------------------------------------
// Module and instance defaults, interceptors

interface DefaultsWrite {
  /** The object whose defaults are written: `axios`, `api`, `this.client`. */
  target: Node;
  assignment: Node;
}

/** `X.defaults.timeout = value` (with a value that bounds requests) anywhere in the file. */
function defaultsWrites(scanner: HttpScanner, library: HttpClientLibrary): DefaultsWrite[] {
  const path = library.timeout.defaultsPath;
  if (!path || path.length === 0) return [];
  return scanner.facts.memo(`http:defaults:${library.id}`, () => {
    const writes: DefaultsWrite[] = [];
    if (!scanner.facts.sourceFile.getFullText().includes(path[0]!)) return writes;
    for (const binary of scanner.facts.nodes.ofKind(SyntaxKind.BinaryExpression)) {
      if (!isAssignment(binary) || disablesTimeout(binary.getRight())) continue;
      const target = stripMemberPath(binary.getLeft(), path);
      if (target) writes.push({ target, assignment: binary });
    }
    // Object.assign(axios.defaults, { timeout: 5000 })
    const container = path.slice(0, -1);
    const key = path.slice(-1);
    for (const call of scanner.facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const [first, ...sources] = call.getArguments();
      if (!first || call.getExpression().getText() !== 'Object.assign') continue;
      const target = stripMemberPath(first, container);
      if (target && sources.some((source) => judgeOptions(scanner.facts, source, key, 0).state === 'set')) {
        writes.push({ target, assignment: call });
      }
    }
    return writes;
  });
}

/** For `a.b.defaults.timeout` and path ['defaults','timeout'], returns `a.b`. */
function stripMemberPath(node: Node, path: readonly string[]): Node | undefined {
  let current = unwrapExpression(node);
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const name = memberName(current);
    if (name !== path[i]) return undefined;
    current = unwrapExpression((current as unknown as { getExpression(): Node }).getExpression());
  }
  return current;
}

function memberName(node: Node): string | undefined {
  if (Node.isPropertyAccessExpression(node)) return node.getName();
  if (Node.isElementAccessExpression(node)) {
    const argument = node.getArgumentExpression();
    if (argument && (Node.isStringLiteral(argument) || Node.isNoSubstitutionTemplateLiteral(argument))) return argument.getLiteralValue();
  }
  return undefined;
}

function defaultsTimeout(
  scanner: HttpScanner,
  library: HttpClientLibrary,
  targets: (target: Node) => boolean,
  source: TimeoutSource,
): TimeoutJudgement {
  const write = defaultsWrites(scanner, library).find((w) => targets(w.target));
  return write ? { state: 'set', source, evidence: write.assignment } : MISSING;
}

/** The module's own defaults and interceptors, for calls made straight through the module (`axios.get`). */
function moduleWideTimeout(scanner: HttpScanner, library: HttpClientLibrary): TimeoutJudgement {
  const isModuleRoot = (target: Node): boolean => isLibraryRoot(scanner, library, target);
  return combine([
    defaultsTimeout(scanner, library, isModuleRoot, 'module-defaults'),
    interceptorTimeout(scanner, library, isModuleRoot),
  ]);
}

/**
 * Module defaults an instance inherits: axios.create copies axios.defaults when
 * it runs, so a top-level write after a top-level create does not reach it.
 */
function moduleDefaultsBefore(scanner: HttpScanner, library: HttpClientLibrary, creation: CallExpression): TimeoutJudgement {
  const write = defaultsWrites(scanner, library).find((w) => {
    if (!isLibraryRoot(scanner, library, w.target)) return false;
    const bothTopLevel = isTopLevel(w.assignment) && isTopLevel(creation);
    return !bothTopLevel || w.assignment.getStart() < creation.getStart();
  });
  return write ? { state: 'set', source: 'module-defaults', evidence: write.assignment } : MISSING;
}

function isTopLevel(node: Node): boolean {
  return node.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isClassDeclaration(ancestor)) === undefined;
}

function isLibraryRoot(scanner: HttpScanner, library: HttpClientLibrary, target: Node): boolean {
  const matched = scanner.match(scanner.facts.origin(target));
  return matched !== undefined && matched.library === library && !matched.instance && matched.rest.length === 0;
}

/** `X.interceptors.request.use(callback)`: set when the callback writes a timeout option, unknown when it can't be seen. */
function interceptorTimeout(scanner: HttpScanner, library: HttpClientLibrary, targets: (target: Node) => boolean): TimeoutJudgement {
  const path = library.timeout.interceptorPath;
  if (!path || path.length === 0) return MISSING;
  const registrations = scanner.facts.memo(`http:interceptors:${library.id}`, () =>
    (scanner.facts.sourceFile.getFullText().includes(path[0]!) ? scanner.facts.nodes.ofKind(SyntaxKind.CallExpression) : [])
      .map((call) => ({ call, target: stripMemberPath(call.getExpression(), path) }))
      .filter((r): r is { call: CallExpression; target: Node } => r.target !== undefined),
  );
  const parts: TimeoutJudgement[] = [];
  for (const { call, target } of registrations) {
    if (!targets(target)) continue;
    const [callback] = call.getArguments();
    if (!callback) continue;
    parts.push(judgeInterceptor(callback, library.timeout.optionKeys));
  }
  return parts.length > 0 ? combine(parts) : MISSING;
}

function judgeInterceptor(callback: Node, keys: readonly string[]): TimeoutJudgement {
  let body: Node | undefined = unwrapExpression(callback);
  if (Node.isIdentifier(body)) {
    const declaration = body.getSymbol()?.getDeclarations().find((d) => d.getSourceFile() === callback.getSourceFile());
    if (declaration && Node.isFunctionDeclaration(declaration)) body = declaration;
    else body = declaration && Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
  }
  if (!body || !(Node.isArrowFunction(body) || Node.isFunctionExpression(body) || Node.isFunctionDeclaration(body))) {
    return { state: 'unknown', evidence: callback };
  }
  const writes = body.getDescendants().find((node) => {
    if (Node.isBinaryExpression(node) && isAssignment(node)) {
      const left = unwrapExpression(node.getLeft());
      const name = memberName(left);
      return name !== undefined && keys.includes(name) && !disablesTimeout(node.getRight());
    }
    if (Node.isPropertyAssignment(node) || Node.isShorthandPropertyAssignment(node)) {
      const name = propertyKey(node);
      return name !== undefined && keys.includes(name);
    }
    return false;
  });
  return writes ? { state: 'set', source: 'interceptor', evidence: writes } : MISSING;
}

/**
 * How the file refers to an instance when the origin can't say: the text of the
 * member it is stored in (`this.client = axios.create()` → `this.client`).
 */
function bindingText(creation: CallExpression): string | undefined {
  let current: Node = creation;
  let parent = current.getParent();
  while (parent && (isTransparentWrapper(parent) || Node.isAwaitExpression(parent))) {
    current = parent;
    parent = parent.getParent();
  }
  if (parent && Node.isBinaryExpression(parent) && isAssignment(parent) && parent.getRight() === current) {
    return parent.getLeft().getText();
  }
  if (parent && Node.isPropertyDeclaration(parent) && parent.getInitializer() === current) {
    return parent.isStatic() ? undefined : `this.${parent.getName()}`;
  }
  return undefined;
}

function targetsCreation(facts: FileFacts, target: Node, creation: CallExpression, binding: string | undefined): boolean {
  const origin = facts.origin(target);
  if (origin.kind === 'call') return origin.call === creation && origin.path.length === 0;
  return binding !== undefined && target.getText() === binding;
}

