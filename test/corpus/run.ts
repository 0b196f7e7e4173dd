// npm run corpus: the real-code review loop (see CONTRIBUTING.md).
// Runs `preflight check` over each materialized corpus repository, compares the findings with the
// committed verdict ledger (test/corpus/verdicts.tsv), and prints per-rule precision over judged
// findings, true findings lost, false findings still reported, and new findings nobody has judged.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ledgerKey, readLedger, type LedgerRow } from './ledger';
import { runMeasuredCli } from '../support/measured-cli';

const projectRoot = path.resolve(__dirname, '..', '..', '..');
const ledgerFile = path.join(projectRoot, 'test', 'corpus', 'verdicts.tsv');
const cliMain = path.join(projectRoot, 'server', 'out', 'cli', 'main.js');
const TARGET_PRECISION = 0.9;

interface CorpusRepo {
  name: string;
  repo: string;
  commit: string;
  subdir: string;
}

interface ReportedFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

interface RepoRun {
  repo: CorpusRepo;
  files: number;
  findings: ReportedFinding[];
  seconds: number;
  peakRssMb: number;
  warnings: string[];
}

interface Options {
  corpus: string;
  reposFile: string;
  mirror: string;
  only: string[];
  rules: string[];
  unjudgedOut?: string;
  verbose: boolean;
  check: boolean;
}

function usage(): never {
  process.stderr.write(`Usage: npm run corpus -- [options]

  --corpus DIR     materialized corpus (default: $PREFLIGHT_CORPUS or /tmp/preflight-corpus)
  --repos FILE     the pinned repositories (default: $PREFLIGHT_CORPUS_REPOS or ../shared/corpus/repos.tsv)
  --mirror DIR     repository snapshots, to materialize what is missing (default: $PREFLIGHT_MIRROR or /work/.mirror)
  --only NAME      only this corpus repository (repeatable)
  --rule ID        only this rule in the report (repeatable)
  --unjudged FILE  write the unjudged findings there, as ledger rows to fill in (verdict and reason)
  --verbose        list false findings still reported, not just their count
  --check          exit 1 when a rule is under ${TARGET_PRECISION * 100}% precision, a true finding is lost, or a finding is unjudged
`);
  process.exit(2);
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    corpus: process.env.PREFLIGHT_CORPUS ?? '/tmp/preflight-corpus',
    reposFile: process.env.PREFLIGHT_CORPUS_REPOS ?? path.resolve(projectRoot, '..', 'shared', 'corpus', 'repos.tsv'),
    mirror: process.env.PREFLIGHT_MIRROR ?? '/work/.mirror',
    only: [],
    rules: [],
    verbose: false,
    check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => argv[++i] ?? usage();
    if (arg === '--corpus') options.corpus = path.resolve(value());
    else if (arg === '--repos') options.reposFile = path.resolve(value());
    else if (arg === '--mirror') options.mirror = path.resolve(value());
    else if (arg === '--only') options.only.push(value());
    else if (arg === '--rule') options.rules.push(value());
    else if (arg === '--unjudged') options.unjudgedOut = path.resolve(value());
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--check') options.check = true;
    else usage();
  }
  return options;
}

function fail(message: string): never {
  process.stderr.write(`corpus: ${message}\n`);
  process.exit(2);
}

function readRepos(file: string): CorpusRepo[] {
  if (!fs.existsSync(file)) fail(`no repository list at ${file}; pass --repos FILE (the corpus README says where it lives)`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name, repo, commit, subdir] = line.split('\t');
      if (!name || !repo || !commit || !subdir) fail(`${file}: malformed row: ${line}`);
      return { name, repo, commit, subdir };
    });
}

/** Extracts missing repositories with the corpus's own materialize.sh, when snapshots are at hand. */
function materializeMissing(repos: CorpusRepo[], options: Options): void {
  const missing = repos.filter((r) => readCommit(options.corpus, r) !== r.commit);
  if (missing.length === 0) return;
  const script = path.join(path.dirname(options.reposFile), 'materialize.sh');
  if (!fs.existsSync(script) || !fs.existsSync(options.mirror)) {
    fail(`not materialized in ${options.corpus}: ${missing.map((r) => r.name).join(', ')}. Bring the snapshots (fetch github:<owner>/<repo>) and run ${script} MIRROR_ROOT ${options.corpus}`);
  }
  const result = spawnSync('bash', [script, options.mirror, options.corpus, ...missing.map((r) => r.name)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const still = missing.filter((r) => readCommit(options.corpus, r) !== r.commit);
  if (result.status !== 0 || still.length > 0) fail(`could not materialize ${still.map((r) => r.name).join(', ') || 'the corpus'} (materialize.sh exit ${result.status})`);
}

/**
 * Gives each materialized repository its history, as a user's checkout has: a git repository whose
 * objects are the snapshot's (alternates, nothing copied) and whose `main` is the pinned commit. Rules
 * that ask git (destructive-migration: what the version before a migration read) then see the real
 * history. The work tree stays the materialized subset; nothing reads git's index here.
 */
function attachHistory(repos: CorpusRepo[], options: Options): void {
  for (const repo of repos) {
    const dir = path.join(options.corpus, repo.name);
    const objects = path.join(options.mirror, repo.repo.replace('/', '+'), 'repo', 'objects');
    if (!fs.existsSync(objects)) continue;
    const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
    if (git('rev-parse', '--verify', '--quiet', 'refs/heads/main').stdout.trim() === repo.commit) continue;
    if (!fs.existsSync(path.join(dir, '.git'))) git('init', '--quiet', '--initial-branch=main');
    fs.writeFileSync(path.join(dir, '.git', 'objects', 'info', 'alternates'), `${objects}\n`);
    const updated = git('update-ref', 'refs/heads/main', repo.commit);
    if (updated.status !== 0) process.stderr.write(`${repo.name}: no history (${updated.stderr.trim()})\n`);
    git('symbolic-ref', 'HEAD', 'refs/heads/main');
  }
}

function readCommit(corpus: string, repo: CorpusRepo): string | undefined {
  try {
    return fs.readFileSync(path.join(corpus, repo.name, '.commit'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Runs the real CLI in a child process from the repository's root, measuring wall time and peak RSS. */
async function runRepo(repo: CorpusRepo, corpus: string): Promise<RepoRun> {
  const run = await runMeasuredCli(['check', repo.subdir, '--format', 'json'], path.join(corpus, repo.name));
  if (run.exitCode === 2) throw new Error(`${repo.name}: preflight check exited 2:\n${run.stderr.slice(-2000)}`);
  const report = JSON.parse(run.stdout) as { files: number; findings: ReportedFinding[] };
  const warnings = run.stderr.split('\n').filter((l) => l.startsWith('preflight: '));
  return { repo, files: report.files, findings: report.findings, seconds: run.seconds, peakRssMb: run.peakRssMb, warnings };
}

interface RuleTally {
  reported: number;
  tp: number;
  fp: number;
  unjudged: number;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '   -' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!fs.existsSync(cliMain)) fail(`${cliMain} is missing: run npm run build first`);
  const ledger = readLedger(ledgerFile);
  const repos = readRepos(options.reposFile).filter((r) => options.only.length === 0 || options.only.includes(r.name));
  if (repos.length === 0) fail(`no corpus repository matches --only ${options.only.join(', ')}`);
  materializeMissing(repos, options);
  attachHistory(repos, options);

  const runs: RepoRun[] = [];
  process.stdout.write('repo               files  findings   time   peak RSS\n');
  for (const repo of repos) {
    const run = await runRepo(repo, options.corpus);
    runs.push(run);
    process.stdout.write(
      `${repo.name.padEnd(18)} ${String(run.files).padStart(5)}  ${String(run.findings.length).padStart(8)}  ${run.seconds.toFixed(1).padStart(5)}s  ${run.peakRssMb.toFixed(0).padStart(6)} MB\n`,
    );
    const ruleFailures = run.warnings.filter((w) => w.includes(' failed on '));
    for (const failure of ruleFailures) process.stdout.write(`  ${failure}\n`);
  }

  const ruleSelected = (rule: string): boolean => options.rules.length === 0 || options.rules.includes(rule);
  const tallies = new Map<string, RuleTally>();
  const tally = (rule: string): RuleTally => {
    let t = tallies.get(rule);
    if (!t) tallies.set(rule, (t = { reported: 0, tp: 0, fp: 0, unjudged: 0 }));
    return t;
  };
  const reportedKeys = new Set<string>();
  const unjudged: (LedgerRow & { message: string })[] = [];
  const fpStillReported: LedgerRow[] = [];
  for (const run of runs) {
    for (const finding of run.findings) {
      if (!ruleSelected(finding.ruleId)) continue;
      const location = { repo: run.repo.name, path: finding.file, line: finding.line, rule: finding.ruleId };
      const key = ledgerKey(location);
      if (reportedKeys.has(key)) continue;
      reportedKeys.add(key);
      const t = tally(finding.ruleId);
      t.reported += 1;
      const judged = ledger.get(key);
      if (!judged) {
        t.unjudged += 1;
        unjudged.push({ ...location, verdict: 'FP', reason: '', message: finding.message });
      } else if (judged.verdict === 'TP') {
        t.tp += 1;
      } else {
        t.fp += 1;
        fpStillReported.push(judged);
      }
    }
  }
  const ranRepos = new Set(runs.map((r) => r.repo.name));
  const lost = [...ledger.values()].filter(
    (row) => row.verdict === 'TP' && ranRepos.has(row.repo) && ruleSelected(row.rule) && !reportedKeys.has(ledgerKey(row)),
  );
  for (const row of lost) tally(row.rule);

  process.stdout.write('\nrule                 reported    TP    FP  unjudged  precision  TP lost\n');
  let belowTarget = false;
  for (const [rule, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    const judged = t.tp + t.fp;
    const lostCount = lost.filter((row) => row.rule === rule).length;
    if (judged > 0 && t.tp / judged < TARGET_PRECISION) belowTarget = true;
    process.stdout.write(
      `${rule.padEnd(20)} ${String(t.reported).padStart(8)} ${String(t.tp).padStart(5)} ${String(t.fp).padStart(5)} ${String(t.unjudged).padStart(9)}  ${percent(t.tp, judged).padStart(9)}  ${String(lostCount).padStart(7)}\n`,
    );
  }

  const where = (r: { repo: string; path: string; line: number; rule: string }): string => `${r.repo}  ${r.path}:${r.line}  ${r.rule}`;
  if (lost.length > 0) {
    process.stdout.write(`\nTrue findings lost (${lost.length}): judged TP, no longer reported\n`);
    for (const row of lost) process.stdout.write(`  ${where(row)}  (${row.reason})\n`);
  }
  process.stdout.write(`\nFalse findings still reported: ${fpStillReported.length}${options.verbose || fpStillReported.length === 0 ? '' : ' (--verbose lists them)'}\n`);
  if (options.verbose) for (const row of fpStillReported) process.stdout.write(`  ${where(row)}  (${row.reason})\n`);
  if (unjudged.length > 0) {
    process.stdout.write(`\nNew findings nobody has judged (${unjudged.length}):\n`);
    for (const row of unjudged) process.stdout.write(`  ${where(row)}  ${row.message}\n`);
    if (options.unjudgedOut) {
      const rows = unjudged.map((u) => [u.repo, u.path, String(u.line), u.rule, '', '', u.message.replace(/[\t\n]/g, ' ')].join('\t'));
      const withMessages = ['repo\tpath\tline\trule\tverdict\treason\tmessage', ...rows].join('\n') + '\n';
      fs.writeFileSync(options.unjudgedOut, withMessages);
      process.stdout.write(`  written to ${options.unjudgedOut}: fill in verdict and reason, drop the message column, and add the rows to test/corpus/verdicts.tsv\n`);
    }
  }
  if (options.check && (belowTarget || lost.length > 0 || unjudged.length > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`corpus: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
