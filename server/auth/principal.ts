import type { Actor, User } from '../../shared/schemas/access.js';
import type { Permission } from '../../shared/schemas/common.js';
import type { Text } from '../../shared/i18n/index.js';
import { localizedError } from '../http/errors.js';

/** Who is calling and what they may do; every route and service call gets one. */
export interface Principal {
  actor: Actor;
  user: User | null;
  permissions: ReadonlySet<Permission>;
}

export function requirePermission(principal: Principal, permission: Permission, why?: Text): void {
  if (!principal.permissions.has(permission)) throw missingPermission(principal, permission, why);
}

/** 403: `This needs the "X" permission, which Alex does not have.`, in the caller's language. */
export function missingPermission(principal: Principal, permission: Permission, why?: Text) {
  const params = { permission, actor: principal.actor.name };
  return localizedError('forbidden', why ? { key: 'api.forbidden.why', params: { ...params, why } } : { key: 'api.forbidden', params });
}

/** The scheduler and other internal jobs act as the system. */
export const systemPrincipal = (name = 'SP Hub scheduler'): Principal => ({
  actor: { kind: 'system', userId: null, name, channel: 'scheduler' },
  user: null,
  permissions: new Set<Permission>(['monitoring', 'siteSettings', 'userManagement', 'customerManagement', 'backupManagement', 'advancedBackupManagement']),
});
