import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as textmate from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

/*
 * Tokenises real JavaScript/TypeScript lines with VS Code's TextMate engine
 * (vscode-textmate + Oniguruma), the JS/TS grammars VS Code ships (from
 * tm-grammars), and our injection grammar, as the editor does.
 */

const root = path.resolve(__dirname, '..', '..', '..');
const injectionPath = path.join(root, 'syntaxes', 'preflight-suppression.tmLanguage.json');
const INJECTION_SCOPE = 'comment.preflight-suppression.injection';
const HOST_GRAMMARS: Record<string, string> = {
  'source.ts': 'typescript.json',
  'source.tsx': 'tsx.json',
  'source.js': 'javascript.json',
  'source.js.jsx': 'jsx.json',
};

let registry: textmate.Registry;

async function createRegistry(): Promise<textmate.Registry> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const onigLib: Promise<textmate.IOnigLib> = Promise.resolve({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text: string) => new oniguruma.OnigString(text),
  });
  return new textmate.Registry({
    onigLib,
    loadGrammar: async (scopeName) => {
      const file = scopeName === INJECTION_SCOPE ? injectionPath : HOST_GRAMMARS[scopeName] && require.resolve(`tm-grammars/grammars/${HOST_GRAMMARS[scopeName]}`);
      if (!file) return null;
      return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections: (scopeName) => (scopeName in HOST_GRAMMARS ? [INJECTION_SCOPE] : undefined),
  });
}

interface Token {
  text: string;
  scopes: string[];
}

async function tokenize(scopeName: string, lines: string[]): Promise<Token[]> {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `no grammar for ${scopeName}`);
  let stack = textmate.INITIAL;
  const tokens: Token[] = [];
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, stack);
    for (const token of result.tokens) tokens.push({ text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    stack = result.ruleStack;
  }
  return tokens;
}

/** The text of the tokens that carry a scope starting with `prefix`. */
function textsWith(tokens: Token[], prefix: string): string[] {
  return tokens.filter((t) => t.scopes.some((s) => s.startsWith(prefix))).map((t) => t.text.trim()).filter((t) => t !== '');
}

describe('suppression comment grammar (real TextMate engine and JS/TS grammars)', () => {
  before(async () => {
    registry = await createRegistry();
  });

  for (const scopeName of Object.keys(HOST_GRAMMARS)) {
    it(`highlights the directive, rule ids, reason and expiry in ${scopeName} line comments`, async () => {
      const tokens = await tokenize(scopeName, ['const a = 1;', '  // preflight-disable-next-line missing-timeout, swallowed-error -- in-cluster, 50ms p99 (until 2027-03-31)', 'fetch(url);']);
      assert.deepEqual(textsWith(tokens, 'keyword.control.directive.preflight'), ['preflight-disable-next-line']);
      assert.deepEqual(textsWith(tokens, 'entity.name.type.rule-id.preflight'), ['missing-timeout', 'swallowed-error']);
      assert.deepEqual(textsWith(tokens, 'punctuation.separator.reason.preflight'), ['--']);
      assert.ok(textsWith(tokens, 'string.unquoted.reason.preflight').join(' ').includes('in-cluster, 50ms p99'));
      assert.deepEqual(textsWith(tokens, 'constant.numeric.date.preflight'), ['2027-03-31']);
      assert.deepEqual(textsWith(tokens, 'keyword.other.until.preflight'), ['until']);
      const directive = tokens.find((t) => t.text === 'preflight-disable-next-line')!;
      assert.ok(directive.scopes.some((s) => s.startsWith('comment.line.double-slash')), 'still inside the comment scope');
      const fetchToken = tokens.find((t) => t.text === 'fetch')!;
      assert.ok(!fetchToken.scopes.some((s) => s.includes('preflight')), 'the next line is ordinary code');
    });
  }

  it('highlights block comments and leaves the code after them alone', async () => {
    const tokens = await tokenize('source.ts', ['/* preflight-disable swallowed-error -- legacy module, tracked in OPS-123 */ run();']);
    assert.deepEqual(textsWith(tokens, 'keyword.control.directive.preflight'), ['preflight-disable']);
    assert.deepEqual(textsWith(tokens, 'entity.name.type.rule-id.preflight'), ['swallowed-error']);
    const close = tokens.find((t) => t.text.trim() === '*/')!;
    assert.ok(close.scopes.some((s) => s.startsWith('punctuation.definition.comment')), 'the comment still ends at */');
    const run = tokens.find((t) => t.text === 'run')!;
    assert.ok(!run.scopes.some((s) => s.startsWith('comment') || s.includes('preflight')), `code after the comment: ${run.scopes.join(' ')}`);
  });

  it('highlights a trailing disable-line comment and one without a reason', async () => {
    const tokens = await tokenize('source.js', ['const token = Math.random(); // preflight-disable-line insecure-randomness']);
    assert.deepEqual(textsWith(tokens, 'keyword.control.directive.preflight'), ['preflight-disable-line']);
    assert.deepEqual(textsWith(tokens, 'entity.name.type.rule-id.preflight'), ['insecure-randomness']);
    assert.deepEqual(textsWith(tokens, 'string.unquoted.reason.preflight'), []);
  });

  it('does not highlight the words in strings or in the middle of a comment', async () => {
    const tokens = await tokenize('source.ts', ['const s = "// preflight-disable-line x";', '// see preflight-disable-line in the docs']);
    assert.deepEqual(textsWith(tokens, 'keyword.control.directive.preflight'), []);
  });
});
