// The language-model tool agent mode calls: found in vscode.lm.tools and run through vscode.lm.invokeTool.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXPECTED_FINDINGS } from '../expected-findings';
import { EXTENSION_ID } from './helpers';

const TOOL = 'preflight_check';

/*
 * The tools API is finalized in VS Code 1.95; the types this repository builds against are 1.91's
 * (the extension's engine range), so the shapes used here are declared locally.
 */
interface ToolInfo {
  name: string;
  description: string;
  inputSchema?: { properties?: Record<string, unknown> };
}
interface ToolResult {
  content: unknown[];
}
interface LanguageModelTools {
  tools: readonly ToolInfo[];
  invokeTool(name: string, options: { input: object; toolInvocationToken: undefined }, token?: vscode.CancellationToken): Thenable<ToolResult>;
}

function lm(): LanguageModelTools {
  const api = (vscode as unknown as { lm?: Partial<LanguageModelTools> }).lm;
  assert.ok(api?.tools && api.invokeTool, 'this host has the language-model tools API (VS Code 1.95+)');
  return api as LanguageModelTools;
}

async function invoke(input: object): Promise<string> {
  const result = await lm().invokeTool(TOOL, { input, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
  const TextPart = (vscode as unknown as { LanguageModelTextPart: new (value: string) => { value: string } }).LanguageModelTextPart;
  assert.ok(result.content.length > 0, 'the tool answered with content');
  for (const part of result.content) assert.ok(part instanceof TextPart, 'every part is a LanguageModelTextPart');
  return result.content.map((part) => (part as { value: string }).value).join('\n');
}

/** "file:line rule-id" (1-based lines) of each finding the text lists. */
function listedFindings(text: string): string[] {
  return [...text.matchAll(/^\d+\. (\S+):(\d+):\d+ \w+ ([\w-]+): /gm)].map(([, file, line, ruleId]) => `${file}:${line} ${ruleId}`).sort();
}

describe('language-model tool (agent mode)', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });

  it('is in vscode.lm.tools with the input schema the manifest contributes', () => {
    const tool = lm().tools.find((candidate) => candidate.name === TOOL);
    assert.ok(tool, `${TOOL} is not among ${lm().tools.map((candidate) => candidate.name).join(', ')}`);
    assert.deepEqual(Object.keys(tool.inputSchema?.properties ?? {}).sort(), ['changedSince', 'limit', 'offset', 'paths', 'rules']);
  });

  it('invoked on the fixture workspace, answers its findings as text parts', async () => {
    const text = await invoke({ paths: ['.'] });
    const expected = Object.entries(EXPECTED_FINDINGS)
      .flatMap(([file, findings]) => findings.map((finding) => `${file}:${finding.line + 1} ${finding.ruleId}`))
      .sort();
    assert.deepEqual(listedFindings(text), expected, text);
    assert.match(text, /Why it fails in production: /);
  });

  it('answers a path that does not exist with one sentence the model can act on', async () => {
    const text = await invoke({ paths: ['src/nowhere.ts'] });
    assert.match(text, /^Path not found: src\/nowhere\.ts \(paths are relative to the workspace root .+\)\.$/);
  });
});
