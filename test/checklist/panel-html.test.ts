import { strict as assert } from 'node:assert';
import { checklistHtml, contentSecurityPolicy, createNonce, escapeHtml } from 'preflight-client/out/checklist/html';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

function shell(overrides: Partial<Parameters<typeof checklistHtml>[0]> = {}): string {
  return checklistHtml({
    cspSource: CSP_SOURCE,
    codiconsCss: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
    styleCss: 'https://file+.vscode-resource.vscode-cdn.net/ext/client/media/checklist.css',
    script: 'https://file+.vscode-resource.vscode-cdn.net/ext/client/media/checklist.js',
    nonce: 'abc123',
    ...overrides,
  });
}

describe('checklist panel HTML shell', () => {
  it('allows only local styles and fonts and the nonce\'d script', () => {
    assert.equal(
      contentSecurityPolicy(CSP_SOURCE, 'abc123'),
      `default-src 'none'; style-src ${CSP_SOURCE}; font-src ${CSP_SOURCE}; script-src 'nonce-abc123'`,
    );
    const html = shell();
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src ${CSP_SOURCE}; font-src ${CSP_SOURCE}; script-src &#39;nonce-abc123&#39;">`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('loads exactly one script, with the nonce, and no inline script or style', () => {
    const html = shell();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="abc123" src="https://file+.vscode-resource.vscode-cdn.net/ext/client/media/checklist.js">']);
    assert.doesNotMatch(html, /<style\b|\sstyle=/);
    assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/);
  });

  it('escapes what it puts into attributes', () => {
    const html = shell({ styleCss: 'x"><script>alert(1)</script>' });
    assert.ok(html.includes('href="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
    assert.equal(escapeHtml(`<img src=x onerror='alert(1)'> & "q"`), '&lt;img src=x onerror=&#39;alert(1)&#39;&gt; &amp; &quot;q&quot;');
  });

  it('makes a fresh unguessable nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9_-]{24}$/);
  });
});
