import * as assert from 'node:assert/strict';
import { hardcodedSecret } from 'preflight-server/out/rules/hardcoded-secret';
import { isPlaceholderSecret, isSecretName, looksRandom, placeholderRejections } from 'preflight-server/out/facts/secrets';
import { findingsOf, testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

// Keys are assembled here so that this file holds no literal a secret scanner would match.
const join = (...parts: string[]): string => parts.join('');
const STRIPE_LIVE = join('sk_', 'live_', '4eC39HqLyjWDarjtT1zdp7dcQz8Rb2Lx');
const AWS_KEY = join('AKIA', 'Z7Q3XK5W2M9RBT4N');
const GITHUB_TOKEN = join('ghp_', 'R8fK2mQ7xLp4Zs9Tb3Nw6Vh1Yc5Jd0Ea2Gu7');
const GITHUB_PAT = join('github_pat_', '11ABCDEFG0', 'aZ9xQ2wE4rT6yU8iO0pL3kJ5hG7fD1sA');
const SLACK = join('xox', 'b-', '2948172635-5829103847261-Qx8ZLm3Tr7Vb2Nc9Wk4Hy6Pd');
const GOOGLE = join('AIza', 'SyD8r2Kq9XmZ4pL7wT3nB6vC1hJ5gF0eQ8s');
const PEM = join('-----BEGIN ', 'RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAx7...\\n-----END RSA PRIVATE KEY-----');
const RANDOM = join('q8Zr', '2KfT9', 'mWx4LpB7', 'vN3c');
const SECRETS = [STRIPE_LIVE, AWS_KEY, GITHUB_TOKEN, GITHUB_PAT, SLACK, GOOGLE, RANDOM];

testRule(hardcodedSecret, {
  invalid: [
    {
      name: 'a Stripe live secret key passed to the client',
      code: lines(`import Stripe from 'stripe';`, `export const stripe = new Stripe('${STRIPE_LIVE}');`),
      findings: [{ line: 2, message: 'Stripe live secret key (sk_l…' }],
    },
    {
      name: 'an AWS access key id in an SDK config (CommonJS)',
      filename: 's3.js',
      code: lines(`const { S3Client } = require('@aws-sdk/client-s3');`, `module.exports = new S3Client({ credentials: { accessKeyId: '${AWS_KEY}', secretAccessKey: process.env.AWS_SECRET } });`),
      findings: [{ line: 2, message: 'AWS access key id' }],
    },
    {
      name: 'a GitHub token in a variable with a neutral name',
      code: lines(`import { Octokit } from '@octokit/rest';`, `const auth = '${GITHUB_TOKEN}';`, `export const octokit = new Octokit({ auth });`),
      findings: [{ line: 2, message: 'GitHub token' }],
    },
    {
      name: 'a GitHub fine-grained token in a template literal',
      filename: 'gh.mjs',
      code: lines('export const headers = { Authorization: `' + GITHUB_PAT + '` };'),
      findings: [{ line: 1, message: 'GitHub fine-grained token' }],
    },
    {
      name: 'a Slack bot token',
      code: lines(`import { WebClient } from '@slack/web-api';`, `export const slack = new WebClient('${SLACK}');`),
      findings: [{ line: 2, message: 'Slack token' }],
    },
    {
      name: 'a Google API key in a config object',
      code: lines(`export const maps = { key: '${GOOGLE}', region: 'eu' };`),
      findings: [{ line: 1, message: 'Google API key' }],
    },
    {
      name: 'a PEM private key',
      code: lines(`export const signingKey = '${PEM}';`),
      findings: [{ line: 1, message: 'PEM private key' }],
    },
    {
      name: 'a fallback for a secret read from the environment (||)',
      code: lines(`import jwt from 'jsonwebtoken';`, `export const sign = (sub: string) => jwt.sign({ sub }, process.env.JWT_SECRET || 'dev-secret');`),
      findings: [{ line: 2, message: 'When JWT_SECRET is unset' }],
    },
    {
      name: 'a fallback with ?? counts like || (CommonJS)',
      filename: 'session.js',
      code: lines(`const session = require('express-session');`, `module.exports = session({ secret: process.env.SESSION_SECRET ?? 'keyboard cat', resave: false });`),
      findings: [{ line: 2, message: 'When SESSION_SECRET is unset' }],
    },
    {
      name: 'a fallback whose target names the secret',
      code: lines(`export const config = { apiKey: process.env['MAILER_KEY'] || 'mk-local-1234' };`),
      findings: [{ line: 1, message: 'When MAILER_KEY is unset' }],
    },
    {
      name: 'a destructured default from process.env',
      code: lines(`const { STRIPE_WEBHOOK_SECRET = 'whsec_local' } = process.env;`, `export { STRIPE_WEBHOOK_SECRET };`),
      findings: [{ line: 1, message: 'When STRIPE_WEBHOOK_SECRET is unset' }],
    },
    {
      name: 'the JWT secret of jsonwebtoken as a literal, however short',
      code: lines(`import * as jwt from 'jsonwebtoken';`, `export const verify = (token: string) => jwt.verify(token, 'shhhhh');`),
      findings: [{ line: 2, message: 'JWT verification secret is a literal' }],
    },
    {
      name: 'express-session secret option as a literal',
      filename: 'app.js',
      code: lines(`import session from 'express-session';`, `export const middleware = session({ secret: 'keyboard cat' });`),
      findings: [{ line: 2, message: 'session secret is a literal' }],
    },
    {
      name: 'an HMAC key literal (node:crypto)',
      code: lines(`import { createHmac } from 'node:crypto';`, `export const sign = (body: string) => createHmac('sha256', 'wh-signing-key').update(body).digest('hex');`),
      findings: [{ line: 2, message: 'HMAC key is a literal' }],
    },
    {
      name: 'a random-looking value under a secret name (class property)',
      code: lines(`export class Mailer {`, `  private readonly apiKey = '${RANDOM}';`, `}`),
      findings: [{ line: 2, message: '`apiKey` is a credential' }],
    },
    {
      name: 'a database password in a config object (JavaScript)',
      filename: 'db.js',
      code: lines(`module.exports = {`, `  host: 'db.internal',`, `  DB_PASSWORD: 'Tr0ub4dor&3xK9',`, `};`),
      findings: [{ line: 3, message: '`DB_PASSWORD` is a credential' }],
    },
    {
      name: 'a password in a connection URL to another host',
      filename: 'db.js',
      code: lines(`const mongoose = require('mongoose');`, `mongoose.connect('mongodb://app:' + 'x' + '@db');`, `module.exports = mongoose.createConnection('mongodb://app:Zq81vLw3@cluster0.mongo.internal/app');`),
      findings: [{ line: 3, message: 'password in a connection URL' }],
    },
    {
      name: 'an assignment to a client secret property',
      code: lines(`export const oauth: { clientSecret?: string } = {};`, `oauth.clientSecret = 'c9f2e7a1b4d8X6';`),
      findings: [{ line: 2, message: '`clientSecret`' }],
    },
  ],
  valid: [
    {
      name: 'placeholders under secret names',
      code: lines(
        `export const config = {`,
        `  password: '',`,
        `  apiKey: 'changeme',`,
        `  token: 'xxxxxxxxxxxx',`,
        `  clientSecret: '<your-client-secret>',`,
        `  secretKey: 'your-secret-key-here',`,
        `  privateKey: '\${PRIVATE_KEY}',`,
        `  accessToken: 'REPLACE_ME',`,
        `};`,
      ),
    },
    {
      name: 'placeholder fallbacks of secrets read from the environment',
      code: lines(`export const a = process.env.JWT_SECRET || '';`, `export const b = process.env.API_KEY ?? 'changeme';`, `export const c = process.env.TOKEN || '<token>';`),
    },
    {
      name: 'Stripe test-mode and publishable keys',
      code: lines(`export const keys = { secretKey: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', publishableKey: 'pk_live_51H8ZpQ2eZvKYlo2C0aB1cD2e' };`),
    },
    {
      name: "the AWS documentation's example key",
      code: lines(`export const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';`),
    },
    {
      name: 'fallbacks of variables that are not secrets',
      filename: 'server.js',
      code: lines(`const port = process.env.PORT || '3000';`, `const host = process.env.HOST ?? 'localhost';`, `module.exports = { port, host };`),
    },
    {
      name: 'names that only mention a secret',
      code: lines(
        `export const tokenPrefix = 'tr_pat_';`,
        `export const passwordResetUrl = 'https://example.org/reset-password';`,
        `export const TOKEN_KIND = 'dashboard_agent_watch';`,
        `export const publicKey = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE';`,
        `export const SECRET_KEY_PREFIX = 'webhook:signing-secret:';`,
      ),
    },
    {
      name: 'secret-named values that are not random: words, messages, URLs, paths',
      code: lines(
        `export const labels = { password: 'Password reset', token: 'confirmation-email', apiKey: 'API keys' };`,
        `export const tokenType = 'bearer';`,
        `export const TOKEN_ISSUER = 'https://accounts.google.com';`,
        `export const secretPath = '/var/run/secrets/token';`,
      ),
    },
    {
      name: 'a literal type and a comparison are not values given to a secret',
      code: lines(`export type TokenKind = 'access' | 'refresh';`, `export function isDefault(password: string) {`, `  return password === 'admin';`, `}`),
    },
    {
      name: 'a jwt.sign secret read from configuration',
      code: lines(`import jwt from 'jsonwebtoken';`, `import { env } from './env';`, `export const sign = (sub: string) => jwt.sign({ sub }, env.JWT_SECRET);`),
    },
    {
      name: 'a local function named sign with a literal is not jsonwebtoken',
      code: lines(`const jwt = { sign: (payload: object, key: string) => JSON.stringify({ payload, key }) };`, `export const s = jwt.sign({}, 'k');`),
    },
    {
      name: 'connection URLs to this machine or with stand-in passwords',
      code: lines(
        `export const local = 'postgres://postgres:postgres@localhost:5432/app';`,
        `export const compose = 'postgresql://app:password@db:5432/app';`,
        `export const templated = 'redis://default:\${REDIS_PASSWORD}@cache:6379';`,
        `export const sameAsUser = 'mysql://root:root@mysql/app';`,
      ),
    },
    {
      name: 'fake keys in a test file are skipped even when tests are analysed',
      filename: 'billing.test.ts',
      code: lines(`export const key = '${STRIPE_LIVE}';`),
    },
    {
      name: 'fake keys in __mocks__',
      filename: '__mocks__/stripe.ts',
      code: lines(`export const key = '${STRIPE_LIVE}';`),
    },
    {
      name: 'error codes named after a token, and design tokens',
      code: lines(
        `export const INVALID_ACCESS_TOKEN = 'auth/invalid_access_token' as const;`,
        `export const MISSING_API_KEY = 'billing/missing_api_key';`,
        `export const swatches = [{ token: '--color-run-pending', usedBy: 'Queued' }, { token: 'text-charcoal-500' }];`,
      ),
    },
    {
      name: 'keys that providers publish for browsers (PostHog project key, Stripe publishable key)',
      code: lines(`export class Analytics {`, `  private POSTHOG_API_KEY = 'phc_9sKzQ2mX7rT4pL8wB3nV6cY1hJ5gF0eD';`, `  private stripeKey = 'pk_live_51H8ZpQ2eZvKYlo2C0aB1cD2e';`, `}`),
    },
    {
      name: 'secret-named values in a test-like name qualifier',
      code: lines(`export const testPassword = 'Tr0ub4dor&3xK9';`, `export const mockApiKey = 'q8Zr2KfT9mWx4Lp';`),
    },
  ],
});

describe('hardcoded-secret never repeats the secret', () => {
  it('messages hold at most a public prefix and the length', () => {
    for (const secret of SECRETS) {
      const [finding] = findingsOf(hardcodedSecret, `export const apiKey = '${secret}';\n`);
      assert.ok(finding, `no finding for a ${secret.length}-character value`);
      assert.ok(!finding.message.includes(secret), 'the message repeats the secret');
      assert.ok(!finding.message.includes(secret.slice(4, 12)), 'the message repeats the middle of the secret');
      assert.match(finding.message, new RegExp(`${secret.length} characters`));
    }
  });

  it('a name-only secret shows no characters of the value', () => {
    const [finding] = findingsOf(hardcodedSecret, `export const apiKey = '${RANDOM}';\n`);
    assert.ok(finding && !finding.message.includes(RANDOM.slice(0, 4)));
  });

  it('counts the placeholders it turns down', () => {
    const before = placeholderRejections.count;
    findingsOf(hardcodedSecret, `export const a = { apiKey: 'changeme', password: '' };\nexport const b = process.env.JWT_SECRET || 'xxx';\n`);
    assert.equal(placeholderRejections.count - before, 3);
  });
});

describe('hardcoded-secret facts', () => {
  it('reads secret names by their last words', () => {
    for (const name of ['password', 'DB_PASSWORD', 'apiKey', 'x-api-key', 'clientSecret', 'JWT_SECRET', 'refreshToken', 'privateKey']) assert.ok(isSecretName(name), name);
    for (const name of ['tokenPrefix', 'passwordResetUrl', 'publicKey', 'tokenCount', 'testPassword', 'secretName', 'key']) assert.ok(!isSecretName(name), name);
  });

  it('tells placeholders and random values apart', () => {
    for (const value of ['', 'changeme', 'xxx', '<your-key>', '***', 'your_api_key', 'sk_test_abc', 'example-key']) assert.ok(isPlaceholderSecret(value), value);
    assert.ok(looksRandom(RANDOM));
    for (const value of ['Password reset', 'bearer', 'confirmation-email', 'https://example.org/x']) assert.ok(!looksRandom(value), value);
  });
});
