import * as assert from 'node:assert/strict';
import { SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from 'preflight-server/out/facts';
import { delayOf } from 'preflight-server/out/facts/delays';
import { withFiles } from '../support/facts-project';

/** The duration text of the wait the file's last `await` makes, or undefined when it makes none. */
function awaitedDuration(sourceFile: SourceFile): string | undefined | null {
  const awaits = sourceFile.getDescendantsOfKind(SyntaxKind.AwaitExpression);
  const last = awaits[awaits.length - 1]!;
  const delay = delayOf(last.getExpression(), FileFacts.of(sourceFile));
  if (!delay) return null;
  return delay.duration?.getText();
}

const inFunction = (setup: string, awaited: string): string => `${setup}\nexport async function run(ms: number) {\n  await ${awaited};\n}\n`;

describe('facts/delays delayOf', () => {
  const cases: [string, string, string, string | null][] = [
    ['new Promise around the global setTimeout', '', 'new Promise((resolve) => setTimeout(resolve, 750))', '750'],
    ['setTimeout calling resolve in a callback', '', 'new Promise<void>((done) => { setTimeout(() => done(), ms); })', 'ms'],
    ['timers/promises setTimeout under an alias', "import { setTimeout as pause } from 'node:timers/promises';", 'pause(300)', '300'],
    ['the delay package', "import wait from 'delay';", 'wait(40)', '40'],
    ['util.promisify(setTimeout)', "import { promisify } from 'util';\nconst sleep = promisify(setTimeout);", 'sleep(90)', '90'],
    ['a project helper passing its parameter on', 'const sleep = (t: number) => new Promise((r) => setTimeout(r, t));', 'sleep(1200)', '1200'],
    ['a local function named sleep that sets no timer is no wait', 'async function sleep(t: number) { return t; }', 'sleep(1200)', null],
    ['a Promise that is not a timer is no wait', 'declare function load(): void;', 'new Promise((resolve) => { load(); resolve(1); })', null],
  ];
  for (const [name, setup, awaited, expected] of cases) {
    it(name, () => {
      withFiles({ 'case.ts': inFunction(setup, awaited) }, (file) => assert.equal(awaitedDuration(file('case.ts')), expected));
    });
  }

  it('a helper imported from another project file, with its default when the argument is left out', () => {
    const files = {
      'time.ts': 'export function sleep(ms = 250) {\n  return new Promise((resolve) => setTimeout(resolve, ms));\n}\n',
      'case.ts': "import { sleep } from './time';\nexport async function run() {\n  await sleep();\n}\n",
    };
    withFiles(files, (file) => assert.equal(awaitedDuration(file('case.ts')), '250'));
  });
});
