import type { Delivery } from './protocol.js';

/**
 * Collects the ids a reader delivered. Pages are kept as they come and only
 * counted in `summary()`, after the clock has stopped.
 */
export class DeliveryLog {
  private readonly pages: (readonly string[])[] = [];
  private count = 0;

  add(ids: readonly string[]): void {
    this.pages.push(ids);
    this.count += ids.length;
  }

  get events(): number {
    return this.count;
  }

  summary(expected: number): Delivery {
    const distinct = new Set<string>();
    for (const page of this.pages) for (const id of page) distinct.add(id);
    return { events: this.count, distinct: distinct.size, expected };
  }
}
