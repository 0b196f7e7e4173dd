import { Node, SyntaxKind } from 'ts-morph';
import type { FileFacts } from './index';
import { unwrapExpression } from './syntax';
import { isRelativeModule } from './imports';
import { DATABASE_CLIENTS } from './tables/databases';

/** The package class an object is an instance of: `private pubsub: PubSub` (graphql-subscriptions), `new PrismaClient()`. */
export interface InstanceOrigin {
  module: string;
  className: string;
}

/**
 * The package class an expression holds an instance of, read from what the
 * code declares rather than from resolved types (packages' types are often
 * not installed where Preflight runs): the declared type of a property,
 * parameter or variable (`private readonly pubsub: LocalPubSub`), or the
 * `new X()` it was initialised with. A project class that extends a package
 * class (`class PrismaService extends PrismaClient`) counts as that class.
 */
export function declaredInstanceOrigin(expression: Node, facts: FileFacts, level = 0): InstanceOrigin | undefined {
  if (level > 4) return undefined;
  const node = unwrapExpression(expression);
  if (Node.isNewExpression(node)) return classOrigin(node.getExpression(), facts, level);
  // `(tx || this.prisma).user`, `client ?? defaultClient`: either side names the class.
  if (Node.isBinaryExpression(node) && [SyntaxKind.BarBarToken, SyntaxKind.QuestionQuestionToken].includes(node.getOperatorToken().getKind())) {
    return declaredInstanceOrigin(node.getLeft(), facts, level + 1) ?? declaredInstanceOrigin(node.getRight(), facts, level + 1);
  }
  if (Node.isConditionalExpression(node)) {
    return declaredInstanceOrigin(node.getWhenTrue(), facts, level + 1) ?? declaredInstanceOrigin(node.getWhenFalse(), facts, level + 1);
  }
  if (!Node.isIdentifier(node) && !Node.isPropertyAccessExpression(node)) return undefined;
  const declaration = node.getSymbol()?.getValueDeclaration() ?? sameClassProperty(node);
  if (!declaration) return undefined;
  if (
    Node.isPropertyDeclaration(declaration) ||
    Node.isParameterDeclaration(declaration) ||
    Node.isVariableDeclaration(declaration) ||
    Node.isPropertySignature(declaration)
  ) {
    const typeNode = declaration.getTypeNode();
    if (typeNode && Node.isTypeReference(typeNode)) {
      const fromType = classOrigin(typeNode.getTypeName(), facts, level);
      if (fromType) return fromType;
    }
    const initializer = Node.isPropertySignature(declaration) ? undefined : declaration.getInitializer();
    if (initializer) return declaredInstanceOrigin(initializer, facts, level + 1);
  }
  return undefined;
}

/** A class name: a project class whose `extends` chain reaches a package class, or a class imported from a package. */
function classOrigin(name: Node, facts: FileFacts, level: number): InstanceOrigin | undefined {
  const target = Node.isQualifiedName(name) ? name.getRight() : name;
  if (level <= 4 && Node.isIdentifier(target)) {
    const symbol = target.getSymbol();
    const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
    for (const declaration of resolved?.getDeclarations() ?? []) {
      if (!Node.isClassDeclaration(declaration) || declaration.getSourceFile().isDeclarationFile()) continue;
      const base = declaration.getExtends()?.getExpression();
      return base ? classOrigin(base, facts.forFile(declaration.getSourceFile()), level + 1) : undefined;
    }
  }
  const origin = facts.origin(Node.isQualifiedName(name) ? name.getLeft() : name);
  if (origin.kind !== 'module' || (isRelativeModule(origin.module) && !isGeneratedClientModule(origin.module))) return undefined;
  const path = Node.isQualifiedName(name) ? [...origin.path, target.getText()] : origin.path;
  // A package's default export (`import Redlock from 'redlock'`) goes by the name the file gives it.
  const className = path.length > 0 ? path[path.length - 1] : target.getText();
  return className ? { module: origin.module, className } : undefined;
}

/** `./generated/prisma/client`: a package's client generated into the project (Prisma's `output`), imported by a relative path. */
function isGeneratedClientModule(module: string): boolean {
  return DATABASE_CLIENTS.some((library) => library.generatedModule?.test(module) === true);
}

/** `this.x` in an untyped class: the property or constructor parameter property `x` of the enclosing class. */
function sameClassProperty(node: Node): Node | undefined {
  if (!Node.isPropertyAccessExpression(node) || node.getExpression().getKind() !== SyntaxKind.ThisKeyword) return undefined;
  const cls = node.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
  if (!cls || !(Node.isClassDeclaration(cls) || Node.isClassExpression(cls))) return undefined;
  const name = node.getName();
  return (
    cls.getProperty(name) ??
    cls
      .getConstructors()
      .flatMap((c) => c.getParameters())
      .find((p) => p.isParameterProperty() && p.getName() === name)
  );
}
