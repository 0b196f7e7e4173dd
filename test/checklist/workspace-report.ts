// Whole-workspace checklist reports over files written to a temporary folder outside git,
// for the project-check tests.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { DEFAULT_CONFIG } from 'preflight-server';
import type { ResolvedConfig } from 'preflight-server/out/config/types';
import { buildChecklistReport } from 'preflight-server/out/checklist/report';
import type { ChecklistReport, ProjectCheck, ProjectCheckId } from 'preflight-server/out/checklist/types';
import { tempDir, writeFiles } from './git-fixture';

const folders: string[] = [];
after(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Builds a whole-workspace report over `files` in a new folder outside git. */
export async function workspaceReport(files: Record<string, string>, config: ResolvedConfig = DEFAULT_CONFIG): Promise<ChecklistReport> {
  const dir = tempDir();
  folders.push(dir);
  writeFiles(dir, files);
  return buildChecklistReport({ root: dir, scope: 'workspace', config });
}

export async function checkOf(files: Record<string, string>, id: ProjectCheckId, config?: ResolvedConfig): Promise<ProjectCheck> {
  const report = await workspaceReport(files, config);
  const found = report.projectChecks.find((check) => check.id === id);
  assert.ok(found, `no project check ${id}`);
  return found;
}

/** A check's evidence as `file:line`. */
export function evidence(check: ProjectCheck): string[] {
  return check.evidence.map((e) => `${e.file}:${e.line}`);
}
