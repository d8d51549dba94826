import type { SweepStore } from '@seedsweep/store';

/**
 * The stored grids as JSON text, each kept for `ttlMs`: many clients polling one running sweep
 * cost one Redis read per interval, not one per request. A grid is at most `ttlMs` older than
 * the aggregator's, which redraws it at most every AGGREGATOR_DEBOUNCE_MS anyway.
 */
export class GridCache {
  private readonly entries = new Map<string, { json: string; until: number }>();

  constructor(
    private readonly store: SweepStore,
    private readonly ttlMs = 250,
    private readonly capacity = 256,
  ) {}

  async get(sweepId: string, now = Date.now()): Promise<string | null> {
    const cached = this.entries.get(sweepId);
    if (cached && cached.until > now) return cached.json;
    const json = await this.store.getGridJson(sweepId);
    if (json === null) {
      this.entries.delete(sweepId);
      return null;
    }
    if (this.entries.size >= this.capacity) this.evictExpired(now);
    this.entries.set(sweepId, { json, until: now + this.ttlMs });
    return json;
  }

  private evictExpired(now: number): void {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
    // Still full: drop the oldest insertion, as a grid is cheap to read again.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
