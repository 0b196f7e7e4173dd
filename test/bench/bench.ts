// `npm run bench`: with a folder, Preflight's scan against the parse floor and ESLint with types
// (compare-bench); without one, the language server's open and edit latency (didopen-bench).
const script = process.argv.length > 2 ? './compare-bench' : './didopen-bench';
require(script);
