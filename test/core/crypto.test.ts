import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { createCipher, DecryptionError, KEY_FILE, loadEncryptionKey, parseEncryptionKey } from '../../core/crypto.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-crypto-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const cipher = createCipher(randomBytes(32));

test('round trip, with a fresh IV each time and a versioned format', () => {
  const secret = 'xoxb-1234-5678-abcdef ünïcødé';
  const a = cipher.encrypt(secret);
  const b = cipher.encrypt(secret);
  expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  expect(a).not.toBe(b);
  expect(a).not.toContain('xoxb');
  expect(cipher.decrypt(a)).toBe(secret);
  expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
});

test('any altered byte, part or version is detected, never decrypted to garbage', () => {
  const stored = cipher.encrypt('xoxb-secret');
  const [version, iv, tag, data] = stored.split(':');
  const flip = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[0] ^= 1;
    return bytes.toString('base64');
  };
  for (const tampered of [
    [version, iv, tag, flip(data)], [version, flip(iv), tag, data], [version, iv, flip(tag), data], ['v2', iv, tag, data],
    [version, iv, tag], [version, iv.slice(0, 8), tag, data],
  ]) {
    expect(() => cipher.decrypt(tampered.join(':'))).toThrow(DecryptionError);
  }
  expect(() => cipher.decrypt('xoxb-plain-text')).toThrow(/not in a known format/);
});

test('a value sealed for one context does not open in another', () => {
  const stored = cipher.encrypt('xoxb-team-one', 'slack_installations/-/T1/bot');
  expect(cipher.decrypt(stored, 'slack_installations/-/T1/bot')).toBe('xoxb-team-one');
  expect(() => cipher.decrypt(stored, 'slack_installations/-/T2/bot')).toThrow(DecryptionError);
  expect(() => cipher.decrypt(stored)).toThrow(DecryptionError);
});

test('the wrong key fails with a message that says which key to check', () => {
  const stored = cipher.encrypt('xoxb-secret');
  expect(() => createCipher(randomBytes(32)).decrypt(stored)).toThrow(/another key \(check ENCRYPTION_KEY or \.data\/encryption\.key\)/);
});

test('ENCRYPTION_KEY is accepted as base64, URL-safe base64 or hex, and is used as given', () => {
  const key = randomBytes(32);
  for (const text of [key.toString('base64'), key.toString('base64url'), key.toString('hex'), ` ${key.toString('hex').toUpperCase()}\n`]) {
    expect(parseEncryptionKey(text).equals(key)).toBe(true);
  }
  const stored = createCipher(key).encrypt('x');
  expect(createCipher(loadEncryptionKey({ encryptionKey: key.toString('base64'), dataDir: dir })).decrypt(stored)).toBe('x');
  expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
});

test('a malformed ENCRYPTION_KEY is refused at start with one line saying how to make one', () => {
  for (const bad of ['secret', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), `${randomBytes(32).toString('hex')}00`, 'z'.repeat(64)]) {
    expect(() => loadConfig({ ENCRYPTION_KEY: bad })).toThrow(
      'ENCRYPTION_KEY must be 32 bytes written as base64 (44 characters) or hex (64 characters); generate one with: openssl rand -base64 32',
    );
  }
  expect(loadConfig({ ENCRYPTION_KEY: randomBytes(32).toString('base64') }).encryptionKey).toBeDefined();
});

test('without ENCRYPTION_KEY a key is generated once into the data directory (0600) and reused', () => {
  const dataDir = path.join(dir, 'nested', '.data');
  const first = loadEncryptionKey({ dataDir });
  const file = path.join(dataDir, KEY_FILE);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const text = fs.readFileSync(file, 'utf8');
  expect(loadEncryptionKey({ dataDir }).equals(first)).toBe(true);
  expect(fs.readFileSync(file, 'utf8')).toBe(text);
  expect(fs.readdirSync(dataDir)).toEqual([KEY_FILE]);
  // What one process sealed, the next one opens.
  expect(createCipher(loadEncryptionKey({ dataDir })).decrypt(createCipher(first).encrypt('xoxb-kept'))).toBe('xoxb-kept');
});

test('a damaged key file is reported with its path instead of being replaced', () => {
  fs.writeFileSync(path.join(dir, KEY_FILE), 'not a key\n', { mode: 0o600 });
  expect(() => loadEncryptionKey({ dataDir: dir })).toThrow(`${path.join(dir, KEY_FILE)} must be 32 bytes`);
});
