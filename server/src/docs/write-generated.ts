/**
 * `npm run docs`: regenerates docs/rules/*.md, docs/rules/README.md, the
 * config schema and package.json's `preflight.rules` setting from the rule metadata. A script entry only: import nothing from here.
 */
import { repositoryRoot, writeGeneratedFiles } from './generate';

const { written, removed } = writeGeneratedFiles(repositoryRoot());
for (const file of written) process.stdout.write(`wrote ${file}\n`);
for (const file of removed) process.stdout.write(`removed ${file}\n`);
if (written.length === 0 && removed.length === 0) process.stdout.write('rule docs, config schema and the preflight.rules setting are up to date\n');
