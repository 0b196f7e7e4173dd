import axios from 'axios';
import { logger } from '../lib/logger';

const BILLING_URL = process.env.BILLING_URL ?? 'https://billing.internal.example';

export interface Invoice {
  id: string;
  customerId: string;
  amountCents: number;
  status: 'open' | 'paid' | 'void';
}

/** Looks up an invoice. No timeout: a slow billing service holds this request open forever. */
export async function getInvoice(invoiceId: string): Promise<Invoice> {
  const response = await fetch(`${BILLING_URL}/invoices/${encodeURIComponent(invoiceId)}`);
  if (!response.ok) throw new Error(`billing returned ${response.status} for invoice ${invoiceId}`);
  return (await response.json()) as Invoice;
}

/** Same call with a deadline: fine. */
export async function getInvoiceStatus(invoiceId: string): Promise<Invoice['status']> {
  const response = await fetch(`${BILLING_URL}/invoices/${encodeURIComponent(invoiceId)}/status`, {
    signal: AbortSignal.timeout(3_000),
  });
  if (!response.ok) throw new Error(`billing returned ${response.status} for invoice ${invoiceId}`);
  const body = (await response.json()) as { status: Invoice['status'] };
  return body.status;
}

/** axios without a timeout waits as long as the socket stays open. */
export async function listInvoices(customerId: string): Promise<Invoice[]> {
  const { data } = await axios.get<Invoice[]>(`${BILLING_URL}/customers/${customerId}/invoices`);
  return data;
}

/** A client with a timeout on the instance covers every call made through it. */
const billing = axios.create({ baseURL: BILLING_URL, timeout: 5_000 });

export async function voidInvoice(invoiceId: string): Promise<void> {
  await billing.post(`/invoices/${invoiceId}/void`);
  logger.info('invoice voided', { invoiceId });
}

export async function refundInvoice(invoiceId: string, amountCents: number): Promise<void> {
  await axios.post(`${BILLING_URL}/invoices/${invoiceId}/refunds`, { amountCents });
}
