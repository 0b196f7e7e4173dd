/**
 * SQL parsing with the real PostgreSQL parser (libpg-query: PostgreSQL's own
 * grammar compiled to WebAssembly, no native build, nothing fetched at install
 * or run time). Statements come back with their offsets in the text that was
 * parsed, in UTF-16 code units as every other offset in Preflight, whatever
 * bytes the text holds: the parser counts UTF-8 bytes.
 *
 * The WebAssembly module compiles asynchronously: callers that analyse SQL
 * await `loadSqlParser()` once (the CLI, the language server, the tests)
 * before `parseSql`, which is synchronous like the rest of the engine.
 */
import type * as LibPgQuery from 'libpg-query';

let loaded = false;
let parser: typeof LibPgQuery | undefined;

/** The parser module, required on first use: requiring it starts compiling its WebAssembly. */
function pgModule(): typeof LibPgQuery {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parser ??= require('libpg-query') as typeof LibPgQuery;
  return parser;
}
let loading: Promise<void> | undefined;

/** Compiles the parser (once); later calls return at once. */
export function loadSqlParser(): Promise<void> {
  loading ??= pgModule().loadModule().then(() => {
    loaded = true;
  });
  return loading;
}

export function isSqlParserLoaded(): boolean {
  return loaded;
}

/** A parse tree node as the parser returns it: `{ IndexStmt: { ... } }`. */
export type SqlNode = Record<string, unknown>;

export interface SqlStatement {
  /** The statement's node type: `IndexStmt`, `AlterTableStmt`, `VariableSetStmt`... */
  kind: string;
  /** The statement's fields (the value under `kind`). */
  node: Record<string, unknown>;
  /** Offsets of the statement's first token and of the end of its last token (before the `;`). */
  start: number;
  end: number;
}

export interface SqlParseError {
  message: string;
  offset: number;
}

export interface ParsedSql {
  statements: SqlStatement[];
  error?: SqlParseError;
}

/** Parses `text`; a syntax error gives no statements and the error with its offset. */
export function parseSql(text: string): ParsedSql {
  if (!loaded) throw new Error('SQL parser not loaded: await loadSqlParser() first');
  const offsets = utf16OffsetsOf(text);
  let result: { stmts?: { stmt?: SqlNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    result = pgModule().parseSync(text) as typeof result;
  } catch (error) {
    const cursor = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    return { statements: [], error: { message: error instanceof Error ? error.message : String(error), offset: offsets(Math.max(0, cursor - 1)) } };
  }
  const tokens = tokenSpans(text);
  const statements: SqlStatement[] = [];
  for (const raw of result.stmts ?? []) {
    const [kind] = Object.keys(raw.stmt ?? {});
    if (!kind) continue;
    const from = raw.stmt_location ?? 0;
    const to = raw.stmt_len ? from + raw.stmt_len : Number.MAX_SAFE_INTEGER;
    const inside = tokens.filter((token) => token.start >= from && token.end <= to && token.name !== 'ASCII_59');
    if (inside.length === 0) continue;
    statements.push({ kind, node: raw.stmt![kind] as Record<string, unknown>, start: offsets(inside[0].start), end: offsets(inside[inside.length - 1].end) });
  }
  return { statements };
}

interface TokenSpan {
  start: number;
  end: number;
  name: string;
}

/** The text's tokens (byte offsets), without comments. */
function tokenSpans(text: string): TokenSpan[] {
  return pgModule()
    .scanSync(text)
    .tokens.filter((token) => token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT')
    // Keywords come back as UNKNOWN tokens with a keyword kind: name them by their text (`INDEX`).
    .map((token) => ({ start: token.start, end: token.end, name: token.keywordName !== 'NO_KEYWORD' ? token.text.toUpperCase() : token.tokenName }));
}

/** Maps a UTF-8 byte offset in `text` to its UTF-16 offset. */
function utf16OffsetsOf(text: string): (byteOffset: number) => number {
  if (Buffer.byteLength(text, 'utf8') === text.length) return (byteOffset) => Math.min(byteOffset, text.length);
  const byteStarts: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    byteStarts.push(bytes);
    const code = text.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    bytes += width;
    if (code >= 0x10000) {
      i++;
      byteStarts.push(bytes);
    }
  }
  byteStarts.push(bytes);
  return (byteOffset) => {
    let low = 0;
    let high = byteStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (byteStarts[mid] <= byteOffset) low = mid;
      else high = mid - 1;
    }
    return low;
  };
}

/** Every node below `value` (depth first), as `[kind, fields]` pairs. */
export function* sqlNodesIn(value: unknown): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    for (const item of value) yield* sqlNodesIn(item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    // Node types are the keys in capitals (`FuncCall`, `ColumnRef`); fields are lower case.
    const isNodeType = key[0] >= 'A' && key[0] <= 'Z';
    if (isNodeType && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) yield [key, inner as Record<string, unknown>];
    yield* sqlNodesIn(inner);
  }
}

/** The text's comments (`-- ...` and `/* ... *\/`), with UTF-16 offsets; empty when the parser is not loaded. */
export function sqlCommentRanges(text: string): { pos: number; end: number; block: boolean }[] {
  if (!loaded) return [];
  const offsets = utf16OffsetsOf(text);
  return pgModule()
    .scanSync(text)
    .tokens.filter((token) => token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT')
    .map((token) => ({ pos: offsets(token.start), end: offsets(token.end), block: token.tokenName === 'C_COMMENT' }));
}

export interface SqlToken {
  /** Offsets in the text the tokens were read from. */
  start: number;
  end: number;
  /** A keyword in capitals (`INDEX`), else the scanner's token name: `IDENT`, `SCONST`, `ASCII_59` for `;`... */
  name: string;
}

/** The tokens (without comments) of `text` between `from` and `to`, with offsets in `text`; empty when it does not scan. */
export function sqlTokensIn(text: string, from = 0, to = text.length): SqlToken[] {
  if (!loaded) return [];
  const slice = text.slice(from, to);
  const offsets = utf16OffsetsOf(slice);
  try {
    return tokenSpans(slice).map((token) => ({ start: from + offsets(token.start), end: from + offsets(token.end), name: token.name }));
  } catch {
    return [];
  }
}
