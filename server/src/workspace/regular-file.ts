import * as fs from 'node:fs';

/** What a path that is not a regular file or folder is, for a message. */
export function describeFileKind(stats: fs.Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** Thrown instead of reading something that is not a regular file (reading a FIFO blocks forever). */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`not a regular file (${kind})`);
  }
}

/**
 * readFileSync(file, 'utf8') for regular files only: a FIFO, socket or device
 * throws NotRegularFileError instead of blocking; a missing file throws ENOENT as before.
 */
export function readRegularFileSync(file: string): string {
  const stats = fs.statSync(file);
  if (!stats.isFile()) {
    if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
    throw new NotRegularFileError(file, describeFileKind(stats));
  }
  return fs.readFileSync(file, 'utf8');
}

/** fs.promises.readFile(file) for regular files only (see readRegularFileSync). */
export async function readRegularFile(file: string): Promise<Buffer> {
  const stats = await fs.promises.stat(file);
  if (!stats.isFile()) {
    if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
    throw new NotRegularFileError(file, describeFileKind(stats));
  }
  return fs.promises.readFile(file);
}
