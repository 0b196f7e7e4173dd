import { Node, SyntaxKind, type CallExpression, type ts } from 'ts-morph';
import { FileFacts } from './index';
import { outboundHttpCalls } from './http';
import { databaseCallOf, isDatabaseWrite } from './database';
import { declaredInstanceOrigin } from './declared-types';
import { calleeFunctions, type FunctionLike } from './function-summary';
import { isThenableType } from './promises';
import { unwrapExpression } from './syntax';
import type { Origin } from './origin';
import { NETWORK_CLIENT_MODULES, type NetworkClientModule } from './tables/network-clients';
import { projectGeneration } from '../parse/project';

/** What a round trip reaches: an HTTP upstream, a database (ORM, driver, Redis), or another networked service. */
export type IoKind = 'http' | 'database' | 'network';

/** One call that goes over the network, found in a function's body or in a project function it calls. */
export interface IoCall {
  kind: IoKind;
  /** The call that does the round trip (possibly in another file). */
  call: CallExpression;
  /** How messages name it: `fetch()`, `prisma.user.update()`, `redis.get()`. */
  label: string;
  /** What it reaches, for messages: "the upstream", "the database", "Redis". */
  service: string;
  /** The project function calls that lead from the scanned function to it, outermost first. */
  through: CallExpression[];
  /**
   * A database call on the client an interactive transaction hands its callback
   * (`prisma.$transaction(async (tx) => tx.user.update(...))`, knex `trx`):
   * its queries share the transaction's one connection and queue there, not in the pool.
   */
  inTransaction: boolean;
  /** The networked client's table entry (kind `network` or a database driver of that table). */
  client?: NetworkClientModule;
}

const MAX_DEPTH = 4;
/** Methods that run a callback inside an interactive transaction and hand it the transaction's client. */
const TRANSACTION_METHODS: readonly string[] = ['$transaction', 'transaction'];

interface Memo {
  generation: number;
  io: IoCall | null;
}

const memo = new WeakMap<ts.Node, Memo>();
const inProgress = new Set<ts.Node>();

/**
 * The first network round trip a function makes, in its own body (nested
 * callbacks included: `retry(() => fetch(url))` runs them) or through the
 * project functions it calls, followed across files. Undefined when it only
 * computes, or when what it calls is not known (a package this table does not name).
 */
export function ioCallOf(fn: FunctionLike, depth = 0): IoCall | undefined {
  const key = fn.compilerNode;
  const generation = projectGeneration(fn.getProject());
  const cached = memo.get(key);
  if (cached && cached.generation === generation) return cached.io ?? undefined;
  if (inProgress.has(key) || depth > MAX_DEPTH) return undefined;
  inProgress.add(key);
  try {
    const io = scanBody(fn, depth) ?? null;
    memo.set(key, { generation, io });
    return io ?? undefined;
  } finally {
    inProgress.delete(key);
  }
}

function scanBody(fn: FunctionLike, depth: number): IoCall | undefined {
  const body = fn.getBody();
  if (!body) return undefined;
  const facts = FileFacts.of(fn.getSourceFile());
  const calls = body.getDescendantsOfKind(SyntaxKind.CallExpression);
  if (Node.isCallExpression(body)) calls.unshift(body);
  for (const call of calls) {
    const direct = directIoCall(call, facts);
    if (direct) return direct;
  }
  for (const call of calls) {
    for (const callee of calleeFunctions(call) ?? []) {
      const inner = ioCallOf(callee, depth + 1);
      if (inner) return { ...inner, through: [call, ...inner.through] };
    }
  }
  return undefined;
}

/** A call that is itself a round trip: an outbound HTTP call, a database call, a networked client's method. */
export function directIoCall(call: CallExpression, facts: FileFacts): IoCall | undefined {
  const http = httpCallsOf(facts).get(call);
  if (http) return { kind: 'http', call, label: http, service: 'the upstream', through: [], inTransaction: false };
  if (databaseCallOf(call, facts) || isDatabaseWrite(call, facts)) {
    return { kind: 'database', call, label: labelOf(call), service: 'the database', through: [], inTransaction: isTransactionClientCall(call) };
  }
  const client = networkClientOf(call, facts);
  if (client) return { kind: client.kind, call, label: labelOf(call), service: client.service, through: [], inTransaction: client.kind === 'database' && isTransactionClientCall(call), client };
  return undefined;
}

/** The receiver's root is a parameter of a callback given to a `$transaction(...)`/`transaction(...)` call. */
function isTransactionClientCall(call: CallExpression): boolean {
  let receiver: Node = unwrapExpression(call.getExpression());
  while (Node.isPropertyAccessExpression(receiver) || Node.isCallExpression(receiver)) receiver = unwrapExpression(receiver.getExpression());
  if (!Node.isIdentifier(receiver)) return false;
  const declaration = receiver.getSymbol()?.getValueDeclaration();
  if (!declaration || !Node.isParameterDeclaration(declaration)) return false;
  const callback = declaration.getParent();
  const opener = callback?.getParent();
  if (!opener || !Node.isCallExpression(opener) || !opener.getArguments().includes(callback as Node)) return false;
  const callee = unwrapExpression(opener.getExpression());
  return Node.isPropertyAccessExpression(callee) && TRANSACTION_METHODS.includes(callee.getName());
}

function httpCallsOf(facts: FileFacts): Map<Node, string> {
  return facts.memo('io:http-calls', () => new Map(outboundHttpCalls(facts).map((http) => [http.call as Node, http.label])));
}

/** `redis.get(key)`, `this.s3.send(command)`, `User.findOne(...)` (a mongoose model): a method of a networked client that returns a promise. */
function networkClientOf(call: CallExpression, facts: FileFacts): NetworkClientModule | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const module = rootModule(facts.origin(callee)) ?? declaredInstanceOrigin(callee.getExpression(), facts)?.module ?? declaredDefaultImportModule(callee.getExpression(), facts);
  if (module === undefined) return undefined;
  const client = NETWORK_CLIENT_MODULES.find((entry) => (entry.prefix ? module.startsWith(entry.module) : module === entry.module));
  return client && returnsPromise(call) ? client : undefined;
}

/**
 * `constructor(private readonly redis: Redis)` where `Redis` is a package's
 * default export: the package (declared-types names classes, and a default
 * export has no name of its own there).
 */
function declaredDefaultImportModule(expression: Node, facts: FileFacts): string | undefined {
  const node = unwrapExpression(expression);
  if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node)) return undefined;
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (!declaration || !(Node.isPropertyDeclaration(declaration) || Node.isParameterDeclaration(declaration) || Node.isVariableDeclaration(declaration))) return undefined;
  const typeNode = declaration.getTypeNode();
  if (!typeNode || !Node.isTypeReference(typeNode)) return undefined;
  const origin = facts.forFile(declaration.getSourceFile()).origin(typeNode.getTypeName());
  return origin.kind === 'module' && origin.path.length === 0 ? origin.module : undefined;
}

/** The package a value comes from, through the calls that made it: `new Redis().get` → `ioredis`. */
function rootModule(origin: Origin): string | undefined {
  let current: Origin = origin;
  for (let i = 0; i < 8; i += 1) {
    if (current.kind === 'module') return current.path.length > 0 || i > 0 ? current.module : undefined;
    if (current.kind !== 'call') return undefined;
    current = current.callee;
  }
  return undefined;
}

/** Typed as a promise, or untyped and awaited / returned: a synchronous helper of a client's package is not a round trip. */
function returnsPromise(call: CallExpression): boolean {
  const type = call.getType();
  if (!type.isAny() && !type.isUnknown()) return isThenableType(type, call);
  const parent = call.getParent();
  return Node.isAwaitExpression(parent) || Node.isReturnStatement(parent) || Node.isArrowFunction(parent);
}

function labelOf(call: CallExpression): string {
  return `${call.getExpression().getText().replace(/\s+/g, '')}()`;
}
