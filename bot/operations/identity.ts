import { ApiError } from '../../shared/api/client.js';
import type { Me } from '../../shared/schemas/access.js';
import type { BotTurn } from '../context.js';

/** The hub user this Teams user acts as, or null when not linked yet. */
export async function whoAmI(turn: BotTurn): Promise<Me | null> {
  try {
    return await turn.api.me();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function isLinked(turn: BotTurn): Promise<boolean> {
  return (await whoAmI(turn)) !== null;
}
