import { Node, SyntaxKind, type CallExpression, type ParameterDeclaration, type SourceFile } from 'ts-morph';
import type { FileFacts } from './index';
import { CALL, logCallInfo, moduleChain } from './logging';
import { isRelativeModule } from './imports';
import { isFunctionScope, unwrapExpression, importDeclarationsOf, importedModuleOf } from './syntax';
import {
  CHILD_LOGGER_METHODS,
  LOGGER_FACTORY_NAME,
  LOGGER_LIBRARIES,
  LOGGER_METHODS,
  type ErrorArgumentStyle,
  type LoggerLibrary,
} from './tables/logging';

/** The logger that code at some node should write an error to. */
export interface LoggerInScope {
  /** What to call `error` on, as written at the node: `this.logger`, `log`, `winston`, `console`. */
  receiver: string;
  /** The logger's package (`pino`, `@nestjs/common`), `console`, or undefined for a project logger known by its use in the file. */
  library?: string;
  errorStyle: ErrorArgumentStyle;
  /** For `object-first` loggers, the field the error goes in: `err`. */
  errorField: string;
  /**
   * Where it was found, in order of preference: a logger in scope at the node
   * (a local, a parameter, a property of the class), the module's own logger
   * (a top-level binding), a logger factory the file already imports, or the console.
   */
  source: 'scope' | 'module' | 'factory' | 'console';
}

const CONSOLE: LoggerInScope = { receiver: 'console', library: 'console', errorStyle: 'message-first', errorField: 'err', source: 'console' };

/** How deep imports of project loggers are followed (`import { logger } from './logger'`, re-exported once). */
const MAX_FOLLOW = 3;

/** The logger to use at `node`: the nearest one in scope, else the module's, else an imported factory's, else `console`. */
export function loggerAt(node: Node, facts: FileFacts): LoggerInScope {
  const shadowed = new Set<string>();
  for (const scope of scopesAround(node)) {
    for (const binding of scope.bindings) {
      if (shadowed.has(binding.name) && !binding.receiver.startsWith('this.')) continue;
      const logger = judgeBinding(binding, facts);
      if (logger) return { ...logger, source: scope.isModule ? 'module' : 'scope' };
    }
    for (const name of scope.names) shadowed.add(name);
  }
  return importedFactory(facts, shadowed) ?? CONSOLE;
}

/** The call that writes `error` (an expression naming it) with `message` (a string literal, quoted): `logger.error({ err }, 'sync failed')`. */
export function errorLogCall(logger: Pick<LoggerInScope, 'receiver' | 'errorStyle' | 'errorField'>, error: string, message: string): string {
  if (logger.errorStyle === 'object-first') {
    const field = error === logger.errorField ? error : `${logger.errorField}: ${error}`;
    return `${logger.receiver}.error({ ${field} }, ${message})`;
  }
  return `${logger.receiver}.error(${message}, ${error})`;
}

/**
 * The logger a log call writes through, as far as the file shows: `console`,
 * a logger package imported and called directly (`winston.error`), or a
 * receiver declared in this file (`this.logger`, `log`) whose library is known
 * by its initializer, type or import, or whose style is known by the file's other log calls.
 */
export function loggerOfCall(call: CallExpression, facts: FileFacts): Pick<LoggerInScope, 'library' | 'errorStyle'> | undefined {
  const info = logCallInfo(call, facts);
  if (info?.kind !== 'log') return undefined;
  if (info.library === 'console') return { library: 'console', errorStyle: 'message-first' };
  if (info.via === 'module') {
    const library = LOGGER_LIBRARIES.find((l) => l.module === info.library);
    return library && { library: library.module, errorStyle: library.errorStyle };
  }
  const declaration = receiverDeclaration(call);
  const judged = declaration && judgeBinding({ name: '', receiver: '', declaration }, facts);
  return judged && { library: judged.library, errorStyle: judged.errorStyle };
}

// ---------------------------------------------------------------------------
// Scopes

interface Binding {
  name: string;
  receiver: string;
  /** The declaration: a variable, parameter, binding element, property or import. */
  declaration: Node;
}

interface Scope {
  bindings: Binding[];
  /** Every name the scope declares (loggers or not), which hides the same name further out. */
  names: string[];
  isModule: boolean;
}

/** The scopes around `node`, innermost first, with the bindings visible at `node`. */
function* scopesAround(node: Node): Generator<Scope> {
  // Whether `this` at the node is still an instance of the next class out.
  let thisIsInstance = true;
  const start = node.getStart();
  for (let current = node.getParent(); current; current = current.getParent()) {
    if (Node.isCatchClause(current)) {
      yield { bindings: [], names: identifiersOf(current.getVariableDeclaration()?.getNameNode()).map((id) => id.getText()), isModule: false };
    } else if (isFunctionScope(current)) {
      const parameters = Node.isClassStaticBlockDeclaration(current) ? [] : (current as Node & { getParameters(): ParameterDeclaration[] }).getParameters();
      const bindings = parameters.flatMap((parameter) => bindingsOf(parameter));
      yield { bindings, names: bindings.map((b) => b.name), isModule: false };
      const isMember = Node.isMethodDeclaration(current) || Node.isConstructorDeclaration(current) || Node.isGetAccessorDeclaration(current) || Node.isSetAccessorDeclaration(current);
      if (Node.isFunctionExpression(current) || Node.isFunctionDeclaration(current) || Node.isClassStaticBlockDeclaration(current)) thisIsInstance = false;
      if (isMember && (!isClassLike(current.getParent()) || isStatic(current))) thisIsInstance = false;
    } else if (Node.isPropertyDeclaration(current) && isStatic(current)) {
      thisIsInstance = false;
    } else if (Node.isClassDeclaration(current) || Node.isClassExpression(current)) {
      if (thisIsInstance) yield { bindings: instanceProperties(current), names: [], isModule: false };
      thisIsInstance = false;
    } else if (Node.isBlock(current) || Node.isModuleBlock(current) || Node.isCaseClause(current) || Node.isDefaultClause(current) || Node.isSourceFile(current)) {
      const isModule = Node.isSourceFile(current);
      // A module-level binding declared below a function is set by the time the function runs.
      const laterToo = isModule && node.getFirstAncestor(isFunctionScope) !== undefined;
      const bindings = statementBindings(current.getStatements(), (declaration) => laterToo || declaration.getStart() < start);
      const names = bindings.map((b) => b.name);
      // Imports are not names that hide one: the imported factories are looked up by them.
      if (isModule) bindings.push(...importBindings(current as SourceFile));
      yield { bindings, names, isModule };
    } else if (Node.isForStatement(current) || Node.isForOfStatement(current) || Node.isForInStatement(current)) {
      const initializer = current.getInitializer();
      const names = initializer && Node.isVariableDeclarationList(initializer) ? initializer.getDeclarations().flatMap((d) => identifiersOf(d.getNameNode())) : [];
      yield { bindings: [], names: names.map((id) => id.getText()), isModule: false };
    }
  }
}

function isClassLike(node: Node | undefined): boolean {
  return node !== undefined && (Node.isClassDeclaration(node) || Node.isClassExpression(node));
}

function isStatic(node: Node): boolean {
  return Node.isStaticable(node) && node.isStatic();
}

function identifiersOf(name: Node | undefined): Node[] {
  if (!name) return [];
  if (Node.isIdentifier(name)) return [name];
  if (Node.isObjectBindingPattern(name) || Node.isArrayBindingPattern(name)) {
    return name.getElements().flatMap((element) => (Node.isBindingElement(element) ? identifiersOf(element.getNameNode()) : []));
  }
  return [];
}

/** A parameter's names, each bound to the parameter (or to its binding element when destructured). */
function bindingsOf(declaration: Node & { getNameNode(): Node }): Binding[] {
  return identifiersOf(declaration.getNameNode()).map((id) => ({
    name: id.getText(),
    receiver: id.getText(),
    declaration: Node.isBindingElement(id.getParent()) ? id.getParentOrThrow() : declaration,
  }));
}

function statementBindings(statements: Node[], visible: (declaration: Node) => boolean): Binding[] {
  const bindings: Binding[] = [];
  for (const statement of statements) {
    if (Node.isVariableStatement(statement)) {
      for (const declaration of statement.getDeclarations()) if (visible(declaration)) bindings.push(...bindingsOf(declaration));
    } else if ((Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement)) && statement.getName()) {
      // Not loggers, but they hide a logger of the same name further out.
      bindings.push({ name: statement.getName()!, receiver: statement.getName()!, declaration: statement });
    }
  }
  return bindings;
}

function importBindings(sourceFile: SourceFile): Binding[] {
  const bindings: Binding[] = [];
  for (const declaration of importDeclarationsOf(sourceFile)) {
    const clause = declaration.getImportClause();
    const defaultImport = declaration.getDefaultImport();
    if (clause && defaultImport) bindings.push({ name: defaultImport.getText(), receiver: defaultImport.getText(), declaration: clause });
    const namespace = declaration.getNamespaceImport();
    if (namespace) bindings.push({ name: namespace.getText(), receiver: namespace.getText(), declaration: namespace.getParentOrThrow() });
    for (const specifier of declaration.getNamedImports()) {
      const local = (specifier.getAliasNode() ?? specifier.getNameNode()).getText();
      bindings.push({ name: local, receiver: local, declaration: specifier });
    }
  }
  return bindings;
}

/** Instance properties, declared in the class body or as constructor parameter properties: `this.logger`. */
function instanceProperties(cls: Node): Binding[] {
  if (!Node.isClassDeclaration(cls) && !Node.isClassExpression(cls)) return [];
  const bindings: Binding[] = [];
  for (const property of cls.getProperties()) {
    const name = property.getNameNode();
    if (!property.isStatic() && Node.isIdentifier(name)) bindings.push({ name: name.getText(), receiver: `this.${name.getText()}`, declaration: property });
  }
  for (const constructor of cls.getConstructors()) {
    for (const parameter of constructor.getParameters()) {
      const name = parameter.getNameNode();
      if (parameter.isParameterProperty() && Node.isIdentifier(name)) bindings.push({ name: name.getText(), receiver: `this.${name.getText()}`, declaration: parameter });
    }
  }
  return bindings;
}

// ---------------------------------------------------------------------------
// What a binding is

type Judged = Omit<LoggerInScope, 'source'>;

/** A logger by what it is (its library, through its initializer, type or import), or by being used for logging in this file. */
function judgeBinding(binding: Binding, facts: FileFacts): Judged | undefined {
  const library = libraryOfDeclaration(binding.declaration, facts, 0);
  if (library) return { receiver: binding.receiver, library: library.module, errorStyle: library.errorStyle, errorField: 'err' };
  const use = loggingUses(facts).get(binding.declaration);
  if (!use) return undefined;
  const objectFirst = use.objectFirst > use.messageFirst;
  return { receiver: binding.receiver, errorStyle: objectFirst ? 'object-first' : 'message-first', errorField: use.errorField ?? 'err' };
}

function libraryOfDeclaration(declaration: Node, facts: FileFacts, depth: number): LoggerLibrary | undefined {
  if (depth > MAX_FOLLOW) return undefined;
  if (Node.isVariableDeclaration(declaration) || Node.isParameterDeclaration(declaration) || Node.isPropertyDeclaration(declaration)) {
    const typeNode = declaration.getTypeNode();
    const byType = typeNode && libraryOfType(typeNode, facts);
    if (byType) return byType;
    const initializer = declaration.getInitializer();
    return initializer && libraryOfValue(initializer, facts, depth);
  }
  if (Node.isBindingElement(declaration)) return undefined;
  if (Node.isExportAssignment(declaration)) return libraryOfValue(declaration.getExpression(), facts, depth);
  if (Node.isImportClause(declaration) || Node.isImportSpecifier(declaration) || Node.isNamespaceImport(declaration)) {
    return libraryOfImported(declaration, facts, depth);
  }
  return undefined;
}

/** `import { logger } from './logger'`: what the other file exports (an imported library itself is not a logger instance). */
function libraryOfImported(declaration: Node, facts: FileFacts, depth: number): LoggerLibrary | undefined {
  const importDeclaration = declaration.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
  if (!importDeclaration) return undefined;
  const module = importedModuleOf(importDeclaration);
  if (module === undefined) return undefined;
  if (LOGGER_LIBRARIES.some((library) => library.module === module)) return undefined;
  const name = Node.isImportClause(declaration) ? declaration.getDefaultImport() : Node.isImportSpecifier(declaration) ? declaration.getNameNode() : undefined;
  const target = name?.getSymbol()?.getAliasedSymbol() ?? (Node.isImportSpecifier(declaration) ? declaration.getSymbol()?.getAliasedSymbol() : undefined);
  for (const exported of target?.getDeclarations() ?? []) {
    const sourceFile = exported.getSourceFile();
    if (sourceFile.isDeclarationFile() || sourceFile.isInNodeModules()) continue;
    const library = libraryOfDeclaration(exported, facts.forFile(sourceFile), depth + 1);
    if (library) return library;
  }
  return undefined;
}

/** A value that is a logger of a known library: `pino()`, `winston.createLogger(...)`, `new Logger(Service.name)`, `parent.child({...})`. */
function libraryOfValue(value: Node, facts: FileFacts, depth: number): LoggerLibrary | undefined {
  const origin = facts.origin(unwrapExpression(value));
  const chain = moduleChain(origin);
  if (chain) {
    const text = withoutChildCalls(chainText(chain.members));
    return LOGGER_LIBRARIES.find((library) => library.module === chain.module && library.instances.includes(text));
  }
  // `parent.child({ reqId })` on a logger declared in this file.
  if (origin.kind === 'call' && origin.path.length === 0 && origin.callee.kind === 'local') {
    const [method, ...rest] = origin.callee.path;
    if (rest.length === 0 && method !== undefined && CHILD_LOGGER_METHODS.includes(method)) return libraryOfDeclaration(origin.callee.declaration, facts, depth + 1);
  }
  return undefined;
}

function libraryOfType(typeNode: Node, facts: FileFacts): LoggerLibrary | undefined {
  if (!Node.isTypeReference(typeNode)) return undefined;
  const typeName = typeNode.getTypeName();
  const [head, ...members] = Node.isQualifiedName(typeName) ? [typeName.getLeft(), typeName.getRight().getText()] : [typeName];
  const origin = facts.origin(head!);
  if (origin.kind !== 'module') return undefined;
  const name = [...origin.path, ...(members as string[])].join('.');
  return LOGGER_LIBRARIES.find((library) => library.module === origin.module && library.types.includes(name));
}

/** `['createLogger', '()']` → `createLogger()`. */
function chainText(members: readonly string[]): string {
  return members.reduce((text, member) => (member === CALL ? `${text}()` : text === '' ? member : `${text}.${member}`), '');
}

function withoutChildCalls(text: string): string {
  const child = new RegExp(`\\.(${CHILD_LOGGER_METHODS.join('|')})\\(\\)$`);
  let current = text;
  while (child.test(current)) current = current.replace(child, '');
  return current;
}

// ---------------------------------------------------------------------------
// Loggers used in the file

interface LoggingUse {
  /** Log calls that pass fields first (`logger.error({ err }, 'x')`) and those that pass a message first. */
  objectFirst: number;
  messageFirst: number;
  /** The field an error went in, where one did: `err`, `error`. */
  errorField?: string;
}

/** The declarations of the receivers this file logs through, with how it passes them arguments. */
function loggingUses(facts: FileFacts): Map<Node, LoggingUse> {
  return facts.memo('logger-in-scope.uses', () => {
    const uses = new Map<Node, LoggingUse>();
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const info = logCallInfo(call, facts);
      if (info?.kind !== 'log' || !LOGGER_METHODS.includes(info.method)) continue;
      const declaration = receiverDeclaration(call);
      if (!declaration) continue;
      const use = uses.get(declaration) ?? { objectFirst: 0, messageFirst: 0 };
      recordArguments(call, use);
      uses.set(declaration, use);
    }
    return uses;
  });
}

/** `logger` in `logger.error(...)` and `logger.child({...}).error(...)`, `this.logger` in `this.logger.warn(...)`: where it is declared in this file. */
function receiverDeclaration(call: CallExpression): Node | undefined {
  const callee = unwrapExpression(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  let receiver = unwrapExpression(callee.getExpression());
  while (Node.isCallExpression(receiver)) {
    const inner = unwrapExpression(receiver.getExpression());
    if (!Node.isPropertyAccessExpression(inner) || !CHILD_LOGGER_METHODS.includes(inner.getName())) return undefined;
    receiver = unwrapExpression(inner.getExpression());
  }
  const name = Node.isIdentifier(receiver)
    ? receiver
    : Node.isPropertyAccessExpression(receiver) && receiver.getExpression().getKind() === SyntaxKind.ThisKeyword
      ? receiver.getNameNode()
      : undefined;
  const sourceFile = call.getSourceFile();
  return name?.getSymbol()?.getDeclarations().find((declaration) => declaration.getSourceFile() === sourceFile);
}

function recordArguments(call: CallExpression, use: LoggingUse): void {
  const [first] = call.getArguments();
  if (!first) return;
  const value = unwrapExpression(first);
  if (Node.isObjectLiteralExpression(value)) {
    use.objectFirst++;
    const field = value.getProperties().find((p) => (Node.isShorthandPropertyAssignment(p) || Node.isPropertyAssignment(p)) && /^(err|error|exception)$/.test(p.getName()));
    if (field && (Node.isShorthandPropertyAssignment(field) || Node.isPropertyAssignment(field))) use.errorField ??= field.getName();
  } else if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) || Node.isTemplateExpression(value)) {
    use.messageFirst++;
  }
}

// ---------------------------------------------------------------------------
// Factories the file imports

/**
 * A logger the file can reach through what it already imports: a library's
 * default logger (`winston`, `log4js.getLogger()`, Nest's static `Logger`), or
 * the project's own factory called with no arguments (`getLogger()`).
 */
function importedFactory(facts: FileFacts, shadowed: ReadonlySet<string>): LoggerInScope | undefined {
  for (const imported of importedNames(facts.sourceFile)) {
    if (shadowed.has(imported.local)) continue;
    const library = LOGGER_LIBRARIES.find((l) => l.module === imported.module);
    const known = library?.defaultLoggers?.find((d) => d.from === imported.name);
    if (library && known) {
      return { receiver: known.expression.replace('$', imported.local), library: library.module, errorStyle: library.errorStyle, errorField: 'err', source: 'factory' };
    }
    if (!library && isRelativeModule(imported.module) && LOGGER_FACTORY_NAME.test(imported.name) && imported.declaration && takesNoArguments(imported.declaration)) {
      return { receiver: `${imported.local}()`, errorStyle: 'message-first', errorField: 'err', source: 'factory' };
    }
  }
  return undefined;
}

interface ImportedName {
  module: string;
  /** The export imported, `''` for the module itself (default, namespace or `require`). */
  name: string;
  local: string;
  declaration?: Node;
}

function importedNames(sourceFile: SourceFile): ImportedName[] {
  const names: ImportedName[] = [];
  for (const declaration of importDeclarationsOf(sourceFile)) {
    if (declaration.isTypeOnly()) continue;
    const module = declaration.getModuleSpecifierValue();
    const defaultImport = declaration.getDefaultImport();
    if (defaultImport) names.push({ module, name: '', local: defaultImport.getText() });
    const namespace = declaration.getNamespaceImport();
    if (namespace) names.push({ module, name: '', local: namespace.getText() });
    for (const specifier of declaration.getNamedImports()) {
      if (specifier.isTypeOnly()) continue;
      const local = (specifier.getAliasNode() ?? specifier.getNameNode()).getText();
      names.push({ module, name: specifier.getName(), local, declaration: specifier });
    }
  }
  for (const statement of sourceFile.getVariableStatements()) {
    for (const declaration of statement.getDeclarations()) {
      const initializer = declaration.getInitializer();
      const call = initializer && unwrapExpression(initializer);
      if (!call || !Node.isCallExpression(call) || call.getExpression().getText() !== 'require') continue;
      const [specifier] = call.getArguments();
      if (!specifier || !Node.isStringLiteral(specifier)) continue;
      const module = specifier.getLiteralValue();
      const nameNode = declaration.getNameNode();
      if (Node.isIdentifier(nameNode)) names.push({ module, name: '', local: nameNode.getText() });
      else if (Node.isObjectBindingPattern(nameNode)) {
        for (const element of nameNode.getElements()) {
          const local = element.getNameNode();
          if (Node.isIdentifier(local)) names.push({ module, name: element.getPropertyNameNode()?.getText() ?? local.getText(), local: local.getText() });
        }
      }
    }
  }
  return names;
}

/** An imported function every parameter of which is optional: `export function getLogger(name = 'app')`. */
function takesNoArguments(specifier: Node): boolean {
  if (!Node.isImportSpecifier(specifier)) return false;
  const target = specifier.getNameNode().getSymbol()?.getAliasedSymbol();
  const declaration = target?.getDeclarations()[0];
  if (!declaration) return false;
  const fn = Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : declaration;
  if (!fn || !(Node.isFunctionDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) return false;
  return fn.getParameters().every((parameter) => parameter.isOptional() || parameter.hasInitializer() || parameter.isRestParameter());
}
