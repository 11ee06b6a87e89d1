import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';

/**
 * The only file that knows how Bot Framework requests are hosted (botbuilder's CloudAdapter
 * inside Hono), and the only production file importing botbuilder: the bot takes its activity
 * handler, turn context and card helpers from here. Moving to the Microsoft 365 Agents SDK means
 * rewriting this file: its AgentApplication/ActivityHandler, TurnContext, MessageFactory and
 * CardFactory have the same shapes, and the rest of the hub sees `handle` and `continueConversation`.
 */
export { CardFactory, MessageFactory, TeamsActivityHandler, TurnContext } from 'botbuilder';
export type { Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';

export { botCredentialsFromEnv, type BotCredentials } from './credentials.js';
import type { BotCredentials } from './credentials.js';
import { activityServiceUrl, refuseBrowserRequest, refuseNonJson, refuseNonLoopbackServiceUrl, refuseServiceUrlMismatch, type EndpointRefusal } from './endpoint-rules.js';

export type TurnLogic = (turn: TurnContext) => Promise<void>;

export interface BotHostingOptions {
  credentials: BotCredentials | null;
  /**
   * Overrides of the Bot Framework authentication settings (token issuer, OpenID metadata URL),
   * used by tests to validate tokens against a local key set instead of Microsoft's.
   */
  authOverrides?: Record<string, string>;
  /** Called when a turn throws past the bot's own error handling. */
  onTurnError?: (turn: TurnContext, error: unknown) => Promise<void>;
  /** Largest accepted activity; Teams' own limit is far below this. */
  maxBodyBytes?: number;
}

export interface BotHosting {
  /** True when requests must carry a valid Bot Framework token. */
  readonly authenticated: boolean;
  readonly appId: string;
  /** Runs one incoming Bot Framework request. `remoteAddress` is the TCP peer, if known. */
  handle(request: Request, remoteAddress: string | undefined, logic: TurnLogic): Promise<Response>;
  /** Opens a turn in a conversation the bot was in before (proactive messages). */
  continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void>;
}

/** Bot Framework's public-cloud endpoints (botframework-connector's AuthenticationConstants). */
const PUBLIC_CLOUD: Record<string, string> = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
};

export function createBotHosting(options: BotHostingOptions): BotHosting {
  const { credentials } = options;
  const settings = {
    MicrosoftAppId: credentials?.appId ?? '',
    MicrosoftAppPassword: credentials?.password ?? '',
    MicrosoftAppType: credentials?.appType ?? 'MultiTenant',
    MicrosoftAppTenantId: credentials?.tenantId ?? '',
  };
  // Overriding any endpoint makes botbuilder take the whole set from us, so start from the public cloud's.
  const endpoints = options.authOverrides ? { ...PUBLIC_CLOUD, ...options.authOverrides } : {};
  const auth = new ConfigurationBotFrameworkAuthentication({ ...settings, ...endpoints }, new ConfigurationServiceClientCredentialFactory(settings));
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (turn, error) => {
    console.error('bot turn failed:', error);
    await options.onTurnError?.(turn, error);
  };
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const appId = credentials?.appId ?? '';

  return {
    authenticated: credentials !== null,
    appId,
    async handle(request, remoteAddress, logic) {
      if (!credentials && !isLoopbackCaller(request, remoteAddress)) {
        return problem(
          403,
          'forbidden',
          'The bot has no Microsoft app credentials configured, so it only accepts requests from this machine (loopback). Set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID to accept Bot Framework requests.',
        );
      }
      if (request.method !== 'POST') return problem(405, 'invalid_input', 'Bot Framework activities are POSTed.');
      // Before reading anything: a web page (any page the operator visits can reach 127.0.0.1) and
      // a body a page can send without asking (text/plain, a form) get nowhere near the bot.
      const refused = refuseBrowserRequest(request.headers) ?? refuseNonJson(request.headers);
      if (refused) return refusal(refused);
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBodyBytes) return problem(413, 'too_large', `The activity is larger than ${maxBodyBytes} bytes.`);
      const text = await request.text();
      if (text.length > maxBodyBytes) return problem(413, 'too_large', `The activity is larger than ${maxBodyBytes} bytes.`);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return problem(400, 'invalid_input', 'The request body is not a JSON activity.');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) return problem(400, 'invalid_input', 'The request body is not a JSON activity.');
      if (typeof (body as { type?: unknown }).type !== 'string') return problem(400, 'invalid_input', 'The activity has no type.');
      // The bot sends its replies to the activity's serviceUrl: without credentials only to this machine.
      const serviceUrl = activityServiceUrl(body as Record<string, unknown>);
      if (!(serviceUrl instanceof URL)) return refusal(serviceUrl);
      if (!credentials) {
        const elsewhere = refuseNonLoopbackServiceUrl(serviceUrl);
        if (elsewhere) return refusal(elsewhere);
      }

      const headers: Record<string, string> = {};
      request.headers.forEach((value, key) => (headers[key] = value));
      if (credentials) {
        // botbuilder answers some bad tokens (a wrong signature) with 500; checking first makes every one a 401.
        let claim: string | null;
        try {
          const result = await auth.authenticateRequest(body as Activity, headers.authorization ?? '');
          claim = result.claimsIdentity.getClaimValue('serviceurl');
        } catch {
          return problem(401, 'unauthorized', 'The request does not carry a valid Bot Framework token.');
        }
        // Checked here too, whatever kind of token botbuilder accepted: replies go only where the token says.
        const mismatch = refuseServiceUrlMismatch(claim, (body as { serviceUrl?: unknown }).serviceUrl);
        if (mismatch) return refusal(mismatch);
      }
      const res = new CollectedResponse();
      try {
        await adapter.process({ method: 'POST', headers, body: body as Record<string, unknown> }, res, logic);
      } catch (error) {
        // botbuilder refuses activities it cannot read by throwing: that is bad input, not our failure.
        console.error('bot: activity refused:', error instanceof Error ? error.message : error);
        return problem(400, 'invalid_input', 'The activity could not be read.');
      }
      return res.toResponse();
    },
    continueConversation(reference, logic) {
      return adapter.continueConversationAsync(appId, reference, logic);
    },
  };
}

/**
 * Without credentials nothing proves who is calling, so only this machine may. A request that
 * came through a proxy (Forwarded / X-Forwarded-For) counts as the original caller.
 */
export function isLoopbackCaller(request: Request, remoteAddress: string | undefined): boolean {
  if (!remoteAddress || !isLoopbackAddress(remoteAddress)) return false;
  const forwarded = request.headers.get('x-forwarded-for') ?? request.headers.get('forwarded');
  if (!forwarded) return true;
  const first = forwarded.includes('for=') ? /for="?\[?([^\]";,]+)/i.exec(forwarded)?.[1] : forwarded.split(',')[0];
  return !!first && isLoopbackAddress(first.trim());
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || a === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

function refusal(r: EndpointRefusal): Response {
  return problem(r.status, r.code, r.message);
}

function problem(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json' } });
}

/** The Express-like response CloudAdapter.process writes to, collected into a Web Response. */
class CollectedResponse {
  socket = null;
  private code = 200;
  private readonly headers = new Headers();
  private body: unknown;

  status(code: number) {
    this.code = code;
    return this;
  }
  header(name: string, value: unknown) {
    this.headers.set(name, String(value));
    return this;
  }
  send(body: unknown) {
    this.body = body;
    return this;
  }
  end() {
    return this;
  }

  toResponse(): Response {
    if (this.code >= 500) {
      // botbuilder puts the raw error message in the body; the logs have it, the caller gets the hub's error shape.
      return problem(this.code, 'internal', 'The bot could not process this activity; the error has been logged.');
    }
    if (this.code === 401) return problem(401, 'unauthorized', 'The request does not carry a valid Bot Framework token.');
    if (this.body === undefined || this.body === null || this.body === '') return new Response(null, { status: this.code, headers: this.headers });
    if (typeof this.body === 'string') return new Response(this.body, { status: this.code, headers: this.headers });
    this.headers.set('content-type', 'application/json');
    return new Response(JSON.stringify(this.body), { status: this.code, headers: this.headers });
  }
}
