/**
 * The words that say a value is a credential or other data that must not be
 * written down, as names are split into words (`apiKey`, `API_KEY` and
 * `api-key` are all `api key`). A name counts when it ends with one of these
 * (`resetToken`, `DB_PASSWORD`), not when it only mentions one (`tokenPrefix`,
 * `passwordResetUrl`, `tokenCount`). Used by facts/secrets.ts (hardcoded-secret,
 * insecure-randomness) and facts/log-calls.ts (sensitive-data-in-log).
 */

/** Names of values that are secrets: a password, a token, an API key, a private key. */
export const SECRET_NAME_ENDINGS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'api key',
  'api secret',
  'private key',
  'secret key',
  'access key',
  'signing key',
  'encryption key',
  'auth key',
  'master key',
  'session key',
  'hmac key',
  'client secret',
  'credentials',
  'credential',
  'secret access key',
  'connection string',
];

/**
 * Words in a name that make the value public, a stand-in, or the name of a
 * condition rather than the secret: `publicKey`, `testPassword`,
 * `INVALID_ACCESS_TOKEN` (an error code), `MISSING_API_KEY`.
 */
export const NON_SECRET_QUALIFIERS: readonly string[] = [
  'public',
  'publishable',
  'placeholder',
  'example',
  'dummy',
  'fake',
  'mock',
  'test',
  'sample',
  'invalid',
  'missing',
  'expired',
  'error',
  'err',
  'bad',
  'wrong',
  'unknown',
  // Made from the secret, not the secret: `hashedToken`, `tokenHash` ends otherwise anyway.
  'hashed',
  'hash',
  'encrypted',
  'masked',
  'redacted',
  'obfuscated',
];

/**
 * Names of values made to be unguessable, beyond SECRET_NAME_ENDINGS: a
 * one-time password, a nonce, a salt, a session id, a reset or verification
 * code, an OAuth state or PKCE verifier (insecure-randomness).
 */
export const UNGUESSABLE_NAME_ENDINGS: readonly string[] = [
  ...SECRET_NAME_ENDINGS,
  'otp',
  'totp',
  'nonce',
  'salt',
  'iv',
  'session id',
  'sessionid',
  'sid',
  'csrf',
  'xsrf',
  'reset code',
  'verification code',
  'verify code',
  'confirmation code',
  'otp code',
  'auth code',
  'login code',
  'one time code',
  'magic link',
  'invite code',
  'pin code',
  'code verifier',
  'code challenge',
  'oauth state',
  'csrf state',
  'state token',
];

/**
 * Names of a value that is a secret when it is made for an account's security
 * (`const code = ...` in `sendVerificationEmail()`), and the words of function
 * names that say so.
 */
export const CODE_NAMES: readonly string[] = ['code', 'pin', 'digits', 'otp'];
export const ACCOUNT_SECURITY_WORDS: readonly string[] = [
  'verification',
  'verify',
  'reset',
  'recovery',
  'recover',
  'otp',
  'mfa',
  '2fa',
  'login',
  'signin',
  'auth',
  'authenticate',
  'confirm',
  'confirmation',
  'invite',
  'invitation',
  'magic',
  'password',
  'passwordless',
];

/**
 * Names that say a random number is for something else: a delay, a jitter, a
 * sample, a shuffle, a position on screen. Such a name nearer the
 * `Math.random()` call than a sensitive one decides.
 */
export const NON_SECURITY_RANDOM_WORDS: readonly string[] = [
  'delay',
  'jitter',
  'backoff',
  'timeout',
  'wait',
  'sleep',
  'interval',
  'ms',
  'retry',
  'index',
  'idx',
  'shuffle',
  'color',
  'colour',
  'sample',
  'sampled',
  'rate',
  'chance',
  'probability',
  'percent',
  'height',
  'width',
  'offset',
  'position',
  'x',
  'y',
  'angle',
  'opacity',
  'duration',
  'quote',
  'word',
  'name',
  'suffix',
  'label',
];

/**
 * Names of values a log must not record (sensitive-data-in-log): the secrets
 * above, the headers that carry them, and payment card data.
 */
export const LOG_SENSITIVE_NAME_ENDINGS: readonly string[] = [
  ...SECRET_NAME_ENDINGS,
  'authorization',
  'cookie',
  'cookies',
  'set cookie',
  'card number',
  'cardnumber',
  'credit card',
  'pan',
  'cvv',
  'cvc',
  'ssn',
  'otp',
];

/**
 * Request properties that hold the caller's whole headers, body or cookies:
 * logging one records every credential the caller sent. Compared with the
 * name of the request object the property is read from.
 */
export const WHOLE_REQUEST_INPUTS: readonly { object: string; properties: readonly string[] }[] = [
  { object: 'req', properties: ['headers', 'body', 'cookies', 'rawHeaders', 'signedCookies'] },
  { object: 'request', properties: ['headers', 'body', 'cookies', 'rawHeaders'] },
  { object: 'ctx.request', properties: ['headers', 'header', 'body'] },
  // Koa's ctx.headers is the request's; ctx.body is the response.
  { object: 'ctx', properties: ['headers', 'header', 'cookies'] },
  { object: 'c.req', properties: ['header'] },
];

/** Names of a user's whole record: logging one read whole from the database writes its password hash and personal data. */
export const USER_RECORD_NAMES: readonly string[] = ['user', 'account', 'customer', 'member'];
