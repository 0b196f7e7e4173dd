import * as assert from 'node:assert/strict';
import { AnalysisProject, FileFacts } from 'preflight-server';
import { httpClientInstances, outboundHttpCalls } from 'preflight-server/out/facts/http';

const project = new AnalysisProject({ inMemory: true });
let fileCounter = 0;

interface CallSummary {
  library: string;
  label: string;
  method: string | undefined;
  timeout: string;
  source?: string;
  url?: string;
  slot: string;
  instance?: string;
}

interface InstanceSummary {
  library: string;
  label: string;
  timeout: string;
  source?: string;
  parent?: string;
}

function analyse(code: string, filename = 'client.ts'): { calls: CallSummary[]; instances: InstanceSummary[] } {
  fileCounter += 1;
  const path = `/http-facts/${fileCounter}/${filename}`;
  const sourceFile = project.upsert(path, code);
  try {
    const facts = new FileFacts(sourceFile);
    const calls = outboundHttpCalls(facts).map((call) => ({
      library: call.library.id,
      label: call.label,
      method: call.method,
      timeout: call.timeout.state,
      source: call.timeout.source,
      url: call.url?.getText(),
      slot: call.optionsSlot.kind,
      instance: call.instance?.label,
    }));
    const instances = httpClientInstances(facts).map((instance) => ({
      library: instance.library.id,
      label: instance.label,
      timeout: instance.timeout.state,
      source: instance.timeout.source,
      parent: instance.parent?.label,
    }));
    assert.equal(outboundHttpCalls(facts), outboundHttpCalls(facts), 'outboundHttpCalls is memoised per file');
    return { calls, instances };
  } finally {
    project.remove(path);
  }
}

function only(code: string, filename?: string): CallSummary {
  const { calls } = analyse(code, filename);
  assert.equal(calls.length, 1, `expected one call, got ${JSON.stringify(calls)}`);
  return calls[0]!;
}

function timeouts(code: string, filename?: string): string[] {
  return analyse(code, filename).calls.map((c) => `${c.label}:${c.timeout}`);
}

describe('facts/http outboundHttpCalls', () => {
  describe('fetch', () => {
    it('global fetch with no init: GET, missing, url recorded', () => {
      const call = only(`export async function f() { return fetch('https://api.example.com/x'); }`);
      assert.deepEqual(
        [call.library, call.label, call.method, call.timeout, call.url, call.slot],
        ['fetch', 'fetch()', 'GET', 'missing', `'https://api.example.com/x'`, 'absent'],
      );
    });
    it('method comes from the init object', () => {
      const call = only(`fetch(url, { method: 'post', body: '{}' });`);
      assert.equal(call.method, 'POST');
      assert.equal(call.timeout, 'missing');
      assert.equal(call.slot, 'inline');
    });
    it('signal in init is set; through a const init too', () => {
      assert.deepEqual(timeouts(`fetch(u, { signal: AbortSignal.timeout(5000) });`), ['fetch():set']);
      assert.deepEqual(timeouts(`const init = { signal: AbortSignal.timeout(5000) };\nfetch(u, init);`), ['fetch():set']);
    });
    it('a const init without a signal is missing, with a reference slot', () => {
      const call = only(`const init = { headers: {} };\nfetch(u, init);`);
      assert.equal(call.timeout, 'missing');
      assert.equal(call.slot, 'reference');
    });
    it('a signal written onto the const init later counts', () => {
      assert.deepEqual(timeouts(`const init: RequestInit = {};\ninit.signal = AbortSignal.timeout(1000);\nfetch(u, init);`), ['fetch():set']);
    });
    it('signal: undefined does not count', () => {
      assert.deepEqual(timeouts(`fetch(u, { signal: undefined });`), ['fetch():missing']);
    });
    it('init from a parameter or an unresolved spread is unknown', () => {
      assert.deepEqual(timeouts(`export function f(init: RequestInit) { return fetch('/x', init); }`), ['fetch():unknown']);
      assert.deepEqual(timeouts(`export function f(init: RequestInit) { return fetch('/x', { ...init, method: 'GET' }); }`), ['fetch():unknown']);
    });
    it('a spread of a const with a signal is set', () => {
      assert.deepEqual(timeouts(`const base = { signal: AbortSignal.timeout(1) };\nfetch('/x', { ...base, method: 'PUT' });`), ['fetch():set']);
    });
    it('globalThis.fetch and window.fetch are the global fetch', () => {
      assert.deepEqual(timeouts(`globalThis.fetch('/a');\nwindow.fetch('/b');`), ['fetch():missing', 'fetch():missing']);
    });
    it('a local function named fetch is not recognised', () => {
      assert.deepEqual(analyse(`function fetch(u: string) { return u; }\nfetch('/x');`).calls, []);
    });
    it('fetch imported from a local module is not recognised', () => {
      assert.deepEqual(analyse(`import { fetch } from './my-client';\nfetch('/x');`).calls, []);
    });
    it('a method named fetch on some object is not recognised', () => {
      assert.deepEqual(analyse(`const repo = { fetch(u: string) { return u; } };\nrepo.fetch('/x');\nthis.fetch('/y');`).calls, []);
    });
    it('undici fetch and node-fetch (default, require) are recognised with their library', () => {
      const { calls } = analyse(`import { fetch as undiciFetch } from 'undici';\nimport nodeFetch from 'node-fetch';\nundiciFetch('/a');\nnodeFetch('/b');`);
      assert.deepEqual(calls.map((c) => [c.library, c.label]), [['undici', 'fetch() from undici'], ['node-fetch', 'fetch() from node-fetch']]);
      const js = analyse(`const fetch = require('node-fetch');\nfetch('/c', { timeout: 5000 });`, 'a.js').calls;
      assert.deepEqual(js.map((c) => [c.library, c.timeout]), [['node-fetch', 'set']]);
    });
    it('a Request input carries its own init', () => {
      assert.deepEqual(
        timeouts(`fetch(new Request('/a', { signal: AbortSignal.timeout(1) }));\nconst r = new Request('/b');\nfetch(r);\nfetch(new Request('/c'), { signal: AbortSignal.timeout(1) });`),
        ['fetch():set', 'fetch():missing', 'fetch():set'],
      );
    });
    it('a Request from a parameter is unknown; a plain string parameter is a URL', () => {
      assert.deepEqual(timeouts(`export const f = (input: Request) => fetch(input);`), ['fetch():unknown']);
      assert.deepEqual(timeouts(`export const f = (input: string) => fetch(input);`), ['fetch():missing']);
    });
    it('node-fetch timeout: 0 is missing', () => {
      assert.deepEqual(timeouts(`import fetch from 'node-fetch';\nfetch('/c', { timeout: 0 });`), ['fetch() from node-fetch:missing']);
    });
  });

  describe('axios', () => {
    it('recognises default, namespace, named, aliased and required axios', () => {
      const code = [
        `import axios from 'axios';`,
        `import * as ax from 'axios';`,
        `import { post as axiosPost } from 'axios';`,
        `axios.get('/a');`,
        `ax.default.delete('/b');`,
        `axiosPost('/c', {});`,
      ].join('\n');
      const { calls } = analyse(code);
      assert.deepEqual(calls.map((c) => [c.label, c.method, c.timeout]), [
        ['axios.get()', 'GET', 'missing'],
        ['axios.delete()', 'DELETE', 'missing'],
        ['axios.post()', 'POST', 'missing'],
      ]);
    });
    it('destructured require', () => {
      const call = only(`const { get } = require('axios');\nget('/a', { timeout: 1000 });`, 'a.js');
      assert.deepEqual([call.library, call.label, call.timeout, call.source], ['axios', 'axios.get()', 'set', 'options']);
    });
    it('config index follows the method: get → 1, post → 2, request → 0', () => {
      assert.deepEqual(
        timeouts(`import axios from 'axios';\naxios.get('/a', { timeout: 1 });\naxios.post('/b', { timeout: 1 });\naxios.post('/c', {}, { timeout: 1 });\naxios.request({ url: '/d', timeout: 1 });`),
        ['axios.get():set', 'axios.post():missing', 'axios.post():set', 'axios.request():set'],
      );
    });
    it('axios(config) and axios(url, config)', () => {
      const { calls } = analyse(`import axios from 'axios';\naxios({ url: '/a', method: 'delete' });\naxios('/b', { timeout: 2000 });`);
      assert.deepEqual(calls.map((c) => [c.method, c.timeout, c.url]), [['DELETE', 'missing', `'/a'`], ['GET', 'set', `'/b'`]]);
    });
    it('axios(config) with config from a parameter is unknown', () => {
      assert.deepEqual(timeouts(`import axios from 'axios';\nexport function f(config: object) { return axios(config); }`), ['axios():unknown']);
    });
    it('timeout: 0 disables the timeout, also through a shorthand of a const 0', () => {
      assert.deepEqual(timeouts(`import axios from 'axios';\naxios.get('/a', { timeout: 0 });`), ['axios.get():missing']);
      assert.deepEqual(timeouts(`import axios from 'axios';\nconst timeout = 0;\naxios.get('/a', { timeout });`), ['axios.get():missing']);
      assert.deepEqual(timeouts(`import axios from 'axios';\nconst timeout = 5000;\naxios.get('/a', { timeout });`), ['axios.get():set']);
    });
    it('axios.defaults.timeout in the module covers calls on axios', () => {
      const call = only(`import axios from 'axios';\naxios.defaults.timeout = 5000;\naxios.get('/a');`);
      assert.deepEqual([call.timeout, call.source], ['set', 'module-defaults']);
    });
    it('a request interceptor that sets config.timeout covers calls', () => {
      const call = only(`import axios from 'axios';\naxios.interceptors.request.use((config) => { config.timeout = 3000; return config; });\naxios.get('/a');`);
      assert.deepEqual([call.timeout, call.source], ['set', 'interceptor']);
    });
    it('a cancelToken counts as a deliberate timeout', () => {
      assert.deepEqual(timeouts(`import axios from 'axios';\nconst source = axios.CancelToken.source();\naxios.get('/a', { cancelToken: source.token });`), ['axios.get():set']);
    });
    it('Object.assign onto axios.defaults covers calls', () => {
      assert.deepEqual(timeouts(`import axios from 'axios';\nObject.assign(axios.defaults, { timeout: 1000 });\naxios.get('/a');`), ['axios.get():set']);
    });
    it('a method .get on an unrelated object or an axios parameter is not recognised', () => {
      assert.deepEqual(analyse(`const map = new Map();\nmap.get('/a');\nexport function f(axios: any) { return axios.get('/x'); }`).calls, []);
    });
  });

  describe('axios instances', () => {
    it('calls through an instance are judged by the instance', () => {
      const { calls, instances } = analyse(`import axios from 'axios';\nconst api = axios.create({ baseURL: '/api' });\napi.get('/a');\napi.post('/b', {}, { timeout: 100 });`);
      assert.deepEqual(instances.map((i) => [i.label, i.timeout]), [['axios.create()', 'missing']]);
      assert.deepEqual(calls.map((c) => [c.label, c.instance, c.timeout]), [
        ['api.get()', 'axios.create()', 'missing'],
        ['api.post()', 'axios.create()', 'set'],
      ]);
    });
    it('timeout in create, and defaults.timeout set later', () => {
      const created = analyse(`import axios from 'axios';\nconst api = axios.create({ timeout: 5000 });\napi.get('/a');`);
      assert.deepEqual(created.calls.map((c) => [c.timeout, c.source]), [['set', 'instance']]);
      const later = analyse(`import axios from 'axios';\nconst api = axios.create();\napi.defaults.timeout = 2500;\napi.get('/a');`);
      assert.deepEqual(later.instances.map((i) => [i.timeout, i.source]), [['set', 'instance-defaults']]);
    });
    it('defaults set on a class member holding the instance', () => {
      const { instances } = analyse(
        `import axios from 'axios';\nclass Client {\n  private http = axios.create();\n  constructor() { this.http.defaults.timeout = 1000; }\n}`,
      );
      assert.deepEqual(instances.map((i) => i.timeout), ['set']);
    });
    it('axios.defaults.timeout before a top-level create is inherited, after it is not', () => {
      const before = analyse(`import axios from 'axios';\naxios.defaults.timeout = 1;\nconst api = axios.create();`);
      assert.deepEqual(before.instances.map((i) => i.timeout), ['set']);
      const after = analyse(`import axios from 'axios';\nconst api = axios.create();\naxios.defaults.timeout = 1;`);
      assert.deepEqual(after.instances.map((i) => i.timeout), ['missing']);
    });
    it('create config from a parameter is unknown', () => {
      const { instances } = analyse(`import axios from 'axios';\nexport function make(config: any) { return axios.create(config); }`);
      assert.deepEqual(instances.map((i) => i.timeout), ['unknown']);
    });
    it('an instance imported from another module is not an instance of this file', () => {
      const { calls, instances } = analyse(`import { api } from './api';\napi.get('/a');`);
      assert.deepEqual([calls, instances], [[], []]);
    });
  });

  describe('got', () => {
    it('got calls, shortcuts and options-only form', () => {
      const code = `import got from 'got';\ngot('https://x');\ngot.post('https://y', { json: {}, timeout: { request: 1000 } });\ngot({ url: 'https://z', method: 'PUT' });`;
      assert.deepEqual(analyse(code).calls.map((c) => [c.label, c.method, c.timeout]), [
        ['got()', 'GET', 'missing'],
        ['got.post()', 'POST', 'set'],
        ['got()', 'PUT', 'missing'],
      ]);
    });
    it('the named got export works like the default one', () => {
      assert.deepEqual(timeouts(`import { got } from 'got';\ngot.post('https://x');`), ['got.post():missing']);
    });
    it('timeout: {} is missing', () => {
      assert.deepEqual(timeouts(`import got from 'got';\ngot('https://x', { timeout: {} });`), ['got():missing']);
    });
    it('got.extend instances, nested extend inherits', () => {
      const { calls, instances } = analyse(
        `import got from 'got';\nconst base = got.extend({ timeout: { request: 1 } });\nconst child = base.extend({ prefixUrl: 'https://x' });\nchild.get('a');`,
      );
      assert.deepEqual(instances.map((i) => [i.label, i.timeout, i.parent]), [
        ['got.extend()', 'set', undefined],
        ['base.extend()', 'set', 'got.extend()'],
      ]);
      assert.deepEqual(calls.map((c) => [c.label, c.timeout, c.instance]), [['child.get()', 'set', 'base.extend()']]);
    });
    it('got.extend without a timeout is missing', () => {
      assert.deepEqual(analyse(`import got from 'got';\nexport const client = got.extend({ prefixUrl: 'https://x' });`).instances.map((i) => i.timeout), ['missing']);
    });
  });

  describe('http and https', () => {
    it('named, aliased, node: and namespace forms', () => {
      const code = [
        `import { request as httpRequest } from 'node:https';`,
        `import * as http from 'http';`,
        `import { get } from 'https';`,
        `httpRequest('https://a', (res) => res.resume()).end();`,
        `http.get({ host: 'b', path: '/' }, (res) => res.resume());`,
        `get(new URL('https://c'), { timeout: 100 });`,
      ].join('\n');
      assert.deepEqual(analyse(code).calls.map((c) => [c.library, c.label, c.method, c.timeout]), [
        ['http', 'https.request()', 'GET', 'missing'],
        ['http', 'http.get()', 'GET', 'missing'],
        ['http', 'https.get()', 'GET', 'set'],
      ]);
    });
    it('required http in JS', () => {
      assert.deepEqual(timeouts(`const https = require('https');\nhttps.get('https://a', (res) => {});`, 'a.js'), ['https.get():missing']);
    });
    it('req.setTimeout on the returned request counts, on the chain or through a variable', () => {
      assert.deepEqual(timeouts(`import https from 'https';\nhttps.get('https://a').setTimeout(1000);`), ['https.get():set']);
      const viaVariable = `import http from 'http';\nconst req = http.request({ host: 'a', method: 'POST' }, () => {});\nreq.on('error', console.error);\nreq.setTimeout(5000, () => req.destroy());\nreq.end();`;
      const call = only(viaVariable);
      assert.deepEqual([call.method, call.timeout, call.source], ['POST', 'set', 'chain']);
    });
    it('a request without setTimeout that stays local is missing; one returned from a plain function is unknown', () => {
      assert.deepEqual(timeouts(`import http from 'http';\nconst req = http.request({ host: 'a' });\nreq.on('error', () => {});\nreq.end();`), ['http.request():missing']);
      assert.deepEqual(timeouts(`import http from 'http';\nexport function open() { return http.request({ host: 'a' }); }`), ['http.request():unknown']);
    });
    it('options from a parameter (with a callback) are unknown; a URL-named parameter is a URL', () => {
      assert.deepEqual(timeouts(`import https from 'https';\nexport function f(opts: any) { https.get(opts, () => {}); }`), ['https.get():unknown']);
      assert.deepEqual(timeouts(`import https from 'https';\nexport function f(targetUrl: any) { https.get(targetUrl, () => {}); }`), ['https.get():missing']);
    });
    it('a request made inside a Promise executor stays local', () => {
      const code = `import https from 'https';\nexport const get = (u: string) => new Promise((resolve, reject) => https.get(u, resolve).on('error', reject));`;
      assert.deepEqual(timeouts(code), ['https.get():missing']);
    });
    it('a request returned from an async function is still reachable by the caller: unknown', () => {
      assert.deepEqual(timeouts(`import http from 'http';\nexport async function open() { return http.request({ host: 'a' }); }`), ['http.request():unknown']);
    });
    it('an agent created with a timeout counts; one without does not', () => {
      const code = [
        `import https from 'https';`,
        `const agent = new https.Agent({ keepAlive: true, timeout: 5000 });`,
        `const plain = new https.Agent({ keepAlive: true });`,
        `https.get('https://a', { agent }, () => {});`,
        `https.get('https://b', { agent: plain }, () => {});`,
      ].join('\n');
      assert.deepEqual(timeouts(code), ['https.get():set', 'https.get():missing']);
    });
    it('signal option counts for http', () => {
      assert.deepEqual(timeouts(`import https from 'https';\nhttps.get('https://a', { signal: AbortSignal.timeout(1) }, () => {});`), ['https.get():set']);
    });
  });

  describe('superagent', () => {
    it('chains with and without .timeout()', () => {
      const code = [
        `import request from 'superagent';`,
        `export async function a() { return request.get('/a').set('X', '1'); }`,
        `export async function b() { return request.post('/b').timeout({ response: 1000 }).send({}); }`,
        `export async function c() { await request('DELETE', '/c'); }`,
      ].join('\n');
      assert.deepEqual(analyse(code).calls.map((c) => [c.label, c.method, c.timeout]), [
        ['superagent.get()', 'GET', 'missing'],
        ['superagent.post()', 'POST', 'set'],
        ['superagent()', 'DELETE', 'missing'],
      ]);
    });
    it('a chain ending in .then is missing; a builder returned from a plain function is unknown', () => {
      assert.deepEqual(timeouts(`const sa = require('superagent');\nsa.get('/a').then((r) => r.body);`, 'a.js'), ['superagent.get():missing']);
      assert.deepEqual(timeouts(`const sa = require('superagent');\nfunction build() { return sa.get('/a'); }`, 'a.js'), ['superagent.get():unknown']);
    });
    it('a builder returned from an async function is awaited by it: missing', () => {
      assert.deepEqual(timeouts(`import sa from 'superagent';\nexport async function load() { return sa.get('/a'); }`), ['superagent.get():missing']);
    });
    it('an agent with .timeout() covers its calls', () => {
      const { calls } = analyse(`import superagent from 'superagent';\nconst agent = superagent.agent().timeout(2000);\nagent.get('/a').then(() => {});`);
      assert.deepEqual(calls.map((c) => [c.label, c.timeout, c.source]), [['agent.get()', 'set', 'instance']]);
    });
  });
});
