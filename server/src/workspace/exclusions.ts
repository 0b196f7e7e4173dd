import { isAnalysablePath } from '../parse/project';

/** Folders never walked into: dependencies, build output, coverage, VCS data. */
export const EXCLUDED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'coverage', 'out', 'bower_components', 'jspm_packages']);

/** Folders that hold tests (rules.md: test files are not analysed). */
export const TEST_DIRECTORIES: ReadonlySet<string> = new Set(['__tests__', 'test', 'tests']);

const TEST_FILE = /\.(test|spec)\.[^/\\]+$/;

export function isTestFileName(fileName: string): boolean {
  return TEST_FILE.test(fileName);
}

/**
 * Why a folder is not walked into by default, or undefined when it is walked.
 * Dot-folders (`.git`, `.next`, `.cache`, ...) hold VCS data, tool caches or build output.
 */
export function excludedDirectoryReason(name: string): string | undefined {
  if (name.startsWith('.')) return 'hidden folder';
  if (EXCLUDED_DIRECTORIES.has(name)) return 'dependencies or generated output';
  if (TEST_DIRECTORIES.has(name)) return 'test folder';
  return undefined;
}

/**
 * Why a file is not analysed by default, judged by its path relative to the
 * folder being checked (so a checked folder that is itself named `test` still
 * counts), or undefined when it is analysed.
 */
export function defaultExclusionReason(relativePath: string): string | undefined {
  const segments = relativePath.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  const fileName = segments.pop() ?? '';
  for (const folder of segments) {
    const reason = excludedDirectoryReason(folder);
    if (reason) return reason;
  }
  if (/\.d\.[cm]?ts$/.test(fileName)) return 'type declaration file';
  if (!isAnalysablePath(fileName)) return 'not a JavaScript or TypeScript source file';
  if (isTestFileName(fileName)) return 'test file';
  return undefined;
}
