import { z } from 'zod';
import { Id, IsoDate, IsoDateTime } from './common.js';

// Core customer record. The customers area owns this file and extends it (settings,
// onboarding, notifications, admins...); other areas rely on the fields below.

export const CustomerStatus = z.enum(['provisioning', 'pending', 'active', 'offboarded']);
export type CustomerStatus = z.infer<typeof CustomerStatus>;
export const ContractType = z.enum(['Pending', 'Month to month', 'Annual', 'Trial', 'Cancelled']);
export type ContractType = z.infer<typeof ContractType>;
export const SourceType = z.enum(['VCSP Pulse', 'Microsoft Marketplace', 'CloudBlue', 'Direct']);
export type SourceType = z.infer<typeof SourceType>;
export const StorageRegion = z.enum(['APJ', 'EMEA', 'AMER']);
export type StorageRegion = z.infer<typeof StorageRegion>;

export const Contact = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().optional(),
  company: z.string().optional(),
  country: z.string().optional(),
  city: z.string().optional(),
  address: z.string().optional(),
  postalCode: z.string().optional(),
});
export type Contact = z.infer<typeof Contact>;

export const Customer = z.object({
  id: Id,
  displayName: z.string(),
  /** The customer's own domain; invitations only go to addresses inside it. */
  domain: z.string(),
  contact: Contact,
  externalId: z.string().optional(),
  primaryAdminEmail: z.string().optional(),
  status: CustomerStatus,
  createdAt: IsoDateTime,
  /** When provisioning ends (Pulse takes up to ten minutes). */
  provisionedAt: IsoDateTime,
  /** The Microsoft 365 tenant, such as contoso.onmicrosoft.com, known once connected. */
  tenantDomain: z.string().optional(),
  veeamAccountId: z.string().optional(),
  subscriptionIds: z.array(z.string()),
  contractType: ContractType,
  /** Licensed limit (number of protected users the customer bought). */
  licenses: z.number().int().min(0),
  licenseModel: z.literal('Variable'),
  sourceType: SourceType,
  activationDate: IsoDate.optional(),
  storageRegion: StorageRegion.optional(),
  storageConsumedGb: z.number().min(0),
  /** Storage quota where one is set. */
  storageQuotaGb: z.number().min(0).optional(),
  backedUpAccounts: z.number().int().min(0),
  totalActiveAccounts: z.number().int().min(0),
  userChangeThisMonth: z.number().int(),
  userChangeLastMonth: z.number().int(),
});
export type Customer = z.infer<typeof Customer>;
