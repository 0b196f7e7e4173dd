
/** Where a command reads and writes; the real process by default, so tests can run commands in-process too. */
export interface CliIO {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colours in text output (stdout is a terminal and NO_COLOR is unset). */
  color: boolean;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}


export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
