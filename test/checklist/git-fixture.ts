import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Environment that keeps the user's and system git config out of test repositories. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
  PREFLIGHT_BRANCH: '',
  GITHUB_HEAD_REF: '',
  CI_COMMIT_REF_NAME: '',
};

/** Fails loudly when the real git is missing: these tests are about git. */
export function requireGit(): void {
  try {
    execFileSync('git', ['--version'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the checklist tests need the git executable on PATH: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function tempDir(prefix = 'preflight-checklist-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

/** A real git repository in a temporary folder. */
export class GitRepo {
  constructor(readonly dir: string) {}

  static init(files: Record<string, string> = {}, branch = 'main'): GitRepo {
    const repo = new GitRepo(tempDir());
    repo.git('init', '-q', '-b', branch);
    repo.git('config', 'user.name', 'Test Author');
    repo.git('config', 'user.email', 'author@example.com');
    repo.git('config', 'commit.gpgsign', 'false');
    if (Object.keys(files).length > 0) repo.commit('initial', files);
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  write(files: Record<string, string>): void {
    writeFiles(this.dir, files);
  }

  /** Writes files, stages everything and commits. */
  commit(message: string, files: Record<string, string> = {}): string {
    this.write(files);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
