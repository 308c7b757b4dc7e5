import pg from 'pg';

export type Statement = Readonly<{ text: string; values: readonly unknown[]; calls: number; totalMs: number; meanMs: number }>;

type QueryFunction = (...args: unknown[]) => unknown;

/**
 * Times every statement this process sends through `pg` (the app runs in the bench's process),
 * while started: which query an endpoint's time goes to, with the values of its last call for an
 * EXPLAIN ANALYZE of it.
 */
export class SqlProfile {
  private active = false;
  private readonly stats = new Map<string, { text: string; values: readonly unknown[]; calls: number; totalMs: number }>();

  constructor() {
    // pg's `query` is heavily overloaded (callbacks, configs, submittables): no single typed
    // signature can wrap all of them, so the patch sees it as a plain variadic function.
    const prototype = pg.Client.prototype as unknown as { query: QueryFunction };
    const original = prototype.query;
    const record = (text: string, values: readonly unknown[], ms: number): void => {
      const entry = this.stats.get(text) ?? { text, values, calls: 0, totalMs: 0 };
      entry.calls += 1;
      entry.totalMs += ms;
      entry.values = values;
      this.stats.set(text, entry);
    };
    const isActive = (): boolean => this.active;
    prototype.query = function patched(this: pg.Client, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      if (!isActive() || !(result instanceof Promise)) return result;
      const [first, second] = args;
      const text = typeof first === 'string' ? first : typeof first === 'object' && first !== null && 'text' in first ? String(first.text) : '';
      const values = Array.isArray(second) ? second : typeof first === 'object' && first !== null && 'values' in first && Array.isArray(first.values) ? first.values : [];
      const t0 = performance.now();
      return result.then((value: unknown) => {
        record(text, values, performance.now() - t0);
        return value;
      });
    };
  }

  start(): void {
    this.stats.clear();
    this.active = true;
  }

  /** The statements since `start`, the most time first. */
  stop(): Statement[] {
    this.active = false;
    return [...this.stats.values()].map((s) => ({ ...s, meanMs: s.totalMs / s.calls })).sort((a, b) => b.totalMs - a.totalMs);
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of a statement with the values of its last call; null for what cannot be explained. */
  async explain(connectionString: string, statement: Statement): Promise<string | null> {
    if (!/^\s*(select|with)\b/i.test(statement.text)) return null;
    const client = new pg.Client({ connectionString, application_name: 'ts-bench-explain' });
    await client.connect();
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, [...statement.values]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } catch (error) {
      return `EXPLAIN failed: ${String(error)}`;
    } finally {
      await client.end();
    }
  }
}
