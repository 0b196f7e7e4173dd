import { ts } from 'ts-morph';

/**
 * Brackets nested deeper than this are not parsed: TypeScript's parser, binder
 * and checker recurse once per level (or more), and around 600 levels they run
 * out of stack and take the whole run down. Handwritten code stays far below.
 */
export const MAX_NESTING_DEPTH = 400;

/** Tokens after which a `/` divides; after anything else it starts a regular expression. */
const ENDS_OPERAND = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.PrivateIdentifier,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.BigIntLiteral,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.PlusPlusToken,
  ts.SyntaxKind.MinusMinusToken,
  ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.SuperKeyword,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
]);

const OPENERS = new Set<ts.SyntaxKind>([ts.SyntaxKind.OpenParenToken, ts.SyntaxKind.OpenBracketToken, ts.SyntaxKind.OpenBraceToken]);
const CLOSERS = new Set<ts.SyntaxKind>([ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken]);

/**
 * How deep brackets (`(`, `[`, `{`, `${`) nest in `text`, read with the
 * TypeScript scanner in one linear pass (no parse, no recursion), stopping once
 * the depth passes `limit`. Strings, comments, templates and regular
 * expressions are skipped as tokens, so brackets inside them do not count.
 */
export function bracketNestingDepth(text: string, limit = MAX_NESTING_DEPTH): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  /** For each open bracket: whether it is a template's `${`. */
  const open: boolean[] = [];
  let deepest = 0;
  let previous = ts.SyntaxKind.Unknown;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if ((token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) && !ENDS_OPERAND.has(previous)) {
      token = scanner.reScanSlashToken();
    } else if (token === ts.SyntaxKind.TemplateHead) {
      open.push(true);
    } else if (OPENERS.has(token)) {
      open.push(false);
    } else if (token === ts.SyntaxKind.CloseBraceToken) {
      if (open.pop()) {
        token = scanner.reScanTemplateToken(false);
        if (token === ts.SyntaxKind.TemplateMiddle) open.push(true);
      }
    } else if (CLOSERS.has(token)) {
      open.pop();
    }
    if (open.length > deepest) {
      deepest = open.length;
      if (deepest > limit) return deepest;
    }
    previous = token;
  }
  return deepest;
}

/** The reason a file is not parsed because of its nesting, or undefined. */
export function tooDeeplyNestedReason(text: string): string | undefined {
  const depth = bracketNestingDepth(text);
  return depth > MAX_NESTING_DEPTH ? `too deeply nested (brackets more than ${MAX_NESTING_DEPTH} levels deep)` : undefined;
}

/** A stack overflow: what deep nesting that the bracket count misses (`if (a) if (a) …`) ends in. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

export const STACK_OVERFLOW_REASON = 'too deeply nested (the parser or the analysis ran out of stack)';
