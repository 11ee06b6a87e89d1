import type { z } from 'zod';

/**
 * A named set of records with an id. Each area declares its own collections next to its
 * service (`defineCollection('policies', PolicyRecord)`), so the store itself knows no domain.
 */
export interface Collection<T extends { id: string }> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
}

const registry = new Map<string, Collection<{ id: string }>>();

export function defineCollection<T extends { id: string }>(name: string, schema: z.ZodType<T>): Collection<T> {
  const existing = registry.get(name);
  if (existing) return existing as unknown as Collection<T>;
  const collection = { name, schema } as Collection<T>;
  registry.set(name, collection as unknown as Collection<{ id: string }>);
  return collection;
}

export function collectionNamed(name: string): Collection<{ id: string }> | undefined {
  return registry.get(name);
}
