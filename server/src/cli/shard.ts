import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { UsageError } from './io';

/** `--shard I/N`: the I-th (1-based) of N stable parts of the files. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be I/N with 1 <= I <= N (got '${value}')`);
  }
  return { index, count };
}

/**
 * Whether a file belongs to the shard. The split hashes the file's path
 * relative to the config folder, so it is the same on every CI runner and
 * does not move files between shards when others are added or removed.
 */
export function inShard(file: string, root: string, shard: Shard): boolean {
  if (shard.count === 1) return true;
  const relative = path.relative(root, file).split(path.sep).join('/');
  const bucket = createHash('sha256').update(relative).digest().readUInt32BE(0) % shard.count;
  return bucket === shard.index - 1;
}
