import { Node, type ClassDeclaration, type MethodDeclaration } from 'ts-morph';
import type { FileFacts } from './index';
import { START_UP_HOOKS } from './tables/lifecycle-hooks';

const MAX_DEPTH = 3;

/**
 * Code that runs once while the application starts, before it serves a
 * request: a framework's start-up hook (Nest `onModuleInit` of a class that
 * implements `OnModuleInit`), or a method of the same class that only such
 * hooks call (every reference to it, in any file, is inside one).
 */
export function isStartUpCode(node: Node, facts: FileFacts): boolean {
  const method = node.getFirstAncestor((ancestor): ancestor is MethodDeclaration => Node.isMethodDeclaration(ancestor));
  const owner = method?.getParent();
  if (!method || !owner || !Node.isClassDeclaration(owner)) return false;
  const hooks = startUpHookNames(owner, facts);
  return hooks.size > 0 && runsOnlyAtStartUp(method, hooks, 0);
}

function runsOnlyAtStartUp(method: MethodDeclaration, hooks: ReadonlySet<string>, level: number): boolean {
  if (hooks.has(method.getName())) return true;
  if (level >= MAX_DEPTH) return false;
  const name = method.getNameNode();
  if (!Node.isIdentifier(name)) return false;
  const references = name.findReferencesAsNodes().filter((reference) => reference !== name);
  return (
    references.length > 0 &&
    references.every((reference: Node) => {
      const caller = reference.getFirstAncestor((ancestor: Node): ancestor is MethodDeclaration => Node.isMethodDeclaration(ancestor));
      return caller !== undefined && caller.getParent() === method.getParent() && runsOnlyAtStartUp(caller, hooks, level + 1);
    })
  );
}

/** The hook methods a class declares through the framework interfaces it implements. */
function startUpHookNames(owner: ClassDeclaration, facts: FileFacts): Set<string> {
  const names = new Set<string>();
  for (const implemented of owner.getImplements()) {
    const origin = facts.origin(implemented.getExpression());
    if (origin.kind !== 'module' || origin.path.length !== 1) continue;
    for (const library of START_UP_HOOKS) {
      const hook = library.module === origin.module ? library.hooks[origin.path[0]!] : undefined;
      if (hook) names.add(hook);
    }
  }
  return names;
}
