import { z } from 'zod';

/** Permissions are a fixed set; `monitoring` is read-only and always granted. */
export const PERMISSIONS = ['monitoring', 'siteSettings', 'userManagement', 'customerManagement', 'backupManagement', 'advancedBackupManagement'] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

/** Where a change came from; every audit entry carries one. */
export const Channel = z.enum(['api', 'bot', 'extension', 'scheduler']);
export type Channel = z.infer<typeof Channel>;

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be an id');
export const IsoDateTime = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');

/** A bounded, trimmed, non-empty text: every free-text input goes through one of these. */
export const Text = (max = 200) => z.string().trim().min(1).max(max);
export const OptionalText = (max = 200) => z.string().trim().max(max).optional();

export const Email = z.string().trim().max(254).toLowerCase().pipe(z.email('must be an email address'));

export const PageQuery = z.object({
  q: z.string().trim().max(200).optional(),
  sort: z.string().max(64).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** Paging alone, for the short lists under one resource (a customer's admins, a report's history…). */
export const ListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

export const ErrorCode = z.enum([
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  /** A 409 of its own: licence changes are refused while two consecutive usage reports are overdue. */
  'license_management_suspended',
  'too_large',
  'business_rule',
  'rate_limited',
  'misdirected',
  'unsupported_media_type',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Accepts "a,b" or ["a","b"] (a repeated query key) and yields a de-duplicated list. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).max(50),
  );
