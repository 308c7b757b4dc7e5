import cliProgress from 'cli-progress';
import { formatPosition, parsePosition } from '../application/ports/eventStore.js';
import type { ProjectionRunner, ProjectionStatus } from './runner.js';

type Out = Readonly<{ write(text: string): unknown; isTTY?: boolean }>;

/** One line per projection generation: where it is, how far behind, and why it stopped if it did. */
export function formatStatus(rows: readonly ProjectionStatus[]): string {
  const header = ['NAME', 'KIND', 'GEN', 'VERSION', 'STATE', 'POSITION', 'LAG EVENTS', 'LAG SECONDS', 'UPDATED', 'HALT'];
  const lines = rows.map((row) => [
    row.name,
    row.kind,
    String(row.generation),
    row.version === null ? '-' : String(row.version),
    row.halt ? 'halted' : row.state,
    row.position ? formatPosition(row.position) : 'not started',
    String(row.lagEvents),
    row.lagSeconds.toFixed(1),
    row.updatedAt.toISOString(),
    row.halt ? `at ${formatPosition(row.halt.position)} event ${row.halt.eventId} (${row.halt.eventType}) after ${row.halt.attempts} attempts: ${row.halt.error}` : '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)));
  return [header, ...lines].map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * `projections rebuild <name|all>`: blue/green, the live generations keep serving. On a terminal
 * a progress bar with events/s and time left; otherwise a plain line every few seconds.
 */
export async function rebuildWithProgress(runner: ProjectionRunner, names: readonly string[], totalEvents: number, out: Out): Promise<void> {
  const started = performance.now();
  const rate = (read: number): number => read / Math.max(0.001, (performance.now() - started) / 1000);
  let read = 0;
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${names.join(', ')} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | {eta_formatted} left`, stream: process.stdout, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalEvents, 1), 0, { rate: '0' });
    try {
      read = await runner.rebuild(names, (progress) => {
        bar.setTotal(Math.max(totalEvents, progress.read));
        bar.update(progress.read, { rate: Math.round(rate(progress.read)).toString() });
      });
      bar.update(read, { rate: Math.round(rate(read)).toString() });
    } finally {
      bar.stop();
    }
  } else {
    let lastLine = performance.now();
    read = await runner.rebuild(names, (progress) => {
      if (performance.now() - lastLine < 2_000) return;
      lastLine = performance.now();
      const perSecond = rate(progress.read);
      const left = perSecond > 0 ? Math.max(0, totalEvents - progress.read) / perSecond : 0;
      out.write(`rebuilding ${names.join(', ')}: ${progress.read}/${totalEvents} events, ${Math.round(perSecond)} events/s, ${left.toFixed(0)} s left\n`);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  out.write(`${names.join(', ')}: rebuilt from ${read} events in ${seconds.toFixed(1)} s (${Math.round(read / Math.max(seconds, 0.001))} events/s); the new generation is live\n`);
}

/** `projections skip <name> <position>`: the position as `projections status` prints it. */
export function parseSkipPosition(text: string | undefined): ReturnType<typeof parsePosition> {
  return text === undefined ? undefined : parsePosition(text);
}
