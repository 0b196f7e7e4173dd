import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { isLoopbackListen, listenCalls, type ListenCall } from '../facts/process';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { unwrapExpression } from '../facts/syntax';
import { CLOSABLE_CLIENTS, CLOSABLE_MODULES } from '../facts/tables/client-shutdown';
import { insertStatementAfter, insertStatementBefore, statementEnd } from '../edits/insert-statement';
import { indentationAt, newlineOf, stringQuoteOf } from '../edits/layout';
import { createRule } from './rule';

/** How long the generated handler waits for in-flight requests before it exits anyway. */
const DRAIN_DEADLINE_MS = '10_000';

export const missingGracefulShutdown = createRule({
  meta: {
    id: 'missing-graceful-shutdown',
    title: 'Server started with no SIGTERM handling',
    category: 'operability',
    defaultSeverity: 'warning',
    summary: [
      'A server is started (`app.listen`, `server.listen`, `fastify.listen`, Nest `app.listen`, Hono `serve`) in a package where nothing handles `SIGTERM`: no `process.on(\'SIGTERM\')`, no Nest `enableShutdownHooks()`, no terminus, http-terminator, close-with-grace, stoppable or lightship.',
      'Every deploy, scale-in and node drain kills the process mid-request: in-flight requests fail and database connections are left open.',
    ].join(' '),
    explanation: [
      'Orchestrators stop a process by sending it `SIGTERM`, waiting a grace period (30 s on Kubernetes, 10 s on ECS by',
      'default), then `SIGKILL`. That happens on every deploy, every scale-in, every node drain. Node\'s default reaction to',
      '`SIGTERM` is to exit at once:',
      '',
      '- requests being served get a reset connection (a 502 at the load balancer) instead of their answer, and a request',
      '  half way through its writes leaves them half done;',
      '- keep-alive connections are cut while the load balancer still sends requests on them;',
      '- database and queue connections are dropped without a goodbye, so the server side keeps them until it notices, and a',
      '  rolling deploy of ten instances can exhaust the database\'s connection limit.',
      '',
      'A rolling deploy that should be invisible becomes a burst of errors every time.',
      '',
      '**What is flagged.** The `listen` call of a server (Express, Fastify, Koa, Hono\'s node server, Nest, `http.createServer`)',
      'in a package (the nearest `package.json`) none of whose files handles `SIGTERM`: `process.on`/`once` for `SIGTERM` or for',
      'a list of signals that includes it, Nest `enableShutdownHooks()`, `@godaddy/terminus`, `http-terminator`,',
      '`close-with-grace`, `stoppable`, `lightship`, `http-graceful-shutdown`, or a framework\'s shutdown hooks (Medusa).',
      'This is the same fact the checklist\'s "Graceful shutdown handled" check reads.',
    ].join('\n'),
    shortFix: [
      'On `SIGTERM`: stop accepting connections (`server.close()`), let in-flight requests finish with a deadline, close the',
      'database and queue clients, then exit. In Nest: `app.enableShutdownHooks()`.',
    ].join('\n'),
    fix: [
      '```ts',
      "process.on('SIGTERM', () => {",
      '  setTimeout(() => process.exit(1), 10_000).unref(); // the deadline',
      '  server.close(async () => {',
      '    await prisma.$disconnect();',
      '    process.exit(0);',
      '  });',
      '});',
      '```',
      '',
      '- Fastify: `fastify.close()` waits for in-flight requests and runs the `onClose` hooks.',
      '- Nest: `app.enableShutdownHooks()` before `listen`, and close clients in `onModuleDestroy`/`onApplicationShutdown`.',
      '- Libraries that do it for you: `@godaddy/terminus`, `http-terminator` (also closes idle keep-alive sockets), `close-with-grace`.',
      '- Keep the deadline below the platform\'s grace period, and fail the readiness probe first if the load balancer needs time to stop sending traffic.',
      '',
      'The quick fix adds such a handler after the `listen` call (or `enableShutdownHooks()` before a Nest one), closing the',
      'database and queue clients it sees created at the top of the file.',
    ].join('\n'),
    notFlagged: [
      'Packages that handle `SIGTERM` in any of their files (a `shutdown.ts` beside `main.ts` counts), through `process.on`/`process.once` or a signal list that includes it, Nest `enableShutdownHooks()`, or a shutdown library.',
      'Servers bound to the loopback interface (`listen(0, \'127.0.0.1\')`, `{ host: \'localhost\' }`): helpers of the process itself, such as a local proxy, that no load balancer sends requests to.',
      'Command-line programs and one-off scripts (`bin/`, `cli/`, `scripts/`, `#!` files), test code and browser code.',
      'Platforms that start the server themselves (Next.js, Remix, serverless handlers): there is no `listen` call to flag.',
    ],
    examples: [
      {
        bad: ["import express from 'express';", '', 'const app = express();', "app.get('/health', (req, res) => res.send('ok'));", '', 'const server = app.listen(3000);'].join('\n'),
        good: [
          "import express from 'express';",
          '',
          'const app = express();',
          "app.get('/health', (req, res) => res.send('ok'));",
          '',
          'const server = app.listen(3000);',
          "process.on('SIGTERM', () => {",
          '  setTimeout(() => process.exit(1), 10_000).unref();',
          '  server.close(() => process.exit(0));',
          '});',
        ].join('\n'),
      },
    ],
  },
  create({ facts, program, report }) {
    return {
      onFileEnd: () => {
        if (isCommandLineProgram(facts.sourceFile)) return;
        const listens = listenCalls(facts).filter((listen) => runtimeAt(listen.node, facts) !== 'browser' && !isLoopbackListen(listen));
        // Unknown package facts (an editor still scanning the package): say nothing rather than guess.
        if (listens.length === 0 || !program.shutdownHandling || program.shutdownHandling.length > 0) return;
        for (const listen of listens) {
          const fix = shutdownFix(listen, facts);
          report({
            node: listen.node,
            message: `This server is started, but nothing in its package handles SIGTERM: every deploy, scale-in or restart kills the process mid-request, failing in-flight requests and dropping database connections. Stop accepting connections on SIGTERM, let in-flight requests finish with a deadline, close the clients, then exit.`,
            fixes: fix ? [fix] : [],
          });
        }
      },
    };
  },
});

function shutdownFix(listen: ListenCall, facts: FileFacts): Fix | undefined {
  const callee = listen.node.getExpression();
  const receiver = Node.isPropertyAccessExpression(callee) ? callee.getExpression().getText() : undefined;
  const statement = enclosingStatement(listen.node);
  if (!statement) return undefined;
  if (listen.framework === 'nestjs' && receiver) {
    const edit = insertStatementBefore(statement, `${receiver}.enableShutdownHooks()`);
    return edit ? { title: `Call \`${receiver}.enableShutdownHooks()\` before listening`, edits: [edit] } : undefined;
  }
  const sourceFile = facts.sourceFile;
  const closers = clientClosers(facts);
  if (listen.framework === 'fastify' && receiver) {
    return handlerFix(statement, [], closeStatements(sourceFile, `${receiver}.close().then`, closers, true));
  }
  const server = serverHandle(listen, statement, receiver, sourceFile);
  if (!server) return undefined;
  return handlerFix(statement, server.edits, closeStatements(sourceFile, `${server.name}.close`, closers, false));
}

/** The statement the listen call is part of, when it sits in a statement list. */
function enclosingStatement(call: CallExpression): Node | undefined {
  const statement = call.getFirstAncestor((ancestor) => Node.isExpressionStatement(ancestor) || Node.isVariableStatement(ancestor));
  const list = statement?.getParent();
  return statement && list && (Node.isBlock(list) || Node.isSourceFile(list)) ? statement : undefined;
}

/** The name of the `http.Server` the listen call gives, naming it `server` when the result is thrown away. */
function serverHandle(listen: ListenCall, statement: Node, receiver: string | undefined, sourceFile: SourceFile): { name: string; edits: TextEdit[] } | undefined {
  const parent = listen.node.getParent();
  if (parent && Node.isVariableDeclaration(parent) && Node.isIdentifier(parent.getNameNode())) return { name: parent.getName(), edits: [] };
  if (listen.framework === 'node-http' && receiver && /^[\w$.]+$/.test(receiver)) return { name: receiver, edits: [] };
  if (!Node.isExpressionStatement(statement) || unwrapExpression(statement.getExpression()) !== listen.node) return undefined;
  if (sourceFile.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === 'server')) return undefined;
  return { name: 'server', edits: [{ start: listen.node.getStart(), end: listen.node.getStart(), newText: 'const server = ' }] };
}

/** `prisma.$disconnect()` and the like, for the clients created at the top level of the file. */
function clientClosers(facts: FileFacts): string[] {
  const closers: string[] = [];
  for (const statement of facts.sourceFile.getVariableStatements()) {
    for (const declaration of statement.getDeclarations()) {
      const initializer = declaration.getInitializer();
      if (!initializer || !Node.isIdentifier(declaration.getNameNode())) continue;
      const created = unwrapExpression(Node.isAwaitExpression(initializer) ? initializer.getExpression() : initializer);
      if (!Node.isNewExpression(created) && !Node.isCallExpression(created)) continue;
      const origin = facts.origin(created.getExpression());
      if (origin.kind !== 'module') continue;
      const how = Node.isNewExpression(created) ? 'construct' : 'call';
      const client = CLOSABLE_CLIENTS.find((candidate) => candidate.module === origin.module && candidate.how === how && candidate.path.join('.') === origin.path.join('.'));
      if (client) closers.push(`${declaration.getName()}.${client.close}()`);
    }
  }
  for (const closable of CLOSABLE_MODULES) {
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== closable.connect) continue;
      const origin = facts.origin(callee);
      if (origin.kind !== 'module' || origin.module !== closable.module) continue;
      closers.push(`${callee.getExpression().getText()}.${closable.close}()`);
      break;
    }
  }
  return closers;
}

/** The lines that close the server (and then the clients) and exit, below the deadline timer. */
function closeStatements(sourceFile: SourceFile, close: string, closers: readonly string[], promise: boolean): string[] {
  const end = statementEnd(sourceFile);
  if (promise) {
    if (closers.length === 0) return [`${close}(() => process.exit(0), () => process.exit(1))${end}`];
    return [`${close}(async () => {`, ...closers.map((closer) => `  await ${closer}${end}`), `  process.exit(0)${end}`, `}, () => process.exit(1))${end}`];
  }
  if (closers.length === 0) return [`${close}(() => process.exit(0))${end}`];
  return [`${close}(async () => {`, ...closers.map((closer) => `  await ${closer}${end}`), `  process.exit(0)${end}`, `})${end}`];
}

function handlerFix(statement: Node, edits: TextEdit[], body: readonly string[]): Fix {
  const sourceFile = statement.getSourceFile();
  const text = sourceFile.getFullText();
  const newline = newlineOf(text);
  const indent = indentationAt(text, statement.getStart());
  const unit = indentUnitOf(text);
  const quote = stringQuoteOf(sourceFile);
  const end = statementEnd(sourceFile);
  const lines = [
    `process.on(${quote}SIGTERM${quote}, () => {`,
    `${indent}${unit}setTimeout(() => process.exit(1), ${DRAIN_DEADLINE_MS}).unref()${end}`,
    ...body.map((line) => `${indent}${unit}${line}`),
    `${indent}})`,
  ];
  return { title: 'Close the server on SIGTERM, with a deadline', edits: [...edits, insertStatementAfter(statement, lines.join(newline))] };
}

function indentUnitOf(text: string): string {
  const sample = /\n([ \t]+)\S/.exec(text);
  return sample?.[1]?.startsWith('\t') ? '\t' : sample?.[1] && sample[1].length <= 4 ? sample[1] : '  ';
}
