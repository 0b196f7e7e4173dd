import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEFAULT_CONFIG } from 'preflight-server';
import { buildChecklistReport } from 'preflight-server/out/checklist/report';
import { readProjectFacts } from 'preflight-server/out/checklist/project-facts';
import { mayHaveReadinessFacts, summariseFile, type FileReadinessFacts } from 'preflight-server/out/checklist/workspace-facts';
import { SyntaxOnlyProject } from 'preflight-server/out/parse/project';
import { GitRepo, requireGit } from './git-fixture';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((cleanup) => cleanup()));

function factsOf(file: string, text: string): FileReadinessFacts {
  return new SyntaxOnlyProject().withFiles([{ file, text }], (sourceFile) => summariseFile(sourceFile, '/repo'))[0]!;
}

function hasAnyFact(facts: FileReadinessFacts): boolean {
  return (
    facts.routes.length + facts.listens.length + facts.shutdown.length + facts.healthLibraries.length + facts.jsonLogWrites.length > 0 ||
    Object.values(facts.libraries).some((uses) => uses.length > 0) ||
    [facts.workers, facts.loggerDefinitions, facts.loggerImports, facts.injectedLoggers].some((found) => (found ?? []).length > 0)
  );
}

/** Files with readiness facts of every kind: the text test must let each through. */
const WITH_FACTS: Record<string, string> = {
  '/repo/src/server.ts': `import express from 'express';\nconst app = express();\napp.listen(3000);\n`,
  '/repo/src/routes.js': `module.exports = function mount(app) {\n  app.get('/health', (req, res) => res.send('ok'));\n};\n`,
  '/repo/src/users.ts': `import { usersRouter } from './routers';\nusersRouter\n  .get('/users', list);\ndeclare const list: any;\n`,
  '/repo/src/plugin.ts': `import type { FastifyInstance } from 'fastify';\nexport default async function routes(instance: FastifyInstance) {\n  instance.get('/items', async () => []);\n}\n`,
  '/repo/src/shutdown.ts': `process.on('SIGTERM', () => process.exit(0));\n`,
  '/repo/src/log.ts': `export const log = (message: string) => process.stdout.write(JSON.stringify({ level: 'info', message }) + '\\n');\n`,
  '/repo/src/schema.ts': `import { z } from 'zod';\nexport const Body = z.object({ name: z.string() });\n`,
  '/repo/src/main.ts': `import { NestFactory } from '@nestjs/core';\nasync function bootstrap() { const app = await NestFactory.create({} as any); app.enableShutdownHooks(); await app.listen(3000); }\nvoid bootstrap();\n`,
  '/repo/app/api/items/route.ts': `export async function GET() { return Response.json([]); }\n`,
  '/repo/src/http.cjs': `const http = require('node:http');\nhttp.createServer(() => {}).listen(8080);\n`,
  '/repo/app/routes/healthcheck.ts': `export async function loader() { return new Response('ok'); }\n`,
  '/repo/src/worker.ts': `import { Worker } from 'bullmq';\nexport const worker = new Worker('emails', async () => undefined);\n`,
  '/repo/src/orders-service.ts': `import { logger } from './logging';\nexport function place() { logger.info('placed'); }\n`,
  '/repo/src/router.ts': `export class Router {\n  route(method: string, path: string, handler: () => void) {}\n  mount() { this.route('POST', '/login', () => undefined); }\n}\n`,
};

/** Files a large package is mostly made of: nothing for the project checks. */
const WITHOUT_FACTS: Record<string, string> = {
  '/repo/src/cache.ts': `const cache = new Map<string, number>();\nexport const read = (key: string) => cache.get(key);\n`,
  '/repo/src/client.ts': `export async function load() { return fetch('https://api.example.com/http/items'); }\n`,
  '/repo/src/Button.tsx': `export function Button(props: { label: string }) { return <button>{props.label}</button>; }\n`,
  '/repo/src/params.ts': `export const page = (url: URL) => url.searchParams.get('page');\n`,
};

describe('checklist project facts: only what the project checks need', () => {
  describe('the text test that spares parsing', () => {
    for (const [file, text] of Object.entries(WITH_FACTS)) {
      it(`lets through ${path.basename(file)}, which has readiness facts`, () => {
        assert.ok(hasAnyFact(factsOf(file, text)), 'the fixture must have a fact');
        assert.equal(mayHaveReadinessFacts(file, text), true);
      });
    }
    for (const [file, text] of Object.entries(WITHOUT_FACTS)) {
      it(`rules out ${path.basename(file)}, which has none`, () => {
        assert.equal(hasAnyFact(factsOf(file, text)), false, 'the fixture must have no fact');
        assert.equal(mayHaveReadinessFacts(file, text), false);
      });
    }
  });

  it('parses only the files whose text may hold a fact, in batches, and gives every file its facts', async () => {
    const all = { ...WITH_FACTS, ...WITHOUT_FACTS };
    const read = await readProjectFacts(Object.keys(all), {
      root: '/repo',
      text: async (file) => all[file],
      cancelled: () => undefined,
      onProgress: () => undefined,
      problems: [],
    });
    assert.equal(read.facts.length, Object.keys(all).length);
    assert.equal(read.parsed, Object.keys(WITH_FACTS).length);
    const byFile = new Map(read.facts.map((facts) => [facts.file, facts]));
    assert.equal(byFile.get('src/shutdown.ts')!.shutdown.length, 1);
    assert.equal(hasAnyFact(byFile.get('src/cache.ts')!), false);
  });

  describe('in a monorepo (real git)', function () {
    this.timeout(60_000);
    before(requireGit);

    const SERVER = (name: string): string => `import express from 'express';\nconst ${name} = express();\n${name}.listen(3000);\n`;

    function monorepo(): GitRepo {
      const git = GitRepo.init({
        'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
        'packages/api/package.json': JSON.stringify({ name: 'api', dependencies: { express: '^4.19.0' } }),
        'packages/api/src/server.ts': SERVER('app'),
        'packages/api/src/orders.ts': `export const total = (items: number[]) => items.reduce((a, b) => a + b, 0);\n`,
        'packages/web/package.json': JSON.stringify({ name: 'web', dependencies: { express: '^4.19.0' } }),
        'packages/web/src/dev-server.ts': SERVER('devServer') + `process.on('SIGTERM', () => process.exit(0));\n`,
        'packages/web/src/page.tsx': `export const Page = () => <main />;\n`,
        'scripts/release.ts': `console.log('release');\n`,
      });
      cleanups.push(() => git.remove());
      git.git('checkout', '-q', '-b', 'feature');
      return git;
    }

    async function totalsRead(git: GitRepo): Promise<{ checks: Awaited<ReturnType<typeof buildChecklistReport>>['projectChecks']; factFiles: number }> {
      const report = await buildChecklistReport({ root: git.dir, scope: 'changed', config: DEFAULT_CONFIG });
      return { checks: report.projectChecks, factFiles: report.projectFacts!.files };
    }

    it('a change in one package reads that package only: the other package and the root scripts are not read', async () => {
      const git = monorepo();
      git.commit('change', { 'packages/api/src/orders.ts': `export const total = (items: number[]) => items.reduce((a, b) => a + b, 1);\n` });
      const { checks, factFiles } = await totalsRead(git);
      assert.equal(factFiles, 2, 'packages/api has two source files');
      const shutdown = checks.find((check) => check.id === 'graceful-shutdown')!;
      // web's dev server handles SIGTERM; api's does not. Reading web would not change api's verdict, but
      // its evidence must not appear either.
      assert.equal(shutdown.status, 'fail');
      assert.ok(shutdown.evidence.every((e) => e.file.startsWith('packages/api/')), JSON.stringify(shutdown.evidence));
    });

    it('a change at the root reads the root package without its workspaces', async () => {
      const git = monorepo();
      git.commit('change', { 'scripts/release.ts': `console.log('release', 2);\n` });
      const { checks, factFiles } = await totalsRead(git);
      assert.equal(factFiles, 1, 'only scripts/release.ts belongs to the root package');
      assert.equal(checks.find((check) => check.id === 'graceful-shutdown')!.status, 'n/a');
    });

    it('a change in two packages reads both', async () => {
      const git = monorepo();
      git.commit('change', {
        'packages/api/src/orders.ts': `export const total = 1;\n`,
        'packages/web/src/page.tsx': `export const Page = () => <main id="x" />;\n`,
      });
      const { factFiles } = await totalsRead(git);
      assert.equal(factFiles, 4);
    });
  });
});
