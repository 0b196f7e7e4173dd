import * as path from 'node:path';
import { destructiveOperationsOf } from '../facts/migration-operations';
import { sqlFileMigration } from '../facts/migrations';
import { readPrismaSchema, type PrismaSchema } from '../facts/prisma-schema';
import { previousVersionReads, type PreviousVersion, type RemovedName } from '../facts/previous-version';
import { defaultBaseRef, gitResult, gitTopLevel, mergeBase, revisionExists } from './git';

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
export async function previousVersionOf(migrationFile: string, removed: readonly RemovedName[]): Promise<PreviousVersion | undefined> {
  if (removed.length === 0) return undefined;
  try {
    const top = await gitTopLevel(path.dirname(migrationFile));
    if (!top) return undefined;
    const found = await baseRevisionOf(path.relative(top, migrationFile).split(path.sep).join('/'), top);
    if (!found) return undefined;
    const schema = await prismaSchemaAt(found.revision, found.migrationPath, top);
    // First what the answers need searched, then one search of the old code, then the answers.
    const asked = new Set<string>();
    for (const name of removed) previousVersionReads(name, schema, (patterns) => void patterns.forEach((pattern) => asked.add(pattern)));
    const matched = asked.size > 0 ? await matchingPatterns(found.revision, [...asked], top) : new Set<string>();
    const answers = new Map(removed.map((name) => [keyOf(name), previousVersionReads(name, schema, (patterns) => matched && patterns.some((pattern) => matched.has(pattern)))]));
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

async function baseRevisionOf(relativePath: string, top: string): Promise<BaseRevision | undefined> {
  if (!(await revisionExists('HEAD', top))) return undefined;
  const repository = repositoryFacts(top, await revParse('HEAD', top));
  const tail = relativePath.split('/').slice(-2).join('/');
  const defaultRef = await repository.defaultRef;
  const branchBase = async (): Promise<BaseRevision> => ({ revision: defaultRef ? await mergeBase(defaultRef, top) : await revParse('HEAD', top), migrationPath: relativePath });
  const added = (await repository.additions).get(tail) ?? (await additionOf(tail, top));
  if (!added) return branchBase();
  if (defaultRef && (await gitResult(top, ['merge-base', '--is-ancestor', added.commit, defaultRef])).code !== 0) return branchBase();
  if (!(await revisionExists(`${added.commit}^1`, top))) return undefined;
  return { revision: await revParse(`${added.commit}^1`, top), migrationPath: added.path };
}

interface Addition {
  commit: string;
  path: string;
}

interface RepositoryFacts {
  defaultRef: Promise<string | undefined>;
  /** Every file under a `migrations` folder, by its last two path segments: the first-parent commit that first added it. */
  additions: Promise<Map<string, Addition>>;
}

const repositories = new Map<string, RepositoryFacts>();

/** What is asked of a repository once per HEAD, whatever the number of migrations. */
function repositoryFacts(top: string, head: string): RepositoryFacts {
  const key = `${top}\u0000${head}`;
  let facts = repositories.get(key);
  if (!facts) {
    if (repositories.size > 8) repositories.clear();
    facts = { defaultRef: defaultBaseRef(top), additions: additionsOf(top, ':(glob)**/migrations/**') };
    repositories.set(key, facts);
  }
  return facts;
}

async function additionOf(tail: string, top: string): Promise<Addition | undefined> {
  return (await additionsOf(top, `:(glob)**/${tail}`)).get(tail);
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

async function revParse(rev: string, top: string): Promise<string> {
  return (await gitResult(top, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).stdout.trim();
}

/**
 * The Prisma schema beside the migrations folder at `revision`: `prisma/schema.prisma`, or the files of
 * `prisma/schema/` (multi-file schemas). Undefined when the migration is not a Prisma one.
 */
async function prismaSchemaAt(revision: string, migrationPath: string, top: string): Promise<PrismaSchema | undefined> {
  const segments = migrationPath.split('/');
  const migrations = segments.lastIndexOf('migrations');
  if (migrations < 0) return undefined;
  const prismaFolder = segments.slice(0, migrations).join('/');
  const listed = await gitResult(top, ['ls-tree', '-r', '--name-only', revision, '--', prismaFolder === '' ? '.' : prismaFolder]);
  if (listed.code !== 0) return undefined;
  const schemaFiles = listed.stdout.split('\n').filter((file) => file.endsWith('.prisma') && !file.slice(prismaFolder.length).includes('/migrations/'));
  if (schemaFiles.length === 0) return undefined;
  const texts: string[] = [];
  for (const file of schemaFiles) {
    const shown = await gitResult(top, ['show', `${revision}:${file}`]);
    if (shown.code !== 0) return undefined;
    texts.push(shown.stdout);
  }
  return readPrismaSchema(texts);
}

/**
 * The patterns some code file at `revision` matches, from one `git grep -o` of them all; undefined when
 * git cannot search it (a blob missing from a partial clone).
 */
async function matchingPatterns(revision: string, patterns: string[], top: string): Promise<Set<string> | undefined> {
  const result = await gitResult(top, ['grep', '-o', '-h', '-I', '-E', ...patterns.flatMap((pattern) => ['-e', pattern]), revision, '--', ...CODE_PATHSPECS]);
  if (result.code === 1) return new Set();
  if (result.code !== 0) return undefined;
  const found = new Set(result.stdout.split('\n').filter((line) => line !== ''));
  const matched = new Set<string>();
  for (const pattern of patterns) {
    const expression = new RegExp(pattern);
    for (const text of found) {
      if (expression.test(text)) {
        matched.add(pattern);
        break;
      }
    }
  }
  return matched;
}

/** For a SQL migration file: the version it is deployed on top of, when it drops or renames anything (parse/sql must be loaded). */
export async function previousVersionOfSqlMigration(file: string, text: string): Promise<PreviousVersion | undefined> {
  return previousVersionOf(file, destructiveOperationsOf(sqlFileMigration(file, text)));
}
