import { describe, expect, it } from 'vitest';
import { STORAGE_LOCATIONS, storageLocation, storageLocationsByRegion } from './storage-regions.js';

// Guide, Connect to Flex: "Select storage region", e.g. "(Europe) Germany West Central"; the status
// page groups services "in each of the supported regions: APJ, EMEA and AMER".
describe('storage regions as the wizard offers them, grouped by APJ, EMEA and AMER', () => {
  it("holds the guide's example in EMEA, ids unique, every location in one group", () => {
    expect(storageLocation('GermanyWestCentral')).toEqual({ id: 'germanywestcentral', label: '(Europe) Germany West Central', region: 'EMEA' });
    expect(new Set(STORAGE_LOCATIONS.map((l) => l.id)).size).toBe(STORAGE_LOCATIONS.length);
    const groups = storageLocationsByRegion();
    expect(groups.map((g) => g.region)).toEqual(['APJ', 'EMEA', 'AMER']);
    expect(groups.every((g) => g.locations.length > 0)).toBe(true);
    expect(groups.flatMap((g) => g.locations)).toHaveLength(STORAGE_LOCATIONS.length);
  });
});
