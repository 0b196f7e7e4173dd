import { strict as assert } from 'node:assert';
import { parseWebviewMessage } from 'preflight-client/out/checklist/messages';

describe('checklist panel messages from the webview', () => {
  it('accepts each well-formed message', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'scan', scope: 'workspace' }), { type: 'scan', scope: 'workspace' });
    assert.deepEqual(parseWebviewMessage({ type: 'scan', scope: 'changed' }), { type: 'scan', scope: 'changed' });
    assert.deepEqual(parseWebviewMessage({ type: 'open', locationId: 'loc3' }), { type: 'open', locationId: 'loc3' });
    assert.deepEqual(parseWebviewMessage({ type: 'tick', itemId: 'runbook', ticked: false }), {
      type: 'tick',
      itemId: 'runbook',
      ticked: false,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'copyMarkdown' }), { type: 'copyMarkdown' });
    assert.deepEqual(parseWebviewMessage({ type: 'insertIntoPrTemplate' }), { type: 'insertIntoPrTemplate' });
    assert.deepEqual(parseWebviewMessage({ type: 'inspected', requestId: 'r1', clicked: true, text: 't', html: '<p>t</p>' }), {
      type: 'inspected',
      requestId: 'r1',
      clicked: true,
      text: 't',
      html: '<p>t</p>',
    });
  });

  it('drops fields it does not know', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'open', locationId: 'loc1', file: '/etc/passwd', line: 1 }), {
      type: 'open',
      locationId: 'loc1',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'copyMarkdown', markdown: 'x' }), { type: 'copyMarkdown' });
  });

  it('rejects anything malformed', () => {
    const rejected: unknown[] = [
      undefined,
      null,
      'ready',
      42,
      ['ready'],
      {},
      { type: 'unknown' },
      { type: 'scan' },
      { type: 'scan', scope: 'everything' },
      { type: 'open' },
      { type: 'open', locationId: 3 },
      { type: 'open', locationId: '' },
      { type: 'open', locationId: 'x'.repeat(201) },
      { type: 'tick', itemId: 'runbook' },
      { type: 'tick', itemId: 'runbook', ticked: 'true' },
      { type: 'tick', itemId: { id: 'runbook' }, ticked: true },
      { type: 'inspected', requestId: 'r1', text: 't', html: 'h' },
      { type: 'inspected', requestId: 'r1', clicked: true, text: 1, html: 'h' },
      { type: 'inspected', requestId: 'r1', clicked: true, text: 't'.repeat(2_000_001), html: 'h' },
      { type: { toString: () => 'ready' } },
    ];
    for (const raw of rejected) assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw));
  });
});
