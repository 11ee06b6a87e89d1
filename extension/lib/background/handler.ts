import type { browser } from 'wxt/browser';
import type { ApiClient } from '../../../shared/api/client.js';
import { matchesPattern, normalizeHubUrl, toOriginPattern } from '../origins.js';
import { PAGE_ONLY, type HubRequest, type HubRequestType, type HubState } from '../protocol.js';
import type { HubFailure, HubResult } from '../result.js';
import { DEFAULT_PORTAL_URL, type ConnectionInfo, type HubSettings, type SettingsStore } from '../settings.js';
import { DEFAULT_SITES } from '../sites.js';
import { describeSites, syncContentScripts, wantedPatterns } from './content-scripts.js';
import { hubClient, toFailure } from './hub-connection.js';
import { hubOperations, type HubResponses } from './hub-operations.js';
import { t } from '../i18n.js';

export interface HandlerDeps {
  settings: SettingsStore;
  permissions: Pick<(typeof browser)['permissions'], 'contains'>;
  scripting: Pick<(typeof browser)['scripting'], 'getRegisteredContentScripts' | 'registerContentScripts' | 'unregisterContentScripts' | 'updateContentScripts'>;
  fetch?: typeof fetch;
  now?: () => Date;
  /** The failed count changed: update the toolbar badge. */
  onFailedCount?: (count: number | null, connection: ConnectionInfo['state']) => void | Promise<void>;
  /** Opens the extension's options page in a tab. */
  openOptions?: () => Promise<void>;
  /** The hub settings changed (restart the event stream). */
  onConfigured?: (settings: HubSettings | undefined) => void;
}

/** Where a message came from, as runtime.onMessage tells it. */
export interface MessageSender {
  id?: string;
  url?: string;
  tab?: unknown;
}

type Answer<T extends HubRequestType> = T extends keyof HubResponses
  ? HubResponses[T]
  : T extends 'sites' | 'sites.set'
    ? Awaited<ReturnType<typeof describeSites>>
    : T extends 'site.enabled'
      ? boolean
      : HubState;

export type HandlerAnswer<T extends HubRequestType> = HubResult<Answer<T>>;

const fail = (kind: HubFailure['kind'], message: string): { ok: false; error: HubFailure } => ({ ok: false, error: { kind, message } });

/**
 * The background worker's message handler: the only code that reads the API key. It checks
 * each request's shape and origin, calls the hub through the typed client and answers with data
 * or an error a person can act on.
 */
export function createHandler(deps: HandlerDeps) {
  const now = deps.now ?? (() => new Date());
  let registered: string[] = [];

  async function client(): Promise<{ api: ApiClient; settings: HubSettings } | null> {
    const settings = await deps.settings.hub();
    return settings ? { api: hubClient(settings, deps.fetch), settings } : null;
  }

  async function state(): Promise<HubState> {
    const hub = await deps.settings.hub();
    const connection = (await deps.settings.connection()) ?? { state: 'not-configured', checkedAt: now().toISOString() };
    return {
      configured: !!hub,
      hubUrl: hub?.hubUrl ?? null,
      portalUrl: hub ? (hub.portalUrl ?? DEFAULT_PORTAL_URL) : null,
      connection: hub ? connection : { state: 'not-configured', checkedAt: connection.checkedAt },
      failedCount: hub ? ((await deps.settings.failedCount()) ?? null) : null,
    };
  }

  async function recordConnection(info: ConnectionInfo) {
    await deps.settings.setConnection(info);
  }

  /** Checks the key against /me and counts failed policies; keeps what it learnt for the popup and badge. */
  async function check(hub: { api: ApiClient; settings: HubSettings }): Promise<ConnectionInfo> {
    const checkedAt = now().toISOString();
    try {
      const me = await hub.api.me();
      const info: ConnectionInfo = {
        state: 'ok',
        checkedAt,
        user: { name: `${me.user.firstName} ${me.user.lastName}`.trim(), email: me.user.email },
        permissions: me.permissions,
      };
      await recordConnection(info);
      let failed: number | null = null;
      try {
        failed = await hubOperations.failedCount(hub.api);
      } catch {
        failed = null;
      }
      await deps.settings.setFailedCount(failed);
      await deps.onFailedCount?.(failed, 'ok');
      return info;
    } catch (error) {
      const failure = toFailure(error, hub.settings.hubUrl);
      const info: ConnectionInfo = {
        state: failure.kind === 'unauthorized' ? 'unauthorized' : 'unreachable',
        checkedAt,
        message: failure.message,
      };
      await recordConnection(info);
      await deps.onFailedCount?.(null, info.state);
      return info;
    }
  }

  let rechecking: Promise<unknown> | null = null;

  /**
   * A hub call just succeeded. If the last check said the hub could not be used (it was down, a
   * call timed out, the key was refused), that is no longer true: check again now, so the popup,
   * the options page and the badge stop saying so instead of waiting for the next alarm.
   */
  async function recovered(hub: { api: ApiClient; settings: HubSettings }) {
    if ((await deps.settings.connection())?.state === 'ok') return;
    rechecking ??= check(hub).finally(() => (rechecking = null));
    await rechecking;
  }

  async function resync() {
    registered = await syncContentScripts(await deps.settings.sites(), deps);
    return describeSites(await deps.settings.sites(), deps.permissions, registered);
  }

  async function handle(request: HubRequest, sender: MessageSender): Promise<HubResult<unknown>> {
    switch (request.type) {
      case 'state':
        return { ok: true, data: await state() };
      case 'configure': {
        const url = normalizeHubUrl(String(request.hubUrl ?? ''));
        if (!url.ok) return fail('invalid', url.message);
        // An empty key keeps the saved one (the options page never reads it back).
        const apiKey = String(request.apiKey ?? '').trim() || (await deps.settings.hub())?.apiKey || '';
        if (apiKey.length < 16 || /\s/.test(apiKey)) return fail('invalid', t('errors.keyLooksWrong'));
        let portalUrl = DEFAULT_PORTAL_URL;
        if (request.portalUrl) {
          const portal = normalizeHubUrl(String(request.portalUrl), 'portal');
          if (!portal.ok) return fail('invalid', portal.message);
          portalUrl = portal.url;
        }
        const settings: HubSettings = { hubUrl: url.url, apiKey, portalUrl };
        const candidate = { api: hubClient(settings, deps.fetch), settings };
        const info = await check(candidate);
        // A key the hub refuses is not kept; an unreachable hub is, so the user can fix the hub and retry.
        if (info.state === 'unauthorized') {
          return fail('unauthorized', info.message ?? t('errors.keyRefused'));
        }
        await deps.settings.setHub(settings);
        deps.onConfigured?.(settings);
        if (info.state !== 'ok') return { ok: false, error: { kind: 'unreachable', message: info.message ?? t('errors.unreachable', [url.url]) } };
        return { ok: true, data: await state() };
      }
      case 'disconnect':
        await deps.settings.clearHub();
        deps.onConfigured?.(undefined);
        await deps.onFailedCount?.(null, 'not-configured');
        return { ok: true, data: await state() };
      case 'refresh': {
        const hub = await client();
        if (!hub) return { ok: true, data: await state() };
        await check(hub);
        return { ok: true, data: await state() };
      }
      case 'options.open':
        if (!deps.openOptions) return fail('failed', 'The options page cannot be opened from here.');
        await deps.openOptions();
        return { ok: true, data: await state() };
      case 'sites':
        return { ok: true, data: await resync() };
      case 'site.enabled': {
        const url = sender.url ?? '';
        return { ok: true, data: wantedPatterns(await deps.settings.sites()).some((pattern) => matchesPattern(url, pattern)) };
      }
      case 'sites.set': {
        const known = new Set(DEFAULT_SITES.map((site) => site.id));
        const disabledDefaults = [...new Set((request.disabledDefaults ?? []).map(String))].filter((id) => known.has(id));
        const origins: string[] = [];
        for (const origin of request.origins ?? []) {
          const parsed = toOriginPattern(String(origin));
          if (!parsed.ok) return fail('invalid', parsed.message);
          if (!origins.includes(parsed.pattern)) origins.push(parsed.pattern);
        }
        if (origins.length > 50) return fail('invalid', t('errors.tooManySites'));
        await deps.settings.setSites({ disabledDefaults, origins });
        return { ok: true, data: await resync() };
      }
      default: {
        const hub = await client();
        if (!hub) return fail('not-configured', t('errors.notSetUp'));
        const operation = hubOperations[request.type as keyof typeof hubOperations] as unknown as ((api: ApiClient, request: HubRequest, settings: HubSettings) => Promise<unknown>) | undefined;
        if (!operation || (request.type as string) === 'failedCount') return fail('invalid', `Unknown request ${String(request.type)}.`);
        try {
          const data = await operation(hub.api, request, hub.settings);
          await recovered(hub);
          return { ok: true, data };
        } catch (error) {
          const failure = toFailure(error, hub.settings.hubUrl);
          // A call made with settings replaced meanwhile (a revoked key the user just changed)
          // says nothing about the connection now: its refusal must not overwrite the new state.
          const current = await deps.settings.hub();
          const stillCurrent = current?.apiKey === hub.settings.apiKey && current?.hubUrl === hub.settings.hubUrl;
          if (stillCurrent && (failure.kind === 'unauthorized' || failure.kind === 'unreachable')) {
            await recordConnection({ state: failure.kind, checkedAt: now().toISOString(), message: failure.message });
            await deps.onFailedCount?.(null, failure.kind);
          }
          return { ok: false, error: failure };
        }
      }
    }
  }

  return {
    /** Answers one message; never throws. */
    async onMessage(message: unknown, sender: MessageSender, extensionOrigin: string): Promise<HubResult<unknown>> {
      if (!message || typeof message !== 'object' || typeof (message as { type?: unknown }).type !== 'string') {
        return fail('invalid', 'Not an SP Hub request.');
      }
      const request = message as HubRequest;
      const fromPage = (sender.url ?? '').startsWith(extensionOrigin);
      if (PAGE_ONLY.has(request.type) && !fromPage) return fail('forbidden', `${request.type} is only accepted from the extension's own pages.`);
      try {
        return await handle(request, sender);
      } catch (error) {
        return { ok: false, error: toFailure(error) };
      }
    },
    /** Re-checks the hub (alarm, start-up) and updates the badge. */
    async refresh(): Promise<HubState> {
      const hub = await client();
      if (hub) await check(hub);
      else await deps.onFailedCount?.(null, 'not-configured');
      return state();
    },
    resync,
    state,
  };
}
