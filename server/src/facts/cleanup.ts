import { Node, type CallExpression } from 'ts-morph';
import { unwrapExpression } from './syntax';
import { CLEANUP_METHODS } from './tables/failures';

/** A call that tears something down: `redis.quit()`, `reader.cancel()`, `worker.terminate()`, `fs.rmSync(tmp)`. */
export function isCleanupCall(call: CallExpression): boolean {
  const callee = unwrapExpression(call.getExpression());
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : undefined;
  return name !== undefined && CLEANUP_METHODS.includes(name);
}
