import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_USER, startPlayground, type RunningPlayground } from '../../server/playground.js';

/**
 * The bot end to end in Microsoft 365 Agents Playground (a local Teams-like chat): the Playground's
 * CLI is pointed at the hub's /api/messages on loopback, and its web chat is driven in Chromium.
 * Screenshots go to test/e2e/screenshots/bot-playground-*.png.
 */

const SHOTS = resolve(import.meta.dirname, 'screenshots');
let playground: RunningPlayground;
let browser: Browser;
let page: Page;
let profile: string;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  playground = await startPlayground({ workDir: await mkdtemp(join(tmpdir(), 'sphub-playground-e2e-')) });
  profile = await mkdtemp(join(tmpdir(), 'sphub-chromium-'));
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1400,1000'],
    defaultViewport: { width: 1400, height: 1000 },
    userDataDir: profile,
  });
  page = await browser.newPage();
  // The Playground page loads fonts from a CDN; without a network they fail fast, the chat works.
  await page.goto(playground.playgroundUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await playground?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const cards = () => page.$$('.ac-adaptiveCard');
const cardText = (card: ElementHandle) => card.evaluate((el) => (el as HTMLElement).innerText);

/** Waits for an Adaptive Card whose text contains `text` (the newest one if several do). */
async function waitForCard(text: string, timeout = 30_000): Promise<ElementHandle> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const all = await cards();
    for (const card of all.reverse()) if ((await cardText(card)).includes(text)) return card;
    await new Promise((r) => setTimeout(r, 250));
  }
  const seen = await Promise.all((await cards()).map(cardText));
  throw new Error(`no card with "${text}" within ${timeout} ms; cards shown:\n${seen.join('\n---\n')}`);
}

async function type(text: string): Promise<void> {
  const box = await page.waitForSelector('[contenteditable="true"][role="textbox"]', { timeout: 30_000 });
  await box!.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function clickButton(card: ElementHandle, title: string): Promise<void> {
  const buttons = await card.$$('button');
  for (const button of buttons) {
    if ((await button.evaluate((el) => (el as HTMLElement).innerText.trim())) === title) {
      await button.click();
      return;
    }
  }
  throw new Error(`no button "${title}" on the card`);
}

/** The chat as the user sees it, and the whole card on its own (long cards scroll out of the chat). */
async function shot(name: string, card: ElementHandle): Promise<void> {
  await card.scrollIntoView();
  await new Promise((r) => setTimeout(r, 400));
  await page.screenshot({ path: join(SHOTS, `bot-playground-${name}.png`) });
  // A tall window lets the chat show the whole card at once.
  await page.setViewport({ width: 1400, height: 4000 });
  await card.scrollIntoView();
  await new Promise((r) => setTimeout(r, 400));
  await card.screenshot({ path: join(SHOTS, `bot-playground-${name}-card.png`) });
  await page.setViewport({ width: 1400, height: 1000 });
}

// A real browser and a second process on a shared machine: generous time per step.
describe('the bot in Microsoft 365 Agents Playground', { timeout: 120_000 }, () => {
  it('welcomes the user when installed', async () => {
    const welcome = await waitForCard('Hello from SP Hub');
    expect(await cardText(welcome)).toContain('You are linked as Hub Administrator');
    await shot('1-welcome', welcome);
  });

  it('answers help with the command card', async () => {
    await type('help');
    const help = await waitForCard('SP Hub in Teams');
    const text = await cardText(help);
    for (const command of ['status ‹customer›', 'start policy ‹policy› for ‹customer›', 'subscribe ‹topics›', 'link ‹code›']) expect(text).toContain(command);
    await shot('2-help', help);
  });

  it('shows a demo customer’s status', async () => {
    await type('status contoso pharmaceuticals');
    const status = await waitForCard('Backup policies');
    const text = await cardText(status);
    expect(text).toContain('Contoso Pharmaceuticals AG');
    expect(text).toContain('Executives');
    await shot('3-status', status);
  });

  it('starts a policy, then stops it with the card’s buttons (confirmed first, replaced in place)', async () => {
    const policies = await playground.admin.policies({ q: 'Contoso Pharmaceuticals AG' });
    const policy = policies.items.find((p) => p.name === 'Executives')!;

    // "contoso pharmaceuticals" is not the customer's whole name: a command that changes
    // something offers it as a button and acts on the click, in place.
    await type('start policy executives for contoso pharmaceuticals');
    const offered = await waitForCard('No customer is called exactly');
    await shot('4-offered', offered);
    expect((await playground.admin.policy(policy.id)).running).toBeNull();
    await clickButton(offered, 'Contoso Pharmaceuticals AG');
    const started = await waitForCard('Started Executives');
    await shot('4-started', started);
    expect((await playground.admin.policy(policy.id)).running).not.toBeNull();

    const before = (await cards()).length;
    await clickButton(started, 'Stop');
    const confirm = await waitForCard('Stop Executives?');
    // Action.Execute: the card was replaced where it was, no new message was added.
    expect((await cards()).length).toBe(before);
    await shot('5-confirm-stop', confirm);

    await clickButton(confirm, 'Yes, stop it');
    const stopped = await waitForCard('Stopped Executives');
    expect(await cardText(stopped)).toContain('Contoso Pharmaceuticals AG');
    await shot('6-stopped', stopped);
    expect((await playground.admin.policy(policy.id)).running).toBeNull();
    // Both actions are audited with the Playground's Teams user, through the bot.
    const audit = await playground.admin.audit({ targetId: policy.id, channel: 'bot' });
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['session.started', 'session.finished']));
    expect(audit.items.every((e) => e.actor.teamsUserId === PLAYGROUND_USER.aadObjectId)).toBe(true);
  });

  it('posts a notification card proactively to a subscribed chat, and its button works', async () => {
    await type('subscribe backupFailed');
    await waitForCard('Subscribed to: Backup failed.');
    const policy = (await playground.admin.policies({ q: 'Litware Architects' })).items.find((p) => p.enabled && !p.running)!;
    // A failed session, as the runner would report it; the outbox posts the card through the bot.
    await playground.hub.ctx.events.emit({
      type: 'session.finished',
      customerId: policy.customerId,
      subject: { type: 'policy', id: policy.id, name: policy.name },
      data: { policyId: policy.id, policyName: policy.name, status: 'Failed', summary: 'Mailbox finance@litware-architects.fr: processing failed: the backup storage did not answer in time' },
    });
    const failure = await waitForCard(`${policy.name} of Litware Architects SAS did not complete`, 60_000);
    await shot('9-proactive-failure', failure);
    await clickButton(failure, 'Retry policy');
    const retried = await waitForCard(`Started ${policy.name} again (Alex Wilber).`);
    await shot('10-proactive-retried', retried);
    expect((await playground.admin.policy(policy.id)).running).not.toBeNull();
  });

  it('tells the clicker when a button cannot work, and leaves the card as it was', async () => {
    await type('status adatum accounting');
    const status = await waitForCard('Adatum Accounting Oy');
    const before = await cardText(status);
    // The policies go away after the card was shown (someone deleted them in the portal).
    for (const p of (await playground.admin.policies({ q: 'Adatum Accounting' })).items) await playground.admin.deletePolicy(p.id);
    const buttons = await status.$$('button');
    let start: ElementHandle | undefined;
    for (const b of buttons) if (/^(Start|Retry)$/.test(await b.evaluate((el) => (el as HTMLElement).innerText.trim()))) start = b;
    await start!.click();
    const notice = await page.waitForFunction((text) => document.body.innerText.includes(text), { timeout: 30_000 }, 'Not found: Policy');
    expect(notice).toBeTruthy();
    expect(await cardText(status)).toBe(before);
    await shot('11-notice', status);
  });

  it('pages through failed backups in place, and a retry updates its row and keeps the list', async () => {
    await type('failed');
    const first = await waitForCard('Failed and warning backups');
    const total = (await playground.admin.alerts({ kind: ['backupFailed', 'backupWarning', 'tenantDisconnected'], pageSize: 1 })).total;
    expect(await cardText(first)).toContain(`1–10 of ${total}`);
    const before = (await cards()).length;
    await clickButton(first, 'Next');
    const second = await waitForCard(`11–${Math.min(20, total)} of ${total}`);
    expect((await cards()).length).toBe(before);
    await shot('12-failed-page-2', second);
    await clickButton(second, 'Retry');
    const retried = await waitForCard(' again (Alex Wilber).');
    const text = await cardText(retried);
    expect(text).toContain(`11–${Math.min(20, total)} of ${total}`);
    expect((await cards()).length).toBe(before);
    await shot('13-failed-retried-in-row', retried);
  });

  it('lists failed backups and acknowledges one from the list', async () => {
    const kinds = ['backupFailed', 'backupWarning', 'tenantDisconnected'];
    const byAlex = async () => (await playground.admin.alerts({ kind: kinds, acknowledged: true, pageSize: 500 })).items.filter((a) => a.acknowledged?.by.includes('Alex Wilber')).length;
    const before = await byAlex();
    await type('failed');
    const failed = await waitForCard('Failed and warning backups');
    await shot('7-failed', failed);
    await clickButton(failed, 'Acknowledge');
    const acknowledged = await waitForCard('Acknowledged:');
    expect(await cardText(acknowledged)).toContain('acknowledged by');
    await shot('8-acknowledged', acknowledged);
    // The hub's scheduler keeps running sessions meanwhile, so count what this user acknowledged.
    expect(await byAlex()).toBe(before + 1);
  });
});
