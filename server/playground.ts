import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, type HubApp } from './app.js';
import { createApiClient, type ApiClient } from '../shared/api/client.js';
import { configFromEnv, type HubConfigInput } from './config.js';

/**
 * Chat with the bot locally in Microsoft 365 Agents Playground (a Teams-like web chat that runs
 * on this machine, no Microsoft account needed): starts a demo hub on loopback, links the
 * Playground's signed-in test user to the hub's administrator, and starts the Playground pointed
 * at the hub's /api/messages. `npm run playground`.
 */

/** The Playground's signed-in test user (its config below), linked to the hub administrator. */
export const PLAYGROUND_USER = { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber', email: 'alexw@example.com' };

export interface PlaygroundOptions {
  /** Hub settings; by default an in-memory demo hub on 127.0.0.1 at a free port. */
  config?: HubConfigInput;
  /** Port of the Playground's web page and mocked connector (0: a free one). */
  playgroundPort?: number;
  /** Where the Playground writes its config and log. */
  workDir?: string;
  /** Print the Playground's own output. */
  verbose?: boolean;
}

export interface RunningPlayground {
  hub: HubApp;
  hubUrl: string;
  /** The hub's API as its administrator, over loopback. */
  admin: ApiClient;
  playgroundUrl: string;
  stop(): Promise<void>;
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<RunningPlayground> {
  const hub = await createApp({ config: { dataDir: null, demo: true, port: 0, ...options.config } });
  if (hub.bootstrapKey) await hub.seedDemo();
  await hub.start();
  const host = hub.ctx.config.host;
  const server = await listen(hub, host, hub.ctx.config.port);
  const hubUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  await linkPlaygroundUser(hub);

  let playground: PlaygroundProcess;
  try {
    playground = await startPlaygroundProcess({ endpoint: `${hubUrl}/api/messages`, ...options });
  } catch (error) {
    await new Promise<void>((done) => server.close(() => done()));
    await hub.close();
    throw error;
  }
  const adminKey = hub.bootstrapKey ?? options.config?.adminKey;
  let stopped = false;
  return {
    hub,
    hubUrl,
    admin: createApiClient({ baseUrl: hubUrl, ...(adminKey && { apiKey: adminKey }) }),
    playgroundUrl: playground.url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await playground.stop();
      await new Promise<void>((done) => server.close(() => done()));
      await hub.close();
    },
  };
}

export interface PlaygroundProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts the Agents Playground CLI pointed at a bot endpoint (this hub's, or one already running). */
export async function startPlaygroundProcess(options: {
  endpoint: string;
  playgroundPort?: number | undefined;
  workDir?: string | undefined;
  verbose?: boolean | undefined;
}): Promise<PlaygroundProcess> {
  const workDir = options.workDir ?? join(tmpdir(), 'sphub-playground');
  await mkdir(workDir, { recursive: true });
  const configPath = join(workDir, '.m365agentsplayground.yml');
  await writeFile(configPath, playgroundConfig());
  const playgroundPort = options.playgroundPort ?? (await freePort('127.0.0.1'));
  const child = spawn(
    resolve('node_modules/.bin/agentsplayground'),
    ['--app-endpoint', options.endpoint, '--channel-id', 'msteams', '--port', String(playgroundPort), '--disable-telemetry', '--conversation-id', 'personal-chat-sphub'],
    {
      cwd: workDir,
      env: {
        ...process.env,
        // No browser of its own, config and log in the work folder, the installation event sent at start.
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: join(workDir, 'playground.log'),
        SEND_INSTALLATION_ACTIVITY: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = `http://localhost:${playgroundPort}`;
  await waitForPlayground(child, url, options.verbose ?? false);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Links the Playground's test user to the hub administrator, the way `link <code>` would. */
async function linkPlaygroundUser(hub: HubApp): Promise<void> {
  const access = hub.ctx.services.access;
  const admin = access.userByEmail(hub.ctx.config.adminEmail);
  if (!admin || access.userByTeamsId(PLAYGROUND_USER.aadObjectId)) return;
  const principal = { actor: { kind: 'system' as const, userId: null, name: 'SP Hub playground', channel: 'api' as const }, user: admin, permissions: access.permissionsOf(admin) };
  const { code } = await hub.ctx.services.bot.links.issue(principal);
  await hub.ctx.services.bot.links.redeem(PLAYGROUND_USER.aadObjectId, PLAYGROUND_USER.name, code);
}

function listen(hub: HubApp, hostname: string, port: number): Promise<ServerType> {
  return new Promise((done) => {
    const server = serve({ fetch: hub.app.fetch, hostname, port }, () => done(server));
  });
}

async function freePort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

async function waitForPlayground(child: ChildProcess, url: string, verbose: boolean): Promise<void> {
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (verbose) process.stdout.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Agents Playground exited (${child.exitCode}):\n${output}`);
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`Agents Playground did not start within 60 s:\n${output}`);
}

/** The Playground wants at least five other people in its mock tenant. */
const OTHER_USERS = [
  ['Megan', 'Bowen'],
  ['Adele', 'Vance'],
  ['Isaiah', 'Langer'],
  ['Patti', 'Fernandez'],
  ['Lynne', 'Robbins'],
] as const;

/** The Playground's mock Teams context: one tenant, the test user, a personal chat, a team channel. */
function playgroundConfig(): string {
  return [
    'version: "0.1.1"',
    'tenantId: 00000000-0000-0000-0000-0000000000001',
    'bot:',
    '  id: 00000000-0000-0000-0000-00000000000011',
    '  name: SP Hub',
    'currentUser:',
    '  id: user-id-0',
    `  name: ${PLAYGROUND_USER.name}`,
    `  userPrincipleName: ${PLAYGROUND_USER.email}`,
    `  aadObjectId: ${PLAYGROUND_USER.aadObjectId}`,
    '  givenName: Alex',
    '  surname: Wilber',
    `  email: ${PLAYGROUND_USER.email}`,
    'users:',
    ...OTHER_USERS.flatMap(([given, sur], i) => {
      const mail = `${given.toLowerCase()}${sur[0]!.toLowerCase()}@example.com`;
      return [
        `  - id: user-id-${i + 1}`,
        `    name: ${given} ${sur}`,
        `    userPrincipleName: ${mail}`,
        `    aadObjectId: 00000000-0000-0000-0000-000000000002${i + 1}`,
        `    givenName: ${given}`,
        `    surname: ${sur}`,
        `    email: ${mail}`,
      ];
    }),
    'personalChat:',
    '  id: personal-chat-sphub',
    'groupChat:',
    '  id: group-chat-sphub',
    '  name: Backup on-call',
    'team:',
    '  id: team-sphub',
    '  name: Operations',
    '  aadGroupId: 00000000-0000-0000-0000-000000000031',
    '  channels:',
    '    - id: channel-sphub-alerts',
    '      name: Backup alerts',
    '',
  ].join('\n');
}

/** `npm run playground`: a demo hub and the Playground; with SPHUB_URL, the Playground for a hub already running. */
async function main(): Promise<void> {
  if (!existsSync('node_modules/.bin/agentsplayground')) throw new Error('Agents Playground is not installed: run npm install (it is a devDependency).');
  const verbose = !!process.env.DEBUG;
  const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 56150);
  const attachTo = process.env.SPHUB_URL?.replace(/\/+$/, '');
  let stop: () => Promise<void>;
  if (attachTo) {
    const playground = await startPlaygroundProcess({ endpoint: `${attachTo}/api/messages`, playgroundPort, verbose });
    stop = () => playground.stop();
    const lines = ['', `Agents Playground ${playground.url}   (open it in your browser) -> bot ${attachTo}/api/messages`];
    const key = process.env.SPHUB_ADMIN_KEY ?? process.env.SPHUB_API_KEY;
    if (key) {
      const { code } = await createApiClient({ baseUrl: attachTo, apiKey: key }).createTeamsLinkCode();
      lines.push(`In the Playground, say:  link ${code}   (valid 10 minutes) to act as the owner of that API key`);
    } else {
      lines.push('To act as a hub user, get a link code (POST /api/v1/me/teams-link-code with your API key) and say: link <code>');
    }
    console.log(lines.join('\n'));
  } else {
    const env = configFromEnv();
    // The Playground sends no Bot Framework token: this local demo hub runs its bot without credentials.
    const local = { ...env.env, MICROSOFT_APP_ID: undefined, MicrosoftAppId: undefined };
    const running = await startPlayground({
      config: { host: env.host, port: Number(process.env.SPHUB_PORT ?? 3978), adminKey: env.adminKey, portalUrl: env.portalUrl, env: local },
      playgroundPort,
      verbose,
    });
    stop = () => running.stop();
    console.log(
      [
        '',
        `SP Hub (demo data, in memory) ${running.hubUrl}/api/v1`,
        ...running.hub.banner(running.hubUrl),
        `Agents Playground ${running.playgroundUrl}   (open it in your browser; you are ${PLAYGROUND_USER.name}, linked to the hub administrator)`,
        running.hub.bootstrapKey ? `Administrator API key: ${running.hub.bootstrapKey}` : '',
        'Try: help, status contoso, failed, start policy executives for contoso, usage. Ctrl+C stops.',
      ].join('\n'),
    );
  }
  const shutdown = () => void stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(`The playground could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
