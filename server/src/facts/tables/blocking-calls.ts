/**
 * Synchronous calls that block the event loop while they work: the file
 * system, child processes, key derivation, compression and password hashing.
 * Used by facts/blocking-calls.ts; adding a library is a change to this table.
 */

/** How the call's non-blocking equivalent is written, for the quick-fix. */
export type NonBlockingEquivalent =
  /** `fs.readFileSync(p)` → `await fs.promises.readFile(p)`, `readFileSync(p)` → `await readFile(p)` from `fs/promises`. */
  | { kind: 'fs-promises'; names: Readonly<Record<string, string>> }
  /** A promise-returning export of the same module taking the same arguments: bcrypt `hashSync` → `hash`. */
  | { kind: 'same-module'; names: Readonly<Record<string, string>> }
  /** A callback export of the same module taking the same arguments, through `util.promisify`: `zlib.gzipSync` → `promisify(zlib.gzip)`. */
  | { kind: 'promisified'; names: Readonly<Record<string, string>> };

export interface BlockingCallFamily {
  /** Packages (after `node:` normalisation) whose exports these are. */
  modules: readonly string[];
  /** The blocking exports: a list, or `every-sync` for every export whose name ends in `Sync`. */
  names: readonly string[] | 'every-sync';
  /** What the call does, for messages. */
  work: string;
  equivalent?: NonBlockingEquivalent;
}

/** `{ readFileSync: 'readFile', ... }`: each blocking name and the asynchronous export it stands for. */
function withoutSync(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [`${name}Sync`, name]));
}

/** `fs.*Sync` exports with an `fs/promises` function of the same arguments (`existsSync` has none). */
const FS_PROMISES: Record<string, string> = withoutSync(
  [
    'access', 'appendFile', 'chmod', 'chown', 'copyFile', 'cp', 'lstat', 'mkdir', 'mkdtemp', 'opendir', 'readdir', 'readFile', 'readlink',
    'realpath', 'rename', 'rm', 'rmdir', 'stat', 'symlink', 'truncate', 'unlink', 'utimes', 'writeFile',
  ],
);

export const BLOCKING_CALLS: readonly BlockingCallFamily[] = [
  { modules: ['fs'], names: 'every-sync', work: 'file-system', equivalent: { kind: 'fs-promises', names: FS_PROMISES } },
  { modules: ['fs-extra', 'graceful-fs'], names: 'every-sync', work: 'file-system' },
  { modules: ['child_process'], names: ['execSync', 'execFileSync', 'spawnSync'], work: 'child-process' },
  { modules: ['crypto'], names: ['pbkdf2Sync', 'scryptSync', 'generateKeyPairSync'], work: 'key-derivation', equivalent: { kind: 'promisified', names: withoutSync(['pbkdf2', 'scrypt', 'generateKeyPair']) } },
  {
    modules: ['zlib'],
    names: 'every-sync',
    work: 'compression',
    equivalent: { kind: 'promisified', names: withoutSync(['gzip', 'gunzip', 'deflate', 'inflate', 'deflateRaw', 'inflateRaw', 'unzip', 'brotliCompress', 'brotliDecompress']) },
  },
  { modules: ['bcrypt', 'bcryptjs'], names: ['hashSync', 'compareSync'], work: 'password-hash', equivalent: { kind: 'same-module', names: { hashSync: 'hash', compareSync: 'compare' } } },
];

/** What each kind of work holds the process up with, for messages. */
export const BLOCKING_WORK_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'file-system': 'waits for the disk',
  'child-process': 'waits for the child process to exit',
  'key-derivation': 'runs a deliberately slow key derivation',
  compression: 'compresses or decompresses the whole buffer',
  'password-hash': 'runs a deliberately slow password hash',
};
