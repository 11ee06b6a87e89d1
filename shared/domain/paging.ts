import type { Page } from '../schemas/common.js';

/** One page of a list already in memory, in the hub's one list shape. */
export function pageOf<T>(items: readonly T[], query: { page: number; pageSize: number }): Page<T> {
  const start = (query.page - 1) * query.pageSize;
  return { items: items.slice(start, start + query.pageSize), total: items.length, page: query.page, pageSize: query.pageSize };
}
