import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AdaptiveCard } from '../../../shared/cards/kit.js';
import type { Language } from '../../../shared/i18n/index.js';
import type { OutboxTopic } from '../../../shared/schemas/notifications.js';
import { parseRetryAfter } from './retry.js';

/**
 * How one delivery attempt ended, whatever the channel:
 *  - delivered;
 *  - retry: a temporary failure (timeout, 5xx, 429), optionally with the receiver's Retry-After;
 *  - gone: the destination no longer exists (a Teams channel webhook answering 404 or 410);
 *  - failed: retrying cannot help (the payload was refused).
 */
export type SendResult =
  | { outcome: 'delivered'; status?: number }
  | { outcome: 'retry'; status?: number; retryAfterMs?: number; message: string }
  | { outcome: 'gone'; status?: number; message: string }
  | { outcome: 'failed'; status?: number; message: string };

/** A subscriber of a registered channel, such as a Teams conversation the bot is installed in. */
export interface ChannelSubscriber {
  /** Stable id within the channel (a conversation id). */
  id: string;
  /** For people: the team and channel name, or the chat. */
  label: string;
  language: Language;
}

/**
 * A delivery channel other areas register with `notifications.registerChannel(name, channel)`;
 * the bot registers one that posts cards to the conversations subscribed to a topic (proactive
 * messages). The outbox treats its subscribers like contacts: one message per event each,
 * persisted, retried, dead-lettered.
 */
export interface DeliveryChannel {
  /** Who gets `topic` now; for customer events, `customerId` says whose (subscribers may filter). */
  subscribers(topic: OutboxTopic, scope: { customerId?: string }): ChannelSubscriber[] | Promise<ChannelSubscriber[]>;
  /** Posts the card (interactive: its buttons are handled by the bot). */
  send(subscriberId: string, card: AdaptiveCard, info: { messageId: string; topic: OutboxTopic }): Promise<SendResult>;
  /** Told when `send` answered gone, so the channel can forget the subscriber. */
  gone?(subscriberId: string, reason: string): void | Promise<void>;
}

/** What the hub needs from a mail transport (nodemailer's, or a test double). */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string; html: string; headers?: Record<string, string> }): Promise<unknown>;
  close?(): void;
}

/**
 * Posts a webhook message. 2xx is delivered; 404/410 means the channel is gone; 408, 425, 429 and
 * 5xx are retried (honouring Retry-After); other 4xx are refused for good. Legacy Office 365
 * connectors answer 200 with a text saying delivery failed: that is retried too. A redirect is
 * not followed (the URL was checked against the allowed hosts, where it leads was not).
 *
 * Plain node:http(s) with kept-alive connections: a busy outbox posts hundreds of messages a
 * second to a few webhooks, and with fetch (test/bench/fanout.ts) the hub spent more CPU per
 * request and its requests reached the receivers less evenly, drawing 429s at their limit.
 */
export async function postWebhook(url: string, body: unknown, options: { timeoutMs: number; messageId: string; now: () => Date }): Promise<SendResult> {
  let answer: { status: number; retryAfter: string | null; text: string };
  try {
    answer = await post(url, JSON.stringify(body), options);
  } catch (error) {
    const reason =
      error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? `no answer within ${Math.round(options.timeoutMs / 100) / 10} s` : describeNetworkError(error);
    return { outcome: 'retry', message: reason };
  }
  const { status } = answer;
  const detail = answer.text.trim().slice(0, 200);
  if (status >= 300 && status < 400) return { outcome: 'retry', message: 'the request failed: unexpected redirect' };
  if (status >= 200 && status < 300) {
    if (/delivery failed/i.test(detail)) return { outcome: 'retry', status, message: `the webhook accepted the request but said: ${detail}` };
    return { outcome: 'delivered', status };
  }
  const said = detail ? `: ${detail}` : '';
  if (status === 404 || status === 410) return { outcome: 'gone', status, message: `the Teams channel webhook answered ${status}${said} (the flow or channel no longer exists)` };
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter, options.now());
    return { outcome: 'retry', status, ...(retryAfterMs !== undefined && { retryAfterMs }), message: `the webhook answered ${status}${said}` };
  }
  if (status === 413) return { outcome: 'failed', status, message: `the webhook refused the message as too large (413)${said}` };
  return { outcome: 'failed', status, message: `the webhook refused the message with ${status}${said}` };
}

/** Connections to the webhooks are kept open between messages (idle ones close after a while). */
const agents = { http: new HttpAgent({ keepAlive: true, timeout: 30_000 }), https: new HttpsAgent({ keepAlive: true, timeout: 30_000 }) };

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** One POST: the status, Retry-After and the start of the answer, within the timeout. */
function post(url: string, json: string, options: { timeoutMs: number; messageId: string }): Promise<{ status: number; retryAfter: string | null; text: string }> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      reject(error);
      return;
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      reject(new Error(`${target.protocol} URLs are not supported`));
      return;
    }
    const payload = Buffer.from(json, 'utf8');
    const request = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'SP Hub', 'x-sphub-message-id': options.messageId },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < ANSWER_BYTES_KEPT) chunks.push(chunk);
          size += chunk.length;
        });
        // An answer cut off while its body arrives still has its status.
        const done = () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, retryAfter: header(response.headers['retry-after']), text: Buffer.concat(chunks).toString('utf8') });
        };
        response.on('end', done);
        response.on('error', done);
        response.on('aborted', done);
      },
    );
    const timer = setTimeout(() => request.destroy(new TimeoutError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(payload);
  });
}

const ANSWER_BYTES_KEPT = 16 * 1024;

function header(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** Sends a mail; SMTP 4xx replies and connection problems are temporary, 5xx replies permanent. */
export async function sendMail(transport: MailTransport, mail: { from: string; to: string; subject: string; text: string; html: string; messageId: string }): Promise<SendResult> {
  try {
    await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: { 'X-SPHub-Message-Id': mail.messageId } });
    return { outcome: 'delivered' };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
    const message = `the mail server said: ${(e.response ?? e.message ?? String(error)).slice(0, 200)}`;
    if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) return { outcome: 'failed', status: e.responseCode, message };
    return { outcome: 'retry', ...(typeof e.responseCode === 'number' && { status: e.responseCode }), message };
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ENOTFOUND') return 'the host name does not resolve';
  if (code === 'ECONNRESET') return 'the connection was reset';
  return `the request failed: ${cause?.message ?? (error instanceof Error ? error.message : String(error))}`.slice(0, 200);
}
