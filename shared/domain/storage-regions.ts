import type { StorageRegion } from '../schemas/customers.js';

/**
 * The storage regions the onboarding wizard offers ("Select storage region", shown as for example
 * "(Europe) Germany West Central"), each in the status page's geography (APJ, EMEA, AMER). Data
 * only: add a region here and the wizard, the API and the status grouping follow.
 */
export interface StorageLocation {
  /** Stable id, the Azure region name. */
  id: string;
  /** As the wizard shows it. */
  label: string;
  region: StorageRegion;
}

export const STORAGE_LOCATIONS: readonly StorageLocation[] = [
  { id: 'australiaeast', label: '(Asia Pacific) Australia East', region: 'APJ' },
  { id: 'australiasoutheast', label: '(Asia Pacific) Australia Southeast', region: 'APJ' },
  { id: 'japaneast', label: '(Asia Pacific) Japan East', region: 'APJ' },
  { id: 'southeastasia', label: '(Asia Pacific) Southeast Asia', region: 'APJ' },
  { id: 'centralindia', label: '(Asia Pacific) Central India', region: 'APJ' },
  { id: 'germanywestcentral', label: '(Europe) Germany West Central', region: 'EMEA' },
  { id: 'westeurope', label: '(Europe) West Europe', region: 'EMEA' },
  { id: 'northeurope', label: '(Europe) North Europe', region: 'EMEA' },
  { id: 'uksouth', label: '(Europe) UK South', region: 'EMEA' },
  { id: 'francecentral', label: '(Europe) France Central', region: 'EMEA' },
  { id: 'switzerlandnorth', label: '(Europe) Switzerland North', region: 'EMEA' },
  { id: 'swedencentral', label: '(Europe) Sweden Central', region: 'EMEA' },
  { id: 'uaenorth', label: '(Middle East) UAE North', region: 'EMEA' },
  { id: 'southafricanorth', label: '(Africa) South Africa North', region: 'EMEA' },
  { id: 'eastus', label: '(US) East US', region: 'AMER' },
  { id: 'eastus2', label: '(US) East US 2', region: 'AMER' },
  { id: 'centralus', label: '(US) Central US', region: 'AMER' },
  { id: 'westus2', label: '(US) West US 2', region: 'AMER' },
  { id: 'canadacentral', label: '(Canada) Canada Central', region: 'AMER' },
  { id: 'brazilsouth', label: '(South America) Brazil South', region: 'AMER' },
];

const byId = new Map(STORAGE_LOCATIONS.map((l) => [l.id, l]));

export function storageLocation(id: string): StorageLocation | undefined {
  return byId.get(id.trim().toLowerCase());
}

/** The locations grouped by geography, in the status page's order. */
export function storageLocationsByRegion(): { region: StorageRegion; locations: StorageLocation[] }[] {
  return (['APJ', 'EMEA', 'AMER'] as const).map((region) => ({ region, locations: STORAGE_LOCATIONS.filter((l) => l.region === region) }));
}
