import pg from 'pg';
import { comparePositions, parsePosition, type GlobalPosition } from '../../src/application/ports/eventStore.js';
import { summarize, type LatencySummary } from './stats.js';

type Sample = Readonly<{ at: number; position: GlobalPosition }>;

/**
 * Watches every live read model's checkpoint from its own connection, every `intervalMs`,
 * and keeps, per model, the times its position moved. A command acknowledged at `t` with
 * position `p` is applied by a model at the first sample whose position is at or past `p`:
 * lag = that sample's time - t (0 when the model was there before the answer arrived). The
 * sample is taken after the apply committed, so the figure is an upper bound, by at most
 * one interval plus the poll's own round trip.
 */
export class LagProbe {
  private readonly client: pg.Client;
  private readonly samples = new Map<string, Sample[]>();
  private running = false;
  private loop: Promise<void> | undefined;
  polls = 0;

  constructor(connectionString: string, private readonly intervalMs: number) {
    this.client = new pg.Client({ connectionString, application_name: 'ts-bench-lag-probe' });
  }

  async start(): Promise<void> {
    await this.client.connect();
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const { rows } = await this.client.query<{ name: string; position: string | null }>("SELECT name, position FROM projection_checkpoints WHERE state = 'live'");
        const at = performance.now();
        this.polls += 1;
        for (const row of rows) {
          const position = row.position === null ? undefined : parsePosition(row.position);
          if (!position) continue;
          const list = this.samples.get(row.name) ?? [];
          const last = list.at(-1);
          if (!last || comparePositions(last.position, position) !== 0) list.push({ at, position });
          this.samples.set(row.name, list);
        }
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client.end();
  }

  /** Every model the probe saw. */
  get models(): readonly string[] {
    return [...this.samples.keys()].sort();
  }

  /** Lag of each acknowledgement for `model`; acknowledgements the model never reached are counted apart. */
  lags(model: string, acks: readonly Readonly<{ at: number; position: GlobalPosition }>[]): Readonly<{ summary: LatencySummary; unreached: number }> {
    const each = this.lagsEach(model, acks);
    const lags = each.filter((lag): lag is number => lag !== undefined);
    return { summary: summarize(lags), unreached: each.length - lags.length };
  }

  /** Each acknowledgement's lag for `model`, in order; undefined where the model never reached it. */
  lagsEach(model: string, acks: readonly Readonly<{ at: number; position: GlobalPosition }>[]): (number | undefined)[] {
    const list = this.samples.get(model) ?? [];
    return acks.map((ack) => {
      // Positions only grow: the first sample at or past the ack's position, by binary search.
      let low = 0;
      let high = list.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (comparePositions(list[mid]!.position, ack.position) >= 0) high = mid;
        else low = mid + 1;
      }
      const sample = list[low];
      return sample ? Math.max(0, sample.at - ack.at) : undefined;
    });
  }
}
