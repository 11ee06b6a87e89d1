import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createApp, type HubApp } from './app.js';
import { configFromEnv } from './config.js';
import { describeStore } from './store/open.js';

/**
 * Starts the hub: takes the port first (so a start that cannot listen creates nothing: no store,
 * no administrator key), then opens the store, seeds demo data into an empty one, and answers.
 */
async function main(): Promise<void> {
  const config = configFromEnv();
  // Until the hub is ready, requests get 503 (health checks keep waiting).
  let ready: HubApp | null = null;
  const server = createAdaptorServer({
    fetch: (request: Request, env: unknown) => (ready ? ready.app.fetch(request, env) : Response.json({ error: { code: 'unavailable', message: 'SP Hub is starting.' } }, { status: 503 })),
    hostname: config.host,
  }) as Server;
  const port = await listen(server, config.host, config.port);

  const hub = await createApp({ config });
  if (hub.bootstrapKey && config.demo) await hub.seedDemo();
  await hub.start();

  let keyNote: string[] = [];
  const keyFile = hub.ctx.store.dir ? resolve(hub.ctx.store.dir, 'admin-api-key.txt') : null;
  if (hub.bootstrapKey) {
    keyNote = ['', 'Administrator API key (shown once, keep it safe):', `  ${hub.bootstrapKey}`];
    if (keyFile && !config.adminKey) {
      await writeFile(keyFile, hub.bootstrapKey + '\n', { mode: 0o600 });
      await chmod(keyFile, 0o600);
      keyNote.push(`  (also saved to ${keyFile}; delete that file once you have stored the key)`);
    }
  } else if (keyFile && existsSync(keyFile)) {
    // Every start says so while the file is there: it is a secret lying on disk.
    keyNote = ['', `The administrator API key is still saved in ${keyFile}; delete that file once you have stored the key.`];
  } else if (!config.adminKey) {
    keyNote = ['', 'Use the administrator API key printed at first start.'];
  }

  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  console.log(
    [
      '',
      `SP Hub is running (${hub.ctx.store.dir ? `data in ${resolve(hub.ctx.store.dir)}` : describeStore(hub.ctx.store)})`,
      `  API      ${base}/api/v1   (try ${base}/api/v1/health)`,
      `  API docs ${base}/api/v1/docs`,
      ...hub.banner(base),
      ...keyNote,
    ].join('\n'),
  );

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
  ready = hub;
}

/** Listens, or fails with a message saying why (the port is taken, the address is not ours). */
function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use (another SP Hub?). Stop it or set SPHUB_PORT.`
          : error.code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine (SPHUB_HOST).`
            : error.code === 'EACCES'
              ? `no permission to listen on port ${port} (SPHUB_PORT).`
              : error.message;
      reject(new Error(`${why} Nothing was created or changed.`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

main().catch((error) => {
  console.error(`SP Hub could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
