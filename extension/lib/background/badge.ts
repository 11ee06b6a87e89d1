import type { ConnectionInfo } from '../settings.js';

/** The toolbar badge: the failed count in red, "!" when the hub cannot be used, nothing when all is well. */
export function badgeFor(count: number | null, connection: ConnectionInfo['state']): { text: string; color: string; title: string } {
  if (connection === 'not-configured') return { text: '', color: '#6b7280', title: 'SP Hub: not set up. Open the options to connect to your hub.' };
  if (connection === 'unauthorized') return { text: '!', color: '#b45309', title: 'SP Hub: the API key was refused (revoked?). Open the options.' };
  if (connection === 'unreachable') return { text: '!', color: '#6b7280', title: 'SP Hub: the hub cannot be reached.' };
  if (count === null) return { text: '', color: '#6b7280', title: 'SP Hub' };
  if (count === 0) return { text: '', color: '#15803d', title: 'SP Hub: no failed backups.' };
  return { text: count > 999 ? '999+' : String(count), color: '#b91c1c', title: `SP Hub: ${count} failed ${count === 1 ? 'backup' : 'backups'}.` };
}
