import { createHash } from 'node:crypto';

/**
 * RFC 6962 Merkle tree hash, built as leaves arrive: O(log n) memory, so a seal over a tenant's
 * whole directory of stream heads (and the verifier's recomputation of it) never holds the
 * directory. Leaf and node hashes carry distinct prefixes (0x00, 0x01): a leaf can never pass for
 * a node, and no two different directories share a root.
 */
export class MerkleRoot {
  /** Roots of perfect subtrees, largest first; `sizes[i]` leaves under `hashes[i]`. */
  private readonly hashes: Buffer[] = [];
  private readonly sizes: number[] = [];
  private count = 0;

  get leaves(): number {
    return this.count;
  }

  addLeaf(leaf: Uint8Array): void {
    let hash: Buffer = createHash('sha256').update(LEAF).update(leaf).digest();
    let size = 1;
    // Two perfect subtrees of one size make the next: a binary counter's carry.
    for (let left = this.hashes.at(-1); left && this.sizes.at(-1) === size; left = this.hashes.at(-1)) {
      this.sizes.pop();
      this.hashes.pop();
      hash = node(left, hash);
      size *= 2;
    }
    this.hashes.push(hash);
    this.sizes.push(size);
    this.count += 1;
  }

  /** MTH of the leaves so far: for n not a power of two, RFC 6962's split at the largest power below n is this right fold. */
  root(): Buffer {
    const last = this.hashes.at(-1);
    if (!last) return createHash('sha256').digest();
    // Right to left: the smallest subtree joins the next larger one, up to the largest.
    return this.hashes.slice(0, -1).reduceRight((right: Buffer, left) => node(left, right), last);
  }
}

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

function node(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** A stream head as a leaf: its id's UTF-8 bytes, a 0x00 (no stream id holds one), its last revision as 8 bytes big-endian, its head hash. */
export function headLeaf(streamId: string, revision: number, headHash: Uint8Array): Buffer {
  const id = Buffer.from(streamId, 'utf8');
  const leaf = Buffer.alloc(id.length + 1 + 8 + headHash.length);
  id.copy(leaf, 0);
  leaf.writeBigUInt64BE(BigInt(revision), id.length + 1);
  Buffer.from(headHash).copy(leaf, id.length + 9);
  return leaf;
}
