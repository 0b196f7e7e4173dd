import { SyntaxKind, type SourceFile } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { addImportStatement } from './default-import';
import { importDeclarationsOf } from '../facts/syntax';

/** Brings in `name` from `module`: `import { name } from './module'`, or `const { name } = require('./module')` in CommonJS. */
export function addNamedImport(sourceFile: SourceFile, name: string, module: string): TextEdit {
  return addImportStatement(sourceFile, (quoted) => ({ esm: `import { ${name} } from ${quoted}`, commonJs: `const { ${name} } = require(${quoted})` }), module);
}

/**
 * Brings in each of `names` from the package `module`, adding to the file's
 * existing `import { ... } from 'module'` when it has one (names it already
 * imports are left out), else as a new import statement.
 */
export function addNamedImports(sourceFile: SourceFile, names: readonly string[], module: string): TextEdit | undefined {
  const existing = importDeclarationsOf(sourceFile).find((declaration) => declaration.getModuleSpecifierValue() === module && !declaration.isTypeOnly() && declaration.getNamedImports().length > 0);
  if (!existing) return addImportStatement(sourceFile, (quoted) => ({ esm: `import { ${names.join(', ')} } from ${quoted}`, commonJs: `const { ${names.join(', ')} } = require(${quoted})` }), module);
  const imported = new Set(existing.getNamedImports().map((specifier) => specifier.getName()));
  const missing = names.filter((name) => !imported.has(name));
  if (missing.length === 0) return undefined;
  const last = existing.getNamedImports().at(-1)!;
  const trailingComma = last.getNextSibling()?.getKind() === SyntaxKind.CommaToken;
  return trailingComma
    ? { start: last.getNextSiblingOrThrow().getEnd(), end: last.getNextSiblingOrThrow().getEnd(), newText: ` ${missing.join(', ')},` }
    : { start: last.getEnd(), end: last.getEnd(), newText: `, ${missing.join(', ')}` };
}
