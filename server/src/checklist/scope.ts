import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { changedFilesSince, currentBranch, defaultBaseRef, GitError, gitLines, gitTopLevel, mergeBase, revisionExists } from '../workspace/git';
import { collectSourceFiles, isAnalysedByDefault } from '../workspace/files';
import { isSqlMigrationPath } from '../facts/tables/migration-paths';
import { ignoreLayer, isIgnoredByLayers } from '../workspace/ignore-files';
import { TestCodeClassifier } from '../workspace/test-code';
import type { ChecklistScope } from './types';

/** Which files a checklist report covers, resolved against git. */
export interface ResolvedScope {
  root: string;
  scope: ChecklistScope;
  /** Absolute paths of the source files whose findings the report shows. */
  sourceFiles: string[];
  /** Absolute paths of the SQL migration files in scope (facts/tables/migration-paths.ts), analysed by the migration rules. */
  migrationFiles: string[];
  /** Absolute paths of every changed file inside the root (source or not); empty for a workspace scope. */
  changedFiles: string[];
  /** The branch the manual ticks are stored under. */
  branchKey: string;
  /**
   * Lines added or changed since the merge base, per absolute path of a changed
   * file (every line of an untracked file). Undefined for a workspace scope: nothing is "new" there.
   */
  addedLines?: () => Promise<Map<string, LineRange[]>>;
}

/** 1-based, inclusive. */
export type LineRange = [number, number];

export interface ScopeRequest {
  root: string;
  scope: 'changed' | 'workspace';
  /** An explicit base revision (`--base`); otherwise config, origin/HEAD, main, master. */
  base?: string;
  config: ResolvedConfig;
  /**
   * False when programs must not be run for this workspace (VS Code Restricted
   * Mode: a repository's git config can make git run commands). The scope is
   * then the workspace, and the branch is read from .git/HEAD.
   */
  allowGit?: boolean;
  /** Decides what is test code (not analysed); default: a new one for `root` and `config.tests`. */
  classifier?: TestCodeClassifier;
}

/** Key used for ticks when there is no branch (outside git, detached HEAD without a CI branch name). */
export const NO_BRANCH_KEY = '(no branch)';

/**
 * The branch name for the report: the checked-out branch, or on a detached
 * HEAD (as in CI) the branch the CI names (PREFLIGHT_BRANCH, GITHUB_HEAD_REF,
 * CI_COMMIT_REF_NAME), so ticks made on the branch are found.
 */
export function branchFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.PREFLIGHT_BRANCH || env.GITHUB_HEAD_REF || env.CI_COMMIT_REF_NAME || undefined;
}

export async function resolveScope(scopeRequest: ScopeRequest): Promise<ResolvedScope> {
  const root = path.resolve(scopeRequest.root);
  const request = { ...scopeRequest, classifier: scopeRequest.classifier ?? new TestCodeClassifier({ root, tests: scopeRequest.config.tests }) };
  if (request.allowGit === false) {
    const reason = request.scope === 'changed' ? 'the workspace is not trusted, so git was not run: analysed the whole workspace' : undefined;
    return workspaceScope(root, request, branchFromGitHead(root), null, reason);
  }
  if (request.scope === 'workspace') return workspaceScope(root, request, await branchOrUndefined(root), null, undefined);
  try {
    return await changedScope(root, request);
  } catch (error) {
    if (!(error instanceof ScopeFallback)) throw error;
    return workspaceScope(root, request, await branchOrUndefined(root), error.base, error.message);
  }
}

/** Why the changed files could not be determined; the report falls back to the workspace. */
class ScopeFallback extends Error {
  constructor(
    message: string,
    readonly base: string | null = null,
  ) {
    super(message);
  }
}

async function changedScope(root: string, request: ScopeRequest & { classifier: TestCodeClassifier }): Promise<ResolvedScope> {
  const topLevel = await git(() => gitTopLevel(root));
  if (!topLevel) throw new ScopeFallback('not a git repository: analysed the whole workspace');
  const branch = await git(() => currentBranch(root));
  if (!branch && !request.base) {
    throw new ScopeFallback('HEAD is detached (no branch checked out): analysed the whole workspace; pass a base revision (--base REV) to compare against');
  }
  const base = request.base ?? (await baseBranch(root, request.config));
  if (!(await git(() => revisionExists(base, root)))) {
    throw new ScopeFallback(`base revision '${base}' not found${await shallowHint(root)}: analysed the whole workspace`, base);
  }
  let mergeBaseSha: string;
  let changed: string[];
  try {
    mergeBaseSha = await mergeBase(base, root);
    changed = await changedFilesSince(base, root);
  } catch (error) {
    if (error instanceof GitError) throw new ScopeFallback(`${error.message}${await shallowHint(root)}: analysed the whole workspace`, base);
    throw error;
  }

  const inside = changed.filter((file) => isInside(file, root));
  const ignored = ignoreLayer(root, request.config.ignore);
  const sourceFiles: string[] = [];
  const migrationFiles: string[] = [];
  for (const file of inside) {
    if (isIgnoredByLayers([ignored], file, false)) continue;
    if (isSqlMigrationPath(file)) {
      if (fs.existsSync(file)) migrationFiles.push(file);
    } else if (await isAnalysedByDefault(file, root, request.classifier)) sourceFiles.push(file);
  }
  const untracked = new Set((await gitLines(topLevel, ['ls-files', '--others', '--exclude-standard', '--full-name', '-z'])).map((f) => path.join(topLevel, f)));
  const branchName = branch ?? branchFromEnvironment();
  return {
    root,
    scope: { kind: 'changed', base, mergeBase: mergeBaseSha, branch: branchName ?? null, files: inside.map((file) => relativePath(root, file)) },
    sourceFiles,
    migrationFiles,
    changedFiles: inside,
    branchKey: branchName ?? NO_BRANCH_KEY,
    addedLines: () => addedLineRanges(topLevel, mergeBaseSha, inside, untracked),
  };
}

async function baseBranch(root: string, config: ResolvedConfig): Promise<string> {
  const configured = config.checklist.baseBranch;
  if (configured) {
    if (await git(() => revisionExists(configured, root))) return configured;
    throw new ScopeFallback(`checklist.baseBranch '${configured}' not found${await shallowHint(root)}: analysed the whole workspace`, configured);
  }
  const found = await git(() => defaultBaseRef(root));
  if (!found) throw new ScopeFallback('no base branch found (looked for checklist.baseBranch, origin/HEAD, main, master): analysed the whole workspace');
  return found;
}

async function workspaceScope(
  root: string,
  request: ScopeRequest & { classifier: TestCodeClassifier },
  branch: string | undefined,
  base: string | null,
  fallbackReason: string | undefined,
): Promise<ResolvedScope> {
  const { config, classifier } = request;
  const collected = await collectSourceFiles(['.'], root, { root, ignore: config.ignore, tests: config.tests, classifier, sqlMigrations: true });
  const files = collected.files.filter((file) => !isSqlMigrationPath(file));
  const migrationFiles = collected.files.filter((file) => isSqlMigrationPath(file));
  const branchName = branch ?? branchFromEnvironment();
  const scope: ChecklistScope = {
    kind: 'workspace',
    base,
    mergeBase: null,
    branch: branchName ?? null,
    files: files.map((file) => relativePath(root, file)),
  };
  if (fallbackReason) scope.fallbackReason = fallbackReason;
  return { root, scope, sourceFiles: files, migrationFiles, changedFiles: [], branchKey: branchName ?? NO_BRANCH_KEY };
}

/**
 * The checked-out branch read from `.git/HEAD` without running git (also
 * through a worktree's `.git` file); undefined when detached or not in git.
 */
export function branchFromGitHead(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    let gitDir: string | undefined;
    try {
      const stat = fs.statSync(dotGit);
      if (stat.isDirectory()) gitDir = dotGit;
      else {
        const pointer = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
        if (pointer) gitDir = path.resolve(dir, pointer[1]!.trim());
      }
    } catch {
      gitDir = undefined;
    }
    if (gitDir) {
      try {
        const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8');
        return /^ref:\s*refs\/heads\/(.+)$/m.exec(head)?.[1]?.trim();
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function branchOrUndefined(root: string): Promise<string | undefined> {
  try {
    return await currentBranch(root);
  } catch {
    return undefined;
  }
}

/** Runs a git helper, turning "git missing" into a fallback. */
async function git<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GitError) throw new ScopeFallback(`${error.message}: analysed the whole workspace`);
    throw error;
  }
}

async function shallowHint(root: string): Promise<string> {
  const out = await gitLines(root, ['rev-parse', '--is-shallow-repository']).catch(() => []);
  return out[0] === 'true' ? ' (shallow clone: fetch the base branch with its history, e.g. fetch-depth: 0)' : '';
}

const WHOLE_FILE: LineRange = [1, Number.MAX_SAFE_INTEGER];

/** Lines added or changed since the merge base in each of `files`, from one `git diff -U0`. */
async function addedLineRanges(topLevel: string, mergeBaseSha: string, files: readonly string[], untracked: ReadonlySet<string>): Promise<Map<string, LineRange[]>> {
  const ranges = new Map<string, LineRange[]>();
  for (const file of files) ranges.set(file, untracked.has(file) ? [WHOLE_FILE] : []);
  const lines = await gitLines(topLevel, ['-c', 'core.quotepath=off', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/', mergeBaseSha, '--']).catch(
    () => undefined,
  );
  if (!lines) {
    // Without the diff every changed line is unknown: count the whole file as new rather than nothing.
    for (const file of files) ranges.set(file, [WHOLE_FILE]);
    return ranges;
  }
  let current: LineRange[] | undefined;
  for (const line of lines) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4).replace(/\t$/, '').replace(/^"(.*)"$/, '$1');
      current = name === '/dev/null' ? undefined : ranges.get(path.join(topLevel, name.replace(/^b\//, '')));
      continue;
    }
    const hunk = current && /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk || !current) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    if (count > 0) current.push([start, start + count - 1]);
  }
  return ranges;
}

export function isInRanges(line: number, ranges: readonly LineRange[]): boolean {
  return ranges.some(([start, end]) => line >= start && line <= end);
}

export function relativePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** `git config user.name` in `cwd`, if set. */
export async function gitUserName(cwd: string): Promise<string | undefined> {
  const lines = await gitLines(cwd, ['config', 'user.name']).catch(() => []);
  return lines[0]?.trim() || undefined;
}
