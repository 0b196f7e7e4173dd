import { Node, SyntaxKind, type CallExpression, type Decorator } from 'ts-morph';
import type { FileFacts } from './index';
import { databaseCallOf, lastName } from './database';
import { declaredInstanceOrigin } from './declared-types';
import { isRelativeModule } from './imports';
import { normaliseModuleName, requiredModule } from './origin';
import { chainOf, isFunctionScope, unwrapExpression } from './syntax';
import { DATABASE_LIBRARIES, SQL_STATEMENTS, type DatabaseLibrary, type DatabaseOperationKind } from './tables/databases';

/**
 * What a call does to a database, read from the libraries' table (tables/databases.ts):
 *
 * ```ts
 * databaseOperationOf(call, facts) // → { library, client, kind, method, target?, keys?, call }
 * ```
 *
 * - `library`: the table entry (Prisma, TypeORM, Sequelize, Knex, Mongoose, MongoDB, pg, mysql2, Drizzle, MikroORM);
 * - `client`: which connection the operation goes through, as a key that is equal for two operations
 *   of one function exactly when they share it: `prisma:default`, `typeorm:default` (every repository
 *   of the default data source), `typeorm:analytics` (`@InjectRepository(User, 'analytics')`),
 *   `mongoose:default`, `mongoose:conn` (models of `conn = mongoose.createConnection()`),
 *   `knex:db` (`const db = knex(config)`), `pg:pool` (the pool and the clients it hands out);
 * - `kind`: `read` (one row), `list-read`, `write`, `upsert` (insert or update by a key: Prisma/TypeORM/
 *   Sequelize `upsert`, Mongoose `{ upsert: true }`, Knex `.onConflict().merge()`, SQL `ON CONFLICT DO UPDATE`)
 *   or `insert-ignore` (a repeat is a no-op: `createMany({ skipDuplicates: true })`, `bulkCreate(rows,
 *   { ignoreDuplicates: true })`, `.onConflict().ignore()`, `.onConflictDoNothing()`, `.orIgnore()`,
 *   `INSERT IGNORE`, `ON CONFLICT DO NOTHING`);
 * - `target`: the model, entity, collection or table written or read, when the code names it;
 * - `keys`: for an upsert or insert-ignore, the fields it is keyed on when the code shows them
 *   (Prisma `where`, a Mongo filter, `onConflict('event_id')`, TypeORM `conflictPaths`, `ON CONFLICT (id)`):
 *   "an upsert keyed on the event id" is deduplication (non-idempotent-handler).
 *
 * Handles are recognised through imports, declared types and the calls that made them (`new PrismaClient()`,
 * `dataSource.getRepository(User)`, `getRepository(User)`, `@InjectRepository(User) repo: Repository<User>`,
 * `knex(config)`, `mongoose.model('User', schema)`, `class User extends Model`, `new Pool()`,
 * `mysql.createPool()`, `drizzle(pool)`, `orm.em`), followed into the project file that exports them.
 * By name only where the Prisma entry of facts/database.ts already does (`this.prisma` of an unresolved service).
 * Query-builder chains (`knex('users').where(...).update(...)`, `db.insert(users).values(...)`) are one
 * operation, answered for the chain's last call only.
 */
export interface DatabaseOperation {
  library: DatabaseLibrary;
  client: string;
  kind: DatabaseOperationKind;
  method: string;
  target?: string;
  keys?: string[];
  call: CallExpression;
}

/** A value that belongs to a database library: a client, pool, repository, model, entity manager, collection, query or document. */
interface Handle {
  library: DatabaseLibrary;
  /** The connection's name when the code shows one (an instance's variable, a named connection). */
  connection?: string;
  /** The entity, model or table the handle is bound to (`getRepository(User)`, `mongoose.model('User')`). */
  target?: string;
}

const MAX_DEPTH = 8;

export function databaseOperationOf(call: CallExpression, facts: FileFacts): DatabaseOperation | undefined {
  return facts.memo(`database-operation:${call.getStart()}:${call.getEnd()}`, () => computeOperation(call, facts));
}

function computeOperation(call: CallExpression, facts: FileFacts): DatabaseOperation | undefined {
  const prisma = prismaOperation(call, facts);
  if (prisma) return prisma;
  const callee = unwrapExpression(call.getExpression());
  const method = Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
  const chainRoot = chainRootOf(call, facts);
  const chained = chainRoot && chainOperation(call, chainRoot);
  if (chained) return chained;
  if (!method || !Node.isPropertyAccessExpression(callee)) return undefined;
  const handle = handleOf(callee.getExpression(), facts, 0);
  // Prisma's model calls are prismaOperation's: what it did not recognise is no operation.
  if (!handle || handle.library.modelClient !== undefined) return undefined;
  const { library } = handle;
  if (library.sqlMethods?.includes(method)) return sqlOperation(call, handle, method);
  const kind = methodKind(library, method, call);
  if (!kind) return undefined;
  return { library, client: clientKey(handle), kind, method, target: handle.target ?? entityArgument(call), keys: keysOf(kind, call), call };
}

/** `manager.save(User, ...)`, `em.nativeUpdate(Order, ...)`: an entity manager's first argument names the entity. */
function entityArgument(call: CallExpression): string | undefined {
  const first = call.getArguments()[0];
  const value = first && unwrapExpression(first);
  if (!value || !Node.isIdentifier(value) || !/^[A-Z]/.test(value.getText())) return undefined;
  const declaration = value.getSymbol()?.getDeclarations()[0];
  return declaration && (Node.isClassDeclaration(declaration) || Node.isImportSpecifier(declaration)) ? value.getText() : undefined;
}

// ---------------------------------------------------------------------------
// Prisma: `client.<model>.<method>(...)` (facts/database.ts) and raw statements

function prismaOperation(call: CallExpression, facts: FileFacts): DatabaseOperation | undefined {
  const library = libraryById('prisma');
  const model = databaseCallOf(call, facts);
  if (model) {
    const kind = methodKind(library, model.method, call);
    return kind ? { library, client: 'prisma:default', kind, method: model.method, target: model.model, keys: keysOf(kind, call), call } : undefined;
  }
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || !callee.getName().startsWith('$')) return undefined;
  const method = callee.getName();
  if (!library.writeMethods.includes(method) && !library.listReadMethods.includes(method)) return undefined;
  if (!isPrismaClient(callee.getExpression(), facts)) return undefined;
  return { library, client: 'prisma:default', kind: library.writeMethods.includes(method) ? 'write' : 'list-read', method, call };
}

/** A Prisma client expression: its declared type or `new`, else (as facts/database.ts does) its conventional name. */
export function isPrismaClient(expression: Node, facts: FileFacts): boolean {
  const instance = declaredInstanceOrigin(expression, facts);
  if (instance) return instance.module === '@prisma/client' || /(^|[/@])prisma(\/|$)/.test(instance.module);
  const name = lastName(expression);
  return name !== undefined && /prisma|^tx$|^db$|^client$|replica/i.test(name);
}

/** A tagged `$executeRaw\`...\`` is a call too: `prisma.$executeRaw` is its tag. */
export function libraryById(id: string): DatabaseLibrary {
  const library = DATABASE_LIBRARIES.find((entry) => entry.id === id);
  if (!library) throw new Error(`no database library ${id}`);
  return library;
}

// ---------------------------------------------------------------------------
// Handles: which library a value belongs to, and through which connection

function libraryOfModule(module: string): DatabaseLibrary | undefined {
  return DATABASE_LIBRARIES.find((library) => library.modules.includes(module) || (library.modulePrefix !== undefined && module.startsWith(library.modulePrefix)));
}

/** The database library a value belongs to (a client, pool, repository, query builder), when the code shows it: for raw SQL APIs of any handle. */
export function databaseLibraryOfValue(expression: Node, facts: FileFacts): DatabaseLibrary | undefined {
  return handleOf(expression, facts, 0)?.library;
}

function handleOf(expression: Node, facts: FileFacts, depth: number): Handle | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrapExpression(expression);
  if (Node.isAwaitExpression(node)) return handleOf(node.getExpression(), facts, depth + 1);
  // `require('knex')` of `const db = require('knex')({ client: 'pg' })`: the library itself.
  const required = requiredModule(node);
  if (required !== undefined) {
    const library = libraryOfModule(normaliseModuleName(required));
    return library ? { library } : undefined;
  }
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) return callResultHandle(node, facts, depth);
  if (Node.isElementAccessExpression(node)) return handleOf(node.getExpression(), facts, depth + 1);
  if (Node.isPropertyAccessExpression(node)) {
    if (node.getExpression().getKind() === SyntaxKind.ThisKeyword) return declaredHandle(node, facts, depth);
    return handleOf(node.getExpression(), facts, depth + 1) ?? declaredHandle(node, facts, depth);
  }
  if (Node.isIdentifier(node)) return identifierHandle(node, facts, depth);
  return undefined;
}

/** `knex(config)`, `new Pool()`, `dataSource.getRepository(User)`, `mongoose.model('User', schema)`: the result of a call on a handle or a library export. */
function callResultHandle(node: Node & { getExpression(): Node; getArguments(): Node[] }, facts: FileFacts, depth: number): Handle | undefined {
  const callee = unwrapExpression(node.getExpression());
  const handle = handleOf(callee, facts, depth + 1);
  if (!handle) return undefined;
  const method = Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
  const target = targetFromArguments(method, node.getArguments()) ?? handle.target;
  return { ...handle, target };
}

/** `getRepository(User)`, `mongoose.model('User', schema)`, `sequelize.define('user', ...)`, `knex('users')`: what the handle is bound to. */
function targetFromArguments(method: string | undefined, args: Node[]): string | undefined {
  if (method !== undefined && !['getRepository', 'model', 'define', 'collection', 'getCustomRepository', 'getMongoRepository', 'table', 'from', 'into'].includes(method)) return undefined;
  const first = args[0];
  if (!first) return undefined;
  const value = unwrapExpression(first);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return value.getLiteralValue();
  if (Node.isIdentifier(value)) return value.getText();
  return undefined;
}

function identifierHandle(node: Node, facts: FileFacts, depth: number): Handle | undefined {
  const origin = facts.origin(node);
  if (origin.kind === 'module' && !isRelativeModule(origin.module)) {
    const library = libraryOfModule(origin.module);
    if (library) return { library };
  }
  const declared = declaredHandle(node, facts, depth);
  if (declared) return declared;
  const symbol = node.getSymbol();
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  for (const declaration of resolved?.getDeclarations() ?? []) {
    const handle = declarationHandle(declaration, facts.forFile(declaration.getSourceFile()), depth);
    if (handle) return handle;
  }
  return undefined;
}

/** What a declaration holds: a variable's initializer, a default export, a class that extends a library's model. */
function declarationHandle(declaration: Node, facts: FileFacts, depth: number): Handle | undefined {
  if (declaration.getSourceFile().isDeclarationFile()) return undefined;
  if (Node.isVariableDeclaration(declaration) || Node.isPropertyDeclaration(declaration)) {
    const initializer = declaration.getInitializer();
    const handle = initializer ? handleOf(initializer, facts, depth + 1) : undefined;
    if (!handle) return undefined;
    return handle.connection === undefined && createsConnection(handle, initializer) ? { ...handle, connection: declaration.getName() } : handle;
  }
  if (Node.isExportAssignment(declaration)) return handleOf(declaration.getExpression(), facts, depth + 1);
  if (Node.isClassDeclaration(declaration)) {
    const base = declaration.getExtends()?.getExpression();
    const handle = base ? handleOf(base, facts, depth + 1) : undefined;
    return handle && { ...handle, target: declaration.getName() };
  }
  return undefined;
}

/** `new Pool()`, `knex(config)`, `drizzle(pool)`, `mongoose.createConnection(uri)`: a call that opens a connection of its own. */
function createsConnection(handle: Handle, initializer: Node | undefined): boolean {
  let node = initializer && unwrapExpression(initializer);
  if (node && Node.isAwaitExpression(node)) node = unwrapExpression(node.getExpression());
  if (!node || !(Node.isCallExpression(node) || Node.isNewExpression(node))) return false;
  const callee = unwrapExpression(node.getExpression());
  const method = Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
  if (method !== undefined && handle.library.namedConnections?.factories?.includes(method)) return true;
  if (handle.library.connection !== 'instance') return false;
  // Only a call on the library itself (`knex(...)`, `new pg.Pool()`), not `db('users')` or `pool.connect()`.
  const inner = Node.isPropertyAccessExpression(callee) ? unwrapExpression(callee.getExpression()) : callee;
  return Node.isIdentifier(inner) && inner.getSymbol() !== undefined && isLibraryExport(inner);
}

function isLibraryExport(identifier: Node): boolean {
  const symbol = identifier.getSymbol();
  const declarations = symbol?.getDeclarations() ?? [];
  return declarations.some((d) => Node.isImportSpecifier(d) || Node.isImportClause(d) || Node.isNamespaceImport(d) || Node.isImportEqualsDeclaration(d) || isRequireDeclaration(d));
}

function isRequireDeclaration(declaration: Node): boolean {
  if (Node.isBindingElement(declaration)) return isRequireDeclaration(declaration.getFirstAncestorByKind(SyntaxKind.VariableDeclaration) ?? declaration.getParentOrThrow());
  if (!Node.isVariableDeclaration(declaration)) return false;
  const initializer = declaration.getInitializer();
  const inner = initializer && unwrapExpression(initializer);
  const call = inner && Node.isPropertyAccessExpression(inner) ? unwrapExpression(inner.getExpression()) : inner;
  return call !== undefined && Node.isCallExpression(call) && call.getExpression().getText() === 'require';
}

/** A property or parameter declared with a library's class (`private repo: Repository<User>`, `pool: Pool`), with its injection decorator's connection name. */
function declaredHandle(node: Node, facts: FileFacts, depth: number): Handle | undefined {
  const instance = declaredInstanceOrigin(node, facts, Math.min(depth, 4));
  if (instance) {
    const library = libraryOfModule(instance.module);
    if (!library) return undefined;
    const declaration = declarationOf(node);
    const connection = injectedConnection(declaration, library) ?? (library.connection === 'instance' ? nameOfDeclaration(declaration) : undefined);
    return { library, connection, target: typeArgumentOf(declaration) ?? injectedTarget(declaration) };
  }
  // An untyped `this.repo = dataSource.getRepository(User)` in the constructor, or a class property initialised with one.
  if (Node.isPropertyAccessExpression(node) && node.getExpression().getKind() === SyntaxKind.ThisKeyword) {
    const assigned = constructorAssignment(node);
    if (assigned) return handleOf(assigned, facts, depth + 1);
  }
  return undefined;
}

function declarationOf(node: Node): Node | undefined {
  const declaration = node.getSymbol()?.getValueDeclaration();
  if (declaration) return declaration;
  if (!Node.isPropertyAccessExpression(node)) return undefined;
  const cls = node.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
  if (!cls || !(Node.isClassDeclaration(cls) || Node.isClassExpression(cls))) return undefined;
  return cls.getProperty(node.getName()) ?? cls.getConstructors().flatMap((c) => c.getParameters()).find((p) => p.getName() === node.getName());
}

function nameOfDeclaration(declaration: Node | undefined): string | undefined {
  if (declaration && (Node.isParameterDeclaration(declaration) || Node.isPropertyDeclaration(declaration) || Node.isVariableDeclaration(declaration))) return declaration.getName();
  return undefined;
}

function decoratorsOf(declaration: Node | undefined): Decorator[] {
  if (declaration && (Node.isParameterDeclaration(declaration) || Node.isPropertyDeclaration(declaration))) return declaration.getDecorators();
  return [];
}

/** `@InjectRepository(User, 'analytics')`: the named connection. */
function injectedConnection(declaration: Node | undefined, library: DatabaseLibrary): string | undefined {
  for (const decorator of decoratorsOf(declaration)) {
    if (!library.namedConnections?.injectDecorators?.includes(decorator.getName())) continue;
    const name = decorator.getArguments().find((arg) => Node.isStringLiteral(arg));
    if (name && Node.isStringLiteral(name)) return name.getLiteralValue();
  }
  return undefined;
}

/** `@InjectRepository(User)`, `@InjectModel(User.name)`: the entity. */
function injectedTarget(declaration: Node | undefined): string | undefined {
  for (const decorator of decoratorsOf(declaration)) {
    if (!/^Inject(Repository|Model)$/.test(decorator.getName())) continue;
    const first = decorator.getArguments()[0];
    if (first) return first.getText().replace(/\.name$/, '');
  }
  return undefined;
}

/** `Repository<User>`, `Model<UserDocument>`: the entity of a declared handle. */
function typeArgumentOf(declaration: Node | undefined): string | undefined {
  if (!declaration || !(Node.isParameterDeclaration(declaration) || Node.isPropertyDeclaration(declaration) || Node.isVariableDeclaration(declaration))) return undefined;
  const typeNode = declaration.getTypeNode();
  if (!typeNode || !Node.isTypeReference(typeNode)) return undefined;
  const [argument] = typeNode.getTypeArguments();
  return argument ? argument.getText().replace(/Document$|Doc$/, '') : undefined;
}

function constructorAssignment(node: Node): Node | undefined {
  if (!Node.isPropertyAccessExpression(node)) return undefined;
  const cls = node.getFirstAncestor((a) => Node.isClassDeclaration(a));
  if (!cls || !Node.isClassDeclaration(cls)) return undefined;
  const name = node.getName();
  for (const ctor of cls.getConstructors()) {
    for (const assignment of ctor.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      if (assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
      const left = assignment.getLeft();
      if (Node.isPropertyAccessExpression(left) && left.getExpression().getKind() === SyntaxKind.ThisKeyword && left.getName() === name) return assignment.getRight();
    }
  }
  return undefined;
}

function clientKey(handle: Handle): string {
  return `${handle.library.id}:${handle.connection ?? 'default'}`;
}

// ---------------------------------------------------------------------------
// Methods, options, chains and SQL

function methodKind(library: DatabaseLibrary, method: string, call: CallExpression): DatabaseOperationKind | undefined {
  if (library.upsertMethods?.includes(method)) return 'upsert';
  if (library.writeMethods.includes(method)) {
    if (hasTrueOption(call, library.insertIgnoreOptions)) return 'insert-ignore';
    if (hasTrueOption(call, library.upsertOptions)) return 'upsert';
    return 'write';
  }
  if (library.listReadMethods.includes(method)) return 'list-read';
  if (library.readMethods.includes(method)) return 'read';
  return undefined;
}

/** An object-literal argument with one of `options` set to anything but `false` (`{ skipDuplicates: true }`, `{ upsert: true }`). */
function hasTrueOption(call: CallExpression, options: readonly string[] | undefined): boolean {
  if (!options || options.length === 0) return false;
  return call.getArguments().some((arg) => {
    const value = unwrapExpression(arg);
    if (!Node.isObjectLiteralExpression(value)) return false;
    return value.getProperties().some((property) => {
      if (Node.isShorthandPropertyAssignment(property)) return options.includes(property.getName());
      if (!Node.isPropertyAssignment(property) || !options.includes(property.getName())) return false;
      return property.getInitializer()?.getKind() !== SyntaxKind.FalseKeyword;
    });
  });
}

/** The fields an upsert or insert-ignore is keyed on, when the call shows them. */
function keysOf(kind: DatabaseOperationKind, call: CallExpression): string[] | undefined {
  if (kind !== 'upsert' && kind !== 'insert-ignore') return undefined;
  const args = call.getArguments().map((arg) => unwrapExpression(arg));
  const [first, second] = args;
  // Prisma `upsert({ where: { eventId } })`, Mongo `updateOne({ eventId }, update, { upsert: true })`.
  if (first && Node.isObjectLiteralExpression(first)) {
    const where = first.getProperty('where');
    const filter = where && Node.isPropertyAssignment(where) ? unwrapExpression(where.getInitializerOrThrow()) : first;
    if (Node.isObjectLiteralExpression(filter) && (where || kind === 'upsert')) {
      const keys = propertyNames(filter).filter((name) => !['data', 'create', 'update', 'skipDuplicates'].includes(name));
      if (keys.length > 0) return keys;
    }
  }
  // TypeORM `upsert(entity, ['eventId'])` or `{ conflictPaths: ['eventId'] }`.
  if (second) {
    const paths = Node.isObjectLiteralExpression(second) ? second.getProperty('conflictPaths') : undefined;
    const list = paths && Node.isPropertyAssignment(paths) ? unwrapExpression(paths.getInitializerOrThrow()) : second;
    const strings = stringsOf(list);
    if (strings.length > 0) return strings;
  }
  return undefined;
}

function propertyNames(object: Node): string[] {
  if (!Node.isObjectLiteralExpression(object)) return [];
  return object.getProperties().flatMap((property) => (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property) ? [property.getName()] : []));
}

function stringsOf(node: Node): string[] {
  const value = unwrapExpression(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return [value.getLiteralValue()];
  if (Node.isArrayLiteralExpression(value)) return value.getElements().flatMap((element) => stringsOf(element));
  if (Node.isPropertyAccessExpression(value)) return [value.getName()];
  return [];
}

/** The method's name, or the function's for a plain call: `transaction` of `transaction([...])`. */
function calleeNameOf(call: CallExpression): string | undefined {
  const callee = unwrapExpression(call.getExpression());
  return Node.isIdentifier(callee) ? callee.getText() : methodNameOf(call);
}

function methodNameOf(call: CallExpression): string | undefined {
  const callee = unwrapExpression(call.getExpression());
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

/** The last call of a chain whose library builds queries (Knex, Drizzle, a TypeORM query builder): its handle. */
function chainRootOf(call: CallExpression, facts: FileFacts): Handle | undefined {
  // Only the chain's last call stands for the chain.
  if (callsOnResult(call).length > 0) return undefined;
  const calls = chainOf(call);
  const innermost = calls[calls.length - 1]!;
  // `db('users')`, `this.knex('users')`, `db.insert(users)`: the innermost callee is the handle or a method of it.
  const handle = handleOf(innermost.getExpression(), facts, 0);
  if (!handle?.library.chain) return undefined;
  if (handle.library.id === 'typeorm' && !calls.some((c) => methodNameOf(c) === 'createQueryBuilder')) return undefined;
  const names = calls.map(methodNameOf);
  if (handle.library.sqlMethods?.some((method) => names.includes(method)) && !names.some((name) => name && handle.library.chain!.writes.includes(name))) return undefined;
  return { ...handle, target: handle.target ?? chainTarget(calls, handle.library) };
}

function chainTarget(calls: CallExpression[], library: DatabaseLibrary): string | undefined {
  for (const call of [...calls].reverse()) {
    const method = methodNameOf(call);
    const isRootCall = method === undefined;
    const takesTarget = isRootCall || (library.chain?.writes.includes(method) ?? false) || method === 'from' || method === 'into' || method === 'table';
    if (!takesTarget) continue;
    const first = call.getArguments()[0];
    const value = first && unwrapExpression(first);
    if (value && (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value))) return value.getLiteralValue();
    if (value && Node.isIdentifier(value)) return value.getText();
  }
  return undefined;
}

function chainOperation(call: CallExpression, handle: Handle): DatabaseOperation | undefined {
  const chain = handle.library.chain!;
  const calls = chainOf(call);
  const names = calls.map(methodNameOf).filter((name): name is string => name !== undefined);
  const method = names.find((name) => chain.writes.includes(name));
  const client = clientKey(handle);
  if (method) {
    const kind: DatabaseOperationKind = names.some((name) => chain.insertIgnores.includes(name))
      ? 'insert-ignore'
      : names.some((name) => chain.upserts.includes(name))
        ? 'upsert'
        : 'write';
    const conflict = calls.find((c) => /^(onConflict|orUpdate|orIgnore|onConflictDoNothing|onConflictDoUpdate)$/.test(methodNameOf(c) ?? ''));
    const keys = conflict ? conflict.getArguments().flatMap((arg) => (Node.isObjectLiteralExpression(arg) ? conflictTargetOf(arg) : stringsOf(arg))) : undefined;
    return { library: handle.library, client, kind, method, target: handle.target, keys: kind === 'write' || keys?.length === 0 ? undefined : keys, call };
  }
  const sql = handle.library.sqlMethods?.find((name) => names.includes(name));
  if (sql) {
    const sqlCall = calls.find((c) => methodNameOf(c) === sql)!;
    const operation = sqlOperation(sqlCall, handle, sql);
    return operation && { ...operation, call };
  }
  const read = names.find((name) => chain.reads.includes(name));
  if (read) return { library: handle.library, client, kind: 'read', method: read, target: handle.target, call };
  const list = names.find((name) => chain.listReads.includes(name));
  if (list) return { library: handle.library, client, kind: 'list-read', method: list, target: handle.target, call };
  return undefined;
}

/** Drizzle `onConflictDoNothing({ target: users.email })`. */
function conflictTargetOf(options: Node): string[] {
  if (!Node.isObjectLiteralExpression(options)) return [];
  const target = options.getProperty('target');
  return target && Node.isPropertyAssignment(target) ? stringsOf(target.getInitializerOrThrow()) : [];
}

/** A statement passed as text: `pool.query('INSERT ...', values)`, `conn.execute(sql)`, `knex.raw(...)`, `dataSource.query(...)`. */
function sqlOperation(call: CallExpression, handle: Handle, method: string): DatabaseOperation | undefined {
  const text = sqlTextOf(call);
  if (text === undefined) return undefined;
  const kind = sqlKind(text);
  if (!kind) return undefined;
  const keys = kind === 'upsert' || kind === 'insert-ignore' ? SQL_STATEMENTS.conflictTarget.exec(text)?.[1]?.split(',').map((key) => key.trim().replace(/"/g, '')) : undefined;
  return { library: handle.library, client: clientKey(handle), kind, method, target: sqlTable(text), keys, call };
}

/** The start of the SQL text a call passes (a literal, a template's text, `{ text }`, a const bound to one). */
export function sqlTextOf(call: CallExpression): string | undefined {
  const first = call.getArguments()[0];
  return first ? literalText(first, 0) : undefined;
}

function literalText(node: Node, depth: number): string | undefined {
  const value = unwrapExpression(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return value.getLiteralValue();
  if (Node.isTemplateExpression(value)) return value.getHead().getLiteralText() + value.getTemplateSpans().map((span) => ` ? ${span.getLiteral().getLiteralText()}`).join('');
  if (Node.isObjectLiteralExpression(value)) {
    const text = value.getProperty('text') ?? value.getProperty('sql');
    return text && Node.isPropertyAssignment(text) && depth < 3 ? literalText(text.getInitializerOrThrow(), depth + 1) : undefined;
  }
  if (Node.isIdentifier(value) && depth < 3) {
    const declaration = value.getSymbol()?.getValueDeclaration();
    if (declaration && Node.isVariableDeclaration(declaration) && declaration.getVariableStatement()?.getDeclarationKind() === 'const') {
      const initializer = declaration.getInitializer();
      return initializer ? literalText(initializer, depth + 1) : undefined;
    }
  }
  return undefined;
}

/** What a SQL statement is, after comments and a leading `WITH ... AS (...)`. */
export function sqlStatementKind(text: string): DatabaseOperationKind | 'begin' | undefined {
  const statement = text.replace(/--[^\n]*\n|\/\*[\s\S]*?\*\//g, ' ').trim().replace(/^\(+/, '');
  if (SQL_STATEMENTS.begin.test(statement)) return 'begin';
  const head = /^with\b/i.test(statement) ? (/\b(insert|update|delete|merge)\b/i.exec(statement)?.[0] ?? 'select') : statement;
  if (SQL_STATEMENTS.write.test(head)) {
    if (SQL_STATEMENTS.insertIgnore.test(statement)) return 'insert-ignore';
    if (SQL_STATEMENTS.upsert.test(statement)) return 'upsert';
    return 'write';
  }
  if (SQL_STATEMENTS.read.test(head)) return 'list-read';
  return undefined;
}

function sqlKind(text: string): DatabaseOperationKind | undefined {
  const kind = sqlStatementKind(text);
  return kind === 'begin' ? undefined : kind;
}

function sqlTable(text: string): string | undefined {
  return /\b(?:insert\s+(?:ignore\s+)?into|update|delete\s+from|replace\s+into)\s+["`]?([\w.]+)/i.exec(text)?.[1];
}

// ---------------------------------------------------------------------------
// Transactions

/**
 * Why an operation runs inside a transaction, if it does:
 * - `callback`: written inside the callback of a call that runs it in a transaction (`prisma.$transaction(async (tx) => ...)`,
 *   `dataSource.transaction(...)`, `manager.transaction(...)`, `sequelize.transaction(async (t) => ...)`,
 *   `knex.transaction(trx => ...)`, `session.withTransaction(...)`, `connection.transaction(...)`, `db.transaction(...)`,
 *   `em.transactional(...)`). Any `.transaction(callback)` counts: on the safe side, the receiver is not checked;
 * - `batch`: an element of Prisma's array form, `prisma.$transaction([a, b])`;
 * - `passed`: given a transaction (`{ transaction: t }`, `{ session }`, `.transacting(trx)`, `.session(session)`);
 * - `handed`: through a transaction or unit of work the caller hands in (`tx: Prisma.TransactionClient`,
 *   `trx: Knex.Transaction`, a `manager: EntityManager` parameter, `const db = tx ?? this.prisma`, a parameter named `tx`/`trx`),
 *   or one the function opened (`const trx = await knex.transaction()`, `const t = await sequelize.transaction()`);
 * - `started`: after a call in the same function that begins one (`queryRunner.startTransaction()`, `client.query('BEGIN')`,
 *   `conn.beginTransaction()`, `session.startTransaction()`, `em.begin()`);
 * - `decorator`: in a method decorated to run in one (`@Transactional()` of typeorm-transactional, `@nestjs-cls/transactional`,
 *   MikroORM; TypeORM's `@Transaction()`).
 */
export type TransactionCover = 'callback' | 'batch' | 'passed' | 'handed' | 'started' | 'decorator';

const TRANSACTION_CALLBACKS = new Set(DATABASE_LIBRARIES.flatMap((library) => library.transactionCallbacks));
const TRANSACTION_STARTS = new Set(DATABASE_LIBRARIES.flatMap((library) => library.transactionStarts ?? []));
const TRANSACTION_OPTIONS = new Set(DATABASE_LIBRARIES.flatMap((library) => library.transactionOptions ?? []));
const TRANSACTION_CHAIN_METHODS = new Set(DATABASE_LIBRARIES.flatMap((library) => library.transactionChainMethods ?? []));
const TRANSACTION_PARAMETER_NAMES = /^(tx|trx|txn|transaction|transactionClient|transactionManager|transactionalEntityManager)$/i;

export function transactionCoverOf(operation: DatabaseOperation, facts: FileFacts): TransactionCover | undefined {
  const { call } = operation;
  if (insideTransactionCallback(call)) return 'callback';
  if (inTransactionBatch(call)) return 'batch';
  if (passesTransaction(call)) return 'passed';
  if (throughTransaction(call, operation.library, facts)) return 'handed';
  if (afterTransactionStart(call, facts)) return 'started';
  if (inTransactionalMethod(call, facts)) return 'decorator';
  return undefined;
}

/** True when `call` opens a transaction: a callback form (`$transaction(fn)`, `withTransaction(fn)`), a start (`startTransaction()`, `query('BEGIN')`), or an unmanaged `transaction()`. */
export function opensTransaction(call: CallExpression): boolean {
  return opensCallbackTransaction(call) || startsTransaction(call);
}

/** `$transaction(async (tx) => ...)`, `dataSource.transaction(fn)`, `session.withTransaction(fn)`: a callback run inside a transaction. */
function opensCallbackTransaction(call: CallExpression): boolean {
  return TRANSACTION_CALLBACKS.has(methodNameOf(call) ?? '') && call.getArguments().some((arg) => isFunctionScope(unwrapExpression(arg)) || Node.isArrayLiteralExpression(unwrapExpression(arg)));
}

/** `queryRunner.startTransaction()`, `client.query('BEGIN')`, `const t = await sequelize.transaction()`: the calls after it run in a transaction. */
function startsTransaction(call: CallExpression): boolean {
  const method = methodNameOf(call);
  if (method === undefined) return false;
  if (TRANSACTION_STARTS.has(method)) return true;
  if (TRANSACTION_CALLBACKS.has(method)) return !opensCallbackTransaction(call) && call.getArguments().every((arg) => Node.isObjectLiteralExpression(unwrapExpression(arg)));
  if (['query', 'execute', 'raw'].includes(method)) return sqlStatementKind(sqlTextOf(call) ?? '') === 'begin';
  return false;
}

function insideTransactionCallback(call: CallExpression): boolean {
  for (let node: Node | undefined = call.getParent(); node; node = node.getParent()) {
    if (!isFunctionScope(node)) continue;
    const opener = node.getParent();
    if (opener && Node.isCallExpression(opener) && opener.getArguments().includes(node) && TRANSACTION_CALLBACKS.has(methodNameOf(opener) ?? '')) return true;
  }
  return false;
}

/**
 * `prisma.$transaction([a, b])`, or a list of Prisma's lazy queries that the same function hands to `$transaction`
 * later (`const operations = [a, b]; ... await prisma.$transaction(operations)`, `operations.push(a)`):
 * a Prisma query does not run until it is awaited, so these run in the batch.
 */
function inTransactionBatch(call: CallExpression): boolean {
  for (let node: Node | undefined = call.getParent(); node && !isFunctionScope(node); node = node.getParent()) {
    const parent = node.getParent();
    if (!Node.isArrayLiteralExpression(node) || !parent) continue;
    // Also a project's own wrapper named like one: umami's `transaction([...])` forwards to `client.$transaction`.
    if (Node.isCallExpression(parent) && TRANSACTION_CALLBACKS.has(calleeNameOf(parent) ?? '')) return true;
    if (Node.isVariableDeclaration(parent) && Node.isIdentifier(parent.getNameNode())) return isHandedToTransaction(parent.getName(), call);
  }
  const parent = call.getParent();
  const push = parent && Node.isCallExpression(parent) ? parent : undefined;
  const callee = push && unwrapExpression(push.getExpression());
  if (push && callee && Node.isPropertyAccessExpression(callee) && callee.getName() === 'push' && push.getArguments().includes(call)) return isHandedToTransaction(callee.getExpression().getText(), call);
  return false;
}

function isHandedToTransaction(listName: string, call: CallExpression): boolean {
  const fn = call.getFirstAncestor(isFunctionScope);
  return (fn?.getDescendantsOfKind(SyntaxKind.CallExpression) ?? []).some(
    (opener) => methodNameOf(opener) === '$transaction' && opener.getArguments().some((arg) => unwrapExpression(arg).getText().replace(/^\.\.\./, '') === listName || arg.getText() === `[...${listName}]`),
  );
}

function passesTransaction(call: CallExpression): boolean {
  const calls = [...chainOf(call), ...callsOnResult(call)];
  if (calls.some((c) => TRANSACTION_CHAIN_METHODS.has(methodNameOf(c) ?? '') && c.getArguments().length > 0)) return true;
  return calls.some((c) => c.getArguments().some((arg) => hasTransactionOption(arg, 0)));
}

/** `Model.updateOne(...).session(session)`: the calls made on the result. */
function callsOnResult(call: CallExpression): CallExpression[] {
  const calls: CallExpression[] = [];
  let current: Node = call;
  for (;;) {
    const access = current.getParent();
    const next = access?.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || !next || !Node.isCallExpression(next) || next.getExpression() !== access) return calls;
    calls.push(next);
    current = next;
  }
}

function hasTransactionOption(arg: Node, depth: number): boolean {
  const value = unwrapExpression(arg);
  if (!Node.isObjectLiteralExpression(value) || depth > 1) return false;
  return value.getProperties().some((property) => {
    if (Node.isShorthandPropertyAssignment(property)) return TRANSACTION_OPTIONS.has(property.getName());
    if (!Node.isPropertyAssignment(property)) return false;
    const initializer = property.getInitializer();
    if (TRANSACTION_OPTIONS.has(property.getName())) return initializer !== undefined && !/^(null|undefined)$/.test(initializer.getText());
    return initializer !== undefined && hasTransactionOption(initializer, depth + 1);
  });
}

/** The receiver chain's root: `tx` of `tx.user.update`, `trx` of `trx('users').insert(...)`, `this.prisma`. */
function receiverRoot(call: CallExpression): Node {
  let node: Node = unwrapExpression(call.getExpression());
  for (;;) {
    if (Node.isPropertyAccessExpression(node) && node.getExpression().getKind() === SyntaxKind.ThisKeyword) return node;
    if (Node.isPropertyAccessExpression(node) || Node.isCallExpression(node) || Node.isElementAccessExpression(node)) node = unwrapExpression(node.getExpression());
    else if (Node.isAwaitExpression(node)) node = unwrapExpression(node.getExpression());
    else return node;
  }
}

function throughTransaction(call: CallExpression, library: DatabaseLibrary, facts: FileFacts): boolean {
  return isTransactionValue(receiverRoot(call), library, facts, 0);
}

function isTransactionValue(node: Node, library: DatabaseLibrary, facts: FileFacts, depth: number): boolean {
  if (depth > 3) return false;
  const instance = declaredInstanceOrigin(node, facts);
  const declaration = declarationOf(node);
  // A parameter of a function (not a constructor's parameter property): the caller hands it in.
  const isParameter = declaration !== undefined && Node.isParameterDeclaration(declaration) && !declaration.isParameterProperty();
  if (instance && library.transactionClasses?.includes(instance.className)) {
    // An entity manager or query runner is a unit of work only when a caller hands it in.
    const unitOfWork = instance.className === 'EntityManager' || instance.className === 'SqlEntityManager' || instance.className === 'QueryRunner';
    if (!unitOfWork || isParameter) return true;
  }
  if (isParameter && Node.isParameterDeclaration(declaration) && TRANSACTION_PARAMETER_NAMES.test(declaration.getName())) return true;
  if (declaration && Node.isVariableDeclaration(declaration)) {
    const initializer = declaration.getInitializer();
    if (!initializer) return false;
    let value = unwrapExpression(initializer);
    if (Node.isAwaitExpression(value)) value = unwrapExpression(value.getExpression());
    // `const trx = await knex.transaction()`, `const t = await sequelize.transaction()`.
    if (Node.isCallExpression(value) && TRANSACTION_CALLBACKS.has(methodNameOf(value) ?? '') && value.getArguments().every((arg) => !isFunctionScope(unwrapExpression(arg)))) return true;
    // `const db = tx ?? this.prisma`, `const repo = manager.getRepository(User)`.
    const sides = Node.isBinaryExpression(value) ? [value.getLeft(), value.getRight()] : [value];
    return sides.some((side) => {
      const root = Node.isIdentifier(side) || (Node.isPropertyAccessExpression(side) && side.getExpression().getKind() === SyntaxKind.ThisKeyword) ? side : Node.isCallExpression(side) || Node.isPropertyAccessExpression(side) ? receiverRootOf(side) : undefined;
      return root !== undefined && root !== node && isTransactionValue(root, library, facts, depth + 1);
    });
  }
  return false;
}

function receiverRootOf(node: Node): Node {
  let current: Node = unwrapExpression(node);
  while (Node.isPropertyAccessExpression(current) || Node.isCallExpression(current) || Node.isElementAccessExpression(current)) {
    if (Node.isPropertyAccessExpression(current) && current.getExpression().getKind() === SyntaxKind.ThisKeyword) return current;
    current = unwrapExpression(current.getExpression());
  }
  return current;
}

function afterTransactionStart(call: CallExpression, facts: FileFacts): boolean {
  const fn = call.getFirstAncestor(isFunctionScope);
  if (!fn) return false;
  const starts = facts.memo(`transaction-starts:${fn.getStart()}`, () =>
    fn
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((c) => startsTransaction(c))
      .map((c) => c.getStart()),
  );
  return starts.some((start) => start < call.getStart());
}

function inTransactionalMethod(call: CallExpression, facts: FileFacts): boolean {
  const method = call.getFirstAncestor((node) => Node.isMethodDeclaration(node));
  if (!method || !Node.isMethodDeclaration(method)) return false;
  return method.getDecorators().some((decorator) => {
    const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
    if (origin.kind !== 'module') return false;
    const name = origin.path[origin.path.length - 1] ?? decorator.getName();
    return DATABASE_LIBRARIES.some((library) => library.transactionDecorators?.some((entry) => entry.module === origin.module && entry.names.includes(name)));
  });
}

