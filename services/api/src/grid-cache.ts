import { createHash } from 'node:crypto';
import type { SweepStore } from '@seedsweep/store';

/** A stored grid as it is sent: its JSON's bytes, and an entity tag for conditional requests. */
export interface CachedGrid {
  body: Buffer;
  etag: string;
}

/**
 * The stored grids as JSON bytes, each kept for `ttlMs`: many clients polling one running sweep
 * cost one Redis read per interval, not one per request, and the text is encoded (and tagged)
 * once per read, not once per response. A grid is at most `ttlMs` older than the aggregator's,
 * which redraws it at most every AGGREGATOR_DEBOUNCE_MS anyway.
 */
export class GridCache {
  private readonly entries = new Map<string, { grid: CachedGrid; until: number }>();

  constructor(
    private readonly store: SweepStore,
    private readonly ttlMs = 250,
    private readonly capacity = 256,
  ) {}

  async get(sweepId: string, now = Date.now()): Promise<CachedGrid | null> {
    const cached = this.entries.get(sweepId);
    if (cached && cached.until > now) return cached.grid;
    const json = await this.store.getGridJson(sweepId);
    if (json === null) {
      this.entries.delete(sweepId);
      return null;
    }
    const body = Buffer.from(json, 'utf8');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    if (this.entries.size >= this.capacity) this.evictExpired(now);
    this.entries.set(sweepId, { grid: { body, etag }, until: now + this.ttlMs });
    return { body, etag };
  }

  private evictExpired(now: number): void {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
    // Still full: drop the oldest insertion, as a grid is cheap to read again.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
