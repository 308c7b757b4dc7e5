import { z } from 'zod';
import { sealDecider, type HistorySealed, type SealFigures, type SealReason, type SealState } from '../../domain/seal/index.js';
import type { TenantId, UserId } from '../../domain/shared/ids.js';
import type { Role } from '../../domain/shared/roles.js';
import type { Instant } from '../../domain/shared/time.js';
import { decodeEvent } from '../events/decodeEvent.js';
import { isStreamOfTenant, streams } from '../events/streams.js';
import type { AuditLog, SealArchive, StreamHead } from '../ports/auditLog.js';
import type { Clock } from '../ports/clock.js';
import { comparePositions, formatPosition, parsePosition, START, WrongExpectedRevisionError, type EventStore, type GlobalPosition, type NewEvent } from '../ports/eventStore.js';
import type { IdGenerator } from '../ports/idGenerator.js';
import type { SealSigner, SealVerifier } from '../ports/sealingKeys.js';
import { canonicalText } from './canonical.js';
import { headLeaf, MerkleRoot } from './merkle.js';

/** A seal as stored, exported and verified: its figures and their signature. */
export type Seal = HistorySealed['data'];

/** The exact bytes a seal's signature covers: the RFC 8785 text of its figures (everything but the signature). */
export function sealMessage(figures: SealFigures): Buffer {
  const { signature: _omitted, ...rest } = figures as SealFigures & { signature?: string };
  return Buffer.from(canonicalText(rest), 'utf8');
}

/** Whether the seal's signature is good under a key the verifier trusts. */
export async function sealSignatureHolds(seal: Seal, verifier: SealVerifier): Promise<boolean> {
  // Anything not base64url decodes to bytes that are no signature: the verifier refuses them.
  return verifier.verify(seal.keyId, sealMessage(seal), Buffer.from(seal.signature, 'base64url'));
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** A seal read from outside (a file an auditor kept): the shape of HistorySealed's data, nothing more trusted than that. */
export const sealSchema = z.object({
  tenantId: z.string().min(1),
  sealNumber: z.number().int().min(1),
  through: z.string().regex(/^\d{1,20}\.\d{1,20}$/).nullable(),
  eventCount: z.number().int().min(0),
  streamCount: z.number().int().min(0),
  root: z.string().regex(HEX_HASH),
  sealedAt: z.string().min(1),
  reason: z.union([
    z.object({ kind: z.literal('z_closure'), deviceId: z.string(), zNumber: z.number().int() }),
    z.object({ kind: z.literal('on_demand'), userId: z.string() }),
  ]),
  algorithm: z.literal('Ed25519'),
  keyId: z.string().min(1),
  signature: z.string().min(1),
});

export function parseSeal(value: unknown): Seal | undefined {
  const parsed = sealSchema.safeParse(value);
  // The schema is HistorySealed's data field by field; ids and instants stay opaque strings here.
  return parsed.success ? (parsed.data as unknown as Seal) : undefined;
}

/** The tenant's seal `sealNumber`, or its latest when absent; null when there is none. */
export async function readSeal(eventStore: Pick<EventStore, 'readStream'>, tenantId: string, sealNumber?: number): Promise<Seal | null> {
  const streamId = streams.seal(tenantId);
  const [event] = sealNumber === undefined
    ? await eventStore.readStream(streamId, { direction: 'backwards', maxCount: 1 })
    : await eventStore.readStream(streamId, { fromRevision: sealNumber - 1, maxCount: 1 });
  const decoded = event && decodeEvent(event);
  return decoded?.category === 'seal' ? decoded.data : null;
}

/** The tenant's seals, oldest first, from seal `fromNumber`. */
export async function listSeals(eventStore: Pick<EventStore, 'readStream'>, tenantId: string, page: Readonly<{ fromNumber: number; limit: number }>): Promise<readonly Seal[]> {
  const events = await eventStore.readStream(streams.seal(tenantId), { fromRevision: page.fromNumber - 1, maxCount: page.limit });
  return events.flatMap((event) => {
    const decoded = decodeEvent(event);
    return decoded?.category === 'seal' ? [decoded.data] : [];
  });
}

/** Stream ids in byte order (UTF-8), as the database orders them and a seal's directory is sorted. */
export function compareStreamIds(a: string, b: string): number {
  // UTF-16 order is byte order for every id without characters beyond U+FFFF: the common case, cheaply.
  return /[\ud800-\udfff]/.test(a) || /[\ud800-\udfff]/.test(b) ? Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) : a < b ? -1 : a > b ? 1 : 0;
}

/** Two directories sorted by stream id as one, the later's entry winning where both have a stream. */
export async function* mergedDirectory(older: AsyncIterable<readonly StreamHead[]> | null, newer: readonly StreamHead[]): AsyncGenerator<StreamHead, void, undefined> {
  let i = 0;
  if (older) {
    for await (const page of older) {
      for (const head of page) {
        for (let next = newer[i]; next && compareStreamIds(next.streamId, head.streamId) < 0; next = newer[i]) {
          yield next;
          i += 1;
        }
        const same = newer[i];
        if (same?.streamId === head.streamId) {
          yield same;
          i += 1;
        } else {
          yield head;
        }
      }
    }
  }
  for (const rest of newer.slice(i)) yield rest;
}

export type SealDeps = Readonly<{
  eventStore: Pick<EventStore, 'readStream' | 'readAll' | 'headPosition'>;
  auditLog: Pick<AuditLog, 'sealDirectory'>;
  archive: SealArchive;
  signer: SealSigner;
  clock: Clock;
  ids: IdGenerator;
}>;

export type SealActor = Readonly<{ userId: string; role: string; correlationId: string }>;

const PAGE = 5_000;
const ATTEMPTS = 5;

/**
 * Seals the tenant's history as far as the log's head now (ADR 0024): reads the events since the
 * previous seal (only those: the directory of the seal before is kept, `seal_heads`), computes the
 * Merkle root over the whole directory without holding it, signs, and records the seal with the
 * streams that moved, in one commit. Two sealers at once: the later one's append fails on the
 * seal stream's revision and it seals again over the newer state.
 */
export async function sealHistory(deps: SealDeps, tenantId: string, reason: SealReason, actor: SealActor): Promise<Seal> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sealOnce(deps, tenantId, reason, actor);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function sealOnce(deps: SealDeps, tenantId: string, reason: SealReason, actor: SealActor): Promise<Seal> {
  const streamId = streams.seal(tenantId);
  const previous = await readSeal(deps.eventStore, tenantId);
  const head = await deps.eventStore.headPosition();
  const moved = new Map<string, StreamHead>();
  let eventCount = previous?.eventCount ?? 0;
  let through: GlobalPosition | null = previous?.through ? (parsePosition(previous.through) ?? null) : null;
  if (head !== null) {
    let after = through ?? START;
    reading: for (;;) {
      const page = await deps.eventStore.readAll({ after, tenantId, maxCount: PAGE });
      if (page.length === 0) break;
      for (const event of page) {
        if (comparePositions(event.position, head) > 0) break reading;
        after = event.position;
        // Only what `streams` names for the tenant: the streams verify walks.
        if (!isStreamOfTenant(event.streamId, tenantId)) continue;
        if (!event.hash) throw new Error(`event ${event.eventId} has no hash: run \`tillstream audit upgrade\` first`);
        moved.set(event.streamId, { streamId: event.streamId, revision: event.streamRevision, hash: event.hash });
        eventCount += 1;
        through = event.position;
      }
    }
  }
  const changed = [...moved.values()].sort((a, b) => compareStreamIds(a.streamId, b.streamId));
  const tree = new MerkleRoot();
  for await (const entry of mergedDirectory(previous ? deps.auditLog.sealDirectory(tenantId, previous.sealNumber) : null, changed)) {
    tree.addLeaf(headLeaf(entry.streamId, entry.revision, Buffer.from(entry.hash, 'hex')));
  }
  const now = deps.clock.now();
  const at = now.toISOString() as Instant;
  const figures: SealFigures = {
    tenantId: tenantId as TenantId,
    sealNumber: (previous?.sealNumber ?? 0) + 1,
    through: through && formatPosition(through),
    eventCount,
    streamCount: tree.leaves,
    root: tree.root().toString('hex'),
    sealedAt: at,
    reason,
    algorithm: deps.signer.algorithm,
    keyId: deps.signer.keyId,
  };
  const signature = Buffer.from(await deps.signer.sign(sealMessage(figures))).toString('base64url');
  const state: SealState = previous
    ? { status: 'sealed', tenantId: previous.tenantId, lastSeal: previous.sealNumber, through: previous.through, eventCount: previous.eventCount }
    : sealDecider.initialState;
  const [decided] = sealDecider.decide({ type: 'SealHistory', data: { ...figures, signature }, meta: { actor: { userId: actor.userId as UserId, role: actor.role as Role }, at } }, state);
  if (!decided) throw new Error('the seal decider decided nothing');
  const event: NewEvent = {
    eventId: deps.ids.uuid(),
    type: decided.type,
    schemaVersion: 1,
    tenantId,
    occurredAt: now,
    data: decided.data,
    metadata: { actor: { userId: actor.userId, role: actor.role }, correlationId: actor.correlationId, causationId: null, idempotencyKey: null, traceContext: null },
  };
  await deps.archive.commitSeal({
    streamId,
    expectedRevision: previous ? previous.sealNumber - 1 : 'no_stream',
    event,
    sealNumber: figures.sealNumber,
    tenantId,
    heads: changed,
  });
  return decided.data;
}
