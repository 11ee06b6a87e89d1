import type { Actor, User } from '../../shared/schemas/access.js';
import type { Permission } from '../../shared/schemas/common.js';
import { forbidden } from '../http/errors.js';

/** Who is calling and what they may do; every route and service call gets one. */
export interface Principal {
  actor: Actor;
  user: User | null;
  permissions: ReadonlySet<Permission>;
}

export function requirePermission(principal: Principal, permission: Permission, why?: string): void {
  if (!principal.permissions.has(permission)) {
    throw forbidden(`${why ?? 'This'} needs the "${permission}" permission, which ${principal.actor.name} does not have.`);
  }
}

/** The scheduler and other internal jobs act as the system. */
export const systemPrincipal = (name = 'SP Hub scheduler'): Principal => ({
  actor: { kind: 'system', userId: null, name, channel: 'scheduler' },
  user: null,
  permissions: new Set<Permission>(['monitoring', 'siteSettings', 'userManagement', 'customerManagement', 'backupManagement', 'advancedBackupManagement']),
});
