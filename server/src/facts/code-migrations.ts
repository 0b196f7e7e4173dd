/**
 * JavaScript and TypeScript migrations (knex, TypeORM, Sequelize, MikroORM):
 * their up/down functions, the SQL text they run (string literals and
 * concatenations of literals, parsed with PostgreSQL's parser and mapped back
 * to the literal's offsets), the schema changes they make through the tool's
 * API, and the transaction they run in. Tool knowledge is in
 * tables/migration-tools.ts.
 */
import { Node, SyntaxKind, type ClassDeclaration, type SourceFile } from 'ts-morph';
import type { FileFacts } from '.';
import { parseSql } from '../parse/sql';
import { unwrapExpression } from './syntax';
import { migrationToolOf } from './tables/migration-paths';
import {
  BUILDER_CALLS,
  CODE_MIGRATION_TOOLS,
  KNEX_TABLE_BUILDERS,
  KNEX_TABLE_METHODS,
  type CodeMigrationToolKnowledge,
} from './tables/migration-tools';
import type { BuilderOperation, DownFunction, Migration, MigrationStatement, UnanalysedSql } from './migrations';

type FunctionLike = Node;

interface MigrationShape {
  tool: CodeMigrationToolKnowledge;
  up: FunctionLike;
  down?: FunctionLike;
  container: Node;
  optOut?: Node;
  config?: Node;
}

/** The migration a JS/TS file is, or undefined when it is not one. Memoised per file. */
export function codeMigrationOf(facts: FileFacts): Migration | undefined {
  return facts.memo('code-migration', () => readCodeMigration(facts));
}

/**
 * The tool of a JS/TS migration, from the module's shape alone (its SQL is not
 * parsed): for callers that only ask whether a file is a migration.
 */
export function codeMigrationToolOf(facts: FileFacts): string | undefined {
  if (migrationToolOf(facts.sourceFile.getFilePath()) === undefined) return undefined;
  return (classMigration(facts) ?? moduleMigration(facts.sourceFile))?.tool.tool;
}

function readCodeMigration(facts: FileFacts): Migration | undefined {
  const sourceFile = facts.sourceFile;
  const file = sourceFile.getFilePath();
  if (migrationToolOf(file) === undefined) return undefined;
  const shape = classMigration(facts) ?? moduleMigration(sourceFile);
  if (!shape) return undefined;
  const statements: MigrationStatement[] = [];
  const unanalysed: UnanalysedSql[] = [];
  const builderOperations: BuilderOperation[] = [];
  for (const [phase, fn] of [['up', shape.up], ['down', shape.down]] as const) {
    if (!fn) continue;
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      if (isSqlCall(call, shape.tool, fn)) readSqlArgument(call.getArguments()[0], phase, statements, unanalysed);
      const builder = builderOperation(call, shape.tool, fn, phase);
      if (builder) builderOperations.push(builder);
    }
  }
  const transaction = shape.optOut ? 'none' : shape.tool.transaction;
  return {
    file,
    tool: shape.tool.tool,
    transaction,
    transactionSource: shape.optOut ? 'the migration opts out of its tool\'s transaction' : shape.tool.source,
    transactionOptOut: shape.optOut,
    transactionConfig: shape.config,
    statements,
    builderOperations,
    unanalysed,
    down: downState(shape),
    container: shape.container,
  };
}

// --- shapes ---------------------------------------------------------------

function classMigration(facts: FileFacts): MigrationShape | undefined {
  for (const declaration of facts.sourceFile.getClasses()) {
    const tool = CODE_MIGRATION_TOOLS.find((candidate) => candidate.shape === 'class' && classHasMarker(facts, declaration, candidate));
    if (!tool) continue;
    const up = classMember(declaration, 'up');
    if (!up) continue;
    return { tool, up, down: classMember(declaration, 'down'), container: declaration, optOut: classOptOut(declaration, tool) };
  }
  return undefined;
}

function classHasMarker(facts: FileFacts, declaration: ClassDeclaration, tool: CodeMigrationToolKnowledge): boolean {
  const marker = tool.classMarker!;
  const clauses = marker.relation === 'implements' ? declaration.getImplements() : [declaration.getExtends()].filter((c) => c !== undefined);
  return clauses.some((clause) => {
    const origin = facts.origin(clause.getExpression());
    return origin.kind === 'module' && marker.modules.includes(origin.module) && origin.path.length === 1 && origin.path[0] === marker.name;
  });
}

function classMember(declaration: ClassDeclaration, name: string): FunctionLike | undefined {
  const method = declaration.getMethod(name);
  if (method) return method;
  const initializer = declaration.getProperty(name)?.getInitializer();
  return initializer && (Node.isArrowFunction(initializer) || Node.isFunctionExpression(initializer)) ? initializer : undefined;
}

/** TypeORM `transaction = false`; MikroORM `isTransactional() { return false }`. */
function classOptOut(declaration: ClassDeclaration, tool: CodeMigrationToolKnowledge): Node | undefined {
  if (tool.tool === 'typeorm') {
    const property = declaration.getProperty('transaction');
    return property?.getInitializer()?.getKind() === SyntaxKind.FalseKeyword ? property : undefined;
  }
  if (tool.tool === 'mikro-orm') {
    const method = declaration.getMethod('isTransactional');
    const returned = method?.getDescendantsOfKind(SyntaxKind.ReturnStatement)[0]?.getExpression();
    return returned?.getKind() === SyntaxKind.FalseKeyword ? method : undefined;
  }
  return undefined;
}

/** knex or Sequelize: `exports.up = ...`, `export function up`, `module.exports = { up, down }`. */
function moduleMigration(sourceFile: SourceFile): MigrationShape | undefined {
  const exported = moduleExports(sourceFile);
  const up = exported.get('up');
  if (!up || !isFunctionLike(up)) return undefined;
  const downNode = exported.get('down');
  const down = downNode && isFunctionLike(downNode) ? downNode : undefined;
  const tool = moduleTool(up, exported.has('__object__'));
  const optOut = tool.tool === 'knex' ? knexOptOut(exported.get('config')) : undefined;
  const config = tool.tool === 'knex' ? exported.get('config') : undefined;
  return { tool, up, down, container: up, optOut, config };
}

function isFunctionLike(node: Node): boolean {
  return Node.isFunctionDeclaration(node) || Node.isArrowFunction(node) || Node.isFunctionExpression(node) || Node.isMethodDeclaration(node);
}

/** The module's exports by name (CommonJS and ESM); `__object__` marks a `module.exports = { ... }`. */
function moduleExports(sourceFile: SourceFile): Map<string, Node> {
  const exported = new Map<string, Node>();
  for (const fn of sourceFile.getFunctions()) if (fn.isExported() && fn.getName()) exported.set(fn.getName()!, fn);
  for (const statement of sourceFile.getVariableStatements()) {
    if (!statement.isExported()) continue;
    for (const declaration of statement.getDeclarations()) {
      const initializer = declaration.getInitializer();
      if (initializer) exported.set(declaration.getName(), unwrapExpression(initializer));
    }
  }
  for (const statement of sourceFile.getStatements()) {
    const expression = Node.isExpressionStatement(statement) ? statement.getExpression() : Node.isExportAssignment(statement) ? statement.getExpression() : undefined;
    if (!expression) continue;
    if (Node.isExportAssignment(statement)) readExportObject(unwrapExpression(expression), exported);
    if (!Node.isBinaryExpression(expression) || expression.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const target = expression.getLeft().getText().split(' ').join('');
    const value = unwrapExpression(expression.getRight());
    if (target === 'module.exports') readExportObject(value, exported);
    const member = target.startsWith('exports.') ? target.slice('exports.'.length) : target.startsWith('module.exports.') ? target.slice('module.exports.'.length) : undefined;
    if (member) exported.set(member, value);
  }
  return exported;
}

function readExportObject(value: Node, exported: Map<string, Node>): void {
  if (!Node.isObjectLiteralExpression(value)) return;
  exported.set('__object__', value);
  for (const property of value.getProperties()) {
    if (Node.isMethodDeclaration(property)) exported.set(property.getName(), property);
    else if (Node.isPropertyAssignment(property)) exported.set(property.getName(), unwrapExpression(property.getInitializerOrThrow()));
  }
}

/** knex's builder lives under `.schema` and `.raw`; Sequelize's queryInterface has `.sequelize` and its own methods. */
function moduleTool(up: Node, exportsObject: boolean): CodeMigrationToolKnowledge {
  const param = firstParameterName(up);
  const members = new Set<string>();
  if (param) {
    for (const access of up.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
      if (access.getExpression().getText() === param) members.add(access.getName());
    }
  }
  const knex = CODE_MIGRATION_TOOLS.find((t) => t.tool === 'knex')!;
  const sequelize = CODE_MIGRATION_TOOLS.find((t) => t.tool === 'sequelize')!;
  if (members.has('schema') || members.has('raw')) return knex;
  if (members.has('sequelize') || BUILDER_CALLS.some((call) => call.tool === 'sequelize' && members.has(call.path[0]))) return sequelize;
  return exportsObject ? sequelize : knex;
}

function knexOptOut(config: Node | undefined): Node | undefined {
  if (!config || !Node.isObjectLiteralExpression(config)) return undefined;
  const property = config.getProperty('transaction');
  return property && Node.isPropertyAssignment(property) && property.getInitializer()?.getKind() === SyntaxKind.FalseKeyword ? property : undefined;
}

// --- calls ----------------------------------------------------------------

function firstParameterName(fn: Node): string | undefined {
  const parameters = (fn as unknown as { getParameters?: () => Node[] }).getParameters?.() ?? [];
  const first = parameters[0];
  return first && Node.isParameterDeclaration(first) && Node.isIdentifier(first.getNameNode()) ? first.getName() : undefined;
}

/** The member chain of a callee below the up/down function's first parameter (or `this`), if it starts there. */
function chainFrom(callee: Node, fn: Node, receiver: 'param0' | 'this'): string[] | undefined {
  const path: string[] = [];
  let current = unwrapExpression(callee);
  while (Node.isPropertyAccessExpression(current)) {
    path.unshift(current.getName());
    current = unwrapExpression(current.getExpression());
  }
  if (receiver === 'this') return current.getKind() === SyntaxKind.ThisKeyword ? path : undefined;
  const param = firstParameterName(fn);
  if (!param || !Node.isIdentifier(current) || current.getText() !== param) return undefined;
  const declaration = current.getSymbol()?.getDeclarations()[0];
  return declaration && declaration.getParent() === fn ? path : undefined;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function isSqlCall(call: Node, tool: CodeMigrationToolKnowledge, fn: Node): boolean {
  if (!Node.isCallExpression(call)) return false;
  return tool.sqlCalls.some((sqlCall) => {
    const path = chainFrom(call.getExpression(), fn, sqlCall.receiver);
    return path !== undefined && samePath(path, sqlCall.path);
  });
}

function builderOperation(call: Node, tool: CodeMigrationToolKnowledge, fn: Node, phase: 'up' | 'down'): BuilderOperation | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const path = chainFrom(call.getExpression(), fn, 'param0');
  if (path) {
    // Chained knex calls (`knex.schema.dropTable('a')` or `.withSchema(...)`) start with `schema`.
    const known = BUILDER_CALLS.find((entry) => entry.tool === tool.tool && samePath(entry.path, path));
    if (!known) return undefined;
    const args = call.getArguments();
    return {
      operation: known.operation,
      table: literalName(args[known.tableArgument]),
      column: known.columnArgument === undefined ? undefined : literalName(args[known.columnArgument]),
      node: call,
      phase,
      concurrently: known.concurrentlyOption ? optionIsTrue(args[known.concurrentlyOption.argument], known.concurrentlyOption.property) : undefined,
    };
  }
  if (tool.tool === 'knex') return knexTableMethod(call, fn, phase);
  return undefined;
}

/** `t.dropColumn('x')` inside `knex.schema.alterTable('users', (t) => { ... })`. */
function knexTableMethod(call: Node, fn: Node, phase: 'up' | 'down'): BuilderOperation | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const operation = KNEX_TABLE_METHODS[callee.getName()];
  const builder = unwrapExpression(callee.getExpression());
  if (!operation || !Node.isIdentifier(builder)) return undefined;
  const declaration = builder.getSymbol()?.getDeclarations()[0];
  const callback = declaration && Node.isParameterDeclaration(declaration) ? declaration.getParent() : undefined;
  const alter = callback?.getParent();
  if (!alter || !Node.isCallExpression(alter)) return undefined;
  const alterPath = chainFrom(alter.getExpression(), fn, 'param0');
  if (!alterPath || !KNEX_TABLE_BUILDERS.some((p) => samePath(p, alterPath))) return undefined;
  return { operation, table: literalName(alter.getArguments()[0]), column: literalName(call.getArguments()[0]), node: call, phase };
}

function literalName(node: Node | undefined): string | undefined {
  const value = node && unwrapExpression(node);
  return value && (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) ? value.getLiteralValue() : undefined;
}

function optionIsTrue(node: Node | undefined, property: string): boolean {
  const value = node && unwrapExpression(node);
  if (!value || !Node.isObjectLiteralExpression(value)) return false;
  const found = value.getProperty(property);
  return !!found && Node.isPropertyAssignment(found) && found.getInitializer()?.getKind() === SyntaxKind.TrueKeyword;
}

// --- SQL text -------------------------------------------------------------

interface LiteralPiece {
  node: Node;
  value: string;
  /** Offset of the piece's first character in the SQL text. */
  at: number;
  /** The literal's source holds the value verbatim (no escapes), so offsets map one to one. */
  verbatim: boolean;
}

/** The pieces of a string built from literals (`'a' + "b"`), or undefined when a piece is not a literal. */
function literalPieces(node: Node, at = 0): LiteralPiece[] | undefined {
  const value = unwrapExpression(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) {
    const literal = value.getLiteralValue();
    const source = value.getText();
    return [{ node: value, value: literal, at, verbatim: source.slice(1, -1) === literal }];
  }
  if (Node.isBinaryExpression(value) && value.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    const left = literalPieces(value.getLeft(), at);
    if (!left) return undefined;
    const leftLength = left.reduce((sum, piece) => sum + piece.value.length, 0);
    const right = literalPieces(value.getRight(), at + leftLength);
    return right && [...left, ...right];
  }
  return undefined;
}

function pieceAt(pieces: LiteralPiece[], offset: number, edge: 'start' | 'end'): LiteralPiece {
  const inside = (p: LiteralPiece) => (edge === 'start' ? offset >= p.at && offset < p.at + p.value.length : offset > p.at && offset <= p.at + p.value.length);
  return pieces.find(inside) ?? pieces[pieces.length - 1];
}

function fileOffset(pieces: LiteralPiece[], offset: number, edge: 'start' | 'end'): number {
  const piece = pieceAt(pieces, offset, edge);
  if (!piece.verbatim) return edge === 'start' ? piece.node.getStart() : piece.node.getEnd();
  return piece.node.getStart() + 1 + (offset - piece.at);
}

function readSqlArgument(argument: Node | undefined, phase: 'up' | 'down', statements: MigrationStatement[], unanalysed: UnanalysedSql[]): void {
  if (!argument) return;
  const pieces = literalPieces(argument);
  if (!pieces) {
    unanalysed.push({ start: argument.getStart(), end: argument.getEnd(), reason: 'SQL built at run time (not only from literals): not analysed' });
    return;
  }
  const text = pieces.map((piece) => piece.value).join('');
  const parsed = parseSql(text);
  if (parsed.error) {
    unanalysed.push({ start: argument.getStart(), end: argument.getEnd(), reason: `does not parse as PostgreSQL (${parsed.error.message}): not analysed` });
    return;
  }
  for (const sql of parsed.statements) {
    const first = pieceAt(pieces, sql.start, 'start');
    const last = pieceAt(pieces, sql.end, 'end');
    const verbatim = first === last && first.verbatim;
    statements.push({ sql, start: fileOffset(pieces, sql.start, 'start'), end: fileOffset(pieces, sql.end, 'end'), host: argument, phase, verbatim });
  }
}

// --- down -----------------------------------------------------------------

function downState(shape: MigrationShape): DownFunction {
  if (!shape.down) return { state: 'missing', node: shape.container };
  const body = functionBody(shape.down);
  if (!body) return { state: 'present', node: shape.down };
  if (!Node.isBlock(body)) return { state: isEmptyValue(body) ? 'empty' : 'present', node: shape.down };
  const statements = body.getStatements();
  if (statements.length === 0) return { state: 'empty', node: shape.down };
  if (Node.isThrowStatement(statements[0])) return { state: 'throws', node: shape.down };
  if (statements.every((statement) => Node.isReturnStatement(statement) && isEmptyValue(statement.getExpression()))) return { state: 'empty', node: shape.down };
  return { state: 'present', node: shape.down };
}

function functionBody(fn: Node): Node | undefined {
  return (fn as unknown as { getBody?: () => Node | undefined }).getBody?.();
}

/** `undefined`, nothing, or `Promise.resolve()`: a down that does nothing. */
function isEmptyValue(expression: Node | undefined): boolean {
  if (!expression) return true;
  const value = unwrapExpression(expression);
  if (value.getKind() === SyntaxKind.Identifier && value.getText() === 'undefined') return true;
  return Node.isCallExpression(value) && value.getExpression().getText() === 'Promise.resolve' && value.getArguments().length === 0;
}
