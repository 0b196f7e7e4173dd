import { listInvoices, voidInvoice } from '../billing/client';
import { logger } from '../lib/logger';

async function reconcileCustomer(customerId: string): Promise<void> {
  const invoices = await listInvoices(customerId);
  for (const invoice of invoices.filter((i) => i.status === 'open' && i.amountCents === 0)) {
    await voidInvoice(invoice.id);
  }
}

/** Every hour: a rejection here is an unhandled rejection, and the job silently stops doing its work. */
export function scheduleReconcile(customerIds: string[]): NodeJS.Timeout {
  return setInterval(async () => {
    for (const customerId of customerIds) await reconcileCustomer(customerId);
  }, 60 * 60 * 1000);
}

/** The same job, with its failures recorded. */
export function scheduleReconcileSafely(customerIds: string[]): NodeJS.Timeout {
  return setInterval(() => {
    void runReconcile(customerIds).catch((error: unknown) => logger.error('reconcile failed', { error: String(error) }));
  }, 60 * 60 * 1000);
}

async function runReconcile(customerIds: string[]): Promise<void> {
  for (const customerId of customerIds) await reconcileCustomer(customerId);
}
