import { sql, type Transaction } from 'kysely';
import type { DecodedEvent, DecodedEventType } from '../../application/events/decodeEvent.js';
import type { Database } from '../../infrastructure/postgres/database.js';

/** What reports need of a tenant's settings: its zone for business dates, its currency, its name on a Z. */
export type TenantSettings = Readonly<{
  tenantId: string;
  legalName: string;
  currency: string;
  minorUnitExponent: number;
  timeZone: string;
  priceMode: string;
}>;

export type TenantSettingsTables = {
  tenant_settings: { tenant_id: string; legal_name: string; currency: string; minor_unit_exponent: number; time_zone: string; price_mode: string };
};

/** Tenant events that change these settings: add them to a model's `handles`. */
export const TENANT_SETTINGS_EVENTS: ReadonlySet<DecodedEventType> = new Set([
  'TenantRegistered',
  'TenantLegalNameChanged',
  'TenantCurrencyChanged',
  'TenantTimeZoneChanged',
  'TenantPriceModeChanged',
]);

/** The table, in the model's own schema: each model keeps its copy, so it rebuilds on its own. */
export async function createTenantSettingsTable(trx: Transaction<Database & TenantSettingsTables>): Promise<void> {
  await sql`
    CREATE TABLE tenant_settings (
      tenant_id text PRIMARY KEY,
      legal_name text NOT NULL,
      currency text NOT NULL,
      minor_unit_exponent smallint NOT NULL,
      time_zone text NOT NULL,
      price_mode text NOT NULL
    )`.execute(trx);
}

/**
 * The settings of a batch's tenants, kept in memory while the batch is folded in order (a sale
 * before a zone change in the same batch is dated in the old zone) and written once at the end.
 *
 *   const tenants = await TenantSettingsFold.load(trx, events);
 *   for (const event of events) { tenants.apply(event); ... tenants.get(event.tenantId) ... }
 *   await tenants.save(trx);
 */
export class TenantSettingsFold {
  private readonly changed = new Set<string>();

  private constructor(private readonly settings: Map<string, TenantSettings>) {}

  static async load(trx: Transaction<Database & TenantSettingsTables>, events: readonly DecodedEvent[]): Promise<TenantSettingsFold> {
    const ids = [...new Set(events.map((event) => event.tenantId as string))];
    const rows = ids.length === 0 ? [] : await trx.selectFrom('tenant_settings').selectAll().where('tenant_id', 'in', ids).execute();
    return new TenantSettingsFold(
      new Map(
        rows.map((row) => [
          row.tenant_id,
          { tenantId: row.tenant_id, legalName: row.legal_name, currency: row.currency, minorUnitExponent: row.minor_unit_exponent, timeZone: row.time_zone, priceMode: row.price_mode },
        ]),
      ),
    );
  }

  /** Takes in a settings event; any other event is ignored. */
  apply(event: DecodedEvent): void {
    const before = this.settings.get(event.tenantId);
    let after: TenantSettings | undefined;
    switch (event.type) {
      case 'TenantRegistered': {
        const { legalName, currency, minorUnitExponent, timeZone, priceMode } = event.data;
        after = { tenantId: event.tenantId, legalName, currency, minorUnitExponent, timeZone, priceMode };
        break;
      }
      case 'TenantLegalNameChanged':
        if (before) after = { ...before, legalName: event.data.legalName };
        break;
      case 'TenantCurrencyChanged':
        if (before) after = { ...before, currency: event.data.currency, minorUnitExponent: event.data.minorUnitExponent };
        break;
      case 'TenantTimeZoneChanged':
        if (before) after = { ...before, timeZone: event.data.timeZone };
        break;
      case 'TenantPriceModeChanged':
        if (before) after = { ...before, priceMode: event.data.priceMode };
        break;
      default:
        return;
    }
    if (!after) return;
    this.settings.set(event.tenantId, after);
    this.changed.add(event.tenantId);
  }

  /** The tenant's settings as of the events applied so far; undefined before its registration. */
  get(tenantId: string): TenantSettings | undefined {
    return this.settings.get(tenantId);
  }

  /** The zone to date the tenant's events in; UTC for a tenant this model has not seen registered. */
  timeZoneOf(tenantId: string): string {
    return this.settings.get(tenantId)?.timeZone ?? 'UTC';
  }

  async save(trx: Transaction<Database & TenantSettingsTables>): Promise<void> {
    const rows = [...this.changed].flatMap((id) => {
      const s = this.settings.get(id);
      return s ? [{ tenant_id: s.tenantId, legal_name: s.legalName, currency: s.currency, minor_unit_exponent: s.minorUnitExponent, time_zone: s.timeZone, price_mode: s.priceMode }] : [];
    });
    this.changed.clear();
    if (rows.length === 0) return;
    await trx
      .insertInto('tenant_settings')
      .values(rows)
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet((eb) => ({
          legal_name: eb.ref('excluded.legal_name'),
          currency: eb.ref('excluded.currency'),
          minor_unit_exponent: eb.ref('excluded.minor_unit_exponent'),
          time_zone: eb.ref('excluded.time_zone'),
          price_mode: eb.ref('excluded.price_mode'),
        })),
      )
      .execute();
  }
}
