import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets at rest (bot tokens, installation JSON, webhook URLs): AES-256-GCM with a random 96-bit IV per value.
 * Stored as `v1:<iv>:<tag>:<ciphertext>`, each part base64, so a later format or key can sit beside this one.
 */
export interface Cipher {
  /** `context` is authenticated but not stored: a value only decrypts under the same context (e.g. its row). */
  encrypt(plaintext: string, context?: string): string;
  decrypt(stored: string, context?: string): string;
}

/** A stored value that does not decrypt: another key, another context, or altered bytes. Never returns garbage. */
export class DecryptionError extends Error {
  readonly code = 'decryption_failed';
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export class EncryptionKeyError extends Error {
  readonly code = 'invalid_encryption_key';
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE = 'encryption.key';

/** A 32-byte key written as 64 hex characters or as base64 (standard or URL-safe, padding optional). */
export function parseEncryptionKey(text: string, source = 'ENCRYPTION_KEY'): Buffer {
  const value = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
  // Node's base64 decoder reads the URL-safe alphabet too.
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) key = Buffer.from(value, 'base64');
  if (key?.length !== KEY_BYTES) {
    throw new EncryptionKeyError(`${source} must be 32 bytes written as base64 (44 characters) or hex (64 characters); generate one with: openssl rand -base64 32`);
  }
  return key;
}

/**
 * ENCRYPTION_KEY when given; otherwise the key in `<dataDir>/encryption.key`, generated on first use (mode 0600).
 * Creation is atomic (write a private temp file, then link it into place), so two processes starting together agree.
 */
export function loadEncryptionKey({ encryptionKey, dataDir }: { encryptionKey?: string; dataDir: string }): Buffer {
  if (encryptionKey) return parseEncryptionKey(encryptionKey);
  const file = path.join(dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(temp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  return parseEncryptionKey(fs.readFileSync(file, 'utf8'), file);
}

export function createCipher(key: Buffer): Cipher {
  if (key.length !== KEY_BYTES) throw new EncryptionKeyError(`an AES-256 key is ${KEY_BYTES} bytes, got ${key.length}`);
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64'))).join(':');
    },

    decrypt(stored, context) {
      const parts = stored.split(':');
      if (parts[0] !== VERSION || parts.length !== 4) {
        throw new DecryptionError(`stored secret is not in a known format (expected ${VERSION}:iv:tag:data)`);
      }
      const [iv, tag, data] = parts.slice(1).map((p) => Buffer.from(p, 'base64'));
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError('stored secret is truncated or altered');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
      try {
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError(
          'stored secret could not be decrypted: it was encrypted with another key (check ENCRYPTION_KEY or .data/encryption.key) or altered',
        );
      }
    },
  };
}
