import * as assert from 'node:assert/strict';
import { SyntaxKind } from 'ts-morph';
import { AnalysisProject, FileFacts } from 'preflight-server';
import { fileRuntime, runtimeAt } from 'preflight-server/out/facts/runtime';

const project = new AnalysisProject({ inMemory: true });
let counter = 0;

/** Where the code at each call whose text starts with one of `prefixes` runs. */
function runtimesAt(code: string, filename: string, prefixes: string[]): string[] {
  counter += 1;
  const path = `/runtime/${counter}/${filename}`;
  const sourceFile = project.upsert(path, code);
  try {
    const facts = new FileFacts(sourceFile);
    return prefixes.map((prefix) => {
      const call = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).find((c) => c.getText().startsWith(prefix));
      assert.ok(call, `no call starting with ${prefix}`);
      return `${prefix} ${runtimeAt(call, facts)}`;
    });
  } finally {
    project.remove(path);
  }
}

function runtimeOf(code: string, filename = 'file.ts'): string {
  counter += 1;
  const path = `/runtime/${counter}/${filename}`;
  const sourceFile = project.upsert(path, code);
  try {
    return fileRuntime(new FileFacts(sourceFile));
  } finally {
    project.remove(path);
  }
}

describe('facts/runtime fileRuntime', () => {
  it('an Express module is node code', () => {
    assert.equal(runtimeOf(`import express from 'express';\nexport const app = express();`), 'node');
  });
  it('a module importing react is browser code', () => {
    assert.equal(runtimeOf(`import React from 'react';\nexport const A = () => React.createElement('div');`, 'a.tsx'), 'browser');
  });
  it("'use client' marks browser code", () => {
    assert.equal(runtimeOf(`'use client';\nexport const x = 1;`), 'browser');
  });
  it('the global document marks browser code', () => {
    assert.equal(runtimeOf(`export function f() { return document.title; }`), 'browser');
  });
  it('an import of a Node built-in wins over a browser global', () => {
    assert.equal(runtimeOf(`import { setTimeout as later } from 'node:timers';\nexport const f = () => window.setTimeout(() => later(() => 1, 1), 1);`), 'node');
  });
  it('a local or parameter named document, or a property named window, does not', () => {
    assert.equal(runtimeOf(`export function f(document: { title: string }) { return document.title; }`), 'node');
    assert.equal(runtimeOf(`const config = { window: 5 };\nexport const w = config.window;`), 'node');
  });
});

describe('facts/runtime runtimeAt', () => {
  const ROUTE = `import { useState } from 'react';
export async function loader() {
  return loadOrders('loader');
}
export const action = async () => {
  return loadOrders('action');
};
export default function Orders() {
  const [data] = useState(null);
  loadOrders('component');
  return data;
}
async function helperNamedLoader() {
  return loadOrders('private');
}
export function load() {
  return loadOrders('exported, not a server name');
}
declare function loadOrders(from: string): Promise<unknown>;
`;

  it("in a route module that renders UI, the server exports (loader, action) run on node and the component in the browser", () => {
    assert.deepEqual(runtimesAt(ROUTE, 'orders.tsx', ["loadOrders('loader')", "loadOrders('action')", "loadOrders('component')"]), [
      "loadOrders('loader') node",
      "loadOrders('action') node",
      "loadOrders('component') browser",
    ]);
  });

  it('a private function, or an export with another name, runs where the file runs', () => {
    assert.deepEqual(runtimesAt(ROUTE, 'orders.tsx', ["loadOrders('private')", "loadOrders('exported"]), [
      "loadOrders('private') browser",
      "loadOrders('exported browser",
    ]);
  });

  it('Next.js route handlers and data functions are server exports too', () => {
    const code = `'use client';
export async function GET() { return run('get'); }
export async function getServerSideProps() { return run('props'); }
export function Page() { run('page'); return null; }
declare function run(x: string): Promise<unknown>;`;
    assert.deepEqual(runtimesAt(code, 'page.tsx', ["run('get')", "run('props')", "run('page')"]), ["run('get') node", "run('props') node", "run('page') browser"]);
  });

  it('a *.server.ts file is node code, whatever it uses', () => {
    const code = `import { useState } from 'react';
export function title() { return document.title + String(useState); }`;
    assert.equal(runtimeOf(code, 'session.server.ts'), 'node');
    assert.equal(runtimeOf(code, 'session.ts'), 'browser');
    assert.equal(runtimeOf(code, 'session.server.tsx'), 'node');
  });

  it('a file under client-only/ is browser code, whatever it imports', () => {
    const code = `export async function load() { return 1; }`;
    assert.equal(runtimeOf(code, 'client-only/api.ts'), 'browser');
    assert.equal(runtimeOf(code, 'client-only-tools/api.ts'), 'node');
    assert.equal(runtimeOf(code, 'api.ts'), 'node');
  });

  it('in node code every position is node', () => {
    assert.deepEqual(runtimesAt(`export function Page() { return run(); }\ndeclare function run(): number;`, 'page.ts', ['run(']), ['run( node']);
  });
});
