// What the launcher, the code-server host and the suites inside the extension host agree on.
// Imported on both sides of the browser, so it depends on nothing but Node.

/** Environment variables the launcher sets; they reach the extension host through VS Code's own environment. */
export const E2E_ENV = {
  /** Folder the screenshots go to. */
  artifactsDir: 'PREFLIGHT_E2E_ARTIFACTS',
  /** Set to "1" by a host that takes screenshots when a test asks (the offline code-server host does). */
  screenshots: 'PREFLIGHT_E2E_SCREENSHOTS',
  /** A file each mocha run appends one JSON line of counts to, so the launcher can total them. */
  resultsFile: 'PREFLIGHT_E2E_RESULTS',
  /** The extensions folder the packaged .vsix was installed into. */
  extensionsDir: 'PREFLIGHT_E2E_EXTENSIONS_DIR',
} as const;

const SCREENSHOT_MARKER = /\[\[screenshot:([A-Za-z0-9_-]+)\]\]/;

/** The line a test logs to ask its host for a screenshot named `name` (letters, digits, `-`, `_`). */
export function screenshotMarker(name: string): string {
  if (!SCREENSHOT_MARKER.test(`[[screenshot:${name}]]`)) throw new Error(`bad screenshot name: ${name}`);
  return `[[screenshot:${name}]]`;
}

/** The screenshot a logged line asks for, if it is a marker. */
export function screenshotRequested(line: string): string | undefined {
  return SCREENSHOT_MARKER.exec(line)?.[1];
}

export interface SuiteResult {
  /** The launcher part it belongs to: host, neovim or vsix. */
  suite: string;
  passed: number;
  failed: number;
}
