/**
 * What Preflight knows about outbound HTTP client libraries, as data.
 * facts/http.ts reads these tables; adding a client is an entry here, not code
 * in a rule.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Where a library is reached from: a package (and a member of it) or a global. */
export type ClientEntry =
  | {
      module: string;
      /** Member of the module that is the client: [] for the module itself, ['fetch'] for undici's named fetch. */
      path: readonly string[];
      /** How messages name it: `axios`, `https`. */
      displayName: string;
      /** Appended to the call in messages: `fetch() from undici`. */
      from?: string;
    }
  | { global: readonly string[]; displayName: string; from?: string };

/** How a call's arguments carry the URL and the options object. */
export type ArgumentLayout =
  /**
   * Fixed positions: `axios.post(url, data, config)` is url 0, options 2. No url index: options only (`axios.request(config)`).
   * `urlMayBeRequest`: the first argument may be a `Request` carrying its own options (`fetch(new Request(url, init))`).
   */
  | { kind: 'positional'; url?: number; options: number; urlMayBeRequest?: boolean }
  /**
   * `(url, options?, callback?)` or `(options, callback?)`: got, axios(), http.request.
   * The first argument is the options when it is an object; a function argument ends the list.
   */
  | { kind: 'url-or-options' }
  /** Every argument is options or an instance to merge, later ones win: `got.extend(a, b)`. */
  | { kind: 'merged-options' }
  /** A request builder, no options object: `superagent.get(url)`; the timeout is a chain method. */
  | { kind: 'builder'; url: number }
  /** A request builder called with `(method, url)` or `(url)`: `superagent('POST', url)`. */
  | { kind: 'builder-method-url' };

export interface CallShape {
  /** Member path below the library entry (or below an instance); [] calls the entry itself. */
  path: readonly string[];
  /** The HTTP method, or where to read it: the options' `method`, or the builder's method argument. */
  method: HttpMethod | 'from-options' | 'from-arguments';
  layout: ArgumentLayout;
}

/** How the quick-fix adds a timeout. */
/**
 * How a library's timeout is written. In `value`, `text` and `title`, `{ms}` is the timeout in
 * milliseconds as code (`10_000`) and `{duration}` as words (`10s`), from config `fixes.timeoutMs`.
 */
export type TimeoutFixSpec =
  | { kind: 'option'; key: string; value: string; title: string }
  | { kind: 'chain'; text: string; title: string };

export interface AgentOption {
  key: string;
  optionKeys: readonly string[];
}

export interface TimeoutSpec {
  /** Option keys that bound the request: `signal` for fetch, `timeout` for axios. */
  optionKeys: readonly string[];
  /** Methods on the returned request or builder that set a timeout: http's `setTimeout`, superagent's `timeout`. */
  chainMethods?: readonly string[];
  /** Assigning this member path on the module or an instance sets a timeout for later calls: `axios.defaults.timeout = …`. */
  defaultsPath?: readonly string[];
  /** Registering a request interceptor here lets a callback set the timeout per request. */
  interceptorPath?: readonly string[];
  /** An option holding a connection agent whose own options can bound the socket: http's `agent: new Agent({ timeout })`. */
  agentOption?: AgentOption;
  /** What the message adds about the missing timeout, e.g. `axios waits forever by default`. */
  missing?: string;
  /**
   * The builder the call returns is a thenable (superagent): an async function that returns it hands its
   * caller a promise, so nothing can be chained on it there. A plain request object (http) stays reachable.
   */
  builderIsThenable?: boolean;
  fix: TimeoutFixSpec;
}

export interface InstanceFactory {
  /** Member path of the factory below the entry: ['create'] for `axios.create`. */
  path: readonly string[];
  layout: ArgumentLayout;
  /** What an instance can be called with (relative to the instance). */
  calls: readonly CallShape[];
  /** Instances make further instances that inherit their options (got's `instance.extend`). */
  nestedFactoryPath?: readonly string[];
  /**
   * `creation`: an instance without a timeout is reported once, at the factory call, and calls
   * through it are not reported again (axios, got). `call`: the instance only contributes its
   * timeout, and each call without one is reported (superagent agents).
   */
  reportAt: 'creation' | 'call';
  /** The factory copies the module's defaults at creation (axios.create merges axios.defaults). */
  inheritsModuleDefaults: boolean;
  /** Configuration methods on an instance return the instance: `superagent.agent().timeout(1000).set(…)`. */
  configMethodsChain?: boolean;
}

export interface HttpClientLibrary {
  /** Stable id, used in facts and tests. */
  id: 'fetch' | 'undici' | 'node-fetch' | 'axios' | 'got' | 'http' | 'superagent';
  entries: readonly ClientEntry[];
  calls: readonly CallShape[];
  instances?: InstanceFactory;
  timeout: TimeoutSpec;
}

const FETCH_TIMEOUT: TimeoutSpec = {
  optionKeys: ['signal'],
  fix: { kind: 'option', key: 'signal', value: 'AbortSignal.timeout({ms})', title: 'Add a {duration} timeout (AbortSignal.timeout)' },
};

const FETCH_CALLS: readonly CallShape[] = [
  { path: [], method: 'from-options', layout: { kind: 'positional', url: 0, options: 1, urlMayBeRequest: true } },
];

function axiosCalls(): CallShape[] {
  const withoutBody = (name: string, method: HttpMethod): CallShape => ({ path: [name], method, layout: { kind: 'positional', url: 0, options: 1 } });
  const withBody = (name: string, method: HttpMethod): CallShape => ({ path: [name], method, layout: { kind: 'positional', url: 0, options: 2 } });
  return [
    { path: [], method: 'from-options', layout: { kind: 'url-or-options' } },
    { path: ['request'], method: 'from-options', layout: { kind: 'positional', options: 0 } },
    withoutBody('get', 'GET'),
    withoutBody('delete', 'DELETE'),
    withoutBody('head', 'HEAD'),
    withoutBody('options', 'OPTIONS'),
    withBody('post', 'POST'),
    withBody('put', 'PUT'),
    withBody('patch', 'PATCH'),
    withBody('postForm', 'POST'),
    withBody('putForm', 'PUT'),
    withBody('patchForm', 'PATCH'),
  ];
}

function gotCalls(): CallShape[] {
  const layout: ArgumentLayout = { kind: 'url-or-options' };
  const shortcuts: [string, HttpMethod][] = [
    ['get', 'GET'],
    ['post', 'POST'],
    ['put', 'PUT'],
    ['patch', 'PATCH'],
    ['delete', 'DELETE'],
    ['head', 'HEAD'],
  ];
  return [
    { path: [], method: 'from-options', layout },
    ...shortcuts.map(([name, method]): CallShape => ({ path: [name], method, layout })),
    { path: ['stream'], method: 'from-options', layout },
    ...shortcuts.map(([name, method]): CallShape => ({ path: ['stream', name], method, layout })),
    { path: ['paginate'], method: 'from-options', layout },
    { path: ['paginate', 'all'], method: 'from-options', layout },
    { path: ['paginate', 'each'], method: 'from-options', layout },
  ];
}

function superagentCalls(): CallShape[] {
  const methods: [string, HttpMethod][] = [
    ['get', 'GET'],
    ['post', 'POST'],
    ['put', 'PUT'],
    ['patch', 'PATCH'],
    ['del', 'DELETE'],
    ['delete', 'DELETE'],
    ['head', 'HEAD'],
    ['options', 'OPTIONS'],
  ];
  return [
    { path: [], method: 'from-arguments', layout: { kind: 'builder-method-url' } },
    ...methods.map(([name, method]): CallShape => ({ path: [name], method, layout: { kind: 'builder', url: 0 } })),
  ];
}

export const HTTP_CLIENT_LIBRARIES: readonly HttpClientLibrary[] = [
  {
    id: 'fetch',
    entries: [{ global: ['fetch'], displayName: 'fetch' }],
    calls: FETCH_CALLS,
    timeout: FETCH_TIMEOUT,
  },
  {
    id: 'undici',
    entries: [{ module: 'undici', path: ['fetch'], displayName: 'fetch', from: 'undici' }],
    calls: FETCH_CALLS,
    timeout: FETCH_TIMEOUT,
  },
  {
    id: 'node-fetch',
    entries: [{ module: 'node-fetch', path: [], displayName: 'fetch', from: 'node-fetch' }],
    calls: FETCH_CALLS,
    // node-fetch v2 also takes a `timeout` option.
    timeout: { ...FETCH_TIMEOUT, optionKeys: ['signal', 'timeout'] },
  },
  {
    id: 'axios',
    entries: [{ module: 'axios', path: [], displayName: 'axios' }],
    calls: axiosCalls(),
    instances: {
      path: ['create'],
      layout: { kind: 'positional', options: 0 },
      calls: axiosCalls(),
      reportAt: 'creation',
      inheritsModuleDefaults: true,
    },
    timeout: {
      // cancelToken: the pre-AbortController way to cancel, usually driven by a timer.
      optionKeys: ['timeout', 'signal', 'cancelToken'],
      defaultsPath: ['defaults', 'timeout'],
      interceptorPath: ['interceptors', 'request', 'use'],
      missing: 'axios waits forever by default',
      fix: { kind: 'option', key: 'timeout', value: '{ms}', title: 'Add a {duration} timeout (timeout: {ms})' },
    },
  },
  {
    id: 'got',
    entries: [
      { module: 'got', path: ['got'], displayName: 'got' },
      { module: 'got', path: [], displayName: 'got' },
    ],
    calls: gotCalls(),
    instances: {
      path: ['extend'],
      layout: { kind: 'merged-options' },
      calls: gotCalls(),
      nestedFactoryPath: ['extend'],
      reportAt: 'creation',
      inheritsModuleDefaults: false,
    },
    timeout: {
      optionKeys: ['timeout', 'signal'],
      missing: 'got waits forever by default',
      fix: { kind: 'option', key: 'timeout', value: '{ request: {ms} }', title: 'Add a {duration} timeout (timeout: { request: {ms} })' },
    },
  },
  {
    id: 'http',
    entries: [
      { module: 'http', path: [], displayName: 'http' },
      { module: 'https', path: [], displayName: 'https' },
    ],
    calls: [
      { path: ['request'], method: 'from-options', layout: { kind: 'url-or-options' } },
      { path: ['get'], method: 'GET', layout: { kind: 'url-or-options' } },
    ],
    timeout: {
      optionKeys: ['timeout', 'signal'],
      chainMethods: ['setTimeout'],
      agentOption: { key: 'agent', optionKeys: ['timeout'] },
      missing: 'no timeout option and no req.setTimeout()',
      // `timeout` only emits an event; a signal actually aborts the request.
      fix: { kind: 'option', key: 'signal', value: 'AbortSignal.timeout({ms})', title: 'Add a {duration} timeout (AbortSignal.timeout)' },
    },
  },
  {
    id: 'superagent',
    entries: [{ module: 'superagent', path: [], displayName: 'superagent' }],
    calls: superagentCalls(),
    instances: {
      path: ['agent'],
      layout: { kind: 'merged-options' },
      calls: superagentCalls().filter((shape) => shape.path.length > 0),
      reportAt: 'call',
      inheritsModuleDefaults: false,
      configMethodsChain: true,
    },
    timeout: {
      optionKeys: [],
      chainMethods: ['timeout'],
      builderIsThenable: true,
      missing: 'no .timeout() in the chain',
      fix: { kind: 'chain', text: '.timeout({ms})', title: 'Add a {duration} timeout (.timeout({ms}))' },
    },
  },
];
