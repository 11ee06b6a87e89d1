import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Connection secrets at rest: AES-256-GCM, so a copied hub.json (or a database dump) holds
// nothing usable without the key, and a tampered value fails to open instead of decrypting
// to garbage.

const VERSION = 'v1';
export const KEY_FILE = 'secret.key';

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('A connection secret key must be 32 bytes');
    return new SecretBox(key);
  }

  /**
   * The key from SPHUB_SECRET_KEY (64 hex digits, or base64 of 32 bytes, or any passphrase of
   * 32+ characters, hashed), else from `secret.key` in the data folder (made with mode 600 at
   * first use), else (in memory, nothing persisted) a key of this process.
   */
  static async open(env: Record<string, string | undefined>, dataDir: string | null): Promise<{ box: SecretBox; origin: string }> {
    const configured = env.SPHUB_SECRET_KEY?.trim();
    if (configured) return { box: new SecretBox(keyFromText(configured)), origin: 'SPHUB_SECRET_KEY' };
    if (!dataDir) return { box: new SecretBox(randomBytes(32)), origin: 'a key of this process (in-memory store)' };
    const file = join(dataDir, KEY_FILE);
    let text: string | null = null;
    try {
      text = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === null) {
      text = randomBytes(32).toString('hex');
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      // 'wx': two hubs starting at once never overwrite each other's key.
      try {
        await writeFile(file, text + '\n', { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        text = (await readFile(file, 'utf8')).trim();
      }
    }
    await chmod(file, 0o600);
    return { box: new SecretBox(keyFromText(text)), origin: file };
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('A stored connection secret has an unknown format');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('A stored connection secret could not be decrypted: the secret key differs from the one it was stored with');
    }
  }
}

export function keyFromText(text: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.length === 32) return decoded;
  }
  if (text.length >= 32) return createHash('sha256').update(text, 'utf8').digest();
  throw new Error('SPHUB_SECRET_KEY must be 64 hex digits, base64 of 32 bytes, or a passphrase of at least 32 characters');
}
