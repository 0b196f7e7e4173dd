import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath } from './origin';

/** Property names that make a JSON object a log record. */
const LEVEL_KEYS = new Set(['level', 'severity', 'lvl', 'loglevel', 'logLevel']);
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug']);

/**
 * A hand-written structured logger: a write to stdout/stderr or the console of
 * `JSON.stringify({ level, message, ... })`. Counts as structured logging like a
 * logging library does.
 */
export function jsonLogWrites(facts: FileFacts): CallExpression[] {
  return facts.memo('jsonLogging.writes', () =>
    facts.nodes.ofKind(SyntaxKind.CallExpression).filter((call) => mentionsStringify(call) && isOutputCall(call, facts) && writesJsonRecord(call, facts)),
  );
}

/** The record is built in the call (`JSON.stringify(...)` among its arguments): checked before resolving anything. */
function mentionsStringify(call: CallExpression): boolean {
  return call.getArguments().some((argument) => argument.getText().includes('stringify'));
}

function isOutputCall(call: CallExpression, facts: FileFacts): boolean {
  // Only `x.write(...)` or `x.log(...)`-style calls can be output: resolve nothing else.
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const name = callee.getName();
  if (name !== 'write' && !CONSOLE_METHODS.has(name)) return false;
  const origin = facts.origin(callee);
  if (origin.kind !== 'global') return false;
  if (samePath(origin.path, ['process', 'stdout', 'write']) || samePath(origin.path, ['process', 'stderr', 'write'])) return true;
  return origin.path.length === 2 && origin.path[0] === 'console' && CONSOLE_METHODS.has(origin.path[1]!);
}

function writesJsonRecord(call: CallExpression, facts: FileFacts): boolean {
  return call.getArguments().some((argument) =>
    [argument, ...argument.getDescendantsOfKind(SyntaxKind.CallExpression)].some((inner) => {
      if (!Node.isCallExpression(inner)) return false;
      const origin = facts.origin(inner.getExpression());
      if (origin.kind !== 'global' || !samePath(origin.path, ['JSON', 'stringify'])) return false;
      const [record] = inner.getArguments();
      return record !== undefined && Node.isObjectLiteralExpression(record) && record.getProperties().some((property) => {
        const name = Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property) ? property.getName() : undefined;
        return name !== undefined && LEVEL_KEYS.has(name);
      });
    }),
  );
}
