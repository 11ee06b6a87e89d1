/**
 * Imports at provider scale: a customers CSV of N rows (10,000 by default) in the export's
 * format, as a dry run, for real (one store write, on disk), and again (every row unchanged);
 * then 10,000 licensed users of one customer. Prints seconds; figures, not assertions.
 *
 *   npx tsx test/bench/import.ts [rows=10000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../shared/domain/clock.js';
import { csvTable } from '../../shared/domain/csv.js';
import { CUSTOMER_CSV_COLUMNS } from '../../shared/domain/customer-import.js';
import { createApp } from '../../server/app.js';

const KEY = 'sph_import_bench_key_000000000000000000';
const REGIONS = ['EMEA', 'AMER', 'APJ'];
const CONTRACTS = ['Month to month', 'Annual', 'Trial'];

/** A customers export of `rows` customers, all active and onboarded, with quoting and formula cells mixed in. */
export function customersCsv(rows: number): string {
  const header = CUSTOMER_CSV_COLUMNS.map((c) => c.header);
  const body = Array.from({ length: rows }, (_, i) => {
    const slug = `bench${i}`;
    const values: Record<string, string | number> = {
      'Display Name': i % 10 === 0 ? `${slug} Holdings, "Group" Ltd` : i % 97 === 0 ? `=${slug}` : `${slug} Consulting GmbH`,
      Domain: `${slug}-corp.com`,
      'M365 Account': `${slug}corp.onmicrosoft.com`,
      'External Id': `CRM-${String(i).padStart(6, '0')}`,
      'Veeam Account Id': '',
      'Subscription Ids': '',
      Status: 'active',
      'Contract Type': CONTRACTS[i % 3]!,
      Licenses: 10 + (i % 500),
      'License Model': 'Variable',
      'Source Type': 'VCSP Pulse',
      'Activation Date': '2026-01-15',
      'Storage Region': REGIONS[i % 3]!,
      'Storage Consumed (GB)': (i % 1000) / 4,
      'Storage Quota (GB)': '',
      'Backed Up Accounts': i % 400,
      'Total Active Accounts': (i % 400) + 3,
      'User Change This Month': (i % 7) - 3,
      'User Change Last Month': (i % 5) - 2,
      'Pending Invites': i % 50 === 0 ? `it@${slug}-corp.com` : '',
      'Contact Name': `Anna Smith${i}`,
      'Contact Email': `anna.smith@${slug}-corp.com`,
      'Contact Phone': '+49 30 1234567',
      Country: 'Germany',
      'Created At': '2026-01-15T09:00:00.000Z',
    };
    return header.map((h) => values[h] ?? '');
  });
  return csvTable(header, body);
}

export async function runImportBench(rows = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000)) {
  const dir = await mkdtemp(join(tmpdir(), 'sphub-import-'));
  const hub = await createApp({ clock: systemClock, config: { dataDir: dir, demo: false, adminKey: KEY, provisioningMs: 0, env: { SPHUB_SCHEDULER: 'off' } } });
  const post = async (path: string, text: string) => {
    const started = performance.now();
    const res = await hub.app.request(`/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/csv' }, body: text });
    const seconds = (performance.now() - started) / 1000;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.text()).slice(0, 500)}`);
    return { seconds: Number(seconds.toFixed(3)), body: (await res.json()) as Record<string, unknown> };
  };
  try {
    const text = customersCsv(rows);
    const dry = await post('/customers/import?dryRun=true', text);
    const real = await post('/customers/import', text);
    const again = await post('/customers/import', text);
    const exportStarted = performance.now();
    const exported = await (await hub.app.request('/api/v1/customers/export.csv', { headers: { authorization: `Bearer ${KEY}` } })).text();
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    const id = ((await (await hub.app.request('/api/v1/customers?pageSize=1', { headers: { authorization: `Bearer ${KEY}` } })).json()) as { items: { id: string; domain: string }[] }).items[0]!;
    const users = csvTable(
      ['Name', 'Email', 'Type', 'Protection Status', 'Last Backup'],
      Array.from({ length: rows }, (_, i) => [`User ${i}`, `user${i}@${id.domain}`, 'User', i % 10 === 0 ? 'Unprotected' : 'Protected', '2026-11-24T01:00:00.000Z']),
    );
    const licensed = await post(`/customers/${id.id}/licensed-users/import`, users);
    const result = {
      rows,
      megabytes: Number((Buffer.byteLength(text) / 1024 / 1024).toFixed(1)),
      dryRunSeconds: dry.seconds,
      importSeconds: real.seconds,
      reimportUnchangedSeconds: again.seconds,
      exportSeconds: Number(exportSeconds.toFixed(3)),
      exportedRows: exported.split('\r\n').length - 2,
      reimportAllUnchanged: again.body.unchanged === rows,
      created: real.body.created,
      licensedUsersImportSeconds: licensed.seconds,
    };
    console.log(
      `  import ${rows} customers (${result.megabytes} MB): dry run ${result.dryRunSeconds} s, import ${result.importSeconds} s, again (unchanged) ${result.reimportUnchangedSeconds} s; ` +
        `${rows} licensed users ${result.licensedUsersImportSeconds} s`,
    );
    return result;
  } finally {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runImportBench(process.argv[2] ? Number(process.argv[2]) : undefined)
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
