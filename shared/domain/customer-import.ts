import { z } from 'zod';
import { IsoDate, IsoDateTime } from '../schemas/common.js';
import { ContactInput, ContractType, CustomerInput, CustomerStatus, StorageRegion, type Customer, type CustomerImportRow, type ImportProblem } from '../schemas/customers.js';
import { unneutralise, type CsvRecord, type CsvValue } from './csv.js';
import { checkCustomerDomain, checkTenantDomain } from './customer-domain.js';
import { checkInviteEmails, splitEmailList } from './customer-emails.js';

/**
 * Customers as CSV, both ways: the columns of the hub's export and the reading of such a file
 * back (an export of this or another hub, or a table read from the portal) into a plan of
 * creations and updates. Creation rules are the ones the API applies (domain, tenant, invites);
 * nothing here touches the store, the caller applies the plan in one write.
 */

/** Columns of the customers export, in the portal's words. */
export const CUSTOMER_CSV_COLUMNS: { header: string; value: (c: Customer) => CsvValue }[] = [
  { header: 'Display Name', value: (c) => c.displayName },
  { header: 'Domain', value: (c) => c.domain },
  { header: 'M365 Account', value: (c) => c.tenantDomain },
  { header: 'External Id', value: (c) => c.externalId },
  { header: 'Veeam Account Id', value: (c) => c.veeamAccountId },
  { header: 'Subscription Ids', value: (c) => c.subscriptionIds.join(' ') },
  { header: 'Status', value: (c) => c.status },
  { header: 'Contract Type', value: (c) => c.contractType },
  // The guide's "Licences": "Number of licenses that the customer uses"; the purchased limit has its own column.
  { header: 'Licenses', value: (c) => c.licenses },
  { header: 'License Limit', value: (c) => c.licenseLimit },
  { header: 'License Model', value: (c) => c.licenseModel },
  { header: 'Source Type', value: (c) => c.sourceType },
  { header: 'Activation Date', value: (c) => c.activationDate },
  { header: 'Storage Region', value: (c) => c.storageRegion },
  { header: 'Storage Consumed (GB)', value: (c) => c.storageConsumedGb },
  { header: 'Storage Quota (GB)', value: (c) => c.storageQuotaGb },
  { header: 'Backed Up Accounts', value: (c) => c.backedUpAccounts },
  { header: 'Total Active Accounts', value: (c) => c.totalActiveAccounts },
  { header: 'User Change This Month', value: (c) => c.userChangeThisMonth },
  { header: 'User Change Last Month', value: (c) => c.userChangeLastMonth },
  {
    header: 'Pending Invites',
    value: (c) =>
      c.invites
        .filter((i) => !i.acceptedAt)
        .map((i) => i.email)
        .join(' '),
  },
  { header: 'Contact Name', value: (c) => `${c.contact.firstName} ${c.contact.lastName}` },
  { header: 'Contact Email', value: (c) => c.contact.email },
  { header: 'Contact Phone', value: (c) => c.contact.phone },
  { header: 'Country', value: (c) => c.contact.country },
  { header: 'Created At', value: (c) => c.createdAt },
];

const number = z.coerce.number<string>({ error: 'must be a number' });
const count = z.coerce.number<string>({ error: 'must be a whole number' }).int('must be a whole number');
const gigabytes = number.min(0, 'must be 0 or more').max(100_000_000, 'must be 100,000,000 or less');

/**
 * How each column's cell is read; an empty cell is "not given" and never reaches these. Fields
 * that `POST /customers` takes are read by its own schema (CustomerInput, ContactInput); the
 * counts VDC reports are checked as the customer record checks them.
 */
const READERS = {
  'Display Name': CustomerInput.shape.displayName,
  Domain: z.string(),
  'M365 Account': z.string(),
  'External Id': CustomerInput.shape.externalId,
  'Veeam Account Id': z.string().trim().max(100, 'must be 100 characters or fewer'),
  'Subscription Ids': z
    .string()
    .transform((v) => v.split(/\s+/).filter(Boolean))
    .pipe(z.array(z.string().max(100)).max(100)),
  Status: CustomerStatus.exclude(['offboarded'], 'must be provisioning, pending or active (offboarded customers are not imported)'),
  'Contract Type': ContractType,
  Licenses: count.min(0, 'must be 0 or more'),
  'License Limit': number.pipe(CustomerInput.shape.licenseLimit.unwrap()),
  'License Model': z.literal('Variable', 'must be Variable (the only license model of Veeam Data Cloud)'),
  'Source Type': CustomerInput.shape.sourceType.unwrap(),
  'Activation Date': IsoDate,
  'Storage Region': StorageRegion,
  'Storage Consumed (GB)': gigabytes,
  'Storage Quota (GB)': number.pipe(CustomerInput.shape.storageQuotaGb.unwrap()),
  'Backed Up Accounts': count.min(0, 'must be 0 or more'),
  'Total Active Accounts': count.min(0, 'must be 0 or more'),
  'User Change This Month': count,
  'User Change Last Month': count,
  'Pending Invites': z.string(),
  'Contact Name': z.string().trim().max(161, 'must be 161 characters or fewer'),
  'Contact Email': ContactInput.shape.email,
  'Contact Phone': ContactInput.shape.phone,
  Country: ContactInput.shape.country,
  'Created At': IsoDateTime,
} satisfies Record<string, z.ZodType>;

type Header = keyof typeof READERS;
type Values = { [H in Header]?: z.output<(typeof READERS)[H]> };

const KNOWN = new Map(Object.keys(READERS).map((h) => [h.toLowerCase(), h as Header]));
/** Other spellings a file may use (the portal's list says "Licences"). */
const ALIASES: Record<string, Header> = { licences: 'Licenses', 'licence model': 'License Model', 'external id': 'External Id', 'microsoft 365 account': 'M365 Account' };

const STATUS_RANK: Record<Exclude<CustomerStatus, 'offboarded'>, number> = { provisioning: 0, pending: 1, active: 2 };

export interface CustomerImportLookup {
  /** The live customer owning a domain. */
  byDomain(domain: string): Customer | undefined;
  /** The live customer connected to a Microsoft 365 tenant. */
  byTenant(tenantDomain: string): Customer | undefined;
}

export interface CustomerImportOptions {
  now: Date;
  /** How long a customer imported as provisioning stays so (the hub's setting). */
  provisioningMs: number;
  newId: () => string;
}

export interface CustomerImportPlan {
  rows: CustomerImportRow[];
  problems: ImportProblem[];
  /** Customers to write (new and changed), only meaningful when there is no problem. */
  writes: Customer[];
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
}

/**
 * Reads the records of a customers CSV (header first) into a plan. Each problem names its line
 * and column. A row is matched to a live customer by its domain (else its M365 Account, which
 * then serves as the domain): a match is an update of the columns present, anything else a
 * creation under the rules of `POST /customers`.
 */
export function planCustomerImport(records: readonly CsvRecord[], lookup: CustomerImportLookup, options: CustomerImportOptions): CustomerImportPlan {
  const plan: CustomerImportPlan = { rows: [], problems: [], writes: [], created: 0, updated: 0, unchanged: 0, refused: 0 };
  const [head, ...body] = records;
  if (!head) {
    plan.problems.push({ line: 1, column: 1, header: null, message: 'The file is empty: it needs a header line such as the customers export writes.' });
    return plan;
  }
  const columns = readHeader(head, plan.problems);
  if (plan.problems.length > 0) return plan;
  const present = new Set(columns.map((c) => c.header));
  const at = (header: Header) => columns.findIndex((c) => c.header === header) + 1;
  const nowIso = options.now.toISOString();
  const domainsSeen = new Map<string, number>();
  const tenantsSeen = new Map<string, number>();

  for (const record of body) {
    const problems: ImportProblem[] = [];
    const problem = (header: Header | null, message: string, column = header ? at(header) : 1) => problems.push({ line: record.line, column, header, message });
    if (record.cells.length !== columns.length) {
      problem(null, `has ${record.cells.length} cells where the header has ${columns.length}`, Math.min(record.cells.length, columns.length) + 1);
    }
    const values: Values = {};
    columns.forEach(({ header }, index) => {
      const cell = unneutralise(record.cells[index] ?? '').trim();
      if (cell === '') return;
      const parsed = READERS[header].safeParse(cell);
      if (parsed.success) (values as Record<string, unknown>)[header] = parsed.data;
      else problem(header, `${header} ${parsed.error.issues[0]?.message ?? 'is not valid'} (got "${cell.length > 60 ? `${cell.slice(0, 60)}…` : cell}")`);
    });

    // The domain: the Domain column, else the tenant's own domain (the portal's list has no domain).
    let tenant: string | undefined;
    if (values['M365 Account'] !== undefined) {
      const check = checkTenantDomain(values['M365 Account']);
      if (check.ok) tenant = check.domain;
      else problem('M365 Account', `M365 Account ${check.reason}`);
    }
    // A row names its customer by domain; the portal's list has none, so there the tenant does:
    // an existing customer connected to it, else a new one whose domain is the tenant's own.
    const byTenant = values.Domain === undefined && tenant !== undefined ? lookup.byTenant(tenant) : undefined;
    const domainHeader: Header = values.Domain !== undefined ? 'Domain' : 'M365 Account';
    let domain: string | undefined = byTenant?.domain;
    const typed = values.Domain ?? tenant;
    if (!byTenant && typed !== undefined) {
      const check = checkCustomerDomain(typed);
      if (check.ok) domain = check.domain;
      else problem(domainHeader, `The domain ${typed} cannot be used: ${check.reason}`);
    } else if (typed === undefined && values['M365 Account'] === undefined) {
      const either = present.has('Domain') || present.has('M365 Account');
      problem(
        present.has('Domain') ? 'Domain' : either ? 'M365 Account' : null,
        either ? 'Domain is empty: a customer needs its own domain (or at least its M365 Account)' : 'The file has neither a Domain nor an M365 Account column',
      );
    }
    if (domain !== undefined) {
      const earlier = domainsSeen.get(domain);
      if (earlier !== undefined) problem(domainHeader, `The domain ${domain} is also on line ${earlier}`);
      else domainsSeen.set(domain, record.line);
    }
    if (tenant !== undefined) {
      const earlier = tenantsSeen.get(tenant);
      if (earlier !== undefined) problem('M365 Account', `The tenant ${tenant} is also on line ${earlier}`);
      else tenantsSeen.set(tenant, record.line);
    }

    const existing = byTenant ?? (domain === undefined ? undefined : lookup.byDomain(domain));
    if (tenant !== undefined && !byTenant) {
      const owner = lookup.byTenant(tenant);
      if (owner && owner.id !== existing?.id) problem('M365 Account', `The tenant ${tenant} is already connected to the customer ${owner.displayName}`);
      if (existing?.tenantDomain && existing.tenantDomain !== tenant) {
        problem('M365 Account', `${existing.displayName} is connected to ${existing.tenantDomain}; an import does not move it to another tenant`);
      }
    }
    let invites: string[] = [];
    if (values['Pending Invites'] !== undefined && domain !== undefined) {
      const checked = checkInviteEmails(values['Pending Invites'], domain);
      invites = checked.emails;
      for (const p of checked.problems) problem('Pending Invites', `Pending Invites: ${p.message}`);
    } else if (values['Pending Invites'] !== undefined) invites = splitEmailList(values['Pending Invites']);
    if (!existing && values['Display Name'] === undefined) problem('Display Name', 'Display Name is empty: a new customer needs one', present.has('Display Name') ? at('Display Name') : 1);
    if (existing && present.has('Display Name') && values['Display Name'] === undefined) problem('Display Name', 'Display Name is empty');

    const row: CustomerImportRow = {
      line: record.line,
      action: 'refused',
      displayName: values['Display Name'] ?? existing?.displayName ?? '',
      domain: domain ?? null,
      customerId: existing?.id ?? null,
      changes: [],
    };
    if (problems.length > 0) {
      plan.problems.push(...problems);
      plan.refused++;
      plan.rows.push(row);
      continue;
    }
    if (!existing) {
      plan.writes.push(newCustomer(values, domain!, tenant, invites, options, nowIso));
      row.action = 'create';
      plan.created++;
    } else {
      const next = updatedCustomer(existing, values, present, tenant, invites, nowIso);
      const changes = changedKeys(existing, next);
      if (changes.length === 0) {
        row.action = 'unchanged';
        plan.unchanged++;
      } else {
        plan.writes.push({ ...next, updatedAt: nowIso });
        row.action = 'update';
        row.changes = changes;
        plan.updated++;
      }
    }
    plan.rows.push(row);
  }
  return plan;
}

function readHeader(head: CsvRecord, problems: ImportProblem[]): { header: Header }[] {
  const columns: { header: Header }[] = [];
  head.cells.forEach((raw, index) => {
    const text = unneutralise(raw).trim();
    const header = KNOWN.get(text.toLowerCase()) ?? ALIASES[text.toLowerCase()];
    const column = index + 1;
    if (!header) {
      problems.push({ line: head.line, column, header: text, message: `Unknown column "${text}": the columns are those of the customers export (${Object.keys(READERS).join(', ')})` });
    } else if (columns.some((c) => c.header === header)) {
      problems.push({ line: head.line, column, header: text, message: `The column ${header} appears twice` });
    }
    columns.push({ header: header ?? ('Display Name' as Header) });
  });
  if (problems.length === 0 && !columns.some((c) => c.header === 'Display Name')) {
    problems.push({ line: head.line, column: columns.length + 1, header: null, message: 'The Display Name column is missing' });
  }
  return columns;
}

function splitName(name: string | undefined): { firstName: string; lastName: string } {
  if (!name) return { firstName: '', lastName: '' };
  const space = name.indexOf(' ');
  return space < 0 ? { firstName: name, lastName: '' } : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}

function newCustomer(v: Values, domain: string, tenant: string | undefined, invites: string[], options: CustomerImportOptions, nowIso: string): Customer {
  const status = v.Status ?? (tenant ? 'active' : 'pending');
  const provisioning = status === 'provisioning' && options.provisioningMs > 0;
  const createdAt = v['Created At'] ?? nowIso;
  return {
    id: options.newId(),
    displayName: v['Display Name']!,
    domain,
    contact: {
      ...splitName(v['Contact Name']),
      email: v['Contact Email'] ?? '',
      ...(v['Contact Phone'] && { phone: v['Contact Phone'] }),
      ...(v.Country && { country: v.Country }),
    },
    ...(v['External Id'] && { externalId: v['External Id'] }),
    status: provisioning ? 'provisioning' : status === 'provisioning' ? 'pending' : status,
    createdAt,
    provisionedAt: provisioning ? new Date(options.now.getTime() + options.provisioningMs).toISOString() : createdAt,
    ...(tenant && { tenantDomain: tenant }),
    ...(v['Veeam Account Id'] && { veeamAccountId: v['Veeam Account Id'] }),
    subscriptionIds: v['Subscription Ids'] ?? [],
    contractType: v['Contract Type'] ?? 'Pending',
    licenses: v.Licenses ?? 0,
    ...(v['License Limit'] !== undefined && { licenseLimit: v['License Limit'] }),
    licenseModel: 'Variable',
    sourceType: v['Source Type'] ?? 'VCSP Pulse',
    ...(v['Activation Date'] && { activationDate: v['Activation Date'] }),
    ...(v['Storage Region'] && { storageRegion: v['Storage Region'] }),
    storageConsumedGb: v['Storage Consumed (GB)'] ?? 0,
    ...(v['Storage Quota (GB)'] !== undefined && { storageQuotaGb: v['Storage Quota (GB)'] }),
    backedUpAccounts: v['Backed Up Accounts'] ?? 0,
    totalActiveAccounts: v['Total Active Accounts'] ?? 0,
    userChangeThisMonth: v['User Change This Month'] ?? 0,
    userChangeLastMonth: v['User Change Last Month'] ?? 0,
    invites: invites.map((email) => ({ email, invitedAt: nowIso, lastSentAt: nowIso, sendCount: 1 })),
    admins: [],
    updatedAt: nowIso,
  };
}

/**
 * The columns present change the customer; an empty cell keeps what the hub knows, except for
 * the free fields a person clears (external id, quota, phone, country). What onboarding
 * established (tenant, account ids, region) is filled in but never erased, and the status only
 * moves forward (provisioning, pending, active): the lifecycle owns the rest.
 */
function updatedCustomer(c: Customer, v: Values, present: Set<Header>, tenant: string | undefined, invites: string[], nowIso: string): Customer {
  const next: Customer = { ...c, contact: { ...c.contact } };
  const clearable = <K extends 'externalId' | 'storageQuotaGb'>(header: Header, key: K, value: Customer[K] | undefined) => {
    if (!present.has(header)) return;
    if (value === undefined) delete next[key];
    else next[key] = value;
  };
  if (v['Display Name'] !== undefined) next.displayName = v['Display Name'];
  if (tenant) next.tenantDomain = tenant;
  clearable('External Id', 'externalId', v['External Id']);
  if (v['Veeam Account Id']) next.veeamAccountId = v['Veeam Account Id'];
  if (v['Subscription Ids']?.length) next.subscriptionIds = v['Subscription Ids'];
  if (v.Status && c.status !== 'offboarded' && STATUS_RANK[v.Status] > STATUS_RANK[c.status]) next.status = v.Status;
  if (v['Contract Type']) next.contractType = v['Contract Type'];
  if (v.Licenses !== undefined) next.licenses = v.Licenses;
  if (v['License Limit'] !== undefined) next.licenseLimit = v['License Limit'];
  if (v['Source Type']) next.sourceType = v['Source Type'];
  if (v['Activation Date']) next.activationDate = v['Activation Date'];
  if (v['Storage Region']) next.storageRegion = v['Storage Region'];
  if (v['Storage Consumed (GB)'] !== undefined) next.storageConsumedGb = v['Storage Consumed (GB)'];
  clearable('Storage Quota (GB)', 'storageQuotaGb', v['Storage Quota (GB)']);
  if (v['Backed Up Accounts'] !== undefined) next.backedUpAccounts = v['Backed Up Accounts'];
  if (v['Total Active Accounts'] !== undefined) next.totalActiveAccounts = v['Total Active Accounts'];
  if (v['User Change This Month'] !== undefined) next.userChangeThisMonth = v['User Change This Month'];
  if (v['User Change Last Month'] !== undefined) next.userChangeLastMonth = v['User Change Last Month'];
  const known = new Set(c.invites.map((i) => i.email));
  const added = invites.filter((email) => !known.has(email));
  if (added.length > 0) {
    next.invites = [...c.invites, ...added.map((email) => ({ email, invitedAt: nowIso, lastSentAt: nowIso, sendCount: 1 }))];
  }
  // The export joins first and last name; the same text keeps the hub's own split ("Mary Ann" "de la Cruz").
  if (v['Contact Name'] !== undefined && v['Contact Name'] !== `${c.contact.firstName} ${c.contact.lastName}`.trim()) Object.assign(next.contact, splitName(v['Contact Name']));
  if (v['Contact Email'] !== undefined) next.contact.email = v['Contact Email'];
  for (const [header, key] of [
    ['Contact Phone', 'phone'],
    ['Country', 'country'],
  ] as const) {
    if (!present.has(header)) continue;
    const value = v[header];
    if (value === undefined) delete next.contact[key];
    else next.contact[key] = value;
  }
  return next;
}

function changedKeys(before: Customer, after: Customer): string[] {
  return (Object.keys({ ...before, ...after }) as (keyof Customer)[]).filter((k) => k !== 'updatedAt' && stable(before[k]) !== stable(after[k]));
}

/** JSON with object keys sorted, so a field removed and set again compares equal. */
function stable(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)) ??
    'undefined'
  );
}
