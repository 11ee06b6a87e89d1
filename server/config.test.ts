import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.js';

describe('configFromEnv', () => {
  it('reads how many events stay in memory, 10,000 unless told, and refuses a count below one', () => {
    expect(configFromEnv({}).eventsInMemory).toBe(10_000);
    expect(configFromEnv({ SPHUB_EVENTS_IN_MEMORY: '500' }).eventsInMemory).toBe(500);
    expect(() => configFromEnv({ SPHUB_EVENTS_IN_MEMORY: '0' })).toThrow('eventsInMemory');
    expect(() => configFromEnv({ SPHUB_EVENTS_IN_MEMORY: 'many' })).toThrow('eventsInMemory');
  });
});
