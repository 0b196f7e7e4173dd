/**
 * `npm run docs`: regenerates docs/rules/*.md, docs/rules/README.md and the
 * config schema from the rule metadata. A script entry only: import nothing from here.
 */
import { repositoryRoot, writeGeneratedFiles } from './generate';

const { written, removed } = writeGeneratedFiles(repositoryRoot());
for (const file of written) process.stdout.write(`wrote ${file}\n`);
for (const file of removed) process.stdout.write(`removed ${file}\n`);
if (written.length === 0 && removed.length === 0) process.stdout.write('rule docs and config schema are up to date\n');
