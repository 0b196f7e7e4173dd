/**
 * Packages whose clients talk to another service over the network: a method
 * call on one of their instances (or on the module itself) that returns a
 * promise is a round trip. Used by facts/io.ts beside the HTTP clients
 * (tables/http-clients.ts) and the ORM table (tables/databases.ts), which know
 * more about their calls. Adding a client is a change to this table only.
 *
 * Default retries, as their documentation states: AWS SDK v3 makes 3 attempts
 * (standard retry strategy), v2 retries 3 times; Stripe Node retries once
 * (`maxNetworkRetries`, adding an idempotency key to the retried POST); OpenAI
 * and Anthropic retry twice (`maxRetries`); Google Cloud clients retry
 * idempotent calls through gax; firebase-admin retries 503s and connection
 * resets; Slack's WebClient and the `octokit` bundle (plugin-retry) retry.
 * nodemailer, SendGrid, Resend, Postmark, Twilio, `@octokit/rest` and
 * supabase-js do not.
 */

export interface NetworkClientModule {
  /** The package as imported. */
  module: string;
  /** Match every package under this scope or prefix too (`@aws-sdk/` covers `@aws-sdk/client-s3`). */
  prefix?: boolean;
  /** What its calls reach, for messages: "the database", "Redis". */
  service: string;
  kind: 'database' | 'network';
  /**
   * How the client retries a failed call on its own (network clients only; see
   * tables/retry-policies.ts): `byDefault` when it does with no configuration;
   * `option` is the client option that sets the count, and `off` the value at or
   * below which it no longer retries (`maxRetries: 0`, AWS `maxAttempts: 1`).
   */
  retries?: { byDefault: boolean; option?: string; off?: number };
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
  { module: '@aws-sdk/', prefix: true, service: 'AWS', kind: 'network', retries: { byDefault: true, option: 'maxAttempts', off: 1 } },
  { module: 'aws-sdk', service: 'AWS', kind: 'network', retries: { byDefault: true, option: 'maxRetries', off: 0 } },
  { module: '@google-cloud/', prefix: true, service: 'Google Cloud', kind: 'network', retries: { byDefault: true } },
  { module: 'firebase-admin', service: 'Firebase', kind: 'network', retries: { byDefault: true } },
  { module: 'stripe', service: 'Stripe', kind: 'network', retries: { byDefault: true, option: 'maxNetworkRetries', off: 0 } },
  { module: 'nodemailer', service: 'the mail server', kind: 'network', retries: { byDefault: false } },
  { module: '@sendgrid/mail', service: 'SendGrid', kind: 'network', retries: { byDefault: false } },
  { module: 'resend', service: 'Resend', kind: 'network', retries: { byDefault: false } },
  { module: 'postmark', service: 'Postmark', kind: 'network', retries: { byDefault: false } },
  { module: 'twilio', service: 'Twilio', kind: 'network', retries: { byDefault: false } },
  { module: 'openai', service: 'OpenAI', kind: 'network', retries: { byDefault: true, option: 'maxRetries', off: 0 } },
  { module: '@anthropic-ai/sdk', service: 'Anthropic', kind: 'network', retries: { byDefault: true, option: 'maxRetries', off: 0 } },
  { module: '@slack/web-api', service: 'Slack', kind: 'network', retries: { byDefault: true } },
  { module: '@octokit/rest', service: 'GitHub', kind: 'network', retries: { byDefault: false } },
  { module: 'octokit', service: 'GitHub', kind: 'network', retries: { byDefault: true } },
  { module: '@supabase/supabase-js', service: 'Supabase', kind: 'network', retries: { byDefault: false } },
];
