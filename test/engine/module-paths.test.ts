import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisProject } from 'preflight-server';
import { ProjectModuleGuesser, readPathMappings } from 'preflight-server/out/parse/module-paths';
import { callSummary } from 'preflight-server/out/facts/function-summary';
import { callExpressionStartingWith } from '../support/facts-project';

const STUB = 'export const x = 1;\n';

describe('parse/module-paths: the project’s own bare specifiers, on a real folder', () => {
  let root: string;
  const at = (relative: string): string => path.join(root, relative);

  function write(files: Record<string, string>): void {
    for (const [relative, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(at(relative)), { recursive: true });
      fs.writeFileSync(at(relative), text);
    }
  }

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-module-paths-')));
    write({
      // A Remix app without a tsconfig: `~/x` is guessed from the folders above the importer.
      'remix/app/db.server.ts': STUB,
      'remix/app/utils/format.ts': STUB,
      'remix/app/routes/admin/users.tsx': STUB,
      'remix/app/routes/admin/settings/index.tsx': STUB,
      // Nest-style `src/x` imports.
      'nest/src/prisma/prisma.service.ts': STUB,
      'nest/src/users/users.service.ts': STUB,
      'nest/src/users/dto/create-user.dto.ts': STUB,
      // tsconfig paths inherited through `extends`, with a baseUrl.
      'mono/tsconfig.base.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['libs/*'], '~/*': ['apps/api/src/*'] } } }),
      'mono/tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json', compilerOptions: { strict: true } }),
      'mono/libs/mailer/index.ts': STUB,
      'mono/apps/api/src/config.ts': STUB,
      'mono/apps/api/src/main.ts': STUB,
      // Files named like packages: a bare package name must not be taken for them.
      'bare/lodash.ts': STUB,
      'bare/@nestjs/common.ts': STUB,
      'bare/src/main.ts': STUB,
      // The nearest ancestor wins.
      'near/app/db.server.ts': STUB,
      'near/app/routes/db.server.ts': STUB,
      'near/app/routes/home.tsx': STUB,
    });
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('~/db.server from a nested file resolves to an ancestor’s db.server.ts', () => {
    const guesser = new ProjectModuleGuesser();
    assert.equal(guesser.resolve('~/db.server', at('remix/app/routes/admin/users.tsx')), at('remix/app/db.server.ts'));
    assert.equal(guesser.resolve('~/db.server', at('remix/app/routes/admin/settings/index.tsx')), at('remix/app/db.server.ts'));
  });

  it('~/utils/format.js names the TypeScript source; @/ and #/ prefixes are guessed alike', () => {
    const guesser = new ProjectModuleGuesser();
    const importer = at('remix/app/routes/admin/users.tsx');
    assert.equal(guesser.resolve('~/utils/format.js', importer), at('remix/app/utils/format.ts'));
    assert.equal(guesser.resolve('@/utils/format', importer), at('remix/app/utils/format.ts'));
    assert.equal(guesser.resolve('#/utils/format', importer), at('remix/app/utils/format.ts'));
  });

  it('the nearest folder above the importer where the path exists wins', () => {
    assert.equal(new ProjectModuleGuesser().resolve('~/db.server', at('near/app/routes/home.tsx')), at('near/app/routes/db.server.ts'));
  });

  it('a specifier whose file exists nowhere above the importer is not resolved', () => {
    assert.equal(new ProjectModuleGuesser().resolve('~/missing', at('remix/app/routes/admin/users.tsx')), undefined);
  });

  it('src/prisma/prisma.service resolves when an ancestor has src/', () => {
    const guesser = new ProjectModuleGuesser();
    assert.equal(guesser.resolve('src/prisma/prisma.service', at('nest/src/users/users.service.ts')), at('nest/src/prisma/prisma.service.ts'));
    assert.equal(guesser.resolve('src/prisma/prisma.service', at('nest/src/users/dto/create-user.dto.ts')), at('nest/src/prisma/prisma.service.ts'));
  });

  it('tsconfig paths inherited through extends are applied, against baseUrl', () => {
    const guesser = new ProjectModuleGuesser();
    const importer = at('mono/apps/api/src/main.ts');
    assert.equal(guesser.resolve('@lib/mailer', importer), at('mono/libs/mailer/index.ts'));
    // From the library, no folder above holds config.ts: only the mapping can say where ~/ points.
    assert.equal(guesser.resolve('~/config', at('mono/libs/mailer/index.ts')), at('mono/apps/api/src/config.ts'));
    assert.equal(guesser.resolve('@lib/missing', importer), undefined);
  });

  it('readPathMappings follows extends and matches only its own patterns', () => {
    const [lib] = readPathMappings(at('mono/tsconfig.json'));
    assert.ok(lib);
    assert.equal(lib.match('@lib/mailer'), 'mailer');
    assert.equal(lib.match('@other/mailer'), undefined);
    assert.deepEqual(lib.targets, [at('mono/libs/*')]);
  });

  it('a bare package name (lodash, @nestjs/common) is not resolved, even beside a file of that name', () => {
    const guesser = new ProjectModuleGuesser();
    const importer = at('bare/src/main.ts');
    assert.equal(guesser.resolve('lodash', importer), undefined);
    assert.equal(guesser.resolve('@nestjs/common', importer), undefined);
    assert.equal(guesser.resolve('./lodash', importer), undefined, 'relative specifiers are left to TypeScript');
    assert.equal(guesser.resolve('node:fs', importer), undefined);
  });

  it('an analysis project on disk follows a ~/ import into the other file for function summaries', () => {
    const files = {
      'summary/app/db.server.ts': `export async function safeQuery() {\n  try { return await Promise.reject(new Error('down')); } catch (err) { console.error(err); return null; }\n}\nexport async function query() {\n  return Promise.reject(new Error('down'));\n}\n`,
      'summary/app/routes/index.tsx': `import { safeQuery, query } from '~/db.server';\nexport function loader() {\n  safeQuery();\n  query();\n}\n`,
    };
    write(files);
    const project = new AnalysisProject();
    for (const [relative, text] of Object.entries(files)) project.upsert(at(relative), text);
    const route = project.get(at('summary/app/routes/index.tsx'));
    assert.ok(route);
    const safe = callSummary(callExpressionStartingWith(route, 'safeQuery('));
    assert.ok(safe, 'the call is followed into ~/db.server');
    assert.deepEqual([...safe.rejects], []);
    const risky = callSummary(callExpressionStartingWith(route, 'query('));
    assert.ok(risky);
    assert.deepEqual([...risky.rejects], ['failure']);
  });
});
