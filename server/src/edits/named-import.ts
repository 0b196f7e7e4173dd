import type { SourceFile } from 'ts-morph';
import type { TextEdit } from '../engine/finding';
import { addImportStatement } from './default-import';

/** Brings in `name` from `module`: `import { name } from './module'`, or `const { name } = require('./module')` in CommonJS. */
export function addNamedImport(sourceFile: SourceFile, name: string, module: string): TextEdit {
  return addImportStatement(sourceFile, (quoted) => ({ esm: `import { ${name} } from ${quoted}`, commonJs: `const { ${name} } = require(${quoted})` }), module);
}
