import { stringQuoteOf } from '../edits/layout';
import { Node } from 'ts-morph';
import type { FileFacts } from '../facts';
import { errorLogCall, loggerAt } from '../facts/logger-in-scope';
import { isFunctionScope, unwrapExpression } from '../facts/syntax';

/**
 * The call a quick-fix writes to log `error` (the name of the caught error)
 * at `at`: through the logger the code there already uses, the way its
 * library takes an error (`this.logger.error('save failed', err)`,
 * `log.error({ err }, 'save failed')`), else `console.error(...)`.
 */
export function logErrorCall(at: Node, facts: FileFacts, error: string, operation: string): string {
  return errorLogCall(loggerAt(at, facts), error, stringLiteral(`${operation} failed`, facts));
}

/**
 * What failed, in a few words, for the log message: the call (`cache.set`),
 * else the function the code is in (`save`), else `operation`.
 */
export function operationName(node: Node | undefined, around?: Node): string {
  const call = node && chainRoot(unwrapExpression(node));
  if (call && (Node.isCallExpression(call) || Node.isNewExpression(call))) {
    const callee = unwrapExpression(call.getExpression());
    const text = callee.getText().replace(/\s+/g, '').replace(/^this\./, '');
    if (/^[\w$]+(\.[\w$]+)*$/.test(text) && text.length <= 40) return text;
    if (Node.isPropertyAccessExpression(callee)) return callee.getName();
  }
  return functionName(around ?? node) ?? 'operation';
}

/** `load(id).then(parse).catch(...)` → `load(id)`. */
function chainRoot(node: Node): Node {
  let current = node;
  for (;;) {
    if (Node.isAwaitExpression(current)) current = unwrapExpression(current.getExpression());
    if (!Node.isCallExpression(current)) return current;
    const callee = unwrapExpression(current.getExpression());
    if (!Node.isPropertyAccessExpression(callee) || !PROMISE_METHODS.includes(callee.getName())) return current;
    const receiver = unwrapExpression(callee.getExpression());
    if (!Node.isCallExpression(receiver) && !Node.isNewExpression(receiver) && !Node.isAwaitExpression(receiver)) return current;
    current = receiver;
  }
}

const PROMISE_METHODS = ['then', 'catch', 'finally'];

/** The name of the function `node` is in: `save` for `async function save()`, `const save = async () =>`, `save() {}`. */
function functionName(node: Node | undefined): string | undefined {
  for (let current = node; current; current = current.getParent()) {
    if (!isFunctionScope(current)) continue;
    if (Node.isFunctionDeclaration(current) || Node.isFunctionExpression(current) || Node.isMethodDeclaration(current)) {
      const name = current.getName();
      if (name) return name;
    }
    if (Node.isConstructorDeclaration(current)) return 'constructor';
    const holder = current.getParent();
    if (holder && (Node.isVariableDeclaration(holder) || Node.isPropertyAssignment(holder) || Node.isPropertyDeclaration(holder))) {
      const name = holder.getNameNode();
      if (Node.isIdentifier(name)) return name.getText();
    }
  }
  return undefined;
}

/** `text` quoted as the file quotes its strings (single quotes unless double quotes are the majority). */
function stringLiteral(text: string, facts: FileFacts): string {
  const quote = stringQuoteOf(facts.sourceFile);
  const escaped = text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}
