import type { TenantId } from '../shared/ids.js';

export type SealState =
  | Readonly<{ status: 'unsealed' }>
  | Readonly<{ status: 'sealed'; tenantId: TenantId; lastSeal: number; through: string | null; eventCount: number }>;

export const initialSealState: SealState = { status: 'unsealed' };
