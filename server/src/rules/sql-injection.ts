import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Fix } from '../engine/finding';
import type { FileFacts } from '../facts';
import { rawSqlCallOf, sqlInterpolations, isValuePosition, type RawSqlCall, type SqlInterpolation } from '../facts/raw-sql';
import { requestInputReaching, type InputReach } from '../facts/request-input-flow';
import { isCommandLineProgram } from '../facts/runtime';
import { unwrapExpression } from '../facts/syntax';
import { ESCAPING_METHODS, SANITIZERS } from '../facts/tables/request-input-flow';
import { PRISMA_UNSAFE_RAW, type RawSqlApi } from '../facts/tables/raw-sql';
import { parameterisedSql, type PlaceholderStyle } from '../edits/sql-placeholders';
import { createRule } from './rule';

export const sqlInjection = createRule({
  meta: {
    id: 'sql-injection',
    title: 'SQL built by interpolation runs as written',
    category: 'security',
    defaultSeverity: 'error',
    cwe: [89],
    summary: [
      'A value spliced into SQL text is SQL: `\' OR 1=1 --` as a name logs in as anyone, and `\'; DROP TABLE users; --` ends the table.',
      'Raw-query APIs (pg and mysql2 `query`, Knex `raw`/`whereRaw`, Sequelize and TypeORM `query`, Prisma `$queryRawUnsafe`) run the text as it is; only bound parameters keep values values.',
    ].join(' '),
    explanation: [
      'The database cannot tell the statement the code meant from the one the text now says. With',
      '`` pool.query(`SELECT * FROM users WHERE email = \'${email}\'`) ``, an email of `x\' OR \'1\'=\'1` returns every user;',
      '`x\' UNION SELECT password_hash FROM users --` returns the hashes; on drivers that run several statements, `\'; DROP TABLE users; --` runs too.',
      'Escaping by hand misses a case sooner or later (a backslash, a multibyte quote, a number that is a string).',
      '',
      'The rule flags SQL text built by a template or `+` and passed to a raw-query API when an interpolated value is:',
      '- request input (`req.body`, `req.query`, `req.params`, Koa `ctx`, Fastify `request`, Nest `@Body()`/`@Query()`/`@Param()`), followed through variables, helpers and destructuring, in any position, validated or not (a validated string is still a string);',
      '- or, whatever its origin, a string in a value position (`= ${x}`, `\'${x}\'`, `LIKE \'%${x}%\'`, `IN (${x})`, `LIMIT ${x}`): that value is clearly unescaped, and a parameter fixes it.',
      '',
      'Values of unknown origin in identifier positions (a table, a column, an alias, a sort direction from the code\'s own names) are not flagged: they cannot be parameters, and are attacker-influenced only when input reaches them, which the first case covers.',
    ].join('\n'),
    shortFix: [
      'Pass values as parameters: `pool.query(\'... WHERE id = $1\', [id])`, `knex.raw(\'... = ?\', [id])`, Prisma\'s tagged `` $queryRaw`... ${id}` ``, Sequelize `replacements`, TypeORM `:name` parameters.',
      'Identifiers from input: pick them from an allow-list. The quick-fix parameterises a single template literal whose values are all in value positions.',
    ].join('\n'),
    fix: [
      'Bind every value:',
      '- node-postgres: `pool.query(\'SELECT * FROM users WHERE email = $1\', [email])`;',
      '- mysql2: `conn.execute(\'SELECT * FROM users WHERE email = ?\', [email])`;',
      '- Knex: `knex.raw(\'... = ?\', [email])`, `.whereRaw(\'lower(email) = ?\', [email])`;',
      '- Prisma: the tagged `` prisma.$queryRaw`SELECT * FROM "User" WHERE email = ${email}` `` (every `${}` is a parameter), `Prisma.sql` for fragments;',
      '- Sequelize: `sequelize.query(\'... = :email\', { replacements: { email } })`; TypeORM: `.where(\'user.email = :email\', { email })`.',
      '',
      'A table, column or sort direction cannot be a parameter: map the input to one of a fixed set (`const column = SORTABLE[req.query.sort] ?? \'created_at\'`).',
    ].join('\n'),
    notFlagged: [
      "Prisma's tagged `` $queryRaw`...${x}` `` and `` $executeRaw`...` ``, Knex `?` bindings, `$1` placeholders with a values array, Sequelize `replacements`/`bind`, TypeORM `:name` parameters.",
      'Compile-time constants: a `const` bound to a string literal, literal-only concatenation, a member of an object of literals, a value typed as a literal union, an enum, a number, a boolean or a date.',
      'Values through an escaping function (`pg-format`, `escapeLiteral`, `escapeIdentifier`, mysql `escape`/`escapeId`, sqlstring).',
      'Identifier positions (`"${alias}".id`, `ORDER BY ${column}`) holding values that no request input reaches.',
      'SQL text the function receives whole (a parameter, a call result): its builder is judged where it builds it.',
    ],
    examples: [
      {
        bad: ["app.get('/users', async (req, res) => {", '  const { rows } = await pool.query(`SELECT * FROM users WHERE email = \'${req.query.email}\'`);', '  res.json(rows);', '});'].join('\n'),
        good: ["app.get('/users', async (req, res) => {", "  const { rows } = await pool.query(`SELECT * FROM users WHERE email = $1`, [req.query.email]);", '  res.json(rows);', '});'].join('\n'),
      },
      {
        bad: 'const rows = await prisma.$queryRawUnsafe(`SELECT * FROM "Order" WHERE "userId" = \'${userId}\'`);',
        good: 'const rows = await prisma.$queryRaw`SELECT * FROM "Order" WHERE "userId" = ${userId}`;',
      },
    ],
  },
  create(context) {
    if (isCommandLineProgram(context.sourceFile)) return {};
    return {
      [SyntaxKind.CallExpression]: (call: CallExpression) => {
        const raw = rawSqlCallOf(call, context.facts);
        if (!raw) return;
        const interpolations = sqlInterpolations(raw.sql, context.facts);
        if (interpolations.length === 0) return;
        const flagged = interpolations.map((interpolation) => ({ interpolation, verdict: verdictOf(interpolation, context.facts) })).filter((entry) => entry.verdict !== undefined);
        const first = flagged[0];
        if (!first) return;
        const fix = parameterisingFix(raw, interpolations, context.facts);
        context.report({
          node: call,
          message: messageOf(raw, first.interpolation, first.verdict!),
          related: flagged.map(({ interpolation, verdict }) => ({
            node: interpolation.expression,
            message: verdict!.kind === 'input' ? `request input, read at \`${describeSource(verdict!.reach)}\`` : 'a value spliced into a value position',
          })),
          ...(fix ? { fixes: [fix] } : {}),
        });
      },
    };
  },
});

type Verdict = { kind: 'input'; reach: InputReach } | { kind: 'unescaped' };

function verdictOf(interpolation: SqlInterpolation, facts: FileFacts): Verdict | undefined {
  if (isEscaped(interpolation.expression, facts)) return undefined;
  const reach = requestInputReaching(interpolation.expression, facts).find((candidate) => !candidate.safeFor.includes('sql'));
  if (reach) return { kind: 'input', reach };
  return isValuePosition(interpolation) ? { kind: 'unescaped' } : undefined;
}

/** `format('%L', x)` of pg-format, `client.escapeLiteral(x)`, `mysql.escape(x)`, `sequelize.escape(x)`. */
function isEscaped(expression: Node, facts: FileFacts): boolean {
  const node = unwrapExpression(expression);
  if (!Node.isCallExpression(node)) return false;
  const callee = unwrapExpression(node.getExpression());
  if (Node.isPropertyAccessExpression(callee) && ESCAPING_METHODS.includes(callee.getName())) return true;
  const origin = facts.origin(callee);
  return SANITIZERS.some((entry) => entry.safeFor.includes('sql') && origin.kind === 'module' && origin.module === entry.module && origin.path.join('.') === entry.path.join('.'));
}

function describeSource(reach: InputReach): string {
  const source = reach.source;
  if (Node.isParameterDeclaration(source)) return `${source.getDecorators()[0]?.getText() ?? ''} ${source.getName()}`.trim();
  return source.getText();
}

function messageOf(raw: RawSqlCall, interpolation: SqlInterpolation, verdict: Verdict): string {
  const value = excerpt(interpolation.expression.getText());
  const what =
    verdict.kind === 'input'
      ? `request input (\`${value}\`, from \`${describeSource(verdict.reach)}\`)`
      : `\`${value}\`, a value the code does not show to be constant, spliced into a value position`;
  return `${raw.label} runs SQL built with ${what}: a quote in it rewrites the statement (\`' OR 1=1 --\`). Bind it as a parameter instead.`;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 37)}...` : flat;
}

/**
 * The parameterised form of a single template literal passed alone, when
 * every interpolation is a value: Prisma's tagged `$queryRaw`, `$1`
 * placeholders for node-postgres, `?` for mysql2 and Knex.
 */
function parameterisingFix(raw: RawSqlCall, interpolations: SqlInterpolation[], facts: FileFacts): Fix | undefined {
  const template = unwrapExpression(raw.sql);
  if (!Node.isTemplateExpression(template) || raw.call.getArguments().length !== 1 || template !== raw.sql) return undefined;
  const style: PlaceholderStyle | 'none' = raw.api === 'prisma' ? 'tagged' : raw.api.placeholders;
  if (style === 'none') return undefined;
  const spans = template.getTemplateSpans();
  // Every span must be a value; a constant spliced in an identifier position is part of the statement.
  const byExpression = new Map(interpolations.map((interpolation) => [interpolation.expression, interpolation]));
  const isValue = (index: number) => {
    const interpolation = byExpression.get(unwrapExpression(spans[index]!.getExpression()));
    return interpolation !== undefined && isValuePosition(interpolation) && !isEscaped(interpolation.expression, facts);
  };
  const rewritten = parameterisedSql(template, style, isValue);
  if (!rewritten) return undefined;
  if (raw.api === 'prisma') {
    const callee = raw.call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const tag = PRISMA_UNSAFE_RAW[raw.method]!;
    return {
      title: `Use the tagged ${tag}\`...\` (binds each value)`,
      edits: [{ start: callee.getNameNode().getStart(), end: raw.call.getEnd(), newText: tag + typeArgumentsOf(raw.call) + rewritten.template }],
    };
  }
  return {
    title: `Bind the values as parameters (${style === 'numbered' ? '$1' : '?'})`,
    edits: [{ start: template.getStart(), end: template.getEnd(), newText: `${rewritten.template}, ${valuesArgument(raw.api, rewritten.values)}` }],
  };
}

function typeArgumentsOf(call: CallExpression): string {
  const types = call.getTypeArguments();
  return types.length > 0 ? `<${types.map((type) => type.getText()).join(', ')}>` : '';
}

function valuesArgument(api: RawSqlApi, values: string[]): string {
  const list = `[${values.join(', ')}]`;
  return api.values === 'replacements' ? `{ replacements: ${list} }` : list;
}
