import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { cleanUp, makeProject, repoRoot, runCli } from './helpers';

/** The OASIS SARIF 2.1.0 schema, shipped as test data (test/data/README.md). */
const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'data', 'sarif-schema-2.1.0.json'), 'utf8')) as object;

interface SarifRegion {
  startLine: number;
  startColumn: number;
}

interface SarifLocation {
  id?: number;
  message?: { text: string };
  physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion };
}

interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status?: string; justification?: string; location?: SarifLocation }[];
}

interface SarifLog {
  runs: { tool: { driver: { rules: { id: string; helpUri: string; help: { text: string }; properties: { tags: string[] } }[] } }; results: SarifResult[] }[];
}

const SUPPRESSED_AND_EXPIRED = [
  'export async function load(url: string) {',
  '  // preflight-disable-next-line missing-timeout -- in-cluster service, 50ms p99',
  '  await fetch(url);',
  '  // preflight-disable-next-line missing-timeout',
  '  await fetch(`${url}/b`);',
  '  // preflight-disable-next-line missing-timeout -- until the client is replaced (until 2020-01-31)',
  '  await fetch(`${url}/c`);',
  '  try {',
  '    await fetch(`${url}/d`, { signal: AbortSignal.timeout(1000) });',
  '  } catch {}',
  '}',
  '',
].join('\n');

describe('preflight check --format sarif against the SARIF 2.1.0 schema (real CLI process)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(cleanUp));

  async function sarifOf(files: Record<string, string>): Promise<{ log: SarifLog; raw: unknown }> {
    const dir = makeProject(files);
    dirs.push(dir);
    const result = await runCli(['check', '--format', 'sarif'], dir);
    assert.equal(result.code, 0, result.stderr);
    const raw = JSON.parse(result.stdout) as unknown;
    return { log: raw as SarifLog, raw };
  }

  function validator() {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    return ajv.compile(schema);
  }

  function validate(raw: unknown): void {
    const check = validator();
    const valid = check(raw);
    assert.ok(valid, `SARIF does not validate:\n${JSON.stringify(check.errors?.slice(0, 10), null, 2)}`);
  }

  it('the schema validator rejects a log that breaks the schema (so a pass means something)', () => {
    const check = validator();
    assert.equal(check({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false, 'a driver without a name is invalid');
    assert.equal(check({ version: '2.0.0', runs: [] }), false, 'only version 2.1.0 is valid');
    assert.equal(check({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x', informationUri: 'not a uri' } } }] }), false, 'formats are checked');
  });

  it('validates, with every rule carrying help, helpUri and tags (category, CWE where one applies)', async () => {
    const { log, raw } = await sarifOf({ 'src/client.ts': SUPPRESSED_AND_EXPIRED });
    validate(raw);
    const rules = log.runs[0]!.tool.driver.rules;
    for (const rule of rules) {
      assert.ok(rule.help.text.length > 0, `${rule.id} has help text`);
      assert.ok(rule.helpUri.length > 0, `${rule.id} has a helpUri`);
      assert.ok(rule.properties.tags.length > 0, `${rule.id} has tags`);
    }
    const timeout = rules.find((rule) => rule.id === 'missing-timeout')!;
    assert.deepEqual(timeout.properties.tags, ['resilience', 'production-readiness', 'external/cwe/cwe-1088']);
    const swallowed = rules.find((rule) => rule.id === 'swallowed-error')!;
    assert.ok(swallowed.properties.tags.includes('external/cwe/cwe-390'));
  });

  it('lists suppressed findings with their suppression and reason, and expired ones with the comment as a related location', async () => {
    const { log, raw } = await sarifOf({ 'src/client.ts': SUPPRESSED_AND_EXPIRED });
    validate(raw);
    const results = log.runs[0]!.results;
    const byLine = (line: number) => results.filter((r) => r.locations[0]!.physicalLocation.region.startLine === line);

    const [withReason] = byLine(3);
    assert.equal(withReason?.ruleId, 'missing-timeout');
    assert.deepEqual(withReason!.suppressions?.map((s) => [s.kind, s.status, s.justification]), [['inSource', 'accepted', 'in-cluster service, 50ms p99']]);
    assert.equal(withReason!.suppressions![0]!.location?.physicalLocation.region.startLine, 2);

    const [withoutReason] = byLine(5);
    assert.equal(withoutReason?.suppressions?.length, 1);
    assert.equal(withoutReason!.suppressions![0]!.justification, undefined);
    assert.ok(results.some((r) => r.ruleId === 'suppression-without-reason' && !r.suppressions), 'the comment without a reason is itself a result');

    const [expired] = byLine(7);
    assert.equal(expired?.suppressions, undefined, 'an expired suppression suppresses nothing');
    assert.equal(expired!.relatedLocations?.length, 1);
    assert.match(expired!.relatedLocations![0]!.message!.text, /expired on 2020-01-31/);
    assert.equal(expired!.relatedLocations![0]!.physicalLocation.region.startLine, 6);

    const [swallowed] = byLine(10);
    assert.equal(swallowed?.ruleId, 'swallowed-error');
    assert.equal(swallowed!.suppressions, undefined);
  });

  it('the --format json document leaves suppressed findings out, as before', async () => {
    const dir = makeProject({ 'src/client.ts': SUPPRESSED_AND_EXPIRED });
    dirs.push(dir);
    const result = await runCli(['check', '--format', 'json'], dir);
    const report = JSON.parse(result.stdout) as { findings: { line: number; ruleId: string }[] };
    assert.deepEqual(report.findings.map((f) => `${f.line} ${f.ruleId}`), ['4 suppression-without-reason', '7 missing-timeout', '10 swallowed-error']);
  });

  it('gives a suppressed finding the same fingerprint it had before it was suppressed', async () => {
    const body = 'export async function a(url: string) {\n  await fetch(url);\n}\n';
    const before = (await sarifOf({ 'src/a.ts': body })).log.runs[0]!.results;
    const after = (await sarifOf({ 'src/a.ts': body.replace('  await', '  // preflight-disable-next-line missing-timeout -- cached upstream\n  await') })).log.runs[0]!.results;
    assert.equal(after.length, 1);
    assert.ok(after[0]!.suppressions);
    assert.deepEqual(after[0]!.partialFingerprints, before[0]!.partialFingerprints);
  });
});
