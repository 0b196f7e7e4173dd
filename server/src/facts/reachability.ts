import { Node, SyntaxKind, type Identifier } from 'ts-morph';
import type { FileFacts } from './index';

/**
 * True when `node` sits in code that can never run: a top-level function of
 * the module that is not exported and that nothing in the module refers to,
 * except other such functions (TypeScript greys these out as unused). Code
 * that never runs cannot fail in production; once something calls it, it is
 * analysed like the rest.
 */
export function isUnreachable(node: Node, facts: FileFacts): boolean {
  const top = topLevelFunction(node);
  return top !== undefined && unreachableFunctions(facts).has(top);
}

/** The module-level function declaration, or `const f = () => ...`, that contains `node`. */
function topLevelFunction(node: Node): Node | undefined {
  let current: Node | undefined = node;
  while (current && !Node.isSourceFile(current)) {
    const parent: Node | undefined = current.getParent();
    if (parent && Node.isSourceFile(parent)) return Node.isFunctionDeclaration(current) || Node.isVariableStatement(current) ? current : undefined;
    current = parent;
  }
  return undefined;
}

function unreachableFunctions(facts: FileFacts): ReadonlySet<Node> {
  return facts.memo('reachability.unreachable', () => {
    const sourceFile = facts.sourceFile;
    // Scripts without imports or exports share one global scope: anything may be used from another file.
    const isModule = sourceFile.getImportDeclarations().length > 0 || sourceFile.getExportSymbols().length > 0;
    if (!isModule) return new Set<Node>();
    const candidates = new Map<string, Node>();
    for (const statement of sourceFile.getStatements()) {
      const name = privateFunctionName(statement);
      if (name !== undefined) candidates.set(name, statement);
    }
    if (candidates.size === 0) return new Set<Node>();
    // References to each candidate, by the statement they occur in.
    const usedBy = new Map<Node, Set<Node | 'module'>>();
    for (const identifier of facts.nodes.ofKind(SyntaxKind.Identifier)) {
      const declaration = candidates.get(identifier.getText());
      if (!declaration || isDeclarationName(identifier, declaration)) continue;
      const from = topLevelFunction(identifier);
      if (from === declaration) continue;
      const users = usedBy.get(declaration) ?? new Set<Node | 'module'>();
      users.add(from && candidates.get(privateFunctionName(from) ?? '') === from ? from : 'module');
      usedBy.set(declaration, users);
    }
    // Reachable: used from the module's live code, or from a reachable candidate (fixed point).
    const reachable = new Set<Node>();
    let changed = true;
    while (changed) {
      changed = false;
      for (const declaration of candidates.values()) {
        if (reachable.has(declaration)) continue;
        const users = usedBy.get(declaration);
        if (users && [...users].some((user) => user === 'module' || reachable.has(user))) {
          reachable.add(declaration);
          changed = true;
        }
      }
    }
    return new Set([...candidates.values()].filter((declaration) => !reachable.has(declaration)));
  });
}

/** The name of a top-level function that is not exported: `function f() {}`, `const f = async () => {}`. */
function privateFunctionName(statement: Node): string | undefined {
  if (Node.isFunctionDeclaration(statement)) {
    return statement.isExported() || statement.isDefaultExport() ? undefined : statement.getName();
  }
  if (Node.isVariableStatement(statement) && !statement.isExported()) {
    const [declaration, ...others] = statement.getDeclarations();
    if (!declaration || others.length > 0) return undefined;
    const initializer = declaration.getInitializer();
    const isFunction = initializer !== undefined && (Node.isArrowFunction(initializer) || Node.isFunctionExpression(initializer));
    return isFunction && Node.isIdentifier(declaration.getNameNode()) ? declaration.getName() : undefined;
  }
  return undefined;
}

function isDeclarationName(identifier: Identifier, declaration: Node): boolean {
  const parent = identifier.getParent();
  return parent === declaration || (Node.isVariableDeclaration(parent) && parent.getVariableStatement() === declaration);
}
