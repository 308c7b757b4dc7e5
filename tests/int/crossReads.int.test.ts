import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employeeKind, tenantKind } from '../../src/application/commands/kinds.js';
import { changeOrder, openOrder } from '../../src/application/commands/orders.js';
import { ApplicationError } from '../../src/application/errors.js';
import { streams } from '../../src/application/events/streams.js';
import { handleCommand, type CommandEnvelope, type HandlerDeps } from '../../src/application/handleCommand.js';
import type { EventStore } from '../../src/application/ports/eventStore.js';
import type { Principal } from '../../src/application/principal.js';
import type { EmployeeCommand } from '../../src/domain/employee/index.js';
import type { DrawerId, EmployeeId, LineId, OrderId, PaymentId, ShiftId, TaxRateId, UserId } from '../../src/domain/shared/ids.js';
import type { Minor } from '../../src/domain/shared/money.js';
import type { Instant } from '../../src/domain/shared/time.js';
import type { TenantCommand } from '../../src/domain/tenant/index.js';
import { handlerDeps, seedTenant, type SeededTenant } from '../support/commandApp.js';
import { storageTargets, type OpenedStorage } from '../support/storageTargets.js';

/**
 * A command decides on the tenant and the drawer as its process holds them, without reading them
 * (ADR 0019). Two "processes" here are two aggregate caches over one store: what one of them
 * writes, the other has not folded. The append must then refuse to write on the stale state, and
 * the command decide again on the caught-up one.
 */
describe.each(storageTargets())('cross-aggregate reads held in memory (%s)', (_name, openStorage) => {
  let storage: OpenedStorage;
  let here: HandlerDeps;
  let elsewhere: HandlerDeps;
  let shop: SeededTenant;

  beforeAll(async () => {
    storage = await openStorage();
    here = handlerDeps(storage.eventStore);
    // Another object over the same store: another aggregate cache, as another process has.
    const other: EventStore = { ...storage.eventStore };
    elsewhere = handlerDeps(other);
  });
  afterAll(async () => {
    await storage.dispose();
  });

  const owner: Principal = { userId: 'owner' as UserId, role: 'platform_owner', tenantId: null, employeeId: null, deviceId: null, branchIds: [], support: null };
  const envelopeOf = (principal: Principal): CommandEnvelope => ({
    principal, occurredAt: new Date(), correlationId: randomUUID(), causationId: null, idempotencyKey: randomUUID(), traceContext: null,
  });
  const meta = { actor: { userId: owner.userId, role: owner.role }, at: new Date().toISOString() as Instant };
  const tenantCommand = (deps: HandlerDeps, command: TenantCommand) =>
    handleCommand(deps, tenantKind, streams.tenant(shop.tenantId), shop.tenantId, envelopeOf(owner), () => command);
  const cashierOf = (employeeId: string): Principal => ({
    userId: employeeId as UserId, role: 'cashier', tenantId: shop.tenantId, employeeId: employeeId as EmployeeId,
    deviceId: shop.devices[0]!, branchIds: [shop.branches[0]!], support: null,
  });
  const line = (lineId: string) => ({ type: 'AddOrderLine' as const, lineId: lineId as LineId, sku: 'ESP', name: 'Espresso', unitPrice: 250, quantity: 1, taxRateId: 'standard' as TaxRateId });
  const refusal = async (promise: Promise<unknown>): Promise<string | undefined> => {
    try {
      await promise;
      return undefined;
    } catch (error) {
      if (error instanceof ApplicationError) return error.code;
      throw error;
    }
  };

  it('a sale held open here is refused once the tenant was suspended elsewhere, and taken again once reinstated', async () => {
    shop = await seedTenant(elsewhere);
    const cashier = cashierOf(`e-${randomUUID()}`);
    const orderId = randomUUID() as OrderId;
    await openOrder(here, envelopeOf(cashier), { orderId, branchId: shop.branches[0]!, deviceId: shop.devices[0]! });
    await changeOrder(here, envelopeOf(cashier), orderId, line('l1'));

    await tenantCommand(elsewhere, { type: 'SuspendTenant', data: { reason: 'unpaid invoice' }, meta });
    expect(await refusal(changeOrder(here, envelopeOf(cashier), orderId, line('l2')))).toBe('TENANT_NOT_ACTIVE');
    expect(await refusal(openOrder(here, envelopeOf(cashier), { orderId: randomUUID() as OrderId, branchId: shop.branches[0]!, deviceId: shop.devices[0]! }))).toBe('TENANT_NOT_ACTIVE');
    expect(await storage.eventStore.readStream(streams.order(shop.tenantId, orderId))).toHaveLength(2);

    await tenantCommand(elsewhere, { type: 'ReinstateTenant', data: {}, meta });
    // A change elsewhere that does not concern the sale: the append is refused once, decided again, written.
    await tenantCommand(elsewhere, { type: 'RenameBranch', data: { branchId: shop.branches[1]!, name: 'Gare Nord' }, meta });
    const added = await changeOrder(here, envelopeOf(cashier), orderId, line('l2'));
    expect(added.revision).toBe(2);
  });

  it('an order is not opened on a till deactivated elsewhere', async () => {
    shop = await seedTenant(elsewhere);
    const cashier = cashierOf(`e-${randomUUID()}`);
    await openOrder(here, envelopeOf(cashier), { orderId: randomUUID() as OrderId, branchId: shop.branches[0]!, deviceId: shop.devices[0]! });
    await tenantCommand(elsewhere, { type: 'DeactivateDevice', data: { deviceId: shop.devices[0]!, reason: 'stolen' }, meta });
    const orderId = randomUUID() as OrderId;
    expect(await refusal(openOrder(here, envelopeOf(cashier), { orderId, branchId: shop.branches[0]!, deviceId: shop.devices[0]! }))).toBe('DEVICE_NOT_FOUND');
    expect(await storage.eventStore.readStream(streams.order(shop.tenantId, orderId))).toHaveLength(0);
  });

  it('cash is not taken into a drawer that was closed elsewhere', async () => {
    shop = await seedTenant(elsewhere);
    const employeeId = `e-${randomUUID()}` as EmployeeId;
    const cashier = cashierOf(employeeId);
    const drawerId = `drawer-${randomUUID()}` as DrawerId;
    const employeeCommand = (deps: HandlerDeps, command: EmployeeCommand) =>
      handleCommand(deps, employeeKind, streams.employee(shop.tenantId, employeeId), shop.tenantId, envelopeOf(owner), () => command);
    await employeeCommand(elsewhere, {
      type: 'HireEmployee',
      data: { employeeId, tenantId: shop.tenantId, personalData: { name: 'Léa Dubois', email: `lea-${randomUUID()}@shop.example` }, role: 'cashier', branchIds: [shop.branches[0]!], deviceIds: [shop.devices[0]!] },
      meta,
    });
    await employeeCommand(elsewhere, { type: 'ClockIn', data: { shiftId: `shift-${randomUUID()}` as ShiftId, branchId: shop.branches[0]!, deviceId: shop.devices[0]! }, meta });
    await employeeCommand(elsewhere, { type: 'OpenDrawer', data: { drawerId, deviceId: shop.devices[0]!, floatAmount: 10_000 }, meta });

    const orderId = randomUUID() as OrderId;
    await openOrder(here, envelopeOf(cashier), { orderId, branchId: shop.branches[0]!, deviceId: shop.devices[0]! });
    await changeOrder(here, envelopeOf(cashier), orderId, line('l1'));
    const cash = (paymentId: string) => ({ type: 'AddPayment' as const, paymentId: paymentId as PaymentId, tender: { method: 'cash' as const, amount: 100 as Minor }, drawerId: null });
    // Held here with the drawer open: the first payment goes into it.
    await changeOrder(here, envelopeOf(cashier), orderId, cash('p1'));
    await employeeCommand(elsewhere, { type: 'CloseDrawer', data: { drawerId, countedAmount: 10_100, cashSales: 100 }, meta });
    expect(await refusal(changeOrder(here, envelopeOf(cashier), orderId, cash('p2')))).toBe('DRAWER_NOT_OPEN');
    expect(await storage.eventStore.readStream(streams.order(shop.tenantId, orderId))).toHaveLength(3);
  });

  it('twenty commands at once on one sale in one process all land, one after another, none refused as a conflict', async () => {
    shop = await seedTenant(here);
    const cashier = cashierOf(`e-${randomUUID()}`);
    const orderId = randomUUID() as OrderId;
    await openOrder(here, envelopeOf(cashier), { orderId, branchId: shop.branches[0]!, deviceId: shop.devices[0]! });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => changeOrder(here, envelopeOf(cashier), orderId, line(`c${i}`))));
    expect(results.map((r) => r.revision).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await storage.eventStore.readStream(streams.order(shop.tenantId, orderId))).toHaveLength(21);
  });
});
