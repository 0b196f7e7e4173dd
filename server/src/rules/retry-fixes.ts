import { isTypeScriptPath } from '../parse/project';
import * as path from 'node:path';
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { FileFacts } from '../facts';
import { defaultImportName, namedImportName } from '../facts/imports';
import { majorVersionOf, owningPackageOf, shippedDependency, type OwningPackage } from '../facts/packages';
import { existingFile, helperModuleFolder, relativeSpecifier } from '../facts/project-layout';
import { ASYNC_RETRY, AXIOS_RETRY, COCKATIEL, FAILURE_STATUS_PATHS, P_RETRY } from '../facts/tables/retry-policies';
import { addDefaultImport, isCommonJs } from '../edits/default-import';
import { addNamedImport, addNamedImports } from '../edits/named-import';
import { insertStatementAfter, statementEnd } from '../edits/insert-statement';
import { newlineOf } from '../edits/layout';
import { addDependency } from '../edits/package-dependency';
import type { FileChange, Fix, TextEdit } from '../engine/finding';
import { HELPER_MARKER, RETRY_HELPER_BASENAME, RETRY_HELPER_NAME, retryHelperSource } from './retry-helper-module';
import { importDeclarationsOf } from '../facts/syntax';

const RETRIES = 3;

/** An awaited call that a retry fix wraps, and how its client reports an error status. */
export interface RetryTarget {
  call: CallExpression;
  /** The http-clients id or network-client module, to find where a rejection carries its status. */
  client: string | undefined;
  /** The creation of the HTTP client instance the call goes through (`axios.create(...)`), when the file has it. */
  instanceCreation?: CallExpression;
  /** The call's text as the fix writes it inside the retry, when another edit rewrites it too (an idempotency key header). */
  callText?: string;
}

/** The call as it is wrapped: its own text, or the rewritten text of a fix that also changes it. */
interface WrappedCall {
  node: CallExpression;
  text: string;
}

/**
 * The retry fixes for an awaited call: with the retry library the package
 * already has (axios-retry on the call's axios instance, p-retry, cockatiel,
 * async-retry); when it has none it can use, adding p-retry, or a
 * `withRetry` helper module created once per package (or reused). Every
 * form retries a few times with exponential backoff and jitter, and never a
 * 4xx. Empty for a call that is not awaited: its promise may be used in ways a wrapper would change.
 */
export function retryFixesFor(target: RetryTarget, facts: FileFacts): Fix[] {
  if (!Node.isAwaitExpression(target.call.getParent())) return [];
  const status = FAILURE_STATUS_PATHS.find((entry) => entry.client === target.client)?.path;
  const call: WrappedCall = { node: target.call, text: target.callText ?? target.call.getText() };
  // package.json is read once for all the fixes of the call.
  const owner = owningPackageOf(facts.sourceFile);
  const withLibrary =
    axiosRetryFix(target, facts, owner) ?? existingPRetryFix(call, facts, status, owner) ?? cockatielFix(call, facts, status, owner) ?? asyncRetryFix(call, facts, status, owner);
  if (withLibrary) return [withLibrary];
  const canAddPRetry = !defaultImportName(facts, P_RETRY.module) && !owner?.manifest.dependencies.some((dependency) => dependency.name === P_RETRY.module);
  return [canAddPRetry ? addPRetryFix(call, facts, status, owner) : undefined, helperFix(call, facts, owner)].filter((fix): fix is Fix => fix !== undefined);
}

// ---------------------------------------------------------------------------
// p-retry

/** The p-retry fix when the file imports p-retry or its package depends on it (and the file can load it). */
function existingPRetryFix(call: WrappedCall, facts: FileFacts, status: readonly string[] | undefined, owner: OwningPackage | undefined): Fix | undefined {
  const imported = defaultImportName(facts, P_RETRY.module);
  const dependency = shippedDependency(owner?.manifest, P_RETRY.module);
  if (!imported && !dependency) return undefined;
  const major = dependency ? majorVersionOf(dependency.version) : undefined;
  const commonJs = isCommonJs(facts.sourceFile);
  // `require` of an ES-module-only p-retry needs Node's require(esm) and `.default`: leave it to the author.
  if (!imported && commonJs && (major === undefined || major >= P_RETRY.esmOnlySince)) return undefined;
  const name = imported ?? freeName(facts, P_RETRY.localName);
  if (!name) return undefined;
  const edits: TextEdit[] = [wrapped(call, name, [pRetryOptions(facts, major, status)])];
  if (!imported) edits.push(addDefaultImport(facts.sourceFile, name, P_RETRY.module));
  return { title: `Wrap in a retry (p-retry: ${RETRIES} retries, exponential backoff with jitter)`, edits };
}

/** p-retry added to package.json and imported: the fix for a package without a retry library. */
function addPRetryFix(call: WrappedCall, facts: FileFacts, status: readonly string[] | undefined, owner: OwningPackage | undefined): Fix | undefined {
  const name = freeName(facts, P_RETRY.localName);
  if (!owner || !name) return undefined;
  const commonJs = isCommonJs(facts.sourceFile);
  const version = commonJs ? P_RETRY.addedVersion.commonJs : P_RETRY.addedVersion.esm;
  const manifestEdits = addDependency(owner.manifest.file, owner.text, P_RETRY.module, version);
  if (!manifestEdits) return undefined;
  return {
    title: `Add p-retry to package.json and wrap in a retry (${RETRIES} retries, exponential backoff with jitter)`,
    edits: [wrapped(call, name, [pRetryOptions(facts, majorVersionOf(version), status)]), addDefaultImport(facts.sourceFile, name, P_RETRY.module)],
    files: [{ file: owner.manifest.file, edits: manifestEdits }],
  };
}

/**
 * `{ retries: 3, randomize: true }`, and for a client that rejects on an
 * error status, the option that stops at a 4xx other than 429, in the form
 * the installed major version takes (latest when it is not known).
 */
function pRetryOptions(facts: FileFacts, major: number | undefined, status: readonly string[] | undefined): string {
  const base = `retries: ${RETRIES}, randomize: true`;
  if (!status) return `{ ${base} }`;
  const read = `const status = ${statusRead(facts, status)};`;
  const version = major ?? Number.POSITIVE_INFINITY;
  if (version < P_RETRY.predicateSince.shouldRetryError) {
    return `{ ${base}, onFailedAttempt: (error) => { ${read} if (status !== undefined && status < 500 && status !== 429) throw error; } }`;
  }
  const parameter = version < P_RETRY.predicateSince.shouldRetryContext ? '(error)' : '({ error })';
  return `{ ${base}, shouldRetry: ${parameter} => { ${read} return status === undefined || status >= 500 || status === 429; } }`;
}

/** `error.response?.status`, cast in TypeScript to the shape it reads (the libraries type the error as `Error`). */
function statusRead(facts: FileFacts, status: readonly string[]): string {
  const chained = status.join('?.');
  if (!isTypeScript(facts)) return `error.${chained}`;
  const shape = status.reduceRight((inner, key) => `{ ${key}?: ${inner} }`, 'number');
  return `(error as Error & ${shape}).${chained}`;
}

// ---------------------------------------------------------------------------
// axios-retry and cockatiel

/**
 * `axiosRetry(client, { retries: 3, retryDelay: axiosRetry.exponentialDelay })` after the
 * creation of the axios instance the call goes through: every call through it retries.
 * Not in a CommonJS file that does not load axios-retry yet (its CommonJS export shape changed between majors).
 */
function axiosRetryFix(target: RetryTarget, facts: FileFacts, owner: OwningPackage | undefined): Fix | undefined {
  const creation = target.instanceCreation;
  if (target.client !== AXIOS_RETRY.client || !creation) return undefined;
  const imported = defaultImportName(facts, AXIOS_RETRY.module);
  if (!imported && (!shippedDependency(owner?.manifest, AXIOS_RETRY.module) || isCommonJs(facts.sourceFile))) return undefined;
  const declaration = creation.getParent();
  const statement = Node.isVariableDeclaration(declaration) ? declaration.getVariableStatement() : undefined;
  const client = Node.isVariableDeclaration(declaration) ? declaration.getNameNode() : undefined;
  if (!statement || !client || !Node.isIdentifier(client)) return undefined;
  const name = imported ?? freeName(facts, AXIOS_RETRY.localName);
  if (!name) return undefined;
  const edits = [insertStatementAfter(statement, `${name}(${client.getText()}, { retries: ${RETRIES}, retryDelay: ${name}.exponentialDelay })`)];
  if (!imported) edits.push(addDefaultImport(facts.sourceFile, name, AXIOS_RETRY.module));
  return { title: `Retry every call through \`${client.getText()}\` (axios-retry: ${RETRIES} retries, exponential backoff)`, edits };
}

/**
 * `await retryPolicy.execute(() => call)` with the file's cockatiel retry
 * policy, or with one the fix adds after the imports:
 * `retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() })`, handling
 * only transient failures of a client that rejects on an error status.
 */
function cockatielFix(call: WrappedCall, facts: FileFacts, status: readonly string[] | undefined, owner: OwningPackage | undefined): Fix | undefined {
  const policy = cockatielPolicyName(facts);
  if (!policy && !shippedDependency(owner?.manifest, COCKATIEL.module)) return undefined;
  const title = `Wrap in a retry (cockatiel: ${RETRIES} retries, exponential backoff with jitter)`;
  if (policy) return { title, edits: [replaceCall(call, `${policy}.execute(() => ${call.text})`)] };
  const names = [COCKATIEL.policyName, 'retry', 'ExponentialBackoff', status ? 'handleWhen' : 'handleAll'];
  if (names.some((name) => !freeName(facts, name)) || isCommonJs(facts.sourceFile)) return undefined;
  const handler = status ? `handleWhen((error) => { const status = ${statusRead(facts, status)}; return status === undefined || status >= 500 || status === 429; })` : 'handleAll';
  const definition = `const ${COCKATIEL.policyName} = retry(${handler}, { maxAttempts: ${RETRIES}, backoff: new ExponentialBackoff() })`;
  const wrap = replaceCall(call, `${COCKATIEL.policyName}.execute(() => ${call.text})`);
  const imports = addNamedImports(facts.sourceFile, names.slice(1), COCKATIEL.module);
  const lastImport = importDeclarationsOf(facts.sourceFile).at(-1);
  const importsCockatiel = importDeclarationsOf(facts.sourceFile).some((declaration) => declaration.getModuleSpecifierValue() === COCKATIEL.module);
  if (importsCockatiel && lastImport) {
    return { title, edits: [...(imports ? [imports] : []), insertStatementAfter(lastImport, definition), wrap] };
  }
  if (!imports) return undefined;
  // A new import and the policy that uses it, as one edit so that they stay in order.
  const newline = newlineOf(facts.sourceFile.getFullText());
  const line = `${definition}${statementEnd(facts.sourceFile)}`;
  const edit = imports.newText.startsWith(newline) ? { ...imports, newText: `${imports.newText}${newline}${line}` } : { ...imports, newText: `${imports.newText.trimEnd()}${newline}${line}${newline}${newline}` };
  return { title, edits: [edit, wrap] };
}

/** A top-level variable holding a retry policy cockatiel built (`const policy = retry(handleAll, {...})`). */
function cockatielPolicyName(facts: FileFacts): string | undefined {
  for (const statement of facts.sourceFile.getVariableStatements()) {
    for (const declaration of statement.getDeclarations()) {
      const initializer = declaration.getInitializer();
      if (!initializer || !Node.isCallExpression(initializer) || !Node.isIdentifier(declaration.getNameNode())) continue;
      const origin = facts.origin(initializer.getExpression());
      if (origin.kind === 'module' && origin.module === COCKATIEL.module && origin.path.length === 1 && (COCKATIEL.builders as readonly string[]).includes(origin.path[0]!)) return declaration.getName();
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// async-retry

/** `await retry(() => call, { retries: 3 })` with async-retry (jittered exponential backoff by default), when the file or package has it. */
function asyncRetryFix(call: WrappedCall, facts: FileFacts, status: readonly string[] | undefined, owner: OwningPackage | undefined): Fix | undefined {
  const imported = defaultImportName(facts, ASYNC_RETRY.module);
  if (!imported && !shippedDependency(owner?.manifest, ASYNC_RETRY.module)) return undefined;
  const name = imported ?? freeName(facts, ASYNC_RETRY.localName);
  if (!name) return undefined;
  const wrappedText = status
    ? `${name}((bail) => ${call.text}.catch((error) => { const status = ${statusRead(facts, status)}; if (status !== undefined && status < 500 && status !== 429) bail(error); throw error; }), { retries: ${RETRIES} })`
    : `${name}(() => ${call.text}, { retries: ${RETRIES} })`;
  const edits: TextEdit[] = [replaceCall(call, wrappedText)];
  if (!imported) edits.push(addDefaultImport(facts.sourceFile, name, ASYNC_RETRY.module));
  return { title: `Wrap in a retry (async-retry: ${RETRIES} retries, exponential backoff with jitter)`, edits };
}

// ---------------------------------------------------------------------------
// The project's own withRetry helper

/**
 * `await withRetry(() => call)`, importing the package's retry helper module
 * (created by this fix, once per package, in the caller's language and module style).
 */
function helperFix(call: WrappedCall, facts: FileFacts, owner: OwningPackage | undefined): Fix | undefined {
  const sourceFile = facts.sourceFile;
  const style = moduleStyle(facts);
  const folder = helperModuleFolder(sourceFile, owner);
  const candidates = style.extensions.map((extension) => path.posix.join(folder, `${RETRY_HELPER_BASENAME}${extension}`));
  const existing = existingFile(sourceFile, candidates);
  if (existing && !existing.text.includes(HELPER_MARKER)) return undefined;
  const helperPath = existing?.file ?? candidates[0]!;
  const specifier = relativeSpecifier(sourceFile, helperPath, style.esmJavaScript);
  const imported = namedImportName(facts, specifier, RETRY_HELPER_NAME);
  const name = imported ?? (freeName(facts, RETRY_HELPER_NAME) === RETRY_HELPER_NAME ? RETRY_HELPER_NAME : undefined);
  if (!name) return undefined;
  const edits: TextEdit[] = [wrapped(call, name)];
  if (!imported) edits.push(addNamedImport(sourceFile, name, specifier));
  const relative = path.posix.relative(owner?.manifest.dir ?? path.posix.dirname(sourceFile.getFilePath()), helperPath);
  const files: FileChange[] = existing ? [] : [{ file: helperPath, create: retryHelperSource({ typed: style.typed, commonJs: style.commonJs, newline: newlineOf(sourceFile.getFullText()) }) }];
  const title = existing
    ? `Wrap in a retry with the project's withRetry helper (${relative})`
    : `Wrap in a retry with a new withRetry helper (creates ${relative}: ${RETRIES} attempts, exponential backoff with jitter)`;
  return { title, edits, files };
}

interface ModuleStyle {
  typed: boolean;
  commonJs: boolean;
  /** An ES module in JavaScript: its relative imports need the file extension. */
  esmJavaScript: boolean;
  /** The helper's extensions, preferred first; a TypeScript file can import a JavaScript helper, not the reverse. */
  extensions: string[];
}

function moduleStyle(facts: FileFacts): ModuleStyle {
  const extension = path.posix.extname(facts.sourceFile.getFilePath());
  const typed = isTypeScript(facts);
  const commonJs = !typed && isCommonJs(facts.sourceFile);
  const own = extension === '.mjs' || extension === '.cjs' ? extension : typed ? '.ts' : '.js';
  const extensions = typed ? ['.ts', '.js', '.mjs'] : [own];
  return { typed, commonJs, esmJavaScript: !typed && !commonJs, extensions };
}

/** `callee(() => <call>, ...rest)` in place of the call. */
function wrapped(call: WrappedCall, callee: string, trailingArguments: readonly string[] = []): TextEdit {
  return replaceCall(call, `${callee}(() => ${call.text}${trailingArguments.map((argument) => `, ${argument}`).join('')})`);
}

function replaceCall(call: WrappedCall, newText: string): TextEdit {
  return { start: call.node.getStart(), end: call.node.getEnd(), newText };
}

function isTypeScript(facts: FileFacts): boolean {
  return isTypeScriptPath(facts.sourceFile.getFilePath());
}

/** `preferred` when no identifier of the file uses it yet (so an added import cannot clash), else undefined. */
function freeName(facts: FileFacts, preferred: string): string | undefined {
  return facts.nodes.ofKind(SyntaxKind.Identifier).some((identifier) => identifier.getText() === preferred) ? undefined : preferred;
}
