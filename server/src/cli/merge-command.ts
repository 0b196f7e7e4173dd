import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as sarif from 'sarif';
import type { Severity } from '../engine/finding';
import { parseArgs, parseCount } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from './io';
import { compareReported, countSeverities, type ReportedFinding } from './report';
import { FILES_PROPERTY, NOT_ANALYSED_PREFIX } from './format-sarif';

export const MERGE_USAGE = `Usage: preflight merge <json-or-sarif files...> [options]

Joins the outputs of \`preflight check --shard I/N\` runs (all JSON or all SARIF) into one.

Options:
  --format json|sarif   output format (default: the inputs' format; SARIF inputs can become JSON)
  --max-warnings N      exit 1 when there are more than N warnings
  -h, --help            show this help

Exit codes: 0 no errors (and warnings within --max-warnings), 1 over the threshold,
2 usage error or an input that is not a Preflight output.
`;

/** A finding as `--format json` prints it. */
type JsonFinding = Omit<ReportedFinding, 'related'>;

interface JsonDocument {
  tool: 'preflight';
  version: string;
  files: number;
  findings: JsonFinding[];
  /** Files a shard could not analyse (present only when there are some). */
  skipped?: { file: string; reason: string }[];
}

type Input = { file: string; kind: 'json'; document: JsonDocument } | { file: string; kind: 'sarif'; log: sarif.Log };

class InputError extends Error {}

function readInput(file: string, cwd: string): Input {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`${file}: is not JSON`);
  }
  const object = value as Partial<JsonDocument> & Partial<sarif.Log>;
  if (object && object.tool === 'preflight' && Array.isArray(object.findings) && typeof object.version === 'string') {
    return { file, kind: 'json', document: object as JsonDocument };
  }
  const driver = Array.isArray(object?.runs) && object.runs.length === 1 ? object.runs[0]?.tool?.driver : undefined;
  if (object?.version === '2.1.0' && driver?.name === 'Preflight') return { file, kind: 'sarif', log: object as sarif.Log };
  throw new InputError(`${file}: is not the output of preflight check --format json or --format sarif`);
}

function versionOf(input: Input): string {
  return input.kind === 'json' ? input.document.version : (input.log.runs[0]!.tool.driver.semanticVersion ?? '');
}

function findingKey(finding: JsonFinding): string {
  return [finding.file, finding.line, finding.column, finding.endLine, finding.endColumn, finding.ruleId, finding.message].join('\u0000');
}

function mergeJson(documents: readonly JsonDocument[]): JsonDocument {
  const seen = new Set<string>();
  const findings: JsonFinding[] = [];
  for (const finding of documents.flatMap((document) => document.findings)) {
    const key = findingKey(finding);
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  findings.sort((a, b) => compareReported({ ...a, related: [] }, { ...b, related: [] }));
  const files = documents.reduce((sum, document) => sum + document.files, 0);
  const skipped = documents.flatMap((document) => document.skipped ?? []);
  return { tool: 'preflight', version: documents[0]!.version, files, findings, ...(skipped.length > 0 ? { skipped } : {}) };
}

function resultKey(result: sarif.Result): string {
  const region = result.locations?.[0]?.physicalLocation?.region;
  const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
  return [uri, region?.startLine, region?.startColumn, region?.endLine, region?.endColumn, result.ruleId, JSON.stringify(result.partialFingerprints ?? {})].join('\u0000');
}

function compareResults(a: sarif.Result, b: sarif.Result): number {
  const at = (result: sarif.Result) => result.locations?.[0]?.physicalLocation;
  const uriA = at(a)?.artifactLocation?.uri ?? '';
  const uriB = at(b)?.artifactLocation?.uri ?? '';
  if (uriA !== uriB) return uriA < uriB ? -1 : 1;
  const lines = (at(a)?.region?.startLine ?? 0) - (at(b)?.region?.startLine ?? 0);
  const columns = (at(a)?.region?.startColumn ?? 0) - (at(b)?.region?.startColumn ?? 0);
  return lines || columns || (a.ruleId ?? '').localeCompare(b.ruleId ?? '');
}

/** One run: the rules of every input (by id), their results with rule indexes renumbered, the file counts summed. */
function mergeSarif(logs: readonly sarif.Log[]): sarif.Log {
  const runs = logs.map((log) => log.runs[0]!);
  const rules: sarif.ReportingDescriptor[] = [];
  const indexOf = new Map<string, number>();
  for (const rule of runs.flatMap((run) => run.tool.driver.rules ?? [])) {
    if (indexOf.has(rule.id)) continue;
    indexOf.set(rule.id, rules.length);
    rules.push(rule);
  }
  const seen = new Set<string>();
  const results: sarif.Result[] = [];
  for (const result of runs.flatMap((run) => run.results ?? [])) {
    const key = resultKey(result);
    if (seen.has(key)) continue;
    seen.add(key);
    const ruleIndex = result.ruleId !== undefined ? indexOf.get(result.ruleId) : undefined;
    results.push(ruleIndex === undefined ? result : { ...result, ruleIndex });
  }
  results.sort(compareResults);
  const files = runs.reduce((sum, run) => sum + Number(run.properties?.[FILES_PROPERTY] ?? 0), 0);
  const notifications = runs.flatMap((run) => run.invocations ?? []).flatMap((invocation) => invocation.toolExecutionNotifications ?? []);
  const invocations = notifications.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }] } : {};
  const { invocations: _firstInvocations, ...first } = runs[0]!;
  return {
    ...logs[0]!,
    runs: [{ ...first, tool: { ...first.tool, driver: { ...first.tool.driver, rules } }, ...invocations, results, properties: { ...first.properties, [FILES_PROPERTY]: files } }],
  };
}

const SEVERITY_OF_LEVEL: Record<string, Severity> = { error: 'error', warning: 'warning', note: 'info', none: 'hint' };

/** SARIF results back to `--format json` findings (suppressed results are left out, as check's JSON does). */
function sarifAsJson(log: sarif.Log): JsonDocument {
  const run = log.runs[0]!;
  const findings = (run.results ?? [])
    .filter((result) => !result.suppressions || result.suppressions.length === 0)
    .map((result): JsonFinding => {
      const location = result.locations?.[0]?.physicalLocation;
      const region = location?.region ?? {};
      const properties = result.properties ?? {};
      return {
        ruleId: result.ruleId ?? '',
        severity: (properties.severity as Severity | undefined) ?? SEVERITY_OF_LEVEL[result.level ?? 'warning'] ?? 'warning',
        category: String(properties.category ?? ''),
        message: result.message.text ?? '',
        file: (location?.artifactLocation?.uri ?? '').split('/').map(decodeURIComponent).join('/'),
        line: region.startLine ?? 1,
        column: region.startColumn ?? 1,
        endLine: region.endLine ?? region.startLine ?? 1,
        endColumn: region.endColumn ?? region.startColumn ?? 1,
        fixes: ((properties.fixes as string[] | undefined) ?? []).map((title) => ({ title })),
      };
    });
  findings.sort((a, b) => compareReported({ ...a, related: [] }, { ...b, related: [] }));
  const skipped = (run.invocations ?? []).flatMap((invocation) => invocation.toolExecutionNotifications ?? []).map((notification) => ({
    file: (notification.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '').split('/').map(decodeURIComponent).join('/'),
    reason: (notification.message.text ?? '').replace(NOT_ANALYSED_PREFIX, ''),
  }));
  const files = Number(run.properties?.[FILES_PROPERTY] ?? 0);
  return { tool: 'preflight', version: run.tool.driver.semanticVersion ?? '', files, findings, ...(skipped.length > 0 ? { skipped } : {}) };
}

function exitCode(findings: readonly JsonFinding[], maxWarnings: number | undefined, io: CliIO): number {
  const counts = countSeverities(findings.map((finding) => ({ ...finding, related: [] })));
  if (counts.error > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && counts.warning > maxWarnings) {
    io.stderr(`preflight: Too many warnings: ${counts.warning} (--max-warnings ${maxWarnings}).\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

/** `preflight merge`: joins shard outputs, prints them in one format, and returns the exit code. */
export async function mergeCommand(args: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, [{ name: 'format', value: { placeholder: 'FORMAT', choices: ['json', 'sarif'] } }, { name: 'max-warnings', value: { placeholder: 'N' } }, { name: 'help' }], 'preflight merge');
  if (parsed.flags.has('help')) {
    io.stdout(MERGE_USAGE);
    return EXIT_OK;
  }
  if (parsed.positionals.length === 0) throw new UsageError('merge needs at least one output file of preflight check');
  const maxWarningsValue = parsed.values.get('max-warnings');
  const maxWarnings = maxWarningsValue === undefined ? undefined : parseCount('max-warnings', maxWarningsValue);
  let inputs: Input[];
  try {
    inputs = parsed.positionals.map((file) => readInput(file, io.cwd));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr(`preflight: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const kinds = new Set(inputs.map((input) => input.kind));
  const versions = new Set(inputs.map(versionOf));
  const problem =
    kinds.size > 1
      ? 'the inputs mix JSON and SARIF: merge outputs of one format'
      : versions.size > 1
        ? `the inputs come from different Preflight versions (${[...versions].join(', ')})`
        : kinds.has('json') && parsed.values.get('format') === 'sarif'
          ? 'JSON outputs carry no rule metadata or fingerprints to make SARIF from: run the shards with --format sarif'
          : undefined;
  if (problem) {
    io.stderr(`preflight: ${problem}\n`);
    return EXIT_USAGE;
  }
  if (kinds.has('json')) {
    const merged = mergeJson(inputs.map((input) => (input as Extract<Input, { kind: 'json' }>).document));
    io.stdout(`${JSON.stringify(merged, null, 2)}\n`);
    return exitCode(merged.findings, maxWarnings, io);
  }
  const log = mergeSarif(inputs.map((input) => (input as Extract<Input, { kind: 'sarif' }>).log));
  const asJson = sarifAsJson(log);
  io.stdout(parsed.values.get('format') === 'json' ? `${JSON.stringify(asJson, null, 2)}\n` : `${JSON.stringify(log, null, 2)}\n`);
  return exitCode(asJson.findings, maxWarnings, io);
}
