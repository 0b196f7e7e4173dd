import * as assert from 'node:assert/strict';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import { FileFacts } from 'preflight-server';
import { paymentCalls, urlPattern } from 'preflight-server/out/facts/payment-calls';
import { stableIdAt } from 'preflight-server/out/facts/business-ids';
import { withFile, withFiles } from '../support/facts-project';

const labels = (code: string, filename = 'case.ts'): string[] =>
  withFile(code, (sourceFile) => paymentCalls(FileFacts.of(sourceFile)).map((call) => `${call.label} ${call.key.state}`), filename);

function callNamed(node: Node, text: string): CallExpression {
  const call = node.getDescendantsOfKind(SyntaxKind.CallExpression).find((candidate) => candidate.getExpression().getText() === text);
  assert.ok(call, `no call of ${text}`);
  return call;
}

describe('facts: payment calls', () => {
  it('follows a Stripe client exported by a project module', () => {
    const found = withFiles(
      {
        'lib/stripe.ts': `import Stripe from 'stripe';\nexport const stripe = new Stripe(process.env.KEY ?? '');\n`,
        'refunds.ts': `import { stripe } from './lib/stripe';\nexport const refund = (charge: string) => stripe.refunds.create({ charge });\n`,
      },
      (file) => paymentCalls(FileFacts.of(file('refunds.ts'))).map((call) => `${call.provider} ${call.label} ${call.key.state}`),
    );
    assert.deepEqual(found, ['Stripe stripe.refunds.create() missing']);
  });

  it('recognises the named Stripe export and Stripe.Stripe types, and not a look-alike local object', () => {
    assert.deepEqual(
      labels(
        [
          `import { Stripe } from 'stripe';`,
          `import * as S from 'stripe';`,
          `const a = new Stripe('k');`,
          `function f(b: S.Stripe, c: { charges: { create(x: object): Promise<void> } }) {`,
          `  a.charges.create({});`,
          `  b.payouts.create({}, { idempotencyKey: 'k' });`,
          `  c.charges.create({});`,
          `}`,
        ].join('\n'),
      ),
      ['a.charges.create() missing', 'b.payouts.create() present'],
    );
  });

  it('reads a URL spelled through consts, templates and +', () => {
    withFile(
      [`const HOST = 'https://api.stripe.com';`, `const V = '/v1';`, `declare const id: string;`, 'const a = `${HOST}${V}/refunds`;', `const b = HOST + '/v1/charges/' + id;`].join('\n'),
      (sourceFile) => {
        const [, , , a, b] = sourceFile.getVariableDeclarations().map((declaration) => declaration.getInitializer());
        assert.equal(urlPattern(a!), 'https://api.stripe.com/v1/refunds');
        assert.equal(urlPattern(b!), 'https://api.stripe.com/v1/charges/{}');
      },
    );
  });

  it('a POST through an axios instance with a payment API base URL counts', () => {
    assert.deepEqual(
      labels([`import axios from 'axios';`, `const stripeApi = axios.create({ baseURL: 'https://api.stripe.com', timeout: 5000 });`, `export const pay = () => stripeApi.post('/v1/charges', {});`].join('\n')),
      ['stripeApi.post() missing'],
    );
  });
});

describe('facts: stable business ids in scope', () => {
  const idAt = (code: string, callee: string): string | undefined => withFile(code, (sourceFile) => stableIdAt(callNamed(sourceFile, callee), 'refund')?.expression);

  it('prefers a key the code holds, then the operation\'s own id, then what it is about, then what it acts on', () => {
    assert.equal(idAt(`function f(chargeId: string, orderId: string, idempotencyKey: string) { go(chargeId); }`, 'go'), 'idempotencyKey');
    assert.equal(idAt(`function f(chargeId: string, orderId: string, refundId: string) { go(chargeId); }`, 'go'), 'refundId');
    assert.equal(idAt(`function f(chargeId: string, orderId: string) { go(chargeId); }`, 'go'), 'orderId');
    assert.equal(idAt(`function f(chargeId: string) { go(); }`, 'go'), 'chargeId');
  });

  it('a record read as .id or typed with one; not an unrelated name, not a user or session', () => {
    assert.equal(idAt(`function f(order) { log(order.id); go(); }`, 'go'), 'order.id');
    assert.equal(idAt(`function f(event: { id: string }) { go(); }`, 'go'), 'event.id');
    assert.equal(idAt(`function f(order) { go(); }`, 'go'), undefined);
    assert.equal(idAt(`function f(userId: string, sessionId: string, preventId: string) { go(); }`, 'go'), undefined);
  });

  it('only variables declared before the call, in blocks around it', () => {
    assert.equal(idAt(`function f() { if (x) { const orderId = 1; } go(); const refundId = 2; }`, 'go'), undefined);
  });

  it('inside a loop or a per-element callback, only ids declared in it', () => {
    assert.equal(idAt(`function f(orderId: string, items: { refundId: string }[]) { for (const item of items) { go(); } }`, 'go'), undefined);
    assert.equal(idAt(`function f(orderId: string, items: string[]) { items.map((refundId) => go()); }`, 'go'), 'refundId');
    assert.equal(idAt(`function f(orderId: string, items: string[]) { items.forEach(() => go()); }`, 'go'), undefined);
  });
});
