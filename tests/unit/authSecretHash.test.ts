import { describe, expect, it } from 'vitest';
import { decoyHash, hashSecret, verifySecret } from '../../src/infrastructure/auth/secretHash.js';

describe('scrypt secret hashing', () => {
  it('encodes its parameters and a 16-byte salt, and verifies only the right secret', async () => {
    const hash = await hashSecret('correct horse battery staple');
    const [scheme, n, r, p, salt] = hash.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', String(2 ** 15), '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(await verifySecret('correct horse battery staple', hash)).toBe(true);
    expect(await verifySecret('correct horse battery stapler', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashSecret('1234')).not.toBe(await hashSecret('1234'));
  });

  it('never matches a malformed or tampered hash', async () => {
    const hash = await hashSecret('4821');
    for (const bad of ['', 'plain', hash.replace('scrypt', 'md5'), `${hash}$extra`, hash.replace(/\$\d+\$/, '$1099511627776$'), hash.slice(0, -4)]) {
      expect(await verifySecret('4821', bad)).toBe(false);
    }
  });

  it('the decoy hash matches no guess', async () => {
    expect(await verifySecret('', await decoyHash())).toBe(false);
    expect(await decoyHash()).toBe(await decoyHash());
  });
});
