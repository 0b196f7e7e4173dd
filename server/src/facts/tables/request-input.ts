/**
 * Where a server receives input from its callers: the request objects of HTTP
 * frameworks and the parameter decorators that inject the request's body,
 * query or GraphQL arguments. Used by facts/list-sources.ts: a list read from
 * there is as long as the caller makes it. Adding a framework is a change to
 * this table only.
 */

/** A framework's request class and the properties of it that hold the caller's input. */
export interface RequestClass {
  module: string;
  classNames: readonly string[];
  inputProperties: readonly string[];
}

export const REQUEST_CLASSES: readonly RequestClass[] = [
  { module: 'express', classNames: ['Request'], inputProperties: ['body', 'query'] },
  { module: 'express-serve-static-core', classNames: ['Request'], inputProperties: ['body', 'query'] },
  { module: 'fastify', classNames: ['FastifyRequest'], inputProperties: ['body', 'query'] },
  { module: 'koa', classNames: ['Request'], inputProperties: ['body', 'query'] },
  { module: 'next', classNames: ['NextApiRequest'], inputProperties: ['body', 'query'] },
];

/** Parameter decorators whose parameter receives the caller's input: Nest `@Body()`, `@Query()`, `@Args()`. */
export interface InputDecorator {
  module: string;
  names: readonly string[];
}

export const REQUEST_INPUT_DECORATORS: readonly InputDecorator[] = [
  { module: '@nestjs/common', names: ['Body', 'Query'] },
  { module: '@nestjs/graphql', names: ['Args'] },
  { module: 'type-graphql', names: ['Arg', 'Args'] },
];
