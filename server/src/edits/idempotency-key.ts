import { Node, type CallExpression, type NewExpression, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { insertArgument } from './call-arguments';
import { statementEnd } from './insert-statement';
import { endOfLine, indentationAt, newlineOf, stringQuoteOf } from './layout';
import { addObjectProperty } from './object-literal-property';

/**
 * The placeholder a key fix writes when no stable id of the operation is in
 * scope: a string the user replaces with one (editors that take snippets
 * select it). Never a random value: a key made afresh on every attempt
 * deduplicates nothing. Rules recognise it (`isIdempotencyKeyPlaceholder`)
 * and go on reporting until it is replaced.
 */
export function idempotencyKeyPlaceholder(operation: string, quote: string): string {
  return `${quote}<stable id of this ${operation}>${quote}`;
}

const PLACEHOLDER = /<stable id of this [^>]*>/;

/** The key's text still holds the placeholder a fix wrote. */
export function isIdempotencyKeyPlaceholder(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/** The stable id a key is made from (facts/business-ids.ts), or a placeholder. */
export interface KeySource {
  expression: string;
  /** `key`: the expression is an idempotency key already, used as it is. */
  kind: 'id' | 'key' | 'placeholder';
}

/** The key's expression: `` `refund-${order.id}` ``, or the existing key as is. */
export function idempotencyKeyExpression(prefix: string, source: KeySource): string {
  if (source.kind === 'key') return source.expression;
  return `\`${prefix}-\${${source.expression}}\``;
}

/**
 * Adds `property: value` to the options object at argument `index` of a call
 * (Stripe's request options, an Adyen call's options): into the object literal
 * that is there, in its layout, or as a new `{ property: value }` argument
 * when the call ends just before it. Undefined when the argument is not an
 * object literal or arguments before it are missing.
 */
export function addKeyToArgument(call: CallExpression, index: number, property: string, value: string): TextEdit[] | undefined {
  const args = call.getArguments();
  const entry = value === property ? property : `${property}: ${value}`;
  if (args.length === index) return [insertArgument(call, index, `{ ${entry} }`)];
  const argument = args[index];
  if (!argument || !Node.isObjectLiteralExpression(argument)) return undefined;
  return addObjectProperty(argument, entry);
}

/**
 * Adds the header `name: value` to an HTTP call's options: into its `headers`
 * object literal, as a new `headers` property, or as a new options argument
 * `{ headers: {...} }` at `index` when the call has none. Undefined when the
 * headers are not an object literal the edit can extend.
 */
export function addKeyHeader(call: CallExpression, options: ObjectLiteralExpression | undefined, index: number, name: string, value: string): TextEdit[] | undefined {
  const quote = stringQuoteOf(call.getSourceFile());
  const entry = `${quote}${name}${quote}: ${value}`;
  if (!options) return call.getArguments().length === index ? [insertArgument(call, index, `{ headers: { ${entry} } }`)] : undefined;
  const headers = options.getProperty('headers');
  if (!headers) return addObjectProperty(options, `headers: { ${entry} }`);
  const literal = Node.isPropertyAssignment(headers) ? headers.getInitializer() : undefined;
  return literal && Node.isObjectLiteralExpression(literal) ? addObjectProperty(literal, entry) : undefined;
}

/**
 * Calls `method(value)` on the variable a request object is assigned to, in a
 * statement after its declaration: `request.payPalRequestId(key);`.
 */
export function addKeyMethodCall(request: NewExpression, method: string, value: string): TextEdit[] | undefined {
  const declaration = request.getParent();
  if (!declaration || !Node.isVariableDeclaration(declaration)) return undefined;
  const statement = declaration.getVariableStatement();
  if (!statement || statement.getDeclarations().length !== 1) return undefined;
  const text = statement.getSourceFile().getFullText();
  const lineEnd = endOfLine(text, statement.getEnd());
  const line = `${declaration.getName()}.${method}(${value})${statementEnd(statement.getSourceFile())}`;
  return [{ start: lineEnd, end: lineEnd, newText: `${newlineOf(text)}${indentationAt(text, statement.getStart())}${line}` }];
}

