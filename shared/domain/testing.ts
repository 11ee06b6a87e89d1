import type { Policy } from '../schemas/backup.js';
import { emptyObjects } from '../schemas/backup.js';

/** A valid policy record for tests of the pure rules; override what the test is about. */
export function samplePolicy(over: Partial<Policy> = {}): Policy {
  return {
    id: 'pol_1',
    customerId: 'cus_1',
    name: 'Mail',
    policyType: 'Flex',
    backupType: 'EntireOrganization',
    services: ['Exchange Online'],
    selected: emptyObjects(),
    excluded: emptyObjects(),
    enabled: true,
    scheduleHours: 24,
    lastRun: null,
    lastStatus: 'Never',
    lastResult: 'Never',
    lastMessage: null,
    lastSuccessAt: null,
    failingSince: null,
    nextRun: '2026-11-25T01:30:00.000Z',
    averageProcessMs: 0,
    timedRuns: 0,
    runCount: 0,
    runningSessionId: null,
    lastSessionId: null,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'test',
    ...over,
  };
}
