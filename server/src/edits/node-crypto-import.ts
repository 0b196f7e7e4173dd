import type { SourceFile } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { defaultImportName, namedImportName } from '../facts/imports';
import { normaliseModuleName } from '../facts/origin';
import { addNamedImports } from './named-import';

/**
 * How the file calls a function of Node's `crypto` module, and the import that
 * takes when it has none: through the namespace or default it already imports
 * (`crypto.randomInt`), through its own named import (`randomInt`), or through
 * a named import added to its `crypto` import, else a new `node:crypto` one in
 * the file's module style (`import { randomInt } from 'node:crypto'`,
 * `const { randomInt } = require('node:crypto')`).
 */
export function nodeCryptoFunction(facts: FileFacts, name: string): { callee: string; importEdit?: TextEdit } {
  const sourceFile = facts.sourceFile;
  for (const specifier of cryptoSpecifiers(sourceFile)) {
    const named = namedImportName(facts, specifier, name);
    if (named) return { callee: named };
  }
  const whole = namespaceImportName(sourceFile) ?? defaultImportName(facts, 'crypto');
  if (whole) return { callee: `${whole}.${name}` };
  const existing = cryptoSpecifiers(sourceFile).find((specifier) =>
    sourceFile.getImportDeclarations().some((declaration) => declaration.getModuleSpecifierValue() === specifier && !declaration.isTypeOnly() && declaration.getNamedImports().length > 0),
  );
  const edit = addNamedImports(sourceFile, [name], existing ?? 'node:crypto');
  return { callee: name, ...(edit ? { importEdit: edit } : {}) };
}

function cryptoSpecifiers(sourceFile: SourceFile): string[] {
  const written = sourceFile.getImportDeclarations().map((declaration) => declaration.getModuleSpecifierValue());
  const required = sourceFile.getFullText().match(/require\(\s*['"](?:node:)?crypto['"]\s*\)/g)?.map((call) => call.replace(/^require\(\s*['"]|['"]\s*\)$/g, '')) ?? [];
  return [...new Set([...written, ...required])].filter((specifier) => normaliseModuleName(specifier) === 'crypto');
}

function namespaceImportName(sourceFile: SourceFile): string | undefined {
  for (const declaration of sourceFile.getImportDeclarations()) {
    if (declaration.isTypeOnly() || normaliseModuleName(declaration.getModuleSpecifierValue()) !== 'crypto') continue;
    const namespace = declaration.getNamespaceImport();
    if (namespace) return namespace.getText();
  }
  return undefined;
}
