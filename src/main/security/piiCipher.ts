import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Encrypts personal data at rest (ID numbers now, admission photos later). The station key is a
 * random 32-byte file beside the database, readable by its owner only; an Electron build may wrap
 * it with safeStorage. Two subkeys: one for AES-256-GCM, one for the keyed hash used to find
 * duplicates without decrypting.
 */
const SEALED_MAGIC = Buffer.from('CCS1', 'latin1');

export class PiiCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('PII master key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'campus-capture pii enc v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'campus-capture pii mac v1', 32));
  }

  static fromKeyFile(file: string): PiiCipher {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    return new PiiCipher(readFileSync(file));
  }

  /** v1.<iv>.<tag>.<ciphertext>, all base64url. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unrecognised sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Files (admission photos): magic 'CCS1', 12-byte IV, 16-byte tag, ciphertext. */
  sealBytes(plain: Uint8Array): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([SEALED_MAGIC, iv, cipher.getAuthTag(), ct]);
  }

  openBytes(sealed: Uint8Array): Buffer {
    const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (buf.length < 32 || !buf.subarray(0, 4).equals(SEALED_MAGIC)) throw new Error('Unrecognised sealed file');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, buf.subarray(4, 16));
    decipher.setAuthTag(buf.subarray(16, 32));
    return Buffer.concat([decipher.update(buf.subarray(32)), decipher.final()]);
  }

  hmacBytes(value: Uint8Array): string {
    return createHmac('sha256', this.macKey).update(value).digest('base64url');
  }

  hmac(value: string): string {
    return createHmac('sha256', this.macKey).update(value, 'utf8').digest('base64url');
  }
}
