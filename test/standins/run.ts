/**
 * `npm run standin -- vspc --port 4100 --companies 50 [--jobs-per-company 3] [--async-actions]`, or
 * `npm run standin -- vdc --port 4200 --jobs 20 [--days 30]`:
 * starts a stand-in upstream on loopback and prints its base URL and credentials.
 */
import { listen } from './listen.js';
import { createVdcStandin } from './vdc/server.js';
import { createVspcStandin } from './vspc/server.js';

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(): Promise<void> {
  const [kind, ...args] = process.argv.slice(2);
  const port = Number(flag(args, 'port') ?? 0);
  if (kind === 'vspc') {
    const standin = createVspcStandin({
      companies: Number(flag(args, 'companies') ?? 50),
      jobsPerCompany: Number(flag(args, 'jobs-per-company') ?? 3),
      seed: Number(flag(args, 'seed') ?? 7),
      asyncActions: args.includes('--async-actions'),
    });
    const { origin } = await listen(standin.app, port);
    const user = standin.options.users?.[0] ?? { username: 'sphub', password: 'standin-password' };
    console.log(
      [
        `VSPC stand-in (REST API 3.7 subset) with ${standin.estate.companies.length} companies, ${standin.estate.jobs.length} VB365 jobs, ${standin.estate.alarms.length} active alarms`,
        `  base URL  ${origin}/api/v3`,
        `  API key   ${standin.apiKey}`,
        `  or user   ${user.username} / password ${user.password}`,
        '',
        'Connect the hub:',
        `  curl -X POST http://127.0.0.1:3978/api/v1/connections -H "authorization: Bearer <hub key>" -H "content-type: application/json" \\`,
        `    -d '{"kind":"vspc","name":"VSPC stand-in","baseUrl":"${origin}/api/v3","auth":{"type":"apiKey","apiKey":"${standin.apiKey}"}}'`,
      ].join('\n'),
    );
    setInterval(() => {
      const fresh = standin.actions.splice(0);
      for (const a of fresh) console.log(`forwarded: ${a.action} ${a.target} (X-Request-id ${a.requestId ?? '-'})`);
    }, 500);
    return;
  }
  if (kind === 'vdc') {
    const standin = createVdcStandin({ jobs: Number(flag(args, 'jobs') ?? 20), days: Number(flag(args, 'days') ?? 30), seed: Number(flag(args, 'seed') ?? 5) });
    const { origin } = await listen(standin.app, port);
    const sessions = [...standin.estate.sessions.values()].reduce((n, l) => n + l.length, 0);
    console.log(
      [
        `VDC Public API stand-in (reports) with ${standin.estate.jobs.length} backup jobs and ${sessions} sessions`,
        `  base URL  ${origin}`,
        `  API key   ${standin.apiKey}`,
        '',
        'Connect the hub (a VDC connection belongs to one customer):',
        `  curl -X POST http://127.0.0.1:3978/api/v1/connections -H "authorization: Bearer <hub key>" -H "content-type: application/json" \\`,
        `    -d '{"kind":"vdc","name":"VDC EMEA","baseUrl":"${origin}","customerId":"<customer id>","auth":{"type":"apiKey","apiKey":"${standin.apiKey}"}}'`,
      ].join('\n'),
    );
    return;
  }
  console.error(`Unknown stand-in "${kind ?? ''}". Known: vspc, vdc.`);
  process.exit(2);
}

void main();
