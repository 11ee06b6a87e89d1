import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { t, type Language } from '../../shared/i18n/index.js';
import { commands } from '../commands/registry.js';
import type { Command } from '../context.js';

/**
 * Builds the Teams app package (manifest.json, de-de.json, color.png, outline.png in one zip) from
 * manifest.json in this folder: fills in the bot's Microsoft app id and the hub's public address,
 * and writes the command menus from the command registry, so Teams suggests exactly the commands
 * the bot understands. `MICROSOFT_APP_ID=… SPHUB_PUBLIC_URL=https://… npx tsx bot/manifest/build.ts`
 */

export interface ManifestOptions {
  /** The bot's Microsoft app id (Azure Bot registration). */
  appId: string;
  /** Where the hub is reachable from the internet (https), such as https://sphub.example.com. */
  publicUrl: string;
  /** The Teams app's own id; by default derived from the bot's app id, so rebuilding keeps it. */
  teamsAppId?: string | undefined;
  version: string;
  developerName?: string | undefined;
  privacyUrl?: string | undefined;
  termsUrl?: string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Teams suggests at most ten commands per scope; these are the ones worth suggesting there. */
const MENUS: { scopes: string[]; commands: string[] }[] = [
  { scopes: ['personal'], commands: ['help', 'status', 'customers', 'failed', 'stale', 'start policy', 'stop policy', 'usage', 'send invite', 'link'] },
  { scopes: ['team', 'groupChat'], commands: ['help', 'status', 'failed', 'stale', 'start policy', 'resend invite', 'usage', 'subscribe', 'unsubscribe', 'customers'] },
];

/** A stable GUID from a text (name-based, like a version 5 UUID). */
export function guidFrom(text: string): string {
  const hex = createHash('sha1').update(`sphub-teams-app:${text}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function commandEntry(command: Command, language: Language) {
  // The title is what Teams inserts: the command's own words, the same in every language.
  return { title: command.phrases[0]!.slice(0, 32), description: t(language, command.summary).slice(0, 128) };
}

function menus(language: Language) {
  return MENUS.map((menu) => ({
    scopes: menu.scopes,
    commands: menu.commands.map((name) => {
      const command = commands.find((c) => c.name === name);
      if (!command) throw new Error(`the manifest names a command the registry does not have: ${name}`);
      return commandEntry(command, language);
    }),
  }));
}

export function buildManifest(template: string, options: ManifestOptions): { manifest: Record<string, unknown>; german: Record<string, string> } {
  if (!GUID.test(options.appId)) throw new Error(`MICROSOFT_APP_ID must be the bot's app id (a GUID), not ${JSON.stringify(options.appId)}`);
  const url = new URL(options.publicUrl);
  if (url.protocol !== 'https:') throw new Error('SPHUB_PUBLIC_URL must be an https address: Teams only talks to bots over https.');
  const base = url.origin + url.pathname.replace(/\/+$/, '');
  const values: Record<string, string> = {
    VERSION: options.version,
    TEAMS_APP_ID: options.teamsAppId ?? guidFrom(options.appId),
    MICROSOFT_APP_ID: options.appId,
    DEVELOPER_NAME: options.developerName ?? 'SP Hub',
    PUBLIC_URL: base,
    PUBLIC_HOST: url.host,
    PRIVACY_URL: options.privacyUrl ?? base,
    TERMS_URL: options.termsUrl ?? base,
  };
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`manifest.json has an unknown placeholder ${whole}`);
    return JSON.stringify(value).slice(1, -1);
  });
  const manifest = JSON.parse(filled) as { bots: { commandLists: unknown[] }[] } & Record<string, unknown>;
  manifest.bots[0]!.commandLists = menus('en');

  const german: Record<string, string> = {
    $schema: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.19/MicrosoftTeams.Localization.schema.json',
    'name.short': 'SP Hub',
    'name.full': 'SP Hub für Microsoft 365-Sicherung in Veeam Data Cloud',
    'description.short': 'Microsoft 365-Sicherungen Ihrer Kunden in Teams überwachen und steuern.',
    'description.full':
      'SP Hub bringt den Microsoft 365-Sicherungsbetrieb eines Service Providers in Teams: Fragen Sie nach dem Status eines Kunden, sehen Sie fehlgeschlagene und veraltete Richtlinien, starten, stoppen, aktivieren oder deaktivieren Sie Richtlinien, senden Sie Onboarding-Einladungen und prüfen Sie den monatlichen Nutzungsbericht. Abonnieren Sie Benachrichtigungskarten in einem Chat oder Kanal und handeln Sie mit einem Klick. Jede Aktion läuft mit Ihren eigenen SP Hub-Berechtigungen und wird protokolliert.',
  };
  menus('de').forEach((menu, m) =>
    menu.commands.forEach((command, c) => {
      german[`bots[0].commandLists[${m}].commands[${c}].title`] = command.title;
      german[`bots[0].commandLists[${m}].commands[${c}].description`] = command.description;
    }),
  );
  return { manifest, german };
}

/** The zip Teams takes ("Upload a custom app" or the Teams admin center). */
export function buildPackage(options: ManifestOptions, dir = new URL('.', import.meta.url)): Uint8Array {
  const template = readFileSync(new URL('manifest.json', dir), 'utf8');
  const { manifest, german } = buildManifest(template, options);
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  return zipSync({
    'manifest.json': json(manifest),
    'de-de.json': json(german),
    'color.png': readFileSync(new URL('color.png', dir)),
    'outline.png': readFileSync(new URL('outline.png', dir)),
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  try {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const appId = env.MICROSOFT_APP_ID ?? env.MicrosoftAppId ?? '';
    const zip = buildPackage({
      appId,
      publicUrl: env.SPHUB_PUBLIC_URL ?? '',
      teamsAppId: env.TEAMS_APP_ID,
      version,
      developerName: env.SPHUB_DEVELOPER_NAME,
      privacyUrl: env.SPHUB_PRIVACY_URL,
      termsUrl: env.SPHUB_TERMS_URL,
    });
    const out = new URL('build/', import.meta.url);
    mkdirSync(out, { recursive: true });
    writeFileSync(new URL('sp-hub-teams.zip', out), zip);
    console.log(`wrote bot/manifest/build/sp-hub-teams.zip (${zip.length} bytes): upload it in Teams (Apps > Manage your apps > Upload an app) or the Teams admin center`);
  } catch (error) {
    console.error(`The Teams app package could not be built: ${error instanceof Error ? error.message : String(error)}`);
    console.error('Usage: MICROSOFT_APP_ID=<bot app id> SPHUB_PUBLIC_URL=https://<hub address> npx tsx bot/manifest/build.ts');
    process.exit(1);
  }
}
