import * as path from 'node:path';
import type { SourceFile } from 'ts-morph';
import { owningPackageOf, type OwningPackage } from './packages';
import { importDeclarationsOf } from './syntax';

/**
 * The folder where a project-wide helper module of the file's package
 * belongs: `<package>/src/lib` for a file under the package's `src/`,
 * `<package>/lib` otherwise, and the file's own folder when no package.json
 * owns it. One place per package, so a helper is found again, never written twice.
 */
export function helperModuleFolder(sourceFile: SourceFile, owner: OwningPackage | undefined = owningPackageOf(sourceFile)): string {
  const filePath = sourceFile.getFilePath();
  if (!owner) return path.posix.dirname(filePath);
  const source = path.posix.join(owner.manifest.dir, 'src');
  const underSource = !path.posix.relative(source, filePath).startsWith('..');
  return path.posix.join(underSource ? source : owner.manifest.dir, 'lib');
}

/** The first of `candidates` (absolute paths) that exists, read through the project's file system, with its text. */
export function existingFile(sourceFile: SourceFile, candidates: readonly string[]): { file: string; text: string } | undefined {
  const fileSystem = sourceFile.getProject().getFileSystem();
  for (const file of candidates) {
    if (!fileSystem.fileExistsSync(file)) continue;
    try {
      return { file, text: fileSystem.readFileSync(file) };
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * How the file imports `target`: a relative specifier (`./lib/with-retry`,
 * `../lib/with-retry.js`), with the extension only when the file's module
 * system needs one: an ES module in JavaScript, or a file whose relative
 * imports already end in `.js` (TypeScript under `NodeNext`).
 */
export function relativeSpecifier(sourceFile: SourceFile, target: string, needsExtension: boolean): string {
  let specifier = path.posix.relative(path.posix.dirname(sourceFile.getFilePath()), target);
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  const extension = path.posix.extname(target);
  const withoutExtension = specifier.slice(0, specifier.length - extension.length);
  if (!needsExtension && !relativeImportsHaveExtensions(sourceFile)) return withoutExtension;
  // TypeScript imports the compiled name: `./with-retry.js` for `with-retry.ts`.
  return `${withoutExtension}${{ '.ts': '.js', '.mts': '.mjs', '.cts': '.cjs' }[extension] ?? extension}`;
}

function relativeImportsHaveExtensions(sourceFile: SourceFile): boolean {
  return importDeclarationsOf(sourceFile)
    .map((declaration) => declaration.getModuleSpecifierValue())
    .some((specifier) => specifier.startsWith('.') && /\.[cm]?js$/.test(specifier));
}
