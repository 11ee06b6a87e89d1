import { DOMParser } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { atomFeed } from './status-feed.js';
import { stateAt, uptime } from './status-uptime.js';

const from = new Date('2026-11-01T00:00:00Z');
const to = new Date('2026-11-11T00:00:00Z'); // ten days

// Guide: "You can view the uptime of each service"; the status page counts "99.9% uptime — excluding planned outages".
describe('uptime of a service over a period', () => {
  it('counts outage time as down, degraded as up, and leaves planned maintenance out', () => {
    expect(uptime('operational', [], from, to).percent).toBe(100);
    // One day of outage in ten days: 90 %.
    expect(
      uptime(
        'operational',
        [
          { at: '2026-11-02T00:00:00Z', state: 'outage' },
          { at: '2026-11-03T00:00:00Z', state: 'operational' },
        ],
        from,
        to,
      ),
    ).toMatchObject({ percent: 90, outageMs: 86_400_000 });
    expect(uptime('operational', [{ at: '2026-11-02T00:00:00Z', state: 'degraded' }], from, to).percent).toBe(100);
    // A day of maintenance is left out: one day of outage in the nine counted days.
    const withMaintenance = uptime(
      'outage',
      [
        { at: '2026-11-02T00:00:00Z', state: 'maintenance' },
        { at: '2026-11-03T00:00:00Z', state: 'operational' },
      ],
      from,
      to,
    );
    expect(withMaintenance.percent).toBe(88.889);
    expect(uptime('maintenance', [], from, to).percent).toBeNull();
  });

  it('the state at a time is the latest change not after it', () => {
    const changes = [
      { at: '2026-10-20T00:00:00Z', state: 'outage' as const },
      { at: '2026-10-21T00:00:00Z', state: 'operational' as const },
    ];
    expect(stateAt(changes, new Date('2026-10-20T12:00:00Z'))).toBe('outage');
    expect(stateAt(changes, from)).toBe('operational');
    expect(stateAt([], from)).toBe('operational');
  });
});

describe('the Atom feed of incidents', () => {
  it('is well-formed XML that escapes what operators typed', () => {
    const xml = atomFeed({
      id: 'urn:sp-hub:status',
      title: 'VDC status <EMEA> & more',
      updated: '2026-11-02T10:00:00Z',
      selfUrl: 'http://hub.test/api/v1/status/feed.atom',
      entries: [{ id: 'urn:sp-hub:incident:1', title: 'Exchange "backups" <slow> & late\u0007', updated: '2026-11-02T10:00:00Z', summary: 'a < b', categories: ['EMEA'] }],
    });
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.querySelector('feed > title')?.textContent).toBe('VDC status <EMEA> & more');
    expect(doc.querySelectorAll('entry')).toHaveLength(1);
    expect(doc.querySelector('entry > title')?.textContent).toBe('Exchange "backups" <slow> & late');
    expect(doc.querySelector('entry > category')?.getAttribute('term')).toBe('EMEA');
  });
});
