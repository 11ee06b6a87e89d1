import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../shared/domain/clock.js';
import { FailureThrottle } from './failure-throttle.js';

describe('FailureThrottle', () => {
  it('lets a burst of failures through, then throttles with a Retry-After, and reports each burst once', () => {
    const clock = new FakeClock();
    const throttle = new FailureThrottle({ clock, burst: 5, perMinute: 6 });
    for (let i = 0; i < 5; i++) expect(throttle.fail(['addr:a'])).toBeNull();
    expect(throttle.fail(['addr:a'])).toEqual({ retryAfterSeconds: 10, started: ['addr:a'] });
    expect(throttle.fail(['addr:a'])).toEqual({ retryAfterSeconds: 10, started: [] });
    expect(throttle.failures('addr:a')).toBe(7);

    clock.advance(10_000); // one token back: one more try, still the same burst
    expect(throttle.fail(['addr:a'])).toBeNull();
    expect(throttle.fail(['addr:a'])).toEqual({ retryAfterSeconds: 10, started: [] });

    clock.advance(50_000); // quiet long enough to refill completely: the next burst is new
    for (let i = 0; i < 5; i++) expect(throttle.fail(['addr:a'])).toBeNull();
    expect(throttle.fail(['addr:a'])).toEqual({ retryAfterSeconds: 10, started: ['addr:a'] });
  });

  it('throttles when any of the subjects is out of room', () => {
    const throttle = new FailureThrottle({ clock: new FakeClock(), burst: 2, perMinute: 60 });
    throttle.fail(['addr:a', 'prefix:sph_x']);
    throttle.fail(['addr:b', 'prefix:sph_x']);
    expect(throttle.fail(['addr:c', 'prefix:sph_x'])).toEqual({ retryAfterSeconds: 1, started: ['prefix:sph_x'] });
    expect(throttle.fail(['addr:c'])).toBeNull();
  });

  it('keeps a bounded number of subjects however many there are', () => {
    const clock = new FakeClock();
    const throttle = new FailureThrottle({ clock, burst: 3, perMinute: 60, maxTracked: 100 });
    for (let i = 0; i < 10_000; i++) throttle.fail([`prefix:${i}`]);
    expect(throttle.size).toBeLessThanOrEqual(100);
  });
});
