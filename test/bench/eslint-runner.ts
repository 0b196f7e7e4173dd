// Runs ESLint with type information over a list of files, in its own process, and reports its peak RSS.
// The configuration is the one Preflight is compared against: typescript-eslint's promise rules with
// the type checker (one program for all the files), plus the security, promise, n and sonarjs plugins.
//   node eslint-runner.js JOB.json   (JOB: { cwd, files, tsconfig })
import * as fs from 'node:fs';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import n from 'eslint-plugin-n';
import sonarjs from 'eslint-plugin-sonarjs';

/** These two ship no types: their flat configs, as they export them. */
type PluginWithConfigs = { configs: Record<string, Linter.Config> };
const security = require('eslint-plugin-security') as PluginWithConfigs;
const promise = require('eslint-plugin-promise') as PluginWithConfigs;

interface Job {
  cwd: string;
  files: string[];
  tsconfig: string;
}

function config(job: Job): Linter.Config[] {
  return [
    {
      files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
      languageOptions: {
        parser: tseslint.parser as Linter.Parser,
        parserOptions: { project: job.tsconfig, tsconfigRootDir: job.cwd, ecmaFeatures: { jsx: true } },
      },
      plugins: { '@typescript-eslint': tseslint.plugin as unknown as ESLint.Plugin },
      rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
    },
    security.configs.recommended!,
    promise.configs['flat/recommended']!,
    n.configs['flat/recommended'] as Linter.Config,
    sonarjs.configs!.recommended as Linter.Config,
  ];
}

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as Job;
  const eslint = new ESLint({ cwd: job.cwd, overrideConfigFile: true, overrideConfig: config(job), errorOnUnmatchedPattern: false });
  const results = await eslint.lintFiles(job.files);
  const messages = results.reduce((sum, result) => sum + result.messages.length, 0);
  const fatal = results.reduce((sum, result) => sum + result.fatalErrorCount, 0);
  process.stdout.write(`${JSON.stringify({ files: results.length, messages, fatal, maxRSS: process.resourceUsage().maxRSS })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`eslint-runner: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
