import { isTypeScriptPath } from '../parse/project';
import { Node, SyntaxKind, ts, type CallExpression, type CatchClause, type Identifier } from 'ts-morph';
import type { Fix } from '../engine/finding';
import type { FileFacts } from '../facts';
import { forwardsFailure, isKnownNoop, setsFailingExitCode } from '../facts/error-handlers';
import { answersFalse, isBooleanProbe, isProbeCall, isPureCall, probeBlockKind, returnsLiteral, type CallLike } from '../facts/error-probes';
import { callSummary, failuresReaching, rejectionsOf } from '../facts/function-summary';
import { isCleanupCall } from '../facts/cleanup';
import { EXPECTED_OUTCOME_STATUS, EXPECTED_OUTCOME_WORDS, type ExpectedOutcome } from '../facts/tables/failures';
import { PROBE_METHODS } from '../facts/tables/error-probes';
import { LIBRARIES, libraryMatches } from '../facts/tables/libraries';
import type { Origin } from '../facts/origin';
import { isLogOrReportCall, logOrReportCallsWithin } from '../facts/logging';
import { localFunctionOf } from '../facts/promises';
import { createRule, type RuleContext } from './rule';
import { logErrorCall, operationName } from './log-fix';
import { lineIndentation } from '../edits/layout';
import { runtimeAt } from '../facts/runtime';
import { isFunctionScope, isTransparentWrapper, unwrapExpression } from '../facts/syntax';

/**
 * What a catch does with the error it caught.
 * - `handled`: rethrows, forwards, logs, reports or reads the error;
 * - `empty`: nothing at all;
 * - `fallback`: only produces a value (`return null`, `data = []`, `continue`);
 * - `other-work`: does something else (answers 500, sets state) without the error.
 */
type Verdict = 'handled' | 'empty' | 'fallback' | 'other-work';

interface Handler {
  /** The names the caught error is bound to (none for `catch {` or `() => ...`). */
  bindings: Identifier[];
  /** The catch block, or the handler function's body (a block or an expression). */
  body: Node;
}

export const swallowedError = createRule({
  meta: {
    id: 'swallowed-error',
    title: 'Caught error is swallowed',
    category: 'error-handling',
    defaultSeverity: 'warning',
    cwe: [390],
    summary: [
      'A catch that neither rethrows, logs, reports nor looks at the error turns a failure into silence: the webhook answers 200 but the order was never written, and the nightly sync fails for weeks while every dashboard stays green.',
      'When somebody notices, there is no log line, stack trace or error-tracker event to say what broke, when or how often.',
    ].join(' '),
    explanation: [
      'A catch that neither rethrows, logs, reports nor looks at the error turns a failure into silence.',
      'In production that is the worst kind of failure: the payment webhook returns 200 but the order was never written,',
      'the cache warm-up "succeeds" with an empty cache, the nightly sync has been failing for three weeks and every dashboard is green.',
      'When somebody finally notices, there is no log line, no stack trace and no error-tracker event to say what broke, when, or how often,',
      'so the incident starts with adding logging and waiting for it to happen again.',
      '',
      '`.catch(() => {})` and `.catch(() => null)` do the same to a promise: the rejection is absorbed and the caller carries on with `undefined` or a fallback',
      'as if the call had worked. A catch that answers the client (`res.status(500).send(...)`) or sets an error flag without recording the error',
      'is flagged too: the user sees that something failed, but the cause is lost for whoever has to fix it.',
    ].join('\n'),
    shortFix: [
      'Rethrow the error, log it with the error object (`logger.error({ err }, "sync failed")`) or report it (`Sentry.captureException(err)`).',
      'If ignoring it is right (best-effort cleanup, an optional cache), say why in a comment inside the catch.',
      'The quick fix logs through the logger the code already uses.',
    ].join('\n'),
    fix: [
      'Do at least one of these with the caught error:',
      '- rethrow it (or throw a new error with `{ cause: err }`) so the caller decides;',
      '- log it with the error object, not just a message (`logger.error({ err }, "sync failed")`), or report it to your error tracker (`Sentry.captureException(err)`);',
      '- handle the specific case you expect and rethrow the rest (`if (err.code !== "ENOENT") throw err;`).',
      '',
      'If ignoring the failure really is right (best-effort cleanup, an optional cache), say so in a comment inside the catch: the next reader, and this rule, will know it is deliberate.',
    ].join('\n'),
    notFlagged: [
      'A catch that logs (with or without the error), reports to an error tracker (Sentry, Bugsnag, Rollbar, New Relic, OpenTelemetry `recordException`, ...), counts the failure in a metric (OpenTelemetry counters, prom-client, StatsD), calls a project helper that does one of these, or rethrows.',
      'A catch that passes the error on (`next(err)`, `reject(err)`, `callback(err)`, `ctx.throw(...)`, `emitter.emit("error", err)`) or uses it in any way (`if (err.code === "ENOENT") return null`).',
      'A catch that throws a new error, even without the original (that is `error-context-lost`).',
      'An empty catch, or one that only returns a fallback, with a comment inside explaining why, a comment above the try that talks about the failure, or a doc comment on the function that says what it returns when it fails (a `TODO`/`FIXME` or a lint directive is not an explanation).',
      'A catch that nothing unexpected can reach. Facts/function-summary decides what can: only a designed answer (a parse or validation: `JSON.parse`, `new URL`, `jwt.verify`, a schema `.parse`, reading a request body; a lookup that throws when nothing matches: Prisma `findUniqueOrThrow`, a project function that throws `NotFoundException` by design; reading an optional file; reading a cache; the try block\'s own `throw`), a failure that the callee already logged on its way out, or nothing at all (in-memory work: serialising, formatting, reading browser storage; a callee that catches everything).',
      'A single-row write whose catch answers its designed failure: Prisma `update`/`delete` answered with "not found" (`E.left(USER_NOT_FOUND)`, 404), `create` answered with "already exists" (409), and an empty catch around a delete. A catch that answers "failed", 500 or "internal error" admits an unexpected failure and is flagged.',
      'A yes/no probe: `try { await db.ping(); return true; } catch { return false; }`, and `.catch(() => false)` on a boolean promise.',
      'Best-effort cleanup: a try block (or a promise) that only quits, closes, cancels, terminates or removes something.',
      'zod\'s `.catch(fallback)` on a schema, which is a default for invalid input, not a promise handler; and `void promise.catch(() => {})`, fire-and-forget stated in code.',
      'Client code: a browser page or a mobile app (`\'use client\'`, React/React Native/Expo imports, browser globals, a module only such code imports; the server exports of a route module still count as server code). There a swallowed failure reaches one user\'s screen, which usually shows it; the rule is about servers and jobs, where nobody is watching.',
      'A catch inside a retry loop that is followed by a `throw` once the attempts run out.',
      '`.catch(handler)` with a handler defined elsewhere (`.catch(handleError)`, `.catch(next)`): its body is judged where it is written when it is in the same file.',
    ],
    examples: [
      {
        bad: [
          'async function loadProfile(id: string) {',
          '  try {',
          '    return await profiles.get(id);',
          '  } catch {',
          '    return null;',
          '  }',
          '}',
        ].join('\n'),
        good: [
          'async function loadProfile(id: string) {',
          '  try {',
          '    return await profiles.get(id);',
          '  } catch (err) {',
          "    logger.warn({ err, id }, 'profile lookup failed, using none');",
          '    return null;',
          '  }',
          '}',
        ].join('\n'),
      },
      {
        bad: 'await cache.set(key, value).catch(() => {});',
        good: "await cache.set(key, value).catch((err) => logger.warn({ err }, 'cache write failed'));",
      },
    ],
  },
  create(context) {
    return {
      [SyntaxKind.CatchClause]: (clause) => checkCatchClause(clause, context),
      [SyntaxKind.CallExpression]: (call) => checkPromiseHandler(call, context),
    };
  },
});

function checkCatchClause(clause: CatchClause, context: RuleContext): void {
  const { facts } = context;
  // In client code (a browser page, a mobile app) a swallowed failure reaches one user's screen, not a system nobody watches.
  if (runtimeAt(clause, facts) === 'browser') return;
  const handler: Handler = { bindings: bindingNames(clause.getVariableDeclaration()?.getNameNode()), body: clause.getBlock() };
  const verdict = judge(handler, facts);
  if (verdict === 'handled') return;
  const tryStatement = clause.getParentIfKindOrThrow(SyntaxKind.TryStatement);
  const probe = probeBlockKind(tryStatement.getTryBlock(), facts);
  // An empty catch after an existence check, or one that moves on to the next candidate, is the answer "no".
  if (probe && (verdict !== 'empty' || probe === 'existence' || isInLoopBody(tryStatement))) return;
  // Only an unexpected failure is worth a log line: not a probe's designed answer, not a failure the callee
  // already logged, not a catch around work that cannot fail (in-memory code, functions that catch everything).
  const expected = expectedOutcomesOf(clause.getBlock());
  // An empty catch around a delete says "if it was not there, fine".
  if (verdict === 'empty') expected.add('not-found');
  const reaching = failuresReaching(tryStatement.getTryBlock(), { expectedOutcomes: expected });
  if (!reaching.has('failure') && !answersUnexpectedFailure(clause.getBlock())) return;
  // Failing closed: an access check whose failure answers "denied" is the safe default.
  if (expected.has('denied')) return;
  if (isCleanupOnly(tryStatement.getTryBlock(), facts)) return;
  if (isBooleanProbe(tryStatement, clause)) return;
  if (hasExplanatoryComment(clause) || hasFailureComment(tryStatement) || hasDocumentedFallback(tryStatement)) return;
  if (verdict !== 'other-work' && isFollowedByThrow(tryStatement, verdict === 'empty')) return;
  if (isRetryAttempt(clause)) return;
  const keyword = clause.getFirstChildByKindOrThrow(SyntaxKind.CatchKeyword);
  context.report({
    node: keyword,
    message: CATCH_CLAUSE_MESSAGES[verdict],
    fixes: verdict === 'empty' ? emptyCatchFixes(clause, facts) : undefined,
  });
}

const CATCH_CLAUSE_MESSAGES: Record<Exclude<Verdict, 'handled'>, string> = {
  empty: 'Empty catch: the error is swallowed and nobody will know this failed.',
  fallback: 'This catch falls back without recording the error: log or report it before returning a fallback, or nobody will know this failed.',
  'other-work':
    'This catch handles the failure without logging, reporting or rethrowing the error: the cause is lost (log or report it).',
};

/** `.catch(handler)` and the rejection handler of `.then(onFulfilled, onRejected)`. */
function checkPromiseHandler(call: CallExpression, context: RuleContext): void {
  const { facts } = context;
  if (runtimeAt(call, facts) === 'browser') return;
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return;
  const method = callee.getName();
  const args = call.getArguments();
  const handlerArgument = method === 'catch' && args.length >= 1 ? args[0] : method === 'then' && args.length >= 2 ? args[1] : undefined;
  if (!handlerArgument) return;
  const handlerNode = unwrapExpression(handlerArgument);

  let verdict: Verdict;
  let isNoop = false;
  const fn = localFunctionOf(handlerNode);
  if (fn) {
    const firstParameter = Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) || Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn)
      ? fn.getParameters()[0]
      : undefined;
    const body = fn.getBody();
    if (!body) return;
    verdict = judge({ bindings: bindingNames(firstParameter?.getNameNode()), body }, facts);
  } else if (isKnownNoop(handlerNode, facts)) {
    verdict = 'empty';
    isNoop = true;
  } else {
    // Defined elsewhere (`handleError`, `next`, `reject`, `console.error`): it receives the error.
    return;
  }
  if (verdict === 'handled') return;
  const root = chainRoot(callee.getExpression());
  if (verdict !== 'empty' && root && isProbeCall(root, facts)) return;
  if (method === 'catch' && isSchemaDefinition(callee.getExpression(), facts)) return;
  // `void copy(text).catch(() => {})`: fire and forget, failure ignored, stated in code.
  if (verdict === 'empty' && Node.isVoidExpression(call.getParent())) return;
  const handlerBody = fn?.getBody();
  if (handlerBody && answersFalse(handlerBody) && answersTrueOnSuccess(callee.getExpression())) return;
  const expected = expectedOutcomesOf(handlerNode);
  for (const outcome of outcomesOfTheFallbackCheck(call)) expected.add(outcome);
  if (!rejectionsOf(callee.getExpression(), { expectedOutcomes: expected }).has('failure') && !answersUnexpectedFailure(handlerNode)) return;
  if (expected.has('denied')) return;
  if (root && Node.isCallExpression(root) && isCleanupCall(root)) return;
  if (hasExplanatoryComment(call, callee.getExpression())) return;
  const statement = call.getFirstAncestor((a) => Node.isStatement(a));
  if (statement && (hasFailureComment(statement) || hasDocumentedFallback(statement))) return;
  if (verdict !== 'other-work' && statement && isFollowedByThrow(statement)) return;
  if (isObservedElsewhere(callee.getExpression())) return;

  const shown = handlerArgument.getText();
  const display = shown.length <= 30 && !shown.includes('\n') ? shown : '…';
  const label = method === 'catch' ? `.catch(${display})` : `.then(…, ${display})`;
  const message =
    verdict === 'empty'
      ? `${label} swallows the rejection: nobody will know this failed.`
      : verdict === 'fallback'
        ? `${label} hides the failure: log or report the error before returning a fallback.`
        : `${label} handles the failure without logging, reporting or rethrowing the error: the cause is lost (log or report it).`;
  context.report({
    node: method === 'catch' ? callee.getNameNode() : handlerArgument,
    message,
    fixes: handlerFixes(handlerArgument, handlerNode, verdict, isNoop, logErrorCallFor(handlerArgument, callee.getExpression(), facts)),
  });
}

/**
 * The expected outcomes a catch stands for, by what it answers: "not found"
 * (`E.left(USER_NOT_FOUND)`, `res.status(404)`), "already exists"
 * (`{ error: 'ALREADY_EXISTS' }`, 409), rather than just "failed".
 */
function expectedOutcomesOf(body: Node): Set<ExpectedOutcome> {
  const outcomes = new Set<ExpectedOutcome>();
  const visit = (node: Node): void => {
    let text: string | undefined;
    if (Node.isIdentifier(node)) text = node.getText();
    else if ((Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) && node.getLiteralValue().length <= 60) text = node.getLiteralValue();
    for (const outcome of Object.keys(EXPECTED_OUTCOME_WORDS) as ExpectedOutcome[]) {
      if (text !== undefined && EXPECTED_OUTCOME_WORDS[outcome].test(text)) outcomes.add(outcome);
      if (Node.isNumericLiteral(node) && Number(node.getLiteralValue()) === EXPECTED_OUTCOME_STATUS[outcome]) outcomes.add(outcome);
    }
    node.forEachChild(visit);
  };
  visit(body);
  return outcomes;
}

/**
 * `const job = await update(...).catch(() => null); if (!job) return c.text('Job not found', 404);`:
 * the fallback is tested right away and answered there, so that answer is the catch's too.
 */
function outcomesOfTheFallbackCheck(call: CallExpression): Set<ExpectedOutcome> {
  let holder: Node | undefined = call.getParent();
  while (holder && (Node.isAwaitExpression(holder) || isTransparentWrapper(holder))) holder = holder.getParent();
  if (!holder || !Node.isVariableDeclaration(holder)) return new Set();
  const name = holder.getName();
  const statement = holder.getVariableStatement();
  const next = statement?.getNextSibling();
  if (!next || !Node.isIfStatement(next)) return new Set();
  const tested = next.getExpression().getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name) || next.getExpression().getText() === name;
  return tested ? expectedOutcomesOf(next.getThenStatement()) : new Set();
}

/**
 * The catch answers "something broke" (a 5xx status, "Internal Server Error",
 * "Something went wrong"): its author expects more than the designed answer
 * to reach it, and then the cause must be recorded somewhere.
 */
function answersUnexpectedFailure(body: Node): boolean {
  const says = (node: Node): boolean => {
    if (Node.isNumericLiteral(node)) {
      const status = Number(node.getLiteralValue());
      return status >= 500 && status <= 599;
    }
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return UNEXPECTED_FAILURE_WORDS.test(node.getLiteralValue());
    return Node.isPropertyAccessExpression(node) && /INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE|BAD_GATEWAY/.test(node.getName());
  };
  return says(body) || body.getFirstDescendant(says) !== undefined;
}

const UNEXPECTED_FAILURE_WORDS = /internal (server )?error|something went wrong|unexpected error|server error/i;

/** A try block whose only work is tearing something down: `await redis.quit()`, `fs.rmSync(tmp, ...)`, `worker.terminate()`. */
function isCleanupOnly(block: Node, facts: FileFacts): boolean {
  let cleanup = 0;
  let other = 0;
  block.forEachDescendant((node, traversal) => {
    if (isFunctionBoundary(node)) {
      traversal.skip();
      return;
    }
    if (!Node.isCallExpression(node)) return;
    if (isCleanupCall(node)) cleanup += 1;
    else if (!isPureCall(node, facts) && !isLogOrReportCall(node, facts)) other += 1;
  });
  return cleanup > 0 && other === 0;
}


/**
 * `z.string().url().catch(undefined)`: zod's `.catch(fallback)` gives a schema
 * a default for invalid input; it is not a promise's rejection handler.
 */
function isSchemaDefinition(receiver: Node, facts: FileFacts): boolean {
  let current = unwrapExpression(receiver);
  for (;;) {
    if (Node.isCallExpression(current)) {
      const callee = unwrapExpression(current.getExpression());
      if (Node.isPropertyAccessExpression(callee) && PROBE_METHODS.includes(callee.getName())) return false;
      current = callee;
    } else if (Node.isPropertyAccessExpression(current)) {
      current = unwrapExpression(current.getExpression());
    } else {
      break;
    }
  }
  const origin = facts.origin(current);
  const module = origin.kind === 'module' ? origin.module : origin.kind === 'call' ? rootModule(origin) : undefined;
  return module !== undefined && LIBRARIES.validation.some((entry) => libraryMatches(entry, module));
}

function rootModule(origin: Origin): string | undefined {
  if (origin.kind === 'module') return origin.module;
  if (origin.kind === 'call') return rootModule(origin.callee);
  return undefined;
}

/** The call a promise chain starts from: `fs.promises.access(p)` in `fs.promises.access(p).then(...).catch(...)`. */
function chainRoot(receiver: Node): CallLike | undefined {
  let current = unwrapExpression(receiver);
  for (;;) {
    if (Node.isAwaitExpression(current)) current = unwrapExpression(current.getExpression());
    if (Node.isNewExpression(current)) return current;
    if (!Node.isCallExpression(current)) return undefined;
    const callee = unwrapExpression(current.getExpression());
    if (!Node.isPropertyAccessExpression(callee) || !['then', 'catch', 'finally'].includes(callee.getName())) return current;
    current = unwrapExpression(callee.getExpression());
  }
}

function judge(handler: Handler, facts: FileFacts): Verdict {
  const { body } = handler;
  if (usesBinding(handler)) return 'handled';
  if (raisesOrForwards(body, facts)) return 'handled';
  if (logOrReportCallsWithin(body, facts).length > 0 || callsReportingHelper(body)) return 'handled';
  if (Node.isBlock(body) && body.getStatements().length === 0) return 'empty';
  if (producesOnlyAFallback(body, facts)) return 'fallback';
  return 'other-work';
}

/** `recordFailure('getPlan')`: a project function that logs or counts the failure itself. */
function callsReportingHelper(body: Node): boolean {
  const reports = (node: Node): boolean => Node.isCallExpression(node) && callSummary(node)?.reports === true;
  return reports(body) || body.getFirstDescendant(reports) !== undefined;
}

function bindingNames(name: Node | undefined): Identifier[] {
  if (!name) return [];
  if (Node.isIdentifier(name)) return [name];
  return name.getDescendantsOfKind(SyntaxKind.BindingElement).flatMap((element) => {
    const elementName = element.getNameNode();
    return Node.isIdentifier(elementName) ? [elementName] : [];
  });
}

function usesBinding({ bindings, body }: Handler): boolean {
  if (bindings.length === 0) return false;
  const names = new Set(bindings.map((b) => b.getText()));
  const symbols = new Set(bindings.map((b) => b.getSymbol()?.compilerSymbol).filter((s) => s !== undefined));
  const isBinding = (identifier: Identifier): boolean => {
    const symbol = identifier.getSymbol()?.compilerSymbol;
    // Shorthand `{ err }` resolves to the property; its value symbol is the binding.
    const parent = identifier.getParent();
    if (Node.isShorthandPropertyAssignment(parent)) {
      const valueSymbol = identifier.getProject().getTypeChecker().compilerObject.getShorthandAssignmentValueSymbol(parent.compilerNode);
      return valueSymbol !== undefined && symbols.has(valueSymbol);
    }
    return symbol !== undefined && symbols.has(symbol);
  };
  const check = (node: Node): boolean => Node.isIdentifier(node) && names.has(node.getText()) && isBinding(node);
  return check(body) || body.getFirstDescendant((node) => check(node)) !== undefined;
}

/** A `throw`, or a call that raises or forwards a failure (`reject(e)`, `next(err)`, `process.exit(1)`). */
function raisesOrForwards(body: Node, facts: FileFacts): boolean {
  const check = (node: Node): boolean =>
    Node.isThrowStatement(node) ||
    (Node.isCallExpression(node) && forwardsFailure(node, facts)) ||
    setsFailingExitCode(node, facts);
  return check(body) || body.getFirstDescendant(check) !== undefined;
}

/** Only returns or assigns a value, or skips on (`continue`): `return null`, `data = []`, `() => ({})`. */
function producesOnlyAFallback(body: Node, facts: FileFacts): boolean {
  if (!Node.isBlock(body)) return isPlainValue(body, facts);
  return body.getStatements().every((statement) => {
    if (Node.isReturnStatement(statement)) {
      const value = statement.getExpression();
      return value === undefined || isPlainValue(value, facts);
    }
    if (Node.isContinueStatement(statement) || Node.isBreakStatement(statement) || Node.isEmptyStatement(statement)) return true;
    if (Node.isExpressionStatement(statement)) {
      const expression = unwrapExpression(statement.getExpression());
      return (
        Node.isBinaryExpression(expression) &&
        expression.getOperatorToken().getKind() === SyntaxKind.EqualsToken &&
        Node.isIdentifier(expression.getLeft()) &&
        isPlainValue(expression.getRight(), facts)
      );
    }
    if (Node.isVariableStatement(statement)) {
      return statement.getDeclarations().every((d) => {
        const initializer = d.getInitializer();
        return initializer === undefined || isPlainValue(initializer, facts);
      });
    }
    return false;
  });
}

const VALUE_CONSTRUCTORS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'Array', 'Date', 'Object', 'URLSearchParams'];

/** A literal, a name, or a structure of them: no work is done computing it. */
function isPlainValue(expression: Node, facts: FileFacts): boolean {
  const doesWork = (node: Node): boolean => {
    if (Node.isAwaitExpression(node) || Node.isYieldExpression(node) || Node.isDeleteExpression(node)) return true;
    if (Node.isBinaryExpression(node)) {
      const operator = node.getOperatorToken().getKind();
      return operator >= SyntaxKind.FirstAssignment && operator <= SyntaxKind.LastAssignment;
    }
    if (Node.isNewExpression(node)) return !VALUE_CONSTRUCTORS.includes(node.getExpression().getText());
    if (Node.isCallExpression(node)) {
      const origin = facts.origin(node.getExpression());
      const isResolve = origin.kind === 'global' && origin.path.join('.') === 'Promise.resolve';
      return !isResolve && !isPureCall(node, facts);
    }
    return false;
  };
  return !doesWork(expression) && expression.getFirstDescendant(doesWork) === undefined;
}

/**
 * A comment in the catch (or on its line) that says why the error is ignored.
 * `TODO`/`FIXME` admit the problem; lint directives silence a tool; neither explains.
 */
function hasExplanatoryComment(node: Node, skip?: Node): boolean {
  return commentTexts(node, skip).some((text) => {
    const content = text
      .replace(/^\/\/+|^\/\*+|\*+\/$/g, '')
      .replace(/^\s*\*+/gm, '')
      .trim();
    if (content.length === 0) return false;
    if (/^(TODO|FIXME|XXX|HACK)\b/i.test(content)) return false;
    return !/^(eslint|prettier|istanbul|c8|jshint|tslint|@ts-|preflight-)/i.test(content);
  });
}

/** Comments inside `node` (except inside `skip`), and those trailing it on its line or its statement's line. */
function commentTexts(node: Node, skip?: Node): string[] {
  const sourceFile = node.getSourceFile().compilerNode;
  const text = sourceFile.getFullText();
  const found = new Map<number, string>();
  const add = (ranges: ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) found.set(range.pos, text.slice(range.pos, range.end));
  };
  const visit = (current: ts.Node): void => {
    if (skip && current === skip.compilerNode) {
      // `load() // best effort` followed by `.catch(...)` on the next line.
      add(ts.getTrailingCommentRanges(text, current.end));
      return;
    }
    const children = current.getChildren(sourceFile);
    if (children.length === 0) {
      // A comment on the same line as the token before it counts as that token's trailing comment.
      add(ts.getLeadingCommentRanges(text, current.pos));
      add(ts.getTrailingCommentRanges(text, current.end));
      return;
    }
    children.forEach(visit);
  };
  node.compilerNode.getChildren(sourceFile).forEach(visit);
  add(ts.getTrailingCommentRanges(text, node.getEnd()));
  const statement = node.getFirstAncestor((a) => Node.isStatement(a));
  if (statement && statement.getEndLineNumber() === node.getEndLineNumber()) add(ts.getTrailingCommentRanges(text, statement.getEnd()));
  return [...found.values()];
}

/**
 * A comment just above the statement that talks about the failure:
 * `// getLuminance throws for anything that isn't a colour` above the try.
 */
function hasFailureComment(statement: Node): boolean {
  return statement.getLeadingCommentRanges().some((range) => FAILURE_WORDS.test(range.getText()));
}

const FAILURE_WORDS =
  /\b(throws?|thrown|fails?|failed|failing|failures?|degrad(e|es|ed|ing)|invalid|ignor(e|ed|es|ing)|optional|best[- ]effort|expected|missing|not found|(does|do|may|might)(n't| not) (exist|work)|unavailable|unsupported|swallow\w*|silently|fall ?back|fallbacks|transient|skipped|non-?fatal|harmless|toleran\w*|(can'?t|cannot|could ?n[o']t) be (read|reached|loaded|fetched|parsed))\b/i;

/**
 * The function's own doc comment says what it returns when it fails
 * (`null` can't be read, falls back to ...): the fallback is its documented contract.
 */
function hasDocumentedFallback(statement: Node): boolean {
  const fn = statement.getFirstAncestor((a) => isFunctionBoundary(a) && !Node.isSourceFile(a));
  if (!fn) return false;
  const holder = Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) ? fn.getFirstAncestor((a) => Node.isVariableStatement(a) || Node.isPropertyDeclaration(a)) ?? fn : fn;
  return holder.getLeadingCommentRanges().some((range) => FAILURE_WORDS.test(range.getText()));
}

/** A promise of a yes/no answer: typed `Promise<boolean>` (or not typed at all), or a chain that ends `.then(() => true)`. */
function answersTrueOnSuccess(receiver: Node): boolean {
  const type = receiver.getType();
  if (type.isAny() || type.isUnknown()) return true;
  const awaited = type.getTypeArguments()[0];
  if (awaited && (awaited.isBoolean() || awaited.isBooleanLiteral())) return true;
  const inner = unwrapExpression(receiver);
  if (!Node.isCallExpression(inner)) return false;
  const callee = unwrapExpression(inner.getExpression());
  const [onFulfilled] = inner.getArguments();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'then' || !onFulfilled) return false;
  const fn = unwrapExpression(onFulfilled);
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn)) return false;
  const body = fn.getBody();
  if (Node.isBlock(body)) return returnsLiteral(body, SyntaxKind.TrueKeyword);
  return isBooleanExpression(body);
}

/** `true`, `Boolean(x)`, `!!x`, a comparison. */
function isBooleanExpression(node: Node): boolean {
  const value = unwrapExpression(node);
  if (value.getKind() === SyntaxKind.TrueKeyword || value.getKind() === SyntaxKind.FalseKeyword) return true;
  if (Node.isCallExpression(value) && value.getExpression().getText() === 'Boolean') return true;
  if (Node.isPrefixUnaryExpression(value) && value.getOperatorToken() === SyntaxKind.ExclamationToken) return true;
  if (Node.isBinaryExpression(value)) {
    const operator = value.getOperatorToken().getKind();
    return [SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken, SyntaxKind.EqualsEqualsToken, SyntaxKind.ExclamationEqualsToken, SyntaxKind.LessThanToken, SyntaxKind.GreaterThanToken].includes(operator);
  }
  return false;
}

/**
 * The statement is followed, in the same block, by a `throw`: the fallback
 * only decorates an error that is thrown anyway, as in
 * `const body = await res.text().catch(() => ''); throw new Error(body)`.
 */
function isFollowedByThrow(statement: Node, fallingThrough = false): boolean {
  const parent = statement.getParent();
  if (!parent || !(Node.isBlock(parent) || Node.isSourceFile(parent) || Node.isCaseClause(parent) || Node.isDefaultClause(parent))) return false;
  const statements: Node[] = parent.getStatements();
  const after = statements.slice(statements.indexOf(statement) + 1);
  if (after.some((s) => Node.isThrowStatement(s))) return true;
  // An empty catch falling out of an `if` block (`if (key) { try { ... } catch {} } throw new HttpException(401)`): the same question one level up.
  const holder = parent.getParent();
  if (fallingThrough && after.length === 0 && Node.isBlock(parent) && holder && Node.isIfStatement(holder) && holder.getThenStatement() === parent && !holder.getElseStatement()) {
    return isFollowedByThrow(holder, true);
  }
  return false;
}

/**
 * `p.catch(() => {})` where `p` is awaited, returned or passed on elsewhere:
 * the handler only stops this branch from being reported as unhandled while
 * the failure still reaches whoever uses `p`.
 */
function isObservedElsewhere(receiver: Node): boolean {
  const target = unwrapExpression(receiver);
  let candidates: Node[];
  if (Node.isIdentifier(target)) {
    const symbol = target.getSymbol()?.compilerSymbol;
    if (!symbol) return false;
    candidates = target
      .getSourceFile()
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .filter((other) => other.getText() === target.getText() && other.getSymbol()?.compilerSymbol === symbol);
  } else if (Node.isPropertyAccessExpression(target) && target.getExpression().getKind() === SyntaxKind.ThisKeyword) {
    // `this.ready`: the same member anywhere in the class.
    const scope = target.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a)) ?? target.getSourceFile();
    candidates = scope.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression).filter((other) => other.getText() === target.getText());
  } else {
    return false;
  }
  return candidates.some((other) => {
    if (other === target) return false;
    const parent = other.getParent();
    const isDeclaration = Node.isVariableDeclaration(parent) || Node.isParameterDeclaration(parent) || Node.isBindingElement(parent);
    if (parent && isDeclaration && parent.getNameNode() === other) return false;
    if (parent && Node.isBinaryExpression(parent) && parent.getLeft() === other && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken) return false;
    return !(parent && Node.isPropertyAccessExpression(parent) && parent.getExpression() === other && isSwallowingHandlerCall(parent.getParent()));
  });
}

function isSwallowingHandlerCall(node: Node | undefined): boolean {
  if (!node || !Node.isCallExpression(node)) return false;
  const callee = node.getExpression();
  return Node.isPropertyAccessExpression(callee) && (callee.getName() === 'catch' || (callee.getName() === 'then' && node.getArguments().length >= 2));
}

function isInLoopBody(statement: Node): boolean {
  for (let current = statement.getParent(); current && !isFunctionBoundary(current); current = current.getParent()) {
    if (isLoop(current)) return true;
  }
  return false;
}

/**
 * A catch inside a retry loop that lets the loop go round again, where the
 * code after the loop throws once the attempts are used up.
 */
function isRetryAttempt(clause: CatchClause): boolean {
  const block = clause.getBlock();
  if (block.getFirstDescendant((n) => Node.isReturnStatement(n) || Node.isBreakStatement(n)) !== undefined) return false;
  let current: Node | undefined = clause.getParent();
  while (current && !isFunctionBoundary(current)) {
    const parent: Node | undefined = current.getParent();
    if (isLoop(current) && parent && (Node.isBlock(parent) || Node.isSourceFile(parent))) {
      const statements = parent.getStatements();
      const after = statements.slice(statements.indexOf(current as never) + 1);
      return after.some((s) => Node.isThrowStatement(s) || s.getFirstDescendantByKind(SyntaxKind.ThrowStatement) !== undefined);
    }
    current = parent;
  }
  return false;
}

function isLoop(node: Node): boolean {
  return (
    Node.isForStatement(node) ||
    Node.isForOfStatement(node) ||
    Node.isForInStatement(node) ||
    Node.isWhileStatement(node) ||
    Node.isDoStatement(node)
  );
}

/** Where a walk up from a statement stops: the function (or the module) it runs in. */
function isFunctionBoundary(node: Node): boolean {
  return isFunctionScope(node) || Node.isSourceFile(node);
}

/** Log and rethrow (the default), or log and carry on, for an empty `catch {}` / `catch (e) {}`. */
function emptyCatchFixes(clause: CatchClause, facts: FileFacts): Fix[] | undefined {
  const declaration = clause.getVariableDeclaration();
  const nameNode = declaration?.getNameNode();
  if (nameNode && !Node.isIdentifier(nameNode)) return undefined;
  const name = nameNode ? nameNode.getText() : 'err';
  const block = clause.getBlock();
  const base = lineIndentation(clause);
  const inner = base + indentUnit(clause, base);
  const bindingEdits = nameNode
    ? []
    : [{ start: clause.getFirstChildByKindOrThrow(SyntaxKind.CatchKeyword).getEnd(), end: block.getStart(), newText: ` (${name}) ` }];
  const replaceBlock = (lines: string[]) => ({
    start: block.getStart(),
    end: block.getEnd(),
    newText: `{\n${lines.map((line) => inner + line).join('\n')}\n${base}}`,
  });
  const tryBlock = clause.getParentIfKindOrThrow(SyntaxKind.TryStatement).getTryBlock();
  const log = `${logErrorCall(block, facts, name, operationName(firstCallIn(tryBlock), clause))};`;
  return [
    { title: 'Log and rethrow the error', edits: [...bindingEdits, replaceBlock([log, `throw ${name};`])] },
    // Logging and carrying on is what the empty catch already did, now with a record: safe to batch.
    { title: 'Log the error and continue', edits: [...bindingEdits, replaceBlock([log])], batchable: true },
  ];
}

/** The function the catch is in names what failed (`save failed`); at the top level, the try block's first call does. */
function firstCallIn(block: Node): Node | undefined {
  if (block.getFirstAncestor(isFunctionScope)) return undefined;
  return block.getFirstDescendantByKind(SyntaxKind.CallExpression);
}

/** The log call a handler replacing `argument` writes for the error named `name`: `(name) => <call>`. */
function logErrorCallFor(argument: Node, receiver: Node, facts: FileFacts): (name: string) => string {
  return (name) => logErrorCall(argument, facts, name, operationName(chainRoot(receiver) ?? receiver));
}

/** For `.catch(() => {})`, `.catch(() => null)` and `.catch(noop)`: keep the behaviour, but log the error first. */
function handlerFixes(argument: Node, handler: Node, verdict: Verdict, isNoop: boolean, logCall: (name: string) => string): Fix[] | undefined {
  const name = freeName(argument.getText());
  const parameter = `${name}${parameterAnnotation(argument)}`;
  let replacement: string | undefined;
  if (isNoop || (verdict === 'empty' && isInlineFunction(handler))) {
    replacement = `(${parameter}) => ${logCall(name)}`;
  } else if (verdict === 'fallback' && Node.isArrowFunction(handler) && !Node.isBlock(handler.getBody())) {
    replacement = `(${parameter}) => { ${logCall(name)}; return ${handler.getBody().getText()}; }`;
  }
  if (replacement === undefined) return undefined;
  const edits = [{ start: argument.getStart(), end: argument.getEnd(), newText: replacement }];
  // The handler still answers what it answered; it only logs first: safe to batch.
  return [{ title: 'Log the error before ignoring it', edits, batchable: true }];
}

/**
 * `: unknown` for the new handler's parameter in a TypeScript file where nothing types it: the
 * handler is passed to an untyped (`any`) chain, so a bare parameter would be an implicit `any`.
 */
function parameterAnnotation(argument: Node): string {
  if (!isTypeScriptPath(argument.getSourceFile().getFilePath())) return '';
  const contextual = Node.isExpression(argument) ? argument.getContextualType() : undefined;
  return !contextual || contextual.isAny() ? ': unknown' : '';
}

function isInlineFunction(node: Node): boolean {
  return Node.isArrowFunction(node) || (Node.isFunctionExpression(node) && !node.isGenerator());
}

function freeName(text: string): string {
  return ['err', 'error', 'caughtError'].find((candidate) => !new RegExp(`\\b${candidate}\\b`).test(text)) ?? 'caughtError';
}


function indentUnit(clause: CatchClause, base: string): string {
  const tryStatement = clause.getParentIfKind(SyntaxKind.TryStatement);
  const first = tryStatement?.getTryBlock().getStatements()[0];
  if (first) {
    const indentation = lineIndentation(first);
    if (indentation.startsWith(base) && indentation.length > base.length) return indentation.slice(base.length);
  }
  return base.includes('\t') ? '\t' : '  ';
}
