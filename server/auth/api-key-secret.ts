import { createHash, randomBytes } from 'node:crypto';

/** `sph_` + 32 random bytes; only the SHA-256 hash is stored (the secret has full entropy, so no slow hash is needed). */
export function newApiKeySecret(): string {
  return `sph_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
