import * as vscode from 'vscode';

/** The settings section the server reads (`workspace/configuration` section and `initializationOptions`). */
export const SETTINGS_SECTION = 'preflight';

/** The `preflight.*` settings as plain JSON (what `workspace/configuration` would answer for the window). */
export function currentSettings(): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  // A WorkspaceConfiguration carries its values as properties next to get/has/inspect/update;
  // a JSON round trip keeps exactly the values.
  return JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
}
