import { describe, expect, it } from 'vitest';
import { ListQuery } from '../schemas/common.js';
import { pageOf } from './paging.js';

describe('pageOf', () => {
  const letters = ['a', 'b', 'c', 'd', 'e'];

  it('answers the asked page with the total of the whole list', () => {
    expect(pageOf(letters, { page: 1, pageSize: 2 })).toEqual({ items: ['a', 'b'], total: 5, page: 1, pageSize: 2 });
    expect(pageOf(letters, { page: 3, pageSize: 2 })).toEqual({ items: ['e'], total: 5, page: 3, pageSize: 2 });
  });

  it('answers an empty page past the end', () => {
    expect(pageOf(letters, { page: 4, pageSize: 2 })).toEqual({ items: [], total: 5, page: 4, pageSize: 2 });
  });
});

describe('ListQuery', () => {
  it('defaults to the first page of 100 and refuses a page size above 500', () => {
    expect(ListQuery.parse({})).toEqual({ page: 1, pageSize: 100 });
    expect(ListQuery.parse({ page: '2', pageSize: '10' })).toEqual({ page: 2, pageSize: 10 });
    expect(ListQuery.safeParse({ pageSize: '501' }).success).toBe(false);
    expect(ListQuery.safeParse({ page: '0' }).success).toBe(false);
  });
});
