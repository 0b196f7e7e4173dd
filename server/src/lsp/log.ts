import type { Connection } from 'vscode-languageserver/node';

/** The server's log: the client's output channel (window/logMessage), never stdout. */
export class ServerLog {
  private readonly loggedOnce = new Set<string>();

  constructor(private readonly connection: Connection) {}

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string, error?: unknown): void {
    this.write('error', error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  /** Logs `message` the first time `key` is seen in this session, and never again. */
  once(key: string, level: 'info' | 'warn' | 'error', message: string): void {
    if (this.loggedOnce.has(key)) return;
    this.loggedOnce.add(key);
    this.write(level, message);
  }

  private write(level: 'info' | 'warn' | 'error', message: string): void {
    try {
      this.connection.console[level](message);
    } catch {
      // The connection is gone (client exited); stderr is the last place left.
      process.stderr.write(`preflight-lsp [${level}] ${message}\n`);
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Wraps an LSP handler so that an error is logged and answered with `fallback`
 * instead of escaping into the connection (or the process).
 */
export function guarded<P extends unknown[], R>(
  log: ServerLog,
  name: string,
  fallback: R,
  handler: (...params: P) => R | Promise<R>,
): (...params: P) => Promise<R> {
  return async (...params: P): Promise<R> => {
    try {
      return await handler(...params);
    } catch (error) {
      log.error(`${name} failed`, error);
      return fallback;
    }
  };
}
