import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { exportTenantEvents, type ExportEnd, type ExportFilter, type ExportLine } from '../../application/audit/export.js';
import { ndjsonChunks } from '../http/ndjson.js';
import type { EventStore } from '../../application/ports/eventStore.js';

type Out = Readonly<{ isTTY: boolean; write(text: string): unknown }>;

/**
 * `tillstream audit export`: the NDJSON of GET /v1/audit/export written to a file, through the
 * same generator, at the pace the disk takes it. Progress is measured on the log's positions (the
 * tenant's events are spread over it): a bar on a terminal, a line every 2 s otherwise.
 */
export async function exportToFile(
  eventStore: Pick<EventStore, 'readAll' | 'headPosition' | 'readStream'>,
  tenantId: string,
  filter: ExportFilter,
  file: string,
  out: Out,
): Promise<ExportEnd> {
  const head = await eventStore.headPosition();
  const total = Math.max(1, Number(head?.prepare ?? 0n));
  const started = performance.now();
  let written = 0;
  let at = 0;
  let end: ExportEnd | undefined;
  const bar = out.isTTY
    ? new cliProgress.SingleBar(
        { format: `export ${tenantId} [{bar}] {percentage}% of the log | {written} events | {rate} events/s | {eta_formatted} left`, stream: process.stdout, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0, { written: 0, rate: '0' });
  let lastLine = performance.now();
  const rate = (): string => Math.round(written / Math.max(0.001, (performance.now() - started) / 1000)).toString();
  async function* lines(): AsyncGenerator<ExportLine, void, undefined> {
    for await (const line of exportTenantEvents(eventStore, tenantId, filter)) {
      if (line.kind === 'end') end = line;
      else {
        written += 1;
        at = Number(line.position.split('.')[1] ?? at);
        if (written % 1_000 === 0) {
          bar?.update(Math.min(at, total), { written, rate: rate() });
          if (!bar && performance.now() - lastLine >= 2_000) {
            lastLine = performance.now();
            out.write(`exporting ${tenantId}: ${written} events, ${rate()} events/s, ${Math.round((100 * at) / total)} % of the log\n`);
          }
        }
      }
      yield line;
    }
  }
  try {
    await pipeline(Readable.from(ndjsonChunks(lines())), createWriteStream(file, { flags: 'wx' }));
    bar?.update(total, { written, rate: rate() });
  } finally {
    bar?.stop();
  }
  if (!end) throw new Error('the export ended without its last line');
  const seconds = (performance.now() - started) / 1000;
  out.write(`exported ${end.count} events of ${tenantId} to ${file} in ${seconds.toFixed(1)} s (${rate()} events/s), through ${end.through ?? 'nothing'}\n`);
  return end;
}
