import { z } from 'zod';
import { Channel, Email, Id, IsoDateTime, Permission, Text } from './common.js';

export const ADMINISTRATOR_ROLE_ID = 'role_administrator';

export const Account = z.object({
  displayName: z.string(),
  proPartnerId: z.string().regex(/^PRA-\d+$/),
});
export type Account = z.infer<typeof Account>;
export const AccountUpdate = z.strictObject({ displayName: Text(120) });

/** advancedBackupManagement is only meaningful together with backupManagement. */
const permissionList = z
  .array(Permission)
  .max(Permission.options.length)
  .transform((list) => [...new Set<Permission>(['monitoring', ...list])])
  .refine((list) => !list.includes('advancedBackupManagement') || list.includes('backupManagement'), {
    message: 'advancedBackupManagement needs backupManagement',
  });

export const Role = z.object({
  id: Id,
  name: z.string(),
  permissions: z.array(Permission),
  builtIn: z.boolean(),
  createdAt: IsoDateTime,
});
export type Role = z.infer<typeof Role>;
export const RoleInput = z.strictObject({ name: Text(80), permissions: permissionList });
export type RoleInput = z.infer<typeof RoleInput>;
export const RoleUpdate = RoleInput.partial();

/** A Microsoft 365 sign-in name; stored lower-case so uniqueness is case-insensitive. */
export const Upn = Email;

export const User = z.object({
  id: Id,
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  roleIds: z.array(Id),
  teamsUserId: z.string().optional(),
  createdAt: IsoDateTime,
});
export type User = z.infer<typeof User>;
export const UserInput = z.strictObject({
  email: Upn,
  firstName: Text(80),
  lastName: Text(80),
  roleIds: z.array(Id).max(50).default([]),
});
export type UserInput = z.infer<typeof UserInput>;
export const UserUpdate = z.strictObject({
  firstName: Text(80).optional(),
  lastName: Text(80).optional(),
  roleIds: z.array(Id).max(50).optional(),
});
export const BulkRoles = z.strictObject({
  userIds: z.array(Id).min(1).max(1000),
  add: z.array(Id).max(50).default([]),
  remove: z.array(Id).max(50).default([]),
});
export type BulkRoles = z.infer<typeof BulkRoles>;

export const ApiKey = z.object({
  id: Id,
  name: z.string(),
  userId: Id,
  prefix: z.string(),
  createdAt: IsoDateTime,
  lastUsedAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;
/** Stored form: the secret itself is never kept, only its hash. */
export const ApiKeyRecord = ApiKey.extend({ hash: z.string() });
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;
export const ApiKeyInput = z.strictObject({ name: Text(80), userId: Id.optional() });
export const ApiKeyCreated = ApiKey.extend({ secret: z.string() });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;

export const ActorKind = z.enum(['user', 'apiKey', 'teams', 'system']);
export const Actor = z.object({
  kind: ActorKind,
  userId: Id.nullable(),
  apiKeyId: Id.optional(),
  teamsUserId: z.string().optional(),
  name: z.string(),
  channel: Channel,
});
export type Actor = z.infer<typeof Actor>;

export const Me = z.object({
  user: User,
  permissions: z.array(Permission),
  apiKeyId: Id.optional(),
  teamsUserId: z.string().optional(),
});
export type Me = z.infer<typeof Me>;

export const AuditEntry = z.object({
  id: Id,
  at: IsoDateTime,
  actor: Actor,
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional() }),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = z.object({
  q: z.string().max(200).optional(),
  action: z.string().max(80).optional(),
  targetType: z.string().max(40).optional(),
  targetId: z.string().max(64).optional(),
  channel: Channel.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const LinkCode = z.object({ code: z.string(), expiresAt: IsoDateTime });
