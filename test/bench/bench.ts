// `npm run bench`: with `--lsp DIR FILE`, the language server on a real file of a real project (lsp-bench);
// with a folder, Preflight's scan against the parse floor and ESLint with types (compare-bench); without
// arguments, the language server's open and edit latency on a generated file (didopen-bench).
const args = process.argv.slice(2);
const script = args.includes('--lsp') ? './lsp-bench' : args.length > 0 ? './compare-bench' : './didopen-bench';
require(script);
