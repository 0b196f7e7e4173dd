import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { libraryImports } from './imports';
import { functionsReachableFrom, type RouteRegistration } from './routes';
import { FEATURE_FLAG_METHODS, FEATURE_FLAG_NAME } from './tables/libraries';

/**
 * Calls that evaluate a feature flag: `ldClient.variation('new-checkout', ...)`,
 * `unleash.isEnabled('x')`, `flags.isEnabled('x')` (see FEATURE_FLAG_METHODS
 * for when a method counts), or a project helper named like one (`isFeatureEnabled('x')`).
 */
export function featureFlagChecks(facts: FileFacts): CallExpression[] {
  return facts.memo('featureFlags.checks', () => {
    const fileUsesSdk = libraryImports(facts, 'feature-flags').length > 0;
    return facts.nodes.ofKind(SyntaxKind.CallExpression).filter((call) => isFlagCheck(call, facts, fileUsesSdk));
  });
}

function isFlagCheck(call: CallExpression, facts: FileFacts, fileUsesSdk: boolean): boolean {
  const callee = call.getExpression();
  if (Node.isPropertyAccessExpression(callee)) {
    const method = callee.getName();
    if (FEATURE_FLAG_METHODS.distinctive.includes(method)) return true;
    if (!FEATURE_FLAG_METHODS.generic.includes(method)) return false;
    if (fileUsesSdk) return true;
    const receiver = callee.getExpression();
    if (FEATURE_FLAG_NAME.test(receiver.getText())) return true;
    const origin = facts.origin(receiver);
    return origin.kind === 'module' && FEATURE_FLAG_NAME.test(origin.module);
  }
  // A helper of the project: `isFeatureEnabled('x')`, `useFlag('x')`.
  return Node.isIdentifier(callee) && FEATURE_FLAG_NAME.test(callee.getText()) && /^(?:is|has|get|use|check|eval)/.test(callee.getText());
}

/**
 * True when a route's handling is behind a flag: a flag check inside its
 * handlers (or the functions of this file they call), or an `if` around the
 * registration whose condition checks a flag.
 */
export function isFlagGuarded(registration: RouteRegistration, facts: FileFacts): boolean {
  const checks = featureFlagChecks(facts);
  if (checks.length === 0) return false;
  const handlers = functionsReachableFrom(registration.handlers, facts);
  const insideHandler = (check: Node): boolean => {
    for (let current: Node | undefined = check.getParent(); current; current = current.getParent()) {
      if (handlers.has(current)) return true;
    }
    return false;
  };
  if (checks.some(insideHandler)) return true;
  for (let current: Node | undefined = registration.node.getParent(); current; current = current.getParent()) {
    if (Node.isIfStatement(current)) {
      const condition = current.getExpression();
      if (checks.some((check) => check === condition || condition.getDescendants().includes(check))) return true;
    }
  }
  return false;
}
