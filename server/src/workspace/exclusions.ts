import { isAnalysablePath } from '../parse/project';

/** Folders never walked into: dependencies, build output, coverage, VCS data. */
export const EXCLUDED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'coverage', 'out', 'bower_components', 'jspm_packages']);

/**
 * The naming conventions for test code (rules.md: test code is not analysed),
 * as data: the one list the CLI walker, the checklist and the language server
 * all read. A folder convention makes everything below a folder of that name
 * test code; a file marker is a dot-separated part of the file name between
 * its stem and its extension (`login.e2e-spec.ts` has the marker `e2e-spec`).
 */
export const TEST_CONVENTIONS = {
  folders: ['__tests__', '__mocks__', '__fixtures__', 'test', 'tests', 'e2e', 'fixtures'],
  /** `*` stands for any non-empty text without dots: `e2e-*` is `.e2e-spec.`, `.e2e-ee.`. */
  fileMarkers: ['test', 'spec', 'e2e', 'e2e-*', 'stories'],
} as const;

/** Folders that hold test code, by name. */
export const TEST_DIRECTORIES: ReadonlySet<string> = new Set(TEST_CONVENTIONS.folders);

const FILE_MARKERS: readonly { marker: string; test: (part: string) => boolean }[] = TEST_CONVENTIONS.fileMarkers.map((marker) => {
  const star = marker.indexOf('*');
  if (star === -1) return { marker, test: (part: string) => part === marker };
  const before = marker.slice(0, star);
  const after = marker.slice(star + 1);
  return { marker, test: (part: string) => part.length > before.length + after.length && part.startsWith(before) && part.endsWith(after) };
});

/** The convention a file name follows (`*.e2e-*.*`), or undefined for an ordinary name. */
export function testFileNameConvention(fileName: string): string | undefined {
  const parts = fileName.split('.');
  // Not the stem (`test.ts` is an ordinary module) and not the extension.
  for (const part of parts.slice(1, -1)) {
    const found = FILE_MARKERS.find((candidate) => candidate.test(part));
    if (found) return `*.${found.marker}.*`;
  }
  return undefined;
}

export function isTestFileName(fileName: string): boolean {
  return testFileNameConvention(fileName) !== undefined;
}

/**
 * The naming convention that makes `relativePath` test code (`*.spec.*`,
 * `e2e/`), judged on the path below the folder it is relative to, or undefined.
 */
export function testConventionOf(relativePath: string): string | undefined {
  const segments = pathSegments(relativePath);
  const fileName = segments.pop() ?? '';
  const folder = segments.find((segment) => TEST_DIRECTORIES.has(segment));
  if (folder) return `${folder}/`;
  return testFileNameConvention(fileName);
}

function pathSegments(relativePath: string): string[] {
  return relativePath.split(/[\\/]/).filter((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Why a folder is not walked into by default, or undefined when it is walked.
 * Dot-folders (`.git`, `.next`, `.cache`, ...) hold VCS data, tool caches or build output.
 * Test folders are not listed here: whether they are skipped depends on the `tests` config.
 */
export function excludedDirectoryReason(name: string): string | undefined {
  if (name.startsWith('.')) return 'hidden folder';
  if (EXCLUDED_DIRECTORIES.has(name)) return 'dependencies or generated output';
  return undefined;
}

/**
 * Why a file is never analysed whatever the `tests` config says (dependencies,
 * build output, dot-folders, `*.d.ts`, non-source files), judged by its path
 * relative to the folder being checked, or undefined.
 */
export function nonSourceReason(relativePath: string): string | undefined {
  const segments = pathSegments(relativePath);
  const fileName = segments.pop() ?? '';
  for (const folder of segments) {
    const reason = excludedDirectoryReason(folder);
    if (reason) return reason;
  }
  if (/\.d\.[cm]?ts$/.test(fileName)) return 'type declaration file';
  if (!isAnalysablePath(fileName)) return 'not a JavaScript or TypeScript source file';
  return undefined;
}

/**
 * Why a file is not analysed by default, judged by its path relative to the
 * folder being checked (so a checked folder that is itself named `test` still
 * counts), or undefined when it is analysed. Only names count here: the test
 * runners' configuration and the imports are read by TestCodeClassifier.
 */
export function defaultExclusionReason(relativePath: string): string | undefined {
  const reason = nonSourceReason(relativePath);
  if (reason) return reason;
  const convention = testConventionOf(relativePath);
  return convention ? `test code (${convention})` : undefined;
}
