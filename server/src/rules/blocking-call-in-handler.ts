import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import { blockingCallOf, isCachedOnce, type BlockingCall } from '../facts/blocking-calls';
import { entryPointOf } from '../facts/entry-points';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { isStartUpCode } from '../facts/start-up';
import { isInAsyncFunction } from '../facts/syntax';
import { BLOCKING_WORK_DESCRIPTIONS } from '../facts/tables/blocking-calls';
import { addNamedImports } from '../edits/named-import';
import { replaceExpression } from '../edits/replace-expression';
import { createRule } from './rule';
import { calleeOf } from './report-node';

export const blockingCallInHandler = createRule({
  meta: {
    id: 'blocking-call-in-handler',
    title: 'Synchronous blocking call on the request path',
    category: 'performance',
    defaultSeverity: 'warning',
    summary: [
      'A synchronous file-system, child-process, key-derivation, compression or password-hash call (`fs.readFileSync`, `execSync`, `crypto.pbkdf2Sync`, `zlib.gzipSync`, `bcrypt.hashSync`) in a route handler or job processor holds the event loop until it is done.',
      'Node serves every request of the process on that one thread: while one request waits for the disk or hashes a password, all the others wait too.',
    ].join(' '),
    explanation: [
      'A Node server runs all of its JavaScript on one thread. An asynchronous call hands the work to the thread pool or the',
      'kernel and lets the event loop serve other requests meanwhile; a `*Sync` call does the work on the event loop itself.',
      '',
      'In a demo that costs a millisecond. In production the same call runs for every request: `bcrypt.hashSync` with cost 12',
      'takes about 250 ms, so ten logins a second keep the process busy for 2.5 s of every second and every other request,',
      'health checks included, queues behind them. A `readFileSync` on a slow or network-mounted disk, an `execSync` of a',
      'tool that hangs, or a `gzipSync` of a large export stops the whole process for as long as it takes; the load balancer',
      'sees timeouts and failing health checks, and the autoscaler adds instances that stall the same way.',
      '',
      '**What is flagged.** `fs.*Sync` (and fs-extra, graceful-fs), `child_process.execSync/execFileSync/spawnSync`,',
      '`crypto.pbkdf2Sync/scryptSync/generateKeyPairSync`, `zlib.*Sync` and bcrypt/bcryptjs `hashSync/compareSync`, recognised',
      'through their import or require, in request-handling code (a route handler and the functions of its file that it',
      'calls) or job code (a queue processor, a consumer\'s handler).',
    ].join('\n'),
    shortFix: [
      'Use the asynchronous equivalent and `await` it: `await fs.promises.readFile(path, \'utf8\')`, `await bcrypt.hash(password, 12)`,',
      '`await promisify(crypto.scrypt)(password, salt, 64)`, `await promisify(zlib.gzip)(buffer)`; or read the file once at start-up.',
    ].join('\n'),
    fix: [
      '- Files: `fs/promises` (`await readFile(path)`, `await writeFile(path, data)`), or streams for large files.',
      '- Files that never change (templates, keys, certificates): read them once at start-up, at module top level, and keep them.',
      '- Passwords and keys: `await bcrypt.hash(...)` / `await bcrypt.compare(...)`, `promisify(crypto.scrypt)`, `promisify(crypto.pbkdf2)`.',
      '- Compression: `promisify(zlib.gzip)` or a stream (`pipeline(source, zlib.createGzip(), destination)`).',
      '- Child processes: `execFile` with a promise (`promisify(execFile)`) and a `timeout`.',
      '',
      'The quick fix rewrites an `fs` call as its `fs/promises` equivalent, a bcrypt call as its promise form, and a `crypto` or',
      '`zlib` call as its callback form through `util.promisify`, with `await`;',
      'it is offered only inside an `async` function, where awaiting changes nothing else the function does.',
    ].join('\n'),
    notFlagged: [
      'Start-up code: module top level, a Nest `onModuleInit`/`onApplicationBootstrap` hook and the methods only it calls, and functions no route handler or job processor in the file reaches.',
      'A result read once and kept for the life of the process: assigned to a module variable only when it has none yet (`cache ??= readFileSync(...)`, `if (!template) template = readFileSync(...)`).',
      'Command-line programs and one-off scripts (`bin/`, `cli/`, `scripts/`, `#!` files), and browser code.',
      'Functions that only share a name with a blocking export (a local `readFileSync`, a method of your own class).',
    ],
    examples: [
      {
        bad: [
          "import express from 'express';",
          "import fs from 'node:fs';",
          '',
          'const app = express();',
          '',
          "app.get('/invoices/:id/pdf', async (req, res) => {",
          '  const pdf = fs.readFileSync(`/data/invoices/${Number(req.params.id)}.pdf`);',
          "  res.type('pdf').send(pdf);",
          '});',
        ].join('\n'),
        good: [
          "import express from 'express';",
          "import fs from 'node:fs';",
          '',
          'const app = express();',
          '',
          "app.get('/invoices/:id/pdf', async (req, res) => {",
          '  const pdf = await fs.promises.readFile(`/data/invoices/${Number(req.params.id)}.pdf`);',
          "  res.type('pdf').send(pdf);",
          '});',
        ].join('\n'),
      },
    ],
  },
  create({ facts, report }) {
    const sourceFile = facts.sourceFile;
    if (isCommandLineProgram(sourceFile)) return {};
    return {
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        const blocking = blockingCallOf(call, facts);
        if (!blocking) return;
        const entry = entryPointOf(call, facts);
        if (!entry || isStartUpCode(call, facts) || isCachedOnce(call) || runtimeAt(call, facts) === 'browser') return;
        const fix = nonBlockingFix(blocking, sourceFile);
        report({
          node: calleeOf(call),
          message: `\`${blocking.name}\` ${BLOCKING_WORK_DESCRIPTIONS[blocking.family.work]} on the event loop, in ${entry === 'request' ? 'a request handler' : 'a job processor'}: while it runs, the process serves nothing else. Use its asynchronous form with \`await\`.`,
          fixes: fix ? [fix] : [],
        });
      },
    };
  },
});

/** `await` of the promise form of the call, inside an async function only; undefined where the rewrite is not mechanical. */
function nonBlockingFix(blocking: BlockingCall, sourceFile: SourceFile): Fix | undefined {
  const equivalent = blocking.family.equivalent;
  const replacement = equivalent?.names[blocking.name];
  if (!equivalent || !replacement || !isInAsyncFunction(blocking.call)) return undefined;
  const callee = blocking.call.getExpression();
  const edits: TextEdit[] = [];
  let asyncFunction: string;
  if (Node.isPropertyAccessExpression(callee)) {
    const receiver = callee.getExpression().getText();
    asyncFunction = equivalent.kind === 'fs-promises' ? `${receiver}.promises.${replacement}` : `${receiver}.${replacement}`;
  } else if (Node.isIdentifier(callee)) {
    if (declaresName(sourceFile, replacement)) return undefined;
    const module = equivalent.kind === 'fs-promises' ? `${importedSpecifier(sourceFile, blocking.module)}/promises` : importedSpecifier(sourceFile, blocking.module);
    const added = addNamedImports(sourceFile, [replacement], module);
    if (!added) return undefined;
    edits.push(added);
    asyncFunction = replacement;
  } else return undefined;
  let call = asyncFunction;
  if (equivalent.kind === 'promisified') {
    const promisify = promisifyInScope(sourceFile);
    if (!promisify) return undefined;
    if (promisify.edit) edits.push(promisify.edit);
    call = `${promisify.name}(${asyncFunction})`;
  }
  const args = blocking.call.getArguments().map((argument) => argument.getText()).join(', ');
  edits.push(replaceExpression(blocking.call, `await ${call}(${args})`));
  return { title: `Use \`await ${call}(...)\``, edits: mergeInsertions(edits) };
}

/** Two imports added at the same place go in one edit, in the order they were made. */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  for (const edit of edits) {
    const same = merged.find((other) => other.start === edit.start && other.end === edit.end && other.start === other.end);
    if (same && edit.start === edit.end) same.newText += edit.newText;
    else merged.push({ ...edit });
  }
  return merged;
}

/** The name `util.promisify` has in the file, adding `import { promisify } from 'util'` when it has none. */
function promisifyInScope(sourceFile: SourceFile): { name: string; edit?: TextEdit } | undefined {
  for (const declaration of sourceFile.getImportDeclarations()) {
    if (!['util', 'node:util'].includes(declaration.getModuleSpecifierValue())) continue;
    const named = declaration.getNamedImports().find((specifier) => specifier.getName() === 'promisify');
    if (named) return { name: named.getAliasNode()?.getText() ?? 'promisify' };
  }
  if (declaresName(sourceFile, 'promisify')) return undefined;
  const edit = addNamedImports(sourceFile, ['promisify'], importedSpecifier(sourceFile, 'util', ['fs', 'crypto', 'zlib']));
  return edit ? { name: 'promisify', edit } : undefined;
}

/** The specifier to import a core module by: `node:fs` when the file imports it (or any of `like`) that way, else `fs`. */
function importedSpecifier(sourceFile: SourceFile, module: string, like: readonly string[] = []): string {
  const text = sourceFile.getFullText();
  const prefixed = [module, ...like].some((name) => text.includes(`'node:${name}'`) || text.includes(`"node:${name}"`));
  return prefixed ? `node:${module}` : module;
}

/** True when the file already binds `name` at any level: adding an import of it would clash or shadow. */
function declaresName(sourceFile: SourceFile, name: string): boolean {
  return sourceFile.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name);
}
