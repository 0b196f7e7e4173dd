import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import type { FileFacts } from '../facts';
import { isRedacted, pinoConfigurations, sensitiveValuesLogged, type LoggedSensitiveValue, type PinoConfiguration } from '../facts/log-calls';
import { logCallInfo } from '../facts/logging';
import { addObjectProperty } from '../edits/object-literal-property';
import { insertArgument } from '../edits/call-arguments';
import { removeListElement } from '../edits/remove-list-element';
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
      'Logging the whole `req.headers` does the same for every request\'s `Authorization` and `Cookie` headers; the whole `req.body` records passwords on every login and card numbers on every checkout.',
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
  if (found.length === 0) return;
  const pino = pinoLoggerOf(call, context.facts);
  const reported = found.filter((value) => !(pino && value.path && isPinoMergeObject(call, value) && isRedacted(value.path, pino.redactPaths)));
  for (const value of reported) {
    const fix = redactFix(call, value, pino) ?? omitFix(call, value);
    context.report({
      node: value.node,
      message: `This log call writes ${describe(value)} to the log, where anyone with access to the logs can read it and use it. Leave it out or redact it.`,
      ...(fix ? { fixes: [fix] } : {}),
    });
  }
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

/** Adds the field's path to the `redact` option of the file's pino logger. */
function redactFix(call: CallExpression, value: LoggedSensitiveValue, pino: PinoConfiguration | undefined): Fix | undefined {
  if (!pino || !value.path || !isPinoMergeObject(call, value)) return undefined;
  if (pino.call.getArguments().length > 0 && !pino.options) return undefined;
  const path = value.path.join('.');
  const quote = stringQuoteOf(call.getSourceFile());
  const quoted = `${quote}${path}${quote}`;
  const edits: TextEdit[] = [];
  if (pino.redactList && Node.isArrayLiteralExpression(pino.redactList)) {
    const elements = pino.redactList.getElements();
    const last = elements.at(-1);
    edits.push(last ? { start: last.getEnd(), end: last.getEnd(), newText: `, ${quoted}` } : { start: pino.redactList.getStart() + 1, end: pino.redactList.getStart() + 1, newText: quoted });
  } else if (pino.options) {
    if (pino.options.getProperty('redact')) return undefined;
    edits.push(...addObjectProperty(pino.options, `redact: [${quoted}]`));
  } else {
    edits.push(insertArgument(pino.call, 0, `{ redact: [${quoted}] }`));
  }
  return { title: `Redact \`${path}\` in the pino logger`, edits };
}

/** Leaves the field (or the argument) out of the log call. */
function omitFix(call: CallExpression, value: LoggedSensitiveValue): Fix | undefined {
  if (value.property) {
    const object = value.property.getParent();
    if (!object || !Node.isObjectLiteralExpression(object)) return undefined;
    return { title: `Leave ${describe(value)} out of the log call`, edits: [removeListElement(value.property)] };
  }
  const args = call.getArguments();
  if (value.node === value.argument && args.length > 1 && args.indexOf(value.argument as never) > 0) {
    return { title: `Leave ${describe(value)} out of the log call`, edits: [removeListElement(value.argument)] };
  }
  return undefined;
}
