import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Manual-item ticks, kept in `.preflight/checklist.json` keyed by branch so
 * they travel with the branch (the file is meant to be committed):
 *
 * ```json
 * { "version": 1, "branches": { "feature/x": { "rollback-plan": { "ticked": true, "by": "Ada", "at": "2026-01-02T10:00:00.000Z" } } } }
 * ```
 *
 * Every write re-reads the file under a lock file and applies only its own
 * change to what is on disk now, so a tick made meanwhile by another process
 * (the CLI, a second editor window) is kept; the new content is written to a
 * temporary file and renamed over the old one, so a reader never sees half a file.
 */

export const TICKS_FILE = path.join('.preflight', 'checklist.json');

export interface TickRecord {
  ticked: boolean;
  /** Who ticked or unticked it. */
  by?: string;
  /** ISO 8601 time of the last change. */
  at: string;
}

export interface TicksDocument {
  version: 1;
  branches: Record<string, Record<string, TickRecord>>;
}

export class TicksFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'TicksFileError';
  }
}

export function ticksFilePath(root: string): string {
  return path.join(root, TICKS_FILE);
}

export function emptyTicks(): TicksDocument {
  return { version: 1, branches: {} };
}

/** Parses the file's text; throws TicksFileError when it is not a ticks document. */
export function parseTicks(file: string, text: string): TicksDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TicksFileError(file, `not valid JSON (${error instanceof Error ? error.message : String(error)}); fix or delete it`);
  }
  if (!isRecord(json) || !isRecord(json.branches)) throw new TicksFileError(file, 'expected { "version": 1, "branches": { ... } }');
  const document = emptyTicks();
  for (const [branch, items] of Object.entries(json.branches)) {
    if (!isRecord(items)) continue;
    const parsed: Record<string, TickRecord> = {};
    for (const [id, record] of Object.entries(items)) {
      if (!isRecord(record) || typeof record.ticked !== 'boolean') continue;
      parsed[id] = {
        ticked: record.ticked,
        ...(typeof record.by === 'string' ? { by: record.by } : {}),
        at: typeof record.at === 'string' ? record.at : '',
      };
    }
    document.branches[branch] = parsed;
  }
  return document;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the ticks; a missing file is empty. Throws TicksFileError for a file that cannot be understood. */
export function readTicks(root: string): TicksDocument {
  const file = ticksFilePath(root);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyTicks();
    throw new TicksFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseTicks(file, text);
}

export function ticksForBranch(document: TicksDocument, branch: string): Record<string, TickRecord> {
  return document.branches[branch] ?? {};
}

/** Stable text: sorted keys, two-space indent, trailing newline (the file is diffed and merged by git). */
export function serialiseTicks(document: TicksDocument): string {
  const branches: Record<string, Record<string, TickRecord>> = {};
  for (const branch of Object.keys(document.branches).sort()) {
    const items: Record<string, TickRecord> = {};
    for (const id of Object.keys(document.branches[branch]!).sort()) {
      const record = document.branches[branch]![id]!;
      items[id] = { ticked: record.ticked, ...(record.by ? { by: record.by } : {}), at: record.at };
    }
    branches[branch] = items;
  }
  return JSON.stringify({ version: 1, branches }, null, 2) + '\n';
}

export interface TickChange {
  branch: string;
  id: string;
  ticked: boolean;
  by?: string;
  /** Defaults to now. */
  at?: string;
}

/**
 * Records one tick (or untick): re-reads the file under the lock, applies the
 * change to the current content, writes it atomically. Returns the document as written.
 */
export async function writeTick(root: string, change: TickChange): Promise<TicksDocument> {
  return updateTicks(root, (document) => {
    const items = (document.branches[change.branch] ??= {});
    items[change.id] = { ticked: change.ticked, ...(change.by ? { by: change.by } : {}), at: change.at ?? new Date().toISOString() };
  });
}

/** Applies `mutate` to the ticks on disk now and writes the result atomically, holding the lock file meanwhile. */
export async function updateTicks(root: string, mutate: (document: TicksDocument) => void): Promise<TicksDocument> {
  const file = ticksFilePath(root);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  return withLock(file + '.lock', async () => {
    const document = readTicks(root);
    mutate(document);
    await writeAtomically(file, serialiseTicks(document));
    return document;
  });
}

export async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.promises.open(temporary, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/** An exclusive lock file (created with `wx`); a lock older than LOCK_STALE_MS is taken to be left by a crashed process. */
async function withLock<T>(lockFile: string, run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await fs.promises.open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await fs.promises.stat(lockFile).then((stat) => Date.now() - stat.mtimeMs, () => 0);
      if (age > LOCK_STALE_MS) {
        await fs.promises.rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new TicksFileError(lockFile, 'another process holds the lock; try again (delete the file if no Preflight is running)');
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
    }
  }
  try {
    return await run();
  } finally {
    await fs.promises.rm(lockFile, { force: true });
  }
}
