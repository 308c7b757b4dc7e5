import { comparePositions, parsePosition, type GlobalPosition, type RecordedEvent } from '../../../src/application/ports/eventStore.js';

/*
 * An INDEPENDENT fold of the raw log into every report figure, written from the rules (ADR 0005,
 * DOMAIN.md, the reports' documented meanings), importing no projection or domain pricing code:
 * if a read model and this fold agree, two separate implementations agree. It reads events as
 * stored (the workload writes only current schema versions, so there is nothing to upcast).
 */

// ---- arithmetic (ADR 0005) ----

/** n / d rounded half away from zero, exactly. */
export function div(n: number, d: number): number {
  const N = BigInt(n);
  const D = BigInt(d);
  const magnitude = ((N < 0n ? -N : N) * 2n + D) / (2n * D);
  return Number(N < 0n ? -magnitude : magnitude);
}

/** Largest remainder, ties to the earlier weight; all to the first when the weights are zero. */
function spread(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const parts = weights.map((w, i) => ({ i, share: Math.floor((total * w) / sum), rem: (total * w) % sum }));
  let left = total - parts.reduce((a, p) => a + p.share, 0);
  for (const p of [...parts].sort((a, b) => (a.rem === b.rem ? a.i - b.i : b.rem - a.rem))) {
    if (left <= 0) break;
    p.share += 1;
    left -= 1;
  }
  return parts.map((p) => p.share);
}

type Mode = 'inclusive' | 'exclusive';
/** An event's data as stored: read field by field. */
type Data = Readonly<Record<string, unknown>>;
const taxOf = (amount: number, bp: number, mode: Mode): { net: number; tax: number; gross: number } => {
  if (mode === 'exclusive') {
    const tax = div(amount * bp, 10_000);
    return { net: amount, tax, gross: amount + tax };
  }
  const tax = div(amount * bp, 10_000 + bp);
  return { net: amount - tax, tax, gross: amount };
};

type Line = { lineId: string; sku: string; name: string; unitPrice: number; quantity: number; taxRateId: string; bp: number };
type Discount = { discountId: string; target: { kind: string; lineId?: string }; value: { kind: string; amount?: number; basisPoints?: number } };
type Priced = Line & { base: number; discount: number; amount: number; net: number; tax: number; gross: number };
type Pricing = { lines: Priced[]; subtotal: number; discountTotal: number; discountCount: number; net: number; tax: number; total: number };

function price(lines: readonly Line[], discounts: readonly Discount[], mode: Mode): Pricing {
  let discountCount = 0;
  const take = (d: Discount, base: number, taken: number): number => {
    const wanted = d.value.kind === 'amount' ? (d.value.amount ?? 0) : div(base * (d.value.basisPoints ?? 0), 10_000);
    const amount = Math.min(wanted, base - taken);
    if (amount > 0) discountCount += 1;
    return amount;
  };
  const after = lines.map((line) => {
    const base = line.unitPrice * line.quantity;
    let taken = 0;
    for (const d of discounts) if (d.target.kind === 'line' && d.target.lineId === line.lineId) taken += take(d, base, taken);
    return { line, base, lineDiscount: taken };
  });
  const orderBase = after.reduce((a, l) => a + l.base - l.lineDiscount, 0);
  let orderOff = 0;
  for (const d of discounts) if (d.target.kind === 'order') orderOff += take(d, orderBase, orderOff);
  const shares = spread(orderOff, after.map((l) => l.base - l.lineDiscount));
  const priced = after.map(({ line, base, lineDiscount }, i): Priced => {
    const discount = lineDiscount + (shares[i] ?? 0);
    const amount = base - discount;
    return { ...line, base, discount, amount, ...taxOf(amount, line.bp, mode) };
  });
  const total = (pick: (p: Priced) => number): number => priced.reduce((a, p) => a + pick(p), 0);
  return { lines: priced, subtotal: total((p) => p.base), discountTotal: total((p) => p.discount), discountCount, net: total((p) => p.net), tax: total((p) => p.tax), total: total((p) => p.gross) };
}

// ---- local time ----

const formats = new Map<string, Intl.DateTimeFormat>();
/** The local date and hour of an instant in a zone, and the UTC offset then (minutes). */
export function local(at: string, zone: string): { date: string; hour: number; offset: number; hourStart: string } {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(zone, format);
  }
  const ms = Date.parse(at);
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const hour = Number(parts.hour);
  const asUtc = Date.parse(`${date}T${parts.hour}:${parts.minute}:00Z`);
  const offset = Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
  // The zones of the workload are whole hours off UTC: the local hour starts on a UTC hour.
  const hourStart = new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString();
  return { date, hour, offset, hourStart };
}

// ---- the fold ----

type Counter = Record<string, number>;
const bump = (row: Counter, key: string, by: number): void => {
  row[key] = (row[key] ?? 0) + by;
};
function rowOf(map: Map<string, Counter>, key: readonly (string | number)[], init: () => Counter): Counter {
  const k = key.join('|');
  let row = map.get(k);
  if (!row) {
    row = init();
    map.set(k, row);
  }
  return row;
}

type Order = {
  tenantId: string; branchId: string; deviceId: string; cashierId: string; currency: string; mode: Mode;
  lines: Line[]; discounts: Discount[]; payments: { paymentId: string; method: string; amount: number; drawerId: string | null }[];
  status: 'open' | 'completed' | 'voided'; pricing: Pricing | null; change: number; refunded: Map<string, number>;
};
type Drawer = {
  tenantId: string; drawerId: string; deviceId: string; employeeId: string; float: number; cashIn: number; cashInCount: number; cashOut: number; cashOutCount: number;
  tendered: number; change: number; returned: number; refunded: number; refundCount: number; closed: boolean; expectedAtClose: number | null; recordedExpected: number | null;
};

/** One Z's or the open period's figures, as the till adds them up. */
export type TillFigures = {
  receipts: number; gross: number; discounts: number; discountAmount: number; voids: number; voidAmount: number; refunds: number; refundAmount: number;
  net: number; tax: number; total: number; taxes: Map<string, { net: number; tax: number; gross: number }>;
  tenders: Map<string, { count: number; amount: number; change: number; refunds: number; refundAmount: number }>;
  floats: number; floatAmount: number; cashIn: number; cashInAmount: number; cashOut: number; cashOutAmount: number; expected: number; counted: number; variance: number;
};
const emptyTill = (): TillFigures => ({
  receipts: 0, gross: 0, discounts: 0, discountAmount: 0, voids: 0, voidAmount: 0, refunds: 0, refundAmount: 0, net: 0, tax: 0, total: 0,
  taxes: new Map(), tenders: new Map(), floats: 0, floatAmount: 0, cashIn: 0, cashInAmount: 0, cashOut: 0, cashOutAmount: 0, expected: 0, counted: 0, variance: 0,
});
type TillFact = { position: GlobalPosition; apply: (f: TillFigures) => void };

export class IndependentFold {
  readonly daily = new Map<string, Counter>();
  readonly taxes = new Map<string, Counter>();
  readonly payments = new Map<string, Counter>();
  readonly hours = new Map<string, Counter>();
  readonly cashiers = new Map<string, Counter>();
  readonly products = new Map<string, Counter>();
  readonly drawers = new Map<string, Drawer>();
  /** Facts per till (`tenant|device`), in log order. */
  readonly tillFacts = new Map<string, TillFact[]>();
  readonly zs: RecordedEvent[] = [];
  private readonly tenants = new Map<string, { zone: string; rates: Map<string, number> }>();
  private readonly orders = new Map<string, Order>();
  private readonly employees = new Map<string, string>();

  apply(e: RecordedEvent): void {
    const d = e.data;
    switch (e.type) {
      case 'TenantRegistered':
        this.tenants.set(e.tenantId, { zone: String(d.timeZone), rates: new Map() });
        return;
      case 'TenantTimeZoneChanged': {
        const tenant = this.tenants.get(e.tenantId);
        if (tenant) tenant.zone = String(d.timeZone);
        return;
      }
      case 'EmployeeHired':
        this.employees.set(e.streamId, String(d.employeeId));
        return;
      case 'TillDayClosed':
        this.zs.push(e);
        return;
      default:
    }
    if (e.type.startsWith('Drawer') || e.type === 'CashInRecorded' || e.type === 'CashOutRecorded') {
      this.drawerEvent(e, d);
      return;
    }
    this.orderEvent(e, d);
  }

  private zone(tenantId: string): string {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) throw new Error(`no tenant ${tenantId}`);
    return tenant.zone;
  }

  private till(tenantId: string, deviceId: string, position: GlobalPosition, apply: (f: TillFigures) => void): void {
    const key = `${tenantId}|${deviceId}`;
    const facts = this.tillFacts.get(key) ?? [];
    facts.push({ position, apply });
    this.tillFacts.set(key, facts);
  }

  private drawerEvent(e: RecordedEvent, d: Data): void {
    const drawerId = String(d.drawerId);
    if (e.type === 'DrawerOpened') {
      const employeeId = this.employees.get(e.streamId) ?? '';
      this.drawers.set(drawerId, {
        tenantId: e.tenantId, drawerId, deviceId: String(d.deviceId), employeeId, float: Number(d.float), cashIn: 0, cashInCount: 0, cashOut: 0, cashOutCount: 0,
        tendered: 0, change: 0, returned: 0, refunded: 0, refundCount: 0, closed: false, expectedAtClose: null, recordedExpected: null,
      });
      const float = Number(d.float);
      this.till(e.tenantId, String(d.deviceId), e.position, (f) => {
        f.floats += 1;
        f.floatAmount += float;
      });
      return;
    }
    const drawer = this.drawers.get(drawerId);
    if (!drawer) return;
    const amount = Number(d.amount);
    switch (e.type) {
      case 'CashInRecorded':
        drawer.cashIn += amount;
        drawer.cashInCount += 1;
        this.till(e.tenantId, drawer.deviceId, e.position, (f) => {
          f.cashIn += 1;
          f.cashInAmount += amount;
        });
        return;
      case 'CashOutRecorded':
        drawer.cashOut += amount;
        drawer.cashOutCount += 1;
        this.till(e.tenantId, drawer.deviceId, e.position, (f) => {
          f.cashOut += 1;
          f.cashOutAmount += amount;
        });
        return;
      case 'DrawerClosed': {
        drawer.closed = true;
        drawer.expectedAtClose = expectedOf(drawer);
        drawer.recordedExpected = Number(d.expected);
        const expected = Number(d.expected);
        const counted = Number(d.counted);
        this.till(e.tenantId, String(d.deviceId), e.position, (f) => {
          f.expected += expected;
          f.counted += counted;
          f.variance += counted - expected;
        });
        return;
      }
      default:
    }
  }

  private orderEvent(e: RecordedEvent, d: Data): void {
    if (e.type === 'OrderOpened') {
      this.orders.set(e.streamId, {
        tenantId: e.tenantId, branchId: String(d.branchId), deviceId: String(d.deviceId), cashierId: String(d.cashierId), currency: String(d.currency),
        mode: d.priceMode === 'exclusive' ? 'exclusive' : 'inclusive', lines: [], discounts: [], payments: [], status: 'open', pricing: null, change: 0, refunded: new Map(),
      });
      return;
    }
    const order = this.orders.get(e.streamId);
    if (!order) return;
    switch (e.type) {
      case 'OrderLineAdded':
        order.lines.push({ lineId: String(d.lineId), sku: String(d.sku), name: String(d.name), unitPrice: Number(d.unitPrice), quantity: Number(d.quantity), taxRateId: String(d.taxRateId), bp: Number(d.taxBasisPoints) });
        return;
      case 'OrderLineQuantityChanged':
        order.lines = order.lines.map((l) => (l.lineId === String(d.lineId) ? { ...l, quantity: Number(d.quantity) } : l));
        return;
      case 'OrderLineRemoved':
        order.lines = order.lines.filter((l) => l.lineId !== String(d.lineId));
        // A discount on a removed line goes with it.
        order.discounts = order.discounts.filter((x) => !(x.target.kind === 'line' && x.target.lineId === String(d.lineId)));
        return;
      case 'DiscountApplied':
        order.discounts.push({ discountId: String(d.discountId), target: d.target as Discount['target'], value: d.value as Discount['value'] });
        return;
      case 'DiscountRemoved':
        order.discounts = order.discounts.filter((x) => x.discountId !== String(d.discountId));
        return;
      case 'PaymentAdded': {
        const tender = d.tender as { method: string; amount: number };
        const drawerId = typeof d.drawerId === 'string' ? d.drawerId : null;
        order.payments.push({ paymentId: String(d.paymentId), method: tender.method, amount: tender.amount, drawerId });
        const drawer = drawerId ? this.drawers.get(drawerId) : undefined;
        if (drawer && tender.method === 'cash') drawer.tendered += tender.amount;
        return;
      }
      case 'PaymentRemoved': {
        const payment = order.payments.find((p) => p.paymentId === String(d.paymentId));
        order.payments = order.payments.filter((p) => p.paymentId !== String(d.paymentId));
        const drawer = payment?.drawerId ? this.drawers.get(payment.drawerId) : undefined;
        if (drawer && payment?.method === 'cash') drawer.returned += payment.amount;
        return;
      }
      case 'OrderCompleted':
        this.completed(e, order, d);
        return;
      case 'OrderVoided':
        this.voided(e, order, String(d.at));
        return;
      case 'OrderRefunded':
        this.refunded(e, order, d);
        return;
      default:
    }
  }

  private dayKey(order: Order, date: string): string[] {
    return [order.tenantId, order.branchId, date, order.currency, order.mode];
  }

  private completed(e: RecordedEvent, order: Order, d: Data): void {
    const pricing = price(order.lines, order.discounts, order.mode);
    order.status = 'completed';
    order.pricing = pricing;
    const paid = order.payments.reduce((a, p) => a + p.amount, 0);
    const change = paid - pricing.total;
    order.change = change;
    const { date, hour, offset, hourStart } = local(String(d.at), this.zone(order.tenantId));
    const day = this.dayKey(order, date);
    const items = order.lines.reduce((a, l) => a + l.quantity, 0);
    const sale = (row: Counter): void => {
      bump(row, 'order_count', 1);
      bump(row, 'items_sold', items);
      bump(row, 'gross', pricing.subtotal);
      bump(row, 'discount_amount', pricing.discountTotal);
      bump(row, 'net', pricing.net);
      bump(row, 'tax', pricing.tax);
      bump(row, 'total', pricing.total);
    };
    const daily = rowOf(this.daily, day, emptySales);
    sale(daily);
    bump(daily, 'discount_count', order.discounts.length);
    sale(rowOf(this.hours, [...day, hourStart], () => ({ ...emptySales(), hour, utc_offset_minutes: offset })));
    sale(rowOf(this.cashiers, [...day, order.cashierId], emptySales));
    const byRate = new Map<string, { rate: string; bp: number; net: number; tax: number }>();
    for (const line of pricing.lines) {
      const key = `${line.taxRateId}|${line.bp}`;
      const rate = byRate.get(key) ?? { rate: line.taxRateId, bp: line.bp, net: 0, tax: 0 };
      rate.net += line.net;
      rate.tax += line.tax;
      byRate.set(key, rate);
      const product = rowOf(this.products, [...day, line.sku], emptyProduct);
      bump(product, 'quantity', line.quantity);
      bump(product, 'gross', line.base);
      bump(product, 'discount_amount', line.discount);
      bump(product, 'net', line.net);
      bump(product, 'tax', line.tax);
      bump(product, 'total', line.gross);
    }
    for (const rate of byRate.values()) {
      const row = rowOf(this.taxes, [...day, rate.rate, rate.bp], () => ({ order_count: 0, taxable: 0, tax: 0, gross: 0 }));
      bump(row, 'order_count', 1);
      bump(row, 'taxable', rate.net);
      bump(row, 'tax', rate.tax);
      bump(row, 'gross', rate.net + rate.tax);
    }
    const payKey = [order.tenantId, order.branchId, date, order.currency];
    for (const p of order.payments) {
      const row = rowOf(this.payments, [...payKey, p.method], emptyPayment);
      bump(row, 'tender_count', 1);
      bump(row, 'amount', p.amount);
    }
    if (change > 0) bump(rowOf(this.payments, [...payKey, 'cash'], emptyPayment), 'change_given', change);
    // Change comes out of the drawer that took the cash.
    const cashDrawer = [...order.payments].reverse().find((p) => p.method === 'cash' && p.drawerId)?.drawerId;
    const drawer = cashDrawer ? this.drawers.get(cashDrawer) : undefined;
    if (drawer && change > 0) drawer.change += change;

    const discountCount = pricing.discountCount;
    const payments = [...order.payments];
    this.till(order.tenantId, order.deviceId, e.position, (f) => {
      f.receipts += 1;
      f.gross += pricing.subtotal;
      f.discounts += discountCount;
      f.discountAmount += pricing.discountTotal;
      f.net += pricing.net;
      f.tax += pricing.tax;
      f.total += pricing.total;
      for (const rate of byRate.values()) addTax(f, `${rate.rate}|${rate.bp}`, rate.net, rate.tax);
      for (const p of payments) addTender(f, p.method, 1, p.amount, 0, 0, 0);
      if (change > 0) addTender(f, 'cash', 0, -change, change, 0, 0);
    });
  }

  private voided(e: RecordedEvent, order: Order, at: string): void {
    const pricing = price(order.lines, order.discounts, order.mode);
    order.status = 'voided';
    const { date } = local(at, this.zone(order.tenantId));
    const daily = rowOf(this.daily, this.dayKey(order, date), emptySales);
    bump(daily, 'void_count', 1);
    bump(daily, 'void_amount', pricing.total);
    for (const p of order.payments) {
      const drawer = p.drawerId && p.method === 'cash' ? this.drawers.get(p.drawerId) : undefined;
      if (drawer) drawer.returned += p.amount;
    }
    this.till(order.tenantId, order.deviceId, e.position, (f) => {
      f.voids += 1;
      f.voidAmount += pricing.total;
    });
  }

  private refunded(e: RecordedEvent, order: Order, d: Data): void {
    const pricing = order.pricing;
    if (!pricing) throw new Error('a refund of an order not completed');
    const amount = Number(d.amount);
    const method = String(d.method);
    const lines = d.lines as { lineId: string; quantity: number; amount: number }[];
    const { date, hourStart, hour, offset } = local(String(d.at), this.zone(order.tenantId));
    const day = this.dayKey(order, date);
    const daily = rowOf(this.daily, day, emptySales);
    bump(daily, 'refund_count', 1);
    bump(daily, 'refund_amount', amount);
    bump(daily, 'items_refunded', lines.reduce((a, l) => a + l.quantity, 0));
    for (const row of [rowOf(this.hours, [...day, hourStart], () => ({ ...emptySales(), hour, utc_offset_minutes: offset })), rowOf(this.cashiers, [...day, order.cashierId], emptySales)]) {
      bump(row, 'refund_count', 1);
      bump(row, 'refund_amount', amount);
    }
    const payment = rowOf(this.payments, [order.tenantId, order.branchId, date, order.currency, method], emptyPayment);
    bump(payment, 'refund_count', 1);
    bump(payment, 'refund_amount', amount);
    for (const l of lines) {
      const line = pricing.lines.find((p) => p.lineId === l.lineId);
      if (!line) continue;
      const product = rowOf(this.products, [...day, line.sku], emptyProduct);
      bump(product, 'refund_quantity', l.quantity);
      bump(product, 'refund_amount', l.amount);
    }
    const drawerId = typeof d.drawerId === 'string' ? d.drawerId : null;
    const drawer = drawerId ? this.drawers.get(drawerId) : undefined;
    if (drawer && method === 'cash') {
      drawer.refunded += amount;
      drawer.refundCount += 1;
    }
    // The till splits the refund's gross back into net and tax: per named line at its rate,
    // otherwise over the sale's rates in proportion to their gross (inclusive formula either way).
    const parts: { key: string; gross: number; bp: number }[] = [];
    if (lines.length > 0) {
      for (const l of lines) {
        const line = pricing.lines.find((p) => p.lineId === l.lineId);
        if (line) parts.push({ key: `${line.taxRateId}|${line.bp}`, gross: l.amount, bp: line.bp });
      }
    } else {
      const rates = new Map<string, { bp: number; gross: number }>();
      for (const line of pricing.lines) {
        const key = `${line.taxRateId}|${line.bp}`;
        const rate = rates.get(key) ?? { bp: line.bp, gross: 0 };
        rate.gross += line.gross;
        rates.set(key, rate);
      }
      const keys = [...rates.keys()].sort(compareRateKeys);
      const shares = spread(amount, keys.map((k) => rates.get(k)?.gross ?? 0));
      keys.forEach((key, i) => parts.push({ key, gross: shares[i] ?? 0, bp: rates.get(key)?.bp ?? 0 }));
    }
    const deviceId = drawer?.deviceId ?? order.deviceId;
    this.till(order.tenantId, deviceId, e.position, (f) => {
      f.refunds += 1;
      f.refundAmount += amount;
      f.total -= amount;
      for (const part of parts) {
        const { net, tax } = taxOf(part.gross, part.bp, 'inclusive');
        f.net -= net;
        f.tax -= tax;
        addTax(f, part.key, -net, -tax);
      }
      addTender(f, method, 0, 0, 0, 1, amount);
    });
  }

  /** The till's figures of the facts in (after, through]. */
  tillFigures(tenantId: string, deviceId: string, after: GlobalPosition | null, through: GlobalPosition | null): TillFigures {
    const figures = emptyTill();
    for (const fact of this.tillFacts.get(`${tenantId}|${deviceId}`) ?? []) {
      if (after && comparePositions(fact.position, after) <= 0) continue;
      if (through && comparePositions(fact.position, through) > 0) continue;
      fact.apply(figures);
    }
    return figures;
  }
}

export function expectedOf(drawer: Drawer): number {
  return drawer.float + drawer.cashIn - drawer.cashOut + drawer.tendered - drawer.change - drawer.returned - drawer.refunded;
}

/** Rate keys `id|bp` in the till's order: by id, then basis points. */
function compareRateKeys(a: string, b: string): number {
  const [ia = '', ba = '0'] = a.split('|');
  const [ib = '', bb = '0'] = b.split('|');
  return ia === ib ? Number(ba) - Number(bb) : ia < ib ? -1 : 1;
}

function addTax(f: TillFigures, key: string, net: number, tax: number): void {
  const row = f.taxes.get(key) ?? { net: 0, tax: 0, gross: 0 };
  row.net += net;
  row.tax += tax;
  row.gross += net + tax;
  f.taxes.set(key, row);
}

function addTender(f: TillFigures, method: string, count: number, amount: number, change: number, refunds: number, refundAmount: number): void {
  const row = f.tenders.get(method) ?? { count: 0, amount: 0, change: 0, refunds: 0, refundAmount: 0 };
  row.count += count;
  row.amount += amount;
  row.change += change;
  row.refunds += refunds;
  row.refundAmount += refundAmount;
  f.tenders.set(method, row);
}

const emptySales = (): Counter => ({
  order_count: 0, items_sold: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_count: 0, refund_amount: 0,
  discount_count: 0, items_refunded: 0, void_count: 0, void_amount: 0,
});
const emptyProduct = (): Counter => ({ quantity: 0, gross: 0, discount_amount: 0, net: 0, tax: 0, total: 0, refund_quantity: 0, refund_amount: 0 });
const emptyPayment = (): Counter => ({ tender_count: 0, amount: 0, change_given: 0, refund_count: 0, refund_amount: 0 });

export { parsePosition };
