import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreatePrivateFile } from './privateFile.js';

/**
 * The server's master key seals what must not sit in the database in clear: each task's Ed25519
 * signing secret and students' ID numbers (AES-256-GCM, random nonce per value). It lives in
 * <data>/master-key (mode 600), or comes from CC_SERVER_MASTER_KEY (base64 of 32 bytes) so several
 * API instances over one PostgreSQL database can share it. A database dump alone reveals neither.
 */
export interface MasterKey {
  seal(plain: Uint8Array): string;
  open(sealed: string): Buffer;
  sealText(text: string): string;
  openText(sealed: string): string;
  /** A keyed digest for lookups of sealed values (equal inputs, equal digests). */
  lookupDigest(text: string): string;
}

export const MASTER_KEY_FILE = 'master-key';
const VERSION = 'v1';

export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): MasterKey {
  const b64 = env.CC_SERVER_MASTER_KEY ?? readOrCreatePrivateFile(join(dataDir, MASTER_KEY_FILE), () => randomBytes(32).toString('base64'));
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new Error('主密钥长度无效（应为 32 字节的 base64）/ the master key is not base64 of 32 bytes');
  const lookupKey = createHmac('sha256', key).update('lookup').digest();
  const seal = (plain: Uint8Array): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  };
  const open = (sealed: string): Buffer => {
    const [v, iv, body, tag] = sealed.split('.');
    if (v !== VERSION || !iv || body === undefined || !tag) throw new Error('sealed value has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  };
  return {
    seal,
    open,
    sealText: (text) => seal(Buffer.from(text, 'utf8')),
    openText: (sealed) => open(sealed).toString('utf8'),
    lookupDigest: (text) => createHmac('sha256', lookupKey).update(text, 'utf8').digest('hex'),
  };
}
