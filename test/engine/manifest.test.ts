import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Node, Project, type CallExpression, type Type } from 'ts-morph';
import { allRules } from 'preflight-server';
import { SEVERITY_SETTINGS } from 'preflight-server/out/config/validate';
import { isAnalysedLanguage } from 'preflight-server/out/lsp/paths';
import * as generator from 'preflight-server/out/docs/manifest-settings';
import { checkInputJsonSchema } from 'preflight-server/out/mcp/tool-schemas';
import { CHECK_TOOL_NAME, hasFinalMcpApi, MCP_PROVIDER_ID } from 'preflight-client/out/agent-tool-names';
import { DEFAULT_EDITOR_OPTIONS, RUN_TRIGGERS } from 'preflight-server/out/lsp/settings';

const root = path.resolve(__dirname, '..', '..', '..');

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, SettingSchema> };
    jsonValidation: { fileMatch: string; url: string }[];
    grammars: { scopeName: string; path: string; injectTo?: string[] }[];
    languageModelTools: { name: string; inputSchema: Record<string, unknown>; modelDescription: string }[];
    mcpServerDefinitionProviders: { id: string; label: string }[];
  };
}

interface SettingSchema {
  type?: string;
  default?: unknown;
  markdownDescription?: string;
  enum?: string[];
  properties?: Record<string, { description?: string; anyOf?: SettingSchema[] }>;
  items?: SettingSchema | SettingSchema[];
  additionalProperties?: boolean;
}

function readManifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
}

/** The string literal values a command-id expression can have, from the type checker (`as const` ids resolve too). */
function literalStrings(type: Type): string[] {
  if (type.isStringLiteral()) return [type.getLiteralValue() as string];
  if (type.isUnion()) return type.getUnionTypes().flatMap(literalStrings);
  return [];
}

/** Every call to `<something>.registerCommand(id, ...)` in the client's sources, with the ids it can register. */
function registeredCommandIds(): { ids: Set<string>; unresolved: string[] } {
  const project = new Project({ tsConfigFilePath: path.join(root, 'client', 'tsconfig.json') });
  const ids = new Set<string>();
  const unresolved: string[] = [];
  for (const sourceFile of project.getSourceFiles()) {
    if (!sourceFile.getFilePath().includes('/client/src/')) continue;
    sourceFile.forEachDescendant((node) => {
      if (!Node.isCallExpression(node) || !isRegisterCommandCall(node)) return;
      const idArgument = node.getArguments()[0];
      if (!idArgument) return;
      const values = literalStrings(idArgument.getType());
      if (values.length === 0) unresolved.push(`${sourceFile.getBaseName()}:${node.getStartLineNumber()}`);
      for (const value of values) ids.add(value);
    });
  }
  return { ids, unresolved };
}

function isRegisterCommandCall(call: CallExpression): boolean {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) && callee.getName() === 'registerCommand';
}

describe('extension manifest (package.json)', () => {
  const manifest = readManifest();

  it('lists every registered rule under preflight.rules, exactly as the generator writes it', () => {
    const setting = manifest.contributes.configuration.properties[generator.RULES_SETTING];
    assert.ok(setting, `package.json has no "${generator.RULES_SETTING}" setting`);
    const listed = Object.keys(setting.properties ?? {}).sort();
    const registered = allRules.map((rule) => rule.meta.id).sort();
    assert.deepEqual(listed, registered, 'preflight.rules does not list the registered rules: run `npm run docs`');
    assert.deepEqual(setting, generator.rulesSettingSchema(allRules), 'preflight.rules differs from the rule metadata: run `npm run docs`');
    assert.equal(setting.additionalProperties, false, 'an unknown rule id in settings should be flagged by the settings editor');
  });

  it('describes each rule setting from its metadata and accepts a severity or [severity, options]', () => {
    const properties = manifest.contributes.configuration.properties['preflight.rules']!.properties!;
    for (const rule of allRules) {
      const schema = properties[rule.meta.id]!;
      assert.ok(schema.description?.includes(rule.meta.title), `${rule.meta.id}: description lacks the title`);
      assert.ok(schema.description?.includes(rule.meta.defaultSeverity), `${rule.meta.id}: description lacks the default`);
      const [severityForm, tupleForm] = schema.anyOf ?? [];
      assert.deepEqual(severityForm?.enum, generator.SEVERITY_SETTINGS);
      assert.equal(tupleForm?.type, 'array');
      const [tupleSeverity, tupleOptions] = tupleForm?.items as SettingSchema[];
      assert.deepEqual(tupleSeverity?.enum, generator.SEVERITY_SETTINGS);
      assert.equal(tupleOptions?.type, 'object');
    }
  });

  it("names real rules in preflight.rules' description and example", () => {
    const description = manifest.contributes.configuration.properties['preflight.rules']!.markdownDescription ?? '';
    const example = /Example: `(\{.*\})`/.exec(description)?.[1];
    assert.ok(example, description);
    const ids = new Set(allRules.map((rule) => rule.meta.id));
    const named = Object.keys(JSON.parse(example) as Record<string, unknown>);
    assert.ok(named.length >= 2, example);
    for (const id of named) assert.ok(ids.has(id), `the example names "${id}", which is not a rule`);
    for (const id of ids) assert.ok(description.includes(`\`${id}\``), `the description does not list ${id}`);
  });

  it('contributes preflight.enable and preflight.run with the defaults and values the server uses', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.equal(properties['preflight.enable']?.type, 'boolean');
    assert.equal(properties['preflight.enable']?.default, DEFAULT_EDITOR_OPTIONS.enable);
    assert.deepEqual(properties['preflight.run']?.enum, [...RUN_TRIGGERS]);
    assert.equal(properties['preflight.run']?.default, DEFAULT_EDITOR_OPTIONS.run);
  });

  it('offers every severity the config validator accepts, and no other', () => {
    assert.deepEqual([...generator.SEVERITY_SETTINGS].sort(), [...SEVERITY_SETTINGS].sort());
  });

  it('contributes the settings the server reads and the trace setting of the "preflight" client', () => {
    const properties = manifest.contributes.configuration.properties;
    for (const name of ['preflight.enable', 'preflight.run', 'preflight.rules', 'preflight.ignore', 'preflight.trace.server']) {
      assert.ok(properties[name], `missing setting ${name}`);
    }
    assert.deepEqual(properties['preflight.trace.server']!.enum, ['off', 'messages', 'verbose']);
    const session = fs.readFileSync(path.join(root, 'client', 'src', 'session.ts'), 'utf8');
    assert.match(session, /new LanguageClient\('preflight',/, 'the trace setting is read under the client id "preflight"');
  });

  it('has a handler in the client sources for every contributed command', () => {
    const { ids, unresolved } = registeredCommandIds();
    assert.ok(ids.has('preflight.restartServer'), 'the scan found no registerCommand calls at all');
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], `commands without a handler (unresolved registerCommand ids at ${unresolved.join(', ') || 'none'})`);
  });

  it('contributes the preflight_check language-model tool with the MCP tool\'s input schema, and the client registers it', () => {
    const [tool, ...others] = manifest.contributes.languageModelTools;
    assert.deepEqual(others, []);
    assert.equal(tool!.name, CHECK_TOOL_NAME);
    assert.deepEqual(tool!.inputSchema, checkInputJsonSchema());
    const agentTools = fs.readFileSync(path.join(root, 'client', 'src', 'agent-tools.ts'), 'utf8');
    assert.match(agentTools, /registerTool<CheckToolInput>\(CHECK_TOOL_NAME,/);
  });

  it('contributes the MCP server definition provider the client registers', () => {
    assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders.map((provider) => provider.id), [MCP_PROVIDER_ID]);
  });

  it('offers the MCP server only from VS Code 1.101, whose registerMcpServerDefinitionProvider is the finalized one', () => {
    assert.deepEqual(['1.91.1', '1.100.3', '1.101.0', '1.104.2', '2.0.0'].map(hasFinalMcpApi), [false, false, true, true, true]);
  });

  it('activates on exactly the languages the server analyses, and on a config file', () => {
    const languages = manifest.activationEvents
      .filter((event) => event.startsWith('onLanguage:'))
      .map((event) => event.slice('onLanguage:'.length));
    assert.deepEqual([...languages].sort(), ['javascript', 'javascriptreact', 'sql', 'typescript', 'typescriptreact']);
    for (const language of languages) assert.ok(isAnalysedLanguage(language), `the server does not analyse ${language}`);
    assert.ok(manifest.activationEvents.includes('workspaceContains:preflight.config.json'));
  });

  it('points at the bundled client', () => {
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('registers the config schema that ships in the repository', () => {
    const validation = manifest.contributes.jsonValidation.find((entry) => entry.fileMatch === 'preflight.config.json');
    assert.ok(validation, 'no jsonValidation for preflight.config.json');
    const schemaFile = path.join(root, validation.url);
    assert.ok(fs.existsSync(schemaFile), `the schema ${validation.url} does not exist`);
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as { properties?: Record<string, unknown> };
    assert.ok(schema.properties?.['rules'], 'the schema does not describe "rules"');
  });

  it('contributes the suppression-comment grammar under the scope name the grammar declares', () => {
    assert.ok(manifest.contributes.grammars.length > 0, 'no grammar contributed');
    for (const grammar of manifest.contributes.grammars) {
      const grammarFile = path.join(root, grammar.path);
      assert.ok(fs.existsSync(grammarFile), `the grammar ${grammar.path} does not exist`);
      const content = JSON.parse(fs.readFileSync(grammarFile, 'utf8')) as { scopeName?: string; injectionSelector?: string };
      assert.equal(content.scopeName, grammar.scopeName);
      assert.ok(content.injectionSelector, 'an injection grammar needs an injectionSelector');
      assert.deepEqual(
        [...(grammar.injectTo ?? [])].sort(),
        ['source.js', 'source.js.jsx', 'source.ts', 'source.tsx'],
        'inject into JavaScript, TypeScript and their React variants',
      );
    }
  });
});
