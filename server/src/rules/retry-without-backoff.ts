import { Node, SyntaxKind, type Block } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { moduleImports } from '../facts/imports';
import { canCompleteNormally, retryLoopOf, type AttemptCounter, type LoopDelay, type RetryLoop, type RetryLoopStatement } from '../facts/retry-loops';
import { excerpt } from '../facts/literals';
import { isCommandLineProgram } from '../facts/runtime';
import { isFunctionScope } from '../facts/syntax';
import { insertStatementBefore, appendStatement } from '../edits/insert-statement';
import { asOperand, replaceExpression } from '../edits/replace-expression';
import { createRule, type RuleContext } from './rule';

const STORM = 'under an outage every client retries in lock-step, a retry storm that keeps the failing service down.';
const FIX_TITLE = 'Use exponential backoff with jitter';
/** The first wait, when the loop had none: 1 s, doubling up to 32 s. */
const DEFAULT_BASE_MS = '1000';
/** Doublings before the wait stops growing: 2 ** 5 = 32 times the first wait. */
const MAX_DOUBLINGS = 5;
const COUNTER_NAMES = ['attempt', 'retryAttempt', 'backoffAttempt'];

export const retryWithoutBackoff = createRule({
  meta: {
    id: 'retry-without-backoff',
    title: 'Retry loop without backoff or jitter',
    category: 'resilience',
    defaultSeverity: 'warning',
    summary: [
      'A retry loop that tries again at once, or after the same fixed wait every time, multiplies the load on a service exactly when it is failing.',
      'Every client that saw the failure retries at the same moment, round after round: a retry storm that keeps the service from recovering.',
    ].join(' '),
    explanation: [
      'A hand-written retry loop (`for (let attempt = 0; attempt < 5; attempt++) { try { return await call(); } catch { await sleep(1000); } }`)',
      'is fine while failures are rare and independent. Outages are neither: when a database fails over or an upstream restarts, every',
      'instance and every in-flight request sees the failure at the same moment.',
      '',
      'With no wait, each of them retries at once, several times in a few milliseconds: the load on the struggling service multiplies',
      'exactly when it can least take it. With a constant wait, they all sleep the same second and retry together again, round after round,',
      'in lock-step. Either way the retries arrive as synchronised waves (a **retry storm**, the thundering herd) that keep the service',
      'saturated after the original fault is gone, and turn a brief blip into a long outage.',
      '',
      'A wait that **grows** with each attempt (exponential backoff) takes the pressure off while the fault lasts, and **jitter** (a random',
      'part of the wait) spreads the clients out so they stop arriving together.',
    ].join('\n'),
    shortFix: [
      'Wait `base * 2 ** attempt`, capped, times a random factor: `await sleep(1000 * 2 ** Math.min(attempt, 5) * (0.5 + Math.random() / 2))`.',
      'Or use a retry library (`p-retry`, `async-retry`, cockatiel) that does this for you.',
    ].join('\n'),
    fix: [
      'Make the wait grow with the attempt and add jitter, and cap it:',
      '',
      '```ts',
      'for (let attempt = 0; attempt < 5; attempt++) {',
      '  try {',
      '    return await charge(order);',
      '  } catch (err) {',
      '    if (attempt === 4) throw err;',
      '    await sleep(500 * 2 ** Math.min(attempt, 5) * (0.5 + Math.random() / 2));',
      '  }',
      '}',
      '```',
      '',
      'A library such as `p-retry`, `async-retry` or cockatiel\'s `retry(handleAll, { backoff: new ExponentialBackoff() })` does the same',
      'and also handles aborts and non-retryable errors. Retry only failures that can succeed next time (timeouts, 429, 503),',
      'and honour a `Retry-After` header where the service sends one.',
      '',
      'The quick fix replaces the constant wait (or, when the loop waits not at all, adds one of 1 s) with',
      '`wait * 2 ** Math.min(attempt, 5) * (0.5 + Math.random() / 2)`: twice as long each attempt up to 32 times the first wait, and',
      'randomised between half and all of it. It uses the loop\'s attempt counter, or adds one. It changes how long the code waits,',
      'a choice to review, so "fix all" does not apply it.',
    ].join('\n'),
    notFlagged: [
      'A wait that grows with the attempt (`base * 2 ** attempt`, `Math.pow(2, attempt)`, a delay multiplied each round, a table indexed by the attempt) or has jitter (`Math.random()`), or is computed by a helper given the attempt (`this.retryDelay(attempt)`).',
      'A wait the file cannot read: a helper from a package, or a project helper whose body computes it.',
      'Loops whose `catch` leaves the loop (`break`, `return`, `throw`), so nothing is retried.',
      'Loops that iterate over items (`for...of`, `for...in`) or keep going after a success: polling, pagination and queue consumers, whose `try` falls through to the next round.',
      'Retry libraries (`p-retry`, `async-retry`, cockatiel): they are not loops, and they back off.',
      'Loops that await something else outside the `try` (a helper that may wait), when no wait is recognised.',
      'Immediate retries of only the failures the `catch` picks out by looking at the error (`if (!isUniqueViolation(err)) throw err`): a write conflict or a repaired input is retried at once by design, and the errors of an outage leave the loop. (When such a loop waits, a constant wait is still flagged.)',
      'Command-line programs and one-off scripts (`bin/`, `scripts/`, `#!` files): one client cannot make a storm.',
      'Loops that poll for a lock another process holds (every awaited call of the `try` acquires one: redlock, async-mutex, redis-semaphore, proper-lockfile): the failure they wait out is contention, not an outage.',
    ],
    examples: [
      {
        bad: [
          'export async function loadRates() {',
          '  for (let attempt = 0; attempt < 5; attempt++) {',
          '    try {',
          "      return await fetchJson('https://rates.internal/latest');",
          '    } catch (err) {',
          '      if (attempt === 4) throw err;',
          '      await new Promise((resolve) => setTimeout(resolve, 1000));',
          '    }',
          '  }',
          '}',
        ].join('\n'),
        good: [
          'export async function loadRates() {',
          '  for (let attempt = 0; attempt < 5; attempt++) {',
          '    try {',
          "      return await fetchJson('https://rates.internal/latest');",
          '    } catch (err) {',
          '      if (attempt === 4) throw err;',
          '      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** Math.min(attempt, 5) * (0.5 + Math.random() / 2)));',
          '    }',
          '  }',
          '}',
        ].join('\n'),
      },
    ],
  },
  create(context) {
    if (isCommandLineProgram(context.sourceFile)) return {};
    const check = (loop: RetryLoopStatement): void => checkLoop(loop, context);
    return { [SyntaxKind.ForStatement]: check, [SyntaxKind.WhileStatement]: check, [SyntaxKind.DoStatement]: check };
  },
});

function checkLoop(loop: RetryLoopStatement, { facts, report }: RuleContext): void {
  const retry = retryLoopOf(loop, facts);
  if (!retry) return;
  const keyword = loop.getFirstChildOrThrow();
  const waits = retry.delays.filter((wait) => wait.milliseconds !== 0);
  if (waits.length === 0) {
    // Something else awaited outside the try may be the wait (a backoff helper the file cannot see).
    if (retry.otherAwaits.length > 0 && retry.delays.length === 0) return;
    // Only the failures the catch picks out go round (a unique-constraint conflict, a parse error to repair):
    // retrying those at once is by design, and an outage's errors leave the loop.
    if (retry.picksErrors) return;
    const fix = immediateRetryFix(retry, facts);
    report({
      node: keyword,
      message: `This retry loop tries again immediately after a failure: ${STORM} Wait between attempts, longer each time, with jitter.`,
      fixes: fix ? [fix] : [],
      related: [{ node: retry.catchClause.getFirstChildOrThrow(), message: 'the failure goes round again from here, without waiting' }],
    });
    return;
  }
  if (!waits.every((wait) => wait.pace === 'constant')) return;
  const [first] = waits as [LoopDelay];
  const amount = first.milliseconds !== undefined ? `${first.milliseconds} ms` : `\`${excerpt(first.delay.duration!, 60)}\``;
  const fix = constantDelayFix(retry, first);
  report({
    node: keyword,
    message: `This retry loop waits the same ${amount} before every attempt: ${STORM} Make the wait grow with each attempt and add jitter.`,
    fixes: fix ? [fix] : [],
    related: [{ node: first.delay.node, message: `waits a constant ${amount}, the same for every client and every attempt` }],
  });
}

// ---------------------------------------------------------------------------
// Fixes

/** Replaces the constant wait's milliseconds with a capped exponential backoff with jitter. */
function constantDelayFix(retry: RetryLoop, wait: LoopDelay): Fix | undefined {
  const duration = wait.delay.duration;
  if (!duration || !wait.delay.durationAtCall || duration.getSourceFile() !== retry.loop.getSourceFile()) return undefined;
  const counter = counterFor(retry);
  if (!counter) return undefined;
  const base = wait.milliseconds === 0 ? DEFAULT_BASE_MS : asOperand(duration.getText());
  return { title: FIX_TITLE, edits: [...counter.edits, replaceExpression(duration, backoff(base, counter.exponent))] };
}

/** Adds a growing, jittered wait where the catch goes round again. */
function immediateRetryFix(retry: RetryLoop, facts: FileFacts): Fix | undefined {
  const block = retry.catchClause.getBlock();
  const counter = counterFor(retry);
  if (!counter) return undefined;
  const statement = `await ${waitCall(backoff(DEFAULT_BASE_MS, counter.exponent), facts)}`;
  const edit = waitInsertion(block, statement);
  return edit ? { title: FIX_TITLE, edits: [...counter.edits, edit] } : undefined;
}

function backoff(base: string, exponent: string): string {
  return `${base} * 2 ** Math.min(${exponent}, ${MAX_DOUBLINGS}) * (0.5 + Math.random() / 2)`;
}

/** At the end of the catch, or before the `continue` that ends it. */
function waitInsertion(block: Block, statement: string): TextEdit | undefined {
  if (canCompleteNormally(block)) return appendStatement(block, statement);
  const statements = block.getStatements();
  const last = statements[statements.length - 1];
  if (last && Node.isContinueStatement(last) && !last.getLabel()) return insertStatementBefore(last, statement);
  return undefined;
}

/** The file's own timer: `timers/promises`' setTimeout when it imports it, else a promise around the global one. */
function waitCall(milliseconds: string, facts: FileFacts): string {
  for (const moduleImport of moduleImports(facts)) {
    if (moduleImport.module !== 'timers/promises' || !Node.isImportDeclaration(moduleImport.node)) continue;
    const specifier = moduleImport.node.getNamedImports().find((named) => named.getName() === 'setTimeout');
    if (specifier) return `${specifier.getAliasNode()?.getText() ?? 'setTimeout'}(${milliseconds})`;
  }
  return `new Promise((resolve) => setTimeout(resolve, ${milliseconds}))`;
}

interface CounterUse {
  /** The exponent text: the counter, counted from 0. */
  exponent: string;
  /** The declaration to add when the loop has no counter of its own. */
  edits: TextEdit[];
}

/** The loop's attempt counter, or a new one declared before the loop and counted up where the wait is computed. */
function counterFor(retry: RetryLoop): CounterUse | undefined {
  if (retry.counter) return { exponent: exponentOf(retry.counter), edits: [] };
  const name = freeCounterName(retry.loop);
  if (!name) return undefined;
  const declaration = insertStatementBefore(retry.loop, `let ${name} = 0`);
  return declaration ? { exponent: `${name}++`, edits: [declaration] } : undefined;
}

function exponentOf(counter: AttemptCounter): string {
  return counter.start !== undefined && counter.start > 0 ? `${counter.name} - ${counter.start}` : counter.name;
}

function freeCounterName(loop: Node): string | undefined {
  const scope = loop.getFirstAncestor(isFunctionScope) ?? loop.getSourceFile();
  const text = scope.getText();
  return COUNTER_NAMES.find((name) => !new RegExp(`\\b${name}\\b`).test(text));
}
