/**
 * The one place that names streams. Every writer builds stream ids here and every reader parses
 * them here, so a category never goes out of step between commands, projections and reactors.
 *
 * Ids of orders come from tills, so every stream but the tenant's own carries its tenant: a till of
 * another tenant choosing the same order id lands in a different stream and learns nothing.
 */
export const STREAM_CATEGORIES = ['tenant', 'order', 'employee', 'support', 'till'] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export const streams = {
  tenant: (tenantId: string): string => `tenant-${tenantId}`,
  order: (tenantId: string, orderId: string): string => `order-${tenantId}/${orderId}`,
  employee: (tenantId: string, employeeId: string): string => `employee-${tenantId}/${employeeId}`,
  /** All support sessions of one tenant: few, and read whole on every support request. */
  support: (tenantId: string): string => `support-${tenantId}`,
  /** One till's Z closures: the stream whose revision numbers its Zs (revision r is Z r + 1). */
  till: (tenantId: string, deviceId: string): string => `till-${tenantId}/${deviceId}`,
} as const;

/** What a stream id says: its category, its tenant and the entity inside the tenant (the tenant's own id for per-tenant streams). */
export type StreamName = Readonly<{ category: StreamCategory; tenantId: string; entityId: string }>;

const PER_TENANT: ReadonlySet<StreamCategory> = new Set(['tenant', 'support']);

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
