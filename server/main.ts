import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { configFromEnv } from './config.js';
import { describeStore } from './store/open.js';

/** Starts the hub: opens the store, seeds demo data into an empty one, listens on loopback. */
async function main(): Promise<void> {
  const config = configFromEnv();
  const hub = await createApp({ config });
  if (hub.bootstrapKey && config.demo) await hub.seedDemo();
  await hub.start();

  // Written before listening so the banner can say where it is.
  let keyNote: string[] = [];
  if (hub.bootstrapKey) {
    keyNote = ['', 'Administrator API key (shown once, keep it safe):', `  ${hub.bootstrapKey}`];
    if (hub.ctx.store.dir && !config.adminKey) {
      const file = join(hub.ctx.store.dir, 'admin-api-key.txt');
      await writeFile(file, hub.bootstrapKey + '\n', { mode: 0o600 });
      await chmod(file, 0o600);
      keyNote.push(`  (also saved to ${resolve(file)}; delete that file once you have stored the key)`);
    }
  } else if (!config.adminKey) {
    const saved = hub.ctx.store.dir ? ` (saved in ${resolve(hub.ctx.store.dir, 'admin-api-key.txt')} unless you deleted it)` : '';
    keyNote = ['', `Use the administrator API key printed at first start${saved}.`];
  }

  const server = serve({ fetch: hub.app.fetch, hostname: config.host, port: config.port }, (info) => {
    const base = `http://${config.host}:${info.port}`;
    const lines = [
      '',
      `SP Hub is running (${hub.ctx.store.dir ? `data in ${resolve(hub.ctx.store.dir)}` : describeStore(hub.ctx.store)})`,
      `  API      ${base}/api/v1   (try ${base}/api/v1/health)`,
      `  API docs ${base}/api/v1/docs`,
      ...hub.banner(base),
      ...keyNote,
    ];
    console.log(lines.join('\n'));
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping SP Hub...`);
    server.close();
    await hub.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(`SP Hub could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
