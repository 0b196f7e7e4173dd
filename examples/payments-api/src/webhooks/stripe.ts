import type { Request, Response } from 'express';
import Stripe from 'stripe';
import { logger } from '../lib/logger';
import { getInvoice } from '../billing/client';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '', { apiVersion: '2024-06-20' });

async function sendReceipt(customerEmail: string, invoiceId: string): Promise<void> {
  const invoice = await getInvoice(invoiceId);
  logger.info('receipt sent', { customerEmail, invoiceId: invoice.id });
}

async function markPaid(invoiceId: string): Promise<void> {
  logger.info('invoice paid', { invoiceId });
}

export async function handleStripeWebhook(req: Request, res: Response): Promise<void> {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(req.body, req.header('stripe-signature') ?? '', process.env.STRIPE_WEBHOOK_SECRET ?? '');
  } catch (error) {
    logger.warn('rejected webhook with a bad signature', { error: String(error) });
    res.status(400).send('bad signature');
    return;
  }

  if (event.type === 'invoice.paid') {
    const invoice = event.data.object as Stripe.Invoice;
    await markPaid(invoice.id ?? '');
    // Nobody awaits this: if it rejects, the process logs an unhandled rejection (or exits).
    sendReceipt(invoice.customer_email ?? '', invoice.id ?? '');
  }

  if (event.type === 'invoice.payment_failed') {
    try {
      await notifyFinance(event);
    } catch (error) {}
  }

  res.json({ received: true });
}

const FINANCE_WEBHOOK_URL = process.env.FINANCE_WEBHOOK_URL ?? 'https://finance.internal/hooks/payment-failed';

async function notifyFinance(event: Stripe.Event): Promise<void> {
  logger.warn('payment failed', { eventId: event.id });
  await fetch(FINANCE_WEBHOOK_URL, {
    method: 'POST',
    body: JSON.stringify({ eventId: event.id }),
    signal: AbortSignal.timeout(5_000),
  });
}
