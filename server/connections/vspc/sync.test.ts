import { describe, expect, it } from 'vitest';
import { incrementalWatermark } from './sync.js';

describe('incrementalWatermark', () => {
  const job = (lastRun: string | null) => ({ lastRun }) as never;

  it('moves to the newest run seen, never backwards', () => {
    expect(incrementalWatermark(null, [job('2026-11-20T01:00:00.000Z'), job('2026-11-20T03:00:00.000Z'), job(null)], [])).toBe('2026-11-20T03:00:00.000Z');
    expect(incrementalWatermark('2026-11-20T05:00:00.000Z', [job('2026-11-20T03:00:00.000Z')], [])).toBe('2026-11-20T05:00:00.000Z');
    expect(incrementalWatermark(null, [], [])).toBeNull();
  });

  it('stays before a run the hub still sees running, so its end is read next time', () => {
    expect(incrementalWatermark(null, [job('2026-11-20T03:00:00.000Z')], ['2026-11-20T02:00:00.000Z'])).toBe('2026-11-20T01:59:59.999Z');
  });
});
