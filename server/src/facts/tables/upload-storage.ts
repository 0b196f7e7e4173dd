/**
 * Upload libraries and the options that make them keep files on the server's
 * own disk. Used by facts/upload-storage.ts; adding a library is a change to
 * this table only.
 */

export interface DiskUploadOption {
  module: string;
  /** How the library is configured: calling the export at `path` (`[]` for the root), or constructing it. */
  how: 'call' | 'construct' | 'call-or-construct';
  path: readonly string[];
  /** An option of the configuration object that names a folder on local disk. */
  option: string;
}

export const DISK_UPLOAD_OPTIONS: readonly DiskUploadOption[] = [
  { module: 'multer', how: 'call', path: [], option: 'dest' },
  { module: 'formidable', how: 'call-or-construct', path: [], option: 'uploadDir' },
  { module: 'formidable', how: 'call-or-construct', path: ['IncomingForm'], option: 'uploadDir' },
  { module: 'formidable', how: 'call-or-construct', path: ['Formidable'], option: 'uploadDir' },
];

/** Storage engines that write uploads to local disk: multer `diskStorage`. */
export const DISK_STORAGE_ENGINES: readonly { module: string; path: readonly string[]; folderOption: string }[] = [{ module: 'multer', path: ['diskStorage'], folderOption: 'destination' }];

/** Streaming multipart parsers whose `file` events hand the upload to the code. */
export const MULTIPART_STREAM_MODULES: readonly string[] = ['busboy', '@fastify/busboy', 'connect-busboy'];

/** Upload middleware whose files have a method that moves them to a path on disk: express-fileupload's `req.files.x.mv(path)`. */
export const FILE_MOVE_METHODS: readonly { module: string; method: string }[] = [{ module: 'express-fileupload', method: 'mv' }];

/** Middleware that hangs the streaming parser on the request (`req.busboy`) rather than returning it. */
export const MULTIPART_MIDDLEWARE_MODULES: readonly string[] = ['connect-busboy'];

/** `fs` exports that write a file, and which argument is the path written (`rename(from, to)` writes `to`). */
export interface FileWriteFunction {
  name: string;
  pathArgument: number;
  /** The argument holding the data written, for writes that take it. */
  dataArgument?: number;
}

const WRITES: readonly FileWriteFunction[] = [
  { name: 'writeFile', pathArgument: 0, dataArgument: 1 },
  { name: 'appendFile', pathArgument: 0, dataArgument: 1 },
  { name: 'createWriteStream', pathArgument: 0 },
  { name: 'copyFile', pathArgument: 1 },
  { name: 'rename', pathArgument: 1 },
];
const SYNC_WRITES = WRITES.filter((write) => write.name !== 'createWriteStream').map((write) => ({ ...write, name: `${write.name}Sync` }));

export const FILE_WRITE_MODULES: readonly { module: string; writes: readonly FileWriteFunction[] }[] = [
  { module: 'fs', writes: [...WRITES, ...SYNC_WRITES] },
  { module: 'graceful-fs', writes: [...WRITES, ...SYNC_WRITES] },
  { module: 'fs-extra', writes: [...WRITES, ...SYNC_WRITES, { name: 'outputFile', pathArgument: 0, dataArgument: 1 }, { name: 'outputFileSync', pathArgument: 0, dataArgument: 1 }, { name: 'move', pathArgument: 1 }, { name: 'moveSync', pathArgument: 1 }] },
  { module: 'fs/promises', writes: WRITES.filter((write) => write.name !== 'createWriteStream') },
];

/** Parameter decorators whose parameter receives the request or part of it: Nest `@Body()`, `@UploadedFile()`. */
export const REQUEST_DATA_DECORATORS: readonly { module: string; names: readonly string[] }[] = [
  { module: '@nestjs/common', names: ['Body', 'Query', 'Param', 'Req', 'Request', 'UploadedFile', 'UploadedFiles', 'Headers'] },
];

/** Where a path is a scratch file by design: `os.tmpdir()`, `/tmp/...`. */
export const TEMPORARY_FOLDERS = { module: 'os', path: ['tmpdir'], prefixes: ['/tmp/', '/tmp'] as readonly string[] };
