import type { Node } from 'ts-morph';
import { hardcodedSecretsOf, type HardcodedSecret } from '../facts/secrets';
import { isTestFileName } from '../workspace/exclusions';
import { createRule, type RuleContext } from './rule';

export const hardcodedSecret = createRule({
  meta: {
    id: 'hardcoded-secret',
    title: 'Credential written in the source',
    category: 'security',
    defaultSeverity: 'error',
    cwe: [798],
    summary: [
      'A key, password or token in the source is in every clone, fork, CI log, container image and backup of the repository, and in its git history after it is deleted.',
      'Whoever reads any of them can call the API as you: scrapers find AWS and Stripe keys in public commits within minutes, and a fallback like `process.env.JWT_SECRET || "dev-secret"` lets anyone who reads the code forge a session for any user the day the variable goes missing.',
    ].join(' '),
    explanation: [
      'A credential written in the source is shared with everyone who can read the code, now and for ever:',
      'every clone, fork and laptop, the CI logs, the container image, the bundle shipped to browsers, backups, and the git history, which keeps it after the line is deleted.',
      'Bots scan public commits for AWS, Stripe and GitHub key formats and use them within minutes; a private repository only narrows that to every contractor, former employee and leaked laptop.',
      '',
      'A fallback is the same leak with a delay: `jwt.sign(payload, process.env.JWT_SECRET || "dev-secret")` works in production until the variable is missing from one deploy,',
      'and from then on anyone who has read the code can sign a token for any user id and log in as them. The fallback also hides the misconfiguration, because nothing fails.',
      '',
      'The key cannot be rotated without a deploy, every environment shares it, and nobody can tell who has used it.',
    ].join('\n'),
    shortFix: [
      'Read the secret from the environment or a secret manager, and fail at start-up when it is missing.',
      'Revoke and rotate the key that was committed: it is in the history even after the line is gone.',
    ].join('\n'),
    fix: [
      '- Read the secret from the environment or a secret manager (AWS Secrets Manager, Vault, Doppler, your platform\'s secrets) at start-up.',
      '- Fail fast when it is missing instead of falling back: `const secret = process.env.JWT_SECRET; if (!secret) throw new Error("JWT_SECRET is not set");`, or a schema over the environment (zod, envalid).',
      '- Revoke and rotate the committed key with its provider: deleting the line does not remove it from git history, forks or images.',
      '- For local development, keep values in an untracked `.env` file and commit a `.env.example` with placeholders.',
    ].join('\n'),
    notFlagged: [
      'Placeholders: `""`, `changeme`, `xxx`, `***`, `<your-key>`, `your-api-key`, `${TEMPLATE}`, values saying example/placeholder/dummy/sample/fake/redacted, Stripe test-mode and publishable keys (`sk_test_`, `pk_`), and the AWS documentation\'s example key. They are counted, not reported.',
      'Secret-named values that do not look random (`password: "Password reset"`, `tokenType: "bearer"`, URLs, paths, single words) unless they are the fallback of a secret read from the environment or the secret parameter of a library (`jwt.sign`, `express-session`\'s `secret`, `crypto.createHmac`).',
      'Names that only mention a secret: `tokenPrefix`, `passwordResetUrl`, `publicKey`, `publishableKey`, `testPassword`.',
      'Test code (test files and folders, fixtures, mocks, stories), as everywhere in Preflight.',
      'Fallbacks of variables that are not secrets (`process.env.PORT || "3000"`).',
      'Connection URLs to this machine (`postgres://postgres:postgres@localhost/app`) or with a stand-in password (`password`, `${DB_PASSWORD}`, the user name again).',
      'Keys that providers publish for browsers: PostHog project keys (`phc_`), Stripe publishable keys (`pk_`), Google Analytics ids.',
    ],
    examples: [
      {
        bad: ["import jwt from 'jsonwebtoken';", '', 'export function sign(userId: string) {', "  return jwt.sign({ sub: userId }, process.env.JWT_SECRET || 'dev-secret');", '}'].join('\n'),
        good: [
          "import jwt from 'jsonwebtoken';",
          '',
          'const secret = process.env.JWT_SECRET;',
          "if (!secret) throw new Error('JWT_SECRET is not set');",
          '',
          'export function sign(userId: string) {',
          '  return jwt.sign({ sub: userId }, secret);',
          '}',
        ].join('\n'),
      },
    ],
  },
  create(context) {
    if (isConventionalTestFile(context.sourceFile.getFilePath())) return {};
    return {
      onFileEnd: () => {
        for (const { literal, secret } of hardcodedSecretsOf(context.facts)) report(literal, secret, context);
      },
    };
  },
});

/** Folders that only hold test code, whatever the project calls its own test folders. */
const TEST_ONLY_FOLDERS: ReadonlySet<string> = new Set(['__tests__', '__mocks__', '__fixtures__']);

/**
 * A test file by its name (`*.test.*`, `*.spec.*`, `*.stories.*`, `__mocks__/`):
 * its fake keys stay out even when the configuration has test code analysed.
 */
function isConventionalTestFile(file: string): boolean {
  const segments = file.split(/[\\/]/);
  return isTestFileName(segments.at(-1) ?? '') || segments.slice(0, -1).some((segment) => TEST_ONLY_FOLDERS.has(segment));
}

function report(literal: Node, secret: HardcodedSecret, context: RuleContext): void {
  context.report({ node: literal, message: messageFor(secret) });
}

/** The message names what the secret is and its length, never its value (a provider's public prefix at most). */
export function messageFor(secret: HardcodedSecret): string {
  const shape = secret.prefix ? `${secret.prefix}…, ${secret.length} characters` : `${secret.length} characters`;
  const evidence = secret.evidence;
  switch (evidence.kind) {
    case 'format':
      return `${capitalise(evidence.format)} (${shape}) is written in the source: anyone who can read the code, its history or its build can use it. Move it to the environment or a secret manager and rotate it.`;
    case 'parameter':
      return `${capitalise(evidence.what)} is a literal (${shape}): anyone who can read the code can forge what it protects. Read it from the environment and rotate it.`;
    case 'fallback':
      return `When ${evidence.variable} is unset, a secret written in the source (${shape}) is used instead: anyone who has read the code can forge what it protects. Fail at start-up instead of falling back.`;
    case 'named':
      return `\`${evidence.name}\` is a credential written in the source (${shape}): anyone who can read the code, its history or its build can use it. Move it to the environment or a secret manager and rotate it.`;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
