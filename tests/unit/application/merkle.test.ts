import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headLeaf, MerkleRoot } from '../../../src/application/audit/merkle.js';

const sha = (...parts: Uint8Array[]): Buffer => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();

/** RFC 6962 section 2.1, written as the RFC states it (recursive split at the largest power of two below n). */
function mth(leaves: readonly Uint8Array[]): Buffer {
  const [only] = leaves;
  if (!only) return sha();
  if (leaves.length === 1) return sha(Buffer.from([0]), only);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function streamed(leaves: readonly Uint8Array[]): Buffer {
  const tree = new MerkleRoot();
  for (const leaf of leaves) tree.addLeaf(leaf);
  return tree.root();
}

describe('the Merkle root of a seal', () => {
  it('is RFC 6962 MTH for every number of leaves', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 70 }), (leaves) => {
        expect(streamed(leaves).toString('hex')).toBe(mth(leaves).toString('hex'));
      }),
      { seed: 20261216, numRuns: 300 },
    );
  });

  it('hashes the empty directory as SHA-256 of nothing, and a single leaf with the leaf prefix', () => {
    expect(streamed([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const leaf = Buffer.from('a');
    expect(streamed([leaf]).equals(sha(Buffer.from([0]), leaf))).toBe(true);
  });

  it('tells apart directories that differ in order, in one revision or one head hash', () => {
    const hash = Buffer.alloc(32, 7);
    const a = headLeaf('order-t/1', 3, hash);
    const b = headLeaf('order-t/2', 0, hash);
    const roots = new Set([
      streamed([a, b]), streamed([b, a]), streamed([a, headLeaf('order-t/2', 1, hash)]), streamed([a, headLeaf('order-t/2', 0, Buffer.alloc(32, 8))]), streamed([a]),
    ].map((r) => r.toString('hex')));
    expect(roots.size).toBe(5);
  });
});
