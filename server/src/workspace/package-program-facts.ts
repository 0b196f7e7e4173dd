import * as fs from 'node:fs';
import { AnalysisProject, MAX_ANALYSED_BYTES } from '../parse/project';
import { mayRegisterFailureHandler, processFailureHandlersIn, type ProcessFailureHandler, type ProgramFacts } from '../facts/process-handlers';
import { mayHandleShutdown, shutdownLocationsIn, type ShutdownLocation } from '../facts/process';
import { collectSourceFiles } from './files';
import { PackageRoots } from './package-root';
import { readRegularFile } from './regular-file';

/**
 * The program facts of the package rooted at `root`, read from its files on
 * disk: its process-level failure handlers and where it handles SIGTERM. Only
 * files that name one of them are parsed, in a project of their own; files in
 * `skip` (already read by the caller) are left out.
 */
export async function scanPackageProgramFacts(root: string, skip: ReadonlySet<string> = new Set()): Promise<ProgramFacts> {
  const { files: found } = await collectSourceFiles([root], root, { root });
  // A package nested below (a workspace of a monorepo root) is a program of its own.
  const roots = new PackageRoots();
  const files = found.filter((file) => !skip.has(file) && roots.of(file) === root);
  const project = new AnalysisProject({ inMemory: true });
  const failureHandlers: ProcessFailureHandler[] = [];
  const shutdownHandling: ShutdownLocation[] = [];
  for (const file of files) {
    let text: string;
    try {
      if ((await fs.promises.stat(file)).size > MAX_ANALYSED_BYTES) continue;
      text = (await readRegularFile(file)).toString('utf8');
    } catch {
      continue;
    }
    const failures = mayRegisterFailureHandler(text);
    const shutdown = mayHandleShutdown(text);
    if (!failures && !shutdown) continue;
    const sourceFile = project.upsert(file, text);
    if (failures) failureHandlers.push(...processFailureHandlersIn(sourceFile));
    if (shutdown) shutdownHandling.push(...shutdownLocationsIn(sourceFile));
  }
  return { failureHandlers, shutdownHandling };
}
