import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../engine/finding';
import type { FileAnalysis, RuleFailure } from '../engine/analyze';
import type { ParseProblem } from '../parse/project';
import type { SuppressedFinding } from '../engine/suppression';

/** Bumped whenever what an entry holds changes shape. */
const FORMAT = 1;
const CACHE_FILE = 'results.json';
/** Entries kept across runs at most (the least recently used go first). */
const MAX_ENTRIES = 50_000;

/**
 * Files outside the analysed sources that facts read: package manifests (which
 * libraries are installed, at what version), TypeScript configs (path aliases,
 * build entry points) and lockfiles (the installed libraries' types).
 */
const CONTEXT_FILE_NAMES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.lib.json', 'jsconfig.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml'];

/** What the analysis of one file produced, as the cache keeps it: fixes keep only their titles. */
export interface CachedAnalysis {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  ruleFailures: RuleFailure[];
  parseProblem?: ParseProblem;
}

interface Entry {
  /** The file, relative to the cache's root (findings are stored with it relative too). */
  file: string;
  analysis: CachedAnalysis;
  used: number;
}

interface CacheDocument {
  format: number;
  entries: Record<string, Entry>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The results of earlier runs, by a key of everything an analysis read; one JSON file under `folder`. */
export class ResultCache {
  private document: CacheDocument = { format: FORMAT, entries: {} };
  private readonly now = Date.now();
  private readonly contextHashes = new Map<string, string>();
  /** Why the stored results could not be read (they are then ignored, and rewritten). */
  readonly problem?: string;

  constructor(
    private readonly folder: string,
    private readonly root: string,
  ) {
    const file = path.join(folder, CACHE_FILE);
    if (!fs.existsSync(file)) return;
    try {
      const read = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheDocument;
      if (read.format === FORMAT && typeof read.entries === 'object' && read.entries !== null) this.document = read;
    } catch (error) {
      this.problem = `cache ${path.relative(root, file) || file} is unreadable (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); starting afresh`;
    }
  }

  /** Hash of the manifests, configs and lockfiles in the file's folder and every folder above it. */
  contextOf(file: string): string {
    return this.contextOfFolder(path.dirname(file));
  }

  private contextOfFolder(folder: string): string {
    const known = this.contextHashes.get(folder);
    if (known !== undefined) return known;
    const parent = path.dirname(folder);
    const parts = [parent === folder ? '' : this.contextOfFolder(parent)];
    for (const name of CONTEXT_FILE_NAMES) {
      try {
        parts.push(`${name}:${sha256(fs.readFileSync(path.join(folder, name), 'utf8'))}`);
      } catch {
        // Absent here.
      }
    }
    const hash = sha256(parts.join('\n'));
    this.contextHashes.set(folder, hash);
    return hash;
  }

  get(key: string): CachedAnalysis | undefined {
    const entry = this.document.entries[key];
    if (!entry) return undefined;
    entry.used = this.now;
    const absolute = path.resolve(this.root, entry.file);
    const located = <T extends { file: string }>(item: T): T => ({ ...item, file: absolute });
    const { analysis } = entry;
    return {
      ...analysis,
      findings: analysis.findings.map(located),
      suppressed: analysis.suppressed.map((held) => ({ ...held, finding: located(held.finding) })),
    };
  }

  set(key: string, file: string, analysis: FileAnalysis): void {
    const relative = path.relative(this.root, file);
    const stored = (finding: Finding): Finding => ({ ...finding, file: relative, fixes: finding.fixes.map((fix) => ({ title: fix.title, edits: [] })) });
    this.document.entries[key] = {
      file: relative,
      used: this.now,
      analysis: {
        findings: analysis.findings.map(stored),
        suppressed: analysis.suppressed.map((held) => ({ ...held, finding: stored(held.finding) })),
        ruleFailures: analysis.ruleFailures,
        ...(analysis.parseProblem ? { parseProblem: analysis.parseProblem } : {}),
      },
    };
  }

  /** Writes the cache (atomically: a reader never sees half a file); failures only cost the next run its reuse. */
  save(): string | undefined {
    const entries = Object.entries(this.document.entries);
    if (entries.length > MAX_ENTRIES) {
      entries.sort(([, a], [, b]) => b.used - a.used);
      this.document.entries = Object.fromEntries(entries.slice(0, MAX_ENTRIES));
    }
    const file = path.join(this.folder, CACHE_FILE);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.folder, { recursive: true });
      fs.writeFileSync(temporary, JSON.stringify(this.document));
      fs.renameSync(temporary, file);
      return undefined;
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      return `cache not written to ${path.relative(this.root, this.folder) || this.folder}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
  }
}
