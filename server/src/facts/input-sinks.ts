import { Node, type CallExpression, type NewExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { databaseLibraryOfValue, databaseOperationOf } from './database-operations';
import { requestObjectKind } from './request-input-flow';
import { isFunctionLike } from './function-summary';
import { outboundHttpCalls } from './http';
import { ownPackageDependsOn } from './packages';
import { chainOf, unwrapExpression } from './syntax';
import {
  FILE_PATH_FUNCTIONS,
  FILE_RESPONSE_METHODS,
  FILE_RESPONSE_ROOT_OPTION,
  RECORD_BUILDERS,
  MONGO_FILTER_METHODS,
  MONGO_LIBRARIES,
  MONGO_SANITIZE_OPTION,
  MONGO_SANITIZING_PACKAGES,
  SHELL_FUNCTIONS,
  WRITE_DATA_OPTIONS,
  type SinkKind,
} from './tables/request-input-flow';

/**
 * A place request input must not reach unchecked, and the expressions of the
 * call that go there: the fields of a database write, a MongoDB filter, a
 * file path, a command line, an outbound request's URL.
 */
export interface InputSink {
  kind: Exclude<SinkKind, 'sql'>;
  call: CallExpression | NewExpression;
  /** The expressions that reach the sink: the write's data, the filter, the path, the command, the URL. */
  targets: Node[];
  /** For messages: "`prisma.user.create()`", "`fs.readFile()`". */
  label: string;
}

export function inputSinksOf(call: CallExpression, facts: FileFacts): InputSink[] {
  const sinks: InputSink[] = [];
  const file = fileSink(call, facts);
  if (file) sinks.push(file);
  const shell = shellSink(call, facts);
  if (shell) sinks.push(shell);
  const url = urlSink(call, facts);
  if (url) sinks.push(url);
  sinks.push(...databaseSinks(call, facts));
  const built = recordBuilderSink(call, facts);
  if (built) sinks.push(built);
  const response = fileResponseSink(call, facts);
  if (response) sinks.push(response);
  return sinks;
}

/** `new User(req.body)` of a Mongoose model: the document is built from whatever the object holds. */
export function constructedRecordSink(construct: NewExpression, facts: FileFacts): InputSink | undefined {
  const [first] = construct.getArguments();
  if (!first) return undefined;
  const library = databaseLibraryOfValue(construct.getExpression(), facts);
  if (!library || !RECORD_BUILDERS.some((builder) => builder.construct && builder.library === library.id)) return undefined;
  return { kind: 'mass-assignment', call: construct, targets: [first], label: `\`new ${calleeText(construct)}()\`` };
}

/** TypeORM `repo.create(dto)`/`merge`, Sequelize `Model.build(body)`: a record built from an object, to be saved. */
function recordBuilderSink(call: CallExpression, facts: FileFacts): InputSink | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.getName();
  if (!RECORD_BUILDERS.some((builder) => builder.methods.includes(method))) return undefined;
  const library = databaseLibraryOfValue(callee.getExpression(), facts);
  if (!library || !RECORD_BUILDERS.some((builder) => builder.library === library.id && builder.methods.includes(method))) return undefined;
  return { kind: 'mass-assignment', call, targets: [...call.getArguments()], label: `\`${calleeText(call)}()\`` };
}

/** `res.sendFile(path)` / `res.download(path)` on a handler's response, without a `root` option. */
function fileResponseSink(call: CallExpression, facts: FileFacts): InputSink | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || !FILE_RESPONSE_METHODS.includes(callee.getName())) return undefined;
  const [path, options] = call.getArguments();
  if (!path || !isHandlerResponse(callee.getExpression(), facts)) return undefined;
  const literal = options && unwrapExpression(options);
  if (literal && Node.isObjectLiteralExpression(literal) && literal.getProperty(FILE_RESPONSE_ROOT_OPTION)) return undefined;
  return { kind: 'file-path', call, targets: [path], label: `\`${calleeText(call)}()\`` };
}

/** The second parameter of a function whose first is a request (`(req, res) => ...`). */
function isHandlerResponse(receiver: Node, facts: FileFacts): boolean {
  const node = unwrapExpression(receiver);
  if (!Node.isIdentifier(node)) return false;
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (!declaration || !Node.isParameterDeclaration(declaration)) return false;
  const fn = declaration.getParent();
  if (!isFunctionLike(fn) || !('getParameters' in fn)) return false;
  const [first, second] = (fn as unknown as { getParameters(): Node[] }).getParameters();
  const firstName = first && Node.isParameterDeclaration(first) ? first.getNameNode() : undefined;
  return second === declaration && firstName !== undefined && requestObjectKind(firstName, facts) === 'request';
}

function calleeText(call: CallExpression | NewExpression): string {
  const text = call.getExpression().getText().replace(/\s+/g, '');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function fileSink(call: CallExpression, facts: FileFacts): InputSink | undefined {
  const origin = facts.origin(call.getExpression());
  if (origin.kind !== 'module') return undefined;
  const [module, path] = origin.module === 'fs' && origin.path[0] === 'promises' ? ['fs/promises', origin.path.slice(1)] : [origin.module, origin.path];
  if (path.length !== 1) return undefined;
  const name = path[0]!.replace(/Sync$/, '');
  const entry = FILE_PATH_FUNCTIONS.find((candidate) => candidate.modules.includes(module) && candidate.names.includes(name));
  if (!entry) return undefined;
  const targets = entry.pathArguments.map((index) => call.getArguments()[index]).filter((argument): argument is Node => argument !== undefined);
  return { kind: 'file-path', call, targets, label: `\`${calleeText(call)}()\`` };
}

function shellSink(call: CallExpression, facts: FileFacts): InputSink | undefined {
  const origin = facts.origin(call.getExpression());
  if (origin.kind !== 'module' || origin.path.length > 1) return undefined;
  const name = origin.path[0] ?? '';
  const entry = SHELL_FUNCTIONS.find((candidate) => candidate.module === origin.module && candidate.names.includes(name));
  const command = entry ? call.getArguments()[entry.commandArgument] : undefined;
  return command ? { kind: 'shell', call, targets: [command], label: `\`${calleeText(call)}()\`` } : undefined;
}

function urlSink(call: CallExpression, facts: FileFacts): InputSink | undefined {
  const byCall = facts.memo('input-sinks:outbound-by-call', () => new Map(outboundHttpCalls(facts).map((outbound) => [outbound.call as Node, outbound])));
  const outbound = byCall.get(call);
  return outbound?.url ? { kind: 'outbound-url', call, targets: [outbound.url], label: `\`${outbound.label}\`` } : undefined;
}

/** A database write's fields (mass assignment) and a MongoDB filter. */
function databaseSinks(call: CallExpression, facts: FileFacts): InputSink[] {
  const operation = databaseOperationOf(call, facts);
  if (!operation) return [];
  const sinks: InputSink[] = [];
  const label = `\`${calleeText(operation.call)}()\``;
  if (operation.kind !== 'read' && operation.kind !== 'list-read') {
    const targets = writtenData(operation.call);
    if (targets.length > 0) sinks.push({ kind: 'mass-assignment', call, targets, label });
  }
  if (MONGO_LIBRARIES.includes(operation.library.id) && !sanitizesMongoInput(facts)) {
    const index = MONGO_FILTER_METHODS[operation.method];
    const filter = index === undefined ? undefined : operation.call.getArguments()[index];
    if (filter) sinks.push({ kind: 'mongo-filter', call, targets: [filter], label });
  }
  return sinks;
}

/**
 * What a write stores: its arguments, and the data options in them (Prisma
 * `data`/`create`/`update`, a Mongo `$set`); for a query-builder chain the
 * arguments of its write calls (`knex('users').insert(req.body)`).
 */
function writtenData(call: CallExpression): Node[] {
  const calls = chainOf(call);
  const args = calls.length > 1 ? calls.slice(0, -1).flatMap((link) => link.getArguments()) : call.getArguments();
  const targets: Node[] = [];
  for (const argument of args) {
    const value = unwrapExpression(argument);
    if (Node.isArrowFunction(value) || Node.isFunctionExpression(value)) continue;
    targets.push(argument);
    if (!Node.isObjectLiteralExpression(value)) continue;
    for (const option of WRITE_DATA_OPTIONS) {
      const property = value.getProperty(option);
      if (Node.isPropertyAssignment(property)) targets.push(property.getInitializerOrThrow());
      else if (Node.isShorthandPropertyAssignment(property)) targets.push(property.getNameNode());
    }
  }
  return targets;
}

/** express-mongo-sanitize (or mongo-sanitize) in the package, or Mongoose's `sanitizeFilter` in the file: filters take no operators from input. */
function sanitizesMongoInput(facts: FileFacts): boolean {
  return facts.memo('input-sinks:mongo-sanitized', () => {
    if (facts.sourceFile.getFullText().includes(MONGO_SANITIZE_OPTION)) return true;
    return MONGO_SANITIZING_PACKAGES.some((name) => ownPackageDependsOn(facts.sourceFile, name));
  });
}

const LOGICAL_OPERATORS = /^['"]?\$(or|and|nor)['"]?$/;

/** Object literals of a Mongo filter, with their values: `{ email: req.body.email, $or: [{ a: x }] }`. */
export function filterValues(filter: Node): Node[] {
  const node = unwrapExpression(filter);
  if (!Node.isObjectLiteralExpression(node)) return [filter];
  const values: Node[] = [];
  for (const property of node.getProperties()) {
    // The operand of an operator (`{ $eq: x }`, `{ $in: xs }`) is compared as it is: an object there is no operator.
    if (Node.isPropertyAssignment(property) && /^['"]?\$/.test(property.getName()) && !LOGICAL_OPERATORS.test(property.getName())) continue;
    if (Node.isPropertyAssignment(property)) {
      const value = unwrapExpression(property.getInitializerOrThrow());
      if (Node.isObjectLiteralExpression(value)) values.push(...filterValues(value));
      else if (Node.isArrayLiteralExpression(value)) values.push(...value.getElements().flatMap(filterValues));
      else values.push(value);
    } else if (Node.isShorthandPropertyAssignment(property)) values.push(property.getNameNode());
    else if (Node.isSpreadAssignment(property)) values.push(property.getExpression());
  }
  return values;
}

