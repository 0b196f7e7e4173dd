import { Node, SyntaxKind, type CallExpression, type NewExpression, type ObjectLiteralExpression } from 'ts-morph';
import type { FileFacts } from './index';
import { samePath, valueSymbol } from './origin';
import { literalPrefixOf } from './literals';
import { moduleImports } from './imports';
import { routeRegistrations, functionsReachableFrom } from './routes';
import { unwrapExpression } from './syntax';
import {
  DISK_STORAGE_ENGINES,
  DISK_UPLOAD_OPTIONS,
  FILE_MOVE_METHODS,
  FILE_WRITE_MODULES,
  MULTIPART_STREAM_MODULES,
  MULTIPART_MIDDLEWARE_MODULES as MIDDLEWARE_PARSERS,
  REQUEST_DATA_DECORATORS,
  TEMPORARY_FOLDERS,
  type FileWriteFunction,
} from './tables/upload-storage';

/**
 * Where uploads or user data go to the server's own disk:
 * - `upload-config`: an upload library configured with a local folder (multer `dest`, formidable `uploadDir`);
 * - `disk-storage`: a storage engine that writes to disk (multer `diskStorage(...)`);
 * - `stream-to-disk`: a streamed upload piped into `fs.createWriteStream` (busboy's `file` event);
 * - `request-data-write`: an `fs` write whose path or data comes from the request.
 */
export interface LocalUploadWrite {
  node: Node;
  kind: 'upload-config' | 'disk-storage' | 'stream-to-disk' | 'request-data-write';
  /** The library or `fs` function, for messages. */
  what: string;
}

/** Upload configurations and storage engines that keep files on local disk, anywhere in the file. */
export function diskUploadConfigs(facts: FileFacts): LocalUploadWrite[] {
  return facts.memo('upload-storage.diskUploadConfigs', () => {
    const text = facts.sourceFile.getFullText();
    if (!text.includes('multer') && !text.includes('formidable')) return [];
    const found: LocalUploadWrite[] = [];
    const candidates: (CallExpression | NewExpression)[] = [...facts.nodes.ofKind(SyntaxKind.CallExpression), ...facts.nodes.ofKind(SyntaxKind.NewExpression)];
    for (const call of candidates) {
      const origin = facts.origin(call.getExpression());
      if (origin.kind !== 'module') continue;
      const engine = DISK_STORAGE_ENGINES.find((candidate) => candidate.module === origin.module && samePath(candidate.path, origin.path));
      if (engine && Node.isCallExpression(call)) {
        if (!isTemporaryFolder(optionsOf(call)?.getProperty(engine.folderOption), facts)) found.push({ node: call, kind: 'disk-storage', what: `${engine.module}.${engine.path.join('.')}()` });
        continue;
      }
      const constructs = Node.isNewExpression(call);
      for (const option of DISK_UPLOAD_OPTIONS) {
        if (option.module !== origin.module || !samePath(option.path, origin.path)) continue;
        if ((option.how === 'call' && constructs) || (option.how === 'construct' && !constructs)) continue;
        const folder = optionsOf(call)?.getProperty(option.option);
        if (folder && !isTemporaryFolder(folder, facts)) found.push({ node: folder, kind: 'upload-config', what: `${option.module} \`${option.option}\`` });
      }
    }
    found.push(...assignedUploadFolders(facts));
    return found;
  });
}

/** The older formidable form: `const form = new IncomingForm(); form.uploadDir = './uploads'`. */
function assignedUploadFolders(facts: FileFacts): LocalUploadWrite[] {
  const found: LocalUploadWrite[] = [];
  for (const assignment of facts.nodes.ofKind(SyntaxKind.BinaryExpression)) {
    const target = assignment.getLeft();
    if (assignment.getOperatorToken().getKind() !== SyntaxKind.EqualsToken || !Node.isPropertyAccessExpression(target)) continue;
    const option = DISK_UPLOAD_OPTIONS.find((candidate) => candidate.option === target.getName() && configuredBy(target.getExpression(), candidate, facts));
    if (option && !isTemporaryPath(assignment.getRight(), facts)) found.push({ node: assignment, kind: 'upload-config', what: `${option.module} \`${option.option}\`` });
  }
  return found;
}

/** True when `receiver` is a variable made by the upload library's configuration call (`new IncomingForm()`). */
function configuredBy(receiver: Node, option: (typeof DISK_UPLOAD_OPTIONS)[number], facts: FileFacts): boolean {
  if (!Node.isIdentifier(receiver)) return false;
  const initializer = initializerOf(receiver);
  const made = initializer ? unwrapExpression(initializer) : undefined;
  if (!made || !(Node.isNewExpression(made) || Node.isCallExpression(made))) return false;
  const origin = facts.origin(made.getExpression());
  return origin.kind === 'module' && origin.module === option.module && samePath(origin.path, option.path);
}

/** A folder option whose value is a scratch folder (`dest: os.tmpdir()`, `destination: (req, file, cb) => cb(null, '/tmp')`): files kept only while the request processes them. */
function isTemporaryFolder(property: Node | undefined, facts: FileFacts): boolean {
  if (!property) return false;
  const value = Node.isPropertyAssignment(property) ? property.getInitializer() : Node.isMethodDeclaration(property) ? property.getBody() : property;
  return value !== undefined && isTemporaryPath(value, facts);
}

function optionsOf(call: CallExpression | NewExpression): ObjectLiteralExpression | undefined {
  const first = call.getArguments()[0];
  const options = first ? unwrapExpression(first) : undefined;
  return options && Node.isObjectLiteralExpression(options) ? options : undefined;
}

/** A file write (`fs.writeFile`, `createWriteStream`, `rename`) of the `fs` family, with the argument that names the path written. */
export function fileWriteOf(call: CallExpression, facts: FileFacts): { write: FileWriteFunction; label: string } | undefined {
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : undefined;
  if (!name || !FILE_WRITE_MODULES.some((entry) => entry.writes.some((write) => write.name === name))) return undefined;
  const origin = facts.origin(callee);
  if (origin.kind !== 'module') return undefined;
  // `fs.promises.writeFile` is `fs/promises`' `writeFile`.
  const [module, path] = origin.path[0] === 'promises' && origin.module === 'fs' ? ['fs/promises', origin.path.slice(1)] : [origin.module, origin.path];
  if (path.length !== 1) return undefined;
  const write = FILE_WRITE_MODULES.find((entry) => entry.module === module)?.writes.find((candidate) => candidate.name === path[0]);
  return write ? { write, label: `${module === 'fs/promises' ? 'fs.promises' : module}.${write.name}` } : undefined;
}

/** `req.files.avatar.mv(path)` of express-fileupload, in a file that uses it: the upload moved to a path on disk. */
export function uploadMoveOf(call: CallExpression, facts: FileFacts): { label: string } | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const move = FILE_MOVE_METHODS.find((candidate) => candidate.method === callee.getName());
  if (!move || !moduleImports(facts).some((use) => use.module === move.module)) return undefined;
  return { label: `${move.module} \`${move.method}()\`` };
}

/** True when `call`, an `fs.createWriteStream(...)`, runs in the `file` event handler of a streaming multipart parser (busboy). */
export function isStreamedUploadWrite(call: CallExpression, facts: FileFacts): boolean {
  const text = facts.sourceFile.getFullText();
  if (!MULTIPART_STREAM_MODULES.some((module) => text.includes(module))) return false;
  return call.getAncestors().some((ancestor) => {
    if (!Node.isCallExpression(ancestor)) return false;
    const callee = ancestor.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'on') return false;
    const [event] = ancestor.getArguments();
    return event !== undefined && literalPrefixOf(event) === 'file' && madeByMultipartParser(callee.getExpression(), facts);
  });
}

function madeByMultipartParser(receiver: Node, facts: FileFacts, depth = 0): boolean {
  if (depth > 4) return false;
  // connect-busboy hangs the parser on the request (`req.busboy`): any `file` event of a file that uses it.
  if (moduleImports(facts).some((use) => MIDDLEWARE_PARSERS.includes(use.module))) return true;
  const origin = facts.origin(receiver);
  if (origin.kind === 'module') return MULTIPART_STREAM_MODULES.includes(origin.module);
  if (origin.kind === 'call') return origin.callee.kind === 'module' && MULTIPART_STREAM_MODULES.includes(origin.callee.module);
  if (origin.kind === 'local' && Node.isVariableDeclaration(origin.declaration)) {
    const initializer = origin.declaration.getInitializer();
    if (initializer && Node.isNewExpression(unwrapExpression(initializer))) {
      const created = facts.origin((unwrapExpression(initializer) as NewExpression).getExpression());
      return created.kind === 'module' && MULTIPART_STREAM_MODULES.includes(created.module);
    }
    return initializer !== undefined && madeByMultipartParser(initializer, facts, depth + 1);
  }
  return false;
}

const MAX_TRACE_DEPTH = 5;

/**
 * True when `expression` is built from the request: it mentions the request
 * parameter of a route handler of this file (`req`, Koa's `ctx`, Fastify's
 * `request`), a Nest parameter that receives part of the request (`@Body()`,
 * `@UploadedFile()`), or a local variable whose value was built from those.
 */
export function isBuiltFromRequest(expression: Node, facts: FileFacts): boolean {
  const requestParameters = requestParametersOf(facts);
  if (requestParameters.size === 0) return false;
  const isSource = (declaration: Node, depth: number): boolean =>
    requestParameters.has(declaration) || receivesFromRequest(declaration, (node) => traces(node, isSource, depth + 1));
  return traces(expression, isSource, 0);
}

/**
 * A parameter of a callback handed to a call together with the request: the
 * `files` of formidable's `form.parse(req, (err, fields, files) => ...)`.
 */
function receivesFromRequest(declaration: Node, fromRequest: (node: Node) => boolean): boolean {
  if (!Node.isParameterDeclaration(declaration)) return false;
  const callback = declaration.getParent();
  const call = callback?.getParent();
  if (!callback || !call || !Node.isCallExpression(call) || !call.getArguments().includes(callback)) return false;
  return call.getArguments().some((argument) => argument !== callback && fromRequest(argument));
}

/** True when the path is a scratch file by design: under `os.tmpdir()` or `/tmp`. */
export function isTemporaryPath(expression: Node, facts: FileFacts): boolean {
  const underTmp = (node: Node): boolean => {
    const prefix = literalPrefixOf(node);
    if (prefix !== undefined && TEMPORARY_FOLDERS.prefixes.some((folder) => prefix === folder || prefix.startsWith(folder))) return true;
    if (!Node.isCallExpression(node)) return false;
    const origin = facts.origin(node.getExpression());
    return origin.kind === 'module' && origin.module === TEMPORARY_FOLDERS.module && samePath(origin.path, TEMPORARY_FOLDERS.path);
  };
  const visit = (node: Node, depth: number): boolean => {
    if (depth > MAX_TRACE_DEPTH) return false;
    if (underTmp(node) || node.getDescendants().some(underTmp)) return true;
    const identifiers = Node.isIdentifier(node) ? [node] : node.getDescendantsOfKind(SyntaxKind.Identifier);
    return identifiers.some((identifier) => {
      const initializer = initializerOf(identifier);
      return initializer !== undefined && visit(initializer, depth + 1);
    });
  };
  return visit(expression, 0);
}

function traces(node: Node, isSource: (declaration: Node, depth: number) => boolean, depth: number): boolean {
  if (depth > MAX_TRACE_DEPTH) return false;
  const identifiers = Node.isIdentifier(node) ? [node] : node.getDescendantsOfKind(SyntaxKind.Identifier);
  return identifiers.some((identifier) => {
    if (isPropertyName(identifier)) return false;
    const declaration = declarationOf(identifier);
    if (!declaration) return false;
    if (isSource(declaration, depth)) return true;
    const initializer = initializerOf(identifier);
    return initializer !== undefined && traces(initializer, isSource, depth + 1);
  });
}

function isPropertyName(identifier: Node): boolean {
  const parent = identifier.getParent();
  return (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) || (Node.isPropertyAssignment(parent) && parent.getNameNode() === identifier);
}

function declarationOf(identifier: Node): Node | undefined {
  if (!Node.isIdentifier(identifier)) return undefined;
  const symbol = valueSymbol(identifier);
  return symbol?.getValueDeclaration() ?? symbol?.getDeclarations()[0];
}

/** The value a local `const`/`let` (or a destructured name) was declared with, in this file. */
function initializerOf(identifier: Node): Node | undefined {
  const declaration = declarationOf(identifier);
  if (!declaration || declaration.getSourceFile() !== identifier.getSourceFile()) return undefined;
  if (Node.isVariableDeclaration(declaration)) {
    // The variable of `for (const file of req.files)` is an element of the list.
    const loop = declaration.getParent()?.getParent();
    if (loop && Node.isForOfStatement(loop)) return loop.getExpression();
    return declaration.getInitializer();
  }
  if (Node.isBindingElement(declaration)) {
    const variable = declaration.getFirstAncestor((ancestor) => Node.isVariableDeclaration(ancestor));
    return variable && Node.isVariableDeclaration(variable) ? variable.getInitializer() : undefined;
  }
  return undefined;
}

/** The parameters of this file's route handlers that hold the request or a part of it. */
function requestParametersOf(facts: FileFacts): ReadonlySet<Node> {
  return facts.memo('upload-storage.requestParameters', () => {
    const found = new Set<Node>();
    for (const registration of routeRegistrations(facts)) {
      for (const handler of registration.handlers) {
        // The first function of the set is the handler's own.
        const [fn] = functionsReachableFrom([handler], facts);
        if (!fn || !('getParameters' in fn)) continue;
        const parameters = (fn as unknown as { getParameters(): Node[] }).getParameters();
        const decorated = parameters.filter((parameter) => Node.isParameterDeclaration(parameter) && parameter.getDecorators().some((decorator) => isRequestDataDecorator(decorator, facts)));
        if (decorated.length > 0) decorated.forEach((parameter) => found.add(parameter));
        else if (parameters[0] && !Node.isMethodDeclaration(fn)) found.add(parameters[0]);
      }
    }
    return found;
  });
}

function isRequestDataDecorator(decorator: Node, facts: FileFacts): boolean {
  if (!Node.isDecorator(decorator)) return false;
  const origin = facts.origin(decorator.getCallExpression()?.getExpression() ?? decorator.getNameNode());
  return origin.kind === 'module' && origin.path.length === 1 && REQUEST_DATA_DECORATORS.some((entry) => entry.module === origin.module && entry.names.includes(origin.path[0]!));
}
