import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { BLOCKING_CALLS, type BlockingCallFamily } from './tables/blocking-calls';

/** A call that blocks the event loop until its work is done: `fs.readFileSync(...)`, `bcrypt.hashSync(...)`. */
export interface BlockingCall {
  call: CallExpression;
  module: string;
  /** The export called (`readFileSync`). */
  name: string;
  family: BlockingCallFamily;
}

/** The blocking call `call` is, recognised through its import or require; undefined for anything else. */
export function blockingCallOf(call: CallExpression, facts: FileFacts): BlockingCall | undefined {
  const callee = call.getExpression();
  // Every blocking export's name ends in `Sync`: a cheap test before resolving the callee.
  if (!/Sync$/.test(Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText())) return undefined;
  const origin = facts.origin(callee);
  if (origin.kind !== 'module' || origin.path.length !== 1) return undefined;
  const name = origin.path[0]!;
  const family = BLOCKING_CALLS.find((candidate) => candidate.modules.includes(origin.module) && blocks(candidate, name));
  return family ? { call, module: origin.module, name, family } : undefined;
}

function blocks(family: BlockingCallFamily, name: string): boolean {
  return family.names === 'every-sync' ? name.endsWith('Sync') : family.names.includes(name);
}

/**
 * A result kept for the life of the process: the call's value is assigned to a
 * variable of the module only when it has none yet (`cache ??= readFileSync(...)`,
 * `if (!template) template = readFileSync(...)`), so the call runs once, not per request.
 */
export function isCachedOnce(call: CallExpression): boolean {
  const assignment = call.getParent();
  if (!assignment || !Node.isBinaryExpression(assignment) || assignment.getRight() !== call) return false;
  const target = assignment.getLeft();
  if (!isModuleVariable(target)) return false;
  const operator = assignment.getOperatorToken().getKind();
  if (operator === SyntaxKind.QuestionQuestionEqualsToken || operator === SyntaxKind.BarBarEqualsToken) return true;
  if (operator !== SyntaxKind.EqualsToken) return false;
  const name = target.getText();
  return assignment.getAncestors().some((ancestor) => Node.isIfStatement(ancestor) && ancestor.getThenStatement().containsRange(call.getPos(), call.getEnd()) && mentions(ancestor.getExpression(), name));
}

function isModuleVariable(target: Node): boolean {
  if (!Node.isIdentifier(target)) return false;
  const declaration = target.getSymbol()?.getDeclarations()[0];
  return declaration !== undefined && Node.isVariableDeclaration(declaration) && Node.isSourceFile(declaration.getVariableStatement()?.getParent());
}

function mentions(condition: Node, name: string): boolean {
  if (Node.isIdentifier(condition)) return condition.getText() === name;
  return condition.getDescendantsOfKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === name);
}
