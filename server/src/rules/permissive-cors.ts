import { Node } from 'ts-morph';
import type { Fix, TextEdit } from '../engine/finding';
import { corsConfigurations, isDevelopmentOnly, isWildcardExplained, type CorsConfiguration } from '../facts/cors';
import { ORIGIN_ALLOW_LIST_VARIABLE } from '../facts/tables/middleware';
import { addObjectProperty } from '../edits/object-literal-property';
import { insertArgument } from '../edits/call-arguments';
import { replaceExpression } from '../edits/replace-expression';
import { stringQuoteOf } from '../edits/layout';
import { createRule, type RuleContext } from './rule';

const FIX_TITLE = `Allow only the origins listed in ${ORIGIN_ALLOW_LIST_VARIABLE}`;

export const permissiveCors = createRule({
  meta: {
    id: 'permissive-cors',
    title: 'CORS open to every origin',
    category: 'security',
    defaultSeverity: 'warning',
    cwe: [942],
    summary: [
      'A CORS policy that allows every origin lets any web page a user visits call this API from their browser and read the answers.',
      'When it also reflects the caller\'s origin with `credentials: true`, that page calls with the user\'s cookies: a malicious site reads their account data and acts as them.',
    ].join(' '),
    explanation: [
      'Browsers keep one site from reading another site\'s responses unless the server says otherwise, and CORS is how it says so.',
      '`cors()` with no options, `origin: "*"`, Nest\'s `enableCors()` with no options and a hand-set `Access-Control-Allow-Origin: *`',
      'all say "any site may read this". For a public, anonymous API that is a decision; for the API behind an application it',
      'opens whatever the visitor\'s browser can reach: an internal admin API that answers only on the office network is read by',
      'any page a colleague opens, and so is a staging server behind a VPN.',
      '',
      'It is worse when the server reflects whichever origin asks (`origin: true`, or a callback that always answers `true`) and',
      'sets `credentials: true`. Then a page on `https://evil.example` that a logged-in user opens runs',
      '`fetch("https://api.yourapp.com/me", { credentials: "include" })`: the browser sends the user\'s session cookie, the server',
      'answers `Access-Control-Allow-Origin: https://evil.example` and `Access-Control-Allow-Credentials: true`, and the page reads',
      'the user\'s profile, tokens and data, or posts changes as them. That combination is reported as an error.',
    ].join('\n'),
    shortFix: [
      `Allow a list of origins read from configuration: \`cors({ origin: process.env.${ORIGIN_ALLOW_LIST_VARIABLE}?.split(',') ?? [] })\`.`,
      'Never combine `credentials: true` with a reflected origin; check the origin against the list in the callback.',
    ].join('\n'),
    fix: [
      `- Read the allowed origins from configuration, one list per environment: \`origin: process.env.${ORIGIN_ALLOW_LIST_VARIABLE}?.split(',') ?? []\``,
      '  (an empty list allows none, so a missing setting fails closed).',
      '- With a callback, look the origin up in that list and answer `false` otherwise; keep `credentials: true` only for the origins',
      '  of your own front end.',
      '- A hand-set header: answer with the request\'s `Origin` only when it is in the list, and add `Vary: Origin`.',
      '- A public API meant for every site: keep `*`, never with credentials, and suppress the finding with the reason.',
      '',
      `The quick fix sets \`origin\` to the list in \`${ORIGIN_ALLOW_LIST_VARIABLE}\` (express \`cors\`, \`@fastify/cors\`, \`hono/cors\`, Nest).`,
    ].join('\n'),
    notFlagged: [
      'An allow-list, a single origin, a regular expression, `origin: false`, or a callback that checks the origin.',
      'Origins read from configuration or a parameter (`origin: process.env.CORS_ORIGIN`, `origin: config.cors.origins`), including those with a `*` fallback: what they allow is decided where the setting is.',
      'Options the file cannot read (a function of the request, an object from a package). Options exported by another file of the same package are read there.',
      'CORS opened only in development: inside `if (process.env.NODE_ENV !== "production")`, `isDev ? cors() : ...`.',
      '`Access-Control-Allow-Origin` headers sent by outbound HTTP calls (they are request headers, which the server ignores).',
      'A request\'s Origin echoed back under a condition (`if (allowed.includes(origin))`, `allowed.has(o) ? o : ""`).',
      'A wildcard whose comment says why it is safe there (a public, non-credentialed endpoint; on purpose, by design): the author decided.',
    ],
    examples: [
      {
        bad: ["import cors from 'cors';", '', 'app.use(cors());'].join('\n'),
        good: ["import cors from 'cors';", '', "app.use(cors({ origin: process.env.CORS_ORIGINS?.split(',') ?? [] }));"].join('\n'),
      },
      {
        bad: ['app.enableCors({ origin: true, credentials: true });'].join('\n'),
        good: ["app.enableCors({ origin: process.env.CORS_ORIGINS?.split(',') ?? [], credentials: true });"].join('\n'),
      },
    ],
  },
  create(context) {
    return { onFileEnd: () => reportFile(context) };
  },
});

function reportFile(context: RuleContext): void {
  for (const configuration of corsConfigurations(context.facts, context.program.middleware.corsOptions)) {
    if (configuration.origin !== 'any' && configuration.origin !== 'reflect') continue;
    if (isDevelopmentOnly(configuration.node) || isWildcardExplained(configuration.node)) continue;
    const credentialed = configuration.origin === 'reflect' && configuration.credentials;
    context.report({
      node: configuration.node,
      message: messageOf(configuration),
      severity: credentialed ? 'error' : undefined,
      fixes: allowListFix(configuration, context),
    });
  }
}

function messageOf(configuration: CorsConfiguration): string {
  const where = configuration.options?.from ? ` (options from ${configuration.options.from})` : '';
  if (configuration.kind === 'header' && configuration.origin === 'reflect') {
    const credentials = configuration.credentials ? ' together with Access-Control-Allow-Credentials: true, so any site a logged-in user opens can call this API with their cookies and read the answers' : ', so every site may read this response from a visitor\'s browser';
    return `Access-Control-Allow-Origin is set to whatever Origin the request sends${credentials}. Answer with the Origin only when it is in an allow-list read from configuration.`;
  }
  if (configuration.kind === 'header') {
    return `Access-Control-Allow-Origin: * lets any web page read this response from a visitor's browser${WILDCARD_REACH}. Answer with the request's Origin only when it is in an allow-list read from configuration, or say in a suppression why the data is public.`;
  }
  if (configuration.origin === 'reflect' && configuration.credentials) {
    return `CORS reflects any origin with credentials: true${where}: any site a logged-in user opens can call this API with their cookies and read the answers. Allow a list of origins read from configuration.`;
  }
  if (configuration.origin === 'reflect') {
    return `CORS reflects any origin${where}: every site may read this API's responses from a visitor's browser. Allow a list of origins read from configuration.`;
  }
  return `CORS allows any origin (${configuration.library}${where}): every site may read this API's responses from a visitor's browser${WILDCARD_REACH}. Allow a list of origins read from configuration.`;
}

/** What `*` really opens: browsers hide a `*` answer to a request that carried cookies, so what leaks is what the visitor's network position or IP grants. */
const WILDCARD_REACH =
  " when the request carries no cookies (browsers hide a `*` answer from a page that sent them): fine for public data, a leak wherever the answer depends on where the request comes from (an internal network, an IP allow-list, a local dev server)";

function allowListFix(configuration: CorsConfiguration, context: RuleContext): Fix[] {
  const edits = allowListEdits(configuration, context);
  return edits ? [{ title: FIX_TITLE, edits }] : [];
}

function allowListEdits(configuration: CorsConfiguration, context: RuleContext): TextEdit[] | undefined {
  const { call, options, optionsIndex } = configuration;
  if (configuration.kind === 'header' || !configuration.acceptsOriginList || !call || optionsIndex === undefined || options?.from) return undefined;
  const quote = stringQuoteOf(context.sourceFile);
  const allowList = `process.env.${ORIGIN_ALLOW_LIST_VARIABLE}?.split(${quote},${quote}) ?? []`;
  const literal = options?.literal;
  if (literal) {
    const origin = literal.getProperty('origin');
    if (!origin) return addObjectProperty(literal, `origin: ${allowList}`);
    if (Node.isPropertyAssignment(origin)) return [replaceExpression(origin.getInitializer()!, allowList)];
    return [replaceExpression(origin, `origin: ${allowList}`)];
  }
  // Nest `NestFactory.create(AppModule, { cors: true })`: the option's value becomes the options.
  if (Node.isPropertyAssignment(configuration.node)) return [replaceExpression(configuration.node.getInitializer()!, `{ origin: ${allowList} }`)];
  if (call.getArguments()[optionsIndex] === undefined && call.getArguments().length === optionsIndex) return [insertArgument(call, optionsIndex, `{ origin: ${allowList} }`)];
  return undefined;
}
