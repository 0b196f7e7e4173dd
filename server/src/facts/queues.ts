import { Node, SyntaxKind, type CallExpression, type Identifier, type NewExpression, type ObjectLiteralExpression } from 'ts-morph';
import { FileFacts } from './index';
import { isReassigned, samePath, valueSymbol } from './origin';
import { unwrapExpression } from './syntax';
import { FLOW_PRODUCERS, JOB_QUEUE_LIBRARIES, type JobQueueLibrary } from './tables/queues';

/**
 * Job queues and what their options say about retries (job-without-retry):
 * where a BullMQ or Bull queue is made, the `attempts` of its `defaultJobOptions`,
 * and every job added through a queue whose creation the file can see, in this
 * file or in a project module it imports (`export const emails = new Queue(...)`).
 * A queue injected or handed in from elsewhere (`@InjectQueue()`, a constructor
 * parameter) has options nobody here can read, and is not judged.
 */

/** Whether an options object sets a key, as far as the code shows. */
export type OptionState = { state: 'set'; value: Node } | { state: 'missing' } | { state: 'unknown' };

const MISSING: OptionState = { state: 'missing' };
const UNKNOWN: OptionState = { state: 'unknown' };
const MAX_DEPTH = 6;

export interface JobQueue {
  creation: NewExpression | CallExpression;
  library: JobQueueLibrary;
  /** The options argument, if any. */
  options: Node | undefined;
  /** Index the options argument has (or would have). */
  optionsIndex: number;
  /** `defaultJobOptions`, and its `attempts`. */
  defaults: OptionState;
  attempts: OptionState;
}

/** One job an enqueue adds, and where its options are (or would go). */
export interface QueuedJob {
  /** The options expression, when the call or list entry has one. */
  options: Node | undefined;
  /** Where a fix adds options when there are none: the call's argument index, or the entry's object literal. */
  insertAt: { call: CallExpression; index: number } | { entry: ObjectLiteralExpression; property: string } | undefined;
  attempts: OptionState;
}

export interface Enqueue {
  call: CallExpression;
  /** The queue, for `queue.add`/`addBulk`; undefined for a FlowProducer's flow. */
  queue: JobQueue | undefined;
  label: string;
  jobs: QueuedJob[];
}

/** Every enqueue of this file through a queue (or flow producer) whose creation can be seen. */
export function enqueues(facts: FileFacts): Enqueue[] {
  return facts.memo('queues.enqueues', () => {
    const methods = new Set([...JOB_QUEUE_LIBRARIES.flatMap((library) => [...library.addMethods, ...library.bulkMethods]), ...FLOW_PRODUCERS.flatMap((flow) => flow.addMethods)]);
    const found: Enqueue[] = [];
    for (const call of facts.nodes.ofKind(SyntaxKind.CallExpression)) {
      const callee = unwrapExpression(call.getExpression());
      if (!Node.isPropertyAccessExpression(callee) || !methods.has(callee.getName())) continue;
      const creation = creationBehind(callee.getExpression(), 0);
      if (!creation) continue;
      const enqueue = queueEnqueue(call, callee.getName(), creation) ?? flowEnqueue(call, callee.getName(), creation);
      if (enqueue) found.push(enqueue);
    }
    return found;
  });
}

/** The queue a creation expression makes, if it makes a BullMQ or Bull queue. */
export function jobQueueOf(creation: Node): JobQueue | undefined {
  if (!Node.isNewExpression(creation) && !Node.isCallExpression(creation)) return undefined;
  const facts = FileFacts.of(creation.getSourceFile());
  const origin = facts.origin(creation.getExpression());
  if (origin.kind !== 'module') return undefined;
  const library = JOB_QUEUE_LIBRARIES.find((candidate) => candidate.module === origin.module && candidate.creators.some((path) => samePath(path, origin.path)));
  if (!library) return undefined;
  return facts.memo(`queues.jobQueue.${creation.getStart()}`, () => {
    const args = creation.getArguments();
    // Bull: `new Queue(name, redisUrl, opts)` as well as `new Queue(name, opts)`.
    const optionsIndex = library.module === 'bull' && args[1] && isStringValued(args[1]) ? 2 : 1;
    const options = args[optionsIndex];
    const defaults = optionIn(options, library.defaultsOption);
    const attempts = defaults.state === 'set' ? optionIn(defaults.value, library.attemptsOption) : defaults;
    return { creation, library, options, optionsIndex, defaults, attempts };
  });
}

function queueEnqueue(call: CallExpression, method: string, creation: Node): Enqueue | undefined {
  const queue = jobQueueOf(creation);
  if (!queue) return undefined;
  const { library } = queue;
  const label = `${call.getExpression().getText().replace(/\s+/g, '')}()`;
  if (library.addMethods.includes(method)) {
    const index = optionsIndexOfAdd(call, library);
    if (index === undefined) return undefined;
    const options = call.getArguments()[index];
    const canInsert = call.getArguments().length >= index;
    return { call, queue, label, jobs: [{ options, insertAt: options || !canInsert ? undefined : { call, index }, attempts: jobAttempts(options, library) }] };
  }
  const list = call.getArguments()[0];
  const entries = list && unwrapExpression(list);
  if (!entries || !Node.isArrayLiteralExpression(entries)) return { call, queue, label, jobs: [{ options: undefined, insertAt: undefined, attempts: UNKNOWN }] };
  const jobs = entries.getElements().map((element): QueuedJob => {
    const entry = unwrapExpression(element);
    if (!Node.isObjectLiteralExpression(entry) || entry.getProperties().some((p) => Node.isSpreadAssignment(p))) return { options: undefined, insertAt: undefined, attempts: UNKNOWN };
    const options = propertyValue(entry, library.bulkOptionsProperty);
    return { options, insertAt: options ? undefined : { entry, property: library.bulkOptionsProperty }, attempts: jobAttempts(options, library) };
  });
  return { call, queue, label, jobs };
}

/** A job's `attempts`; a repeating job (`repeat`) counts as covered: its schedule runs it again. */
function jobAttempts(options: Node | undefined, library: JobQueueLibrary): OptionState {
  for (const key of library.repeatOptions) {
    const repeat = optionIn(options, key);
    if (repeat.state === 'set') return repeat;
  }
  return optionIn(options, library.attemptsOption);
}

/** Where `add`'s options are: BullMQ's third argument; Bull's second after data, third after a name. */
function optionsIndexOfAdd(call: CallExpression, library: JobQueueLibrary): number | undefined {
  if (library.addShape === 'name-data-options') return 2;
  const args = call.getArguments();
  if (args.length >= 3) return 2;
  const first = args[0];
  if (!first) return undefined;
  if (isStringValued(first)) return 2;
  return 1;
}

function flowEnqueue(call: CallExpression, method: string, creation: Node): Enqueue | undefined {
  if (!Node.isNewExpression(creation)) return undefined;
  const origin = FileFacts.of(creation.getSourceFile()).origin(creation.getExpression());
  const flow = FLOW_PRODUCERS.find((entry) => origin.kind === 'module' && origin.module === entry.module && samePath(origin.path, entry.creator) && entry.addMethods.includes(method));
  if (!flow) return undefined;
  const label = `${call.getExpression().getText().replace(/\s+/g, '')}()`;
  // Flow-wide options (`queuesOptions`) may set the defaults: not judged.
  if (call.getArguments().length > 1) return { call, queue: undefined, label, jobs: [{ options: undefined, insertAt: undefined, attempts: UNKNOWN }] };
  const jobs: QueuedJob[] = [];
  const visit = (node: Node | undefined, depth: number): void => {
    const entry = node && unwrapExpression(node);
    if (!entry || depth > MAX_DEPTH || !Node.isObjectLiteralExpression(entry) || entry.getProperties().some((p) => Node.isSpreadAssignment(p))) {
      jobs.push({ options: undefined, insertAt: undefined, attempts: UNKNOWN });
      return;
    }
    const options = propertyValue(entry, flow.optionsProperty);
    jobs.push({ options, insertAt: options ? undefined : { entry, property: flow.optionsProperty }, attempts: optionIn(options, 'attempts') });
    const children = propertyValue(entry, flow.childrenProperty);
    if (!children) return;
    const list = unwrapExpression(children);
    if (!Node.isArrayLiteralExpression(list)) jobs.push({ options: undefined, insertAt: undefined, attempts: UNKNOWN });
    else for (const child of list.getElements()) visit(child, depth + 1);
  };
  visit(call.getArguments()[0], 0);
  return { call, queue: undefined, label, jobs };
}

// ---------------------------------------------------------------------------
// From a receiver to the expression that created it

/**
 * The `new X(...)`/`x(...)` a receiver holds: a const (in this file or
 * exported by a project module it imports), a class property initialised with
 * it, or a `this.x` assigned exactly once in the class. Undefined otherwise.
 */
export function creationBehind(expression: Node, depth: number): NewExpression | CallExpression | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrapExpression(expression);
  if (Node.isNewExpression(node) || Node.isCallExpression(node)) return node;
  if (Node.isIdentifier(node)) {
    const initializer = constValueOf(node);
    return initializer ? creationBehind(initializer, depth + 1) : undefined;
  }
  if (Node.isPropertyAccessExpression(node) && node.getExpression().getKind() === SyntaxKind.ThisKeyword) {
    const assigned = thisPropertyValue(node);
    return assigned ? creationBehind(assigned, depth + 1) : undefined;
  }
  return undefined;
}

/** The initializer of a const (or a never-reassigned variable), followed through imports into project files. */
function constValueOf(identifier: Identifier): Node | undefined {
  const symbol = valueSymbol(identifier);
  const resolved = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  const declaration = resolved?.getDeclarations()[0];
  if (!declaration || !Node.isVariableDeclaration(declaration)) return undefined;
  const sourceFile = declaration.getSourceFile();
  if (sourceFile.isDeclarationFile() || sourceFile.isInNodeModules()) return undefined;
  const name = declaration.getNameNode();
  const initializer = declaration.getInitializer();
  if (!initializer || !Node.isIdentifier(name)) return undefined;
  if (declaration.getVariableStatement()?.getDeclarationKind() !== 'const' && isReassigned(name)) return undefined;
  return initializer;
}

/** `this.queue`: the class property's initializer, or the one value the class assigns to it. */
function thisPropertyValue(access: Node): Node | undefined {
  if (!Node.isPropertyAccessExpression(access)) return undefined;
  const cls = access.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a));
  if (!cls || !(Node.isClassDeclaration(cls) || Node.isClassExpression(cls))) return undefined;
  const values = thisPropertyValues(cls).get(access.getName());
  return values?.length === 1 ? values[0] : undefined;
}

const propertyValuesByClass = new WeakMap<object, Map<string, Node[]>>();

/** Every value a class gives its properties (initializers and `this.x = …`), by name: one walk per class. */
function thisPropertyValues(cls: Node): Map<string, Node[]> {
  const key = cls.compilerNode;
  const cached = propertyValuesByClass.get(key);
  if (cached) return cached;
  const values = new Map<string, Node[]>();
  const add = (name: string, value: Node): void => {
    values.set(name, [...(values.get(name) ?? []), value]);
  };
  if (Node.isClassDeclaration(cls) || Node.isClassExpression(cls)) {
    for (const property of cls.getProperties()) {
      const initializer = property.getInitializer();
      if (initializer) add(property.getName(), initializer);
    }
  }
  for (const binary of cls.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    if (binary.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
    const left = unwrapExpression(binary.getLeft());
    if (Node.isPropertyAccessExpression(left) && left.getExpression().getKind() === SyntaxKind.ThisKeyword) add(left.getName(), binary.getRight());
  }
  propertyValuesByClass.set(key, values);
  return values;
}

// ---------------------------------------------------------------------------
// Options objects

/**
 * Whether an options expression sets `key`: an object literal (later
 * properties and spreads override earlier ones), a const bound to one, either
 * branch of a conditional when both agree. `undefined`/absent is missing;
 * anything else (a parameter, a call's result) is unknown.
 */
export function optionIn(node: Node | undefined, key: string, depth = 0): OptionState {
  if (!node) return MISSING;
  if (depth > MAX_DEPTH) return UNKNOWN;
  const expression = unwrapExpression(node);
  if (isNothing(expression)) return MISSING;
  if (Node.isObjectLiteralExpression(expression)) {
    let state: OptionState = MISSING;
    for (const property of expression.getProperties()) {
      if (Node.isSpreadAssignment(property)) {
        const spread = optionIn(property.getExpression(), key, depth + 1);
        if (spread.state === 'set' || (spread.state === 'unknown' && state.state !== 'set')) state = spread;
        continue;
      }
      const name = propertyName(property);
      if (name === undefined) {
        if (state.state !== 'set') state = UNKNOWN;
      } else if (name === key) {
        const value = Node.isPropertyAssignment(property) ? property.getInitializer() : Node.isShorthandPropertyAssignment(property) ? property.getNameNode() : undefined;
        state = value && !isNothing(unwrapExpression(value)) ? { state: 'set', value } : MISSING;
      }
    }
    return state;
  }
  if (Node.isConditionalExpression(expression)) {
    const whenTrue = optionIn(expression.getWhenTrue(), key, depth + 1);
    const whenFalse = optionIn(expression.getWhenFalse(), key, depth + 1);
    return whenTrue.state === whenFalse.state ? whenTrue : UNKNOWN;
  }
  if (Node.isIdentifier(expression)) {
    const initializer = constValueOf(expression);
    return initializer && !hasPropertyWrites(expression) ? optionIn(initializer, key, depth + 1) : UNKNOWN;
  }
  return UNKNOWN;
}

/** The object literal an options expression is, or names through a const. */
export function optionsLiteral(node: Node | undefined): ObjectLiteralExpression | undefined {
  const expression = node && unwrapExpression(node);
  return expression && Node.isObjectLiteralExpression(expression) ? expression : undefined;
}

function propertyValue(literal: ObjectLiteralExpression, key: string): Node | undefined {
  for (const property of literal.getProperties()) {
    if (propertyName(property) !== key) continue;
    if (Node.isPropertyAssignment(property)) return property.getInitializer();
    if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
  }
  return undefined;
}

function propertyName(property: Node): string | undefined {
  if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property) && !Node.isMethodDeclaration(property)) return undefined;
  const name = property.getNameNode();
  if (Node.isIdentifier(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return name.getLiteralValue();
  return undefined;
}

/** `opts.attempts = 3` or `Object.assign(opts, …)` somewhere in the file: the literal alone does not tell. */
function hasPropertyWrites(identifier: Identifier): boolean {
  const symbol = valueSymbol(identifier)?.compilerSymbol;
  const sourceFile = identifier.getSourceFile();
  for (const reference of sourceFile.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (reference.getText() !== identifier.getText() || reference.getSymbol()?.compilerSymbol !== symbol) continue;
    const parent = reference.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getExpression() === reference) {
      const assignment = parent.getParent();
      if (Node.isBinaryExpression(assignment) && assignment.getLeft() === parent && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken) return true;
    }
    if (Node.isCallExpression(parent) && parent.getArguments()[0] === reference && parent.getExpression().getText() === 'Object.assign') return true;
  }
  return false;
}

function isNothing(node: Node): boolean {
  if (node.getKind() === SyntaxKind.NullKeyword || Node.isVoidExpression(node)) return true;
  return Node.isIdentifier(node) && node.getText() === 'undefined';
}

function isStringValued(node: Node): boolean {
  const expression = unwrapExpression(node);
  if (Node.isStringLiteral(expression) || Node.isNoSubstitutionTemplateLiteral(expression) || Node.isTemplateExpression(expression)) return true;
  if (Node.isObjectLiteralExpression(expression) || Node.isArrayLiteralExpression(expression)) return false;
  // `process.env.REDIS_URL`: `string | undefined`, or untyped in JavaScript.
  if (/^process\.env\b/.test(expression.getText())) return true;
  const type = expression.getType();
  const members = (type.isUnion() ? type.getUnionTypes() : [type]).filter((member) => !member.isUndefined());
  return members.length > 0 && members.every((member) => member.isString() || member.isStringLiteral());
}
