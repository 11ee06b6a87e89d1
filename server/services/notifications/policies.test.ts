import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/domain/random.js';
import { RateLimiter } from './rate-limit.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelay } from './retry.js';
import { hostMatches, redactWebhookUrl, webhookPolicyFrom, webhookUrlProblem } from './webhook-policy.js';

describe('webhook URL policy', () => {
  const dev = webhookPolicyFrom({}, false);
  const prod = webhookPolicyFrom({}, true);

  it('accepts Microsoft webhook hosts over https', () => {
    for (const url of [
      'https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456',
      'https://prod-30.australiasoutheast.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x',
      'https://default123.ab.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/1/triggers/manual/paths/invoke',
    ]) {
      expect(webhookUrlProblem(url, prod), url).toBeNull();
    }
  });

  it('refuses http, other hosts, credentials, and loopback in production', () => {
    expect(webhookUrlProblem('http://contoso.webhook.office.com/x', prod)).toBe('must be an https URL');
    expect(webhookUrlProblem('https://evil.example/webhook.office.com', prod)).toMatch(/evil.example is not one/);
    expect(webhookUrlProblem('https://webhook.office.com.evil.example/x', prod)).toMatch(/not one/);
    expect(webhookUrlProblem('https://user:pw@contoso.webhook.office.com/x', prod)).toMatch(/user name or password/);
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', prod)).toMatch(/production/);
    expect(webhookUrlProblem('ftp://127.0.0.1/hook', dev)).toMatch(/http or https/);
  });

  it('allows loopback receivers (http or https) outside production, for tests and demos', () => {
    for (const url of ['http://127.0.0.1:4000/hook', 'http://localhost:4000/hook', 'https://[::1]:4000/hook', 'http://127.1.2.3/x']) expect(webhookUrlProblem(url, dev), url).toBeNull();
    expect(webhookUrlProblem('http://10.0.0.5/hook', dev)).toBe('must be an https URL');
  });

  it('takes allowed hosts from SPHUB_WEBHOOK_ALLOWED_HOSTS', () => {
    const custom = webhookPolicyFrom({ SPHUB_WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com, *.example.org' }, true);
    expect(webhookUrlProblem('https://hooks.example.com/x', custom)).toBeNull();
    expect(webhookUrlProblem('https://a.b.example.org/x', custom)).toBeNull();
    expect(webhookUrlProblem('https://example.org/x', custom)).toMatch(/not one/);
    expect(webhookUrlProblem('https://contoso.webhook.office.com/x', custom)).toMatch(/not one/);
    expect(hostMatches('A.Webhook.Office.com.', '*.webhook.office.com')).toBe(true);
  });

  it('never shows the secret part of a webhook URL', () => {
    expect(redactWebhookUrl('https://prod-30.logic.azure.com:443/workflows/abc?sig=secret')).toBe('https://prod-30.logic.azure.com/…');
    expect(redactWebhookUrl('https://hooks.example.com:8443/x?sig=s')).toBe('https://hooks.example.com:8443/…');
  });
});

describe('retry timing', () => {
  const now = new Date('2026-11-24T09:00:00Z');
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('99999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('backs off exponentially with jitter, capped', () => {
    const options = { baseDelayMs: 1000, maxDelayMs: 30_000 };
    const random = seededRandom(7);
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelay(attempt, options, random));
    const steps = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(steps[i]! / 2);
      expect(d).toBeLessThanOrEqual(steps[i]!);
    });
    // jitter: the same attempt does not always wait the same
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(3, options, random)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('waits at least as long as Retry-After says', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 50; i++) {
      const d = retryDelay(1, 7000, { baseDelayMs: 1000, maxDelayMs: 2000 }, random);
      expect(d).toBeGreaterThanOrEqual(7000);
      expect(d).toBeLessThanOrEqual(7700);
    }
  });
});

describe('rate limiter', () => {
  it('spaces requests to one key, one at a time, and holds a key back on request', () => {
    const limiter = new RateLimiter(() => 4);
    expect(limiter.ready('a', 0)).toBe(true);
    limiter.begin('a', 0);
    expect(limiter.ready('a', 0)).toBe(false); // busy
    expect(limiter.ready('b', 0)).toBe(true); // other keys are independent
    limiter.end('a');
    expect(limiter.ready('a', 249)).toBe(false);
    expect(limiter.ready('a', 250)).toBe(true);
    expect(limiter.readyAt('a')).toBe(250);
    limiter.holdUntil('a', 5000);
    expect(limiter.ready('a', 4999)).toBe(false);
    expect(limiter.ready('a', 5000)).toBe(true);
    limiter.sweep(6000);
    expect(limiter.readyAt('a')).toBeNull();
  });
});

describe('rate limiter for fast destinations', () => {
  /** Starts as many requests as the limiter allows, polling every `stepMs` like a timer that fires late. */
  function run(limiter: RateLimiter, key: string, untilMs: number, stepMs: number): number[] {
    const starts: number[] = [];
    for (let now = 0; now <= untilMs; now += stepMs) {
      while (limiter.ready(key, now)) {
        limiter.begin(key, now);
        limiter.end(key);
        starts.push(now);
      }
    }
    return starts;
  }

  it('lets several requests to one key be answered at the same time, up to its in-flight limit', () => {
    const limiter = new RateLimiter(
      () => 200,
      () => 3,
    );
    for (const at of [0, 5, 10]) {
      expect(limiter.ready('hook', at)).toBe(true);
      limiter.begin('hook', at);
    }
    expect(limiter.ready('hook', 15)).toBe(false); // three in flight
    expect(limiter.readyAt('hook')).toBeNull(); // an answer frees it, not the clock
    limiter.end('hook');
    expect(limiter.ready('hook', 15)).toBe(true);
  });

  it('keeps to its schedule when started late, yet never exceeds the rate within any second', () => {
    // 200 a second is a slot every 5 ms; polled every 3 ms, most starts come late.
    const starts = run(
      new RateLimiter(
        () => 200,
        () => 8,
      ),
      'hook',
      10_000,
      3,
    );
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThan(0);
    for (let i = 200; i < starts.length; i++) expect(starts[i]! - starts[i - 200]!, 'at most 200 within any second').toBeGreaterThanOrEqual(1000);
    // Without catching up, every start would wait for the next poll after its slot (6 ms apart).
    expect(starts.length).toBeGreaterThan(1900);
  });

  it('reaches a rate that is not a whole number of milliseconds apart', () => {
    const starts = run(
      new RateLimiter(
        () => 400,
        () => 8,
      ),
      'hook',
      10_000,
      1,
    );
    for (let i = 400; i < starts.length; i++) expect(starts[i]! - starts[i - 400]!).toBeGreaterThanOrEqual(1000);
    expect(starts.length).toBeGreaterThan(3850); // not 3,333, as 3 ms apart would give
  });

  it('starts a new schedule after a hold or a pause rather than making up for lost time', () => {
    const limiter = new RateLimiter(
      () => 4,
      () => 4,
    );
    limiter.begin('hook', 0);
    limiter.end('hook');
    limiter.holdUntil('hook', 5000);
    expect(limiter.ready('hook', 4999)).toBe(false);
    limiter.begin('hook', 5000);
    limiter.end('hook');
    expect(limiter.readyAt('hook')).toBe(5250);
    limiter.begin('hook', 9000); // idle for a while
    limiter.end('hook');
    expect(limiter.readyAt('hook')).toBe(9250);
  });
});
