import type { SyntheticEvent } from 'react';

/**
 * Whether a click came from the person at the keyboard, not from a script. The overlay's menus
 * live on pages the extension does not control; a script there must not be able to start, stop
 * or disable a backup, or send an invitation, by clicking our buttons for the user.
 */
export function byPerson(event: SyntheticEvent): boolean {
  return event.nativeEvent.isTrusted;
}
