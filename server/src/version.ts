// A require, not a file read at run time: esbuild inlines it, so the bundled server in the .vsix knows its version too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifest = require('../package.json') as { version: string };

/** The version of Preflight (the preflight-server package), as the CLI, the server and reports state it. */
export const PREFLIGHT_VERSION: string = manifest.version;
