import type { AuditLog, StoredEvent, StreamHead } from '../ports/auditLog.js';
import { comparePositions, parsePosition, type GlobalPosition } from '../ports/eventStore.js';
import type { SealVerifier } from '../ports/sealingKeys.js';
import { chainedHashOf } from './canonical.js';
import { headLeaf, MerkleRoot } from './merkle.js';
import { compareStreamIds, sealSignatureHolds, type Seal } from './seals.js';

/**
 * `audit verify` (ADR 0023, 0024): walks a tenant's streams one after the other in stream-id order,
 * each in revision order, recomputing every hash from the stored columns, and beside them the
 * seal's directory in the same order, so memory holds one stream's link and one directory entry
 * whatever the size of the history. Answers OK or the first broken link.
 */

export type BrokenLinkKind =
  /** The event's stored form does not hash to its stored hash: changed in place, or moved to another revision. */
  | 'hash_mismatch'
  /** A revision is missing inside the stream: an event was deleted. */
  | 'revision_gap'
  /** Revisions disagree with the log's order: events were renumbered. */
  | 'out_of_order'
  /** An event has no hash: written before the chain, `audit upgrade` never ran. */
  | 'unhashed'
  /** The stream ends before the revision the seal recorded: its last events were deleted. */
  | 'tail_missing'
  /** The seal recorded this stream and it is gone. */
  | 'stream_missing'
  /** An event the seal's position covers that the seal did not count: inserted after the fact. */
  | 'not_sealed'
  /** The stream's head at the seal's position has another hash than the seal recorded: its history was rewritten. */
  | 'head_mismatch'
  /** The seal's signature does not hold under a trusted key (another key, or altered figures). */
  | 'seal_signature'
  /** The seal names another tenant. */
  | 'seal_tenant'
  /** The seal's stored directory does not match its signed root, and the history does not either. */
  | 'seal_directory'
  /** The history holds another number of events up to the seal's position than the seal counted. */
  | 'event_count';

export type BrokenLink = Readonly<{
  kind: BrokenLinkKind;
  message: string;
  streamId: string | null;
  revision: number | null;
  /** What the chain or the seal says should be there (a hash, a revision), when there is one. */
  expected: string | null;
  found: string | null;
}>;

export type VerifyReport = Readonly<{
  tenantId: string;
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  /** The seal checked against, or null when the tenant has none (the chain is still checked). */
  seal: Readonly<{ sealNumber: number; through: string | null; eventCount: number; keyId: string; sealedAt: string }> | null;
  /** Events recorded after the seal's position: chained and checked, not yet covered by a seal. */
  unsealedEvents: number;
  problem: BrokenLink | null;
}>;

export type VerifyOptions = Readonly<{
  /** The seal to check against (the latest of the tenant, or one an auditor kept); null: the chain only. */
  seal: Seal | null;
  verifier: SealVerifier;
  onProgress?: (eventsChecked: number) => void;
  pageSize?: number;
}>;

function link(kind: BrokenLinkKind, message: string, at: Partial<Omit<BrokenLink, 'kind' | 'message'>> = {}): BrokenLink {
  return { kind, message, streamId: at.streamId ?? null, revision: at.revision ?? null, expected: at.expected ?? null, found: at.found ?? null };
}

/** Pulls a directory one entry at a time. */
class DirectoryCursor {
  private page: readonly StreamHead[] = [];
  private index = 0;
  private done = false;
  private readonly pages: AsyncIterator<readonly StreamHead[]>;
  constructor(pages: AsyncIterable<readonly StreamHead[]>) {
    this.pages = pages[Symbol.asyncIterator]();
  }
  async peek(): Promise<StreamHead | undefined> {
    while (!this.done && this.index >= this.page.length) {
      const next = await this.pages.next();
      if (next.done) this.done = true;
      else {
        this.page = next.value;
        this.index = 0;
      }
    }
    return this.done ? undefined : this.page[this.index];
  }
  take(): void {
    this.index += 1;
  }
}

type StreamWalk = {
  streamId: string;
  nextRevision: number;
  previousHash: Buffer | null;
  lastPosition: GlobalPosition | null;
  /** The last event at or before the seal's position: its revision (-1: none) and hash (kept as fields, not an object per event). */
  sealedRevision: number;
  sealedHash: string;
};

export async function verifyTenant(auditLog: Pick<AuditLog, 'storedEvents' | 'sealDirectory'>, tenantId: string, options: VerifyOptions): Promise<VerifyReport> {
  const { seal } = options;
  const sealView = seal && { sealNumber: seal.sealNumber, through: seal.through, eventCount: seal.eventCount, keyId: seal.keyId, sealedAt: seal.sealedAt };
  const refused = (problem: BrokenLink): VerifyReport => ({ tenantId, ok: false, eventsChecked: 0, streamsChecked: 0, seal: sealView, unsealedEvents: 0, problem });
  if (seal) {
    if (seal.tenantId !== tenantId) return refused(link('seal_tenant', `The seal is tenant ${seal.tenantId}'s, not this tenant's`, { expected: tenantId, found: seal.tenantId }));
    if (!(await sealSignatureHolds(seal, options.verifier))) {
      return refused(link('seal_signature', `Seal ${seal.sealNumber} is not signed by a trusted key (key ${seal.keyId}), or its figures were altered: refused`, { found: seal.keyId }));
    }
  }
  const sealedThrough = seal?.through ? (parsePosition(seal.through) ?? null) : null;
  const directory = seal ? new DirectoryCursor(auditLog.sealDirectory(tenantId, seal.sealNumber)) : null;
  const directoryTree = new MerkleRoot();
  const actualTree = new MerkleRoot();
  let chainProblem: BrokenLink | null = null;
  let sealProblem = null as BrokenLink | null;
  let eventsChecked = 0;
  let streamsChecked = 0;
  let sealedEvents = 0;
  let unsealedEvents = 0;

  const addDirectoryLeaf = (head: StreamHead): void => { directoryTree.addLeaf(headLeaf(head.streamId, head.revision, Buffer.from(head.hash, 'hex'))); };

  /** Compares a finished stream (or, with null, the end of the history) with the directory. */
  async function settle(walk: StreamWalk | null): Promise<void> {
    const head = walk && walk.sealedRevision >= 0 ? { streamId: walk.streamId, revision: walk.sealedRevision, hash: walk.sealedHash } : null;
    if (head) actualTree.addLeaf(headLeaf(head.streamId, head.revision, Buffer.from(head.hash, 'hex')));
    if (!directory) return;
    for (let entry = await directory.peek(); entry && (walk === null || compareStreamIds(entry.streamId, walk.streamId) < 0); entry = await directory.peek()) {
      sealProblem ??= link('stream_missing', `Stream ${entry.streamId} was sealed at revision ${entry.revision} and is gone`, { streamId: entry.streamId, revision: entry.revision, expected: entry.hash });
      addDirectoryLeaf(entry);
      directory.take();
    }
    if (walk === null) return;
    const entry = await directory.peek();
    if (entry?.streamId === walk.streamId) {
      addDirectoryLeaf(entry);
      directory.take();
      if (!head || head.revision < entry.revision) {
        const last = head?.revision ?? -1;
        sealProblem ??= link('tail_missing', `Stream ${walk.streamId} was sealed at revision ${entry.revision}; revisions after ${last} are gone`, {
          streamId: walk.streamId, revision: last + 1, expected: entry.hash, found: head?.hash ?? null,
        });
      } else if (head.revision > entry.revision) {
        sealProblem ??= link('not_sealed', `Stream ${walk.streamId} holds revision ${entry.revision + 1} at a position the seal covers, and the seal ends it at ${entry.revision}: inserted`, {
          streamId: walk.streamId, revision: entry.revision + 1, expected: entry.hash, found: head.hash,
        });
      } else if (head.hash !== entry.hash) {
        sealProblem ??= link('head_mismatch', `Stream ${walk.streamId}'s revision ${head.revision} is not the one sealed: its history was rewritten`, {
          streamId: walk.streamId, revision: head.revision, expected: entry.hash, found: head.hash,
        });
      }
    } else if (head) {
      sealProblem ??= link('not_sealed', `Stream ${walk.streamId} has events the seal's position covers, and the seal does not know the stream: inserted`, {
        streamId: walk.streamId, revision: 0, found: head.hash,
      });
    }
  }

  let walk = null as StreamWalk | null;
  for await (const page of auditLog.storedEvents(tenantId, options.pageSize === undefined ? {} : { pageSize: options.pageSize })) {
    for (const event of page) {
      if (walk?.streamId !== event.streamId) {
        if (walk) await settle(walk);
        walk = { streamId: event.streamId, nextRevision: 0, previousHash: null, lastPosition: null, sealedRevision: -1, sealedHash: '' };
        streamsChecked += 1;
      }
      const checked = checkLink(walk, event);
      walk.nextRevision = event.revision + 1;
      // What the next event chains to: the stored hash (the computed one when they agree, without decoding the hex again).
      if ('kind' in checked) {
        chainProblem ??= checked;
        walk.previousHash = event.hash === null ? null : Buffer.from(event.hash, 'hex');
      } else {
        walk.previousHash = checked;
      }
      walk.lastPosition = event.position;
      if (sealedThrough && comparePositions(event.position, sealedThrough) <= 0) {
        walk.sealedRevision = event.revision;
        walk.sealedHash = event.hash ?? '';
        sealedEvents += 1;
      } else {
        unsealedEvents += 1;
      }
      eventsChecked += 1;
    }
    options.onProgress?.(eventsChecked);
  }
  if (walk) await settle(walk);
  await settle(null);

  let problem: BrokenLink | null = chainProblem;
  if (!problem && seal) {
    const actualRoot = actualTree.root().toString('hex');
    if (actualRoot !== seal.root || sealedEvents !== seal.eventCount || actualTree.leaves !== seal.streamCount) {
      const directoryHolds = directoryTree.root().toString('hex') === seal.root;
      if (directoryHolds && sealProblem) problem = sealProblem;
      else if (directoryHolds || actualRoot === seal.root) {
        problem = link('event_count', `The history holds ${sealedEvents} events up to the seal's position; seal ${seal.sealNumber} counted ${seal.eventCount}`, {
          expected: String(seal.eventCount), found: String(sealedEvents),
        });
      } else {
        problem = link('seal_directory', `The history up to seal ${seal.sealNumber}'s position does not match its signed root, and the stored directory of the seal was altered too: the change cannot be placed`, {
          expected: seal.root, found: actualRoot,
        });
      }
    }
  }
  return { tenantId, ok: problem === null, eventsChecked, streamsChecked, seal: sealView, unsealedEvents, problem };
}

/** The event's hash as recomputed when it links to its predecessor, or the broken link. */
function checkLink(walk: StreamWalk, event: StoredEvent): Buffer | BrokenLink {
  if (event.revision !== walk.nextRevision) {
    return link('revision_gap', `Stream ${event.streamId} jumps from revision ${walk.nextRevision - 1} to ${event.revision}: revision ${walk.nextRevision} is gone`, {
      streamId: event.streamId, revision: walk.nextRevision, expected: String(walk.nextRevision), found: String(event.revision),
    });
  }
  const at = (): Readonly<{ streamId: string; revision: number }> => ({ streamId: event.streamId, revision: event.revision });
  if (walk.lastPosition && comparePositions(event.position, walk.lastPosition) <= 0) {
    return link('out_of_order', `Stream ${event.streamId}'s revision ${event.revision} comes before revision ${event.revision - 1} in the log: renumbered`, at());
  }
  if (event.hash === null) return link('unhashed', `Event ${event.eventId} has no hash: run \`tillstream audit upgrade\``, at());
  // A stored event has exactly the envelope's fields: it goes to the hash as it is.
  const computed = chainedHashOf(walk.previousHash, event);
  const expected = computed.toString('hex');
  if (expected !== event.hash) {
    return link('hash_mismatch', `Stream ${event.streamId}'s revision ${event.revision} does not hash to its stored hash: changed after it was written`, { ...at(), expected, found: event.hash });
  }
  return computed;
}
