import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAnalysablePath } from '../parse/project';
import { isSqlMigrationPath } from '../facts/tables/migration-paths';

/** The editor languages Preflight analyses, with the extension an unsaved document is given. */
const ANALYSED_LANGUAGES: Record<string, string> = {
  javascript: '.js',
  javascriptreact: '.jsx',
  typescript: '.ts',
  typescriptreact: '.tsx',
};

/** SQL documents are analysed when they are saved migration files (facts/tables/migration-paths.ts). */
const SQL_LANGUAGES: ReadonlySet<string> = new Set(['sql']);

export function isAnalysedLanguage(languageId: string): boolean {
  return Object.hasOwn(ANALYSED_LANGUAGES, languageId) || SQL_LANGUAGES.has(languageId);
}

/** The absolute path of a file: URI, or undefined for other schemes. */
export function fileUriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToFileUri(filePath: string): string {
  return pathToFileURL(filePath).href;
}

/**
 * The path under which a document is held in the analysis project, or undefined
 * when Preflight does not analyse it. Unsaved (untitled:) documents get a
 * stable virtual path with the extension their language implies.
 */
export function analysisPathFor(uri: string, languageId: string): string | undefined {
  if (!isAnalysedLanguage(languageId)) return undefined;
  const filePath = fileUriToPath(uri);
  if (SQL_LANGUAGES.has(languageId)) return filePath !== undefined && isSqlMigrationPath(filePath) ? filePath : undefined;
  if (filePath !== undefined) return isAnalysablePath(filePath) ? filePath : undefined;
  if (uri.startsWith('file:')) return undefined;
  const safeName = uri.replace(/[^A-Za-z0-9._-]+/g, '_');
  return path.join(path.sep, '__preflight_unsaved__', safeName + ANALYSED_LANGUAGES[languageId]);
}

/** True when `filePath` is `folder` or inside it. */
export function isInside(filePath: string, folder: string): boolean {
  const relative = path.relative(folder, filePath);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
