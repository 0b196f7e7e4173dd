import { Node, SyntaxKind, type CatchClause, type Identifier, type NewExpression, type ObjectLiteralExpression, type Type } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath } from './origin';
import { isFunctionScope, isTransparentWrapper, unwrapExpression } from './syntax';
import { STACK_KEEPING_FORMATTERS, STACK_PROPERTIES } from './tables/logging';

/**
 * The error a `catch (err)` caught, as the code in the catch can reach it: the
 * binding and its plain aliases (`const error = err as Error`,
 * `const e = err instanceof Error ? err : new Error(String(err))`).
 * `catch {}` and `catch ({ message })` hold no error object.
 */
export class CaughtError {
  private constructor(
    /** The name as written in `catch (err)`. */
    readonly name: Identifier,
    private readonly symbols: ReadonlySet<unknown>,
    private readonly names: ReadonlySet<string>,
  ) {}

  static of(clause: CatchClause): CaughtError | undefined {
    const name = clause.getVariableDeclaration()?.getNameNode();
    if (!name || !Node.isIdentifier(name)) return undefined;
    const symbol = name.getSymbol()?.compilerSymbol;
    if (!symbol) return undefined;
    const symbols = new Set<unknown>([symbol]);
    const names = new Set([name.getText()]);
    const caught = new CaughtError(name, symbols, names);
    // Aliases of aliases: `const e = err as Error; const error = e;`.
    for (let round = 0; round < 2; round++) {
      for (const declaration of clause.getBlock().getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
        const alias = declaration.getNameNode();
        const initializer = declaration.getInitializer();
        if (!Node.isIdentifier(alias) || !initializer || !caught.isValueOf(initializer)) continue;
        const aliasSymbol = alias.getSymbol()?.compilerSymbol;
        if (aliasSymbol && !symbols.has(aliasSymbol)) {
          symbols.add(aliasSymbol);
          names.add(alias.getText());
        }
      }
    }
    return caught;
  }

  /** True for an identifier that holds the caught error (the binding or an alias). */
  refersTo(identifier: Identifier): boolean {
    if (!this.names.has(identifier.getText())) return false;
    const parent = identifier.getParent();
    if (Node.isShorthandPropertyAssignment(parent)) {
      const value = identifier.getProject().getTypeChecker().compilerObject.getShorthandAssignmentValueSymbol(parent.compilerNode);
      return value !== undefined && this.symbols.has(value);
    }
    const symbol = identifier.getSymbol()?.compilerSymbol;
    return symbol !== undefined && this.symbols.has(symbol);
  }

  /** The uses of the caught error at or under `node` (not its declarations). */
  usesWithin(node: Node): Identifier[] {
    const uses: Identifier[] = [];
    const visit = (current: Node): void => {
      if (Node.isIdentifier(current)) {
        if (this.refersTo(current) && !isDeclarationName(current)) uses.push(current);
        return;
      }
      current.forEachChild(visit);
    };
    visit(node);
    return uses;
  }

  /** The expression is the caught error itself: `err`, `err as Error`, `err instanceof Error ? err : new Error(String(err))`. */
  private isValueOf(expression: Node): boolean {
    const value = unwrapExpression(expression);
    if (Node.isIdentifier(value)) return this.refersTo(value);
    if (Node.isConditionalExpression(value)) return this.isValueOf(value.getWhenTrue()) || this.isValueOf(value.getWhenFalse());
    if (Node.isBinaryExpression(value) && isValueOperator(value.getOperatorToken().getKind())) return this.isValueOf(value.getLeft());
    return false;
  }
}

function isDeclarationName(identifier: Identifier): boolean {
  const parent = identifier.getParent();
  return (Node.isVariableDeclaration(parent) || Node.isParameterDeclaration(parent) || Node.isBindingElement(parent)) && parent.getNameNode() === identifier;
}

function isValueOperator(kind: SyntaxKind): boolean {
  return kind === SyntaxKind.QuestionQuestionToken || kind === SyntaxKind.BarBarToken || kind === SyntaxKind.AmpersandAmpersandToken;
}

/**
 * Where one use of the caught error takes it:
 * - `carried`: the error object (or its stack) goes on: passed to a call or a
 *   constructor, returned, thrown, stored, put in an object that goes on;
 * - `lost`: only what it says survives: `err.message`, `${err}`, `String(err)`,
 *   `'failed: ' + err`, a helper that returns a string; or it is only tested (`err instanceof X`, `err.code === ...`).
 * `within` bounds the walk: reaching it (a log call's argument list, a thrown expression) counts as carried.
 */
export type CaughtErrorFlow = 'carried' | 'lost';

export function flowOfUse(use: Identifier, facts: FileFacts, within?: Node): CaughtErrorFlow {
  let current: Node = use;
  for (;;) {
    if (current === within) return 'carried';
    const parent = current.getParent();
    if (!parent) return 'lost';
    if (isTransparentWrapper(parent) || Node.isAwaitExpression(parent) || Node.isSpreadElement(parent) || Node.isSpreadAssignment(parent)) {
      current = parent;
      continue;
    }
    if (Node.isPropertyAccessExpression(parent) || Node.isElementAccessExpression(parent)) {
      if (parent.getExpression() !== current) return 'lost';
      return STACK_PROPERTIES.includes(accessedName(parent) ?? '') ? 'carried' : 'lost';
    }
    if (Node.isCallExpression(parent) || Node.isNewExpression(parent)) {
      if (parent.getExpression() === current) return 'lost';
      return handsOnTheError(parent, facts) ? 'carried' : 'lost';
    }
    if (Node.isConditionalExpression(parent)) {
      if (parent.getCondition() === current) return 'lost';
      current = parent;
      continue;
    }
    if (Node.isBinaryExpression(parent)) {
      const operator = parent.getOperatorToken().getKind();
      // `err ?? fallback`, `err || fallback`: either side is the value; `ok && err`: only the right one.
      if (isValueOperator(operator) && (operator !== SyntaxKind.AmpersandAmpersandToken || parent.getRight() === current)) {
        current = parent;
        continue;
      }
      // `lastError = err`, `this.failure = err`: kept for later.
      return operator === SyntaxKind.EqualsToken && parent.getRight() === current ? 'carried' : 'lost';
    }
    if (
      Node.isPropertyAssignment(parent) ||
      Node.isShorthandPropertyAssignment(parent) ||
      Node.isObjectLiteralExpression(parent) ||
      Node.isArrayLiteralExpression(parent)
    ) {
      current = parent;
      continue;
    }
    if (Node.isReturnStatement(parent) || Node.isThrowStatement(parent) || Node.isYieldExpression(parent)) return 'carried';
    if (Node.isArrowFunction(parent) && parent.getBody() === current) return 'carried';
    // Anything else keeps at most what it reads; an alias (`const error = err as Error`) is followed through its own uses.
    return 'lost';
  }
}

function accessedName(access: Node): string | undefined {
  if (Node.isPropertyAccessExpression(access)) return access.getName();
  if (Node.isElementAccessExpression(access)) {
    const argument = access.getArgumentExpression();
    if (argument && (Node.isStringLiteral(argument) || Node.isNoSubstitutionTemplateLiteral(argument))) return argument.getLiteralValue();
  }
  return undefined;
}

/**
 * A call or constructor the error is handed to keeps it, unless it turns it
 * into text (`String(err)`, `JSON.stringify(err)`, a helper typed to return a
 * string), other than the formatters that print the stack (`util.inspect(err)`).
 */
function handsOnTheError(call: Node & { getExpression(): Node }, facts: FileFacts): boolean {
  const origin = facts.origin(call.getExpression());
  if (origin.kind === 'module' && STACK_KEEPING_FORMATTERS.some((f) => f.module === origin.module && samePath(f.path, origin.path))) return true;
  return !isStringLike(call.getType());
}

function isStringLike(type: Type): boolean {
  if (type.isString() || type.isStringLiteral() || type.isTemplateLiteral()) return true;
  return type.isUnion() && type.getUnionTypes().every((member) => member.isString() || member.isStringLiteral() || member.isUndefined() || member.isNull());
}

/** True when the caught error (or its stack) reaches `node`: `new HttpError(500, err)`, `logger.error({ err }, 'x')`. */
export function carriesCaughtError(node: Node, caught: CaughtError | undefined, facts: FileFacts): boolean {
  if (!caught) return false;
  return caught.usesWithin(node).some((use) => flowOfUse(use, facts, node) === 'carried');
}

/** True when the caught error is used under `node` at all: with carriesCaughtError false, only its message or a string made from it (`new Error(err.message)`). */
export function mentionsCaughtError(node: Node, caught: CaughtError | undefined): boolean {
  return caught !== undefined && caught.usesWithin(node).length > 0;
}

/**
 * True when the caught error goes on from the catch in any way: rethrown,
 * wrapped, logged, reported, passed to a function, returned or stored.
 * `except` are nodes whose uses do not count (the calls being judged).
 */
export function caughtErrorGoesOn(block: Node, caught: CaughtError | undefined, facts: FileFacts): boolean {
  if (!caught) return false;
  return caught.usesWithin(block).some((use) => flowOfUse(use, facts) === 'carried');
}

/** The `throw` statements a catch block runs itself: not those in nested functions, nor in a nested try's catch (which has its own error). */
export function throwsOfCatch(clause: CatchClause): Node[] {
  const throws: Node[] = [];
  clause.getBlock().forEachDescendant((node, traversal) => {
    if (isFunctionScope(node) || Node.isCatchClause(node)) traversal.skip();
    else if (Node.isThrowStatement(node)) throws.push(node.getExpression());
  });
  return throws;
}

/**
 * The new error a thrown expression builds, if it builds one: `new Error(...)`,
 * `new HttpException(...)`, `Object.assign(new Error(...), {...})`, a factory
 * typed to return an error (`createError(500, 'x')`), or a local of the catch
 * initialised with one (`const e = new Error('x'); throw e`).
 */
export function newErrorOf(thrown: Node): Node | undefined {
  const value = unwrapExpression(thrown);
  if (Node.isNewExpression(value)) return isErrorType(value.getType()) || ERROR_CLASS_NAME.test(calleeName(value) ?? '') ? value : undefined;
  if (Node.isCallExpression(value)) return isErrorType(value.getType()) ? value : undefined;
  if (Node.isIdentifier(value)) {
    const declaration = value.getSymbol()?.getValueDeclaration();
    if (!declaration || !Node.isVariableDeclaration(declaration) || !declaration.getFirstAncestorByKind(SyntaxKind.CatchClause)) return undefined;
    const catchOfThrow = thrown.getFirstAncestorByKind(SyntaxKind.CatchClause);
    if (declaration.getFirstAncestorByKind(SyntaxKind.CatchClause) !== catchOfThrow) return undefined;
    const initializer = declaration.getInitializer();
    return initializer && !Node.isIdentifier(unwrapExpression(initializer)) ? newErrorOf(initializer) : undefined;
  }
  return undefined;
}

const ERROR_CLASS_NAME = /(Error|Exception)$/;

function calleeName(call: NewExpression): string | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (Node.isIdentifier(callee)) return callee.getText();
  if (Node.isPropertyAccessExpression(callee)) return callee.getName();
  return undefined;
}

/** An object with an error's `name`, `message` and `stack`: `Error` and its subclasses. */
function isErrorType(type: Type): boolean {
  if (type.isAny() || type.isUnknown()) return false;
  return ['name', 'message', 'stack'].every((property) => type.getProperty(property) !== undefined);
}

/**
 * Where a constructor takes an options object with a `cause`, per the type
 * checker: `new Error(message, { cause })` (lib es2022), Nest's
 * `new InternalServerErrorException(message, { cause })`, tRPC's
 * `new TRPCError({ code, message, cause })`. `existing` is the object literal
 * already passed there, to merge into; undefined when the cause goes in a new argument.
 */
export interface CauseParameter {
  index: number;
  existing?: ObjectLiteralExpression;
}

export function causeParameterOf(construct: NewExpression): CauseParameter | undefined {
  const args = construct.getArguments();
  const classType = construct.getExpression().getType();
  for (const signature of classType.getConstructSignatures()) {
    const parameters = signature.getParameters();
    for (let index = 0; index < parameters.length && index <= args.length; index++) {
      const type = parameters[index]!.getTypeAtLocation(construct);
      if (!hasCauseProperty(type)) continue;
      if (index === args.length) return { index };
      const given = unwrapExpression(args[index]!);
      if (Node.isObjectLiteralExpression(given)) return { index, existing: given };
    }
  }
  return undefined;
}

function hasCauseProperty(type: Type): boolean {
  const members = type.isUnion() ? type.getUnionTypes() : [type];
  return members.some((member) => !member.isAny() && member.isObject() && member.getProperty('cause') !== undefined);
}

/**
 * True when `node` runs only in a branch that has recognised which failure
 * the catch caught: `if (err.code === 'P2002')`, `if (error.message === DELISTED)`,
 * `if (err instanceof AssetProfileInvalidError)`, `if (err.message.startsWith(...))`.
 * What happens there is the answer to a known failure, not a loss of an unknown one.
 */
export function isInBranchOnCaughtError(node: Node, clause: CatchClause, caught: CaughtError, facts: FileFacts): boolean {
  const block = clause.getBlock();
  for (let current: Node = node; current !== block; ) {
    const parent = current.getParent();
    if (!parent) return false;
    if (Node.isIfStatement(parent) && parent.getThenStatement() === current && recognisesCaughtError(parent.getExpression(), caught, facts)) return true;
    if (Node.isConditionalExpression(parent) && parent.getWhenTrue() === current && recognisesCaughtError(parent.getCondition(), caught, facts)) return true;
    current = parent;
  }
  return false;
}

function recognisesCaughtError(condition: Node, caught: CaughtError, facts: FileFacts, depth = 0): boolean {
  const value = unwrapExpression(condition);
  if (Node.isIdentifier(value) && depth === 0) {
    // `const expected = err.message === '...'; if (expected) ...`
    const declaration = value.getSymbol()?.getValueDeclaration();
    const initializer = declaration && Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
    return initializer !== undefined && recognisesCaughtError(initializer, caught, facts, depth + 1);
  }
  if (Node.isBinaryExpression(value)) {
    const operator = value.getOperatorToken().getKind();
    if (operator === SyntaxKind.AmpersandAmpersandToken || operator === SyntaxKind.BarBarToken) {
      return recognisesCaughtError(value.getLeft(), caught, facts, depth) || recognisesCaughtError(value.getRight(), caught, facts, depth);
    }
    if (operator === SyntaxKind.InstanceOfKeyword) {
      if (caught.usesWithin(value.getLeft()).length === 0) return false;
      const right = unwrapExpression(value.getRight());
      const origin = facts.origin(right);
      return !(origin.kind === 'global' && origin.path.length === 1 && GENERIC_ERROR_CLASSES.includes(origin.path[0]!));
    }
    if (EQUALITY_OPERATORS.includes(operator)) return caught.usesWithin(value).length > 0;
    return false;
  }
  if (Node.isCallExpression(value)) {
    // `err.message.startsWith(LIMIT)`, `error.message.includes('not found')`.
    const callee = unwrapExpression(value.getExpression());
    return Node.isPropertyAccessExpression(callee) && STRING_TESTS.includes(callee.getName()) && caught.usesWithin(callee.getExpression()).length > 0;
  }
  return false;
}

// Not `!==`: the branch of `if (err.code !== 'ENOENT')` is every other failure.
const EQUALITY_OPERATORS = [SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.EqualsEqualsToken];
const STRING_TESTS = ['startsWith', 'endsWith', 'includes', 'match', 'test'];
/** `err instanceof Error` says nothing about which failure it is. */
const GENERIC_ERROR_CLASSES = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError', 'DOMException'];
