import { toCsv } from '../../../shared/domain/csv.js';
import { LICENSED_USER_CSV_COLUMNS, readLicensedUsers } from '../../../shared/domain/licensed-user-import.js';
import type { Page } from '../../../shared/schemas/common.js';
import { LicensedUserList, type LicensedUser, type LicensedUserInput, type LicensedUsersImportResult, type LicensedUsersQuery, type ProtectionStatus } from '../../../shared/schemas/customers.js';
import type { Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { localizedError } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { defineCollection } from '../../store/collection.js';
import { recordChange } from '../changes.js';
import { customers } from '../customer-collection.js';
import { readImportCsv, refusal } from './customer-import.js';

/** One record per customer holding its protected accounts, so the customer record stays small. */
export const licensedUserLists = defineCollection('customerLicensedUsers', LicensedUserList);

type Filters = Omit<LicensedUsersQuery, 'page' | 'pageSize'>;

const STATUS_ORDER: Record<ProtectionStatus, number> = { Protected: 0, Unprotected: 1, Excluded: 2 };

/** The licensed (protected) accounts of each customer with their protection status. */
export class LicensedUsersService {
  constructor(private readonly ctx: HubContext) {}

  /** The customer's accounts, filtered and sorted; a customer not onboarded has none. */
  list(customerId: string, query: LicensedUsersQuery): Page<LicensedUser> & { syncedAt: string | null } {
    const stored = this.ctx.store.get(licensedUserLists, customerId);
    const all = this.filtered(stored?.users ?? [], query);
    const start = (query.page - 1) * query.pageSize;
    return { items: all.slice(start, start + query.pageSize), total: all.length, page: query.page, pageSize: query.pageSize, syncedAt: stored?.syncedAt ?? null };
  }

  csv(customerId: string, filters: Filters): string {
    const stored = this.ctx.store.get(licensedUserLists, customerId);
    return toCsv(LICENSED_USER_CSV_COLUMNS, this.filtered(stored?.users ?? [], filters));
  }

  /**
   * Replaces a customer's accounts as VDC reports them (the demo seed, a runner's tenant
   * simulation) and keeps the customer's backed-up and active account counts in step.
   */
  async replace(principal: Principal, customerId: string, users: LicensedUser[]): Promise<void> {
    const syncedAt = this.ctx.clock.now().toISOString();
    const customer = await this.ctx.store.write((tx) => {
      const c = tx.get(customers, customerId);
      if (!c || c.status === 'offboarded') throw localizedError('conflict', { key: 'api.customer.gone', params: { id: customerId } });
      tx.put(licensedUserLists, { id: customerId, customerId, syncedAt, users });
      const protectedCount = users.filter((u) => u.protectionStatus === 'Protected').length;
      const counted = {
        ...c,
        backedUpAccounts: protectedCount,
        // The guide's "Licences": the number of licences the customer uses, its protected accounts.
        licenses: protectedCount,
        totalActiveAccounts: users.length,
        updatedAt: syncedAt,
      };
      tx.put(customers, counted);
      return counted;
    });
    await recordChange(this.ctx, principal, {
      action: 'customer.licensed-users-synced',
      target: { type: 'customer', id: customerId, name: customer.displayName },
      customerId,
      details: { accounts: users.length, protected: customer.backedUpAccounts },
    });
  }

  /**
   * A provider without API access sets the list itself (`PUT`, or the CSV import): the list is
   * replaced, accounts keep their id by address, and today's licensed-user count is recorded for
   * the usage report. Returns the day counted.
   */
  async set(principal: Principal, customerId: string, inputs: readonly LicensedUserInput[]): Promise<{ accounts: number; protected: number; countedDay: string | null }> {
    const known = new Map((this.ctx.store.get(licensedUserLists, customerId)?.users ?? []).map((u) => [u.email, u.id]));
    const users: LicensedUser[] = inputs.map((u) => ({ id: known.get(u.email) ?? `${customerId}-${newId('u')}`, ...u }));
    await this.replace(principal, customerId, users);
    const countedDay = (await this.ctx.services.usage?.recordCustomerCount(customerId)) ?? null;
    return { accounts: users.length, protected: users.filter((u) => u.protectionStatus === 'Protected').length, countedDay };
  }

  /** The CSV of the licensed-users export, read back: all of it or, with any problem, nothing. */
  async importCsv(principal: Principal, customerId: string, text: string, dryRun: boolean): Promise<LicensedUsersImportResult> {
    const { users, problems } = readLicensedUsers(readImportCsv(text));
    const protectedCount = users.filter((u) => u.protectionStatus === 'Protected').length;
    const result: LicensedUsersImportResult = { dryRun, applied: false, customerId, accounts: users.length, protected: protectedCount, countedDay: null, problems };
    if (dryRun) return result;
    if (problems.length > 0) throw refusal(problems, 'licensed users');
    return { ...result, ...(await this.set(principal, customerId, users)), applied: true };
  }

  /** Offboarding deletes a customer's accounts with it. */
  async removeAll(customerId: string): Promise<void> {
    if (!this.ctx.store.get(licensedUserLists, customerId)) return;
    await this.ctx.store.write((tx) => tx.delete(licensedUserLists, customerId));
  }

  private filtered(users: readonly LicensedUser[], filters: Filters): LicensedUser[] {
    const q = filters.q?.toLowerCase();
    const statuses = filters.protectionStatus?.length ? new Set(filters.protectionStatus) : null;
    const types = filters.type?.length ? new Set(filters.type) : null;
    const out = users.filter((u) => (!q || u.name.toLowerCase().includes(q) || u.email.includes(q)) && (!statuses || statuses.has(u.protectionStatus)) && (!types || types.has(u.type)));
    const desc = filters.sort.startsWith('-');
    const key = (desc ? filters.sort.slice(1) : filters.sort) as keyof LicensedUser;
    const value = (u: LicensedUser): string | number | null => (key === 'protectionStatus' ? STATUS_ORDER[u.protectionStatus] : key === 'lastBackupAt' ? u.lastBackupAt : String(u[key]).toLowerCase());
    return out.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      // Accounts never backed up sort last either way.
      if (va === null || vb === null) return va === vb ? a.email.localeCompare(b.email) : va === null ? 1 : -1;
      const order = va < vb ? -1 : va > vb ? 1 : a.email < b.email ? -1 : a.email > b.email ? 1 : 0;
      return desc ? -order : order;
    });
  }
}

declare module '../../context.js' {
  interface HubServices {
    licensedUsers: LicensedUsersService;
  }
}
