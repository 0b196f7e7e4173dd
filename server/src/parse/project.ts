import { Project, ScriptTarget, ModuleKind, ModuleResolutionKind, ts, type SourceFile } from 'ts-morph';
import { ProjectModuleGuesser } from './module-paths';

/** Files larger than this are not analysed (minified bundles, generated code). */
export const MAX_ANALYSED_BYTES = 1_000_000;

export interface ParseProblem {
  message: string;
  /** 0-based line of the first syntax error. */
  line: number;
  character: number;
}

const generations = new WeakMap<Project, number>();

/**
 * A number that changes whenever a file of the project is added, changed or
 * removed: facts that follow calls across files (function summaries) are only
 * reused while it stays the same.
 */
export function projectGeneration(project: Project): number {
  return generations.get(project) ?? 0;
}

function bumpGeneration(project: Project): void {
  generations.set(project, projectGeneration(project) + 1);
}

/** How the analysis program compiles: every file is JS or TS, resolved as a bundler would (also used to build the module graph). */
export const ANALYSIS_COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  noEmit: true,
  strict: true,
  target: ScriptTarget.ES2022,
  module: ModuleKind.ESNext,
  moduleResolution: ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  types: [],
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
};

/**
 * The ts-morph project that holds the files under analysis. One per CLI run or
 * language-server session: files are added or replaced, never re-created, so
 * the type checker can reuse what it already built.
 */
export class AnalysisProject {
  readonly project: Project;
  /**
   * Module resolutions shared by every file and every program the project builds: the thousands of imports
   * of a large package name the same few hundred modules and packages, and each edit rebuilds the program.
   * Only for a project that lives through edits (the language server's): a run that builds one program
   * gains no time from it and holds every resolution to the end (about 130 MB on a 1,900-file package).
   */
  private resolutionCache: ts.ModuleResolutionCache | undefined;
  private readonly sharesResolutions: boolean;

  constructor(options: { inMemory?: boolean; rebuiltOnEdits?: boolean } = {}) {
    this.sharesResolutions = options.rebuiltOnEdits === true;
    const guesser = new ProjectModuleGuesser();
    this.project = new Project({
      useInMemoryFileSystem: options.inMemory ?? false,
      // The project's own aliases (`~/x`, `src/x`, tsconfig `paths`) resolve even when no tsconfig is at hand,
      // so summaries can follow calls into the files they name.
      resolutionHost: options.inMemory
        ? undefined
        : (moduleResolutionHost, getCompilerOptions) => ({
            resolveModuleNames: (moduleNames, containingFile) =>
              moduleNames.map((name) => {
                const compilerOptions = getCompilerOptions();
                if (this.sharesResolutions) this.resolutionCache ??= ts.createModuleResolutionCache(process.cwd(), (file) => file, compilerOptions);
                const resolved = ts.resolveModuleName(name, containingFile, compilerOptions, moduleResolutionHost, this.resolutionCache).resolvedModule;
                if (resolved) return resolved;
                const guessed = guesser.resolve(name, containingFile);
                return guessed ? { resolvedFileName: guessed, extension: extensionOf(guessed), isExternalLibraryImport: false } : undefined;
              }),
          }),
      skipAddingFilesFromTsConfig: true,
      skipFileDependencyResolution: true,
      compilerOptions: ANALYSIS_COMPILER_OPTIONS,
    });
  }

  /** Adds the file, or replaces its text when it is already loaded. */
  upsert(filePath: string, text: string): SourceFile {
    const existing = this.project.getSourceFile(filePath);
    if (existing) {
      if (existing.getFullText() !== text) {
        existing.replaceWithText(text);
        bumpGeneration(this.project);
      }
      return existing;
    }
    bumpGeneration(this.project);
    return this.project.createSourceFile(filePath, text, { overwrite: true });
  }

  /** Files were created or deleted on disk: imports are resolved afresh. */
  forgetModuleResolutions(): void {
    this.resolutionCache = undefined;
  }

  get(filePath: string): SourceFile | undefined {
    return this.project.getSourceFile(filePath);
  }

  remove(filePath: string): void {
    const file = this.project.getSourceFile(filePath);
    if (file) {
      this.project.removeSourceFile(file);
      bumpGeneration(this.project);
    }
  }
}

function extensionOf(file: string): ts.Extension {
  const extensions = [ts.Extension.Dts, ts.Extension.Tsx, ts.Extension.Ts, ts.Extension.Mts, ts.Extension.Cts, ts.Extension.Jsx, ts.Extension.Js, ts.Extension.Mjs, ts.Extension.Cjs];
  return extensions.find((extension) => file.endsWith(extension)) ?? ts.Extension.Ts;
}

/** The first syntax error of a file, if it has any. */
export function firstParseProblem(sourceFile: SourceFile): ParseProblem | undefined {
  const diagnostics = (sourceFile.compilerNode as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] })
    .parseDiagnostics;
  const first = diagnostics?.[0];
  if (!first) return undefined;
  const { line, character } = sourceFile.compilerNode.getLineAndCharacterOfPosition(first.start);
  return { message: ts.flattenDiagnosticMessageText(first.messageText, '\n'), line, character };
}

/** JS/TS files the engine analyses, by extension. */
export const ANALYSED_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** A TypeScript file (`.ts`, `.tsx`, `.mts`, `.cts`): fixes may write types there. */
export function isTypeScriptPath(filePath: string): boolean {
  return /\.[cm]?tsx?$/.test(filePath);
}

export function isAnalysablePath(filePath: string): boolean {
  if (filePath.endsWith('.d.ts') || filePath.endsWith('.d.mts') || filePath.endsWith('.d.cts')) return false;
  return ANALYSED_EXTENSIONS.some((ext) => filePath.endsWith(ext));
}

/**
 * A project for per-file facts that need no other file: no lib, no module
 * resolution, no type checking across files. Files are added in batches and
 * dropped after their facts are read, so the program is built once per batch
 * (not once per file) and memory stays bounded however large the workspace.
 */
export class SyntaxOnlyProject {
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { allowJs: true, noLib: true, noResolve: true, noEmit: true, jsx: ts.JsxEmit.Preserve, types: [] },
  });

  /** Parses the batch, gives each parsed file to `read`, then forgets them all. */
  withFiles<T>(batch: readonly { file: string; text: string }[], read: (sourceFile: SourceFile, file: string) => T): T[] {
    const sourceFiles = batch.map(({ file, text }) => this.project.createSourceFile(file, text, { overwrite: true }));
    try {
      return sourceFiles.map((sourceFile, index) => read(sourceFile, batch[index]!.file));
    } finally {
      for (const sourceFile of sourceFiles) this.project.removeSourceFile(sourceFile);
    }
  }
}
