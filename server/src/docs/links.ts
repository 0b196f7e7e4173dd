import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

let docsRoot: string | undefined | null = null;

/** The folder holding docs/rules, found by walking up from this module (works in the repo, the npm package and the bundled .vsix). */
export function rulesDocsFolder(): string | undefined {
  if (docsRoot !== null) return docsRoot;
  let dir = __dirname;
  docsRoot = undefined;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'docs', 'rules');
    if (fs.existsSync(candidate)) {
      docsRoot = candidate;
      break;
    }
    dir = path.dirname(dir);
  }
  return docsRoot;
}

/** Where a rule's documentation lives: a file: URL of docs/rules/<id>.md. */
export function ruleDocUrl(ruleId: string): string {
  const folder = rulesDocsFolder() ?? path.resolve(__dirname, '..', '..', '..', 'docs', 'rules');
  return pathToFileURL(path.join(folder, `${ruleId}.md`)).href;
}
