import * as assert from 'node:assert/strict';
import { isWebhookPath } from 'preflight-server/out/facts/webhooks';

describe('facts/webhooks: webhook paths', () => {
  it('recognises receivers of pushed events', () => {
    for (const path of ['/webhooks/stripe', '/api/webhook', '/api/stripe/webhooks', '/paypal/ipn', '/payments/notify', '/api/github/events', '/webhooks/v1/ingest/:opaqueId', '/api/v1/waitpoints/tokens/:id/callback/:hash']) {
      assert.equal(isWebhookPath(path), true, path);
    }
  });
  it('leaves out login callbacks, the management API of the project\'s own webhooks and other paths', () => {
    for (const path of ['/auth/github/callback', '/oauth/callback', '/login/callback', '/api/auth/callback/:provider', '/api/v1/webhooks/endpoints', '/api/v1/webhooks/deliveries/:id/replay', '/webhooks/test', '/orders', '/api/callbacks-info/x/settings', undefined]) {
      assert.equal(isWebhookPath(path), false, String(path));
    }
  });
});
