import { createHash } from 'node:crypto';
import type { AdaptiveCard } from './kit.js';

/**
 * Gives every bot button of a card an id for this rendering (`id` on the action, `actionId` in its
 * data and in its Action.Submit fallback's data). Clicking the same button twice sends the same
 * id, which becomes the Idempotency-Key of the API call, so the second click changes nothing;
 * a freshly rendered card gets new ids.
 */
export function stampActionIds(card: AdaptiveCard, renderId: string): AdaptiveCard {
  const stamp = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(stamp);
    if (!value || typeof value !== 'object') return value;
    const node = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(node)) out[key] = stamp(v);
    if ((node.type === 'Action.Execute' || node.type === 'Action.Submit') && node.data && typeof node.data === 'object') {
      const { actionId: _old, ...data } = node.data as Record<string, unknown>;
      const id = createHash('sha256')
        .update(`${renderId}\u0000${JSON.stringify(data)}`)
        .digest('base64url')
        .slice(0, 20);
      out.data = { ...data, actionId: id };
      if (node.type === 'Action.Execute') out.id = id;
      const fallback = out.fallback as Record<string, unknown> | undefined;
      if (fallback && typeof fallback === 'object') out.fallback = { ...fallback, data: { ...data, actionId: id } };
    }
    return out;
  };
  return stamp(card) as AdaptiveCard;
}
