import * as assert from 'node:assert/strict';
import { SyntaxKind, type SourceFile } from 'ts-morph';
import { FileFacts } from 'preflight-server/out/facts';
import { requestInputReaching } from 'preflight-server/out/facts/request-input-flow';
import { withFiles } from '../support/facts-project';

/** What reaches the argument of the file's call to `sink(...)`: `part/shape[/validated][/string]` per reach, or `none`. */
function reachOfSink(sourceFile: SourceFile): string {
  const call = sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression).find((candidate) => candidate.getExpression().getText() === 'sink')!;
  const reaches = requestInputReaching(call.getArguments()[0]!, FileFacts.of(sourceFile));
  if (reaches.length === 0) return 'none';
  return reaches
    .map((reach) => [reach.part, reach.shape, ...(reach.validated ? ['validated'] : []), ...(reach.stringified ? ['string'] : [])].join('/'))
    .join(', ');
}

const EXPRESS = "import express from 'express';\nconst app = express();\ndeclare function sink(value: unknown): void;\n";
const route = (body: string, setup = ''): string => `${EXPRESS}${setup}app.post('/x', async (req, res) => {\n${body}\n});\n`;

describe('facts/request-input-flow requestInputReaching', () => {
  const cases: [string, string, string][] = [
    ['the whole body', route('  sink(req.body);'), 'body/object'],
    ['a field of the query', route('  sink(req.query.q);'), 'query/value'],
    ['a destructured field', route('  const { email } = req.body;\n  sink(email);'), 'body/value'],
    ['the rest of a destructuring', route('  const { id, ...rest } = req.body;\n  sink(rest);'), 'body/object'],
    ['a spread into an object literal', route('  sink({ ...req.body, at: Date.now() });'), 'body/object'],
    ['picked fields in an object literal are not the input', route('  sink({ name: req.body.name });'), 'none'],
    ['a template string', route('  sink(`a-${req.params.id}`);'), 'params/value/string'],
    ['a let assigned later', route('  let q;\n  q = req.query.q;\n  sink(q);'), 'query/value'],
    ['String() makes it a string', route('  sink(String(req.body.email));'), 'body/value/string'],
    ['Number() leaves no input', route('  sink(Number(req.query.limit));'), 'none'],
    ['a comparison leaves no input', route("  sink(req.query.all === 'true');"), 'none'],
    ['through a helper that returns its parameter', route('  sink(pick(req.body));', 'function pick(body: any) { return body.user; }\n'), 'body/value'],
    ['into a helper whose parameter reaches the sink', `${EXPRESS}function save(data: unknown) { sink(data); }\napp.post('/x', (req, res) => save(req.body));\n`, 'body/object'],
    ['zod parse validates', route('  sink(Schema.parse(req.body));', "import { z } from 'zod';\nconst Schema = z.object({});\n"), 'body/object/validated'],
    ['a validator call on the part validates later reads', route('  const { error } = schema.validate(req.body);\n  if (error) return;\n  sink(req.body.name);', "import Joi from 'joi';\nconst schema = Joi.object({});\n"), 'body/value/validated'],
    ['JSON.parse is no validator', route('  sink(JSON.parse(req.query.filter));'), 'query/object'],
    ['a value not from the request', route('  sink(process.env.HOME);'), 'none'],
    [
      'Koa ctx.request.body',
      "import Router from '@koa/router';\nconst router = new Router();\ndeclare function sink(value: unknown): void;\nrouter.post('/x', (ctx) => sink(ctx.request.body));\n",
      'body/object',
    ],
    [
      'a Nest @Param() value',
      "import { Controller, Get, Param } from '@nestjs/common';\ndeclare function sink(value: unknown): void;\n@Controller('x')\nexport class X {\n  @Get(':id')\n  get(@Param('id') id: string) { return sink(id); }\n}\n",
      'params/value',
    ],
    [
      'a typed Express Request in a controller file',
      "import type { Request, Response } from 'express';\ndeclare function sink(value: unknown): void;\nexport function create(req: Request, res: Response) { sink(req.body); }\n",
      'body/object',
    ],
  ];
  for (const [name, code, expected] of cases) {
    it(name, () => {
      withFiles({ 'case.ts': code }, (file) => assert.equal(reachOfSink(file('case.ts')), expected));
    });
  }
});
