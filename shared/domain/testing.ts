import type { Policy } from '../schemas/backup.js';
import { emptyObjects } from '../schemas/backup.js';
import { newPolicy } from './policy-rules.js';

/** A valid policy record for tests of the pure rules; override what the test is about. */
export function samplePolicy(over: Partial<Policy> = {}): Policy {
  return {
    ...newPolicy({
      id: 'pol_1',
      customerId: 'cus_1',
      name: 'Mail',
      backupType: 'EntireOrganization',
      services: ['Exchange Online'],
      selected: emptyObjects(),
      excluded: emptyObjects(),
      enabled: true,
      scheduleHours: 24,
      nextRun: '2026-11-25T01:30:00.000Z',
      createdAt: '2026-11-01T00:00:00.000Z',
      createdBy: 'test',
    }),
    ...over,
  };
}
