import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A git question that has no answer here: not a repository, unknown revision, git missing. */
export class GitError extends Error {}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runGit(args: readonly string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new GitError('git is not installed or not on PATH'));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs git and answers its exit code and output (`git grep` exits 1 when nothing matches). */
export function gitResult(cwd: string, args: readonly string[]): Promise<GitResult> {
  return runGit(args, cwd);
}

/** Runs git and splits its output on NUL or newline; rejects with a GitError when git fails. */
export async function gitLines(cwd: string, args: readonly string[]): Promise<string[]> {
  const result = await runGit(args, cwd);
  if (result.code !== 0) throw new GitError(`git ${args[0]} failed: ${firstLine(result.stderr)}`);
  return result.stdout.split(/[\0\n]/).filter((line) => line !== '');
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** The top folder of the git work tree holding `cwd`, or undefined outside git. */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  const result = await runGit(['rev-parse', '--show-toplevel'], cwd);
  return result.code === 0 ? path.resolve(result.stdout.trim()) : undefined;
}

async function requireTopLevel(cwd: string): Promise<string> {
  const top = await gitTopLevel(cwd);
  if (!top) throw new GitError(`not a git repository: ${cwd}`);
  return top;
}

/** Whether `rev` names a commit in the repository at `cwd`. */
export async function revisionExists(rev: string, cwd: string): Promise<boolean> {
  const result = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], cwd);
  return result.code === 0;
}

/**
 * The merge base of `rev` and HEAD (the commit a branch started from).
 * Throws GitError outside git, for an unknown revision, an unborn HEAD or unrelated histories.
 */
export async function mergeBase(rev: string, cwd: string): Promise<string> {
  await requireTopLevel(cwd);
  if (rev.startsWith('-')) throw new GitError(`not a revision: ${rev}`);
  if (!(await revisionExists(rev, cwd))) throw new GitError(`unknown revision: ${rev}`);
  if (!(await revisionExists('HEAD', cwd))) throw new GitError('the repository has no commits yet (HEAD does not exist)');
  const result = await runGit(['merge-base', rev, 'HEAD'], cwd);
  if (result.code !== 0) {
    throw new GitError(result.stderr.trim() ? firstLine(result.stderr) : `${rev} and HEAD have no common ancestor`);
  }
  return result.stdout.trim();
}

function splitNul(text: string): string[] {
  return text.split('\0').filter((entry) => entry !== '');
}

/**
 * Absolute paths of the files changed since the merge base of `rev` and HEAD
 * that still exist: committed on this branch, staged, unstaged and untracked
 * (but not git-ignored). Throws GitError as mergeBase does.
 */
export async function changedFilesSince(rev: string, cwd: string): Promise<string[]> {
  const top = await requireTopLevel(cwd);
  const base = await mergeBase(rev, cwd);
  const diff = await runGit(['diff', '--name-only', '--no-renames', '-z', base, '--'], top);
  if (diff.code !== 0) throw new GitError(firstLine(diff.stderr) || `git diff ${base} failed`);
  const untracked = await runGit(['ls-files', '--others', '--exclude-standard', '--full-name', '-z'], top);
  if (untracked.code !== 0) throw new GitError(firstLine(untracked.stderr) || 'git ls-files failed');
  const files = new Set<string>();
  for (const relative of [...splitNul(diff.stdout), ...splitNul(untracked.stdout)]) {
    const absolute = path.join(top, relative);
    if (fs.existsSync(absolute)) files.add(absolute);
  }
  return [...files].sort();
}

/** The current branch name, or undefined on a detached HEAD or outside git. */
export async function currentBranch(cwd: string): Promise<string | undefined> {
  const result = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], cwd);
  return result.code === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

/**
 * The branch a pull request would target: `preferred` when given and known,
 * else `origin/HEAD`, else `main`, else `master`; undefined when none exists.
 */
export async function defaultBaseRef(cwd: string, preferred?: string): Promise<string | undefined> {
  const candidates = [preferred, 'origin/HEAD', 'main', 'master'].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    if (await revisionExists(candidate, cwd)) return candidate;
  }
  return undefined;
}
