import { call } from './http.js';
import type { ReadyTill } from './httpTills.js';
import type { Sale } from './loadProtocol.js';

export type ReadModelCheck = Readonly<{
  /** Sales report (daily sales) against the sales the tills completed. */
  reportOrders: number;
  reportTotal: number;
  completedSales: number;
  completedTotal: number;
  /** Drawers whose cash sales differ from the cash the tills took in. */
  drawersChecked: number;
  drawersWrong: number;
  samples: readonly string[];
}>;

type Page<T> = Readonly<{ items: readonly T[]; nextCursor: string | null }>;

async function all<T>(base: string, path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const url = `${path}${path.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { status, json } = await call(base, 'GET', url, token);
    if (status !== 200) throw new Error(`GET ${url} answered ${status}: ${JSON.stringify(json)}`);
    const page = json as Page<T>;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/**
 * The read models counted every sale once, also with two API processes each running the
 * projection runner: the tenant's daily sales equal the completed sales, and each drawer's cash
 * sales the cash its till took in (tendered minus change for a completed sale).
 */
export async function checkReadModels(base: string, admin: string, tills: readonly ReadyTill[], sales: readonly Sale[]): Promise<ReadModelCheck> {
  const report = await all<{ orderCount: number; total: number }>(base, '/v1/reports/daily-sales', admin);
  const drawers = await all<{ drawerId: string; cashSales: number }>(base, '/v1/drawers', admin);
  const completed = sales.filter((s) => s.completed);
  const expectedCash = new Map<string, number>();
  for (const sale of sales) {
    const drawerId = tills[sale.till]?.drawerId;
    if (drawerId === undefined || sale.revisions.length < 5) continue;
    expectedCash.set(drawerId, (expectedCash.get(drawerId) ?? 0) + (sale.completed ? sale.total : sale.tendered));
  }
  const samples: string[] = [];
  let drawersWrong = 0;
  for (const till of tills) {
    const drawer = drawers.find((d) => d.drawerId === till.drawerId);
    const expected = expectedCash.get(till.drawerId) ?? 0;
    if (drawer?.cashSales !== expected) {
      drawersWrong += 1;
      if (samples.length < 5) samples.push(`drawer ${till.drawerId}: cash sales ${drawer?.cashSales ?? 'missing'}, tills took ${expected}`);
    }
  }
  const reportOrders = report.reduce((sum, r) => sum + r.orderCount, 0);
  const reportTotal = report.reduce((sum, r) => sum + r.total, 0);
  const completedTotal = completed.reduce((sum, s) => sum + s.total, 0);
  if (reportOrders !== completed.length || reportTotal !== completedTotal) {
    samples.unshift(`daily sales: ${reportOrders} orders, total ${reportTotal}; tills completed ${completed.length}, total ${completedTotal}`);
  }
  return { reportOrders, reportTotal, completedSales: completed.length, completedTotal, drawersChecked: tills.length, drawersWrong, samples };
}
