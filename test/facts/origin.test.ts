import * as assert from 'node:assert/strict';
import { SyntaxKind } from 'ts-morph';
import { AnalysisProject, FileFacts } from 'preflight-server';
import { describeOrigin, isModuleMember, type Origin } from 'preflight-server/out/facts/origin';

const project = new AnalysisProject({ inMemory: true });
let fileCounter = 0;

/**
 * Resolves the argument of every `probe(...)` call in `code`, in source order.
 * `inspect` runs while the file is still loaded, for checks that read nodes.
 */
function probes(code: string, filename = 'probe.ts', inspect?: (origins: Origin[]) => void): Origin[] {
  fileCounter += 1;
  const path = `/origin/${fileCounter}/${filename}`;
  const sourceFile = project.upsert(path, code);
  try {
    const facts = new FileFacts(sourceFile);
    const calls = sourceFile
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((call) => call.getExpression().getText() === 'probe');
    assert.ok(calls.length > 0, 'test code has no probe(...)');
    const origins = calls.map((call) => facts.origin(call.getArguments()[0]!));
    inspect?.(origins);
    return origins;
  } finally {
    project.remove(path);
  }
}

function probe(code: string, filename?: string): Origin {
  const all = probes(code, filename);
  assert.equal(all.length, 1, 'expected exactly one probe(...)');
  return all[0]!;
}

function assertModule(origin: Origin, module: string, path: string[]): void {
  assert.ok(isModuleMember(origin, module, path), `expected ${[module, ...path].join('.')}, got ${describeOrigin(origin)} (${origin.kind})`);
}

describe('facts/origin resolveOrigin', () => {
  describe('script files (no import or export)', () => {
    it('a top-level const named like a global is the local binding, not the global', () => {
      assertModule(probe(`const fetch = require('node-fetch');\nprobe(fetch);`), 'node-fetch', []);
    });
    it('a top-level function named fetch is local', () => {
      assert.equal(probe(`function fetch(url: string) { return url; }\nprobe(fetch);`).kind, 'local');
    });
    it('an undeclared fetch is still the global', () => {
      assert.equal(describeOrigin(probe(`probe(fetch);`)), 'fetch');
    });
  });

  describe('imports', () => {
    it('default import is the module root', () => {
      assertModule(probe(`import axios from 'axios';\nprobe(axios.get);`), 'axios', ['get']);
    });
    it('namespace import is the module root', () => {
      assertModule(probe(`import * as https from 'https';\nprobe(https.request);`), 'https', ['request']);
    });
    it('named import gives the member path', () => {
      assertModule(probe(`import { get } from 'axios';\nprobe(get);`), 'axios', ['get']);
    });
    it('aliased named import resolves to the exported name, with node: stripped', () => {
      assertModule(probe(`import { request as httpRequest } from 'node:https';\nprobe(httpRequest);`), 'https', ['request']);
    });
    it('`default as` import is the module root', () => {
      assertModule(probe(`import { default as client } from 'axios';\nprobe(client.post);`), 'axios', ['post']);
    });
    it('default and named imports in one declaration', () => {
      const [root, named] = probes(`import axios, { isAxiosError } from 'axios';\nprobe(axios);\nprobe(isAxiosError);`);
      assertModule(root!, 'axios', []);
      assertModule(named!, 'axios', ['isAxiosError']);
    });
    it('import = require', () => {
      assertModule(probe(`import http = require('node:http');\nprobe(http.get);`), 'http', ['get']);
    });
    it('relative module keeps its specifier (so tables never match it)', () => {
      const origin = probe(`import { fetch } from './my-client';\nprobe(fetch);`);
      assertModule(origin, './my-client', ['fetch']);
      assert.ok(!isModuleMember(origin, 'undici', ['fetch']));
    });
  });

  describe('require', () => {
    it('const x = require(m)', () => {
      assertModule(probe(`const axios = require('axios');\nprobe(axios.get);`, 'a.js'), 'axios', ['get']);
    });
    it('require(m).default is the module root', () => {
      assertModule(probe(`const axios = require('axios').default;\nprobe(axios.create);`, 'a.js'), 'axios', ['create']);
    });
    it('destructured require', () => {
      assertModule(probe(`const { get } = require('axios');\nprobe(get);`, 'a.js'), 'axios', ['get']);
    });
    it('destructured require with rename', () => {
      assertModule(probe(`const { request: send } = require('node:http');\nprobe(send);`, 'a.js'), 'http', ['request']);
    });
    it('nested destructuring', () => {
      assertModule(probe(`const { defaults: { headers } } = require('axios');\nprobe(headers);`, 'a.js'), 'axios', ['defaults', 'headers']);
    });
    it('quoted property name in destructuring', () => {
      assertModule(probe(`const { 'get': g } = require('axios');\nprobe(g);`, 'a.js'), 'axios', ['get']);
    });
    it('inline require call', () => {
      assertModule(probe(`probe(require('got').extend);`, 'a.js'), 'got', ['extend']);
    });
    it('dynamic import awaited', () => {
      assertModule(probe(`async function f() { const { default: got } = await import('got'); probe(got); }`), 'got', []);
    });
    it('(await import(m)).default', () => {
      assertModule(probe(`async function f() { const ky = (await import('node-fetch')).default; probe(ky); }`), 'node-fetch', []);
    });
    it('element access with a string literal', () => {
      assertModule(probe(`const axios = require('axios');\nprobe(axios['post']);`, 'a.js'), 'axios', ['post']);
    });
    it('element access with a computed key is unknown', () => {
      assert.equal(probe(`const axios = require('axios');\nconst k = pick();\nprobe(axios[k]);`, 'a.js').kind, 'unknown');
    });
  });

  describe('globals', () => {
    it('an undeclared name is a global', () => {
      const origin = probe(`probe(fetch);`);
      assert.equal(origin.kind, 'global');
      assert.deepEqual(origin.kind === 'global' && origin.path, ['fetch']);
    });
    it('globalThis.fetch is the global fetch', () => {
      const origin = probe(`probe(globalThis.fetch);`);
      assert.deepEqual(origin.kind === 'global' && origin.path, ['fetch']);
    });
    it('window.fetch is the global fetch', () => {
      const origin = probe(`probe(window.fetch);`);
      assert.deepEqual(origin.kind === 'global' && origin.path, ['fetch']);
    });
    it('a local variable named self is not the global scope', () => {
      const origin = probe(`class A { fetch(u: string) {} go() { const self = this; probe(self.fetch); } }`);
      assert.notEqual(origin.kind, 'global', describeOrigin(origin));
    });
    it('a parameter named window is not the global scope', () => {
      const origin = probe(`function f(window: { fetch(u: string): void }) { probe(window.fetch); }`);
      assert.equal(origin.kind, 'local');
    });
    it('a const alias of the global fetch is the global fetch', () => {
      const origin = probe(`const f = globalThis.fetch;\nprobe(f);`);
      assert.deepEqual(origin.kind === 'global' && origin.path, ['fetch']);
    });
  });

  describe('shorthand properties', () => {
    it('a shorthand property value resolves to the variable, not the property', () => {
      const code = `import axios from 'axios';\nconst client = axios;\nexport const o = { client };`;
      fileCounter += 1;
      const sourceFile = project.upsert(`/origin/${fileCounter}/shorthand.ts`, code);
      try {
        const shorthand = sourceFile.getDescendantsOfKind(SyntaxKind.ShorthandPropertyAssignment)[0]!;
        assertModule(new FileFacts(sourceFile).origin(shorthand.getNameNode()), 'axios', []);
      } finally {
        project.remove(sourceFile.getFilePath());
      }
    });
  });

  describe('locals', () => {
    it('a local function named fetch is local', () => {
      assert.equal(probe(`function fetch(url: string) { return url; }\nprobe(fetch);`).kind, 'local');
    });
    it('a parameter shadowing an import is local', () => {
      assert.equal(probe(`import axios from 'axios';\nfunction f(axios: any) { probe(axios.get); }`).kind, 'local');
    });
    it('a class is local', () => {
      assert.equal(probe(`class Client { get() {} }\nprobe(Client);`).kind, 'local');
    });
    it('a reassigned let is local, not its first value', () => {
      assert.equal(probe(`import axios from 'axios';\nlet c = axios;\nc = other();\nprobe(c.get);`).kind, 'local');
    });
    it('a let changed by a logical assignment is local', () => {
      assert.equal(probe(`import axios from 'axios';\nlet c: any = axios;\nc ??= other();\nprobe(c.get);`).kind, 'local');
    });
    it('a let that is never reassigned follows its initializer', () => {
      assertModule(probe(`import axios from 'axios';\nlet c = axios;\nprobe(c.get);`), 'axios', ['get']);
    });
    it('a same-named variable reassigned in another scope does not count', () => {
      assertModule(probe(`import axios from 'axios';\nlet c = axios;\nfunction g() { let c = 1; c = 2; }\nprobe(c.get);`), 'axios', ['get']);
    });
    it('a let written by destructuring assignment is local', () => {
      assert.equal(probe(`import axios from 'axios';\nlet c: any = axios;\n({ c } = other());\nprobe(c.get);`).kind, 'local');
    });
    it('destructured parameter is local', () => {
      assert.equal(probe(`function f({ get }: any) { probe(get); }`).kind, 'local');
    });
  });

  describe('call results', () => {
    it('axios.create() result is a call whose callee is axios.create', () => {
      probes(`import axios from 'axios';\nconst api = axios.create({ timeout: 1 });\nprobe(api.get);`, 'probe.ts', ([origin]) => {
        assert.equal(origin!.kind, 'call');
        if (origin!.kind !== 'call') return;
        assert.deepEqual(origin!.path, ['get']);
        assertModule(origin!.callee, 'axios', ['create']);
        assert.equal(origin!.call.getText(), 'axios.create({ timeout: 1 })');
      });
    });
    it('parenthesised and asserted expressions are unwrapped', () => {
      assertModule(probe(`import axios from 'axios';\nprobe((axios as any)!.get);`), 'axios', ['get']);
    });
    it('self-referencing declarations terminate', () => {
      const origin = probe(`var a: any = a;\nprobe(a);`);
      assert.ok(['local', 'unknown'].includes(origin.kind));
    });
  });
});
