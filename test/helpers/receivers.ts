import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Clock } from '../../shared/domain/clock.js';
import type { FakeClock } from '../../shared/domain/clock.js';

// Real receivers on loopback for notification tests: a Teams-like webhook endpoint and an SMTP
// server. Nothing here is mocked: the hub's dispatcher talks HTTP and SMTP to them.

// ---- webhook receiver ----

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long (real time) before answering. */
  delayMs?: number;
}

export interface ReceivedRequest {
  path: string;
  /** `x-sphub-message-id`: which outbox message this is. */
  messageId: string | undefined;
  body: unknown;
  /** On the receiver's clock (a FakeClock in tests, to check pacing without sleeping). */
  at: number;
  /** What it answered. */
  status: number;
  /** The answer reached the sender: 2xx and written before the sender gave up. */
  accepted: boolean;
}

export type Behaviour = (request: { path: string; messageId: string | undefined; body: unknown }, count: number) => Reply;

/** Answers every request the same way. */
export const always =
  (status: number, extra: Omit<Reply, 'status'> = {}): Behaviour =>
  () => ({ status, ...extra });

/** Answers the first requests of each message with `first` (one reply each), then `then`. Counts per message. */
export function perMessage(first: Reply[], then: Reply): Behaviour {
  const seen = new Map<string, number>();
  return (request) => {
    const key = request.messageId ?? '';
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return first[n] ?? then;
  };
}

export interface WebhookReceiver {
  /** The URL of a path on this receiver (http://127.0.0.1:port/path). */
  url(path: string): string;
  /** How the receiver answers requests to `path` (default 202). */
  on(path: string, behaviour: Behaviour): void;
  requests(path?: string): ReceivedRequest[];
  /** Message ids with how many times each was accepted. */
  acceptedCounts(path?: string): Map<string, number>;
  /** The most requests this receiver was answering at the same time. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(clock: Clock): Promise<WebhookReceiver> {
  const behaviours = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const received: ReceivedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = () => {
      if (counted) inFlight -= 1;
      counted = false;
    };
    res.on('close', done);
    void (async () => {
      const text = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const messageId = header(req, 'x-sphub-message-id');
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const reply = (behaviours.get(path) ?? always(202))({ path, messageId, body }, n);
      const entry: ReceivedRequest = { path, messageId, body, at: clock.now().getTime(), status: reply.status, accepted: false };
      received.push(entry);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed || req.socket.destroyed) return; // the sender gave up waiting
      res.on('finish', () => {
        entry.accepted = reply.status >= 200 && reply.status < 300;
      });
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    on: (path, behaviour) => behaviours.set(path, behaviour),
    get maxInFlight() {
      return maxInFlight;
    },
    requests: (path) => received.filter((r) => !path || r.path === path),
    acceptedCounts(path) {
      const out = new Map<string, number>();
      for (const r of received) if ((!path || r.path === path) && r.accepted && r.messageId) out.set(r.messageId, (out.get(r.messageId) ?? 0) + 1);
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

// ---- SMTP server ----

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string>;
  /** Decoded (RFC 2047) subject. */
  subject: string;
  text: string;
  html: string;
}

export interface SmtpReceiver {
  url: string;
  port: number;
  mails: ReceivedMail[];
  /** The next `count` messages are refused with this SMTP reply code (451 temporary, 550 permanent). */
  refuseNext(count: number, code: number): void;
  close(): Promise<void>;
}

/** A real SMTP server (the `smtp-server` package) on loopback, without TLS or authentication. */
export async function startSmtpServer(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  let refuse = { count: 0, code: 451 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse.count > 0) {
          refuse = { ...refuse, count: refuse.count - 1 };
          const error = new Error(refuse.code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & { responseCode: number };
          error.responseCode = refuse.code;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = parseMail(raw);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parsed,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    refuseNext(count, code) {
      refuse = { count, code };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Enough MIME to read what nodemailer writes: headers, encoded words, multipart/alternative, QP and base64. */
export function parseMail(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'text' | 'html'> {
  const { headers, body } = splitPart(raw);
  const out = { headers, subject: decodeWords(headers.get('subject') ?? ''), text: '', html: '' };
  const visit = (partHeaders: Map<string, string>, partBody: string) => {
    const type = partHeaders.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const chunk of partBody.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith('--')) break;
        const part = splitPart(chunk.replace(/^\r?\n/, ''));
        visit(part.headers, part.body);
      }
      return;
    }
    const decoded = decodeBody(partBody, partHeaders.get('content-transfer-encoding') ?? '7bit');
    if (/^text\/html/i.test(type)) out.html = decoded;
    else if (/^text\/plain/i.test(type)) out.text = decoded;
  };
  visit(headers, body);
  return out;
}

function splitPart(text: string): { headers: Map<string, string>; body: string } {
  const normalized = text.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string): string {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`), adjacent ones joined. */
export function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, data: string) => {
    if (kind.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
    const bytes = data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

// ---- driving the outbox on a fake clock ----

/**
 * Runs the dispatcher until nothing is left to do: drains what is due, then moves the fake clock
 * to the next retry or pacing time, and again. Returns the clock readings at which it drained.
 */
export async function runOutbox(dispatcher: { drain(): Promise<number>; nextWakeAt(): Date | null }, clock: FakeClock, options: { maxRounds?: number; stepMs?: number } = {}): Promise<number> {
  let rounds = 0;
  for (; rounds < (options.maxRounds ?? 500); rounds++) {
    await dispatcher.drain();
    const next = dispatcher.nextWakeAt();
    if (!next) return rounds;
    const target = options.stepMs ? Math.min(next.getTime(), clock.now().getTime() + options.stepMs) : next.getTime();
    clock.set(Math.max(target, clock.now().getTime() + 1));
  }
  throw new Error(`the outbox did not settle within ${rounds} rounds`);
}
