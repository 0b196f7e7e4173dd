import * as assert from 'node:assert/strict';
import { cleanUp, makeProject, parseJsonReport, runCli, type CliResult, type JsonReport } from './helpers';

const MAIN = `import { startJobs } from './jobs';

process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection', reason);
});

startJobs();
`;

const JOBS = `async function sendDigest(to: string): Promise<void> {
  const res = await fetch('https://mail.example/send', { method: 'POST', body: to, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(\`mail failed: \${res.status}\`);
}

export function startJobs(): void {
  sendDigest('ops@example.com');
}
`;

describe("preflight check: floating-promise knows the package's process-level handlers (real CLI process)", () => {
  let dir: string;
  let result: CliResult;
  let report: JsonReport;
  before(async () => {
    dir = makeProject({
      'package.json': JSON.stringify({ name: 'api', version: '1.0.0' }),
      'src/main.ts': MAIN,
      'src/jobs.ts': JOBS,
      // Another package: main.ts's handler is not its program's.
      'tools/package.json': JSON.stringify({ name: 'tools', version: '1.0.0' }),
      'tools/src/jobs.ts': JOBS,
    });
    result = await runCli(['check', '--format', 'json'], dir);
    report = parseJsonReport(result);
  });
  after(() => cleanUp(dir));

  it("names main.ts:<line> of the unhandledRejection handler that only logs, and says the rejection is logged without context", async () => {
    const finding = report.findings.find((f) => f.file === 'src/jobs.ts' && f.ruleId === 'floating-promise');
    assert.ok(finding, `no floating-promise finding in src/jobs.ts:\n${result.stdout}\n${result.stderr}`);
    assert.equal(finding.line, 7);
    assert.equal(
      finding.message,
      "Promise returned by sendDigest() is not awaited: a rejection only reaches the process's unhandledRejection handler (main.ts:3): it is logged without this caller's context and the caller carries on as if the work had succeeded.",
    );
  });

  it('in another package the same code crashes the process: its message says so', async () => {
    const finding = report.findings.find((f) => f.file === 'tools/src/jobs.ts' && f.ruleId === 'floating-promise');
    assert.ok(finding);
    assert.match(finding.message, /crashes the process \(Node ≥15\)\.$/);
    assert.doesNotMatch(finding.message, /main\.ts/);
  });

  it('main.ts itself has nothing to report: its start-up call cannot reject', async () => {
    assert.deepEqual(
      report.findings.filter((f) => f.file === 'src/main.ts').map((f) => `${f.line} ${f.ruleId}`),
      [],
    );
  });
});

describe("preflight check: missing-graceful-shutdown reads the whole package's SIGTERM handling (real CLI process)", () => {
  let dir: string;
  before(() => {
    dir = makeProject({
      'package.json': JSON.stringify({ name: 'api', version: '1.0.0' }),
      'src/server.ts': "import express from 'express';\nconst app = express();\nexport const server = app.listen(3000);\n",
      'src/shutdown.ts': "process.once('SIGTERM', () => process.exit(0));\n",
      'worker/package.json': JSON.stringify({ name: 'worker', version: '1.0.0' }),
      'worker/src/server.ts': "import express from 'express';\nconst app = express();\nexport const server = app.listen(3001);\n",
    });
  });
  after(() => cleanUp(dir));

  const shutdownFindings = async (args: string[]) => parseJsonReport(await runCli(['check', ...args, '--format', 'json'], dir)).findings.filter((f) => f.ruleId === 'missing-graceful-shutdown').map((f) => `${f.file}:${f.line}`);

  it('flags only the package none of whose files handles SIGTERM', async () => {
    assert.deepEqual(await shutdownFindings([]), ['worker/src/server.ts:3']);
  });

  it('counts a handler in a file the run does not analyse (a named path)', async () => {
    assert.deepEqual(await shutdownFindings(['src/server.ts']), []);
  });
});
