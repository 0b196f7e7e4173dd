import { Node, SyntaxKind, type CallExpression, type Type } from 'ts-morph';
import type { FileFacts } from './index';
import { databaseLibraryOfValue, isPrismaClient } from './database-operations';
import { isFunctionLike } from './function-summary';
import { valueSymbol } from './origin';
import { chainOf, unwrapExpression } from './syntax';
import { PRISMA_UNSAFE_RAW, RAW_SQL_APIS, SQL_IDENTIFIER_FOLLOWS, SQL_VALUE_POSITION, type RawSqlApi } from './tables/raw-sql';

/** A call that runs SQL text as written: `pool.query(sql)`, `knex.raw(sql)`, `qb.where(sql)`, `prisma.$queryRawUnsafe(sql)`. */
export interface RawSqlCall {
  call: CallExpression;
  /** The argument that holds the SQL text. */
  sql: Node;
  /** The API, or `prisma` for `$queryRawUnsafe`/`$executeRawUnsafe`. */
  api: RawSqlApi | 'prisma';
  method: string;
  /** For messages: "node-postgres `query()`". */
  label: string;
}

const KNOWN_METHODS = new Set([...RAW_SQL_APIS.flatMap((api) => api.methods), ...Object.keys(PRISMA_UNSAFE_RAW)]);

export function rawSqlCallOf(call: CallExpression, facts: FileFacts): RawSqlCall | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.getName();
  const [sql] = call.getArguments();
  if (!KNOWN_METHODS.has(method) || !sql) return undefined;
  const receiver = callee.getExpression();
  if (PRISMA_UNSAFE_RAW[method] !== undefined) {
    return isPrismaClient(receiver, facts) ? { call, sql, api: 'prisma', method, label: `Prisma \`${method}()\`` } : undefined;
  }
  const library = databaseLibraryOfValue(receiver, facts);
  if (!library) return undefined;
  const api = RAW_SQL_APIS.find((candidate) => candidate.libraries.includes(library.id) && candidate.methods.includes(method) && (candidate.on !== 'query-builder' || isQueryBuilder(call)));
  return api ? { call, sql, api, method, label: `${api.label} \`${method}()\`` } : undefined;
}

function isQueryBuilder(call: CallExpression): boolean {
  return chainOf(call).some((link) => {
    const callee = unwrapExpression(link.getExpression());
    return Node.isPropertyAccessExpression(callee) && callee.getName() === 'createQueryBuilder';
  });
}

/**
 * A value interpolated into SQL text: the expression, and the SQL text just
 * before and after it (as far as the literal parts show).
 */
export interface SqlInterpolation {
  expression: Node;
  before: string;
  after: string;
}

const MAX_DEPTH = 5;

/**
 * The values of the SQL text that are not compile-time constants, following
 * the variables it is built in (`const sql = \`...\``, `let sql = '...'; sql += ...`).
 * Empty for a literal, for literal-only concatenation, for interpolated
 * constants (a `const` bound to a literal, a literal union or enum, a number),
 * and for SQL text the code does not build here (a parameter, a call's result).
 */
export function sqlInterpolations(sql: Node, facts: FileFacts, depth = 0): SqlInterpolation[] {
  if (depth > MAX_DEPTH) return [];
  const node = unwrapExpression(sql);
  if (Node.isTemplateExpression(node)) {
    const found: SqlInterpolation[] = [];
    let before = node.getHead().getLiteralText();
    for (const span of node.getTemplateSpans()) {
      const after = span.getLiteral().getLiteralText();
      found.push(...valueParts(span.getExpression(), before, after, facts, depth));
      before = after;
    }
    return found;
  }
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    const left = node.getLeft();
    const right = node.getRight();
    return [...concatenationPart(left, '', literalHead(right), facts, depth), ...concatenationPart(right, literalTail(left), '', facts, depth)];
  }
  if (Node.isObjectLiteralExpression(node)) {
    const text = node.getProperty('text') ?? node.getProperty('sql');
    return text && Node.isPropertyAssignment(text) ? sqlInterpolations(text.getInitializerOrThrow(), facts, depth + 1) : [];
  }
  if (Node.isIdentifier(node)) return builtVariableParts(node, facts, depth);
  return [];
}

/** One side of `a + b`: SQL text itself (a literal, a template, a variable built so) or a value joined in. */
function concatenationPart(side: Node, before: string, after: string, facts: FileFacts, depth: number): SqlInterpolation[] {
  const node = unwrapExpression(side);
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return [];
  if (Node.isTemplateExpression(node) || Node.isBinaryExpression(node)) return sqlInterpolations(node, facts, depth + 1);
  if (Node.isIdentifier(node) && isBuiltSqlVariable(node)) return builtVariableParts(node, facts, depth);
  return valueParts(node, before, after, facts, depth);
}

function valueParts(expression: Node, before: string, after: string, facts: FileFacts, depth: number): SqlInterpolation[] {
  const node = unwrapExpression(expression);
  if (isConstantValue(node, facts)) return [];
  // A fragment built the same way (`${where}` of `const where = \`AND a = ${x}\``): its own values.
  if (Node.isIdentifier(node) && isBuiltSqlVariable(node)) return builtVariableParts(node, facts, depth);
  if (Node.isConditionalExpression(node)) return [...valueParts(node.getWhenTrue(), before, after, facts, depth + 1), ...valueParts(node.getWhenFalse(), before, after, facts, depth + 1)];
  if (Node.isTemplateExpression(node)) return sqlInterpolations(node, facts, depth + 1);
  return [{ expression: node, before, after }];
}

/** A local variable holding SQL text built by a template or concatenation (`const where = \`...${x}\``). */
function isBuiltSqlVariable(identifier: Node): boolean {
  const declaration = variableDeclarationOf(identifier);
  const initializer = declaration?.getInitializer();
  if (!initializer) return false;
  const value = unwrapExpression(initializer);
  return Node.isTemplateExpression(value) || Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) || (Node.isBinaryExpression(value) && value.getOperatorToken().getKind() === SyntaxKind.PlusToken);
}

function builtVariableParts(identifier: Node, facts: FileFacts, depth: number): SqlInterpolation[] {
  const declaration = variableDeclarationOf(identifier);
  if (!declaration) return [];
  const initializer = declaration.getInitializer();
  const values = [...(initializer ? [initializer] : []), ...appendedValues(declaration)];
  return values.flatMap((value) => sqlInterpolations(value, facts, depth + 1));
}

function variableDeclarationOf(identifier: Node) {
  if (!Node.isIdentifier(identifier)) return undefined;
  const declaration = valueSymbol(identifier)?.getValueDeclaration();
  return declaration && Node.isVariableDeclaration(declaration) && declaration.getSourceFile() === identifier.getSourceFile() ? declaration : undefined;
}

/** `sql += \` AND name = '${name}'\``, `sql = sql + ...`: what a `let` of SQL text is extended with. */
function appendedValues(declaration: Node): Node[] {
  if (!Node.isVariableDeclaration(declaration) || declaration.getVariableStatement()?.getDeclarationKind() === 'const') return [];
  const name = declaration.getNameNode();
  if (!Node.isIdentifier(name)) return [];
  const scope = declaration.getFirstAncestor((ancestor) => isFunctionLike(ancestor) || Node.isSourceFile(ancestor));
  const symbol = name.getSymbol();
  return (scope?.getDescendantsOfKind(SyntaxKind.BinaryExpression) ?? [])
    .filter((binary) => {
      const operator = binary.getOperatorToken().getKind();
      const left = unwrapExpression(binary.getLeft());
      return (operator === SyntaxKind.PlusEqualsToken || operator === SyntaxKind.EqualsToken) && Node.isIdentifier(left) && left.getSymbol() === symbol;
    })
    .map((binary) => binary.getRight());
}

function literalHead(node: Node): string {
  const value = unwrapExpression(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return value.getLiteralValue();
  if (Node.isTemplateExpression(value)) return value.getHead().getLiteralText();
  if (Node.isBinaryExpression(value)) return literalHead(value.getLeft());
  return '';
}

function literalTail(node: Node): string {
  const value = unwrapExpression(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return value.getLiteralValue();
  if (Node.isTemplateExpression(value)) return value.getTemplateSpans().at(-1)?.getLiteral().getLiteralText() ?? '';
  if (Node.isBinaryExpression(value)) return literalTail(value.getRight());
  return '';
}

/**
 * A value that cannot carry SQL: a literal, a `const` bound to a constant, a
 * property of an object of literals, and anything the types say is a number,
 * a boolean, a date, an enum or a union of literals.
 */
export function isConstantValue(node: Node, facts: FileFacts, depth = 0): boolean {
  const value = unwrapExpression(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) || Node.isNumericLiteral(value)) return true;
  if (Node.isTemplateExpression(value)) return depth < MAX_DEPTH && value.getTemplateSpans().every((span) => isConstantValue(span.getExpression(), facts, depth + 1));
  if (Node.isBinaryExpression(value) && value.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    return depth < MAX_DEPTH && isConstantValue(value.getLeft(), facts, depth + 1) && isConstantValue(value.getRight(), facts, depth + 1);
  }
  if (Node.isIdentifier(value) && depth < MAX_DEPTH) {
    const declaration = variableDeclarationOf(value);
    const initializer = declaration?.getInitializer();
    if (declaration?.getVariableStatement()?.getDeclarationKind() === 'const' && initializer && isConstantValue(initializer, facts, depth + 1)) return true;
  }
  if (Node.isPropertyAccessExpression(value) || Node.isElementAccessExpression(value)) {
    const declaration = value.getSymbol()?.getDeclarations()[0];
    if (declaration && Node.isPropertyAssignment(declaration) && isConstantValue(declaration.getInitializerOrThrow(), facts, depth + 1)) return true;
    if (declaration && Node.isEnumMember(declaration)) return true;
  }
  if (Node.isCallExpression(value) && depth < MAX_DEPTH && isConstantJoin(value, facts, depth)) return true;
  return isConstantType(value.getType());
}

/** `xs.map(() => '?').join(',')`, `new Array(n).join('->?')`, `[A, B].join(' ')`: a join of constants. */
function isConstantJoin(call: CallExpression, facts: FileFacts, depth: number): boolean {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'join') return false;
  const [separator] = call.getArguments();
  if (separator && !isConstantValue(separator, facts, depth + 1)) return false;
  const list = unwrapExpression(callee.getExpression());
  if (Node.isNewExpression(list) || (Node.isCallExpression(list) && list.getExpression().getText() === 'Array')) return list.getExpression().getText() === 'Array';
  if (Node.isArrayLiteralExpression(list)) return list.getElements().every((element) => isConstantValue(element, facts, depth + 1));
  if (Node.isCallExpression(list)) {
    const mapper = unwrapExpression(list.getExpression());
    const [callback] = list.getArguments();
    const fn = callback && unwrapExpression(callback);
    if (Node.isPropertyAccessExpression(mapper) && mapper.getName() === 'map' && fn && (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) {
      const body = fn.getBody();
      const returned = Node.isBlock(body) ? body.getDescendantsOfKind(SyntaxKind.ReturnStatement).map((statement) => statement.getExpression()) : [body];
      return returned.length > 0 && returned.every((expression) => expression !== undefined && isConstantValue(expression, facts, depth + 1));
    }
  }
  const element = list.getType().getArrayElementType();
  return element !== undefined && isConstantType(element);
}

function isConstantType(type: Type): boolean {
  if (type.isAny() || type.isUnknown()) return false;
  if (type.isNumber() || type.isNumberLiteral() || type.isBoolean() || type.isBooleanLiteral() || type.isStringLiteral() || type.isEnum() || type.isEnumLiteral() || type.isBigInt() || type.isBigIntLiteral()) return true;
  if (type.isUnion()) return type.getUnionTypes().every((member) => isConstantType(member) || member.isNull() || member.isUndefined());
  const symbol = type.getSymbol()?.getName();
  return symbol === 'Date';
}

/** True when the SQL around an interpolation puts it where a value goes (`= ${x}`, `'${x}'`, `LIMIT ${n}`), not an identifier (`${alias}.id`). */
export function isValuePosition(interpolation: SqlInterpolation): boolean {
  return SQL_VALUE_POSITION.test(interpolation.before.trimEnd()) && !SQL_IDENTIFIER_FOLLOWS.test(interpolation.after);
}
