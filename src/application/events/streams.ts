/**
 * The one place that names streams. Every writer builds stream ids here and every reader parses
 * them here, so a category never goes out of step between commands, projections and reactors.
 *
 * Ids of orders come from tills, so every stream but the tenant's own carries its tenant: a till of
 * another tenant choosing the same order id lands in a different stream and learns nothing.
 */
export const STREAM_CATEGORIES = ['tenant', 'order', 'employee', 'support', 'till', 'seal', 'access'] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export const streams = {
  tenant: (tenantId: string): string => `tenant-${tenantId}`,
  order: (tenantId: string, orderId: string): string => `order-${tenantId}/${orderId}`,
  employee: (tenantId: string, employeeId: string): string => `employee-${tenantId}/${employeeId}`,
  /** All support sessions of one tenant: few, and read whole on every support request. */
  support: (tenantId: string): string => `support-${tenantId}`,
  /** One till's Z closures: the stream whose revision numbers its Zs (revision r is Z r + 1). */
  till: (tenantId: string, deviceId: string): string => `till-${tenantId}/${deviceId}`,
  /** The tenant's seals over its history (ADR 0024): revision r is seal r + 1. */
  seal: (tenantId: string): string => `seal-${tenantId}`,
  /** What one support session read (ADR 0026): apart from `support-<tenant>`, which every support request reads whole. */
  access: (tenantId: string, sessionId: string): string => `access-${tenantId}/${sessionId}`,
} as const;

/** What a stream id says: its category, its tenant and the entity inside the tenant (the tenant's own id for per-tenant streams). */
export type StreamName = Readonly<{ category: StreamCategory; tenantId: string; entityId: string }>;

const PER_TENANT: ReadonlySet<StreamCategory> = new Set(['tenant', 'support', 'seal']);

/** Parses a stream id built by `streams`; undefined for anything else (a test's or a foreign stream). */
export function parseStreamId(streamId: string): StreamName | undefined {
  const dash = streamId.indexOf('-');
  if (dash <= 0) return undefined;
  const category = streamId.slice(0, dash);
  if (!(STREAM_CATEGORIES as readonly string[]).includes(category)) return undefined;
  const rest = streamId.slice(dash + 1);
  const typed = category as StreamCategory;
  if (PER_TENANT.has(typed)) return rest.length > 0 && !rest.includes('/') ? { category: typed, tenantId: rest, entityId: rest } : undefined;
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { category: typed, tenantId: rest.slice(0, slash), entityId: rest.slice(slash + 1) };
}

/**
 * Every stream of one tenant as ranges of stream ids in byte order (the events table orders
 * stream ids by byte, migration 0011): a per-tenant stream is one id, the others every id that
 * starts with `<category>-<tenant>/` (the tenant ends at the slash, so no other tenant's id
 * shares the prefix). In ascending order, so walking them in turn walks the tenant's streams
 * sorted, as a seal's directory is.
 */
export function tenantStreamRanges(tenantId: string): readonly Readonly<{ from: string; to: string | null; prefix: string | null }>[] {
  return [...STREAM_CATEGORIES]
    .sort()
    .map((category) => {
      if (PER_TENANT.has(category)) return { from: `${category}-${tenantId}`, to: null, prefix: null };
      const prefix = `${category}-${tenantId}/`;
      // '0' follows '/' in every encoding of stream ids: the first id past the prefix.
      return { from: prefix, to: `${category}-${tenantId}0`, prefix };
    });
}

/** Whether a stream id names one of the tenant's streams. */
export function isStreamOfTenant(streamId: string, tenantId: string): boolean {
  return parseStreamId(streamId)?.tenantId === tenantId;
}
