import { createHash } from 'node:crypto';
import type { SweepStore } from '@seedsweep/store';

/** A stored grid as it is sent: its JSON's bytes, and an entity tag for conditional requests. */
export interface CachedGrid {
  body: Buffer;
  etag: string;
}

interface Entry {
  grid: CachedGrid;
  /** The JSON the bytes were made from: an unchanged grid read again keeps its bytes and tag. */
  json: string;
  until: number;
}

/**
 * The stored grids as JSON bytes, each kept for `ttlMs`: many clients polling one running sweep
 * cost one Redis read per interval, not one per request, and the text is encoded (and tagged)
 * once per change, not once per response. A grid is at most `ttlMs` older than the aggregator's,
 * which redraws it at most every AGGREGATOR_DEBOUNCE_MS anyway.
 */
export class GridCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Reads in flight, by sweep: when an entry expires under a hundred concurrent clients, they all
   * wait for one read instead of each reading (and hashing) tens of kilobytes.
   */
  private readonly reading = new Map<string, Promise<CachedGrid | null>>();

  constructor(
    private readonly store: SweepStore,
    private readonly ttlMs = 250,
    private readonly capacity = 256,
  ) {}

  async get(sweepId: string, now = Date.now()): Promise<CachedGrid | null> {
    const cached = this.entries.get(sweepId);
    if (cached && cached.until > now) return cached.grid;
    let read = this.reading.get(sweepId);
    if (!read) {
      read = this.read(sweepId, now).finally(() => this.reading.delete(sweepId));
      this.reading.set(sweepId, read);
    }
    return read;
  }

  private async read(sweepId: string, now: number): Promise<CachedGrid | null> {
    const json = await this.store.getGridJson(sweepId);
    if (json === null) {
      this.entries.delete(sweepId);
      return null;
    }
    const previous = this.entries.get(sweepId);
    const grid = previous?.json === json ? previous.grid : encode(json);
    if (!previous && this.entries.size >= this.capacity) this.evictExpired(now);
    this.entries.set(sweepId, { grid, json, until: now + this.ttlMs });
    return grid;
  }

  private evictExpired(now: number): void {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
    // Still full: drop the oldest insertion, as a grid is cheap to read again.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

function encode(json: string): CachedGrid {
  const body = Buffer.from(json, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, etag };
}
