import { Node, SyntaxKind, type CallExpression, type ExpressionStatement } from 'ts-morph';
import type { Fix } from '../engine/finding';
import { hasCatchMethod, hasThenableType, ignoredCallbackOf, isRejectionHandled, returnsThenable, type IgnoredCallback } from '../facts/promises';
import { functionsOf, rejectionsOf, summarize, withoutArguments, type Failures } from '../facts/function-summary';
import { createRule, type RuleContext } from './rule';
import { logErrorCall, operationName } from './log-fix';
import { calleeOf } from './report-node';
import { indentationAt } from '../edits/layout';
import type { FileFacts } from '../facts';
import { isInAsyncFunction, unwrapExpression } from '../facts/syntax';
import { isCommandLineProgram, runtimeAt } from '../facts/runtime';
import { isCleanupCall } from '../facts/cleanup';
import { rejectionHandler } from '../facts/process-handlers';
import { possibleStrings } from '../facts/literals';
import * as path from 'node:path';

const BROWSER_CONSEQUENCE = 'a rejection goes unhandled: the user sees nothing and the failure only reaches the console.';
const CRASH_CONSEQUENCE = 'a rejection becomes an unhandledRejection and crashes the process (Node ≥15).';

/** What happens to a rejection nobody handles, in this program: a crash, or a log line from its process-level handler. */
function rejectionConsequence(context: RuleContext, at: Node): string {
  if (runtimeAt(at, context.facts) === 'browser') return BROWSER_CONSEQUENCE;
  const handler = rejectionHandler(context.program);
  if (!handler) return CRASH_CONSEQUENCE;
  const where = `${path.basename(handler.file)}:${handler.line}`;
  if (handler.event === 'unhandledRejection') {
    return handler.exits
      ? `a rejection reaches the process's unhandledRejection handler (${where}), which logs it without this caller's context and ends the process.`
      : `a rejection only reaches the process's unhandledRejection handler (${where}): it is logged without this caller's context and the caller carries on as if the work had succeeded.`;
  }
  return handler.exits
    ? `a rejection is raised as an uncaught exception (Node ≥15); the uncaughtException handler (${where}) logs it without this caller's context and ends the process.`
    : `a rejection is raised as an uncaught exception (Node ≥15); the uncaughtException handler (${where}) logs it without this caller's context and the process carries on.`;
}

/** Events whose listeners run while the process is going down anyway: a failure there ends it, as intended. */
const SHUTDOWN_EVENT = /^(SIG[A-Z]+|exit|beforeExit)$/;

export const floatingPromise = createRule({
  meta: {
    id: 'floating-promise',
    title: 'Promise rejection is never handled',
    category: 'error-handling',
    defaultSeverity: 'warning',
    cwe: [248],
    usesTypes: true,
    summary: [
      'A promise that nobody awaits, returns or gives a rejection handler is a failure with nowhere to go.',
      'Since Node 15 an unhandled rejection ends the process, and every request in flight on it; where a process-level handler only logs it, the error has lost its caller\'s context and the caller carries on as if the work had succeeded.',
    ].join(' '),
    explanation: [
      'A promise that nobody awaits, returns or gives a rejection handler is a failure with nowhere to go.',
      'Since Node 15 an unhandled rejection terminates the process: one flaky call to the mail provider inside',
      '`sendWelcomeEmail(user);` takes down the whole server, and every request in flight on it, at 3 a.m.',
      'Where the program registers `process.on("unhandledRejection")` (or `uncaughtException`), the handler logs the error without the',
      'caller\'s context (which request, which user) and, unless it exits, the caller carries on as if the work had succeeded. The message',
      'says which of these happens in your program: it looks for those handlers in every file of the package.',
      '',
      'The same happens when a callback returns a promise to code that ignores return values:',
      '`items.forEach(async (item) => ...)`, `setTimeout(async () => ...)`, `setInterval(...)` and event-emitter listeners',
      '(`emitter.on("data", async (chunk) => ...)`, `process.on("message", ...)`). `forEach` also does not wait, so the',
      'function returns, and may answer the request, before the work is done.',
    ].join('\n'),
    shortFix: [
      'Inside an async function, `await` it; for deliberate fire-and-forget work, log its failure: `send(user).catch((err) => logger.error({ err }, "send failed"))`.',
      'Replace `forEach(async ...)` with `for (const x of xs) await ...`, or `await Promise.all(xs.map(...))`.',
      'In timer and event callbacks, catch inside the callback.',
    ].join('\n'),
    fix: [
      '- Inside an async function, `await` the promise, so its failure reaches your own `try`/`catch` or the caller.',
      '- For deliberate fire-and-forget work, attach a handler that records the failure: `sendEmail(user).catch((err) => logger.error({ err }, "welcome email failed"))`.',
      '  `void promise` only silences linters: the rejection still crashes the process.',
      '- Replace `forEach(async ...)` with `for (const x of xs) { await ... }` (one at a time) or `await Promise.all(xs.map(async ...))` (all at once, bounded if the list can be large).',
      '- In timer and event callbacks, catch inside the callback: `setInterval(async () => { try { await sync(); } catch (err) { logger.error({ err }, "sync failed"); } }, 60_000)`.',
    ].join('\n'),
    notFlagged: [
      'Promises that are awaited, returned, assigned to a variable, passed as an argument, or `void`-ed (an explicit decision, though `void` alone does not handle the rejection).',
      'Chains ending in `.catch(handler)`, `.then(onFulfilled, onRejected)`, or `.finally(...)` after one of these (`Promise.all([...]).catch(...)`).',
      'Calls whose type is not a Promise or thenable, including untyped (`any`) values: the rule uses the type checker, not names.',
      'Calls of the project\'s own functions and methods (in any file, `this.service.method()` included) that cannot reject: every `await` and `throw` sits in a `try` whose catch does not rethrow, they await only promises that never reject (`Promise.allSettled`, a wrapper that catches), or they do nothing fallible at all. Facts/function-summary answers this once per function.',
      'Promises whose only possible rejection is a library parser refusing its input (`JSON.parse`, `BigInt`, `new URL`) deep in synchronous helpers; an async function\'s own `throw` (an async assertion) is still flagged.',
      'Start-up calls at the top level of a module (`bootstrap();` in main.ts, `run();` at the end of a script): crashing with the error when start-up fails is the intended outcome. They are flagged only when a process-level handler that does not exit would swallow the failure and leave the process running half-started.',
      'Async listeners of shutdown events (`process.on("SIGTERM", async () => ...)`, `SIGINT`, `beforeExit`): a failure while shutting down ends the process anyway.',
      'Promises of library calls known never to reject (`Promise.allSettled`, `Promise.resolve`, await-to-js `to()`, framer-motion `animate()`, graphql-subscriptions `PubSub#publish`): the list is data in facts/tables/failures.ts.',
      'Async callbacks passed to `.map` and other callees that use the returned promises, and route handlers (`app.get("/", async (req, res) => ...)`): whether the framework handles their rejection is a framework question.',
      '`.on(...)` of objects from libraries that await their listeners (Telegraf, grammY), and callees whose parameter type declares a promise-returning callback.',
    ],
    examples: [
      {
        bad: ['app.post("/signup", async (req, res) => {', '  const user = await users.create(req.body);', '  sendWelcomeEmail(user);', '  res.status(201).json(user);', '});'].join('\n'),
        good: [
          'app.post("/signup", async (req, res) => {',
          '  const user = await users.create(req.body);',
          '  sendWelcomeEmail(user).catch((err) => logger.error({ err, userId: user.id }, "welcome email failed"));',
          '  res.status(201).json(user);',
          '});',
        ].join('\n'),
      },
      {
        bad: ['async function notifyAll(users: User[]) {', '  users.forEach(async (user) => {', '    await mailer.send(user.email, digest(user));', '  });', '}'].join('\n'),
        good: ['async function notifyAll(users: User[]) {', '  for (const user of users) {', '    await mailer.send(user.email, digest(user));', '  }', '}'].join('\n'),
      },
    ],
  },
  create(context) {
    return {
      [SyntaxKind.ExpressionStatement]: (statement) => checkStatement(statement, context),
      [SyntaxKind.CallExpression]: (call) => checkCallback(call, context),
    };
  },
});

function checkStatement(statement: ExpressionStatement, context: RuleContext): void {
  const expression = unwrapExpression(statement.getExpression());
  const floating = floatingPart(expression);
  if (!floating) return;
  const label = promiseLabel(floating);
  // A teardown in a page (`reader.cancel()` in an effect's cleanup) whose failure changes nothing the user sees.
  if (Node.isCallExpression(floating) && isCleanupCall(floating) && runtimeAt(statement, context.facts) === 'browser') return;
  if ((isTopLevel(statement) || isCommandLineProgram(context.sourceFile)) && runtimeAt(statement, context.facts) === 'node') {
    reportStartUpCall(floating, label, context);
    return;
  }
  const callee = Node.isCallExpression(floating) ? unwrapExpression(floating.getExpression()) : undefined;
  const isChain = callee !== undefined && Node.isPropertyAccessExpression(callee) && ['then', 'finally'].includes(callee.getName());
  const consequence = rejectionConsequence(context, floating);
  context.report({
    node: calleeOf(floating),
    message: isChain
      ? `Promise returned by ${label} has no rejection handler: ${consequence}`
      : `Promise returned by ${label} is not awaited: ${consequence}`,
    fixes: floating === expression ? statementFixes(floating, context.facts) : undefined,
  });
}

/**
 * A call at the top level of a module (`bootstrap();` in main.ts, `run();` at
 * the end of a script) is start-up code: when it fails, crashing with the
 * error is the intended outcome, and it is not reported. Where the program
 * has an unhandledRejection (or uncaughtException) handler that does not end
 * the process, the failure is only logged and the process runs on half-started.
 */
function reportStartUpCall(floating: Node, label: string, context: RuleContext): void {
  const handler = rejectionHandler(context.program);
  if (!handler || handler.exits) return;
  const where = `${path.basename(handler.file)}:${handler.line}`;
  const canChain = Node.isCallExpression(floating) && hasCatchMethod(floating);
  context.report({
    node: calleeOf(floating),
    message: `Start-up call ${label} is not awaited: if it fails, the ${handler.event} handler (${where}) only logs it and the process keeps running without having started.`,
    fixes: canChain
      ? [
          {
            title: 'Exit when start-up fails (.catch)',
            edits: [{ start: floating.getEnd(), end: floating.getEnd(), newText: `.catch((err) => {\n  ${logErrorCall(floating, context.facts, 'err', operationName(floating))};\n  process.exit(1);\n})` }],
          },
        ]
      : undefined,
  });
}

/** Directly in the module body, or inside top-level `if` blocks (`if (require.main === module) main();`). */
function isTopLevel(statement: Node): boolean {
  for (let current = statement.getParent(); current; current = current.getParent()) {
    if (Node.isSourceFile(current)) return true;
    if (!Node.isBlock(current) && !Node.isIfStatement(current)) return false;
  }
  return false;
}

/** The part of an expression statement that leaves a promise unhandled, if any. */
function floatingPart(expression: Node): Node | undefined {
  const node = unwrapExpression(expression);
  if (Node.isBinaryExpression(node)) {
    const operator = node.getOperatorToken().getKind();
    if (operator === SyntaxKind.CommaToken) return floatingPart(node.getLeft()) ?? floatingPart(node.getRight());
    if (operator === SyntaxKind.AmpersandAmpersandToken || operator === SyntaxKind.BarBarToken || operator === SyntaxKind.QuestionQuestionToken) {
      return floatingPart(node.getRight());
    }
    return undefined;
  }
  if (Node.isConditionalExpression(node)) return floatingPart(node.getWhenTrue()) ?? floatingPart(node.getWhenFalse());
  if (!Node.isCallExpression(node) && !Node.isNewExpression(node)) return undefined;
  if (isRejectionHandled(node) || !hasThenableType(node)) return undefined;
  if (!canRejectUnexpectedly(rejectionsOf(node, { promiseOnly: true }))) return undefined;
  return node;
}

/**
 * Whether a promise can reject with something its caller should handle. A
 * function whose only failure is a library parser rejecting its input
 * (`JSON.parse`, `BigInt(lsn)`) deep in synchronous helpers is not worth a
 * finding; its own `throw` (an async assertion) is.
 */
function canRejectUnexpectedly(rejections: Failures): boolean {
  return [...rejections].some((kind) => kind !== 'invalid-input');
}

function promiseLabel(node: Node): string {
  if (Node.isNewExpression(node)) return `new ${node.getExpression().getText()}()`;
  const callee = unwrapExpression((node as CallExpression).getExpression());
  if (Node.isArrowFunction(callee) || Node.isFunctionExpression(callee)) return 'this immediately invoked function';
  const text = callee.getText();
  if (text.length <= 40 && !/[\n(]/.test(text)) return `${text}()`;
  if (Node.isPropertyAccessExpression(callee)) return `.${callee.getName()}()`;
  return 'this call';
}

/** `await` inside an async function; otherwise (or as well) a `.catch` that logs. Never `void`: it does not handle the rejection. */
function statementFixes(promise: Node, facts: FileFacts): Fix[] | undefined {
  const fixes: Fix[] = [];
  if (isInAsyncFunction(promise)) {
    fixes.push({ title: 'Await the promise', edits: [{ start: promise.getStart(), end: promise.getStart(), newText: 'await ' }] });
  }
  const canChain = Node.isCallExpression(promise) || (Node.isNewExpression(promise) && promise.getText().endsWith(')'));
  if (canChain && hasCatchMethod(promise)) {
    fixes.push({
      title: 'Log the rejection (.catch)',
      edits: [{ start: promise.getEnd(), end: promise.getEnd(), newText: `.catch((err) => ${logErrorCall(promise, facts, 'err', operationName(promise))})` }],
    });
  }
  return fixes.length > 0 ? fixes : undefined;
}

function checkCallback(call: CallExpression, context: RuleContext): void {
  const ignored = ignoredCallbackOf(call, context.facts);
  if (!ignored) return;
  const callback = unwrapExpression(ignored.callback);
  if (!returnsThenable(callback)) return;
  const functions = functionsOf(callback);
  if (functions && functions.every((fn) => !canRejectUnexpectedly(withoutArguments(summarize(fn)).rejects))) return;
  if (ignored.entry.isEventListener && isShutdownEvent(call)) return;
  const isForEach = ignored.entry.label === 'forEach';
  const consequence = rejectionConsequence(context, call);
  const message = isForEach
    ? `${ignored.label} does not wait for the promise returned by its callback: ${consequence.replace(/\.$/, '')}, and the work may finish after the caller has moved on.`
    : `${ignored.label} ignores the promise returned by its callback: ${consequence}`;
  context.report({ node: calleeOf(call), message, fixes: callbackFixes(call, ignored, context.facts) });
}

/** `process.on('SIGTERM', async () => ...)`: the listener runs while the process is shutting down. */
function isShutdownEvent(call: CallExpression): boolean {
  const events = possibleStrings(call.getArguments()[0]);
  return events !== undefined && events.length > 0 && events.every((event) => SHUTDOWN_EVENT.test(event));
}

function callbackFixes(call: CallExpression, ignored: IgnoredCallback, facts: FileFacts): Fix[] | undefined {
  const fixes: Fix[] = [];
  if (ignored.entry.label === 'forEach') {
    const promiseAll = promiseAllFix(call);
    if (promiseAll) fixes.push(promiseAll);
  }
  const wrap = catchInsideFix(unwrapExpression(ignored.callback), facts, `${operationName(call)} callback`);
  if (wrap) fixes.push(wrap);
  return fixes.length > 0 ? fixes : undefined;
}

/** `xs.forEach(cb);` in an async function → `await Promise.all(xs.map(cb));`, for arrays. */
function promiseAllFix(call: CallExpression): Fix | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.hasQuestionDotToken()) return undefined;
  if (!Node.isExpressionStatement(call.getParent()) || !isInAsyncFunction(call)) return undefined;
  const receiverType = callee.getExpression().getType();
  if (!receiverType.isArray() && !receiverType.isReadonlyArray() && !receiverType.isTuple()) return undefined;
  if (callee.getExpression().getFirstDescendant((n) => Node.isQuestionDotTokenable(n) && n.hasQuestionDotToken()) !== undefined) return undefined;
  const name = callee.getNameNode();
  return {
    title: 'Wait for every callback (await Promise.all(... .map(...)))',
    edits: [
      { start: call.getStart(), end: call.getStart(), newText: 'await Promise.all(' },
      { start: name.getStart(), end: name.getEnd(), newText: 'map' },
      { start: call.getEnd(), end: call.getEnd(), newText: ')' },
    ],
  };
}

/** Wraps an inline callback's body in `try { ... } catch (err) { logger.error(...); }`, so it cannot reject. */
function catchInsideFix(callback: Node, facts: FileFacts, operation: string): Fix | undefined {
  if (!Node.isArrowFunction(callback) && !Node.isFunctionExpression(callback)) return undefined;
  const body = callback.getBody();
  if (!Node.isBlock(body) || body.getStatements().length === 0) return undefined;
  const spansLinesInsideTemplate = body
    .getDescendants()
    .some((n) => (Node.isNoSubstitutionTemplateLiteral(n) || Node.isTemplateExpression(n)) && n.getText().includes('\n'));
  if (spansLinesInsideTemplate) return undefined;
  const text = body.getSourceFile().getFullText();
  const inner = text.slice(body.getStart() + 1, body.getEnd() - 1);
  const base = indentationAt(text, body.getEnd() - 1);
  const unit = base.includes('\t') ? '\t' : '  ';
  const lines = dedent(inner);
  const bodyLines = lines.map((line) => (line.length > 0 ? base + unit + unit + line : line));
  const newText = [
    '{',
    `${base}${unit}try {`,
    ...bodyLines,
    `${base}${unit}} catch (err) {`,
    `${base}${unit}${unit}${logErrorCall(body.getStatements()[0]!, facts, 'err', operation)};`,
    `${base}${unit}}`,
    `${base}}`,
  ].join('\n');
  return { title: 'Catch and log errors inside the callback', edits: [{ start: body.getStart(), end: body.getEnd(), newText }] };
}

function dedent(text: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => (line.trim() === '' ? '' : line.slice(common)));
}


