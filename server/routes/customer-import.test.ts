import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/client.js';
import { csvTable, parseCsv } from '../../shared/domain/csv.js';
import { createTestHub, type TestHub } from '../../test/helpers/hub.js';
import { customers as customerCollection } from '../services/customer-collection.js';
import { IMPORT_LIMITS } from '../services/customers/customer-import.js';

let t: TestHub;

beforeEach(async () => {
  t = await createTestHub();
});
afterEach(async () => {
  await t.close();
});

async function failure(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const HEADER = ['Display Name', 'Domain', 'M365 Account', 'External Id', 'Status', 'Contract Type', 'Licenses', 'Contact Name', 'Contact Email', 'Contact Phone'];
const row = (name: string, domain: string, extra: Partial<Record<(typeof HEADER)[number], string>> = {}) =>
  HEADER.map((h) => (h === 'Display Name' ? name : h === 'Domain' ? domain : (extra[h] ?? (h === 'Contact Name' ? 'Anna Smith' : h === 'Contact Email' ? `anna@${domain}` : ''))));
const file = (rows: string[][], header = HEADER) => csvTable(header, rows);
const count = () => t.hub.ctx.store.count(customerCollection);

describe('POST /customers/import', () => {
  test('export -> import into an empty hub -> export gives the same file, formula cells and all', async () => {
    const source = await createTestHub({ seed: true });
    try {
      await source.admin.createCustomer({
        displayName: '=HYPERLINK("http://evil.test","Click")',
        domain: 'evil-but-valid.com',
        externalId: '\'+1-555, "quoted"',
        contact: { firstName: 'Mary Ann', lastName: 'de la Cruz', email: 'mary@evil-but-valid.com', phone: '+1 206 555 0100', country: 'Spain' },
        storageQuotaGb: 12.5,
      });
      const exported = await source.admin.exportCustomersCsv();
      const rows = parseCsv(exported).length - 1;
      expect(rows).toBeGreaterThan(20);

      const dry = await t.admin.importCustomersCsv(exported, { dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, applied: false, created: rows, updated: 0, refused: 0, problems: [] });
      expect(count()).toBe(0);

      const real = await t.admin.importCustomersCsv(exported);
      expect(real).toMatchObject({ dryRun: false, applied: true, created: rows, problems: [] });
      expect(await t.admin.exportCustomersCsv()).toBe(exported);

      // The same file again changes nothing and writes nothing.
      const version = t.hub.ctx.store.version;
      const again = await t.admin.importCustomersCsv(exported);
      expect(again).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: rows });
      expect(t.hub.ctx.store.version).toBe(version);
      // Into the hub it came from: every row is known and unchanged.
      const home = await source.admin.importCustomersCsv(exported, { dryRun: true });
      expect(home.rows.filter((r) => r.action !== 'unchanged')).toEqual([]);
    } finally {
      await source.close();
    }
  });

  test('a dry run says what would be created, updated, left alone or refused, with line and column, and changes nothing', async () => {
    const existing = await t.admin.createCustomer({ displayName: 'Contoso Ltd', domain: 'contoso.com', contact: { firstName: 'Ben', lastName: 'Ng', email: 'ben@contoso.com' }, licenseLimit: 10 });
    const text = file([
      row('Fabrikam Legal', 'fabrikam-legal.com', { Licenses: '25', 'Contract Type': 'Annual' }),
      row('Contoso Ltd', 'contoso.com', { Licenses: '40', 'Contact Name': 'Ben Ng', 'Contact Email': 'ben@contoso.com' }),
      row('Gmail Person', 'gmail.com'),
      row('Second Fabrikam', 'FABRIKAM-legal.com.', { 'Contact Email': 'it@fabrikam-legal.com' }),
      row('Bad Numbers', 'bad-numbers.com', { Licenses: 'many', Status: 'deleted' }),
    ]);
    const before = await t.admin.exportCustomersCsv();
    const dry = await t.admin.importCustomersCsv(text, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, applied: false, created: 1, updated: 1, unchanged: 0, refused: 3 });
    expect(dry.rows.map((r) => [r.line, r.action])).toEqual([
      [2, 'create'],
      [3, 'update'],
      [4, 'refused'],
      [5, 'refused'],
      [6, 'refused'],
    ]);
    expect(dry.rows[1]).toMatchObject({ customerId: existing.id, changes: ['licenses'] });
    expect(dry.problems).toEqual([
      { line: 4, column: 2, header: 'Domain', message: expect.stringMatching(/gmail\.com is a public mail provider/) },
      { line: 5, column: 2, header: 'Domain', message: 'The domain fabrikam-legal.com is also on line 2' },
      { line: 6, column: 5, header: 'Status', message: expect.stringMatching(/^Status must be provisioning, pending or active/) },
      { line: 6, column: 7, header: 'Licenses', message: expect.stringMatching(/^Licenses .*"many"/) },
    ]);
    expect(await t.admin.exportCustomersCsv()).toBe(before);
  });

  test('all or nothing: one bad row refuses the whole file with 422 naming line and column', async () => {
    const text = file([row('One', 'one-corp.com'), row('Two', 'two-corp.com'), row('Three', 'outlook.com'), row('Four', 'four-corp.com')]);
    const error = await failure(t.admin.importCustomersCsv(text));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/nothing was changed.*line 4, column 2 \(Domain\)/);
    expect(error.details).toEqual([{ field: 'line 4, column 2 (Domain)', message: expect.stringMatching(/public mail provider/) }]);
    expect(count()).toBe(0);
    const fixed = await t.admin.importCustomersCsv(file([row('One', 'one-corp.com'), row('Two', 'two-corp.com'), row('Four', 'four-corp.com')]));
    expect(fixed).toMatchObject({ applied: true, created: 3 });
    expect(count()).toBe(3);
  });

  test('broken CSV is a 400 with line and column; unknown and duplicate columns are named', async () => {
    const broken = await failure(t.admin.importCustomersCsv('Display Name,Domain\r\n"Open quote,x.com\r\n'));
    expect(broken.status).toBe(400);
    expect(broken.details).toEqual([{ field: 'line 2, column 1', message: expect.stringMatching(/never closed/) }]);
    const stray = await failure(t.admin.importCustomersCsv('Display Name,Domain\r\nA "B",x.com\r\n'));
    expect(stray.details[0]?.field).toBe('line 2, column 1');

    const header = await t.admin.importCustomersCsv('Display Name,Domain,Colour,Domain\r\nA,a-corp.com,red,a-corp.com\r\n', { dryRun: true });
    expect(header.problems).toEqual([
      { line: 1, column: 3, header: 'Colour', message: expect.stringMatching(/^Unknown column "Colour"/) },
      { line: 1, column: 4, header: 'Domain', message: 'The column Domain appears twice' },
    ]);
    const ragged = await t.admin.importCustomersCsv('Display Name,Domain\r\nA,a-corp.com,extra\r\n', { dryRun: true });
    expect(ragged.problems).toEqual([{ line: 2, column: 3, header: null, message: 'has 3 cells where the header has 2' }]);
    expect((await failure(t.admin.importCustomersCsv(''))).status).toBe(422);
    expect(count()).toBe(0);
  });

  test('lines count the line ends inside quoted cells, so the line is where a spreadsheet shows it', async () => {
    const text = `Display Name,Domain,Contact Name\r\n"Multi\r\nLine Inc",multi-line.com,"Anna\nSmith"\r\nBad,hotmail.com,Bo Li\r\n`;
    const dry = await t.admin.importCustomersCsv(text, { dryRun: true });
    expect(dry.problems).toEqual([{ line: 5, column: 2, header: 'Domain', message: expect.stringMatching(/hotmail\.com/) }]);
  });

  test('a table read from the portal (no domain column) is matched and created by its M365 Account', async () => {
    const onboarded = await t.admin.createCustomer({ displayName: 'Adatum', domain: 'adatum.com', contact: { firstName: 'A', lastName: 'B', email: 'a@adatum.com' } });
    await t.hub.ctx.store.write((tx) => tx.put(customerCollection, { ...tx.get(customerCollection, onboarded.id)!, status: 'active', tenantDomain: 'adatum.onmicrosoft.com' }));
    const portal = csvTable(
      ['Display Name', 'M365 Account', 'External Id', 'Contract Type', 'Licences', 'License Model'],
      [
        ['Adatum', 'adatum.onmicrosoft.com', 'CRM-1', 'Annual', '50', 'Variable'],
        ['Bluewater Realty AB', 'bluewaterrealty.onmicrosoft.com', '', 'Month to month', '592', 'Variable'],
        ['Coho Winery Ltd', '', '', 'Pending', '', 'Variable'],
      ],
    );
    const dry = await t.admin.importCustomersCsv(portal, { dryRun: true });
    expect(dry.rows.map((r) => [r.action, r.domain])).toEqual([
      ['update', 'adatum.com'],
      ['create', 'bluewaterrealty.onmicrosoft.com'],
      ['refused', null],
    ]);
    expect(dry.problems).toEqual([{ line: 4, column: 2, header: 'M365 Account', message: expect.stringMatching(/^Domain is empty/) }]);
    const ok = await t.admin.importCustomersCsv(csvTable(['Display Name', 'M365 Account', 'Licences'], [['Bluewater Realty AB', 'bluewaterrealty.onmicrosoft.com', '592']]));
    expect(ok.created).toBe(1);
    const created = (await t.admin.customers({ q: 'bluewater' })).items[0]!;
    expect(created).toMatchObject({ domain: 'bluewaterrealty.onmicrosoft.com', tenantDomain: 'bluewaterrealty.onmicrosoft.com', status: 'active', licenses: 592 });
  });

  test('an update never moves a customer to another tenant, and the status only moves forward', async () => {
    const c = await t.admin.createCustomer({ displayName: 'Adatum', domain: 'adatum.com', contact: { firstName: 'A', lastName: 'B', email: 'a@adatum.com' } });
    await t.hub.ctx.store.write((tx) => tx.put(customerCollection, { ...tx.get(customerCollection, c.id)!, status: 'active', tenantDomain: 'adatum.onmicrosoft.com' }));
    const moved = await t.admin.importCustomersCsv(csvTable(['Display Name', 'Domain', 'M365 Account'], [['Adatum', 'adatum.com', 'other.onmicrosoft.com']]), { dryRun: true });
    expect(moved.problems[0]).toMatchObject({ line: 2, column: 3, message: expect.stringMatching(/does not move it/) });
    const back = await t.admin.importCustomersCsv(csvTable(['Display Name', 'Domain', 'Status'], [['Adatum', 'adatum.com', 'pending']]));
    expect(back).toMatchObject({ unchanged: 1 });
    expect((await t.admin.customer(c.id)).status).toBe('active');
  });

  test('needs customerManagement', async () => {
    const reader = await t.userWith([]);
    const error = await failure(reader.client.importCustomersCsv(file([row('One', 'one-corp.com')]), { dryRun: true }));
    expect(error.status).toBe(403);
    expect(error.message).toContain('customerManagement');
    const manager = await t.userWith(['customerManagement']);
    expect(await manager.client.importCustomersCsv(file([row('One', 'one-corp.com')]))).toMatchObject({ created: 1 });
    const audit = await t.admin.audit({ action: 'customers.imported' });
    expect(audit.items).toEqual([expect.objectContaining({ action: 'customers.imported', details: { created: 1, updated: 0, unchanged: 0, rows: 1 } })]);
  });

  test('an Idempotency-Key replays the first answer and imports once', async () => {
    const text = file([row('One', 'one-corp.com')]);
    const first = await t.admin.importCustomersCsv(text, { idempotencyKey: 'import-1' });
    const second = await t.admin.importCustomersCsv(text, { idempotencyKey: 'import-1' });
    expect(second).toEqual(first);
    expect(count()).toBe(1);
  });

  test('size limits: a body over the import limit is 413, too many rows is 413, a huge cell is 400, never a crash', async () => {
    const small = await createTestHub({ config: { importLimitBytes: 200 } });
    try {
      const response = await small.fetch('http://hub.test/api/v1/customers/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${(await small.userWith(['customerManagement'])).apiKey}`, 'content-type': 'text/csv', 'content-length': '5000' },
        body: 'x'.repeat(5000),
      });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('too_large');
    } finally {
      await small.close();
    }
    const many = 'Display Name,Domain\r\n' + 'A,a.com\r\n'.repeat(IMPORT_LIMITS.maxRows + 1);
    const tooMany = await failure(t.admin.importCustomersCsv(many, { dryRun: true }));
    expect(tooMany.status).toBe(413);
    const huge = await failure(t.admin.importCustomersCsv(`Display Name,Domain\r\n${'x'.repeat(IMPORT_LIMITS.maxCellLength + 1)},a.com\r\n`));
    expect(huge.status).toBe(400);
    expect(huge.details[0]?.field).toBe('line 2, column 1');
    expect(count()).toBe(0);
  });

  test('any text at all: a clear 2xx or 4xx, never a 5xx, and a refused file changes nothing', async () => {
    const { apiKey, client } = await t.userWith(['customerManagement']);
    await client.me(); // a key's first use records when it was last used, a write of its own
    const piece = fc.constantFrom(
      'Display Name',
      'Domain',
      'M365 Account',
      'Status',
      'Licenses',
      'a-corp.com',
      'gmail.com',
      'x.onmicrosoft.com',
      'active',
      '=1',
      "'",
      '"',
      '""',
      ',',
      '\r\n',
      '\n',
      '\r',
      ' ',
      '-5',
      '\uFEFF',
      'ü',
      '\u0000',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.boolean(), async (pieces, dryRun) => {
        const before = t.hub.ctx.store.version;
        const res = await t.fetch(`http://hub.test/api/v1/customers/import${dryRun ? '?dryRun=true' : ''}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
          body: pieces.join(''),
        });
        expect([200, 400, 413, 422]).toContain(res.status);
        if (res.status !== 200 || dryRun) expect(t.hub.ctx.store.version).toBe(before);
      }),
      { numRuns: 150, seed: 14 },
    );
  });

  test('is in the OpenAPI document with a CSV body', async () => {
    const spec = (await (await t.fetch('http://hub.test/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-permission'?: string; requestBody?: { content: Record<string, unknown> } }>>;
    };
    expect(spec.paths['/customers/import']?.post?.['x-permission']).toBe('customerManagement');
    expect(Object.keys(spec.paths['/customers/import']?.post?.requestBody?.content ?? {})).toEqual(['text/csv']);
    expect(Object.keys(spec.paths['/customers/{id}/licensed-users/import']?.post?.requestBody?.content ?? {})).toEqual(['text/csv']);
    expect(spec.paths['/customers/{id}/licensed-users']?.put?.['x-permission']).toBe('customerManagement');
  });
});
