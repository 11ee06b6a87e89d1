import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import pg from 'pg';
import { parseLines } from '../append-log.js';
import { JournalStore } from '../journal-store.js';
import { historyPlace } from './pg-append-log.js';
import { inTransaction, migrate } from './migrations.js';

/** What was copied, and whether what reads back from PostgreSQL is what the embedded store held. */
export interface ImportReport {
  collections: { name: string; count: number; checksum: string; copied: number; copiedChecksum: string }[];
  histories: { file: string; count: number; checksum: string; copied: number; copiedChecksum: string }[];
  /** Set when the folder was written by an older SP Hub: it was upgraded (on disk too, as a start does) before the copy. */
  upgraded: { from: number; to: number; changes: string[] } | null;
  ok: boolean;
}

/** JSON with keys sorted, so a record hashes the same however its keys were ordered (jsonb reorders them). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

class Digest {
  private readonly hash = createHash('sha256');
  count = 0;
  add(value: unknown): void {
    this.hash.update(canonicalJson(value)).update('\n');
    this.count += 1;
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

const CHUNK = 2_000;

/**
 * `npm run db:import -- <data folder>`: copies an embedded store (its records, and every history
 * file beside it) into an empty PostgreSQL database, then reads everything back and compares
 * counts and checksums (SHA-256 over each record as canonical JSON, in order). All of it happens
 * in one transaction that commits only when every figure matches, so a failed import leaves
 * the database as it was. Hubs must not be running on either side meanwhile. A folder written by
 * an older SP Hub is upgraded first, exactly as a start of the hub on it would (journal-store.ts).
 */
export async function importEmbeddedStore(dataDir: string, url: string, log: (line: string) => void = () => undefined): Promise<ImportReport> {
  await stat(join(dataDir, 'hub.json')).catch(() => {
    throw new Error(`${dataDir} holds no SP Hub store (no hub.json)`);
  });
  // Opening the folder runs the same upgrade as a hub start, so PostgreSQL receives today's shapes.
  const source = await JournalStore.open({ dir: dataDir });
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(pool);
    const client = await pool.connect();
    try {
      return await inTransaction(client, async () => {
        const existing = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM records')).rows[0]!.n);
        const head = Number((await client.query<{ seq: string }>('SELECT seq FROM store_head FOR UPDATE')).rows[0]!.seq);
        if (existing > 0 || head > 0) throw new Error('the database already holds SP Hub data; import into an empty database');
        const report: ImportReport = { collections: [], histories: [], upgraded: source.upgraded, ok: true };

        // Records, collection by collection, in id order so both sides hash alike.
        const data = (source as unknown as { data: Map<string, Map<string, { id: string }>> }).data;
        for (const [name, table] of [...data].sort(([a], [b]) => (a < b ? -1 : 1))) {
          const docs = [...table.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          if (docs.length === 0) continue;
          const digest = new Digest();
          for (const doc of docs) digest.add(doc);
          for (let i = 0; i < docs.length; i += CHUNK) {
            await client.query(`INSERT INTO records (collection, id, doc, seq) SELECT $1, d.value->>'id', d.value, 1 FROM json_array_elements($2::json) AS d`, [
              name,
              JSON.stringify(docs.slice(i, i + CHUNK)),
            ]);
          }
          const back = new Digest();
          const rows = await client.query<{ doc: unknown }>('SELECT doc FROM records WHERE collection = $1 ORDER BY id COLLATE "C"', [name]);
          for (const row of rows.rows) back.add(row.doc);
          report.collections.push({ name, count: digest.count, checksum: digest.hex(), copied: back.count, copiedChecksum: back.hex() });
          log(`  ${name}: ${docs.length} records`);
        }
        await client.query('UPDATE store_head SET seq = 1');
        await client.query('INSERT INTO store_changes (seq, hub, ops) VALUES (1, $1, $2)', ['import', '[]']);

        // Histories: every .jsonl file beside the store, in its file's order.
        for (const file of await historyFiles(dataDir)) {
          const records = parseLines<unknown>(await readFile(join(dataDir, file), 'utf8'));
          if (records.length === 0) continue;
          const digest = new Digest();
          for (const r of records) digest.add(r);
          const { table, column, part } = historyPlace(file);
          for (let i = 0; i < records.length; i += CHUNK) {
            const json = JSON.stringify(records.slice(i, i + CHUNK));
            if (table === 'events') {
              await client.query(`INSERT INTO events (id, day, record) SELECT (r.value->>'id')::bigint, $1, r.value FROM json_array_elements($2::json) AS r ON CONFLICT (id) DO NOTHING`, [part, json]);
            } else {
              await client.query(`INSERT INTO ${table} (${column}, record) SELECT $1, r.value FROM json_array_elements($2::json) WITH ORDINALITY AS r ORDER BY r.ordinality`, [part, json]);
            }
          }
          const back = new Digest();
          const rows = await client.query<{ record: unknown }>(`SELECT record FROM ${table} WHERE ${column} = $1 ORDER BY ${table === 'events' ? 'id' : 'n'}`, [part]);
          for (const row of rows.rows) back.add(row.record);
          report.histories.push({ file, count: digest.count, checksum: digest.hex(), copied: back.count, copiedChecksum: back.hex() });
        }
        await client.query(`SELECT setval('event_ids', GREATEST((SELECT coalesce(max(id), 0) FROM events), 1))`);
        log(`  histories: ${report.histories.length} files, ${report.histories.reduce((n, h) => n + h.count, 0)} records`);

        report.ok = [...report.collections, ...report.histories].every((x) => x.count === x.copied && x.checksum === x.copiedChecksum);
        if (!report.ok) throw new ImportMismatch(report);
        return report;
      });
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
    await source.close();
  }
}

class ImportMismatch extends Error {
  constructor(readonly report: ImportReport) {
    const bad = [...report.collections.map((c) => ({ ...c, what: c.name })), ...report.histories.map((h) => ({ ...h, what: h.file }))].filter(
      (x) => x.count !== x.copied || x.checksum !== x.copiedChecksum,
    );
    super(`the copy differs from the source in ${bad.map((b) => `${b.what} (${b.count} vs ${b.copied})`).join(', ')}; nothing was imported`);
  }
}

/** The history files of a data folder, relative, with forward slashes; the snapshot and journal are not histories. */
async function historyFiles(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(dataDir, 'journal')) await walk(path);
      } else if (entry.name.endsWith('.jsonl')) out.push(relative(dataDir, path).split(sep).join('/'));
    }
  };
  await walk(dataDir);
  return out.sort();
}
