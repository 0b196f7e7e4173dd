import type { Connection } from 'vscode-languageserver/node';
import type { PreflightServices } from './services';

/**
 * Registers the `preflight/checklist*` requests.
 * Placeholder: the readiness-checklist work replaces this file.
 */
export function registerChecklistRequests(_connection: Connection, _services: PreflightServices): void {}
