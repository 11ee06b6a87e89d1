import { DAY, HOUR, MINUTE } from '../../shared/domain/clock.js';
import { DEFAULT_SETTINGS } from '../../shared/domain/customer-lifecycle.js';
import { intBetween, pick, seededRandom } from '../../shared/domain/random.js';
import type { ContractType, Customer, CustomerStatus, FlexService, LicensedUser, SourceType, StorageRegion } from '../../shared/schemas/customers.js';
import type { Principal } from '../auth/principal.js';
import type { HubContext } from '../context.js';
import { recordChange } from '../services/changes.js';
import { customers } from '../services/customer-collection.js';
import { licensedUserLists } from '../services/customers/licensed-users.js';

// Realistic, deterministic service-provider customers: the demo seed (about 60 customers in every
// state) and the benchmark (10,000 and more) both come from here.

// Packed by hand, many a line: the formatter would put each entry on its own.
// prettier-ignore
const BRANDS = [
  'Fabrikam', 'Contoso', 'Northwind', 'Tailspin', 'Woodgrove', 'Litware', 'Adatum', 'Proseware', 'Wingtip', 'Coho', 'Lucerne', 'Trey',
  'Fourth Coffee', 'Alpine', 'Humongous', 'VanArsdel', 'Relecloud', 'Lamna', 'Munson', 'Bellows', 'Consolidated', 'Southridge', 'Tailwind',
  'Blue Yonder', 'Wide World', 'Margie', 'Olympia', 'Boulder', 'Cascade', 'Summit', 'Harbor', 'Riverside', 'Lakeside', 'Meridian', 'Pinnacle',
  'Granite', 'Silverline', 'Evergreen', 'Redwood', 'Oakridge', 'Bluewater', 'Ironbridge', 'Kestrel', 'Falcon', 'Aurora', 'Nordic', 'Baltic',
  'Alster', 'Elbe', 'Rhein', 'Isar', 'Thames', 'Clyde', 'Avon', 'Seine', 'Loire', 'Danube', 'Tiber', 'Hudson', 'Potomac', 'Sierra', 'Sonoran',
  'Cedar', 'Maple', 'Birch', 'Willow', 'Aspen', 'Juniper', 'Sequoia', 'Quarry', 'Beacon', 'Lighthouse', 'Compass', 'Anchor', 'Keystone',
  'Sterling', 'Crescent', 'Vertex', 'Zenith', 'Horizon', 'Frontier', 'Pioneer', 'Heritage', 'Liberty', 'Crown', 'Regent', 'Sapphire', 'Emerald',
  'Copper', 'Cobalt', 'Fjord', 'Tundra', 'Mistral', 'Sirocco', 'Monsoon', 'Atlas', 'Orion', 'Vega', 'Lyra', 'Polaris', 'Helios', 'Kinetic',
];
// Packed by hand, many a line: the formatter would put each entry on its own.
// prettier-ignore
const SECTORS = [
  'Legal', 'Dental', 'Logistics', 'Architects', 'Manufacturing', 'Accounting', 'Health', 'Pharma', 'Retail', 'Consulting', 'Engineering',
  'Insurance', 'Realty', 'Foods', 'Media', 'Labs', 'Energy', 'Capital', 'Motors', 'Freight', 'Clinic', 'Partners', 'Hotels', 'Travel',
  'Builders', 'Analytics', 'Robotics', 'Textiles', 'Brewing', 'Farms', 'Marine', 'Aviation', 'Software', 'Security', 'Printing', 'Design',
  'Education', 'Veterinary', 'Optics', 'Solar', 'Water', 'Plastics', 'Packaging', 'Furniture', 'Biotech', 'Tax Advisors', 'Wealth', 'Shipping',
];

interface Country {
  name: string;
  tld: string;
  forms: readonly string[];
  cities: readonly string[];
  phone: string;
  region: StorageRegion;
}
const COUNTRIES: readonly Country[] = [
  { name: 'United States', tld: 'com', forms: ['Inc.', 'LLC', 'Corp.'], cities: ['Seattle', 'Austin', 'Denver', 'Boston', 'Chicago', 'Atlanta', 'Portland'], phone: '+1', region: 'AMER' },
  { name: 'Canada', tld: 'ca', forms: ['Inc.', 'Ltd.'], cities: ['Toronto', 'Vancouver', 'Calgary', 'Ottawa'], phone: '+1', region: 'AMER' },
  { name: 'United Kingdom', tld: 'co.uk', forms: ['Ltd', 'LLP', 'plc'], cities: ['London', 'Manchester', 'Leeds', 'Bristol', 'Glasgow', 'Edinburgh'], phone: '+44', region: 'EMEA' },
  {
    name: 'Germany',
    tld: 'de',
    forms: ['GmbH', 'AG', 'GmbH & Co. KG'],
    cities: ['München', 'Hamburg', 'Köln', 'Frankfurt am Main', 'Stuttgart', 'Düsseldorf', 'Leipzig'],
    phone: '+49',
    region: 'EMEA',
  },
  { name: 'Austria', tld: 'at', forms: ['GmbH'], cities: ['Wien', 'Graz', 'Linz', 'Salzburg'], phone: '+43', region: 'EMEA' },
  { name: 'Switzerland', tld: 'ch', forms: ['AG', 'GmbH', 'SA'], cities: ['Zürich', 'Basel', 'Bern', 'Genève'], phone: '+41', region: 'EMEA' },
  { name: 'Netherlands', tld: 'nl', forms: ['B.V.'], cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'Eindhoven'], phone: '+31', region: 'EMEA' },
  { name: 'France', tld: 'fr', forms: ['SAS', 'SA', 'SARL'], cities: ['Paris', 'Lyon', 'Toulouse', 'Nantes', 'Lille'], phone: '+33', region: 'EMEA' },
  { name: 'Finland', tld: 'fi', forms: ['Oy'], cities: ['Helsinki', 'Espoo', 'Tampere'], phone: '+358', region: 'EMEA' },
  { name: 'Sweden', tld: 'se', forms: ['AB'], cities: ['Stockholm', 'Göteborg', 'Malmö'], phone: '+46', region: 'EMEA' },
  { name: 'Australia', tld: 'com.au', forms: ['Pty Ltd'], cities: ['Sydney', 'Melbourne', 'Brisbane', 'Perth'], phone: '+61', region: 'APJ' },
  { name: 'New Zealand', tld: 'co.nz', forms: ['Limited'], cities: ['Auckland', 'Wellington', 'Christchurch'], phone: '+64', region: 'APJ' },
  { name: 'Singapore', tld: 'com.sg', forms: ['Pte. Ltd.'], cities: ['Singapore'], phone: '+65', region: 'APJ' },
  { name: 'Japan', tld: 'co.jp', forms: ['K.K.'], cities: ['Tokyo', 'Osaka', 'Yokohama'], phone: '+81', region: 'APJ' },
];

// Packed by hand, many a line: the formatter would put each entry on its own.
// prettier-ignore
const FIRST_NAMES = [
  'Anna', 'Ben', 'Carla', 'David', 'Elena', 'Felix', 'Grace', 'Hannah', 'Ivan', 'Julia', 'Karim', 'Laura', 'Marco', 'Nina', 'Oliver', 'Priya',
  'Quentin', 'Rosa', 'Samir', 'Tanja', 'Umar', 'Vera', 'William', 'Xenia', 'Yusuf', 'Zoe', 'Aiko', 'Björn', 'Chloé', 'Diego', 'Emma', 'Finn',
  'Giulia', 'Hiro', 'Ingrid', 'Jonas', 'Kira', 'Liam', 'Mia', 'Noah', 'Olga', 'Pablo', 'Ruth', 'Sven', 'Tomás', 'Ulla', 'Victor', 'Wei',
];
// Packed by hand, many a line: the formatter would put each entry on its own.
// prettier-ignore
const LAST_NAMES = [
  'Adams', 'Becker', 'Castro', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Hansen', 'Ito', 'Jansen', 'Kowalski', 'Larsen', 'Müller', 'Nakamura',
  'Okafor', 'Patel', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Ulrich', 'Varga', 'Weber', 'Young', 'Zimmermann', 'Bianchi', 'Chen', 'Novak',
  'Ortiz', 'Petrov', 'Richter', 'Svensson', 'Thompson', 'Vogel', 'Wagner', 'Walsh', 'Kelly', "O'Brien", 'Nguyen', 'Singh', 'Kim', 'Lopez',
];
const SHARED_MAILBOXES = ['Reception', 'Accounts Payable', 'Front Desk', 'Orders', 'Bookings', 'Service Desk', 'Recruiting', 'Press Office', 'Facilities', 'Warehouse'];

export interface CustomerProfile {
  status?: CustomerStatus;
  contractType?: ContractType;
  sourceType?: SourceType;
  licenses?: number;
  /** Share of licenses in use (backed-up accounts / licenses). */
  licenseUse?: number;
  storageQuotaUse?: number;
  invites?: number;
  displayName?: string;
  domain?: string;
}

export interface GenerateOptions {
  seed?: number;
  /** "Now" for dates relative to it; tests pass the FakeClock's time. */
  now?: Date;
  /** How long provisioning takes; provisioning customers are part-way through it. */
  provisioningMs?: number;
  /** Id prefix: ids are `<prefix>_<number>`. */
  idPrefix?: string;
  /** Per-index overrides (the demo uses these to have every state). */
  profiles?: readonly (CustomerProfile | undefined)[];
}

const slugs = new Map<string, string>();
/** "Müller & Söhne" -> "muller-sohne" (memoized: the generator asks for the same few hundred words). */
function slug(text: string): string {
  let out = slugs.get(text);
  if (out === undefined) {
    out = text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    if (slugs.size < 50_000) slugs.set(text, out);
  }
  return out;
}

const hex8 = (random: () => number) =>
  Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
function uuid(random: () => number): string {
  const hex = hex8(random) + hex8(random) + hex8(random) + hex8(random);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function weighted<T>(random: () => number, items: readonly [T, number][]): T {
  let r = random() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * N realistic customers, deterministic for a seed: company names and their own domains, contacts,
 * every status, contract and source type, license counts from 5 to 2,500 and the counts that go
 * with them. Fast enough for 10,000+ (the benchmark).
 */
export function generateCustomers(count: number, options: GenerateOptions = {}): Customer[] {
  const random = seededRandom(options.seed ?? 20261124);
  const now = options.now ?? new Date('2026-11-24T09:00:00.000Z');
  const provisioningMs = options.provisioningMs ?? 10 * MINUTE;
  const prefix = options.idPrefix ?? 'cus';
  const width = Math.max(4, String(count).length);
  const names = new Set<string>();
  const domains = new Set<string>();
  const tenants = new Set<string>();
  const out: Customer[] = [];

  for (let i = 0; i < count; i++) {
    const profile = options.profiles?.[i] ?? {};
    const drawn = pick(random, COUNTRIES);
    const country = (profile.domain && COUNTRIES.find((c) => profile.domain!.endsWith(`.${c.tld}`))) || drawn;
    const brand = pick(random, BRANDS);
    const sector = pick(random, SECTORS);
    const city = pick(random, country.cities);

    let displayName = profile.displayName ?? `${brand} ${sector} ${pick(random, country.forms)}`;
    if (names.has(displayName.toLowerCase())) displayName = `${displayName} (${city})`;
    for (let n = 2; names.has(displayName.toLowerCase()); n++) displayName = `${displayName.replace(/ \d+$/, '')} ${n}`;
    names.add(displayName.toLowerCase());

    let domain = profile.domain ?? `${slug(`${brand} ${sector}`)}.${country.tld}`;
    for (let n = 2; domains.has(domain); n++) domain = `${slug(`${brand} ${sector}`)}-${n}.${country.tld}`;
    domains.add(domain);

    const status: CustomerStatus =
      profile.status ??
      weighted<CustomerStatus>(random, [
        ['provisioning', 2],
        ['pending', 14],
        ['active', 83],
        ['offboarded', 1],
      ]);
    const sourceType: SourceType =
      profile.sourceType ??
      weighted<SourceType>(random, [
        ['VCSP Pulse', 60],
        ['Microsoft Marketplace', 15],
        ['CloudBlue', 15],
        ['Direct', 10],
      ]);
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    const contact = {
      firstName: first,
      lastName: last,
      email: `${slug(first)}.${slug(last).replace(/-/g, '')}@${domain}`,
      phone: `${country.phone} ${intBetween(random, 100, 999)} ${intBetween(random, 100_000, 9_999_999)}`,
      company: displayName,
      country: country.name,
      city,
    };

    const id = `${prefix}_${String(i + 1).padStart(width, '0')}`;
    const createdDaysAgo = status === 'provisioning' ? 0 : intBetween(random, 3, 1500);
    const created =
      status === 'provisioning' ? new Date(now.getTime() - Math.floor(random() * provisioningMs * 0.8)) : new Date(now.getTime() - createdDaysAgo * DAY - intBetween(random, 0, 20) * HOUR);
    const provisionedAt = new Date(created.getTime() + provisioningMs);
    const externalId =
      sourceType === 'Microsoft Marketplace' || sourceType === 'CloudBlue' ? uuid(random) : random() < 0.3 ? `CRM-${String(intBetween(random, 1000, 99999)).padStart(6, '0')}` : undefined;

    const customer: Customer = {
      id,
      displayName,
      domain,
      contact,
      ...(externalId && { externalId }),
      status,
      createdAt: created.toISOString(),
      provisionedAt: provisionedAt.toISOString(),
      subscriptionIds: [],
      contractType: 'Pending',
      licenses: 0,
      licenseModel: 'Variable',
      sourceType,
      storageConsumedGb: 0,
      backedUpAccounts: 0,
      totalActiveAccounts: 0,
      userChangeThisMonth: 0,
      userChangeLastMonth: 0,
      invites: [],
      admins: [],
      updatedAt: (status === 'provisioning' ? created : new Date(now.getTime() - intBetween(random, 1, 72) * HOUR)).toISOString(),
    };

    if (status === 'pending') {
      const inviteCount = profile.invites ?? (random() < 0.45 ? intBetween(random, 1, 3) : 0);
      const people = new Set<string>();
      for (let k = 0; k < inviteCount; k++) {
        const email = `${slug(pick(random, FIRST_NAMES))}.${slug(pick(random, LAST_NAMES)).replace(/-/g, '')}@${domain}`;
        if (people.has(email)) continue;
        people.add(email);
        const invited = new Date(Math.max(provisionedAt.getTime(), now.getTime() - intBetween(random, 1, 20) * DAY));
        const sends = intBetween(random, 1, 3);
        const lastSent = sends === 1 ? invited : new Date(Math.min(now.getTime() - HOUR, invited.getTime() + intBetween(random, 1, 5) * DAY));
        customer.invites.push({ email, invitedAt: invited.toISOString(), lastSentAt: lastSent.toISOString(), sendCount: sends });
      }
    }

    if (status === 'active' || status === 'offboarded') {
      const tenantBase = domain.slice(0, domain.indexOf('.')).replace(/-/g, '').slice(0, 27);
      let tenant = `${tenantBase}.onmicrosoft.com`;
      for (let n = 2; tenants.has(tenant); n++) tenant = `${tenantBase}${n}.onmicrosoft.com`;
      tenants.add(tenant);
      const licenses = profile.licenses ?? Math.round(5 * Math.pow(500, random() ** 1.6));
      const use = profile.licenseUse ?? 0.35 + random() * 0.4;
      const backedUp = Math.min(licenses, Math.round(licenses * use));
      const totalActive = backedUp + Math.round(backedUp * random() * 0.2);
      const consumed = round1(backedUp * (3 + random() * 40));
      const activated = new Date(Math.min(now.getTime() - DAY, created.getTime() + intBetween(random, 1, 30) * DAY));
      const region = random() < 0.8 ? country.region : pick(random, ['APJ', 'EMEA', 'AMER'] as const);
      const services: FlexService[] = random() < 0.85 ? ['Exchange Online', 'OneDrive and SharePoint', 'Teams'] : ['Exchange Online', 'OneDrive and SharePoint'];
      const managed = random() < 0.7;
      Object.assign(customer, {
        tenantDomain: tenant,
        veeamAccountId: uuid(random),
        subscriptionIds: random() < 0.1 ? [uuid(random), uuid(random)] : [uuid(random)],
        contractType:
          profile.contractType ??
          weighted<ContractType>(random, [
            ['Month to month', 70],
            ['Annual', 18],
            ['Trial', 7],
            ['Cancelled', 5],
          ]),
        licenses: backedUp,
        licenseLimit: licenses,
        activationDate: day(activated),
        storageRegion: region,
        storageConsumedGb: consumed,
        backedUpAccounts: backedUp,
        totalActiveAccounts: totalActive,
        userChangeThisMonth: Math.round(totalActive * (random() * 0.12 - 0.04)) || 0,
        userChangeLastMonth: Math.round(totalActive * (random() * 0.12 - 0.04)) || 0,
        settings: {
          ...DEFAULT_SETTINGS,
          selfServiceRestore: random() < 0.8,
          customerMayCreateDeletePolicies: random() < 0.2,
          multipleRegions: random() < 0.1,
          ...(random() < 0.08 && {
            ipRanges: [{ start: `203.0.113.${intBetween(random, 1, 100)}`, end: `203.0.113.${intBetween(random, 101, 254)}`, description: 'Head office' }],
            restrictToIpRanges: random() < 0.5,
          }),
        },
        onboarding: {
          method: managed ? 'managed' : 'self-service',
          ...(managed && { legalAgreement: { acceptedAt: activated.toISOString(), acceptedBy: 'Hub Administrator' } }),
          ...(managed && {
            connection: {
              storageRegion: region,
              retention: pick(random, [1, 3, 5, 7, 10, 'unlimited'] as const),
              services,
              deviceCode: {
                userCode: deviceCode(random),
                verificationUri: 'https://microsoft.com/devicelogin',
                issuedAt: activated.toISOString(),
                expiresAt: new Date(activated.getTime() + 15 * MINUTE).toISOString(),
              },
            },
          }),
          tenantConnectedAt: activated.toISOString(),
          finishedAt: activated.toISOString(),
          policies: random() < 0.8 ? 'recommended' : 'manual',
        },
      } satisfies Partial<Customer>);
      if (profile.storageQuotaUse !== undefined) customer.storageQuotaGb = Math.ceil(consumed / profile.storageQuotaUse);
      else if (random() < 0.2) customer.storageQuotaGb = Math.ceil((consumed * (1.4 + random() * 2)) / 100) * 100;
      if (random() < 0.3) {
        customer.admins.push({
          email: contact.email,
          firstName: first,
          lastName: last,
          sendWelcomeEmail: true,
          addedAt: created.toISOString(),
          addedBy: 'VCSP Pulse',
        });
      }
      if (!managed) {
        customer.invites.push({ email: contact.email, invitedAt: created.toISOString(), lastSentAt: created.toISOString(), sendCount: 1, acceptedAt: activated.toISOString() });
      }
    }

    if (status === 'offboarded') {
      const when = new Date(now.getTime() - intBetween(random, 1, 60) * DAY);
      customer.offboardedAt = when.toISOString();
      customer.offboardingRequest = {
        status: 'deleted',
        date: day(when),
        reason: 'Customer moved to another backup provider.',
        licenseCount: customer.backedUpAccounts,
        requestedAt: new Date(when.getTime() - 3 * DAY).toISOString(),
        requestedBy: 'Hub Administrator',
        caseNumber: `0${7_100_000 + intBetween(random, 0, 99_999)}`,
        submittedAt: new Date(when.getTime() - 2 * DAY).toISOString(),
        submittedBy: 'Hub Administrator',
        decidedAt: when.toISOString(),
        decidedBy: 'Hub Administrator',
        note: 'Veeam Customer Support deleted the customer.',
        deletedAt: when.toISOString(),
        deletionSource: 'support-case',
      };
      customer.admins = [];
      customer.invites = [];
    }
    out.push(customer);
  }
  return out;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function deviceCode(random: () => number): string {
  let code = '';
  for (let i = 0; i < 9; i++) code += CODE_ALPHABET[Math.floor(random() * CODE_ALPHABET.length)];
  return code;
}

/**
 * The protected accounts of one customer, deterministic for the customer: people and a few shared
 * mailboxes; backed-up accounts are Protected, the rest Unprotected or Excluded.
 */
export function generateLicensedUsers(customer: Customer, now: Date): LicensedUser[] {
  let hash = 0;
  for (const ch of customer.id) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  const random = seededRandom(hash);
  const total = Math.max(customer.totalActiveAccounts, customer.backedUpAccounts);
  const users: LicensedUser[] = [];
  const emails = new Set<string>();
  for (let i = 0; i < total; i++) {
    const shared = random() < 0.05;
    let name: string;
    let local: string;
    if (shared) {
      name = pick(random, SHARED_MAILBOXES);
      local = slug(name).replace(/-/g, '.');
    } else {
      const first = pick(random, FIRST_NAMES);
      const last = pick(random, LAST_NAMES);
      name = `${first} ${last}`;
      local = `${slug(first)}.${slug(last).replace(/-/g, '')}`;
    }
    let email = `${local}@${customer.domain}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${customer.domain}`;
    emails.add(email);
    if (shared && email !== `${local}@${customer.domain}`) name = `${name} ${email.slice(local.length, email.indexOf('@'))}`;
    users.push({ id: `${customer.id}-u${i + 1}`, name, email, type: shared ? 'Shared mailbox' : 'User', protectionStatus: 'Unprotected', lastBackupAt: null });
  }
  // The first `backedUpAccounts` of a shuffled order are protected; a share of the rest is excluded on purpose.
  const order = users.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.forEach((index, position) => {
    const user = users[index]!;
    if (position < customer.backedUpAccounts) {
      const hoursAgo = random() < 0.02 ? intBetween(random, 30, 96) : 1 + random() * 22;
      users[index] = { ...user, protectionStatus: 'Protected', lastBackupAt: new Date(now.getTime() - hoursAgo * HOUR).toISOString() };
    } else if (random() < 0.3) users[index] = { ...user, protectionStatus: 'Excluded' };
  });
  return users;
}

/** The demo's plan: which of the ~60 customers is in which state. */
export function demoProfiles(): CustomerProfile[] {
  const plan: CustomerProfile[] = [];
  plan.push(
    { status: 'provisioning', displayName: 'Fabrikam Legal LLP', domain: 'fabrikam-legal.com', sourceType: 'VCSP Pulse' },
    { status: 'provisioning', displayName: 'Alster Reederei GmbH', domain: 'alster-reederei.de', sourceType: 'CloudBlue' },
    { status: 'provisioning', sourceType: 'Direct' },
    { status: 'pending', invites: 0, displayName: 'Coho Winery Ltd', domain: 'cohowinery.co.uk' },
    { status: 'pending', invites: 0, sourceType: 'Microsoft Marketplace' },
    { status: 'pending', invites: 0 },
    { status: 'pending', invites: 1, displayName: 'Margie’s Travel Inc.', domain: 'margiestravel.com' },
    { status: 'pending', invites: 2, sourceType: 'CloudBlue' },
    { status: 'pending', invites: 3 },
    { status: 'pending', invites: 1, sourceType: 'Direct' },
    { status: 'pending', invites: 1, displayName: 'Lamna Healthcare Pty Ltd', domain: 'lamna-health.com.au' },
    { status: 'pending', invites: 0, displayName: 'Wingtip Toys B.V.', domain: 'wingtiptoys.nl' },
  );
  const contracts: ContractType[] = [
    ...Array<ContractType>(30).fill('Month to month'),
    ...Array<ContractType>(8).fill('Annual'),
    ...Array<ContractType>(5).fill('Trial'),
    ...Array<ContractType>(4).fill('Cancelled'),
  ];
  const sources: SourceType[] = ['VCSP Pulse', 'VCSP Pulse', 'Microsoft Marketplace', 'CloudBlue', 'VCSP Pulse', 'Direct'];
  contracts.forEach((contractType, i) => plan.push({ status: 'active', contractType, sourceType: sources[i % sources.length]! }));
  // Named customers the walkthroughs use (license alarm, storage quota, offboarding, largest and smallest).
  Object.assign(plan[12]!, { displayName: 'Contoso Pharmaceuticals AG', domain: 'contoso-pharma.ch', licenses: 2500, licenseUse: 0.71 });
  Object.assign(plan[13]!, { displayName: 'Tailspin Toys Logistics Inc.', domain: 'tailspin-logistics.com', licenses: 250, licenseUse: 0.92 });
  Object.assign(plan[14]!, { displayName: 'Northwind Traders GmbH', domain: 'northwind-traders.de', licenses: 180, licenseUse: 0.84 });
  Object.assign(plan[15]!, { displayName: 'Woodgrove Dental Clinic Ltd', domain: 'woodgrove-dental.co.uk', licenses: 40, licenseUse: 0.6, storageQuotaUse: 0.96 });
  Object.assign(plan[16]!, { displayName: 'Litware Architects SAS', domain: 'litware-architects.fr', licenses: 65, licenseUse: 0.55 });
  Object.assign(plan[17]!, { displayName: 'Adatum Accounting Oy', domain: 'adatum-accounting.fi', licenses: 5, licenseUse: 0.8 });
  Object.assign(plan[18]!, { displayName: 'Proseware Engineering K.K.', domain: 'proseware-eng.co.jp', licenses: 1200, licenseUse: 0.66 });
  plan.push({ status: 'offboarded', displayName: 'Trey Research Labs Inc.', domain: 'treyresearch.com', contractType: 'Cancelled', licenses: 75, licenseUse: 0.7 });
  return plan;
}

/** The demo SP's customers and their licensed users, relative to `now`. */
export function demoCustomers(now: Date, provisioningMs: number, spAdminEmail: string): { customers: Customer[]; licensedUsers: Map<string, LicensedUser[]> } {
  const profiles = demoProfiles();
  const customers = generateCustomers(profiles.length, { seed: 7, now, provisioningMs, idPrefix: 'cus_demo', profiles });
  const byName = (name: string) => customers.find((c) => c.displayName === name)!;

  // The SP's own administrator is an admin of a few customers, so "me/tenants" has something to switch to.
  for (const c of [customers[10]!, byName('Contoso Pharmaceuticals AG'), byName('Litware Architects SAS')]) {
    c.admins = [...c.admins, { email: spAdminEmail.toLowerCase(), firstName: 'Hub', lastName: 'Administrator', sendWelcomeEmail: false, addedAt: c.createdAt, addedBy: 'Hub Administrator' }];
  }
  const wingtip = byName('Wingtip Toys B.V.');
  wingtip.admins = [
    { email: `sanne.devries@${wingtip.domain}`, firstName: 'Sanne', lastName: 'de Vries', sendWelcomeEmail: true, addedAt: wingtip.provisionedAt, addedBy: 'Hub Administrator' },
    { email: `pieter.bakker@${wingtip.domain}`, firstName: 'Pieter', lastName: 'Bakker', sendWelcomeEmail: false, addedAt: wingtip.provisionedAt, addedBy: 'Hub Administrator' },
  ];
  const litware = byName('Litware Architects SAS');
  litware.offboardingRequest = {
    status: 'requested',
    date: day(new Date(now.getTime() + 7 * DAY)),
    reason: 'The customer is merging with another company and moves to its Microsoft 365 tenant.',
    licenseCount: litware.backedUpAccounts,
    requestedAt: new Date(now.getTime() - 2 * DAY).toISOString(),
    requestedBy: 'Hub Administrator',
  };
  const contoso = byName('Contoso Pharmaceuticals AG');
  contoso.settings = {
    ...DEFAULT_SETTINGS,
    ...contoso.settings,
    ipRanges: [
      { start: '198.51.100.0', end: '198.51.100.255', description: 'Basel head office' },
      { start: '2001:db8:4a::', end: '2001:db8:4a::ffff', description: 'Basel head office (IPv6)' },
    ],
    restrictToIpRanges: true,
  };
  const trey = byName('Trey Research Labs Inc.');
  // Offboarded earlier this month, so this month's usage report still lists it.
  const monthStart = Date.parse(`${now.toISOString().slice(0, 7)}-01T00:00:00.000Z`);
  const offboarded = new Date(Math.min(now.getTime() - MINUTE, Math.max(monthStart, now.getTime() - 2 * DAY) + HOUR));
  trey.offboardedAt = offboarded.toISOString();
  trey.offboardingRequest = { ...trey.offboardingRequest!, date: day(offboarded), decidedAt: offboarded.toISOString(), deletedAt: offboarded.toISOString() };

  const licensedUsers = new Map<string, LicensedUser[]>();
  for (const c of customers) if (c.status === 'active') licensedUsers.set(c.id, generateLicensedUsers(c, now));
  return { customers, licensedUsers };
}

/** Writes the demo customers and their licensed users into an empty store in one write. */
export async function seedDemoCustomers(ctx: HubContext, principal: Principal): Promise<Customer[]> {
  const now = ctx.clock.now();
  const { customers: list, licensedUsers } = demoCustomers(now, ctx.config.provisioningMs, ctx.config.adminEmail);
  await ctx.store.write((tx) => {
    for (const c of list) tx.put(customers, c);
    for (const [id, users] of licensedUsers) tx.put(licensedUserLists, { id, customerId: id, syncedAt: now.toISOString(), users });
  });
  await recordChange(ctx, principal, {
    action: 'customer.demo-seeded',
    target: { type: 'customer', name: `${list.length} demo customers` },
    details: { customers: list.length, licensedUsers: [...licensedUsers.values()].reduce((n, users) => n + users.length, 0) },
  });
  return list;
}
