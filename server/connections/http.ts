import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isLinkLocalOrMetadata } from './base-url.js';

// One HTTP call to an upstream API, on node:http(s) so the connection's own CA, an explicit
// "skip verification", timeouts and the exact failing stage (DNS, TCP, TLS) are in our hands.
// Every connection kind's client sends its requests through here.

export interface TlsOptions {
  caCertificatePem?: string | null;
  insecureSkipVerify?: boolean;
}

export interface HttpCall {
  url: URL;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  tls?: TlsOptions;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export type TransportStage = 'dns' | 'tcp' | 'tls' | 'timeout';

/** The call never got an HTTP answer; `stage` says where it stopped. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly stage: TransportStage,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 64 * 1024 * 1024;

/** Resolves like the system does, but refuses names that resolve to link-local or metadata addresses. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const bad = list.find((a) => isLinkLocalOrMetadata(a.address));
    if (bad) return callback(Object.assign(new Error(`${hostname} resolves to ${bad.address}, a link-local or metadata address`), { code: 'EBADHOST' }), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};

export function httpCall(call: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const https = call.url.protocol === 'https:';
    const options = {
      method: call.method,
      headers: { ...call.headers, ...(call.body !== undefined && { 'content-length': String(Buffer.byteLength(call.body)) }) },
      lookup: guardedLookup,
      ...(https && {
        ...(call.tls?.caCertificatePem && { ca: call.tls.caCertificatePem }),
        rejectUnauthorized: !call.tls?.insecureSkipVerify,
      }),
    };
    const req = (https ? httpsRequest : httpRequest)(call.url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          req.destroy(new TransportError('tcp', `the answer of ${call.url.pathname} is larger than ${MAX_BODY} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (error) => fail(error));
    });
    const timer = setTimeout(() => req.destroy(new TransportError('timeout', `no answer within ${Math.round(call.timeoutMs / 1000)} s`)), call.timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error instanceof TransportError ? error : classify(error, call.url));
    };
    req.on('error', fail);
    if (call.signal) {
      if (call.signal.aborted) req.destroy(new TransportError('timeout', 'the call was cancelled'));
      else call.signal.addEventListener('abort', () => req.destroy(new TransportError('timeout', 'the call was cancelled')), { once: true });
    }
    if (call.body !== undefined) req.write(call.body);
    req.end();
  });
}

function classify(error: Error, url: URL): TransportError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const host = url.host;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME') return new TransportError('dns', `the name ${url.hostname} could not be resolved (${code})`);
  if (code === 'EBADHOST') return new TransportError('dns', error.message);
  if (code === 'ECONNREFUSED') return new TransportError('tcp', `${host} refused the connection (nothing listens on port ${url.port || (url.protocol === 'https:' ? 443 : 80)})`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new TransportError('tcp', `${host} cannot be reached (${code})`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new TransportError('tcp', `${host} closed the connection (${code})`);
  if (code === 'ETIMEDOUT') return new TransportError('timeout', `${host} did not answer in time`);
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code) || /certificate|ssl|tls/i.test(error.message)) {
    return new TransportError('tls', `the TLS handshake with ${host} failed: ${error.message} (${code || 'TLS'}); give the CA that signed its certificate as caCertificatePem`);
  }
  if (url.protocol === 'https:' && /wrong version number|packet length/i.test(error.message)) return new TransportError('tls', `${host} does not speak TLS on that port (${error.message})`);
  return new TransportError('tcp', `${host}: ${error.message}${code ? ` (${code})` : ''}`);
}

/** Seconds or an HTTP date in Retry-After, as milliseconds (null when absent or unreadable). */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
