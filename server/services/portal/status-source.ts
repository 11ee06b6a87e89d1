import { readFile, stat } from 'node:fs/promises';

/** The largest status document read (a real one is a few kilobytes). */
export const MAX_STATUS_BYTES = 1024 * 1024;

/**
 * Where the service status comes from. The hub validates what `load` returns, caches it and
 * keeps the last good answer when the source fails, so a source only has to fetch.
 */
export interface StatusSource {
  readonly kind: 'url' | 'file' | 'custom';
  /** What to show operators: the URL without credentials or query, or the file path. */
  readonly location: string | null;
  /** The raw status document (parsed JSON); throws when the source cannot be read. */
  load(signal: AbortSignal): Promise<unknown>;
}

/** A JSON status document in a file (a status export dropped by another tool, or a mounted config). */
export class FileStatusSource implements StatusSource {
  readonly kind = 'file';
  constructor(readonly location: string) {}

  async load(signal: AbortSignal): Promise<unknown> {
    const info = await stat(this.location);
    if (info.size > MAX_STATUS_BYTES) throw new Error(`the status file is larger than ${MAX_STATUS_BYTES} bytes`);
    return parseJson(await readFile(this.location, { encoding: 'utf8', signal }));
  }
}

/** A JSON status document served over HTTP(S). */
export class HttpStatusSource implements StatusSource {
  readonly kind = 'url';
  readonly location: string;
  constructor(private readonly url: string) {
    const parsed = new URL(url);
    this.location = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  }

  async load(signal: AbortSignal): Promise<unknown> {
    const response = await fetch(this.url, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`the status URL answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > MAX_STATUS_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`the status document is larger than ${MAX_STATUS_BYTES} bytes`);
    }
    return parseJson(await readLimited(response, MAX_STATUS_BYTES));
  }
}

/** Stands in for a source configured wrongly, so the status says why instead of the hub failing to start. */
export class MisconfiguredStatusSource implements StatusSource {
  readonly kind = 'custom';
  constructor(
    readonly location: string | null,
    private readonly reason: string,
  ) {}

  load(): Promise<unknown> {
    return Promise.reject(new Error(this.reason));
  }
}

/**
 * The built-in source from the environment: SPHUB_STATUS_URL (https, or http on a loopback host)
 * or SPHUB_STATUS_FILE; none when neither is set.
 */
export function statusSourceFromEnv(env: Record<string, string | undefined>): StatusSource | null {
  const url = env.SPHUB_STATUS_URL?.trim();
  const file = env.SPHUB_STATUS_FILE?.trim();
  if (url) {
    const problem = statusUrlProblem(url);
    return problem ? new MisconfiguredStatusSource(null, `SPHUB_STATUS_URL ${problem}`) : new HttpStatusSource(url);
  }
  if (file) return new FileStatusSource(file);
  return null;
}

export function statusUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && isLoopback(parsed.hostname)) return null;
  return 'must use https (plain http only on a loopback address)';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('the status document is not valid JSON');
  }
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the status document is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
