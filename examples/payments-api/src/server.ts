import express from 'express';
import { getInvoice, getInvoiceStatus } from './billing/client';
import { handleStripeWebhook } from './webhooks/stripe';
import { scheduleReconcileSafely } from './jobs/reconcile';
import { logger } from './lib/logger';

const app = express();

app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});

app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), handleStripeWebhook);

app.get('/invoices/:id', async (req, res, next) => {
  try {
    res.json(await getInvoice(req.params.id));
  } catch (error) {
    next(error);
  }
});

app.get('/invoices/:id/status', async (req, res, next) => {
  try {
    res.json({ status: await getInvoiceStatus(req.params.id) });
  } catch (error) {
    next(error);
  }
});

const timer = scheduleReconcileSafely((process.env.RECONCILE_CUSTOMERS ?? '').split(',').filter(Boolean));

const server = app.listen(Number(process.env.PORT ?? 3000), () => logger.info('payments-api listening'));

process.on('SIGTERM', () => {
  clearInterval(timer);
  server.close(() => process.exit(0));
});
