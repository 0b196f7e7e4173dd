import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { isRedacted, pinoConfigurations, sensitiveValuesLogged, type LoggedSensitiveValue, type PinoConfiguration } from '../facts/log-calls';
import { logCallInfo } from '../facts/logging';
import { addObjectProperty } from '../edits/object-literal-property';
import { insertArgument } from '../edits/call-arguments';
import { removeListElements } from '../edits/remove-list-element';
import { runtimeAt } from '../facts/runtime';
import { stringQuoteOf } from '../edits/layout';
import { createRule, type RuleContext } from './rule';

export const sensitiveDataInLog = createRule({
  meta: {
    id: 'sensitive-data-in-log',
    title: 'Secret or personal data written to a log',
    category: 'security',
    defaultSeverity: 'warning',
    cwe: [532],
    summary: [
      'Logs are read by far more people and systems than the database: everyone with access to the log platform, support staff, a SIEM, a vendor, the next breach.',
      'A password, session token or `Authorization` header written there lets any of them log in as that user, and it stays usable for as long as logs are kept.',
    ].join(' '),
    explanation: [
      'A log line is copied to places with much weaker access control than the database it came from: the log platform (Datadog, CloudWatch, Loki, ELK),',
      'every engineer and support agent who can search it, exports to a SIEM or a vendor, local files, crash reports and backups kept for months.',
      '',
      'A session token or API key in `logger.info({ token })` is a working credential for whoever reads that line: they replay it in an `Authorization` header and act as the user, without a password and without a login alert.',
      'Logging the whole `req.headers` does the same for every request\'s `Authorization` and `Cookie` headers; the whole `req.body` records passwords on every login and card numbers on every checkout;',
      'a whole user record read from the database brings its password hash, reset tokens and personal data along.',
      'Under GDPR and PCI DSS the log store is then in scope, and a leak of it is a reportable breach.',
    ].join('\n'),
    shortFix: [
      'Leave the field out, or log a fact about it (`hasToken: Boolean(token)`, the last 4 digits).',
      'With pino, list the paths in its `redact` option; the quick fix does that where the file configures pino, and otherwise removes the field.',
    ].join('\n'),
    fix: [
      '- Do not log the value: log that it was there (`hasToken: Boolean(token)`), its length, or an id that names it (a token id, not the token).',
      "- With pino, censor paths once for every call: `pino({ redact: ['password', 'req.headers.authorization', 'req.headers.cookie'] })`. winston and bunyan can do the same with a format or serializer.",
      '- Log chosen request fields (`method`, `url`, `userId`) instead of the whole `req.headers` or `req.body`.',
      '- If a secret was already logged, rotate it and purge it from the log store.',
    ].join('\n'),
    notFlagged: [
      'Message text that mentions a secret (`logger.warn("token expired")`): a literal records no token.',
      'Values made from a secret: `token.length`, `Boolean(token)`, `!!password`, `mask(token)`, `hash(password)`, `tokenId`, `tokenPrefix`, `passwordHash`, `publicKey`.',
      'Fields that pino\'s `redact` option in the same file censors.',
      'Calls that are not log calls (a `res.json({ token })` answer, an `audit.record(...)` of your own that is not named like a logger).',
      'A user record read with chosen fields (`select`, `attributes`, `projection`) or that does not come from a database read in the same function (a parameter named `user`).',
      "Code that runs in the browser: its console is the user's own.",
      'Test code.',
    ],
    examples: [
      {
        bad: ["import pino from 'pino';", '', 'const logger = pino();', '', 'export function onLogin(email: string, password: string) {', "  logger.info({ email, password }, 'login attempt');", '}'].join('\n'),
        good: ["import pino from 'pino';", '', "const logger = pino({ redact: ['password'] });", '', 'export function onLogin(email: string, password: string) {', "  logger.info({ email, password }, 'login attempt');", '}'].join('\n'),
      },
      {
        bad: ['app.use((req, res, next) => {', '  console.log(req.method, req.url, req.headers);', '  next();', '});'].join('\n'),
        good: ['app.use((req, res, next) => {', '  console.log(req.method, req.url);', '  next();', '});'].join('\n'),
      },
    ],
  },
  create(context) {
    return {
      [SyntaxKind.CallExpression]: (call) => checkLogCall(call, context),
    };
  },
});

function checkLogCall(call: CallExpression, context: RuleContext): void {
  const found = sensitiveValuesLogged(call, context.facts);
  if (found.length === 0 || runtimeAt(call, context.facts) === 'browser') return;
  const pino = pinoLoggerOf(call, context.facts);
  const reported = found.filter((value) => !(pino && value.path && isPinoMergeObject(call, value) && isRedacted(value.path, pino.redactPaths)));
  if (reported.length === 0) return;
  const fix = redactFix(call, reported, pino) ?? omitFix(call, reported);
  const named = [...new Set(reported.map(describe))];
  context.report({
    node: reported[0]!.node,
    message: `This log call writes ${listed(named)} to the log, where anyone with access to the logs can read ${named.length > 1 ? 'them' : 'it'} and use ${named.length > 1 ? 'them' : 'it'}. Leave ${named.length > 1 ? 'them' : 'it'} out or redact ${named.length > 1 ? 'them' : 'it'}.`,
    related: reported.slice(1).map((value) => ({ node: value.node, message: `also writes ${describe(value)}` })),
    ...(fix ? { fixes: [fix] } : {}),
  });
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function describe(value: LoggedSensitiveValue): string {
  return value.what.startsWith('the ') ? value.what : `\`${value.what}\``;
}

/** The pino logger the call writes through, when the file creates one (and the call is not console's). */
function pinoLoggerOf(call: CallExpression, facts: FileFacts): PinoConfiguration | undefined {
  const info = logCallInfo(call, facts);
  if (!info || info.library === 'console') return undefined;
  const loggers = pinoConfigurations(facts);
  return loggers.length === 1 ? loggers[0] : undefined;
}

/** pino's first argument is the object merged into the record: its paths are the record's. */
function isPinoMergeObject(call: CallExpression, value: LoggedSensitiveValue): boolean {
  const first = call.getArguments()[0];
  return first !== undefined && value.argument === first && Node.isObjectLiteralExpression(first);
}

/** Adds the fields' paths to the `redact` option of the file's pino logger. */
function redactFix(call: CallExpression, values: readonly LoggedSensitiveValue[], pino: PinoConfiguration | undefined): Fix | undefined {
  if (!pino || !values.every((value) => value.path && isPinoMergeObject(call, value))) return undefined;
  if (pino.call.getArguments().length > 0 && !pino.options) return undefined;
  const paths = [...new Set(values.map((value) => value.path!.join('.')))];
  const quote = stringQuoteOf(call.getSourceFile());
  const quoted = paths.map((path) => `${quote}${path}${quote}`).join(', ');
  const edits: TextEdit[] = [];
  if (pino.redactList && Node.isArrayLiteralExpression(pino.redactList)) {
    const last = pino.redactList.getElements().at(-1);
    const open = pino.redactList.getStart() + 1;
    edits.push(last ? { start: last.getEnd(), end: last.getEnd(), newText: `, ${quoted}` } : { start: open, end: open, newText: quoted });
  } else if (pino.options) {
    if (pino.options.getProperty('redact')) return undefined;
    edits.push(...addObjectProperty(pino.options, `redact: [${quoted}]`));
  } else {
    edits.push(insertArgument(pino.call, 0, `{ redact: [${quoted}] }`));
  }
  return { title: `Redact ${paths.map((path) => `\`${path}\``).join(', ')} in the pino logger`, edits };
}

/** Leaves the fields (or arguments) out of the log call, when each is one. */
function omitFix(call: CallExpression, values: readonly LoggedSensitiveValue[]): Fix | undefined {
  const args = call.getArguments();
  const removed: Node[] = [];
  for (const value of values) {
    if (value.property && Node.isObjectLiteralExpression(value.property.getParent())) removed.push(value.property);
    else if (value.node === value.argument && args.indexOf(value.argument as never) > 0) removed.push(value.argument);
    else return undefined;
  }
  const unique = [...new Set(removed)];
  return { title: `Leave ${listed([...new Set(values.map(describe))])} out of the log call`, edits: removeListElements(unique) };
}
