import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { Customer } from '../../shared/schemas/customers.js';
import { createApp } from '../../server/app.js';
import { generateBackupHistory } from '../../server/seed/backup.js';
import { generateCustomers } from '../../server/seed/customers.js';
import { customers as customersCollection } from '../../server/services/customer-collection.js';

export interface GeneratedStore {
  dir: string;
  customers: Customer[];
  policies: number;
  sessions: number;
  logRecords: number;
  generateMs: number;
}

/**
 * A large service provider in a data folder, with the seeded generators the demo uses:
 * customers, then policies with `days` of daily sessions (and their log records) each.
 */
export async function generateStore(options: { dir: string; adminKey: string; customers: number; policiesPerCustomer: number; days: number; now: Date; seed?: number }): Promise<GeneratedStore> {
  const started = performance.now();
  await rm(options.dir, { recursive: true, force: true });
  await mkdir(options.dir, { recursive: true });
  const hub = await createApp({ config: { dataDir: options.dir, demo: false, adminKey: options.adminKey, env: { SPHUB_SCHEDULER: 'off' } } });
  const customers = generateCustomers(options.customers, { seed: options.seed ?? 11, now: options.now, provisioningMs: 0 });
  for (let i = 0; i < customers.length; i += 2_000) {
    await hub.ctx.store.write((tx) => customers.slice(i, i + 2_000).forEach((c) => tx.put(customersCollection, c)));
  }
  const history = await generateBackupHistory({
    store: hub.ctx.store,
    dir: options.dir,
    now: options.now,
    policiesPerCustomer: options.policiesPerCustomer,
    days: options.days,
    seed: options.seed ?? 7,
  });
  await hub.close();
  return { dir: options.dir, customers, ...history, generateMs: Math.round(performance.now() - started) };
}

/** The same customers as a json-server database. */
export async function writeJsonServerDb(file: string, customers: Customer[]): Promise<void> {
  await writeFile(file, JSON.stringify({ customers }));
}
