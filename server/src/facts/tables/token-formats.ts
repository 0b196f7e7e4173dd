/**
 * What a credential written in source looks like: the formats providers give
 * their keys (recognised whatever the variable is called), the values that
 * only stand in for one (placeholders), and the library parameters that take a
 * secret. Used by facts/secrets.ts and hardcoded-secret. Adding a provider is
 * a change to this table only.
 */

export interface TokenFormat {
  /** Shown in messages: "a Stripe live secret key". */
  name: string;
  /** Matches the whole format somewhere in a string literal. */
  pattern: RegExp;
}

export const TOKEN_FORMATS: readonly TokenFormat[] = [
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { name: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'a GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { name: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { name: 'a Stripe live secret key', pattern: /\b[sr]k_live_[A-Za-z0-9]{16,}\b/ },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { name: 'a Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]{16,}/ },
  { name: 'a PEM private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/ },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'a SendGrid API key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/ },
  { name: 'an OpenAI API key', pattern: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}\b/ },
  { name: 'an Anthropic API key', pattern: /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}\b/ },
  { name: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: 'a Shopify access token', pattern: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/ },
  { name: 'a Twilio API key', pattern: /\bSK[0-9a-f]{32}\b/ },
];

/**
 * A URL with a password in it (`postgres://app:S3cr3t@db.internal/app`):
 * the user, the password and the host. Not a secret when the host is this
 * machine (a local development default) or the password is a stand-in
 * (`password`, `pass`, `${DB_PASSWORD}`, the user name again).
 */
export const CREDENTIALS_IN_URL = /\b[a-z][a-z0-9+.-]*:\/\/([^\s:@/'"`]+):([^\s@/'"`]+)@([^\s:/'"`?#]+)/i;
export const LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '0.0.0.0', '[::1]', 'host.docker.internal'];
export const STAND_IN_PASSWORDS: readonly string[] = ['password', 'pass', 'passwd', 'pwd', 'secret', 'pw', 'user', 'username'];

/**
 * Values that stand in for a secret rather than being one: the empty string,
 * `changeme`, runs of `x` or `*`, `<your-key>`, `${TEMPLATE}`, Stripe test-mode
 * keys, the AWS documentation's example key. Compared with the whole value
 * (case-insensitively unless the pattern says otherwise).
 */
export const PLACEHOLDER_VALUES: readonly RegExp[] = [
  /^\s*$/,
  /^change[-_ ]?me\b/i,
  /^(?:x+|\*+|\.+|#+|-+|_+|0+|•+)$/i,
  /^<[^>]*>$/,
  /^\[[^\]]*\]$/,
  /^\$\{[^}]*\}$|^\{\{[^}]*\}\}$|^%[A-Z_]+%$/,
  /^(?:your|my|insert|enter|replace|put|add)[-_ ]?\w*/i,
  /example|placeholder|dummy|sample|redacted|fake|change[-_ ]?me|replace[-_ ]?me|not[-_ ]?set|not[-_ ]?a[-_ ]?real/i,
  /^(?:undefined|null|none|n\/a|tbd|todo|secret_here|key_here|token_here)$/i,
  /^[sr]k_test_|^pk_(?:test|live)_|^whsec_test/,
  /EXAMPLE$/,
];

/**
 * Keys that providers publish for use in browsers and apps, so that writing
 * one in the source leaks nothing: a PostHog project key (write-only), Stripe
 * publishable keys, Google Analytics measurement ids.
 */
export const PUBLIC_KEY_FORMATS: readonly RegExp[] = [/^phc_[A-Za-z0-9]{20,}$/, /^pk_(?:live|test)_[A-Za-z0-9]+$/, /^G-[A-Z0-9]{6,}$/, /^UA-\d+-\d+$/];

/** Runs of one character inside a value (`sk_live_xxxxxxxxxxxx`): a placeholder shaped like a real key. */
export const REPEATED_CHARACTER_RUN = /(.)\1{5,}/;

/**
 * Library parameters that take a secret: a string literal there is a
 * hardcoded secret whatever its entropy (`jwt.sign(payload, 'shhh')`).
 * `path` is the member chain from the module (`[]` is the module itself);
 * `argument` the argument's index; `option` a property of that argument when
 * the secret is passed in an options object (`session({ secret: 'keyboard cat' })`).
 */
export interface SecretParameter {
  module: string;
  path: readonly string[];
  argument: number;
  option?: string;
  /** Shown in messages: "the JWT signing secret". */
  what: string;
}

export const SECRET_PARAMETERS: readonly SecretParameter[] = [
  { module: 'jsonwebtoken', path: ['sign'], argument: 1, what: 'the JWT signing secret' },
  { module: 'jsonwebtoken', path: ['verify'], argument: 1, what: 'the JWT verification secret' },
  { module: 'express-session', path: [], argument: 0, option: 'secret', what: 'the session secret' },
  { module: 'cookie-session', path: [], argument: 0, option: 'secret', what: 'the session secret' },
  { module: 'cookie-parser', path: [], argument: 0, what: 'the cookie signing secret' },
  { module: 'crypto', path: ['createHmac'], argument: 1, what: 'the HMAC key' },
  { module: 'crypto', path: ['createCipheriv'], argument: 1, what: 'the cipher key' },
  { module: 'passport-jwt', path: ['Strategy'], argument: 0, option: 'secretOrKey', what: 'the JWT secret' },
  { module: '@nestjs/jwt', path: ['JwtModule', 'register'], argument: 0, option: 'secret', what: 'the JWT secret' },
];

/**
 * How random a value must look, in bits of Shannon entropy per character, to
 * count as a secret when only its name says so; with at least MIN_SECRET_LENGTH
 * characters and MIN_CHARACTER_CLASSES of lower case, upper case, digits and symbols.
 */
export const MIN_SECRET_ENTROPY = 3;
export const MIN_SECRET_LENGTH = 8;
export const MIN_CHARACTER_CLASSES = 2;

/** Where a fallback secret is read from: `process.env.X`, `import.meta.env.X`. */
export const ENVIRONMENT_OBJECTS: readonly string[] = ['process.env', 'import.meta.env', 'Bun.env', 'Deno.env'];
