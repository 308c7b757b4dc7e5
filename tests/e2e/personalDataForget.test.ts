import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { emailAccountKey } from '../../src/infrastructure/auth/loginThrottle.js';
import { PASSWORD, call, command, login, openShop, pinLogin, startFullApp, type FullApp, type Shop, hireAuditor } from '../support/fullApp.js';
import { dumpSchema, liveSchemas, type Dump } from '../golden/workload/tableDump.js';

/*
 * The right to erasure, end to end (issue 11, ADR 0025). An employee with a name, email and phone
 * no other test uses is hired over HTTP, signs in, sells (cash and card, a refund), has their
 * drawer closed, and their till's day is closed with a Z; then an admin forgets them. After it
 * nothing stored anywhere, the event log and every other table, the audit export and the whole
 * scenario's logs at trace level, holds any of the three; every figure of every report is what
 * it was; and a rebuild of every read model equals the live ones. Before it the log held none
 * of them either: they are encrypted from the hire on.
 */

const NAME = 'Zéphyrine Quillfeather-Oyelaran';
const EMAIL = `zephyrine.quillfeather.${randomUUID().slice(0, 8)}@forget-me.example`;
const PHONE_TYPED = '+33 6 71 82 93 04';
const PHONE = '+33671829304';
const PIN = '7391';
/** What must not be found: each personal field as typed and as stored, and a fragment of the name. */
const PLAINTEXTS = [NAME, 'Quillfeather', EMAIL, EMAIL.split('@')[0] ?? EMAIL, PHONE, PHONE_TYPED, '671829304'];

type Json = Record<string, unknown>;

function findPlaintext(text: string): string[] {
  const lower = text.toLowerCase();
  // JSON and row text escape non-ASCII letters; the ASCII fragments cannot hide that way.
  return PLAINTEXTS.filter((value) => lower.includes(value.toLowerCase()) || text.includes(JSON.stringify(value).slice(1, -1)));
}

describe('forgetting an employee who sold: crypto-shredded everywhere, every figure kept', () => {
  const logs: string[] = [];
  let full: FullApp;
  let shop: Shop;
  let employeeId = '';
  let auditor = '';
  let lastPosition = '';
  let sealBefore = { sealNumber: 0, eventCount: 0 };
  const reportsBefore = new Map<string, unknown>();

  const key = () => ({ 'idempotency-key': randomUUID() });
  let till = '';
  type Answer = Awaited<ReturnType<typeof command>>;
  const atTill = async (url: string, body: unknown = {}, status = 200): Promise<Answer> => {
    const answer = await command(full.app, url, { token: till, body, headers: key(), status });
    lastPosition = answer.position ?? lastPosition;
    return answer;
  };
  const asManager = async (url: string, body: unknown = {}, status = 200): Promise<Answer> => {
    const answer = await command(full.app, url, { token: shop.tokens.manager, body, headers: key(), status });
    lastPosition = answer.position ?? lastPosition;
    return answer;
  };
  const read = async (url: string, token: string): Promise<unknown> => {
    const answer = await call(full.app, 'GET', `${url}${url.includes('?') ? '&' : '?'}after=${lastPosition}`, { token });
    if (answer.statusCode !== 200) throw new Error(`GET ${url} answered ${answer.statusCode}: ${answer.body}`);
    return String(answer.headers['content-type']).startsWith('application/json') ? answer.json() : answer.body;
  };
  /** Every report a figure of this employee's sales is in, as the manager or admin reads it. */
  const reports = (): Readonly<Record<string, () => Promise<unknown>>> => ({
    xReport: () => read(`/v1/devices/${shop.deviceId}/x-report`, shop.tokens.manager),
    z1: () => read(`/v1/devices/${shop.deviceId}/z-reports/1`, shop.tokens.manager),
    zList: () => read(`/v1/devices/${shop.deviceId}/z-reports`, shop.tokens.manager),
    daily: () => read('/v1/reports/daily-sales', shop.tokens.admin),
    taxes: () => read('/v1/reports/daily-sales/taxes', shop.tokens.admin),
    payments: () => read('/v1/reports/daily-sales/payment-methods', shop.tokens.admin),
    hours: () => read('/v1/reports/daily-sales/hours', shop.tokens.admin),
    cashier: () => read(`/v1/reports/sales-by-cashier?cashierId=${employeeId}`, shop.tokens.admin),
    products: () => read('/v1/reports/sales-by-product', shop.tokens.admin),
    orders: () => read(`/v1/orders?cashierId=${employeeId}`, shop.tokens.admin),
    ordersCsv: async () => (await call(full.app, 'GET', `/v1/orders?cashierId=${employeeId}&after=${lastPosition}`, { token: shop.tokens.admin, headers: { accept: 'text/csv' } })).body,
    drawers: () => read(`/v1/drawers?employeeId=${employeeId}`, shop.tokens.admin),
    shifts: () => read(`/v1/shifts?employeeId=${employeeId}`, shop.tokens.admin),
  });

  beforeAll(async () => {
    // The whole scenario's logs, at the most verbose level.
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
    full = await startFullApp({}, { logger });
    shop = await openShop(full);
    auditor = await hireAuditor(full, shop);

    // Hired with an Idempotency-Key (its answer is stored), a password and a PIN.
    const hire = await command(full.app, '/v1/employees', {
      token: shop.tokens.admin,
      headers: key(),
      body: { personalData: { name: NAME, email: EMAIL.toUpperCase(), phone: PHONE_TYPED }, role: 'cashier', branchIds: [shop.branchId], deviceIds: [shop.deviceId], password: PASSWORD, pin: PIN },
    });
    employeeId = hire.id;
    // Signs in to the back office (once wrongly: the throttle counts it) and on the till.
    expect((await call(full.app, 'POST', '/v1/auth/login', { body: { email: EMAIL, password: 'not the password at all' } })).statusCode).toBe(401);
    await login(full.app, EMAIL);
    till = (await pinLogin(full.app, { deviceId: shop.deviceId, employeeId, pin: PIN })).accessToken;

    // Sells: a cash sale and a card sale from their own drawer; a manager refunds part of the first.
    const base = `/v1/employees/${employeeId}`;
    await atTill(`${base}/clock-in`, { branchId: shop.branchId, deviceId: shop.deviceId });
    const { id: drawerId } = await atTill(`${base}/drawer/open`, { deviceId: shop.deviceId, floatAmount: 5_000 });
    const sale = async (sku: string, unitPrice: number, quantity: number, tender: Json): Promise<string> => {
      const orderId = randomUUID();
      await atTill('/v1/orders', { orderId, branchId: shop.branchId, deviceId: shop.deviceId }, 201);
      await atTill(`/v1/orders/${orderId}/lines`, { lineId: 'l1', sku, name: sku.toLowerCase(), unitPrice, quantity, taxRateId: 'standard' });
      await atTill(`/v1/orders/${orderId}/payments`, { paymentId: 'p1', tender });
      await atTill(`/v1/orders/${orderId}/complete`);
      return orderId;
    };
    const cashSale = await sale('BAGUETTE', 450, 3, { method: 'cash', amount: 2_000 });
    await sale('TARTE', 1_200, 1, { method: 'card', amount: 1_200, processorReference: 'AUTH-1' });
    await asManager(`/v1/orders/${cashSale}/refunds`, { refundId: 'r1', scope: { kind: 'amount', amount: 450 }, method: 'cash', reason: 'Burnt', drawerId });
    await asManager(`${base}/drawer/close`, { countedAmount: 5_900 });
    await atTill(`${base}/clock-out`);
    // The till's day: the X-report, then the Z that closes it.
    await read(`/v1/devices/${shop.deviceId}/x-report`, shop.tokens.manager);
    const z = await call(full.app, 'POST', `/v1/devices/${shop.deviceId}/z-reports`, { token: shop.tokens.manager, headers: key() });
    expect(z.statusCode, z.body).toBe(201);
    lastPosition = z.json<{ position: string }>().position;

    for (const [name, fetch] of Object.entries(reports())) reportsBefore.set(name, await fetch());
    // A seal over the history as it was before the forget (ADR 0024), and verify OK against it.
    const sealed = await call(full.app, 'POST', `/v1/tenants/${shop.tenantId}/seals`, { token: shop.tokens.admin });
    expect(sealed.statusCode, sealed.body).toBe(201);
    sealBefore = sealed.json<{ sealNumber: number; eventCount: number }>();
    expect((await call(full.app, 'GET', `/v1/audit/verify?sealNumber=${sealBefore.sealNumber}`, { token: shop.tokens.admin })).json()).toMatchObject({ ok: true });
  }, 120_000);

  afterAll(async () => {
    await full.close();
  });

  it('the log holds none of their personal data from the hire on, while the app shows it to the admin', async () => {
    const { rows } = await sql<{ row: string }>`SELECT e::text AS row FROM events e`.execute(full.db);
    expect(findPlaintext(rows.map((r) => r.row).join('\n'))).toEqual([]);
    const hired = (await full.storedEvents.readStream(streams.employee(shop.tenantId, employeeId)))[0];
    expect(hired?.data.personalData).toEqual({ encrypted: expect.stringMatching(/^v1\.1\./) as unknown });
    const view = (await call(full.app, 'GET', `/v1/employees/${employeeId}`, { token: shop.tokens.admin })).json<Json>();
    expect(view).toMatchObject({ personalData: { name: NAME, email: EMAIL, phone: PHONE }, personalDataStatus: 'visible' });
    // The sales figures to compare with are there.
    expect(reportsBefore.get('cashier')).toMatchObject({ items: [expect.objectContaining({ cashierId: employeeId, orderCount: 2 })] });
    expect(reportsBefore.get('z1')).toMatchObject({ zNumber: 1, figures: { receipts: { count: 2 } } });
  });

  describe('after the forget', () => {
    beforeAll(async () => {
      const forget = await command(full.app, `/v1/employees/${employeeId}/forget`, { token: shop.tokens.admin, body: {} });
      lastPosition = forget.position ?? lastPosition;
      // A retried forget answers the same and destroys again.
      await command(full.app, `/v1/employees/${employeeId}/forget`, { token: shop.tokens.admin, body: {} });
      // Every read model has applied the forget.
      for (const name of full.projections.names) await full.projections.catchUp(name);
    });

    it('destroys the data key and ends the login', async () => {
      const keys = await full.db.selectFrom('personal_data_keys').selectAll().where('subject_id', '=', `employee:${employeeId}`).execute();
      expect(keys).toEqual([expect.objectContaining({ wrapped_key: null, master_key_id: null, destroyed_at: expect.any(Date) as unknown })]);
      const account = await full.db.selectFrom('accounts').selectAll().where('user_id', '=', employeeId).executeTakeFirstOrThrow();
      expect(account).toMatchObject({ email: null, password_hash: null, pin_hash: null });
      // What sign-in throttled them under went with the login (the email's digest, their PIN key).
      const throttled = (await full.db.selectFrom('login_throttle').select('key').execute()).map((r) => r.key);
      expect(throttled.filter((k) => k.includes(emailAccountKey(EMAIL)) || k.includes(`employee:${employeeId}`))).toEqual([]);
      expect((await call(full.app, 'POST', '/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } })).statusCode).toBe(401);
      expect((await call(full.app, 'POST', '/v1/auth/pin', { body: { deviceId: shop.deviceId, employeeId, pin: PIN } })).statusCode).toBe(401);
    });

    it('every read shows them as forgotten: the employee, the directory, the audit history', async () => {
      const view = (await call(full.app, 'GET', `/v1/employees/${employeeId}`, { token: shop.tokens.admin })).json<Json>();
      expect(view).toMatchObject({ employeeId, role: 'cashier', personalData: null, personalDataStatus: 'forgotten' });
      const directory = (await read('/v1/employees', shop.tokens.admin)) as { items: Json[] };
      expect(directory.items.find((e) => e.employeeId === employeeId)).toMatchObject({ personalData: null, personalDataStatus: 'forgotten', role: 'cashier' });
      const streamId = encodeURIComponent(streams.employee(shop.tenantId, employeeId));
      const history = await call(full.app, 'GET', `/v1/audit/streams/${streamId}/events`, { token: auditor });
      expect(history.statusCode, history.body).toBe(200);
      const events = history.json<{ events: { type: string; data: Json }[] }>().events;
      expect(events[0]).toMatchObject({ type: 'EmployeeHired', data: { employeeId, personalData: null, role: 'cashier' } });
      expect(events.at(-1)?.type).toBe('PersonalDataForgotten');
      const state = await call(full.app, 'GET', `/v1/audit/streams/${streamId}/state`, { token: auditor });
      expect(state.json()).toMatchObject({ state: { personalData: null } });
    });

    it('every report figure is unchanged, and the sales keep the employee id', async () => {
      for (const [name, fetch] of Object.entries(reports())) expect(await fetch(), name).toEqual(reportsBefore.get(name));
      const orders = (await read(`/v1/orders?cashierId=${employeeId}`, shop.tokens.admin)) as { items: Json[] };
      expect(orders.items).toHaveLength(2);
      for (const order of orders.items) expect(order).toMatchObject({ cashierId: employeeId, status: 'completed' });
    });

    it('no table, no export line and no log line holds their name, email or phone', async () => {
      const tables = await sql<{ table_schema: string; table_name: string }>`
        SELECT table_schema, table_name FROM information_schema.tables
         WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> 'personal_data_keys'`.execute(full.db);
      const names = tables.rows.map((t) => `${t.table_schema}.${t.table_name}`);
      expect(names).toEqual(expect.arrayContaining(['public.events', 'public.accounts', 'public.idempotency_keys', 'public.login_throttle']));
      expect(names.some((n) => n.endsWith('.directory_employees'))).toBe(true);
      const found: Record<string, string[]> = {};
      for (const { table_schema, table_name } of tables.rows) {
        const { rows } = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.id(table_schema, table_name)} t`.execute(full.db);
        const hits = findPlaintext(rows.map((r) => r.row).join('\n'));
        if (hits.length > 0) found[`${table_schema}.${table_name}`] = hits;
      }
      expect(found).toEqual({});
      // The hire's stored answer is there, naming the employee by id only.
      const hireAnswers = await sql<{ body: string }>`SELECT response_body::text AS body FROM idempotency_keys WHERE response_body::text LIKE ${`%${employeeId}%`}`.execute(full.db);
      expect(hireAnswers.rows.length).toBeGreaterThan(0);

      const exported = await call(full.app, 'GET', '/v1/audit/export', { token: auditor });
      expect(exported.statusCode).toBe(200);
      expect(exported.body).toContain(employeeId);
      expect(findPlaintext(exported.body)).toEqual([]);

      expect(logs.length).toBeGreaterThan(50);
      expect(findPlaintext(logs.join(''))).toEqual([]);
    });

    it('verify is unchanged: the seal made before the forget still holds, and so does the chain', async () => {
      const report = (await call(full.app, 'GET', `/v1/audit/verify?sealNumber=${sealBefore.sealNumber}`, { token: shop.tokens.admin })).json<Json>();
      expect(report).toMatchObject({ ok: true, problem: null, seal: { sealNumber: sealBefore.sealNumber, eventCount: sealBefore.eventCount } });
      expect((report as { unsealedEvents: number }).unsealedEvents).toBeGreaterThan(0);
      expect((await call(full.app, 'GET', '/v1/audit/verify', { token: shop.tokens.admin })).json()).toMatchObject({ ok: true });
    });

    it('a rebuild of every read model from the log equals the live models', async () => {
      const before = await liveSchemas(full.db);
      const dumps = new Map<string, Dump>();
      for (const [name, schema] of before) dumps.set(name, await dumpSchema(full.db, schema));
      const names = [...before.keys()];
      expect(names).toEqual(expect.arrayContaining(['directory', 'sales', 'drawers', 'orders', 'till_periods']));
      await full.projections.rebuild(names);
      const after = await liveSchemas(full.db);
      for (const [name, schema] of after) {
        expect(schema, name).not.toBe(before.get(name));
        expect(await dumpSchema(full.db, schema), name).toEqual(dumps.get(name));
      }
      const directory = [...after].find(([name]) => name === 'directory')?.[1] ?? '';
      const row = await sql<Json>`SELECT * FROM ${sql.id(directory, 'directory_employees')} WHERE employee_id = ${employeeId}`.execute(full.db);
      expect(row.rows).toEqual([expect.objectContaining({ name: null, email: null, phone: null, personal_data_forgotten: true })]);
    });
  });
});
