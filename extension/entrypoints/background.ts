import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { badgeFor } from '../lib/background/badge.js';
import { followEvents } from '../lib/background/event-stream.js';
import { createHandler } from '../lib/background/handler.js';
import type { HubSettings } from '../lib/settings.js';
import { createSettingsStore } from '../lib/settings.js';

/** Chrome's shortest alarm period (30 s); the event stream refreshes sooner while the worker is awake. */
const REFRESH_ALARM = 'sphub-refresh';
const REFRESH_MINUTES = 0.5;

export default defineBackground(() => {
  const settings = createSettingsStore(browser.storage.local);
  const action = browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
  let events: AbortController | null = null;

  const handler = createHandler({
    settings,
    permissions: browser.permissions,
    scripting: browser.scripting,
    async onFailedCount(count, connection) {
      const badge = badgeFor(count, connection);
      await action.setBadgeText({ text: badge.text });
      await action.setBadgeBackgroundColor({ color: badge.color });
      await action.setTitle({ title: badge.title });
    },
    onConfigured: (hub) => stream(hub),
    openOptions: () => browser.runtime.openOptionsPage(),
  });

  function stream(hub: HubSettings | undefined) {
    events?.abort();
    events = null;
    if (!hub) return;
    events = new AbortController();
    followEvents(hub, () => void handler.refresh(), { signal: events.signal });
  }

  const extensionOrigin = browser.runtime.getURL('/').replace(/\/$/, '');
  // The answer is the promise: webextension-polyfill replies with what it resolves to (WXT types the listener as Chrome's, returning void).
  // oxlint-disable-next-line typescript/no-misused-promises
  browser.runtime.onMessage.addListener((message, sender) => handler.onMessage(message, sender, extensionOrigin));

  void browser.alarms.create(REFRESH_ALARM, { periodInMinutes: REFRESH_MINUTES }).catch((error) => console.error('[SP Hub] the refresh alarm could not be created', error));
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === REFRESH_ALARM) void handler.refresh();
  });
  // Permissions granted or withdrawn in the browser's own UI: follow them.
  browser.permissions.onAdded.addListener(() => void handler.resync());
  browser.permissions.onRemoved.addListener(() => void handler.resync());
  browser.runtime.onInstalled.addListener(() => void handler.resync());

  void handler.resync().catch((error) => console.error('[SP Hub] content scripts could not be registered', error));
  void handler.refresh();
  void settings.hub().then(stream);
});
