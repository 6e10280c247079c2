// Secrets Gatehouse must read back (SP private keys, upstream client secrets, webhook signing
// secrets) are sealed with AES-256-GCM. Each sealed value names the key that sealed it, so keys can
// be rotated: new values use the current key, old ones still open with a previous key.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface SecretBox {
  /** Id of the key new values are sealed with. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * `context` is bound as additional authenticated data (e.g. `connection:<id>:private_key`), so a
 * sealed value copied into another row or field does not open there.
 */
export function createSecretBox(current: Buffer, previous: readonly Buffer[] = []): SecretBox {
  if (current.length !== 32) throw new TypeError('encryption key must be 32 bytes');
  const keys = new Map([current, ...previous].map((key) => [keyIdOf(key), key] as const));
  const keyId = keyIdOf(current);
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv).setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keyId, iv, cipher.getAuthTag(), body].map(encodePart).join('.');
    },
    open(sealed, context) {
      const [version, id, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !id || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
      const key = keys.get(id);
      if (!key) throw new Error(`secret sealed with unknown key ${id} (is it in GATEHOUSE_PREVIOUS_ENCRYPTION_KEYS?)`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8')).setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

function encodePart(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}
