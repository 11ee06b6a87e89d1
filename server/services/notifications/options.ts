import { z } from 'zod';
import type { HubConfig } from '../../config.js';
import { webhookPolicyFrom, type WebhookPolicy } from './webhook-policy.js';

/**
 * How notifications are delivered, from environment variables (HubConfig.env):
 *
 *   SPHUB_SMTP_URL                 smtp://user:pass@host:587 or smtps://host:465 (or the parts below)
 *   SPHUB_SMTP_HOST, SPHUB_SMTP_PORT (587), SPHUB_SMTP_SECURE (true for implicit TLS, default for 465),
 *   SPHUB_SMTP_USER, SPHUB_SMTP_PASS
 *   SPHUB_SMTP_FROM                sender, such as "SP Hub <no-reply@northwind-msp.com>"
 *   SPHUB_WEBHOOK_ALLOWED_HOSTS    comma-separated host patterns for Teams webhooks
 *   SPHUB_OUTBOX_CONCURRENCY (8), SPHUB_OUTBOX_MAX_ATTEMPTS (10), SPHUB_OUTBOX_BASE_DELAY_SECONDS (10),
 *   SPHUB_OUTBOX_MAX_DELAY_SECONDS (3600), SPHUB_OUTBOX_TIMEOUT_SECONDS (15),
 *   SPHUB_WEBHOOK_RATE_PER_SECOND (4), SPHUB_SMTP_RATE_PER_SECOND (10),
 *   SPHUB_OUTBOX_RETAIN_DAYS (3: delivered messages stay listed this long, then go to the history file)
 *   SPHUB_OUTBOX_DEAD_RETAIN_MINUTES (15: dead messages stay listed and retryable this long)
 *   SPHUB_OUTBOX_KEEP_FINISHED (1000: finished messages kept in the store at most, whatever their age)
 *   SPHUB_OUTBOX_WINDOW (500: waiting messages kept in the store per lane, all mail being one lane; the
 *     rest wait in order in the spool on disk; ten windows at most over all lanes)
 */
export interface NotificationOptions {
  smtp: SmtpOptions | null;
  webhook: WebhookPolicy;
  outbox: OutboxOptions;
}

export interface SmtpOptions {
  /** A nodemailer SMTP URL or options. */
  transport: string | { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };
  from: string;
  /** For the settings page: where mail goes, without the password. */
  describe: string;
}

export interface OutboxOptions {
  concurrency: number;
  webhookPerSecond: number;
  smtpPerSecond: number;
  channelPerSecond: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  retainDeliveredMs: number;
  /** Dead messages (and mail held for want of SMTP) stay listed, and retryable, this long; then they go to the history. */
  retainDeadMs: number;
  /** At most this many finished messages (delivered, dead, undeliverable) stay in the store; the oldest go to the history first. */
  keepFinished: number;
  /** Waiting messages one lane (all mail, or one Teams contact, or one channel subscriber) keeps in the store; more wait in the spool. */
  window: number;
  /** Waiting messages the store holds over all lanes. */
  maxWaiting: number;
  /** How often the running dispatcher looks for due messages. */
  pollMs: number;
  /** Seed of the jitter; the same seed gives the same retry times (tests). */
  seed: number;
}

const int = (name: string, fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);
const num = (name: string, fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);

const OutboxEnv = z.object({
  SPHUB_OUTBOX_CONCURRENCY: int('SPHUB_OUTBOX_CONCURRENCY', 8, 1, 256),
  SPHUB_OUTBOX_MAX_ATTEMPTS: int('SPHUB_OUTBOX_MAX_ATTEMPTS', 10, 1, 100),
  SPHUB_OUTBOX_BASE_DELAY_SECONDS: num('SPHUB_OUTBOX_BASE_DELAY_SECONDS', 10, 0.001, 86_400),
  SPHUB_OUTBOX_MAX_DELAY_SECONDS: num('SPHUB_OUTBOX_MAX_DELAY_SECONDS', 3600, 0.001, 7 * 86_400),
  SPHUB_OUTBOX_TIMEOUT_SECONDS: num('SPHUB_OUTBOX_TIMEOUT_SECONDS', 15, 0.01, 600),
  SPHUB_WEBHOOK_RATE_PER_SECOND: num('SPHUB_WEBHOOK_RATE_PER_SECOND', 4, 0.01, 1000),
  SPHUB_SMTP_RATE_PER_SECOND: num('SPHUB_SMTP_RATE_PER_SECOND', 10, 0.01, 1000),
  SPHUB_OUTBOX_RETAIN_DAYS: num('SPHUB_OUTBOX_RETAIN_DAYS', 3, 0, 365),
  SPHUB_OUTBOX_DEAD_RETAIN_MINUTES: num('SPHUB_OUTBOX_DEAD_RETAIN_MINUTES', 15, 0, 30 * 24 * 60),
  SPHUB_OUTBOX_KEEP_FINISHED: int('SPHUB_OUTBOX_KEEP_FINISHED', 1000, 10, 1_000_000),
  SPHUB_OUTBOX_WINDOW: int('SPHUB_OUTBOX_WINDOW', 500, 1, 100_000),
});

export function notificationOptionsFrom(config: HubConfig): NotificationOptions {
  const env = config.env;
  const parsed = OutboxEnv.safeParse(Object.fromEntries(Object.keys(OutboxEnv.shape).map((k) => [k, env[k] === '' ? undefined : env[k]])));
  if (!parsed.success) throw new Error(`Notification settings: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const o = parsed.data;
  return {
    smtp: smtpFrom(env),
    webhook: webhookPolicyFrom(env, config.production),
    outbox: {
      concurrency: o.SPHUB_OUTBOX_CONCURRENCY,
      webhookPerSecond: o.SPHUB_WEBHOOK_RATE_PER_SECOND,
      smtpPerSecond: o.SPHUB_SMTP_RATE_PER_SECOND,
      channelPerSecond: 4,
      maxAttempts: o.SPHUB_OUTBOX_MAX_ATTEMPTS,
      baseDelayMs: o.SPHUB_OUTBOX_BASE_DELAY_SECONDS * 1000,
      maxDelayMs: Math.max(o.SPHUB_OUTBOX_MAX_DELAY_SECONDS, o.SPHUB_OUTBOX_BASE_DELAY_SECONDS) * 1000,
      timeoutMs: o.SPHUB_OUTBOX_TIMEOUT_SECONDS * 1000,
      retainDeliveredMs: o.SPHUB_OUTBOX_RETAIN_DAYS * 86_400_000,
      retainDeadMs: o.SPHUB_OUTBOX_DEAD_RETAIN_MINUTES * 60_000,
      keepFinished: o.SPHUB_OUTBOX_KEEP_FINISHED,
      window: o.SPHUB_OUTBOX_WINDOW,
      maxWaiting: o.SPHUB_OUTBOX_WINDOW * 10,
      pollMs: 250,
      seed: 0x5eed,
    },
  };
}

function smtpFrom(env: Record<string, string | undefined>): SmtpOptions | null {
  const url = env.SPHUB_SMTP_URL?.trim();
  const host = env.SPHUB_SMTP_HOST?.trim();
  if (!url && !host) return null;
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('SPHUB_SMTP_URL must be a URL such as smtp://user:pass@mail.example.com:587');
    }
    if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new Error('SPHUB_SMTP_URL must start with smtp:// or smtps://');
    return { transport: url, from: fromAddress(env, parsed.hostname), describe: `${parsed.protocol}//${parsed.host}` };
  }
  const port = Number(env.SPHUB_SMTP_PORT ?? 587);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('SPHUB_SMTP_PORT must be a port number');
  const secureFlag = env.SPHUB_SMTP_SECURE?.toLowerCase();
  const secure = secureFlag ? ['1', 'true', 'yes', 'on'].includes(secureFlag) : port === 465;
  const user = env.SPHUB_SMTP_USER;
  const pass = env.SPHUB_SMTP_PASS ?? '';
  return {
    transport: { host: host!, port, secure, ...(user && { auth: { user, pass } }) },
    from: fromAddress(env, host!),
    describe: `${secure ? 'smtps' : 'smtp'}://${host}:${port}`,
  };
}

function fromAddress(env: Record<string, string | undefined>, host: string): string {
  return env.SPHUB_SMTP_FROM?.trim() || `SP Hub <no-reply@${host}>`;
}
