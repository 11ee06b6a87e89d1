import { describe, expect, it } from 'vitest';
import type { Customer } from '../../../shared/schemas/customers.js';
import type { HubContext } from '../../context.js';
import { JournalStore } from '../../store/journal-store.js';
import type { ChangeListener } from '../../store/store.js';
import { customers } from '../customer-collection.js';
import { CustomerDirectory } from './customer-directory.js';
import { testCustomer } from './testing.js';

/** A directory over an in-memory store, with a hold of the listener it registered. */
async function world() {
  const store = await JournalStore.open({ dir: null });
  let listener: ChangeListener<Customer> | undefined;
  const register = store.onChange.bind(store);
  store.onChange = ((collection, fn) => {
    if (collection.name === customers.name) listener = fn as unknown as ChangeListener<Customer>;
    register(collection, fn);
  }) as typeof store.onChange;
  const directory = new CustomerDirectory({ store } as unknown as HubContext);
  const heard: string[] = [];
  directory.onChange((id) => heard.push(id));
  return { store, directory, heard, notify: (before?: Customer, after?: Customer) => listener!(before, after) };
}

describe('CustomerDirectory', () => {
  it('keeps names and active totals as customers are put and deleted', async () => {
    const { store, directory, heard } = await world();
    const acme = testCustomer({ id: 'cus_acme', displayName: 'Acme', licenses: 120 });
    await store.write((tx) => tx.put(customers, acme));
    expect([...directory.byNameOrDomain(' ACME ')]).toEqual(['cus_acme']);
    expect(directory.activeTotals()).toEqual({ customers: 1, licenses: 120 });
    await store.write((tx) => tx.delete(customers, 'cus_acme'));
    expect(directory.byNameOrDomain('acme').size).toBe(0);
    expect(directory.activeTotals()).toEqual({ customers: 0, licenses: 0 });
    expect(heard).toEqual(['cus_acme', 'cus_acme']);
  });

  it('ignores a change with nothing before and nothing after (a delete of a missing record)', async () => {
    const { store, directory, heard, notify } = await world();
    await store.write((tx) => tx.put(customers, testCustomer({ id: 'cus_b', displayName: 'Bravo', licenses: 50 })));
    heard.length = 0;
    expect(() => notify(undefined, undefined)).not.toThrow();
    expect(directory.activeTotals()).toEqual({ customers: 1, licenses: 50 });
    expect([...directory.byNameOrDomain('bravo')]).toEqual(['cus_b']);
    expect(heard).toEqual([]);
  });
});
