import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Real-style source to mutate: the example app, plus short snippets each rule family looks at. */
export function seedSources(): string[] {
  const exampleRoot = path.join(REPO_ROOT, 'examples', 'payments-api', 'src');
  const examples: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const target = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(target);
      else if (/\.[cm]?[jt]sx?$/.test(entry.name)) examples.push(fs.readFileSync(target, 'utf8'));
    }
  };
  if (fs.existsSync(exampleRoot)) walk(exampleRoot);
  return [...examples, ...SNIPPETS];
}

const SNIPPETS = [
  "import axios from 'axios';\nexport async function load(id: string) {\n  const { data } = await axios.get(`/users/${id}`);\n  return data;\n}\n",
  "const fetch = require('node-fetch');\nasync function get(url) {\n  try {\n    return await fetch(url);\n  } catch (e) {}\n}\nmodule.exports = { get };\n",
  "import express from 'express';\nconst app = express();\napp.post('/pay', async (req, res) => {\n  await charge(req.body);\n  res.send('ok');\n});\nasync function charge(body: unknown) { return body; }\n",
  "import { Queue, Worker } from 'bullmq';\nconst queue = new Queue('mail');\nexport function send(to: string) {\n  queue.add('send', { to });\n}\nnew Worker('mail', async (job) => { console.log(job.data); });\n",
  "export async function retry<T>(fn: () => Promise<T>): Promise<T> {\n  for (let i = 0; i < 5; i++) {\n    try { return await fn(); } catch (error) { if (i === 4) throw error; }\n  }\n  throw new Error('unreachable');\n}\n",
  "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport async function transfer(a: string, b: string, amount: number) {\n  await prisma.account.update({ where: { id: a }, data: { balance: { decrement: amount } } });\n  await prisma.account.update({ where: { id: b }, data: { balance: { increment: amount } } });\n}\n",
  "export function start() {\n  setInterval(async () => {\n    await Promise.all([1, 2, 3].map(async (n) => n * 2));\n  }, 1000);\n  process.on('unhandledRejection', (reason) => console.error(reason));\n}\n",
  "// preflight-disable-next-line missing-timeout -- in-cluster (until 2027-03-31)\nconst res = await fetch('http://svc');\nexport default res;\n",
];

/** One edit of a text; each mirrors a way a file is broken while typed, generated or corrupted. */
type Mutation = (text: string) => string;

const at = (text: string, fraction: number): number => Math.floor(fraction * text.length);

const truncate = fc.double({ min: 0, max: 1, noNaN: true }).map((f): Mutation => (text) => text.slice(0, at(text, f)));

const deleteToken = fc.double({ min: 0, max: 1, noNaN: true }).map((f): Mutation => (text) => {
  const tokens = [...text.matchAll(/\w+|[^\s\w]/g)];
  const token = tokens[Math.floor(f * tokens.length)];
  return token ? text.slice(0, token.index) + text.slice(token.index! + token[0].length) : text;
});

const insertText = (inserted: fc.Arbitrary<string>) =>
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), inserted).map(([f, piece]): Mutation => (text) => text.slice(0, at(text, f)) + piece + text.slice(at(text, f)));

const unbalancedBrackets = insertText(fc.array(fc.constantFrom('(', ')', '[', ']', '{', '}', '${', '`', "'", '"', '/*', '*/', '<', '>'), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')));

const randomBytes = insertText(
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufeff', '\u2028', '\r', '\r\n', '\t'),
  ),
);

const deepNesting = fc
  .tuple(fc.constantFrom(['(', ')'], ['[', ']'], ['{a:', '}'], ['if (x) {', '}'], ['() => (', ')'], ['f(', ')']), fc.integer({ min: 1, max: 1_200 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([[open, close], depth, f]): Mutation => (text) => `${text.slice(0, at(text, f))}\nconst deep = ${open!.repeat(depth)}0${close!.repeat(depth)};\n${text.slice(at(text, f))}`);

const longLine = fc
  .tuple(fc.integer({ min: 1_000, max: 60_000 }), fc.constantFrom('string', 'code', 'comment'), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([length, kind, f]): Mutation => (text) => {
    const line = kind === 'string' ? `const data = 'data:image/png;base64,${'A'.repeat(length)}';` : kind === 'code' ? 'x=x+1;'.repeat(Math.ceil(length / 6)) : `// ${'#'.repeat(length)}`;
    const offset = text.indexOf('\n', at(text, f));
    const cut = offset === -1 ? text.length : offset + 1;
    return `${text.slice(0, cut)}${line}\n${text.slice(cut)}`;
  });

const duplicateSlice = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b]): Mutation => (text) => {
  const [from, to] = [at(text, Math.min(a, b)), at(text, Math.max(a, b))];
  return text.slice(0, to) + text.slice(from, to) + text.slice(to);
});

export const MUTATION_KINDS = ['truncate', 'deleteToken', 'unbalancedBrackets', 'randomBytes', 'deepNesting', 'longLine', 'duplicateSlice'] as const;

const mutationByKind: Record<(typeof MUTATION_KINDS)[number], fc.Arbitrary<Mutation>> = {
  truncate,
  deleteToken,
  unbalancedBrackets,
  randomBytes,
  deepNesting,
  longLine,
  duplicateSlice,
};

export interface MutatedInput {
  seed: number;
  kinds: string[];
  text: string;
}

/** A seed source with one to three mutations applied, naming the mutations (for the counts and for a failing case). */
export function mutatedSource(seeds: readonly string[]): fc.Arbitrary<MutatedInput> {
  const oneMutation = fc.constantFrom(...MUTATION_KINDS).chain((kind) => mutationByKind[kind].map((mutation) => ({ kind, mutation })));
  return fc.tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(oneMutation, { minLength: 1, maxLength: 3 })).map(([seed, mutations]) => ({
    seed,
    kinds: mutations.map((m) => m.kind),
    text: mutations.reduce((text, { mutation }) => mutation(text), seeds[seed]!),
  }));
}

/** Whole inputs generated from nothing: arbitrary text, and JavaScript-looking token soup. */
export function generatedSource(): fc.Arbitrary<MutatedInput> {
  const token = fc.constantFrom('async', 'await', 'function', 'const', 'x', '=', '=>', '(', ')', '{', '}', '[', ']', ';', ',', '.', 'fetch', "'a'", '`t${', '}`', 'try', 'catch', 'new', 'Promise', 'import', 'from', 'export', 'require', '\n', ' ', '?.', '??', '<div>', '</div>', '/re/g', '1', 'class', 'extends');
  return fc.oneof(
    fc.array(token, { maxLength: 200 }).map((tokens) => ({ seed: -1, kinds: ['generated-tokens'], text: tokens.join(' ') })),
    fc.string({ unit: 'grapheme', maxLength: 300 }).map((text) => ({ seed: -1, kinds: ['generated-text'], text })),
  );
}
