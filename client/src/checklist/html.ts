/**
 * The webview's HTML shell: a strict Content-Security-Policy, the local
 * stylesheets and the nonce'd script. All content is rendered afterwards by
 * media/checklist.js with DOM APIs. Pure (no `vscode` import).
 */
import { randomBytes } from 'node:crypto';

export interface ShellResources {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Webview URIs (from `asWebviewUri`) as strings. */
  codiconsCss: string;
  styleCss: string;
  script: string;
  nonce: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function checklistHtml(resources: ShellResources): string {
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(resources.cspSource, resources.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(resources.codiconsCss)}">
<link rel="stylesheet" href="${attr(resources.styleCss)}">
<title>Preflight checklist</title>
</head>
<body>
<main id="root" aria-busy="true"><p class="placeholder">Loading the readiness checklist…</p></main>
<script nonce="${attr(resources.nonce)}" src="${attr(resources.script)}"></script>
</body>
</html>`;
}
