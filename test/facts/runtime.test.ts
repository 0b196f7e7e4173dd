import * as assert from 'node:assert/strict';
import { AnalysisProject, FileFacts } from 'preflight-server';
import { fileRuntime } from 'preflight-server/out/facts/runtime';

const project = new AnalysisProject({ inMemory: true });
let counter = 0;

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
