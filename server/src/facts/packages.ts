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

/** The package.json that owns a source file, read through the project's file system, with its text (for fixes that edit it). */
export interface OwningPackage {
  manifest: PackageManifest;
  text: string;
}

/**
 * The nearest package.json above the file, read through the project's file
 * system. Undefined when there is none or it is not a JSON object.
 */
export function owningPackageOf(sourceFile: import('ts-morph').SourceFile): OwningPackage | undefined {
  const fileSystem = sourceFile.getProject().getFileSystem();
  for (let folder = path.posix.dirname(sourceFile.getFilePath()); ; folder = path.posix.dirname(folder)) {
    const file = path.posix.join(folder, 'package.json');
    if (fileSystem.fileExistsSync(file)) {
      try {
        const text = fileSystem.readFileSync(file);
        return { manifest: parsePackageManifest(file, text), text };
      } catch {
        return undefined;
      }
    }
    if (path.posix.dirname(folder) === folder) return undefined;
  }
}

/** The dependency the file's own package ships with (not devDependencies), if it lists `name`. */
export function ownDependency(sourceFile: import('ts-morph').SourceFile, name: string): Dependency | undefined {
  return shippedDependency(owningPackageOf(sourceFile)?.manifest, name);
}

/** The manifest's entry for `name` among the dependencies it ships with (not devDependencies). */
export function shippedDependency(manifest: PackageManifest | undefined, name: string): Dependency | undefined {
  return manifest?.dependencies.find((dependency) => dependency.name === name && dependency.section !== 'devDependencies');
}

/**
 * True when the package.json that owns the file (the nearest one above it, read
 * through the project's file system) lists `name` among the dependencies it
 * ships with (not devDependencies). False when there is none or it cannot be read.
 */
export function ownPackageDependsOn(sourceFile: import('ts-morph').SourceFile, name: string): boolean {
  return ownDependency(sourceFile, name) !== undefined;
}

/** The major version a dependency's range starts from (`^6.2.1`, `~4.6`, `6.x`, `>=5`): undefined for tags, URLs and `*`. */
export function majorVersionOf(range: string): number | undefined {
  const match = /^\s*(?:[\^~]|>=?)?\s*v?(\d+)(?:[.\s]|$)/.exec(range);
  return match ? Number(match[1]) : undefined;
}
