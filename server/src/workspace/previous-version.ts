import * as path from 'node:path';
import { destructiveOperationsOf } from '../facts/migration-operations';
import type { Migration } from '../facts/migrations';
import { readPrismaSchema, type PrismaSchema } from '../facts/prisma-schema';
import { previousVersionReads, type PreviousVersion, type CodeSign, type ReadEvidence, type RemovedName } from '../facts/previous-version';
import { defaultBaseRef, gitResult, mergeBase } from './git';
import { findGitRoot } from './ignore-files';

/** The code a deployed version runs: source files, not migrations or declarations. */
const CODE_PATHSPECS = ['*.ts', '*.tsx', '*.js', '*.jsx', '*.mjs', '*.cjs', '*.mts', '*.cts', ':(exclude)**/migrations/**', ':(exclude)*.d.ts'];

/**
 * The version a migration is deployed on top of, from git, with what it reads; undefined outside
 * git or when git cannot tell. The running version is:
 * - for a migration not committed yet, or committed on a branch: the branch's merge base with the
 *   default branch (`origin/HEAD`, `main`, `master`), else HEAD;
 * - for one the default branch has had for a while: the parent, on the default branch's first-parent
 *   line, of the commit that brought it (the squash, or the merge of its branch).
 * A migration is found by its last two path segments (`<timestamp>_name/migration.sql`), so a moved
 * migrations folder does not hide its history.
 */
export function previousVersionOf(migrationFile: string, removed: readonly RemovedName[]): Promise<PreviousVersion | undefined> {
  if (removed.length === 0) return Promise.resolve(undefined);
  // The editor asks again on every keystroke in the file: the same drops get the same answer for a while.
  const key = `${migrationFile}\u0000${removed.map(keyOf).join('\n')}`;
  const cached = answered.get(key);
  if (cached && Date.now() - cached.at < FACTS_TTL_MS) return cached.answer;
  if (answered.size > MAX_ANSWERS) answered.clear();
  const answer = askGit(migrationFile, removed);
  answered.set(key, { at: Date.now(), answer });
  return answer;
}

const MAX_ANSWERS = 256;
const answered = new Map<string, { at: number; answer: Promise<PreviousVersion | undefined> }>();

async function askGit(migrationFile: string, removed: readonly RemovedName[]): Promise<PreviousVersion | undefined> {
  try {
    const top = findGitRoot(path.dirname(migrationFile));
    if (!top) return undefined;
    const repository = await repositoryFacts(top);
    if (!repository) return undefined;
    const found = await baseRevisionOf(path.relative(top, migrationFile).split(path.sep).join('/'), repository);
    if (!found) return undefined;
    const schema = await prismaSchemaAt(found.revision, found.migrationPath, top);
    // First what the answers need searched, then one search of the old code, then the answers.
    const signs: CodeSign[] = [];
    const collect = (evidence: ReadEvidence[]): undefined => {
      for (const sign of evidence) signs.push(sign, ...(sign.alongside ? [sign.alongside] : []));
      return undefined;
    };
    for (const name of removed) previousVersionReads(name, schema, collect);
    const filesShowing = signs.length > 0 ? await filesShowingSigns(found.revision, signs, top) : new Map<string, Set<string>>();
    const isThere = (evidence: ReadEvidence[]): boolean | undefined =>
      filesShowing && evidence.some((sign) => someFile(filesShowing.get(signKey(sign)), sign.alongside ? filesShowing.get(signKey(sign.alongside)) : undefined, sign.alongside !== undefined));
    const answers = new Map(removed.map((name) => [keyOf(name), previousVersionReads(name, schema, isThere)]));
    return { revision: found.revision, reads: (name) => answers.get(keyOf(name)) };
  } catch {
    return undefined;
  }
}

function keyOf(name: RemovedName): string {
  return `${name.kind}\u0000${name.table}\u0000${name.column ?? ''}`;
}

interface BaseRevision {
  revision: string;
  /** The migration's path at the commit that brought it (the folder may have moved since). */
  migrationPath: string;
}

interface Addition {
  commit: string;
  path: string;
}

/** What is asked of a repository once (per HEAD), whatever the number of migrations: a handful of git runs. */
interface RepositoryFacts {
  top: string;
  /** The merge base of HEAD with the default branch, or HEAD when there is no default branch. */
  branchBase: string;
  /** HEAD's first-parent line, newest first: each commit's first parent and its position. */
  firstParents: Map<string, { parent?: string; index: number }>;
  /** Every file under a `migrations` folder, by its last two path segments: the first-parent commit that first added it. */
  additions: Map<string, Addition>;
}

const FACTS_TTL_MS = 10_000;
const repositories = new Map<string, { at: number; facts: Promise<RepositoryFacts | undefined> }>();

/** Spawning git costs tens of milliseconds in a large process: a run asks these once per repository, not per migration. */
function repositoryFacts(top: string): Promise<RepositoryFacts | undefined> {
  const cached = repositories.get(top);
  if (cached && Date.now() - cached.at < FACTS_TTL_MS) return cached.facts;
  const facts = readRepositoryFacts(top);
  repositories.set(top, { at: Date.now(), facts });
  return facts;
}

async function readRepositoryFacts(top: string): Promise<RepositoryFacts | undefined> {
  const line = await gitResult(top, ['log', '--first-parent', '--format=%H %P', 'HEAD']);
  if (line.code !== 0) return undefined;
  const firstParents = new Map<string, { parent?: string; index: number }>();
  line.stdout
    .split('\n')
    .filter((entry) => entry !== '')
    .forEach((entry, index) => {
      const [commit, parent] = entry.split(' ');
      firstParents.set(commit!, { parent, index });
    });
  const defaultRef = await defaultBaseRef(top);
  const branchBase = defaultRef ? await mergeBase(defaultRef, top) : line.stdout.split(' ')[0]!;
  return { top, branchBase, firstParents, additions: await additionsOf(top, ':(glob)**/migrations/**') };
}

async function baseRevisionOf(relativePath: string, repository: RepositoryFacts): Promise<BaseRevision | undefined> {
  const tail = relativePath.split('/').slice(-2).join('/');
  const added = repository.additions.get(tail) ?? (await additionsOf(repository.top, `:(glob)**/${tail}`)).get(tail);
  const onBranch = { revision: repository.branchBase, migrationPath: relativePath };
  if (!added) return onBranch;
  const commit = repository.firstParents.get(added.commit);
  const base = repository.firstParents.get(repository.branchBase);
  // Newer than the merge base on HEAD's first-parent line: brought by this branch, deployed with it.
  if (!commit || (base && commit.index < base.index)) return onBranch;
  return commit.parent ? { revision: commit.parent, migrationPath: added.path } : undefined;
}

async function additionsOf(top: string, pathspec: string): Promise<Map<string, Addition>> {
  const log = await gitResult(top, ['log', '--first-parent', '--diff-filter=A', '--format=commit %H', '--name-only', 'HEAD', '--', pathspec]);
  const additions = new Map<string, Addition>();
  if (log.code !== 0) return additions;
  let commit = '';
  // Newest first: a later line for the same tail is an earlier addition, and wins.
  for (const line of log.stdout.split('\n')) {
    if (line.startsWith('commit ')) commit = line.slice('commit '.length);
    else if (line.trim() !== '') additions.set(line.split('/').slice(-2).join('/'), { commit, path: line });
  }
  return additions;
}

/**
 * The Prisma schema beside the migrations folder at `revision`: `prisma/schema.prisma`, or the files of
 * `prisma/schema/` (multi-file schemas). Undefined when the migration is not a Prisma one.
 */
async function prismaSchemaAt(revision: string, migrationPath: string, top: string): Promise<PrismaSchema | undefined> {
  const segments = migrationPath.split('/');
  const migrations = segments.lastIndexOf('migrations');
  if (migrations < 0) return undefined;
  const folder = segments.slice(0, migrations).join('/');
  const prefix = folder === '' ? '' : `${folder}/`;
  const single = await gitResult(top, ['show', `${revision}:${prefix}schema.prisma`]);
  if (single.code === 0) return readPrismaSchema([single.stdout]);
  const listed = await gitResult(top, ['ls-tree', '--name-only', `${revision}:${prefix}schema`]);
  if (listed.code !== 0) return undefined;
  const texts: string[] = [];
  for (const name of listed.stdout.split('\n').filter((entry) => entry.endsWith('.prisma'))) {
    const shown = await gitResult(top, ['show', `${revision}:${prefix}schema/${name}`]);
    if (shown.code !== 0) return undefined;
    texts.push(shown.stdout);
  }
  return texts.length > 0 ? readPrismaSchema(texts) : undefined;
}

/**
 * The code files at `revision` showing each sign: one `git grep -F` for every needle, then each sign's
 * pattern on the lines found. Undefined when git cannot search it (a blob missing from a partial clone).
 */
async function filesShowingSigns(revision: string, signs: CodeSign[], top: string): Promise<Map<string, Set<string>> | undefined> {
  const needles = [...new Set(signs.map((sign) => sign.needle))];
  const result = await gitResult(top, ['grep', '-z', '-I', '-F', ...needles.flatMap((needle) => ['-e', needle]), revision, '--', ...CODE_PATHSPECS]);
  const showing = new Map<string, Set<string>>();
  if (result.code === 1) return showing;
  if (result.code !== 0) return undefined;
  for (const line of result.stdout.split('\n')) {
    const separator = line.indexOf('\0');
    if (separator < 0) continue;
    const file = line.slice(0, separator);
    const text = line.slice(separator + 1);
    for (const sign of signs) {
      if (!text.includes(sign.needle) || !sign.pattern.test(text)) continue;
      const files = showing.get(signKey(sign)) ?? new Set<string>();
      files.add(file);
      showing.set(signKey(sign), files);
    }
  }
  return showing;
}

/** Signs are made afresh for each question: the same needle and pattern are the same sign. */
function signKey(sign: CodeSign): string {
  return `${sign.needle}\u0000${sign.pattern.source}\u0000${sign.pattern.flags}`;
}

/** Some file shows the sign, and, when it needs one, the sign alongside it too. */
function someFile(files: Set<string> | undefined, alongside: Set<string> | undefined, needsAlongside: boolean): boolean {
  if (!files) return false;
  if (!needsAlongside) return true;
  return alongside !== undefined && [...files].some((file) => alongside.has(file));
}

/** For a migration: the version it is deployed on top of, when it drops or renames anything. */
export function previousVersionOfMigration(migration: Migration): Promise<PreviousVersion | undefined> {
  return previousVersionOf(migration.file, destructiveOperationsOf(migration));
}
