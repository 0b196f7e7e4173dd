import * as path from 'node:path';
import { LIBRARIES, libraryMatches, type LibraryKind } from './tables/libraries';
import { SERVER_PACKAGES } from './tables/frameworks';

export type DependencySection = 'dependencies' | 'devDependencies' | 'peerDependencies' | 'optionalDependencies';

const SECTIONS: readonly DependencySection[] = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

export interface Dependency {
  name: string;
  version: string;
  section: DependencySection;
  /** 1-based line of the entry in package.json (0 when it could not be located). */
  line: number;
}

/** One package.json: the dependencies a program declares. */
export interface PackageManifest {
  /** Absolute path of the package.json. */
  file: string;
  /** The folder it describes: the program's root. */
  dir: string;
  name?: string;
  dependencies: Dependency[];
}

/** Parses a package.json; throws with a clear message when it is not a JSON object. */
export function parsePackageManifest(file: string, text: string): PackageManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file}: not a JSON object`);
  const record = json as Record<string, unknown>;
  const dependencies: Dependency[] = [];
  for (const section of SECTIONS) {
    const entries = record[section];
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) continue;
    const sectionStart = text.indexOf(`"${section}"`);
    for (const [name, version] of Object.entries(entries as Record<string, unknown>)) {
      dependencies.push({ name, version: String(version), section, line: lineOfKey(text, name, sectionStart) });
    }
  }
  return { file, dir: path.dirname(file), name: typeof record.name === 'string' ? record.name : undefined, dependencies };
}

function lineOfKey(text: string, key: string, from: number): number {
  if (from < 0) return 0;
  const index = text.indexOf(`"${key}"`, from);
  if (index < 0) return 0;
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The package.json that owns `filePath`: the one in the deepest folder containing it. */
export function owningManifest(filePath: string, manifests: readonly PackageManifest[]): PackageManifest | undefined {
  let best: PackageManifest | undefined;
  for (const manifest of manifests) {
    const relative = path.relative(manifest.dir, filePath);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    if (!best || manifest.dir.length > best.dir.length) best = manifest;
  }
  return best;
}

/**
 * Dependencies that bring a library of `kind`. Entries that only count for one
 * named export (`Logger` from `@nestjs/common`) are skipped: the dependency alone proves nothing.
 */
export function dependenciesOfKind(manifest: PackageManifest, kind: LibraryKind, options: { includeDev?: boolean } = {}): Dependency[] {
  return manifest.dependencies.filter(
    (dependency) =>
      (options.includeDev || dependency.section !== 'devDependencies') &&
      LIBRARIES[kind].some((entry) => entry.member === undefined && libraryMatches(entry, dependency.name)),
  );
}

/** Dependencies on an HTTP server framework. */
export function serverFrameworkDependencies(manifest: PackageManifest): Dependency[] {
  return manifest.dependencies.filter((dependency) => dependency.section !== 'devDependencies' && SERVER_PACKAGES.includes(dependency.name));
}

/**
 * True when the package.json that owns the file (the nearest one above it, read
 * through the project's file system) lists `name` among the dependencies it
 * ships with (not devDependencies). False when there is none or it cannot be read.
 */
export function ownPackageDependsOn(sourceFile: import('ts-morph').SourceFile, name: string): boolean {
  const fileSystem = sourceFile.getProject().getFileSystem();
  for (let folder = path.posix.dirname(sourceFile.getFilePath()); ; folder = path.posix.dirname(folder)) {
    const file = path.posix.join(folder, 'package.json');
    if (fileSystem.fileExistsSync(file)) {
      try {
        return parsePackageManifest(file, fileSystem.readFileSync(file)).dependencies.some((dependency) => dependency.name === name && dependency.section !== 'devDependencies');
      } catch {
        return false;
      }
    }
    if (path.posix.dirname(folder) === folder) return false;
  }
}
