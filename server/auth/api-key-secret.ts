import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `sph_` + 32 random bytes; only the SHA-256 hash is stored (the secret has full entropy, so no slow hash is needed). */
export function newApiKeySecret(): string {
  return `sph_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
