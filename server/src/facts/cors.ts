import { Node, SyntaxKind, type CallExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { isRelativeModule } from './imports';
import { possibleStrings, stringLiteralValue } from './literals';
import { isFunctionScope, unwrapExpression } from './syntax';
import { frameworkInstance } from './routes';
import { outboundHttpCalls } from './http';
import {
  ALLOW_CREDENTIALS_HEADER,
  ALLOW_ORIGIN_HEADER,
  CORS_LIBRARIES,
  REQUEST_ORIGIN_READ,
  WILDCARD_EXPLAINED,
  DEVELOPMENT_CONDITION,
  HEADER_SETTERS,
  NEST_CORS,
  PRODUCTION_CONDITION,
  type CorsLibrary,
  type DefaultOrigin,
} from './tables/middleware';

/**
 * Which origins a CORS configuration lets read responses:
 * `any` — `*`; `reflect` — whichever origin asks (`origin: true`, a callback that always allows);
 * `restricted` — an allow-list, one origin, a checking callback, or CORS off;
 * `unknown` — read from somewhere the file does not show (configuration, a parameter).
 */
export type OriginPolicy = 'any' | 'reflect' | 'restricted' | 'unknown';

export interface CorsOptionsRead {
  origin: OriginPolicy;
  credentials: boolean;
  /** The options object written in place (or held by a `const` of the file), for fixes. */
  literal?: ObjectLiteralExpression;
  /** Where the options came from when another file of the package exports them. */
  from?: string;
}

export interface CorsOptionsExport {
  /** The exported name (`default` for a default export). */
  name: string;
  origin: OriginPolicy;
  credentials: boolean;
  file: string;
  line: number;
}

export interface CorsConfiguration {
  /** `middleware`: a CORS package's middleware or plugin; `nest`: `enableCors`/`NestFactory.create({ cors })`; `header`: a hand-set header. */
  kind: 'middleware' | 'nest' | 'header';
  /** Where a finding starts: the call, or the header's property. */
  node: Node;
  origin: OriginPolicy;
  credentials: boolean;
  /** The call whose options a fix edits or adds, and the slot they go in. */
  call?: CallExpression;
  optionsIndex?: number;
  options?: CorsOptionsRead;
  /** Whether the library takes an array of origins (the allow-list fix writes one). */
  acceptsOriginList: boolean;
  library: string;
}

type ExportedOptions = readonly CorsOptionsExport[];

// ---------------------------------------------------------------------------
// Reading options

/** What an options argument allows; `defaults` when there is none. */
export function readCorsOptions(node: Node | undefined, defaults: DefaultOrigin, facts: FileFacts, exported: ExportedOptions): CorsOptionsRead {
  if (!node) return { origin: defaults, credentials: false };
  const expression = unwrapExpression(node);
  if (expression.getKind() === SyntaxKind.TrueKeyword) return { origin: defaults, credentials: false };
  if (expression.getKind() === SyntaxKind.FalseKeyword) return { origin: 'restricted', credentials: false };
  if (Node.isObjectLiteralExpression(expression)) return readOptionsLiteral(expression, defaults);
  if (Node.isIdentifier(expression)) {
    const local = localObjectLiteral(expression);
    if (local) return readOptionsLiteral(local, defaults);
    const imported = importedOptions(expression, facts, exported);
    if (imported) return { origin: imported.origin, credentials: imported.credentials, from: `${imported.file}:${imported.line}` };
  }
  return { origin: 'unknown', credentials: false };
}

function readOptionsLiteral(literal: ObjectLiteralExpression, defaults: DefaultOrigin): CorsOptionsRead {
  const credentials = propertyValue(literal, 'credentials')?.getKind() === SyntaxKind.TrueKeyword;
  const originProperty = literal.getProperty('origin');
  if (!originProperty) {
    // A spread may bring an origin in.
    const spreads = literal.getProperties().some((property) => Node.isSpreadAssignment(property));
    return { origin: spreads ? 'unknown' : defaults, credentials, literal };
  }
  return { origin: originPolicyOf(originProperty), credentials, literal };
}

function propertyValue(literal: ObjectLiteralExpression, name: string): Node | undefined {
  const property = literal.getProperty(name);
  if (property && Node.isPropertyAssignment(property)) return property.getInitializer();
  return undefined;
}

/** `origin: '*'`, `origin: true`, `origin: ['https://a.example']`, `origin(origin, cb) { cb(null, true) }`. */
function originPolicyOf(property: Node): OriginPolicy {
  if (Node.isMethodDeclaration(property)) return alwaysAllows(property) ?? 'restricted';
  if (Node.isShorthandPropertyAssignment(property)) return policyOfValue(property.getNameNode());
  if (!Node.isPropertyAssignment(property)) return 'unknown';
  const value = property.getInitializer();
  return value ? policyOfValue(value) : 'unknown';
}

function policyOfValue(node: Node): OriginPolicy {
  const value = unwrapExpression(node);
  if (value.getKind() === SyntaxKind.TrueKeyword) return 'reflect';
  if (value.getKind() === SyntaxKind.FalseKeyword) return 'restricted';
  if (Node.isRegularExpressionLiteral(value)) return 'restricted';
  if (Node.isArrowFunction(value) || Node.isFunctionExpression(value)) return alwaysAllows(value) ?? 'restricted';
  const strings = possibleStrings(value);
  if (strings) return strings.includes('*') ? 'any' : 'restricted';
  return 'unknown';
}

/**
 * A callback that lets every origin through: it decides nothing (no condition)
 * and answers `true`, or hands back the origin it was asked about.
 */
function alwaysAllows(fn: Node): OriginPolicy | undefined {
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn) && !Node.isMethodDeclaration(fn)) return undefined;
  const decides = fn.getDescendants().some(
    (node) =>
      Node.isIfStatement(node) ||
      Node.isConditionalExpression(node) ||
      Node.isSwitchStatement(node) ||
      (Node.isBinaryExpression(node) && ['&&', '||', '??', '===', '!==', '==', '!='].includes(node.getOperatorToken().getText())) ||
      (Node.isCallExpression(node) && !isCallbackCall(node, fn)),
  );
  if (decides) return undefined;
  const [originParam] = fn.getParameters();
  const originName = originParam?.getName();
  const allowsValue = (node: Node | undefined): boolean => {
    if (!node) return false;
    const value = unwrapExpression(node);
    return value.getKind() === SyntaxKind.TrueKeyword || (originName !== undefined && value.getText() === originName) || stringLiteralValue(value) === '*';
  };
  const callbackAllows = fn.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => isCallbackCall(call, fn) && allowsValue(call.getArguments()[1]));
  const body = Node.isArrowFunction(fn) ? fn.getBody() : undefined;
  const returnsAllowed = (body !== undefined && !Node.isBlock(body) && allowsValue(body)) || fn.getDescendantsOfKind(SyntaxKind.ReturnStatement).some((ret) => allowsValue(ret.getExpression()));
  return callbackAllows || returnsAllowed ? 'reflect' : undefined;
}

function isCallbackCall(call: CallExpression, fn: Node): boolean {
  if (!Node.isArrowFunction(fn) && !Node.isFunctionExpression(fn) && !Node.isMethodDeclaration(fn)) return false;
  const callback = fn.getParameters()[1]?.getName();
  return callback !== undefined && call.getExpression().getText() === callback;
}

/** `const corsOptions = { ... }` in this file, never reassigned. */
function localObjectLiteral(identifier: Node): ObjectLiteralExpression | undefined {
  if (!Node.isIdentifier(identifier)) return undefined;
  const declaration = identifier.getSymbol()?.getDeclarations().find((d) => d.getSourceFile() === identifier.getSourceFile());
  if (!declaration || !Node.isVariableDeclaration(declaration)) return undefined;
  const initializer = declaration.getInitializer();
  const value = initializer && unwrapExpression(initializer);
  return value && Node.isObjectLiteralExpression(value) ? value : undefined;
}

/** Options imported from another file of the package, read there. */
function importedOptions(identifier: Node, facts: FileFacts, exported: ExportedOptions): CorsOptionsExport | undefined {
  const origin = facts.origin(identifier);
  if (origin.kind !== 'module' || !isProjectModule(origin.module)) return undefined;
  const name = origin.path[0] ?? 'default';
  const candidates = exported.filter((entry) => entry.name === name);
  const policies = new Set(candidates.map((entry) => `${entry.origin}/${entry.credentials}`));
  return policies.size === 1 ? candidates[0] : undefined;
}

function isProjectModule(module: string): boolean {
  return isRelativeModule(module) || module.startsWith('@/') || module.startsWith('~/') || module.startsWith('#');
}

/** Exported `const corsOptions = { origin: ... }`: read by files that pass it to a CORS middleware. */
export function exportedCorsOptions(facts: FileFacts): CorsOptionsExport[] {
  const found: CorsOptionsExport[] = [];
  const file = facts.sourceFile.getFilePath();
  for (const [name, declarations] of facts.sourceFile.getExportedDeclarations()) {
    for (const declaration of declarations) {
      if (declaration.getSourceFile() !== facts.sourceFile) continue;
      const value = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : Node.isExpression(declaration) ? declaration : undefined;
      const literal = value && unwrapExpression(value);
      if (!literal || !Node.isObjectLiteralExpression(literal) || !literal.getProperty('origin')) continue;
      const read = readOptionsLiteral(literal, 'any');
      found.push({ name, origin: read.origin, credentials: read.credentials, file, line: literal.getStartLineNumber() });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------
// Configurations in a file

/** Every CORS configuration of the file: middleware and plugins, Nest's, and hand-set `Access-Control-Allow-Origin` headers. */
export function corsConfigurations(facts: FileFacts, exported: ExportedOptions): CorsConfiguration[] {
  const text = facts.sourceFile.getFullText();
  const found: CorsConfiguration[] = [];
  if (/cors/i.test(text)) {
    found.push(...middlewareConfigurations(facts, exported));
    found.push(...nestConfigurations(facts, exported));
  }
  if (/access-control-allow-origin/i.test(text)) found.push(...headerConfigurations(facts));
  return found.sort((a, b) => a.node.getStart() - b.node.getStart());
}

function corsLibraryOf(node: Node, facts: FileFacts): CorsLibrary | undefined {
  const origin = facts.origin(node);
  if (origin.kind !== 'module') return undefined;
  const path = origin.path;
  return CORS_LIBRARIES.find((library) => library.module === origin.module && library.factory.length === path.length && library.factory.every((part, i) => part === path[i]));
}

function middlewareConfigurations(facts: FileFacts, exported: ExportedOptions): CorsConfiguration[] {
  const found: CorsConfiguration[] = [];
  for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const library = corsLibraryOf(call.getExpression(), facts);
    if (library && !library.plugin) {
      found.push(configuration('middleware', call, call, 0, library.module, library, readCorsOptions(call.getArguments()[0], library.defaultOrigin, facts, exported)));
      continue;
    }
    // fastify.register(cors, { origin: '*' })
    const callee = call.getExpression();
    const [plugin, options] = call.getArguments();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'register' || !plugin) continue;
    const pluginLibrary = corsLibraryOf(unwrapExpression(plugin), facts);
    if (!pluginLibrary?.plugin) continue;
    found.push(configuration('middleware', call, call, 1, pluginLibrary.module, pluginLibrary, readCorsOptions(options, pluginLibrary.defaultOrigin, facts, exported)));
  }
  return found;
}

function configuration(kind: CorsConfiguration['kind'], node: Node, call: CallExpression, optionsIndex: number, name: string, library: CorsLibrary | undefined, options: CorsOptionsRead): CorsConfiguration {
  const origin = library?.starWithCredentialsReflects && options.origin === 'any' && options.credentials ? 'reflect' : options.origin;
  return { kind, node, origin, credentials: options.credentials, call, optionsIndex, options, acceptsOriginList: library?.acceptsOriginList ?? true, library: name };
}

function nestConfigurations(facts: FileFacts, exported: ExportedOptions): CorsConfiguration[] {
  const found: CorsConfiguration[] = [];
  const importsNest = facts.sourceFile.getImportDeclarations().some((d) => d.getModuleSpecifierValue().startsWith('@nestjs/'));
  if (!importsNest) return found;
  for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === NEST_CORS.enableMethod) {
      const instance = frameworkInstance(callee.getExpression(), facts);
      if (instance && instance.framework.id !== 'nestjs') continue;
      found.push(configuration('nest', call, call, 0, NEST_CORS.module, undefined, readCorsOptions(call.getArguments()[0], NEST_CORS.defaultOrigin, facts, exported)));
      continue;
    }
    const origin = facts.origin(callee);
    if (origin.kind !== 'module' || origin.module !== NEST_CORS.module || origin.path.join('.') !== NEST_CORS.factory.join('.')) continue;
    const options = call.getArguments()[1];
    const literal = options && unwrapExpression(options);
    if (!literal || !Node.isObjectLiteralExpression(literal)) continue;
    const cors = literal.getProperty(NEST_CORS.createOption);
    if (!cors || !Node.isPropertyAssignment(cors) || !cors.getInitializer()) continue;
    const value = cors.getInitializer()!;
    found.push({ ...configuration('nest', call, call, 1, NEST_CORS.module, undefined, readCorsOptions(value, NEST_CORS.defaultOrigin, facts, exported)), node: cors });
  }
  return found;
}

function headerConfigurations(facts: FileFacts): CorsConfiguration[] {
  const found: CorsConfiguration[] = [];
  const outbound = new Set(outboundHttpCalls(facts).map((outbound) => outbound.call as Node));
  const inOutboundCall = (node: Node): boolean => node.getAncestors().some((ancestor) => outbound.has(ancestor as never));
  const header = (node: Node): CorsConfiguration => ({ kind: 'header', node, origin: 'any', credentials: false, acceptsOriginList: false, library: 'a hand-set header' });
  for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
    const [name, value] = headerSet(call);
    if (name !== ALLOW_ORIGIN_HEADER || !value || inOutboundCall(call)) continue;
    if (stringLiteralValue(value) === '*') found.push(header(call));
    else if (reflectsRequestOrigin(call, value)) found.push({ ...header(call), origin: 'reflect', credentials: setsCredentials(call) });
  }
  for (const property of facts.nodes.ofKind(SyntaxKind.PropertyAssignment)) {
    const name = property.getNameNode();
    const key = Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name) ? name.getLiteralValue() : Node.isIdentifier(name) ? name.getText() : undefined;
    const value = property.getInitializer();
    if (key?.toLowerCase() !== ALLOW_ORIGIN_HEADER || !value || stringLiteralValue(value) !== '*' || inOutboundCall(property)) continue;
    found.push(header(property));
  }
  // next.config.js headers(): { key: 'Access-Control-Allow-Origin', value: '*' }
  for (const literal of facts.nodes.ofKind(SyntaxKind.ObjectLiteralExpression)) {
    const key = literal.getProperty('key');
    const value = literal.getProperty('value');
    if (!key || !value || !Node.isPropertyAssignment(key) || !Node.isPropertyAssignment(value)) continue;
    if (stringLiteralValue(key.getInitializer())?.toLowerCase() !== ALLOW_ORIGIN_HEADER || stringLiteralValue(value.getInitializer()) !== '*') continue;
    found.push(header(literal));
  }
  return found;
}

/** `res.setHeader(name, value)` and the other setters: the lower-case header name and the value. */
function headerSet(call: CallExpression): [string | undefined, Node | undefined] {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !HEADER_SETTERS.includes(callee.getName())) return [undefined, undefined];
  const [name, value] = call.getArguments();
  return [stringLiteralValue(name)?.toLowerCase(), value];
}

/** The header answers with the request's own Origin, whatever it is: no condition around it in its function, none in the value. */
function reflectsRequestOrigin(call: CallExpression, value: Node): boolean {
  if (!REQUEST_ORIGIN_READ.test(value.getText()) || value.getDescendantsOfKind(SyntaxKind.ConditionalExpression).length > 0 || Node.isConditionalExpression(value)) return false;
  for (const ancestor of call.getAncestors()) {
    if (Node.isIfStatement(ancestor) || Node.isConditionalExpression(ancestor) || Node.isSwitchStatement(ancestor)) return false;
    if (Node.isBinaryExpression(ancestor) && ['&&', '||', '??'].includes(ancestor.getOperatorToken().getText())) return false;
    if (isFunctionScope(ancestor)) return true;
  }
  return true;
}

/** The same function also sends `Access-Control-Allow-Credentials: true`. */
function setsCredentials(call: CallExpression): boolean {
  const scope = call.getFirstAncestor(isFunctionScope) ?? call.getSourceFile();
  return scope.getDescendantsOfKind(SyntaxKind.CallExpression).some((other) => {
    const [name, value] = headerSet(other);
    return name === ALLOW_CREDENTIALS_HEADER && (stringLiteralValue(value) === 'true' || value?.getKind() === SyntaxKind.TrueKeyword);
  });
}

/** A comment on the configuration's statement, or just above it, says why any origin is fine there. */
export function isWildcardExplained(node: Node): boolean {
  for (let current: Node | undefined = node; current && !Node.isSourceFile(current); current = current.getParent()) {
    if (current.getLeadingCommentRanges().some((comment) => WILDCARD_EXPLAINED.test(comment.getText()))) return true;
    if (Node.isStatement(current) || Node.isPropertyAssignment(current)) return false;
  }
  return false;
}

/** Inside a branch that runs only in development (`if (process.env.NODE_ENV !== 'production')`, `isDev ? cors() : ...`). */
export function isDevelopmentOnly(node: Node): boolean {
  let child: Node = node;
  for (const ancestor of node.getAncestors()) {
    if (Node.isIfStatement(ancestor) || Node.isConditionalExpression(ancestor)) {
      const condition = Node.isIfStatement(ancestor) ? ancestor.getExpression() : ancestor.getCondition();
      const whenTrue = Node.isIfStatement(ancestor) ? ancestor.getThenStatement() : ancestor.getWhenTrue();
      const whenFalse = Node.isIfStatement(ancestor) ? ancestor.getElseStatement() : ancestor.getWhenFalse();
      const text = condition.getText();
      if (child === whenTrue && DEVELOPMENT_CONDITION.test(text) && !PRODUCTION_CONDITION.test(text.replace(/!==?\s*['"]production['"]/g, ''))) return true;
      if (child === whenFalse && PRODUCTION_CONDITION.test(text) && !/!==?\s*['"]production['"]/.test(text)) return true;
    }
    if (Node.isBinaryExpression(ancestor) && ancestor.getOperatorToken().getText() === '&&' && ancestor.getRight() === child && DEVELOPMENT_CONDITION.test(ancestor.getLeft().getText())) return true;
    child = ancestor;
  }
  return false;
}
