/**
 * Packages whose clients talk to another service over the network: a method
 * call on one of their instances (or on the module itself) that returns a
 * promise is a round trip. Used by facts/io.ts beside the HTTP clients
 * (tables/http-clients.ts) and the ORM table (tables/databases.ts), which know
 * more about their calls. Adding a client is a change to this table only.
 */

export interface NetworkClientModule {
  /** The package as imported. */
  module: string;
  /** Match every package under this scope or prefix too (`@aws-sdk/` covers `@aws-sdk/client-s3`). */
  prefix?: boolean;
  /** What its calls reach, for messages: "the database", "Redis". */
  service: string;
  kind: 'database' | 'network';
}

export const NETWORK_CLIENT_MODULES: readonly NetworkClientModule[] = [
  { module: 'pg', service: 'PostgreSQL', kind: 'database' },
  { module: 'postgres', service: 'PostgreSQL', kind: 'database' },
  { module: 'mysql', service: 'MySQL', kind: 'database' },
  { module: 'mysql2', service: 'MySQL', kind: 'database' },
  { module: 'mysql2/promise', service: 'MySQL', kind: 'database' },
  { module: 'knex', service: 'the database', kind: 'database' },
  { module: 'typeorm', service: 'the database', kind: 'database' },
  { module: 'sequelize', service: 'the database', kind: 'database' },
  { module: 'mongodb', service: 'MongoDB', kind: 'database' },
  { module: 'mongoose', service: 'MongoDB', kind: 'database' },
  { module: '@clickhouse/client', service: 'ClickHouse', kind: 'database' },
  { module: '@elastic/elasticsearch', service: 'Elasticsearch', kind: 'database' },
  { module: 'cassandra-driver', service: 'Cassandra', kind: 'database' },
  { module: '@planetscale/database', service: 'the database', kind: 'database' },
  { module: 'ioredis', service: 'Redis', kind: 'database' },
  { module: 'redis', service: 'Redis', kind: 'database' },
  { module: '@redis/client', service: 'Redis', kind: 'database' },
  { module: '@upstash/redis', service: 'Redis', kind: 'database' },
  { module: '@aws-sdk/', prefix: true, service: 'AWS', kind: 'network' },
  { module: 'aws-sdk', service: 'AWS', kind: 'network' },
  { module: '@google-cloud/', prefix: true, service: 'Google Cloud', kind: 'network' },
  { module: 'firebase-admin', service: 'Firebase', kind: 'network' },
  { module: 'stripe', service: 'Stripe', kind: 'network' },
  { module: 'nodemailer', service: 'the mail server', kind: 'network' },
  { module: '@sendgrid/mail', service: 'SendGrid', kind: 'network' },
  { module: 'resend', service: 'Resend', kind: 'network' },
  { module: 'postmark', service: 'Postmark', kind: 'network' },
  { module: 'twilio', service: 'Twilio', kind: 'network' },
  { module: 'openai', service: 'OpenAI', kind: 'network' },
  { module: '@anthropic-ai/sdk', service: 'Anthropic', kind: 'network' },
  { module: '@slack/web-api', service: 'Slack', kind: 'network' },
  { module: '@octokit/rest', service: 'GitHub', kind: 'network' },
  { module: 'octokit', service: 'GitHub', kind: 'network' },
  { module: '@supabase/supabase-js', service: 'Supabase', kind: 'network' },
];
