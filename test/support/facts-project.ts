import * as assert from 'node:assert/strict';
import { Node, SyntaxKind, type CallExpression, type NewExpression, type SourceFile } from 'ts-morph';
import { AnalysisProject } from 'preflight-server';
import type { FunctionLike } from 'preflight-server/out/facts/function-summary';

/** One in-memory project for the facts tests: the standard library is parsed once. */
let shared: AnalysisProject | undefined;
let counter = 0;

export function factsProject(): AnalysisProject {
  shared ??= new AnalysisProject({ inMemory: true });
  return shared;
}

/**
 * Loads `files` (name → text) into a fresh folder of the shared in-memory
 * project, so that relative imports between them resolve, hands the source
 * files to `inspect` by name, and removes them afterwards.
 */
export function withFiles<T>(files: Record<string, string>, inspect: (file: (name: string) => SourceFile) => T): T {
  counter += 1;
  const folder = `/facts-case/${counter}`;
  const project = factsProject();
  const paths = Object.keys(files).map((name) => `${folder}/${name}`);
  Object.entries(files).forEach(([name, text]) => project.upsert(`${folder}/${name}`, text));
  try {
    return inspect((name) => {
      const sourceFile = project.get(`${folder}/${name}`);
      assert.ok(sourceFile, `no file ${name}`);
      return sourceFile;
    });
  } finally {
    paths.forEach((path) => project.remove(path));
  }
}

/** One file: `withFiles({ [filename]: code }, ...)`. */
export function withFile<T>(code: string, inspect: (sourceFile: SourceFile) => T, filename = 'case.ts'): T {
  return withFiles({ [filename]: code }, (file) => inspect(file(filename)));
}

/** The function, method or arrow/function expression held by a variable or property named `name`. */
export function functionNamed(sourceFile: SourceFile, name: string): FunctionLike {
  const found = sourceFile.getFirstDescendant((node) => {
    if ((Node.isFunctionDeclaration(node) || Node.isMethodDeclaration(node)) && node.getName() === name && node.getBody()) return true;
    if ((Node.isVariableDeclaration(node) || Node.isPropertyDeclaration(node)) && node.getName() === name) {
      const initializer = node.getInitializer();
      return initializer !== undefined && (Node.isArrowFunction(initializer) || Node.isFunctionExpression(initializer));
    }
    return false;
  });
  assert.ok(found, `no function named ${name}`);
  if (Node.isVariableDeclaration(found) || Node.isPropertyDeclaration(found)) return found.getInitializerOrThrow() as unknown as FunctionLike;
  return found as FunctionLike;
}

/** The first call (or `new`) whose text starts with `prefix`. */
export function callStartingWith(sourceFile: SourceFile, prefix: string): CallExpression | NewExpression {
  const found = sourceFile.getFirstDescendant(
    (node) => (Node.isCallExpression(node) || Node.isNewExpression(node)) && node.getText().startsWith(prefix),
  );
  assert.ok(found, `no call starting with ${prefix}`);
  return found as CallExpression | NewExpression;
}

/** The first call expression whose text starts with `prefix`. */
export function callExpressionStartingWith(sourceFile: SourceFile, prefix: string): CallExpression {
  const found = sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .find((node) => node.getText().startsWith(prefix));
  assert.ok(found, `no call starting with ${prefix}`);
  return found;
}

/** The expression of the file's last statement. */
export function lastExpression(sourceFile: SourceFile): Node {
  const statements = sourceFile.getStatements();
  const last = statements[statements.length - 1];
  assert.ok(last && Node.isExpressionStatement(last), 'the last statement must be an expression');
  return last.getExpression();
}

/** A set of failure kinds as a sorted array, for deepEqual. */
export function kinds(set: ReadonlySet<string>): string[] {
  return [...set].sort();
}
