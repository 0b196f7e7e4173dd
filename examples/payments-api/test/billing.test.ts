// Test files are not analysed: this fetch without a timeout is not reported.
import { getInvoice } from '../src/billing/client';

export async function smoke(): Promise<void> {
  await fetch('http://localhost:3000/healthz');
  await getInvoice('in_test');
}
