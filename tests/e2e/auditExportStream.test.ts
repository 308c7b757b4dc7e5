import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { streams } from '../../src/application/events/streams.js';
import { someEvents } from '../support/events.js';
import { withShop, hireAuditor } from '../support/fullApp.js';

/**
 * The export over a real socket: it reads the log page by page as the client takes the lines, and
 * a client that goes away stops the reads (issue 11: back-pressure honoured, constant memory).
 */
describe('the audit export over a socket', () => {
  const ctx = withShop();
  let base = '';
  let auditor = '';

  beforeAll(async () => {
    const { full, shop } = ctx;
    // 24,000 events of the tenant: five pages of the export.
    for (let i = 0; i < 48; i++) {
      await full.eventStore.appendToStream(streams.order(shop.tenantId, randomUUID()), someEvents(500, { tenantId: shop.tenantId }), { expectedRevision: 'no_stream' });
    }
    auditor = await hireAuditor(full, shop);
    await full.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(full.app.server.address() as AddressInfo).port}`;
  }, 120_000);

  /** GETs the export; `stopAfter` bytes in, the client hangs up. Answers the bytes it read. */
  function fetchExport(stopAfter: number): Promise<{ bytes: number; complete: boolean }> {
    return new Promise((resolve, reject) => {
      const req = request(`${base}/v1/audit/export`, { headers: { authorization: `Bearer ${auditor}` } }, (res) => {
        let bytes = 0;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes < 200_000) text += chunk.toString('utf8');
          if (bytes >= stopAfter) {
            req.destroy();
            resolve({ bytes, complete: false });
          }
        });
        res.on('end', () => {
          resolve({ bytes, complete: text.length > 0 });
        });
        res.on('error', () => undefined);
      });
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.end();
    });
  }

  it('reads every page for a client that takes it all, and stops reading when the client goes away', async () => {
    const reads = vi.spyOn(ctx.full.eventStore, 'readAll');
    const whole = await fetchExport(Number.POSITIVE_INFINITY);
    expect(whole.complete).toBe(true);
    const pagesForAll = reads.mock.calls.length;
    expect(pagesForAll).toBeGreaterThanOrEqual(5);

    reads.mockClear();
    const cut = await fetchExport(64 * 1024);
    expect(cut.complete).toBe(false);
    // Give the server time to read on, if it would.
    await sleep(1_000);
    expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
    expect(reads.mock.calls.length).toBeLessThan(pagesForAll);
    reads.mockRestore();
  }, 60_000);
});
