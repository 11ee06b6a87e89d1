import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AdaptiveCard } from '../../shared/cards/kit.js';
import { policies } from '../../server/services/backup/collections.js';
import { ALEX, createBotWorld, type BotWorld } from '../helpers/bot.js';

/**
 * The bot's main cards for a German user, rendered with the Adaptive Cards renderer in headless
 * Chromium, as Teams draws them. Screenshots go to test/e2e/screenshots/bot-de-*.png to be looked
 * at; the test checks each card renders and says nothing in English where German is due.
 */
const SHOTS = resolve(import.meta.dirname, 'screenshots');
const RENDERER = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js');
const DE = { locale: 'de-DE' };

let world: BotWorld;
let browser: Browser;
let page: Page;
let profile: string;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  world = await createBotWorld({ seed: true });
  await world.link(ALEX, 'admin');
  profile = await mkdtemp(join(tmpdir(), 'sphub-cards-de-'));
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    defaultViewport: { width: 560, height: 400 },
    userDataDir: profile,
  });
  page = await browser.newPage();
  await page.setContent(
    '<!doctype html><html lang="de"><body style="margin:0;padding:12px;background:#f5f5f5;font-family:Segoe UI,Arial,sans-serif"><div id="card" style="width:520px;background:#fff"></div></body></html>',
  );
  await page.addScriptTag({ path: RENDERER });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await world?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** Renders a card as Teams would and saves a screenshot; returns the text shown. */
async function render(name: string, card: AdaptiveCard): Promise<string> {
  const shown = await page.evaluate((json) => {
    const AC = (window as unknown as { AdaptiveCards: { AdaptiveCard: new () => { parse(j: unknown): void; render(): HTMLElement | undefined } } }).AdaptiveCards;
    const host = document.getElementById('card')!;
    host.replaceChildren();
    const adaptive = new AC.AdaptiveCard();
    adaptive.parse(JSON.parse(json));
    const element = adaptive.render();
    if (!element) return null;
    host.appendChild(element);
    return host.innerText;
  }, JSON.stringify(card));
  expect(shown, `${name} renders`).toBeTruthy();
  const element = await page.$('#card');
  await element!.screenshot({ path: join(SHOTS, `bot-de-${name}.png`) });
  return shown!;
}

/** An English sentence left in a German card: two or more English function words in one line. */
const englishLine = (line: string) => new Set(line.toLowerCase().match(/\b(the|is|are|and|cannot|has|have|only|of|to|with|its|this)\b/g) ?? []).size >= 2;

describe('German cards as a German user sees them', () => {
  it('help, status, failed with paging, policy, usage and a refusal', async () => {
    const shown: Record<string, string> = {};
    shown.help = await render('help', (await world.say('hilfe', DE))[0]!);
    const customer = (await world.admin.customers({ pageSize: 1, q: '' })).items[0]!;
    shown.status = await render('status', (await world.say(`zustand "${customer.displayName}"`, DE))[0]!);
    const failed = (await world.say('fehler', DE))[0]!;
    shown.failed = await render('failed', failed);
    shown.failedNext = await render('failed-next', await world.click(failed, 'Weiter', DE));
    const policy = [...world.hub.ctx.store.all(policies)][0]!;
    const owner = await world.admin.customer(policy.customerId);
    shown.policy = await render('policy', (await world.say(`starte "${policy.name}" für "${owner.displayName}"`, DE))[0]!);
    shown.usage = await render('usage', (await world.say('nutzung', DE))[0]!);
    shown.refusal = await render('refusal', (await world.say(`einladen "${customer.displayName}" bob@gmail.com`, DE))[0]!);
    // The customer's contract type and source read in German too.
    expect(shown.status).not.toMatch(/Month to month|\bAnnual\b|\bTrial\b|\bDirect\b/);
    expect(shown.refusal).toContain('ist bereits eingerichtet');
    for (const [name, text] of Object.entries(shown)) {
      // Names from the data (customers, policies) may be English: only the card's own sentences count.
      // Command syntax (start policy ‹Richtlinie› for ‹Kunde›) is what the user types and stays as it is.
      // A session's own message (what VB365 reported) is quoted as it came.
      const sentences = text
        .split('\n')
        .map((line) => line.replace(/ ist fehlgeschlagen: .*/, ' ist fehlgeschlagen.'))
        .filter((line) => !line.includes(customer.displayName) && !line.includes(policy.name) && !line.includes('‹'));
      expect(sentences.filter(englishLine), name).toEqual([]);
    }
  }, 120_000);
});
