import { Node, SyntaxKind, type CallExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { logCallInfo, type LogCall } from './logging';
import { nameEndsWith, nameText, nameWords } from './secrets';
import { isTransparentWrapper } from './syntax';
import { LOG_SENSITIVE_NAME_ENDINGS, NON_SECRET_QUALIFIERS, USER_RECORD_NAMES, WHOLE_REQUEST_INPUTS } from './tables/sensitive-names';
import { databaseOperationOf } from './database-operations';
import { moduleImports } from './imports';
import { CONSOLE_LOG_METHODS, LOGGER_METHODS, LOGGER_MODULES, LOGGING_FUNCTION_NAME } from './tables/logging';

/** Something a log call records that a log must not hold. */
export interface LoggedSensitiveValue {
  /** The expression that puts it in the record. */
  node: Node;
  /** What it is, for messages: `password`, `the whole request headers`. */
  what: string;
  /** The property of a fields object it is logged under, when it is one (the fix omits or redacts it). */
  property?: Node;
  /** The property path from the call's argument (`user.password`), when it is under properties all the way down. */
  path?: string[];
  /** The argument of the log call it is in. */
  argument: Node;
}

/** Calls that record what they are given as it is: `JSON.stringify(req.body)`, `util.inspect(headers)`, `String(token)`. */
const PASS_THROUGH_CALLS: ReadonlySet<string> = new Set(['JSON.stringify', 'util.inspect', 'inspect', 'String', 'toString', 'trim']);

/** Header getters whose literal argument names the header read: `req.get('authorization')`, `headers.get('cookie')`. */
const HEADER_GETTERS: ReadonlySet<string> = new Set(['get', 'header', 'getHeader']);

/**
 * What a log call (console, pino, winston, bunyan, Nest's Logger, Fastify's
 * `request.log`, any `logger.*`) records that must not be in a log: values
 * named as passwords, tokens, secrets, API keys, authorization or cookie
 * headers and card numbers, read whole or put under such a key; and the
 * request's whole headers, body or cookies. Message text is not a value: a
 * literal saying "token expired" records no token. Values made from a secret
 * (`token.length`, `mask(token)`, `!!password`) record none either.
 */
export function sensitiveValuesLogged(call: CallExpression, facts: FileFacts): LoggedSensitiveValue[] {
  if (call.getArguments().length === 0 || !mayBeLogCall(call, facts)) return [];
  const found: LoggedSensitiveValue[] = [];
  for (const argument of call.getArguments()) collect(argument, argument, [], undefined, found, facts);
  if (found.length === 0) return [];
  // Recognising the logger resolves the callee's origin: only asked once the arguments hold something sensitive.
  const info: LogCall | undefined = logCallInfo(call, facts);
  return info?.kind === 'log' ? found : [];
}

/**
 * The cheap half of logCallInfo, by the callee's text: a log method
 * (`.info`, `.error`, ...), a function named like a logger, or, in a file that
 * imports a logger that is itself a function (`debug`), any plain call.
 */
function mayBeLogCall(call: CallExpression, facts: FileFacts): boolean {
  const callee = unwrap(call.getExpression());
  if (Node.isPropertyAccessExpression(callee)) return LOG_METHOD_NAMES.has(callee.getName());
  if (Node.isElementAccessExpression(callee)) return true;
  if (!Node.isIdentifier(callee)) return false;
  if (LOGGING_FUNCTION_NAME.test(callee.getText())) return true;
  return facts.memo('log-calls.callable-logger', () => moduleImports(facts).some((imported) => LOGGER_MODULES.some((logger) => logger.callableInstance && logger.module === imported.module)));
}

const LOG_METHOD_NAMES: ReadonlySet<string> = new Set([...CONSOLE_LOG_METHODS, ...LOGGER_METHODS]);

function collect(node: Node, argument: Node, path: string[], property: Node | undefined, found: LoggedSensitiveValue[], facts: FileFacts): void {
  const value = unwrap(node);
  if (Node.isObjectLiteralExpression(value)) return collectFields(value, argument, path, found, facts);
  if (Node.isTemplateExpression(value)) {
    for (const span of value.getTemplateSpans()) collect(span.getExpression(), argument, [], undefined, found, facts);
    return;
  }
  if (Node.isBinaryExpression(value) && value.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    collect(value.getLeft(), argument, [], undefined, found, facts);
    collect(value.getRight(), argument, [], undefined, found, facts);
    return;
  }
  if (Node.isCallExpression(value)) {
    const header = headerRead(value);
    if (header) found.push({ node: value, what: `the ${header} header`, argument, ...(property ? { property, path } : {}) });
    else if (isPassThrough(value)) {
      const callee = value.getExpression();
      const passed = Node.isPropertyAccessExpression(callee) && value.getArguments().length === 0 ? callee.getExpression() : value.getArguments()[0];
      if (passed) collect(passed, argument, path, property, found, facts);
    }
    return;
  }
  const what = sensitiveRead(value) ?? (Node.isIdentifier(value) ? wholeRecordRead(value, facts) : undefined);
  if (what) found.push({ node: value, what, argument, ...(property ? { property, path } : {}) });
}

function collectFields(object: ObjectLiteralExpression, argument: Node, path: string[], found: LoggedSensitiveValue[], facts: FileFacts): void {
  for (const property of object.getProperties()) {
    if (Node.isShorthandPropertyAssignment(property)) {
      const name = property.getName();
      const what = isSensitiveName(name) ? name : wholeRecordRead(property.getNameNode(), facts);
      if (what) found.push({ node: property, what, property, path: [...path, name], argument });
      continue;
    }
    if (Node.isSpreadAssignment(property)) {
      collect(property.getExpression(), argument, path, undefined, found, facts);
      continue;
    }
    if (!Node.isPropertyAssignment(property)) continue;
    const key = nameText(property.getNameNode());
    const initializer = property.getInitializer();
    if (!key || !initializer) continue;
    if (isSensitiveName(key) && mayHoldTheValue(initializer)) {
      found.push({ node: property, what: key, property, path: [...path, key], argument });
      continue;
    }
    collect(initializer, argument, [...path, key], property, found, facts);
  }
}

/** A value that is the secret itself rather than something made from it: a name, a member, `a ?? b`. */
function mayHoldTheValue(node: Node): boolean {
  const value = unwrap(node);
  if (Node.isIdentifier(value)) return value.getText() !== 'undefined';
  if (Node.isPropertyAccessExpression(value) || Node.isElementAccessExpression(value)) return !isMetadataRead(value);
  if (Node.isBinaryExpression(value)) {
    const kind = value.getOperatorToken().getKind();
    if (kind === SyntaxKind.BarBarToken || kind === SyntaxKind.QuestionQuestionToken) return mayHoldTheValue(value.getLeft()) || mayHoldTheValue(value.getRight());
    return false;
  }
  if (Node.isConditionalExpression(value)) return mayHoldTheValue(value.getWhenTrue()) || mayHoldTheValue(value.getWhenFalse());
  if (Node.isAwaitExpression(value)) return mayHoldTheValue(value.getExpression());
  if (Node.isCallExpression(value)) return isPassThrough(value) || headerRead(value) !== undefined;
  return false;
}

/** `x.length`, `x.size`: a fact about the value, not the value. */
function isMetadataRead(node: Node): boolean {
  return Node.isPropertyAccessExpression(node) && ['length', 'size'].includes(node.getName());
}

/** What an expression reads, if it is a sensitive value: `user.password`, `req.headers.authorization`, `req.body`. */
function sensitiveRead(node: Node): string | undefined {
  if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node) && !Node.isElementAccessExpression(node)) return undefined;
  const whole = wholeRequestInput(node);
  if (whole) return whole;
  const name = nameText(node);
  return name && isSensitiveName(name) ? name : undefined;
}

/**
 * `user` read whole from the database (`const user = await prisma.user.findUnique(...)`
 * with no `select`): its password hash, reset tokens and personal data go to the log with it.
 */
function wholeRecordRead(identifier: Node, facts: FileFacts): string | undefined {
  const name = identifier.getText();
  if (!nameEndsWith(name, USER_RECORD_NAMES)) return undefined;
  const declaration = valueDeclaration(identifier);
  if (!declaration || !Node.isVariableDeclaration(declaration) || !Node.isIdentifier(declaration.getNameNode())) return undefined;
  const read = unwrap(declaration.getInitializer() ?? declaration);
  if (!Node.isCallExpression(read)) return undefined;
  const operation = databaseOperationOf(read, facts);
  if (!operation || operation.kind !== 'read' || selectsFields(read)) return undefined;
  return `the whole ${name} record`;
}

function valueDeclaration(identifier: Node): Node | undefined {
  const parent = identifier.getParent();
  // In `{ user }` the name's own symbol is the property; the value is the variable.
  const symbol = parent && Node.isShorthandPropertyAssignment(parent) ? parent.getValueSymbol() : identifier.getSymbol();
  return symbol?.getDeclarations().find((declaration) => declaration.getSourceFile() === identifier.getSourceFile());
}

/** A read that picks its fields (`select: {...}`, `.select('id email')`, `attributes: [...]`) does not return the whole record. */
function selectsFields(read: CallExpression): boolean {
  const options = read.getArguments().find(Node.isObjectLiteralExpression);
  if (options && ['select', 'attributes', 'projection'].some((key) => options.getProperty(key))) return true;
  const chain = read.getExpression().getText();
  return /\.(?:select|projection)\s*\(/.test(chain) || /\.select$/.test(chain);
}

/** `req.headers`, `request.body`, `ctx.request.body`: everything the caller sent in one place. */
function wholeRequestInput(node: Node): string | undefined {
  if (!Node.isPropertyAccessExpression(node)) return undefined;
  const object = node.getExpression().getText().replace(/\s+/g, '');
  const property = node.getName();
  const input = WHOLE_REQUEST_INPUTS.find((candidate) => candidate.object === object && candidate.properties.includes(property));
  return input ? `the whole request ${property === 'header' ? 'headers' : property}` : undefined;
}

/** `req.get('authorization')`, `request.headers.get('cookie')`: the sensitive header read, if it is one. */
function headerRead(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !HEADER_GETTERS.has(callee.getName())) return undefined;
  const [first] = call.getArguments();
  if (!first || (!Node.isStringLiteral(first) && !Node.isNoSubstitutionTemplateLiteral(first))) return undefined;
  const header = first.getLiteralValue();
  return isSensitiveName(header) ? header : undefined;
}

function isPassThrough(call: CallExpression): boolean {
  const callee = call.getExpression();
  const text = callee.getText();
  if (PASS_THROUGH_CALLS.has(text)) return true;
  return Node.isPropertyAccessExpression(callee) && PASS_THROUGH_CALLS.has(callee.getName()) && call.getArguments().length === 0;
}

export function isSensitiveName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((word) => NON_SECRET_QUALIFIERS.includes(word))) return false;
  return nameEndsWith(name, LOG_SENSITIVE_NAME_ENDINGS);
}

function unwrap(node: Node): Node {
  let current = node;
  while (isTransparentWrapper(current) || Node.isAwaitExpression(current)) current = (current as Node & { getExpression(): Node }).getExpression();
  return current;
}

/** A pino logger the file creates (`pino({...})`), with the paths its `redact` option censors. */
export interface PinoConfiguration {
  call: CallExpression;
  options?: ObjectLiteralExpression;
  /** `redact: ['password', 'req.headers.authorization']` or `redact: { paths: [...] }`; undefined when not written as literals. */
  redactPaths: string[];
  /** The array literal the paths are written in, when there is one (a fix adds to it). */
  redactList?: Node;
}

/** The pino loggers created in the file: `pino()`, `pino({ ... })`, `require('pino')({ ... })`. */
export function pinoConfigurations(facts: FileFacts): PinoConfiguration[] {
  return facts.memo('log-calls.pino', () =>
    facts.nodes
      .ofKind(SyntaxKind.CallExpression)
      .filter((call) => {
        const origin = facts.origin(call.getExpression());
        return origin.kind === 'module' && origin.module === 'pino' && (origin.path.length === 0 || (origin.path.length === 1 && origin.path[0] === 'pino'));
      })
      .map((call) => pinoConfiguration(call)),
  );
}

function pinoConfiguration(call: CallExpression): PinoConfiguration {
  const first = call.getArguments()[0];
  const options = first && Node.isObjectLiteralExpression(first) ? first : undefined;
  const redact = options?.getProperty('redact');
  let list: Node | undefined = redact && Node.isPropertyAssignment(redact) ? redact.getInitializer() : undefined;
  if (list && Node.isObjectLiteralExpression(list)) {
    const paths = list.getProperty('paths');
    list = paths && Node.isPropertyAssignment(paths) ? paths.getInitializer() : undefined;
  }
  if (!list || !Node.isArrayLiteralExpression(list)) return { call, ...(options ? { options } : {}), redactPaths: [] };
  const redactPaths = list.getElements().flatMap((element) => (Node.isStringLiteral(element) || Node.isNoSubstitutionTemplateLiteral(element) ? [element.getLiteralValue()] : []));
  return { call, ...(options ? { options } : {}), redactPaths, redactList: list };
}

/** `user.password` is censored by `user.password`, `*.password` or `user.*`; `["x-api-key"]` segments are read as names. */
export function isRedacted(path: readonly string[], redactPaths: readonly string[]): boolean {
  return redactPaths.some((redact) => {
    const segments = redact.match(/[^.[\]"']+/g) ?? [];
    return segments.length === path.length && segments.every((segment, i) => segment === '*' || segment === path[i]);
  });
}
