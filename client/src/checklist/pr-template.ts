import * as vscode from 'vscode';
import {
  PR_TEMPLATE_LOCATIONS,
  SECTION_END,
  SECTION_START,
  upsertPrTemplateSection,
} from 'preflight-server/out/checklist/markdown';

export interface PrTemplateUpdate {
  uri: vscode.Uri;
  created: boolean;
  replaced: boolean;
}

/**
 * Writes `markdown` into the marked section of the folder's pull-request template (the first of
 * GitHub's locations that exists, else `.github/pull_request_template.md`) through a WorkspaceEdit,
 * so that it lands in an open editor's text, can be undone there, and is then saved.
 */
export async function writePrTemplateSection(folder: vscode.Uri, markdown: string): Promise<PrTemplateUpdate> {
  const existing = await firstExisting(PR_TEMPLATE_LOCATIONS.map((relative) => vscode.Uri.joinPath(folder, ...relative.split('/'))));
  const uri = existing ?? vscode.Uri.joinPath(folder, ...PR_TEMPLATE_LOCATIONS[0]!.split('/'));
  const edit = new vscode.WorkspaceEdit();
  let replaced = false;
  if (existing) {
    const document = await vscode.workspace.openTextDocument(existing);
    const before = document.getText();
    const start = before.indexOf(SECTION_START);
    replaced = start !== -1 && before.indexOf(SECTION_END, start) !== -1;
    const everything = new vscode.Range(document.positionAt(0), document.positionAt(before.length));
    edit.replace(existing, everything, upsertPrTemplateSection(before, markdown));
  } else {
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), upsertPrTemplateSection('', markdown));
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not apply the edit to ${uri.fsPath}`);
  const document = await vscode.workspace.openTextDocument(uri);
  if (!(await document.save())) throw new Error(`${uri.fsPath} could not be saved`);
  return { uri, created: !existing, replaced };
}

async function firstExisting(candidates: vscode.Uri[]): Promise<vscode.Uri | undefined> {
  for (const candidate of candidates) {
    try {
      const stat = await vscode.workspace.fs.stat(candidate);
      if (stat.type & vscode.FileType.File) return candidate;
    } catch {
      // Not there: try the next location GitHub reads.
    }
  }
  return undefined;
}
