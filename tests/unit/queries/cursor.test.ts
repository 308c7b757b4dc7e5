import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor, fingerprintOf } from '../../../src/application/queries/cursor.js';

const key = z.tuple([z.iso.date(), z.iso.datetime(), z.string()]);
const at = ['2026-11-02', '2026-11-02T09:00:00.000Z', 'order-1'] as const;

describe('opaque cursors', () => {
  const fingerprint = fingerprintOf('/v1/orders', { status: 'completed', branchId: 'b1' });

  it('give back the sort key they were made of', () => {
    const cursor = encodeCursor(at, fingerprint);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, key, fingerprint)).toEqual(at);
  });

  it('do not depend on the order filters are named in, and ignore absent ones', () => {
    expect(fingerprintOf('/v1/orders', { branchId: 'b1', status: 'completed', deviceId: undefined })).toBe(fingerprint);
    expect(fingerprintOf('/v1/orders', { branchId: 'b2', status: 'completed' })).not.toBe(fingerprint);
  });

  it('refuse a token edited by hand, one of other filters, junk and a key of another shape', () => {
    const cursor = encodeCursor(at, fingerprint);
    const token = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { k: string[] };
    token.k[2] = 'order-0';
    const edited = Buffer.from(JSON.stringify(token)).toString('base64url');
    const refused = (text: string, f = fingerprint) => () => decodeCursor(text, key, f);
    expect(refused(edited)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR', statusCode: 400 }));
    expect(refused(cursor, fingerprintOf('/v1/orders', { status: 'voided' }))).toThrow(/other filters/);
    expect(refused('not a cursor!')).toThrow(/malformed/);
    expect(refused(Buffer.from('[1,2]').toString('base64url'))).toThrow(/malformed/);
    expect(refused('x'.repeat(2000))).toThrow(/malformed/);
    expect(refused(encodeCursor(['2026-11-02', 7], fingerprint))).toThrow(/unknown key/);
  });
});
