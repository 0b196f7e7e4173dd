import { Node, SyntaxKind, ts } from 'ts-morph';
import { wrapCompilerNode } from '../parse/node-index';
import type { FileFacts } from './index';
import { isTransparentWrapper } from './syntax';
import { moduleChain } from './logging';
import { moduleImports } from './imports';
import {
  CREDENTIALS_IN_URL,
  ENVIRONMENT_OBJECTS,
  LOCAL_HOSTS,
  STAND_IN_PASSWORDS,
  MIN_CHARACTER_CLASSES,
  MIN_SECRET_ENTROPY,
  MIN_SECRET_LENGTH,
  PLACEHOLDER_VALUES,
  PUBLIC_KEY_FORMATS,
  REPEATED_CHARACTER_RUN,
  SECRET_PARAMETERS,
  TOKEN_FORMATS,
} from './tables/token-formats';
import { NON_SECRET_QUALIFIERS, SECRET_NAME_ENDINGS } from './tables/sensitive-names';

/** A name split into lower-case words: `apiKey`, `API_KEY`, `x-api-key` → `api key` (with `x` first for the last). */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** The name ends with one of `endings` (each one or more words): `resetToken` ends with `token`, `tokenPrefix` does not. */
export function nameEndsWith(name: string, endings: readonly string[]): boolean {
  const words = nameWords(name);
  return endings.some((ending) => {
    const tail = ending.split(' ');
    if (tail.length > words.length) return false;
    return tail.every((word, i) => words[words.length - tail.length + i] === word);
  });
}

/** A name of a secret value: `password`, `JWT_SECRET`, `stripeApiKey`, but not `publicKey`, `tokenPrefix` or `testPassword`. */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((word) => NON_SECRET_QUALIFIERS.includes(word))) return false;
  return nameEndsWith(name, SECRET_NAME_ENDINGS);
}

/** The name a value is given where it is written: the variable, property, parameter or assignment target it initialises. */
export function targetNameOf(value: Node): string | undefined {
  let node = value;
  let parent = node.getParent();
  while (parent && (isTransparentWrapper(parent) || Node.isConditionalExpression(parent) || isFallbackOperator(parent))) {
    node = parent;
    parent = node.getParent();
  }
  if (!parent) return undefined;
  if ((Node.isVariableDeclaration(parent) || Node.isPropertyDeclaration(parent) || Node.isParameterDeclaration(parent)) && parent.getInitializer() === node) {
    return nameText(parent.getNameNode());
  }
  if (Node.isBindingElement(parent) && parent.getInitializer() === node) return (parent.getPropertyNameNode() ?? parent.getNameNode()).getText();
  if (Node.isPropertyAssignment(parent) && parent.getInitializer() === node) return nameText(parent.getNameNode());
  if (Node.isBinaryExpression(parent) && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken && parent.getRight() === node) {
    return nameText(parent.getLeft());
  }
  return undefined;
}

function isFallbackOperator(node: Node): boolean {
  if (!Node.isBinaryExpression(node)) return false;
  const kind = node.getOperatorToken().getKind();
  return kind === SyntaxKind.BarBarToken || kind === SyntaxKind.QuestionQuestionToken;
}

/** The last name of a name-like node: `apiKey`, `'api-key'`, `config.apiKey`, `headers['x-api-key']`. */
export function nameText(node: Node): string | undefined {
  if (Node.isIdentifier(node) || Node.isPrivateIdentifier(node)) return node.getText().replace(/^#/, '');
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isPropertyAccessExpression(node)) return node.getName();
  if (Node.isElementAccessExpression(node)) {
    const argument = node.getArgumentExpression();
    return argument ? nameText(argument) : undefined;
  }
  if (Node.isComputedPropertyName(node)) return nameText(node.getExpression());
  return undefined;
}

/** Why a literal is a hardcoded secret. */
export type SecretEvidence =
  | { kind: 'format'; format: string }
  | { kind: 'parameter'; what: string }
  | { kind: 'fallback'; variable: string }
  | { kind: 'named'; name: string };

export interface HardcodedSecret {
  evidence: SecretEvidence;
  /** The value's length, for messages (the value itself is never shown). */
  length: number;
  /** The value's first characters, shown only for provider formats whose prefix is public (`sk_l`, `AKIA`). */
  prefix?: string;
}

/**
 * How many values in a secret's place the analysis turned down as placeholders
 * in this process; with `PREFLIGHT_DEBUG_SECRET_PLACEHOLDERS=1` each is also
 * written to stderr by location and context (never the value).
 */
export const placeholderRejections = { count: 0 };

/** The value is only a stand-in: empty, `changeme`, `xxx`, `<your-key>`, a test-mode key, the AWS documentation's example. */
export function isPlaceholderSecret(value: string): boolean {
  const trimmed = value.trim();
  return PLACEHOLDER_VALUES.some((pattern) => pattern.test(trimmed)) || REPEATED_CHARACTER_RUN.test(trimmed);
}

/**
 * Whether a string literal is a credential written in the source, and why: a
 * provider's key format; the secret argument of a library (`jwt.sign(p, 'k')`);
 * the fallback of a secret read from the environment (`process.env.JWT_SECRET || 'dev-secret'`,
 * `?? 'dev-secret'`, `const { JWT_SECRET = 'dev' } = process.env`); or a
 * random-looking value given a secret's name (`const apiKey = 'q8Zr…'`).
 * Placeholders are not.
 */
export function hardcodedSecretIn(literal: Node, facts: FileFacts): HardcodedSecret | undefined {
  if (!Node.isStringLiteral(literal) && !Node.isNoSubstitutionTemplateLiteral(literal)) return undefined;
  const value = literal.getLiteralValue();
  if (PUBLIC_KEY_FORMATS.some((pattern) => pattern.test(value.trim()))) return undefined;
  const evidence = secretEvidence(literal, value, facts);
  if (!evidence) return undefined;
  if (isPlaceholderSecret(value) || (evidence.kind === 'format' && /EXAMPLE/.test(value))) {
    notePlaceholder(literal, evidence);
    return undefined;
  }
  return { evidence, length: value.length, ...(evidence.kind === 'format' ? { prefix: value.trim().slice(0, 4) } : {}) };
}

function secretEvidence(literal: Node, value: string, facts: FileFacts): SecretEvidence | undefined {
  const format = TOKEN_FORMATS.find((candidate) => candidate.pattern.test(value));
  if (format) return { kind: 'format', format: format.name };
  if (hasPasswordInUrl(value)) return { kind: 'format', format: 'a password in a connection URL' };
  if (isInTypePosition(literal)) return undefined;
  const parameter = secretParameterOf(literal, facts);
  if (parameter) return { kind: 'parameter', what: parameter };
  const fallback = environmentFallbackOf(literal);
  if (fallback) return { kind: 'fallback', variable: fallback };
  const name = targetNameOf(literal);
  if (name && isSecretName(name) && (looksRandom(value) || isPlaceholderSecret(value))) return { kind: 'named', name };
  return undefined;
}

/** A URL that carries a real-looking password for a host other than this machine. */
function hasPasswordInUrl(value: string): boolean {
  if (!value.includes('://') || !value.includes('@')) return false;
  const match = CREDENTIALS_IN_URL.exec(value);
  if (!match) return false;
  const [, user, password, host] = match as unknown as [string, string, string, string];
  if (LOCAL_HOSTS.includes(host.toLowerCase())) return false;
  if (password === user || STAND_IN_PASSWORDS.includes(password.toLowerCase()) || /[${}<>]|%[A-Z_]+%/.test(password)) return false;
  return !isPlaceholderSecret(password);
}

/** A literal type (`type Kind = 'token'`), an import specifier or an enum member's name is no value. */
function isInTypePosition(literal: Node): boolean {
  const parent = literal.getParent();
  return parent !== undefined && (Node.isLiteralTypeNode(parent) || Node.isImportDeclaration(parent) || Node.isExportDeclaration(parent) || Node.isExternalModuleReference(parent));
}

/** Random enough to be a key rather than a word or a message: long, of mixed characters, with few repeats, and no spaces. */
export function looksRandom(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || /\s/.test(value)) return false;
  if (isWordLike(value)) return false;
  if (/^(?:https?|wss?|file|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis):\/\//i.test(value) && !/:[^/@:]+@/.test(value)) return false;
  if (/^[./~]|\/\w+\//.test(value) && !/[+=]/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(value)).length;
  return classes >= MIN_CHARACTER_CLASSES && shannonEntropy(value) >= MIN_SECRET_ENTROPY;
}

/**
 * Words and numbers joined by punctuation, as names, codes and design tokens
 * are (`auth/invalid_access_token`, `--color-run-pending`, `text-charcoal-500`):
 * no part mixes letters with digits, as generated keys do.
 */
function isWordLike(value: string): boolean {
  return /^[-_./:@#]*(?:[A-Za-z]+|\d+)(?:[-_./:@#]+(?:[A-Za-z]+|\d+))*[-_./:@#]*$/.test(value);
}

export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** The secret a library parameter takes, when the literal is passed there: `jwt.sign(payload, 'k')`, `session({ secret: 'k' })`. */
function secretParameterOf(literal: Node, facts: FileFacts): string | undefined {
  let argument: Node = literal;
  let option: string | undefined;
  let parent = argument.getParent();
  if (parent && Node.isPropertyAssignment(parent)) {
    option = nameText(parent.getNameNode());
    const object = parent.getParent();
    if (!object || !Node.isObjectLiteralExpression(object)) return undefined;
    argument = object;
    parent = object.getParent();
  }
  if (!parent || (!Node.isCallExpression(parent) && !Node.isNewExpression(parent))) return undefined;
  const index = parent.getArguments().indexOf(argument);
  if (index < 0) return undefined;
  // Resolving the callee is the costly part: only for a callee named as one of the parameters' functions.
  const calleeName = nameText(parent.getExpression());
  const candidates = SECRET_PARAMETERS.filter(
    (candidate) => candidate.argument === index && candidate.option === option && (Node.isIdentifier(parent.getExpression()) ? candidate.path.length <= 1 : candidate.path.at(-1) === calleeName),
  );
  const imported = importedModules(facts);
  if (!candidates.some((candidate) => imported.has(candidate.module))) return undefined;
  const chain = moduleChain(facts.origin(parent.getExpression()));
  if (!chain) return undefined;
  const parameter = candidates.find(
    (candidate) =>
      candidate.module === chain.module &&
      candidate.path.length === chain.members.length &&
      candidate.path.every((member, i) => chain.members[i] === member),
  );
  return parameter?.what;
}

function importedModules(facts: FileFacts): ReadonlySet<string> {
  return facts.memo('secrets.imported-modules', () => new Set(moduleImports(facts).map((imported) => imported.module)));
}

/**
 * The environment variable a literal stands in for when it is unset, if that
 * variable (or what the value is assigned to) holds a secret:
 * `process.env.JWT_SECRET || 'dev'`, `env.SESSION_KEY ?? 'k'` where the target is named as a secret,
 * `const { JWT_SECRET = 'dev' } = process.env`.
 */
function environmentFallbackOf(literal: Node): string | undefined {
  const parent = literal.getParent();
  if (parent && isFallbackOperator(parent) && Node.isBinaryExpression(parent) && parent.getRight() === literal) {
    const variable = environmentVariableRead(parent.getLeft());
    if (variable === undefined) return undefined;
    const target = targetNameOf(parent);
    return isSecretName(variable) || (target !== undefined && isSecretName(target)) ? variable : undefined;
  }
  if (parent && Node.isBindingElement(parent) && parent.getInitializer() === literal) {
    const pattern = parent.getParent();
    const declaration = pattern?.getParent();
    if (!declaration || !Node.isVariableDeclaration(declaration)) return undefined;
    const source = declaration.getInitializer();
    const variable = (parent.getPropertyNameNode() ?? parent.getNameNode()).getText();
    return source && isEnvironmentObject(source) && isSecretName(variable) ? variable : undefined;
  }
  return undefined;
}

/** `process.env.X`, `process.env['X']`, `import.meta.env.X`: the variable's name. */
export function environmentVariableRead(node: Node): string | undefined {
  let current = node;
  while (isTransparentWrapper(current)) current = (current as Node & { getExpression(): Node }).getExpression();
  if (!Node.isPropertyAccessExpression(current) && !Node.isElementAccessExpression(current)) return undefined;
  return isEnvironmentObject(current.getExpression()) ? nameText(current) : undefined;
}

function isEnvironmentObject(node: Node): boolean {
  return ENVIRONMENT_OBJECTS.includes(node.getText().replace(/\s+/g, ''));
}

function notePlaceholder(literal: Node, evidence: SecretEvidence): void {
  placeholderRejections.count += 1;
  if (!process.env.PREFLIGHT_DEBUG_SECRET_PLACEHOLDERS) return;
  process.stderr.write(`preflight: placeholder rejected ${literal.getSourceFile().getFilePath()}:${literal.getStartLineNumber()} (${evidence.kind})\n`);
}

/**
 * The file's string literals that can be hardcoded secrets, found on the
 * compiler's nodes before any is wrapped (a file has thousands of literals;
 * wrapping each costs more than the question): a value in a provider's
 * format, or one whose place can make it a secret (a secret-named target,
 * an environment fallback, an argument of a call in a file that imports a
 * library with a secret parameter).
 */
export function hardcodedSecretsOf(facts: FileFacts): { literal: Node; secret: HardcodedSecret }[] {
  const found: { literal: Node; secret: HardcodedSecret }[] = [];
  const takesSecretArguments = SECRET_PARAMETERS.some((parameter) => importedModules(facts).has(parameter.module));
  for (const kind of [SyntaxKind.StringLiteral, SyntaxKind.NoSubstitutionTemplateLiteral]) {
    for (const compiler of facts.nodes.compilerNodesOfKind(kind)) {
      if (!mayBeSecretLiteral(compiler as ts.StringLiteralLike, takesSecretArguments)) continue;
      const literal = wrapCompilerNode(facts.sourceFile, compiler);
      const secret = hardcodedSecretIn(literal, facts);
      if (secret) found.push({ literal, secret });
    }
  }
  return found.sort((a, b) => a.literal.getStart() - b.literal.getStart());
}

function mayBeSecretLiteral(literal: ts.StringLiteralLike, takesSecretArguments: boolean): boolean {
  const value = literal.text;
  if (TOKEN_FORMATS.some((format) => format.pattern.test(value)) || hasPasswordInUrl(value)) return true;
  let node: ts.Node = literal;
  let parent = node.parent;
  while (parent && (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent) || ts.isNonNullExpression(parent) || ts.isConditionalExpression(parent) || isCompilerFallback(parent))) {
    if (isCompilerFallback(parent)) return true;
    node = parent;
    parent = node.parent;
  }
  if (!parent) return false;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent) || ts.isObjectLiteralElementLike(parent)) {
    if (takesSecretArguments) return true;
  }
  const name = compilerTargetName(parent);
  return name !== undefined && isSecretName(name);
}

function isCompilerFallback(node: ts.Node): boolean {
  return ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.BarBarToken || node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken);
}

function compilerTargetName(parent: ts.Node): string | undefined {
  if (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isParameter(parent) || ts.isPropertyAssignment(parent) || ts.isBindingElement(parent)) {
    const name = ts.isBindingElement(parent) && parent.propertyName ? parent.propertyName : parent.name;
    return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name) ? name.text : undefined;
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = parent.left;
    if (ts.isIdentifier(left)) return left.text;
    if (ts.isPropertyAccessExpression(left)) return left.name.text;
    if (ts.isElementAccessExpression(left) && ts.isStringLiteral(left.argumentExpression)) return left.argumentExpression.text;
  }
  return undefined;
}
