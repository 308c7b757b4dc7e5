import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PersonalDataIntegrityError, type CipherBinding } from '../../src/application/ports/personalData.js';
import { decryptField, parseCiphertext, encryptField, type ParsedCiphertext } from '../../src/infrastructure/personalData/cipher.js';
import { UnknownMasterKeyError, configuredMasterKeys, generateMasterKey, masterKeyId } from '../../src/infrastructure/personalData/masterKeys.js';

const KEY = randomBytes(32);
const BINDING: CipherBinding = {
  tenantId: 'tenant-a',
  streamId: 'employee-tenant-a/7f7c8f2e-6a39-4d5e-9d6b-3f1f6b1d2a10',
  eventId: '0b9f9a6e-3c1d-4a7e-8f55-2b8f6d0c1e42',
  field: 'personalData',
};
const PLAINTEXT = JSON.stringify({ name: 'Zéphyrine Quillfeather', email: 'zephyrine@forget-me.example', phone: '+33612345678' });

function parsed(encrypted: string): ParsedCiphertext {
  const value = parseCiphertext(encrypted);
  if (!value) throw new Error(`not a encrypted value: ${encrypted}`);
  return value;
}

/** The encrypted text with one byte of its payload flipped. */
function flipped(encrypted: string, at: number): string {
  const { keyVersion, payload } = parsed(encrypted);
  const bytes = Buffer.from(payload);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return `v1.${keyVersion}.${bytes.toString('base64url')}`;
}

describe('the personal field cipher (AES-256-GCM, ADR 0025)', () => {
  it('round-trips, with a fresh nonce each time and no plaintext in the encrypted text', () => {
    const a = encryptField(KEY, 1, BINDING, PLAINTEXT);
    const b = encryptField(KEY, 1, BINDING, PLAINTEXT);
    expect(a).not.toBe(b);
    expect(parsed(a).payload.subarray(0, 12)).not.toEqual(parsed(b).payload.subarray(0, 12));
    for (const encrypted of [a, b]) {
      expect(decryptField(KEY, BINDING, parsed(encrypted))).toBe(PLAINTEXT);
      expect(encrypted).not.toMatch(/Quillfeather|forget-me|612345678/);
    }
    // 96-bit nonce, ciphertext as long as the UTF-8 plaintext, 128-bit tag.
    expect(parsed(a).payload.length).toBe(12 + Buffer.byteLength(PLAINTEXT, 'utf8') + 16);
  });

  it('carries its key version in the clear, and authenticates it', () => {
    const encrypted = encryptField(KEY, 3, BINDING, PLAINTEXT);
    expect(encrypted).toMatch(/^v1\.3\.[A-Za-z0-9_-]+$/);
    expect(parsed(encrypted).keyVersion).toBe(3);
    const relabelled = encrypted.replace(/^v1\.3\./, 'v1.4.');
    expect(() => decryptField(KEY, BINDING, parsed(relabelled))).toThrow(PersonalDataIntegrityError);
  });

  it.each([
    ['another event', { eventId: 'c4a1a0de-5a57-4f0e-9a8b-0d9d3f2c8b11' }],
    ['another stream', { streamId: 'employee-tenant-a/2d1f0c9b-8a7e-4d6c-b5a4-93827160f5e4' }],
    ['another tenant', { tenantId: 'tenant-b' }],
    ['another field', { field: 'customer' }],
  ])('does not open when moved to %s (the binding is its associated data)', (_where, change) => {
    const encrypted = encryptField(KEY, 1, BINDING, PLAINTEXT);
    expect(() => decryptField(KEY, { ...BINDING, ...change }, parsed(encrypted))).toThrow(PersonalDataIntegrityError);
  });

  it('decrypts under the same binding whatever the case of the event id (PostgreSQL prints uuids lower-case)', () => {
    const encrypted = encryptField(KEY, 1, { ...BINDING, eventId: BINDING.eventId.toUpperCase() }, PLAINTEXT);
    expect(decryptField(KEY, BINDING, parsed(encrypted))).toBe(PLAINTEXT);
  });

  it('refuses a tampered byte anywhere: nonce, ciphertext or tag, and another key', () => {
    const encrypted = encryptField(KEY, 1, BINDING, PLAINTEXT);
    const length = parsed(encrypted).payload.length;
    for (const at of [0, 11, 12, 20, length - 17, length - 16, length - 1]) {
      expect(() => decryptField(KEY, BINDING, parsed(flipped(encrypted, at))), `byte ${at}`).toThrow(PersonalDataIntegrityError);
    }
    expect(() => decryptField(randomBytes(32), BINDING, parsed(encrypted))).toThrow(PersonalDataIntegrityError);
  });

  it('says nothing of the content when it refuses', () => {
    const encrypted = encryptField(KEY, 1, BINDING, PLAINTEXT);
    try {
      decryptField(KEY, { ...BINDING, tenantId: 'tenant-b' }, parsed(encrypted));
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toMatch(/Quillfeather|forget-me|612345678/);
    }
  });

  it.each(['', 'v1..abc', 'v2.1.AAAA', 'v1.0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'v1.1.short', 'v1.1.not base64!', '{"name":"x"}'])(
    'does not take %j for a encrypted value',
    (text) => {
      expect(parseCiphertext(text)).toBeUndefined();
    },
  );
});

describe('master keys (ADR 0025)', () => {
  const row = { tenantId: 'tenant-a', subjectId: 'employee:1', version: 1 };

  it('wrap a data key bound to its row; only a configured key unwraps it', async () => {
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    const before = configuredMasterKeys({ masterKey: oldKey, previousMasterKeys: [] });
    const dataKey = randomBytes(32);
    const { masterKeyId: wrappedBy, wrapped } = await before.wrap(dataKey, row);
    expect(wrappedBy).toBe(before.currentId);
    expect(wrapped).toHaveLength(12 + 32 + 16);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(await before.unwrap(wrappedBy, wrapped, row)).toEqual(dataKey);
    await expect(before.unwrap(wrappedBy, wrapped, { ...row, subjectId: 'employee:2' })).rejects.toThrow(/does not open/);
    await expect(before.unwrap(wrappedBy, wrapped, { ...row, version: 2 })).rejects.toThrow(/does not open/);

    // Rotating: the new key wraps, the previous one still unwraps; without it, the id is unknown.
    const during = configuredMasterKeys({ masterKey: newKey, previousMasterKeys: [oldKey] });
    expect(during.currentId).not.toBe(wrappedBy);
    expect([...during.knownIds].sort()).toEqual([during.currentId, wrappedBy].sort());
    expect(await during.unwrap(wrappedBy, wrapped, row)).toEqual(dataKey);
    const after = configuredMasterKeys({ masterKey: newKey, previousMasterKeys: [] });
    await expect(after.unwrap(wrappedBy, wrapped, row)).rejects.toThrow(UnknownMasterKeyError);
  });

  it('are named by a stable fingerprint that does not reveal them', () => {
    const key = generateMasterKey();
    const bytes = Buffer.from(key, 'base64url');
    expect(bytes).toHaveLength(32);
    expect(masterKeyId(bytes)).toMatch(/^[0-9a-f]{16}$/);
    expect(masterKeyId(Buffer.from(key, 'base64url'))).toBe(masterKeyId(bytes));
    expect(masterKeyId(randomBytes(32))).not.toBe(masterKeyId(bytes));
    expect(bytes.toString('hex')).not.toContain(masterKeyId(bytes));
  });
});
