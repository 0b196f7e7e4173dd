import { insecureRandomness } from 'preflight-server/out/rules/insecure-randomness';
import { testRule } from '../support/rule-tester';

const lines = (...parts: string[]): string => parts.join('\n') + '\n';

testRule(insecureRandomness, {
  invalid: [
    {
      name: 'a reset token from toString(36) (ESM: a node:crypto import is added)',
      code: lines(`import { db } from './db';`, `export async function startReset(userId: string) {`, `  const resetToken = Math.random().toString(36).slice(2);`, `  await db.save(userId, resetToken);`, `}`),
      findings: [{ line: 3, message: '`resetToken`' }],
      output: lines(
        `import { db } from './db';`,
        `import { randomBytes } from 'node:crypto';`,
        `export async function startReset(userId: string) {`,
        `  const resetToken = randomBytes(16).toString('base64url');`,
        `  await db.save(userId, resetToken);`,
        `}`,
      ),
    },
    {
      name: 'an OTP with a literal range (CommonJS: require is added)',
      filename: 'otp.js',
      code: lines(`const express = require('express');`, `function sendOtp(user) {`, `  const otp = Math.floor(100000 + Math.random() * 900000);`, `  return otp;`, `}`, `module.exports = { sendOtp };`),
      findings: [{ line: 3, message: '`otp`' }],
      output: lines(
        `const express = require('express');`,
        `const { randomInt } = require('node:crypto');`,
        `function sendOtp(user) {`,
        `  const otp = randomInt(100000, 1000000);`,
        `  return otp;`,
        `}`,
        `module.exports = { sendOtp };`,
      ),
    },
    {
      name: 'a nonce built character by character in a function named for it (uses the crypto namespace already imported)',
      code: lines(
        `import * as crypto from 'crypto';`,
        `export function nonce(): string {`,
        `  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';`,
        `  let text = '';`,
        `  for (let i = 0; i < 32; i++) text += alphabet.charAt(Math.floor(Math.random() * alphabet.length));`,
        `  return text;`,
        `}`,
        `export const digest = (s: string) => crypto.createHash('sha256').update(s).digest('hex');`,
      ),
      findings: [{ line: 5, message: '`nonce`' }],
      output: lines(
        `import * as crypto from 'crypto';`,
        `export function nonce(): string {`,
        `  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';`,
        `  let text = '';`,
        `  for (let i = 0; i < 32; i++) text += alphabet.charAt(crypto.randomInt(alphabet.length));`,
        `  return text;`,
        `}`,
        `export const digest = (s: string) => crypto.createHash('sha256').update(s).digest('hex');`,
      ),
    },
    {
      name: 'a session id returned from an arrow function named for it',
      code: lines(`export const createSessionId = () => Math.random().toString(36).substring(2, 15) + Math.random().toString(36).substring(2, 15);`),
      findings: [{ line: 1, message: '`createSessionId`' }, { line: 1 }],
    },
    {
      name: 'a password in an object property (adds to an existing crypto import)',
      code: lines(`import { createHash } from 'node:crypto';`, `export function newUser(email: string) {`, `  return { email, password: String(Math.random()), id: createHash('md5').update(email).digest('hex') };`, `}`),
      findings: [{ line: 3, message: '`password`' }],
      output: lines(`import { createHash, randomUUID } from 'node:crypto';`, `export function newUser(email: string) {`, `  return { email, password: randomUUID(), id: createHash('md5').update(email).digest('hex') };`, `}`),
    },
    {
      name: 'an assignment to an invite code property',
      code: lines(`export function invite(team: { inviteCode?: string }) {`, `  team.inviteCode = Math.random().toString(36).slice(2, 10).toUpperCase();`, `}`),
      findings: [{ line: 2, message: '`inviteCode`' }],
    },
    {
      name: 'a salt in a class method',
      code: lines(`export class Hasher {`, `  makeSalt() {`, `    return Math.random().toString(16);`, `  }`, `}`),
      findings: [{ line: 3, message: '`makeSalt`' }],
    },
    {
      name: 'an API key built with Array.from in a named function (JavaScript ESM)',
      filename: 'keys.mjs',
      code: lines(`const chars = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';`, `export function generateApiKey() {`, `  return Array.from({ length: 40 }, () => chars[Math.floor(Math.random() * chars.length)]).join('');`, `}`),
      findings: [{ line: 3, message: '`generateApiKey`' }],
    },
    {
      name: 'a verification code under a fallback',
      code: lines(`export function code(existing?: string) {`, `  const verificationCode = existing ?? Math.floor(Math.random() * 1e6).toString().padStart(6, '0');`, `  return verificationCode;`, `}`),
      findings: [{ line: 2, message: '`verificationCode`' }],
    },
    {
      name: 'a CSRF token in a template literal',
      code: lines('export const csrfToken = `csrf_${Date.now()}_${Math.random().toString(36).slice(2)}`;'),
      findings: [{ line: 1, message: '`csrfToken`' }],
    },
    {
      name: 'an OAuth nonce assigned as a method (CommonJS prototype style)',
      filename: 'oauth.js',
      code: lines(`var OAuth = {};`, `OAuth.nonce = function () {`, `  var text = '';`, `  for (var i = 0; i < 30; i++) { text += 'abcdef'.charAt(Math.floor(Math.random() * 6)); }`, `  return text;`, `};`, `module.exports = OAuth;`),
      findings: [{ line: 4, message: '`nonce`' }],
    },
    {
      name: 'a session id assigned on the session object',
      filename: 'session.js',
      code: lines(`function startSession(req) {`, `  req.session.id = Math.random().toString(36).slice(2);`, `}`, `module.exports = { startSession };`),
      findings: [{ line: 2, message: '`session.id`' }],
    },
    {
      name: 'a code made in a function that sends a verification e-mail',
      code: lines(`export async function sendVerificationEmail(send: (code: number) => Promise<void>) {`, `  const code = Math.floor(Math.random() * 1000000);`, `  await send(code);`, `}`),
      findings: [{ line: 2, message: '`code`' }],
      output: lines(`import { randomInt } from 'node:crypto';`, ``, `export async function sendVerificationEmail(send: (code: number) => Promise<void>) {`, `  const code = randomInt(1000000);`, `  await send(code);`, `}`),
    },
    {
      name: 'a hex API key built through a map callback',
      code: lines(`export const apiKey = [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');`),
      findings: [{ line: 1, message: '`apiKey`' }],
    },
  ],
  valid: [
    {
      name: 'a random background on the login page',
      code: lines(`const images = ['a.png', 'b.png'];`, `export function loginBackground() {`, `  return images[Math.floor(Math.random() * images.length)];`, `}`),
    },
    {
      name: 'a shuffle through sort, stored under a neutral name',
      code: lines(`export function shuffled<T>(items: T[]) {`, `  const order = [...items].sort(() => Math.random() - 0.5);`, `  return order;`, `}`),
    },
    {
      name: 'retry jitter and backoff',
      code: lines(`export function backoff(attempt: number) {`, `  const jitter = Math.random() * 100;`, `  return 2 ** attempt * 100 + jitter;`, `}`),
    },
    {
      name: 'a delay passed to setTimeout',
      code: lines(`export const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 500));`),
    },
    {
      name: 'sampling by comparison, even in a function named for a token',
      code: lines(`export function refreshToken(token: string) {`, `  if (Math.random() < 0.01) console.log('sampled refresh');`, `  return token;`, `}`),
    },
    {
      name: 'a shuffle',
      code: lines(`export function shuffle<T>(items: T[]) {`, `  for (let i = items.length - 1; i > 0; i--) {`, `    const j = Math.floor(Math.random() * (i + 1));`, `    [items[i], items[j]] = [items[j]!, items[i]!];`, `  }`, `  return items;`, `}`),
    },
    {
      name: 'a random pick for display',
      filename: 'quotes.js',
      code: lines(`const quotes = ['a', 'b'];`, `function pickQuote() {`, `  const randomIndex = Math.floor(Math.random() * quotes.length);`, `  return quotes[randomIndex];`, `}`, `module.exports = { pickQuote };`),
    },
    {
      name: 'a request id and a name suffix are not secrets',
      code: lines(`export function ids(header?: string) {`, `  const id = header || Math.random().toString(36).slice(2, 8);`, `  const randomSuffix = Math.random().toString(36).substring(2, 8);`, `  return { id, sessionName: 'Access_' + randomSuffix };`, `}`),
    },
    {
      name: 'a token-named function that uses Math.random for its retry delay',
      code: lines(`export async function fetchToken(get: () => Promise<string>) {`, `  const delayMs = Math.random() * 1000;`, `  await new Promise((r) => setTimeout(r, delayMs));`, `  return get();`, `}`),
    },
    {
      name: 'crypto already used',
      code: lines(`import { randomBytes } from 'node:crypto';`, `export const resetToken = () => randomBytes(32).toString('hex');`),
    },
    {
      name: 'a local Math object is not the global',
      code: lines(`const Math = { random: () => 4 };`, `export const token = Math.random();`),
    },
    {
      name: 'seed scripts are not analysed',
      filename: 'seed/initial-seed.ts',
      code: lines(`export const recipients = [{ token: Math.random().toString(36).slice(2, 9) }];`),
    },
    {
      name: 'chart data in a component',
      filename: 'chart.tsx',
      code: lines(`export function bars() {`, `  return [1, 2, 3].map(() => ({ height: Math.max(15, Math.floor(Math.random() * 100)) }));`, `}`),
    },
  ],
});
