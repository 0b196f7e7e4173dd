import { Node } from 'ts-morph';
import { unwrapExpression } from '../facts/syntax';

/**
 * The node a finding about a call is reported on: its callee
 * (`this.scheduler.schedule` of a six-line `this.scheduler.schedule(a, b, c)`),
 * which names the call without underlining its arguments. An immediately
 * invoked function has no name: the whole call is reported.
 */
export function calleeOf(node: Node): Node {
  const call = unwrapExpression(node);
  if (!Node.isCallExpression(call) && !Node.isNewExpression(call)) return node;
  const callee = call.getExpression();
  const bare = unwrapExpression(callee);
  if (Node.isArrowFunction(bare) || Node.isFunctionExpression(bare)) return node;
  return callee;
}
