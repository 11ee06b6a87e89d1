import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, keyFromText, SecretBox } from './secrets.js';

describe('SecretBox', () => {
  it('seals with AES-256-GCM: a random IV each time, opens only with the same key, refuses tampering', () => {
    const box = SecretBox.fromKey(Buffer.alloc(32, 7));
    const a = box.seal('api-key-123');
    const b = box.seal('api-key-123');
    expect(a).not.toBe(b);
    expect(a).not.toContain('api-key-123');
    expect(box.open(a)).toBe('api-key-123');
    const other = SecretBox.fromKey(Buffer.alloc(32, 8));
    expect(() => other.open(a)).toThrow(/secret key differs/);
    const [v, iv, tag, body] = a.split(':');
    const flipped = `${v}:${iv}:${tag}:${body!.slice(0, -2)}${body!.slice(-2) === 'AA' ? 'AB' : 'AA'}`;
    expect(() => box.open(flipped)).toThrow(/could not be decrypted/);
    expect(() => box.open('plain text')).toThrow(/unknown format/);
  });

  it('takes SPHUB_SECRET_KEY as hex, base64 or a long passphrase, and refuses a short one', async () => {
    expect(keyFromText('ab'.repeat(32))).toHaveLength(32);
    expect(keyFromText(Buffer.alloc(32, 1).toString('base64'))).toEqual(Buffer.alloc(32, 1));
    expect(keyFromText('a passphrase that is long enough, really')).toHaveLength(32);
    expect(() => keyFromText('short')).toThrow(/SPHUB_SECRET_KEY/);
    const { box, origin } = await SecretBox.open({ SPHUB_SECRET_KEY: 'ab'.repeat(32) }, null);
    expect(origin).toBe('SPHUB_SECRET_KEY');
    expect(SecretBox.fromKey(Buffer.from('ab'.repeat(32), 'hex')).open(box.seal('x'))).toBe('x');
  });

  it('without SPHUB_SECRET_KEY makes a key file with mode 600 in the data folder once, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sphub-secret-'));
    try {
      const first = await SecretBox.open({}, dir);
      const file = join(dir, KEY_FILE);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const sealed = first.box.seal('password');
      const second = await SecretBox.open({}, dir);
      expect(second.box.open(sealed)).toBe('password');
      expect((await readFile(file, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
