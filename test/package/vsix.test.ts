import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { readZip, type ZipEntry } from './zip';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  contributes: { grammars: { path: string }[]; jsonValidation: { url: string }[] };
};

/** What may ship: the bundles, their web assets, docs, grammar, schema and the package's own files. */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/changelog\.md$/,
  /^extension\/images\/icon\.png$/,
  /^extension\/dist\/(extension|server)\.js$/,
  /^extension\/dist\/libpg-query\.wasm$/,
  /^extension\/dist\/codicons\/codicon\.(css|ttf)$/,
  /^extension\/client\/media\/[^/]+$/,
  /^extension\/docs\/rules\/[^/]+\.md$/,
  /^extension\/syntaxes\/[^/]+\.tmLanguage\.json$/,
  /^extension\/server\/schemas\/preflight\.config\.schema\.json$/,
];

/** Relative path inside the extension folder → archive entry name. */
function inExtension(relativePath: string): string {
  return `extension/${path.posix.normalize(relativePath.replace(/^\.\//, ''))}`;
}

function filesIn(folder: string, extension: string): string[] {
  if (!fs.existsSync(path.join(root, folder))) return [];
  return fs
    .readdirSync(path.join(root, folder))
    .filter((name) => name.endsWith(extension))
    .map((name) => `${folder}/${name}`);
}

/** Writes the archive's extension/ folder to disk, as VS Code does when it installs a .vsix. */
function install(entries: ZipEntry[], target: string): void {
  for (const entry of entries) {
    if (!entry.name.startsWith('extension/')) continue;
    const file = path.join(target, entry.name.slice('extension/'.length));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, entry.read());
  }
}

interface PublishedDiagnostic {
  code?: string | number;
  message: string;
  range: { start: { line: number; character: number } };
  codeDescription?: { href: string };
}

/** Starts a server module over stdio and opens one document; resolves with the first non-empty diagnostics for it. */
async function diagnosticsFromServer(
  serverModule: string,
  workspace: string,
  file: string,
): Promise<{ diagnostics: PublishedDiagnostic[]; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [serverModule, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const connection: MessageConnection = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const uri = pathToFileURL(file).href;
  const published = new Promise<PublishedDiagnostic[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within 60 s; server stderr:\n${stderr}`)), 60_000);
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: PublishedDiagnostic[] }) => {
      if (params.uri === uri && params.diagnostics.length > 0) {
        clearTimeout(timer);
        resolve(params.diagnostics);
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before publishing diagnostics:\n${stderr}`)));
  });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();

  const folderUri = pathToFileURL(workspace).href;
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: folderUri,
    workspaceFolders: [{ uri: folderUri, name: path.basename(workspace) }],
    capabilities: { workspace: { configuration: true } },
  });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'typescript', version: 1, text: fs.readFileSync(file, 'utf8') },
  });
  const stop = async (): Promise<void> => {
    try {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } finally {
      connection.dispose();
      child.kill();
    }
  };
  try {
    return { diagnostics: await published, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

describe('the .vsix package (npm run package)', function () {
  this.timeout(180_000);
  let temp: string;
  let vsix: string;
  let names: string[];
  let entries: ZipEntry[];

  before(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-vsix-'));
    vsix = path.join(temp, `${manifest.name}-${manifest.version}.vsix`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(npm, ['run', 'package', '--', '--out', vsix], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, `npm run package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    entries = readZip(fs.readFileSync(vsix));
    names = entries.map((entry) => entry.name);
  });

  after(() => {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  });

  it('carries the bundles, the rule docs, the grammar, the config schema and the webview assets', () => {
    const required = [
      'extension/package.json',
      'extension/LICENSE.txt',
      'extension/images/icon.png',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/dist/libpg-query.wasm',
      'extension/dist/codicons/codicon.css',
      'extension/dist/codicons/codicon.ttf',
      'extension/docs/rules/missing-timeout.md',
      ...filesIn('docs/rules', '.md').map(inExtension),
      ...filesIn('client/media', '').map(inExtension),
      ...manifest.contributes.grammars.map((grammar) => inExtension(grammar.path)),
      ...manifest.contributes.jsonValidation.map((validation) => inExtension(validation.url)),
    ];
    const missing = required.filter((name) => !names.includes(name));
    assert.deepEqual(missing, [], `missing from the .vsix (it has: ${names.join(', ')})`);
  });

  it('carries nothing that does not run: no sources, tests, maps, node_modules or tooling config', () => {
    const unexpected = names.filter((name) => !ALLOWED.some((pattern) => pattern.test(name)));
    assert.deepEqual(unexpected, []);
    const forbidden = names.filter((name) =>
      /\.ts$|\.map$|(^|\/)(test|node_modules|src|examples|fixtures|scripts)\/|tsconfig|\.vscode\//.test(name),
    );
    assert.deepEqual(forbidden, []);
  });

  it('installed, its server analyses a file and links each finding to a rule doc inside the extension', async () => {
    const installed = path.join(temp, 'installed');
    install(entries, installed);
    const workspace = path.join(temp, 'workspace');
    fs.mkdirSync(workspace);
    const file = path.join(workspace, 'client.ts');
    fs.writeFileSync(file, 'export async function load(url: string) {\n  const response = await fetch(url);\n  return response.json();\n}\n');

    const { diagnostics, stop } = await diagnosticsFromServer(path.join(installed, 'dist', 'server.js'), workspace, file);
    try {
      const timeout = diagnostics.find((diagnostic) => diagnostic.code === 'missing-timeout');
      assert.ok(timeout, `no missing-timeout finding for fetch(url): ${JSON.stringify(diagnostics)}`);
      assert.equal(timeout.range.start.line, 1);
      for (const diagnostic of diagnostics) {
        const href = diagnostic.codeDescription?.href;
        assert.ok(href, `${String(diagnostic.code)} has no documentation link`);
        const docFile = fileURLToPath(href);
        assert.equal(path.dirname(docFile), path.join(installed, 'docs', 'rules'), `${href} is not inside the installed extension`);
        assert.ok(fs.existsSync(docFile), `${href} does not exist in the installed extension`);
      }
    } finally {
      await stop();
    }
  });
});
