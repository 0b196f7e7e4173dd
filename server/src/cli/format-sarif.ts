import { createHash } from 'node:crypto';
import type * as sarif from 'sarif';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../engine/finding';
import type { Rule } from '../rules/rule';
import { renderRuleHelp } from '../docs/generate';
import { ruleDocUrl } from '../docs/links';
import type { CheckReport, ReportedFinding, ReportedRegion, ReportedSuppression } from './report';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT_KEY = 'preflightFindingHash/v1';
const SOURCE_ROOT = '%SRCROOT%';

export function sarifLevel(severity: Severity): sarif.ReportingConfiguration.level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** GitHub ranks security alerts by this score (0–10). */
function securitySeverity(severity: Severity): string {
  return severity === 'error' ? '8.0' : severity === 'warning' ? '5.0' : '2.0';
}

/** Markdown made readable as plain text: no bold markers or inline-code ticks; code blocks kept as they are. */
function plainText(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return line;
      }
      return inFence ? line : line.replace(/\*\*/g, '').replace(/`([^`]+)`/g, '$1');
    })
    .join('\n');
}

function sarifRule(rule: Rule): sarif.ReportingDescriptor {
  const { meta } = rule;
  const help = renderRuleHelp(rule);
  const tags = [meta.category, 'production-readiness', ...(meta.cwe ?? []).map((id) => `external/cwe/cwe-${id}`)];
  const properties: sarif.PropertyBag = { tags, precision: 'high' };
  if (meta.category === 'security') {
    // The category already is the `security` tag GitHub reads; SARIF wants tags unique.
    properties['security-severity'] = securitySeverity(meta.defaultSeverity);
  }
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: meta.title },
    fullDescription: { text: plainText(meta.explanation.trim()) },
    help: { text: plainText(help), markdown: help },
    helpUri: ruleDocUrl(meta.id),
    defaultConfiguration: { level: sarifLevel(meta.defaultSeverity) },
    properties,
  };
}

function normaliseLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Stable across line shifts: the rule, the file, the flagged line's text
 * (whitespace-normalised) and which occurrence of that triple it is.
 */
function fingerprints(findings: readonly ReportedFinding[], sources: Map<string, string>): string[] {
  const seen = new Map<string, number>();
  const linesOf = new Map<string, string[]>();
  return findings.map((finding) => {
    let lines = linesOf.get(finding.file);
    if (!lines) {
      lines = (sources.get(finding.file) ?? '').split(/\r?\n/);
      linesOf.set(finding.file, lines);
    }
    const key = `${finding.ruleId}\u0000${finding.file}\u0000${normaliseLine(lines[finding.line - 1] ?? '')}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}:${occurrence}`;
  });
}

function artifactUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function region(at: ReportedRegion): sarif.Region {
  return { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn };
}

function location(file: string, at: ReportedRegion, message?: string, id?: number): sarif.Location {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: { uri: artifactUri(file), uriBaseId: SOURCE_ROOT }, region: region(at) },
    ...(message !== undefined ? { message: { text: message } } : {}),
  };
}

/** A suppression comment as SARIF records it: in source, accepted, with the comment's reason as the justification. */
function inSourceSuppression(held: ReportedSuppression): sarif.Suppression {
  return {
    kind: 'inSource',
    status: 'accepted',
    ...(held.reason !== undefined ? { justification: held.reason } : {}),
    location: location(held.finding.file, held.comment),
  };
}

/**
 * SARIF 2.1.0 for GitHub code scanning: rules with help and tags, results with
 * locations, related locations and partialFingerprints; findings held back by
 * suppression comments are results too, with their suppression and its reason.
 */
export function formatSarif(report: CheckReport, options: { version: string; rules: readonly Rule[]; cwd: string }): string {
  const ruleIndex = new Map(options.rules.map((rule, i) => [rule.meta.id, i]));
  const suppressions = new Map<ReportedFinding, ReportedSuppression>(report.suppressed.map((held) => [held.finding, held]));
  const reported = [...report.findings, ...report.suppressed.map((held) => held.finding)];
  const prints = fingerprints(reported, report.sources);
  const results = reported.map((finding, i): sarif.Result => {
    const held = suppressions.get(finding);
    return {
      ruleId: finding.ruleId,
      ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
      level: sarifLevel(finding.severity),
      message: { text: finding.message },
      locations: [location(finding.file, finding)],
      ...(finding.related.length > 0 ? { relatedLocations: finding.related.map((related, n) => location(finding.file, related, related.message, n)) } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: prints[i] },
      ...(held ? { suppressions: [inSourceSuppression(held)] } : {}),
      properties: { category: finding.category, severity: finding.severity, fixes: finding.fixes.map((f) => f.title) },
    };
  });
  const baseUri = pathToFileURL(options.cwd).href;
  const log: sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Preflight',
            semanticVersion: options.version,
            version: options.version,
            rules: options.rules.map(sarifRule),
          },
        },
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: baseUri.endsWith('/') ? baseUri : `${baseUri}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
