#!/usr/bin/env node
// Bundles the VS Code extension into dist/: the client (dist/extension.js) and the
// language server it starts (dist/server.js), each a single minified CommonJS file
// that needs nothing from node_modules at run time, plus the webview assets the
// checklist panel loads. Run from anywhere: `node scripts/bundle.mjs`.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(path.join(root, 'client', 'package.json'));

const shared = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  // Linked maps for debugging from the checkout; .vscodeignore keeps them out of the .vsix.
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

async function bundleClient() {
  await build({
    ...shared,
    entryPoints: { extension: 'client/src/extension.ts' },
    outdir: dist,
    external: ['vscode'],
    tsconfig: 'client/tsconfig.json',
  });
}

async function bundleServer() {
  await build({
    ...shared,
    // The same entry the `preflight-lsp` bin runs: main() picks stdio, IPC or socket from argv.
    // Started as the checklist's project-facts worker thread (facts-thread.ts), the bundle runs that instead;
    // started as `server.js mcp [--root DIR]` (the extension's MCP server definition), the CLI's `preflight mcp`.
    stdin: {
      contents: [
        "const { isMainThread, workerData } = require('node:worker_threads');",
        "if (!isMainThread && workerData && workerData.preflightFactsWorker) require('./server/src/checklist/facts-worker');",
        "else if (process.argv[2] === 'mcp') require('./server/src/cli/main').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });",
        "else require('./server/src/lsp/main').main();",
        '',
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'preflight-server-entry.js',
      loader: 'js',
    },
    outfile: path.join(dist, 'server.js'),
    tsconfig: 'server/tsconfig.json',
  });
}

/** The codicon font and stylesheet for the checklist webview (webviews can only load files inside the extension). */
function copyCodicons() {
  const codiconsDist = path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  const target = path.join(dist, 'codicons');
  fs.mkdirSync(target, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(path.join(codiconsDist, file), path.join(target, file));
  }
}

/**
 * PostgreSQL's parser (libpg-query) as WebAssembly: the bundled loader reads it from the folder the bundle runs
 * from, so it sits beside dist/server.js. Nothing is fetched at install or run time.
 */
function copySqlParser() {
  const serverRequire = createRequire(path.join(root, 'server', 'package.json'));
  const wasm = path.join(path.dirname(serverRequire.resolve('libpg-query')), 'libpg-query.wasm');
  fs.copyFileSync(wasm, path.join(dist, 'libpg-query.wasm'));
}

await Promise.all([bundleClient(), bundleServer()]);
copyCodicons();
copySqlParser();
for (const file of ['extension.js', 'server.js']) {
  const size = fs.statSync(path.join(dist, file)).size;
  console.log(`dist/${file}  ${(size / 1024 / 1024).toFixed(2)} MB`);
}
