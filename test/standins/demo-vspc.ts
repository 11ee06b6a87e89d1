/**
 * `npm run demo:vspc`: a VSPC stand-in with a few hundred companies and a hub connected to it.
 * Watch the first sync, read its run, then start a synced policy from the bot in Microsoft 365
 * Agents Playground; the stand-in prints every call forwarded to it. `--no-playground` starts
 * the hub alone (talk to it with curl or the extension). `--companies N` sets the estate size.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { startPlayground } from '../../server/playground.js';
import { createApp } from '../../server/app.js';
import { createApiClient, type ApiClient } from '../../shared/api/client.js';
import { listen } from './listen.js';
import { createVspcStandin } from './vspc/server.js';

const args = process.argv.slice(2);
const companies = Number(args[args.indexOf('--companies') + 1] || 300) || 300;
const ADMIN_KEY = 'sph_demo_vspc_administrator_key_0000000000';

async function main(): Promise<void> {
  const standin = createVspcStandin({ companies, jobsPerCompany: 2, alarms: 12, seed: 42, asyncActions: true });
  const upstream = await listen(standin.app);
  console.log(`VSPC stand-in: ${upstream.origin}/api/v3 (${standin.estate.companies.length} companies, ${standin.estate.jobs.length} VB365 jobs, ${standin.estate.alarms.length} active alarms)`);

  let admin: ApiClient;
  let hubUrl: string;
  let stop: () => Promise<void>;
  let playgroundUrl: string | null = null;
  const env = { ...process.env, SPHUB_CONNECTION_SYNC: 'on' };
  if (args.includes('--no-playground')) {
    const hub = await createApp({ config: { dataDir: null, demo: false, adminKey: ADMIN_KEY, env } });
    await hub.start();
    const server = serve({ fetch: hub.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = createApiClient({ baseUrl: hubUrl, apiKey: ADMIN_KEY });
    stop = async () => {
      server.close();
      await hub.close();
    };
  } else {
    const running = await startPlayground({ config: { demo: false, adminKey: ADMIN_KEY, env } });
    ({ admin, hubUrl } = running);
    playgroundUrl = running.playgroundUrl;
    stop = () => running.stop();
  }
  console.log(`SP Hub: ${hubUrl}/api/v1 (administrator key ${ADMIN_KEY})`);

  const connection = await admin.createConnection({ kind: 'vspc', name: 'Provider VSPC (stand-in)', baseUrl: `${upstream.origin}/api/v3`, auth: { type: 'apiKey', apiKey: standin.apiKey } });
  console.log(`\nConnection "${connection.name}" added (${connection.id}); testing it...`);
  const test = await admin.testConnection(connection.id);
  console.log(`  ${test.ok ? 'OK' : 'PROBLEM'} (${test.stage}): ${test.message}`);
  console.log('First sync...');
  const started = Date.now();
  const run = await admin.syncConnection(connection.id, { wait: true });
  console.log(`  ${run.result} in ${((Date.now() - started) / 1000).toFixed(1)} s, ${run.requests} requests to VSPC`);
  for (const [kind, c] of Object.entries(run.counts)) console.log(`  ${kind.padEnd(10)} created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, gone ${c.gone}`);
  for (const note of run.notes) console.log(`  note: ${note}`);
  console.log(`  The run: GET ${hubUrl}/api/v1/connections/${connection.id}/runs`);

  const failed = (await admin.policies({ status: ['Failed'], pageSize: 1 })).items[0];
  const any = failed ?? (await admin.policies({ pageSize: 1 })).items[0];
  if (any) {
    console.log(`\nTry it${playgroundUrl ? ` in the Playground (${playgroundUrl})` : ''}:`);
    console.log(`  start policy "${any.name}" for "${any.customerName}"`);
    console.log(`  (or: curl -X POST ${hubUrl}/api/v1/policies/${any.id}/start -H "authorization: Bearer ${ADMIN_KEY}")`);
  }
  console.log('\nCalls forwarded to VSPC appear below. Ctrl+C stops everything.');
  const timer = setInterval(() => {
    for (const a of standin.actions.splice(0)) console.log(`VSPC received: ${a.action} ${a.target} (X-Request-id ${a.requestId ?? '-'})`);
  }, 300);
  const shutdown = async () => {
    clearInterval(timer);
    await stop();
    await upstream.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  if (args.includes('--exit')) await shutdown();
}

main().catch((error) => {
  console.error(`The VSPC demo could not start: ${(error as Error).message}`);
  process.exit(1);
});
