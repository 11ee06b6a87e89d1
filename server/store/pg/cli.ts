/**
 * `npm run db:migrate`: applies the schema steps not applied yet to SPHUB_DATABASE_URL.
 * `npm run db:import -- <data folder>`: copies an embedded store into SPHUB_DATABASE_URL and
 * checks counts and checksums (exit code 1 when anything differs; nothing is kept then).
 */
import pg from 'pg';
// Every area's collections, so records read from a folder (and upgraded from an older version)
// are checked against their schemas here as on a hub start.
import '../../app.js';
import { importEmbeddedStore } from './import.js';
import { migrate, MIGRATIONS } from './migrations.js';

async function main(argv: string[]): Promise<number> {
  const url = process.env.SPHUB_DATABASE_URL;
  const [command, ...rest] = argv;
  if (!url) {
    console.error('Set SPHUB_DATABASE_URL=postgres://user@host:port/database first.');
    return 2;
  }
  if (command === 'migrate') {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const applied = await migrate(pool);
      const latest = Math.max(...MIGRATIONS.map((m) => m.version));
      console.log(
        applied.length ? `Applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}; the schema is at version ${latest}.` : `Nothing to do: the schema is at version ${latest}.`,
      );
      return 0;
    } finally {
      await pool.end();
    }
  }
  if (command === 'import') {
    const dir = rest[0];
    if (!dir) {
      console.error('Usage: npm run db:import -- <data folder of the embedded store>');
      return 2;
    }
    console.log(`Importing ${dir} ...`);
    const report = await importEmbeddedStore(dir, url, (line) => console.log(line));
    const rows = [...report.collections.map((c) => ({ what: c.name, ...c })), ...report.histories.map((h) => ({ what: h.file, ...h }))];
    const records = report.collections.reduce((n, c) => n + c.count, 0);
    const history = report.histories.reduce((n, h) => n + h.count, 0);
    console.log(`Checked ${rows.length} collections and files: counts and SHA-256 checksums match (${records} records, ${history} history records).`);
    return 0;
  }
  console.error('Usage: npm run db:migrate | npm run db:import -- <data folder>');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`Failed: ${error.message}`);
    process.exit(1);
  },
);
