/**
 * `preflight/status`: sent by the server whenever the number of open documents
 * waiting for or in analysis changes, so that a client can show that it is busy
 * ("analysing 3 files"); `analysing: 0` means idle. Plain LSP clients ignore it.
 */
export const STATUS_NOTIFICATION = 'preflight/status';

export interface StatusNotification {
  analysing: number;
}
