import { describe, expect, it } from 'vitest';
import type { Customer } from '../schemas/customers.js';
import type { Alert } from '../schemas/monitoring.js';
import { testCustomer } from '../../server/services/backup/testing.js';
import { textOf } from '../../test/helpers/bot.js';
import { customerStatusCard } from './customer-status.js';
import { validateCard } from './validate.js';

const customer: Customer = testCustomer({ id: 'cus_acme', displayName: 'Acme', domain: 'acme.com' });

const stale: Alert = {
  id: 'staleProtection.pol_mail',
  kind: 'staleProtection',
  severity: 'warning',
  source: 'stale-protection',
  customerId: 'cus_acme',
  customerName: 'Acme',
  subject: { type: 'policy', id: 'pol_mail', name: 'Mail' },
  reason: 'Policy "Mail" has had no successful session for more than 24 h.',
  since: '2026-11-23T04:33:37.000Z',
  action: { type: 'startPolicy', label: 'Start the policy now', policyId: 'pol_mail' },
  acknowledged: null,
};

const view = (alerts: Alert[]) => ({ customer, health: undefined, policies: [], policyTotal: 0, alerts });

describe('customer status card', () => {
  it('shows each open alert with its reason and since when, formatted in the card language', () => {
    const en = customerStatusCard('en', view([stale]), {});
    expect(validateCard(en).errors).toEqual([]);
    expect(textOf(en)).toContain('• Policy "Mail" has had no successful session for more than 24 h.\nsince 23 Nov 2026, 04:33 UTC');
    const de = textOf(customerStatusCard('de', view([stale]), {}));
    expect(de).toContain('\nseit 23.11.2026, 04:33 UTC');
    expect(de).not.toContain('2026-11-23T04:33');
  });

  it('keeps the time under a long reason', () => {
    const text = textOf(customerStatusCard('en', view([{ ...stale, reason: `The last session of policy "Mail" ended Failed: ${'throttled '.repeat(60)}` }]), {}));
    expect(text).toMatch(/throttled…\nsince 23 Nov 2026, 04:33 UTC/);
  });
});
