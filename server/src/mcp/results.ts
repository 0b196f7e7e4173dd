import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * A problem with the call an agent can act on (an unknown path, no git, a
 * broken config, a file that does not parse): the tool answers `isError` with
 * this one sentence instead of a result.
 */
export class ToolInputError extends Error {}

/** A tool's answer: the readable text part, and the same content as structuredContent. */
export function toolResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

export function toolError(sentence: string): CallToolResult {
  return { content: [{ type: 'text', text: sentence }], isError: true };
}

/** Runs a tool; whatever goes wrong becomes an `isError` answer, so no call can bring the server down. */
export async function answering(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ToolInputError) return toolError(error.message);
    const message = error instanceof Error ? error.message : String(error);
    return toolError(`Preflight failed internally (${message.split('\n')[0]}); the server is still running, and other calls work.`);
  }
}

/** "1 finding", "3 findings". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
