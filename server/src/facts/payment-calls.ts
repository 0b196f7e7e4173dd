import { Node, SyntaxKind, type CallExpression, type ClassDeclaration, type NewExpression, type ObjectLiteralExpression } from 'ts-morph';
import { FileFacts } from './index';
import { outboundHttpCalls, type OutboundHttpCall } from './http';
import { possibleStrings } from './literals';
import { samePath, valueSymbol, type Origin } from './origin';
import { unwrapExpression } from './syntax';
import {
  IDEMPOTENCY_HEADER,
  PAYMENT_CLIENTS,
  PAYMENT_ENDPOINTS,
  PAYMENT_REQUEST_CLASSES,
  type KeySlot,
  type PaymentClient,
  type PaymentMethod,
} from './tables/payment-providers';

/**
 * Where a missing key would go:
 * - `argument-property`: a property of the object at `argument` of `call` (Stripe's request options);
 * - `header`: a header of an HTTP call whose options are `options` (undefined: the call has no options argument);
 * - `request-method`: a method of a PayPal request object, called on the variable `variable`.
 */
export type KeyTarget =
  | { kind: 'argument-property'; call: CallExpression; argument: number; property: string }
  | { kind: 'header'; call: CallExpression; options?: ObjectLiteralExpression; header: string; http: OutboundHttpCall }
  | { kind: 'request-method'; request: NewExpression; method: string };

/** `present`: the key is the node `value`; `unknown`: the options come from somewhere the file does not show. */
export type KeyJudgement = { state: 'present'; value: Node } | { state: 'missing'; target: KeyTarget } | { state: 'unknown' };

/** One call that moves money at a payment provider. */
export interface PaymentCall {
  provider: string;
  /** The SDK call, the HTTP call, or the `new ...Request()` of a request object. */
  node: CallExpression | NewExpression;
  /** How messages name it: `stripe.refunds.create()`. */
  label: string;
  /** What a repeat creates: "a second refund". */
  repeat: string;
  /** The operation's name for a key a fix writes: `refund`. */
  keyPrefix: string;
  key: KeyJudgement;
}

/** Every money-moving payment call in the file (tables/payment-providers.ts), SDK and plain HTTP. */
export function paymentCalls(facts: FileFacts): PaymentCall[] {
  return facts.memo('payment-calls', () => {
    const found = [...sdkCalls(facts), ...requestObjects(facts), ...httpCalls(facts)];
    return found.sort((a, b) => a.node.getStart() - b.node.getStart());
  });
}

// ---------------------------------------------------------------------------
// SDK calls: `stripe.refunds.create(params, options)`

/** The last names of every method path the table knows, to skip other calls without resolving anything. */
const METHOD_NAMES: ReadonlySet<string> = new Set(PAYMENT_CLIENTS.flatMap((client) => client.methods.map((method) => method.path[method.path.length - 1]!)));

function sdkCalls(facts: FileFacts): PaymentCall[] {
  const found: PaymentCall[] = [];
  for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const callee = unwrapExpression(call.getExpression());
    if (!Node.isPropertyAccessExpression(callee) || !METHOD_NAMES.has(callee.getName())) continue;
    const match = paymentMethodOf(callee, facts);
    if (!match) continue;
    found.push({
      provider: match.client.provider,
      node: call,
      label: `${callee.getText().replace(/\s+/g, '')}()`,
      repeat: match.method.repeat,
      keyPrefix: match.method.keyPrefix,
      key: argumentKey(call, match.method.key),
    });
  }
  return found;
}

/** Splits `this.stripe.refunds.create` into a receiver and a member path, and finds a client method that fits. */
function paymentMethodOf(callee: Node, facts: FileFacts): { client: PaymentClient; method: PaymentMethod } | undefined {
  const path: string[] = [];
  let receiver: Node = callee;
  for (let level = 0; level < 3 && Node.isPropertyAccessExpression(receiver); level += 1) {
    path.unshift(receiver.getName());
    receiver = unwrapExpression(receiver.getExpression());
    const candidates = PAYMENT_CLIENTS.filter((client) => client.methods.some((method) => samePath(method.path, path)));
    if (candidates.length === 0) continue;
    const client = paymentClientOf(receiver, facts, candidates);
    const method = client?.methods.find((entry) => samePath(entry.path, path));
    if (client && method) return { client, method };
  }
  return undefined;
}

const MAX_DEPTH = 4;

/**
 * The payment client an expression holds: a `new Stripe(key)` / `require('stripe')(key)`
 * result (directly or through a const), an instance imported from a project
 * module, a declared type (`private stripe: Stripe`), or a class property
 * assigned one in the class (`this.stripe = new Stripe(key)`).
 */
export function paymentClientOf(expression: Node, facts: FileFacts, candidates: readonly PaymentClient[] = PAYMENT_CLIENTS, depth = 0): PaymentClient | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrapExpression(expression);
  const fromOrigin = clientMadeBy(facts.origin(node), candidates);
  if (fromOrigin) return fromOrigin;
  // `await this.getStripeClient(ctx)`: what the project function returns, by its type.
  if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node)) return Node.isAwaitExpression(node) || Node.isCallExpression(node) ? clientOfType(node, candidates) : undefined;
  const symbol = Node.isIdentifier(node) ? valueSymbol(node) : node.getSymbol();
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  for (const declaration of resolved?.getDeclarations() ?? []) {
    const client = clientOfDeclaration(declaration, facts.forFile(declaration.getSourceFile()), candidates, depth);
    if (client) return client;
  }
  return undefined;
}

function clientOfDeclaration(declaration: Node, facts: FileFacts, candidates: readonly PaymentClient[], depth: number): PaymentClient | undefined {
  if (declaration.getSourceFile().isDeclarationFile()) return undefined;
  if (Node.isPropertyDeclaration(declaration) || Node.isParameterDeclaration(declaration) || Node.isVariableDeclaration(declaration) || Node.isPropertySignature(declaration)) {
    const typeNode = declaration.getTypeNode();
    const typed = typeNode && Node.isTypeReference(typeNode) ? clientOfTypeName(typeNode.getTypeName(), facts, candidates) : undefined;
    if (typed) return typed;
    const initializer = Node.isPropertySignature(declaration) ? undefined : declaration.getInitializer();
    if (initializer) return paymentClientOf(initializer, facts, candidates, depth + 1);
    if (Node.isPropertyDeclaration(declaration)) return clientAssignedToProperty(declaration.getName(), declaration.getParent(), facts, candidates, depth);
    return undefined;
  }
  // JavaScript: the property is declared by its assignment in the constructor (`this.stripe = require('stripe')(key)`).
  if (Node.isBinaryExpression(declaration) && declaration.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
    return paymentClientOf(declaration.getRight(), facts, candidates, depth + 1);
  }
  return undefined;
}

/** `this.<name> = <client>` anywhere in the class. */
function clientAssignedToProperty(name: string, cls: Node, facts: FileFacts, candidates: readonly PaymentClient[], depth: number): PaymentClient | undefined {
  for (const assignment of cls.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    if (assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const left = unwrapExpression(assignment.getLeft());
    if (!Node.isPropertyAccessExpression(left) || left.getName() !== name || left.getExpression().getKind() !== SyntaxKind.ThisKeyword) continue;
    const client = paymentClientOf(assignment.getRight(), facts, candidates, depth + 1);
    if (client) return client;
  }
  return undefined;
}

/**
 * `Stripe` (default import), `Stripe.Stripe`, `CheckoutAPI`: a type naming a
 * client class of the package, or a project class that extends one
 * (`class VendureStripeClient extends Stripe`).
 */
function clientOfTypeName(name: Node, facts: FileFacts, candidates: readonly PaymentClient[], depth = 0): PaymentClient | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const projectClass = projectClassNamed(Node.isQualifiedName(name) ? name.getRight() : name);
  if (projectClass) {
    const base = projectClass.getExtends()?.getExpression();
    return base ? clientOfTypeName(base, facts.forFile(projectClass.getSourceFile()), candidates, depth + 1) : undefined;
  }
  // A qualified type name (`Stripe.Stripe`) is its left side's origin and one more member; an expression has its own.
  const origin = facts.origin(Node.isQualifiedName(name) ? name.getLeft() : name);
  if (origin.kind !== 'module') return undefined;
  const path = Node.isQualifiedName(name) ? [...origin.path, name.getRight().getText()] : origin.path;
  return candidates.find((client) => client.module === origin.module && client.factories.some((factory) => samePath(factory, path)));
}

/** The project class (not a package's declaration) a name refers to. */
function projectClassNamed(name: Node): ClassDeclaration | undefined {
  if (!Node.isIdentifier(name)) return undefined;
  const symbol = name.getSymbol();
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  return resolved?.getDeclarations().find((declaration): declaration is ClassDeclaration => Node.isClassDeclaration(declaration) && !declaration.getSourceFile().isDeclarationFile());
}

/** The value's type (awaited, for an `await`) is a project class that extends a client class. */
function clientOfType(node: Node, candidates: readonly PaymentClient[]): PaymentClient | undefined {
  const symbol = node.getType().getSymbol();
  const projectClass = symbol?.getDeclarations().find((declaration): declaration is ClassDeclaration => Node.isClassDeclaration(declaration) && !declaration.getSourceFile().isDeclarationFile());
  const base = projectClass?.getExtends()?.getExpression();
  return base ? clientOfTypeName(base, FileFacts.of(projectClass!.getSourceFile()), candidates, 1) : undefined;
}

/** The origin is the result of calling or constructing a client factory: `new Stripe(key)`, `Stripe(key)`. */
function clientMadeBy(origin: Origin, candidates: readonly PaymentClient[]): PaymentClient | undefined {
  if (origin.kind !== 'call' || origin.path.length > 0 || origin.callee.kind !== 'module') return undefined;
  const factory = origin.callee;
  return candidates.find((client) => client.module === factory.module && client.factories.some((path) => samePath(path, factory.path)));
}

/** The key in argument `slot.argument`: present, missing (the argument is absent or an object literal without it), or unknown. */
function argumentKey(call: CallExpression, slot: KeySlot): KeyJudgement {
  const missing: KeyJudgement = { state: 'missing', target: { kind: 'argument-property', call, argument: slot.argument, property: slot.properties[0]! } };
  const args = call.getArguments();
  // A call with fewer arguments than the slot needs has no options at all; with a gap before it, a fix has nowhere to go.
  if (args.length <= slot.argument) return args.length === slot.argument ? missing : { state: 'unknown' };
  const argument = unwrapExpression(args[slot.argument]!);
  if (argument.getKind() === SyntaxKind.UndefinedKeyword || (Node.isIdentifier(argument) && argument.getText() === 'undefined')) return { state: 'unknown' };
  if (!Node.isObjectLiteralExpression(argument)) return { state: 'unknown' };
  return propertyKey(argument, slot.properties, missing);
}

/** A key property of an object literal (any value counts); unknown when a spread may bring it. */
function propertyKey(literal: ObjectLiteralExpression, names: readonly string[], missing: KeyJudgement): KeyJudgement {
  for (const property of literal.getProperties()) {
    if (Node.isSpreadAssignment(property)) return { state: 'unknown' };
    const name = propertyName(property);
    if (name !== undefined && names.some((candidate) => candidate.toLowerCase() === name.toLowerCase())) return { state: 'present', value: property };
  }
  return missing;
}

function propertyName(property: Node): string | undefined {
  if (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property) || Node.isMethodDeclaration(property)) {
    const nameNode = property.getNameNode();
    if (Node.isComputedPropertyName(nameNode)) return possibleStrings(nameNode.getExpression())?.[0];
    return Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Request objects: `const request = new paypal.payments.CapturesRefundRequest(id)`

function requestObjects(facts: FileFacts): PaymentCall[] {
  if (!PAYMENT_REQUEST_CLASSES.some((entry) => facts.sourceFile.getFullText().includes(entry.module))) return [];
  const found: PaymentCall[] = [];
  for (const request of facts.nodes.ofKind(SyntaxKind.NewExpression)) {
    const origin = facts.origin(request.getExpression());
    if (origin.kind !== 'module') continue;
    const entry = PAYMENT_REQUEST_CLASSES.find((candidate) => candidate.module === origin.module && samePath(candidate.path, origin.path));
    if (!entry) continue;
    found.push({
      provider: entry.provider,
      node: request,
      label: `new ${request.getExpression().getText().replace(/\s+/g, '')}()`,
      repeat: entry.repeat,
      keyPrefix: entry.keyPrefix,
      key: requestObjectKey(request, entry.keyMethod, entry.keyHeader),
    });
  }
  return found;
}

/** `request.payPalRequestId(key)` or `request.headers['PayPal-Request-Id'] = key` on the variable the request is assigned to. */
function requestObjectKey(request: NewExpression, keyMethod: string, keyHeader: string): KeyJudgement {
  const declaration = request.getParent();
  const missing: KeyJudgement = { state: 'missing', target: { kind: 'request-method', request, method: keyMethod } };
  if (!declaration || !Node.isVariableDeclaration(declaration)) return missing;
  const nameNode = declaration.getNameNode();
  if (!Node.isIdentifier(nameNode)) return { state: 'unknown' };
  for (const reference of nameNode.findReferencesAsNodes()) {
    const access = reference.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || access.getExpression() !== reference) continue;
    const used = access.getParent();
    if (access.getName() === keyMethod && used && Node.isCallExpression(used)) return { state: 'present', value: used };
    if (access.getName() === 'headers' && used && Node.isElementAccessExpression(used)) {
      const header = possibleStrings(used.getArgumentExpression())?.[0];
      if (header && header.toLowerCase() === keyHeader.toLowerCase()) return { state: 'present', value: used };
    }
  }
  return missing;
}

// ---------------------------------------------------------------------------
// Plain HTTP: `fetch('https://api.stripe.com/v1/refunds', { method: 'POST', ... })`

function httpCalls(facts: FileFacts): PaymentCall[] {
  const found: PaymentCall[] = [];
  for (const http of outboundHttpCalls(facts)) {
    if (http.method !== 'POST' || !http.url) continue;
    const base = http.instance?.options ? baseUrlOf(http.instance.options) : undefined;
    const endpoint = endpointOf(http.url, base);
    if (!endpoint) continue;
    found.push({
      provider: endpoint.provider,
      node: http.call,
      label: http.label,
      repeat: endpoint.repeat,
      keyPrefix: endpoint.keyPrefix,
      key: headerKey(http, endpoint.header),
    });
  }
  return found;
}

function baseUrlOf(options: ObjectLiteralExpression): Node | undefined {
  const property = options.getProperty('baseURL') ?? options.getProperty('prefixUrl');
  return property && Node.isPropertyAssignment(property) ? property.getInitializer() : undefined;
}

/** The payment endpoint a URL (with an instance's base URL) reaches, when its host and path are written in the file. */
function endpointOf(url: Node, base: Node | undefined): (typeof PAYMENT_ENDPOINTS)[number] | undefined {
  let pattern = urlPattern(url);
  if (pattern === undefined) return undefined;
  if (pattern.startsWith('/') && base) {
    const prefix = urlPattern(base);
    if (prefix === undefined) return undefined;
    pattern = prefix.replace(/\/$/, '') + pattern;
  }
  const match = /^https?:\/\/([^/?#]+)([^?#]*)/i.exec(pattern);
  if (!match || match[1]!.includes(ANY)) return undefined;
  const host = match[1]!.replace(/:\d+$/, '');
  const path = match[2] || '/';
  return PAYMENT_ENDPOINTS.find((endpoint) => endpoint.hosts.test(host) && endpoint.paths.test(path));
}

/** Stands for a part of a URL the file does not spell out. */
const ANY = '{}';

/**
 * The URL as far as the file spells it: literals, templates and `+` joins of
 * them, with consts bound to string literals read in and every other part as `{}`.
 */
export function urlPattern(node: Node, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  const value = unwrapExpression(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return value.getLiteralValue();
  if (Node.isTemplateExpression(value)) {
    let text = value.getHead().getLiteralText();
    for (const span of value.getTemplateSpans()) text += partOf(span.getExpression(), depth) + span.getLiteral().getLiteralText();
    return text;
  }
  if (Node.isBinaryExpression(value) && value.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    const left = urlPattern(value.getLeft(), depth + 1);
    return left === undefined ? undefined : left + partOf(value.getRight(), depth);
  }
  if (Node.isIdentifier(value)) {
    const strings = possibleStrings(value);
    return strings?.length === 1 ? strings[0] : undefined;
  }
  return undefined;
}

function partOf(node: Node, depth: number): string {
  return urlPattern(node, depth + 1) ?? ANY;
}

function headerKey(http: OutboundHttpCall, header: string): KeyJudgement {
  const options = http.options;
  if (!options) {
    return http.optionsArgument || http.optionsSlot.kind !== 'absent' ? { state: 'unknown' } : { state: 'missing', target: { kind: 'header', call: http.call, header, http } };
  }
  const missing: KeyJudgement = { state: 'missing', target: { kind: 'header', call: http.call, options, header, http } };
  const headers = options.getProperty('headers');
  if (!headers) return options.getProperties().some((property) => Node.isSpreadAssignment(property)) ? { state: 'unknown' } : missing;
  const value = Node.isPropertyAssignment(headers) ? unwrapExpression(headers.getInitializerOrThrow()) : undefined;
  if (!value || !Node.isObjectLiteralExpression(value)) return { state: 'unknown' };
  for (const property of value.getProperties()) {
    if (Node.isSpreadAssignment(property)) return { state: 'unknown' };
    const name = propertyName(property);
    if (name !== undefined && IDEMPOTENCY_HEADER.test(name)) return { state: 'present', value: property };
  }
  return missing;
}
