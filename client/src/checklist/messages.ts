/**
 * Messages between the checklist webview and the extension. Pure (no `vscode`
 * import). Everything the webview posts is untrusted input: it is parsed here
 * and anything that does not match exactly is dropped.
 */
import type { ChecklistViewModel } from './view-model';

export type ScanScope = 'changed' | 'workspace';

/** What a running scan is doing, from the server's work-done progress. */
export interface ScanProgress {
  scope: ScanScope;
  /** "Reading project facts (466/1791)". */
  message: string;
  /** 0–100. */
  percentage: number;
}

/** Extension → webview. */
export type HostMessage =
  | { type: 'state'; model: ChecklistViewModel | null; busy: boolean; progress: ScanProgress | null; error: string | null }
  /** Test hook: reply with the rendered DOM, after clicking the element with `data-key` = `click` if given. */
  | { type: 'inspect'; requestId: string; click?: string };

/** Webview → extension. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'scan'; scope: ScanScope }
  | { type: 'cancel' }
  | { type: 'open'; locationId: string }
  | { type: 'tick'; itemId: string; ticked: boolean }
  | { type: 'copyMarkdown' }
  | { type: 'insertIntoPrTemplate' }
  | { type: 'inspected'; requestId: string; clicked: boolean; text: string; html: string };

const MAX_ID_LENGTH = 200;
const MAX_SNAPSHOT_LENGTH = 2_000_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isBoundedString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SNAPSHOT_LENGTH;
}

/** Returns the message when it is well-formed, otherwise undefined. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
    case 'cancel':
    case 'copyMarkdown':
    case 'insertIntoPrTemplate':
      return { type: raw.type };
    case 'scan':
      return raw.scope === 'changed' || raw.scope === 'workspace' ? { type: 'scan', scope: raw.scope } : undefined;
    case 'open':
      return isShortString(raw.locationId) ? { type: 'open', locationId: raw.locationId } : undefined;
    case 'tick':
      return isShortString(raw.itemId) && typeof raw.ticked === 'boolean'
        ? { type: 'tick', itemId: raw.itemId, ticked: raw.ticked }
        : undefined;
    case 'inspected':
      return isShortString(raw.requestId) &&
        typeof raw.clicked === 'boolean' &&
        isBoundedString(raw.text) &&
        isBoundedString(raw.html)
        ? { type: 'inspected', requestId: raw.requestId, clicked: raw.clicked, text: raw.text, html: raw.html }
        : undefined;
    default:
      return undefined;
  }
}
