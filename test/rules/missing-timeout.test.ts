import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from 'preflight-server';
import { missingTimeout } from 'preflight-server/out/rules/missing-timeout';
import { applyFix, findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

testRule(missingTimeout, {
  valid: [
    {
      name: 'a controller aborted by a timer is a deadline',
      code: lines(`export async function load(url: string) {`, `  const controller = new AbortController();`, `  const timer = setTimeout(() => controller.abort(), 5_000);`, `  try {`, `    return await fetch(url, { signal: controller.signal });`, `  } finally {`, `    clearTimeout(timer);`, `  }`, `}`),
    },
    {
      name: 'a controller aborted by a bound timer callback (JS)',
      filename: 'load.js',
      code: lines(`export async function load(url) {`, `  const controller = new AbortController();`, `  setTimeout(controller.abort.bind(controller), 5000);`, `  return fetch(url, { signal: controller.signal });`, `}`),
    },
    {
      name: 'a controller handed to a helper, which may set the deadline',
      code: lines(`declare function withDeadline(controller: AbortController, ms: number): void;`, `export async function load(url: string) {`, `  const controller = new AbortController();`, `  withDeadline(controller, 5_000);`, `  return fetch(url, { signal: controller.signal });`, `}`),
    },
    {
      name: 'a signal from outside the file (a parameter) is the caller\'s business',
      code: lines(`export async function load(url: string, signal: AbortSignal) {`, `  return fetch(url, { signal });`, `}`),
    },
    {
      name: 'a signal that already combines a timeout',
      code: lines(`export async function load(url: string) {`, `  const controller = new AbortController();`, `  return fetch(url, { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(5_000)]) });`, `}`),
    },
    {
      name: 'a path on the page\'s own origin: Node rejects relative URLs, so these run in a browser',
      code: `declare function formatPath(path: string): string;
declare const id: string;
export async function upload(body: Blob) {
  await fetch('/api/files/upload', { method: 'POST', body });
  await fetch(\`/api/files/\${id}\`);
  await fetch(formatPath('/api/files/presign'), { method: 'POST' });
}`,
    },
    {
      name: 'fetch with a signal in the init object',
      code: lines(`export async function load(url: string) {`, `  return fetch(url, { signal: AbortSignal.timeout(5000) });`, `}`),
    },
    {
      name: 'fetch with a signal in a const init object',
      code: lines(`const init: RequestInit = { method: 'GET', signal: AbortSignal.timeout(3000) };`, `export const load = () => fetch('https://a.example/x', init);`),
    },
    {
      name: 'fetch with an AbortController signal',
      code: lines(
        `export async function load(url: string) {`,
        `  const controller = new AbortController();`,
        `  setTimeout(() => controller.abort(), 2000);`,
        `  return fetch(url, { signal: controller.signal });`,
        `}`,
      ),
    },
    {
      name: 'fetch of a Request that carries a signal',
      code: lines(`export const load = (url: string) => fetch(new Request(url, { signal: AbortSignal.timeout(5000) }));`),
    },
    {
      name: 'a locally declared function named fetch',
      code: lines(`function fetch(path: string) { return cache.get(path); }`, `declare const cache: Map<string, string>;`, `export const x = fetch('https://api.example/a');`),
    },
    {
      name: 'fetch imported from a local module',
      code: lines(`import { fetch } from './http/fetch-with-timeout';`, `export const load = () => fetch('https://a.example/x');`),
    },
    {
      name: 'a fetch method on a repository object',
      code: lines(`export class Repo { fetch(id: string) { return id; } load() { return this.fetch('1'); } }`),
    },
    {
      name: 'axios call with a timeout',
      code: lines(`import axios from 'axios';`, `export const get = () => axios.get('/a', { timeout: 2000 });`),
    },
    {
      name: 'axios.post with a timeout in the third argument',
      code: lines(`import axios from 'axios';`, `export const send = (body: object) => axios.post('/a', body, { timeout: 2000 });`),
    },
    {
      name: 'axios instance with a timeout in create; its calls are covered',
      code: lines(`import axios from 'axios';`, `const api = axios.create({ baseURL: 'https://api.example', timeout: 5000 });`, `export const list = () => api.get('/items');`),
    },
    {
      name: 'axios instance with defaults.timeout set later in the module',
      code: lines(`import axios from 'axios';`, `export const api = axios.create({ baseURL: 'https://api.example' });`, `api.defaults.timeout = 4000;`, `export const list = () => api.get('/items');`),
    },
    {
      name: 'axios.defaults.timeout set in the module covers axios calls',
      code: lines(`import axios from 'axios';`, `axios.defaults.timeout = 8000;`, `export const list = () => axios.get('/items');`, `export const add = () => axios.post('/items', {});`),
    },
    {
      name: 'calls through an instance imported from another module',
      code: lines(`import { api } from './api';`, `export const list = () => api.get('/items');`),
    },
    {
      name: 'got with a timeout',
      code: lines(`import got from 'got';`, `export const load = () => got('https://a.example', { timeout: { request: 10000 } }).json();`),
    },
    {
      name: 'got.extend with a timeout, and calls through it',
      code: lines(`import got from 'got';`, `const client = got.extend({ prefixUrl: 'https://a.example', timeout: { request: 5000 } });`, `export const load = () => client.get('items').json();`),
    },
    {
      name: 'https.request with a timeout option',
      code: lines(
        `import https from 'node:https';`,
        `export function call(body: string) {`,
        `  const req = https.request({ host: 'a.example', method: 'POST', timeout: 5000 }, (res) => res.resume());`,
        `  req.on('timeout', () => req.destroy());`,
        `  req.end(body);`,
        `}`,
      ),
    },
    {
      name: 'req.setTimeout on the returned request',
      code: lines(
        `import { get } from 'http';`,
        `export function ping(targetUrl: string) {`,
        `  const req = get(targetUrl, (res) => res.resume());`,
        `  req.setTimeout(3000, () => req.destroy(new Error('timeout')));`,
        `}`,
      ),
    },
    {
      name: 'superagent chain with .timeout()',
      code: lines(`import request from 'superagent';`, `export async function load() {`, `  const res = await request.get('https://a.example').set('Accept', 'json').timeout({ response: 5000 });`, `  return res.body;`, `}`),
    },
    {
      name: 'options from a parameter are not flagged',
      code: lines(
        `import axios, { type AxiosRequestConfig } from 'axios';`,
        `export function load(url: string, init: RequestInit, config: AxiosRequestConfig) {`,
        `  fetch(url, init);`,
        `  return axios.get(url, config);`,
        `}`,
      ),
    },
    {
      name: 'a spread of options the file cannot see is not flagged',
      code: lines(`import { defaults } from './config';`, `export const load = (url: string) => fetch(url, { ...defaults, method: 'GET' });`),
    },
    {
      name: 'JS with require: axios with timeout and http with setTimeout',
      filename: 'client.js',
      code: lines(
        `const axios = require('axios');`,
        `const http = require('http');`,
        `exports.a = () => axios.get('/a', { timeout: 1000 });`,
        `exports.b = (url) => http.get(url, (res) => res.resume()).setTimeout(1000);`,
      ),
    },
    {
      name: 'an axios parameter named axios is not the axios package',
      code: lines(`export function load(axios: { get(u: string): Promise<unknown> }) { return axios.get('/a'); }`),
    },
    {
      name: 'a request interceptor that sets the timeout covers the instance',
      code: lines(
        `import axios from 'axios';`,
        `const api = axios.create({ baseURL: '/x' });`,
        `api.interceptors.request.use((config) => ({ ...config, timeout: 5000 }));`,
        `export const list = () => api.get('/items');`,
      ),
    },
    {
      name: 'browser code: a fetch in a React component holds no server resource',
      filename: 'Profile.tsx',
      code: lines(
        `import { useEffect, useState } from 'react';`,
        `export function Profile() {`,
        `  const [me, setMe] = useState(null);`,
        `  useEffect(() => {`,
        `    fetch('/api/me').then((r) => r.json()).then(setMe);`,
        `  }, []);`,
        `  return me;`,
        `}`,
      ),
    },
    {
      name: 'a call raced against a timer: the caller waits no longer than the timer',
      code: lines(
        `export async function ping(url: string) {`,
        `  return Promise.race([fetch(url), new Promise((r) => setTimeout(r, 150))]);`,
        `}`,
        `export async function probe(url: string) {`,
        `  return await Promise.race([fetch(url).catch(() => null), new Promise((resolve) => setTimeout(() => resolve(null), 150))]);`,
        `}`,
      ),
    },
    {
      name: "a call raced against setTimeout from 'timers/promises', and against a project helper that sets a timer",
      code: lines(
        `import { setTimeout } from 'timers/promises';`,
        `import axios from 'axios';`,
        `const sleep = (ms: number) => new Promise((resolve) => globalThis.setTimeout(resolve, ms));`,
        `export const a = (url: string) => Promise.race([fetch(url), setTimeout(150)]);`,
        `export const b = (url: string) => Promise.race([axios.get(url), sleep(150)]);`,
      ),
    },
  ],
  invalid: [
    {
      name: 'a signal that only the client closing its connection aborts: no deadline',
      code: lines(
        `import type { IncomingMessage } from 'node:http';`,
        `export async function proxy(req: IncomingMessage, url: string) {`,
        `  const controller = new AbortController();`,
        `  req.on('close', () => controller.abort());`,
        `  const res = await fetch(url, { signal: controller.signal });`,
        `  return res.text();`,
        `}`,
      ),
      findings: [{ line: 5, message: 'passes `signal: controller.signal`, but nothing aborts it on a timer, only an event' }],
      output: lines(
        `import type { IncomingMessage } from 'node:http';`,
        `export async function proxy(req: IncomingMessage, url: string) {`,
        `  const controller = new AbortController();`,
        `  req.on('close', () => controller.abort());`,
        `  const res = await fetch(url, { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)]) });`,
        `  return res.text();`,
        `}`,
      ),
    },
    {
      name: 'a controller nobody aborts (CommonJS, axios): the axios timeout is added beside the signal',
      filename: 'client.js',
      code: lines(`const axios = require('axios');`, `async function load(url) {`, `  const controller = new AbortController();`, `  const { data } = await axios.get(url, { signal: controller.signal });`, `  return data;`, `}`, `module.exports = { load };`),
      findings: [{ line: 4, message: 'nothing aborts it on a timer' }],
      output: lines(`const axios = require('axios');`, `async function load(url) {`, `  const controller = new AbortController();`, `  const { data } = await axios.get(url, { signal: controller.signal, timeout: 10_000 });`, `  return data;`, `}`, `module.exports = { load };`),
    },
    {
      name: 'global fetch with no init',
      code: lines(`export async function load(url: string) {`, `  const res = await fetch(url);`, `  return res.json();`, `}`),
      findings: [{ line: 2, column: 21, message: "fetch() has no timeout: Node's fetch only gives up after 300 s without response headers" }],
      output: lines(`export async function load(url: string) {`, `  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });`, `  return res.json();`, `}`),
    },
    {
      name: 'fetch with an existing init object',
      code: lines(`export const save = (body: string) => fetch('https://a.example/x', { method: 'POST', body });`),
      findings: [{ line: 1, message: 'fetch() has no timeout' }],
      output: lines(`export const save = (body: string) => fetch('https://a.example/x', { method: 'POST', body, signal: AbortSignal.timeout(10_000) });`),
    },
    {
      name: 'fetch with a multi-line init object keeps its layout',
      code: lines(`export const save = (body: string) =>`, `  fetch('https://a.example/x', {`, `    method: 'POST',`, `    body,`, `  });`),
      findings: [{ line: 2 }],
      output: lines(`export const save = (body: string) =>`, `  fetch('https://a.example/x', {`, `    method: 'POST',`, `    body,`, `    signal: AbortSignal.timeout(10_000),`, `  });`),
    },
    {
      name: 'fetch with a const init object without a signal: the const is spread, not edited',
      code: lines(`const init = { headers: { accept: 'application/json' } };`, `export const load = () => fetch('https://a.example', init);`),
      findings: [{ line: 2 }],
      output: lines(`const init = { headers: { accept: 'application/json' } };`, `export const load = () => fetch('https://a.example', { ...init, signal: AbortSignal.timeout(10_000) });`),
    },
    {
      name: 'globalThis.fetch',
      code: lines(`export const load = () => globalThis.fetch('https://a.example');`),
      findings: [{ line: 1, message: 'fetch() has no timeout' }],
    },
    {
      name: 'node-fetch via require in JS',
      filename: 'client.js',
      code: lines(`const fetch = require('node-fetch');`, `module.exports = (url) => fetch(url, {});`),
      findings: [{ line: 2, message: 'fetch() from node-fetch has no timeout' }],
      output: lines(`const fetch = require('node-fetch');`, `module.exports = (url) => fetch(url, { signal: AbortSignal.timeout(10_000) });`),
    },
    {
      name: 'undici fetch with an aliased import',
      code: lines(`import { fetch as request } from 'undici';`, `export const load = () => request('https://a.example', { method: 'GET' });`),
      findings: [{ line: 2, message: 'fetch() from undici has no timeout' }],
    },
    {
      name: 'axios.get with no config',
      code: lines(`import axios from 'axios';`, `export const list = () => axios.get('/items');`),
      findings: [{ line: 2, column: 27, message: 'axios.get() has no timeout (axios waits forever by default)' }],
      output: lines(`import axios from 'axios';`, `export const list = () => axios.get('/items', { timeout: 10_000 });`),
    },
    {
      name: 'axios.post(url) with no data needs undefined as data',
      code: lines(`import axios from 'axios';`, `export const ping = () => axios.post('/ping');`),
      findings: [{ line: 2, message: 'axios.post() has no timeout' }],
      output: lines(`import axios from 'axios';`, `export const ping = () => axios.post('/ping', undefined, { timeout: 10_000 });`),
    },
    {
      name: 'axios.put with a config that has no timeout',
      code: lines(`import axios from 'axios';`, `export const put = (d: object) => axios.put('/items/1', d, { headers: { 'x-id': '1' } });`),
      findings: [{ line: 2 }],
      output: lines(`import axios from 'axios';`, `export const put = (d: object) => axios.put('/items/1', d, { headers: { 'x-id': '1' }, timeout: 10_000 });`),
    },
    {
      name: 'axios timeout: 0 turns the timeout off; the fix replaces it',
      code: lines(`import axios from 'axios';`, `export const get = () => axios.get('/a', { timeout: 0 });`),
      findings: [{ line: 2, message: 'sets `timeout: 0`, which turns the timeout off' }],
      output: lines(`import axios from 'axios';`, `export const get = () => axios.get('/a', { timeout: 10_000 });`),
    },
    {
      name: 'destructured require of axios in JS',
      filename: 'client.js',
      code: lines(`const { get } = require('axios');`, `exports.list = () => get('/items');`),
      findings: [{ line: 2, message: 'axios.get() has no timeout' }],
    },
    {
      name: 'axios.create() with no config is flagged once, at the creation; calls through it are not',
      code: lines(`import axios from 'axios';`, `export const api = axios.create();`, `export const list = () => api.get('/items');`, `export const add = () => api.post('/items', {});`),
      findings: [{ line: 2, column: 20, message: 'axios.create() creates a client with no timeout' }],
      output: lines(`import axios from 'axios';`, `export const api = axios.create({ timeout: 10_000 });`, `export const list = () => api.get('/items');`, `export const add = () => api.post('/items', {});`),
    },
    {
      name: 'axios.create with a multi-line config without a timeout',
      code: lines(`import axios from 'axios';`, `export const api = axios.create({`, `  baseURL: 'https://api.example',`, `  headers: { accept: 'json' }`, `});`),
      findings: [{ line: 2 }],
      output: lines(`import axios from 'axios';`, `export const api = axios.create({`, `  baseURL: 'https://api.example',`, `  headers: { accept: 'json' },`, `  timeout: 10_000`, `});`),
    },
    {
      name: 'axios.defaults.timeout set after a top-level create does not reach the instance',
      code: lines(`import axios from 'axios';`, `export const api = axios.create({ baseURL: '/x' });`, `axios.defaults.timeout = 1000;`),
      findings: [{ line: 2 }],
    },
    {
      name: 'got with no options',
      code: lines(`import got from 'got';`, `export const load = () => got('https://a.example').json();`),
      findings: [{ line: 2, message: 'got() has no timeout (got waits forever by default)' }],
      output: lines(`import got from 'got';`, `export const load = () => got('https://a.example', { timeout: { request: 10_000 } }).json();`),
    },
    {
      name: 'got.extend without a timeout',
      code: lines(`import got from 'got';`, `export const client = got.extend({ prefixUrl: 'https://a.example' });`, `export const load = () => client.get('items');`),
      findings: [{ line: 2, message: 'got.extend() creates a client with no timeout' }],
      output: lines(`import got from 'got';`, `export const client = got.extend({ prefixUrl: 'https://a.example', timeout: { request: 10_000 } });`, `export const load = () => client.get('items');`),
    },
    {
      name: 'http.get with a callback and no timeout: options go before the callback',
      code: lines(`import http from 'node:http';`, `export function ping(url: string) {`, `  http.get(url, (res) => res.resume()).on('error', () => {});`, `}`),
      findings: [{ line: 3, message: 'http.get() has no timeout (no timeout option and no req.setTimeout())' }],
      output: lines(`import http from 'node:http';`, `export function ping(url: string) {`, `  http.get(url, { signal: AbortSignal.timeout(10_000) }, (res) => res.resume()).on('error', () => {});`, `}`),
    },
    {
      name: 'aliased https.request with an options object, request kept in a variable',
      code: lines(
        `import { request as httpsRequest } from 'https';`,
        `export function post(body: string) {`,
        `  return new Promise((resolve, reject) => {`,
        `    const req = httpsRequest({ host: 'a.example', method: 'POST' }, resolve);`,
        `    req.on('error', reject);`,
        `    req.end(body);`,
        `  });`,
        `}`,
      ),
      findings: [{ line: 4, message: 'https.request() has no timeout' }],
      output: lines(
        `import { request as httpsRequest } from 'https';`,
        `export function post(body: string) {`,
        `  return new Promise((resolve, reject) => {`,
        `    const req = httpsRequest({ host: 'a.example', method: 'POST', signal: AbortSignal.timeout(10_000) }, resolve);`,
        `    req.on('error', reject);`,
        `    req.end(body);`,
        `  });`,
        `}`,
      ),
    },
    {
      name: 'superagent chain without .timeout()',
      code: lines(`import request from 'superagent';`, `export async function load() {`, `  const res = await request.get('https://a.example').set('Accept', 'json');`, `  return res.body;`, `}`),
      findings: [{ line: 3, message: 'superagent.get() has no timeout (no .timeout() in the chain)' }],
      output: lines(`import request from 'superagent';`, `export async function load() {`, `  const res = await request.get('https://a.example').timeout(10_000).set('Accept', 'json');`, `  return res.body;`, `}`),
    },
    {
      name: 'a namespace import of axios',
      code: lines(`import * as axios from 'axios';`, `export const remove = (id: string) => axios.default.delete(\`/items/\${id}\`);`),
      findings: [{ line: 2, message: 'axios.delete() has no timeout' }],
    },
    {
      name: 'several calls in one handler are each flagged',
      code: lines(
        `import axios from 'axios';`,
        `export async function handler() {`,
        `  const a = await fetch('https://a.example');`,
        `  const b = await axios({ url: 'https://b.example', method: 'post' });`,
        `  return [a, b];`,
        `}`,
      ),
      findings: [{ line: 3, message: 'fetch()' }, { line: 4, message: 'axios()' }],
      output: lines(
        `import axios from 'axios';`,
        `export async function handler() {`,
        `  const a = await fetch('https://a.example', { signal: AbortSignal.timeout(10_000) });`,
        `  const b = await axios({ url: 'https://b.example', method: 'post' });`,
        `  return [a, b];`,
        `}`,
      ),
    },
    {
      name: 'a Remix loader in a .tsx route that renders a React component runs on the server: flagged there, not in the component',
      filename: 'route.tsx',
      code: lines(
        `import { useEffect } from 'react';`,
        `export async function loader() {`,
        `  return fetch('https://api.example/orders');`,
        `}`,
        `export const action = async () => fetch('https://api.example/orders', { method: 'POST' });`,
        `export default function Orders() {`,
        `  useEffect(() => { fetch('/api/ping'); }, []);`,
        `  return null;`,
        `}`,
      ),
      findings: [{ line: 3, message: 'fetch() has no timeout' }, { line: 5, message: 'fetch() has no timeout' }],
    },
    {
      name: 'raced against another request, or waited for with Promise.all beside a timer, is no deadline',
      code: lines(
        `export const a = (url: string, other: string) => Promise.race([fetch(url), fetch(other)]);`,
        `export const b = (url: string) => Promise.all([fetch(url), new Promise((r) => setTimeout(r, 150))]);`,
        `export const c = (url: string) => Promise.race([fetch(url), new Promise((r) => r(null))]);`,
      ),
      findings: [{ line: 1, column: 64 }, { line: 1, column: 76 }, { line: 2, column: 48 }, { line: 3, column: 49 }],
    },
  ],
});

describe('rule missing-timeout fixes', () => {
  it('fix titles name the form of the timeout each library takes', () => {
    const titleOf = (code: string): string | undefined => findingsOf(missingTimeout, code)[0]?.fixes[0]?.title;
    assert.equal(titleOf(`fetch('https://api.example/a');`), 'Add a 10s timeout (AbortSignal.timeout)');
    assert.equal(titleOf(`import axios from 'axios';\naxios.get('/a');`), 'Add a 10s timeout (timeout: 10_000)');
    assert.equal(titleOf(`import got from 'got';\ngot('/a');`), 'Add a 10s timeout (timeout: { request: 10_000 })');
    assert.equal(titleOf(`import https from 'https';\nhttps.get('https://a');`), 'Add a 10s timeout (AbortSignal.timeout)');
    assert.equal(titleOf(`import sa from 'superagent';\nsa.get('/a').end();`), 'Add a 10s timeout (.timeout(10_000))');
  });

  it('writes the timeout of config fixes.timeoutMs, in each library\'s form and in the title', () => {
    const config = (timeoutMs: number) => ({ ...DEFAULT_CONFIG, fixes: { timeoutMs } });
    const fixOf = (code: string, timeoutMs: number) => findingsOf(missingTimeout, code, 'case.ts', config(timeoutMs))[0]!.fixes[0]!;
    const fetchFix = fixOf(`export const a = () => fetch('https://api.example/a');\n`, 5000);
    assert.equal(fetchFix.title, 'Add a 5s timeout (AbortSignal.timeout)');
    assert.equal(applyFix(`export const a = () => fetch('https://api.example/a');\n`, fetchFix), `export const a = () => fetch('https://api.example/a', { signal: AbortSignal.timeout(5_000) });\n`);
    const axiosCode = `import axios from 'axios';\nexport const api = axios.create({ baseURL: '/x' });\n`;
    assert.equal(applyFix(axiosCode, fixOf(axiosCode, 2500)), `import axios from 'axios';\nexport const api = axios.create({ baseURL: '/x', timeout: 2_500 });\n`);
    assert.equal(fixOf(`import got from 'got';\ngot('/a');`, 120_000).title, 'Add a 2min timeout (timeout: { request: 120_000 })');
    assert.equal(fixOf(`import sa from 'superagent';\nsa.get('/a').end();`, 750).title, 'Add a 750ms timeout (.timeout(750))');
  });

  it('an instance finding lists the calls through it that have no timeout of their own as related locations', () => {
    const code = lines(
      `import axios from 'axios';`,
      `const api = axios.create({ baseURL: '/x' });`,
      `export const a = () => api.get('/a');`,
      `export const b = () => api.get('/b', { timeout: 1000 });`,
      `export const c = () => api.post('/c', {});`,
    );
    const findings = findingsOf(missingTimeout, code);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.related.map((r) => [r.range.start.line + 1, r.message]), [
      [3, 'api.get() goes through this client and has no timeout of its own'],
      [5, 'api.post() goes through this client and has no timeout of its own'],
    ]);
  });

  it('no fix is offered for a superagent call that was sent with a callback', () => {
    const [finding] = findingsOf(missingTimeout, `import sa from 'superagent';\nsa.get('/a', (err, res) => {});\n`);
    assert.ok(finding, 'the call is still flagged');
    assert.deepEqual(finding.fixes, []);
  });

  it('an empty options object is filled in place', () => {
    const code = `import axios from 'axios';\naxios.request({});\n`;
    const [finding] = findingsOf(missingTimeout, code);
    assert.ok(finding?.fixes[0]);
    assert.equal(applyFix(code, finding.fixes[0]), `import axios from 'axios';\naxios.request({ timeout: 10_000 });\n`);
  });

  it('an explicit undefined options argument is replaced, not followed', () => {
    const code = `import axios from 'axios';\nexport const api = axios.create(undefined);\nfetch('https://api.example/a', undefined);\n`;
    const findings = findingsOf(missingTimeout, code);
    assert.equal(findings.length, 2);
    const fixed = findings.reduceRight((text, finding) => applyFix(text, finding.fixes[0]!), code);
    assert.equal(fixed, `import axios from 'axios';\nexport const api = axios.create({ timeout: 10_000 });\nfetch('https://api.example/a', { signal: AbortSignal.timeout(10_000) });\n`);
  });

  it('a trailing comment on the last property stays on its line', () => {
    const code = `const r = fetch('https://api.example/a', {\n  method: 'GET' // read only\n});\n`;
    const [finding] = findingsOf(missingTimeout, code);
    assert.ok(finding?.fixes[0]);
    assert.equal(applyFix(code, finding.fixes[0]), `const r = fetch('https://api.example/a', {\n  method: 'GET', // read only\n  signal: AbortSignal.timeout(10_000)\n});\n`);
  });

  it("the global fetch message says Node gives up after 300 s, not forever; axios's says it waits forever", () => {
    const [fetchFinding] = findingsOf(missingTimeout, `export const load = (url: string) => fetch(url);\n`);
    assert.ok(fetchFinding);
    assert.match(fetchFinding.message, /300 s/);
    assert.doesNotMatch(fetchFinding.message, /forever/);
    const [axiosFinding] = findingsOf(missingTimeout, `import axios from 'axios';\nexport const load = (url: string) => axios.get(url);\n`);
    assert.ok(axiosFinding);
    assert.match(axiosFinding.message, /waits forever/);
    assert.doesNotMatch(axiosFinding.message, /300 s/);
  });

  it('metadata explains the production failure and has examples', () => {
    const { meta } = missingTimeout;
    assert.match(meta.explanation, /pool/);
    assert.match(meta.explanation, /no timeout by default/);
    assert.ok(meta.examples.length >= 1 && meta.examples.every((e) => e.bad && e.good));
    assert.ok((meta.notFlagged ?? []).length > 0);
    for (const example of meta.examples) {
      assert.ok(findingsOf(missingTimeout, example.bad).length > 0, `bad example not flagged:\n${example.bad}`);
      assert.equal(findingsOf(missingTimeout, example.good).length, 0, `good example flagged:\n${example.good}`);
    }
  });
});
