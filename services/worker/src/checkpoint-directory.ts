import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  InvalidCheckpointError,
  type TrainCheckpoint,
} from '@seedsweep/trainer';

const KEY = /^[0-9a-f]{64}$/;
const FILE = /^epoch-(\d+)\.ckpt$/;

/**
 * Baselines' checkpoints on a file system: `<root>/<baseline key>/epoch-<n>.ckpt`. A checkpoint is
 * megabytes (the dense layer's weights), a baseline keeps a few, and a sweep has hundreds of
 * baselines: files, not the Redis that holds the queue. Workers that share the directory (a
 * volume) share the checkpoints; a worker that cannot see one trains from the start instead.
 */
export class CheckpointDirectory {
  /** @param maxBytes after each save, the oldest baselines' checkpoints go until all fit in it. */
  constructor(
    readonly root: string,
    private readonly maxBytes = Infinity,
  ) {}

  /**
   * Written to a temporary name and renamed: a reader never sees half a file. Then the oldest
   * other baselines' checkpoints are removed while the directory holds more than its limit.
   */
  async save(baselineKey: string, checkpoint: TrainCheckpoint): Promise<void> {
    const dir = this.dirOf(baselineKey);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `epoch-${checkpoint.epoch}.ckpt`);
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, encodeCheckpoint(checkpoint));
      await rename(temporary, file);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
    if (Number.isFinite(this.maxBytes))
      await this.prune({ maxBytes: this.maxBytes, keep: baselineKey });
  }

  /**
   * The latest readable checkpoint of the baseline at or before `epoch`: a run that is its
   * baseline until then can resume from any of them. Unreadable files are skipped (and reported).
   */
  async latest(
    baselineKey: string,
    epoch: number,
    onUnreadable: (file: string, error: InvalidCheckpointError) => void = () => {},
  ): Promise<TrainCheckpoint | null> {
    for (const [at, file] of await this.list(baselineKey)) {
      if (at > epoch) continue;
      try {
        const checkpoint = decodeCheckpoint(await readFile(file));
        if (checkpoint.epoch !== at)
          throw new InvalidCheckpointError(`holds epoch ${checkpoint.epoch}`);
        return checkpoint;
      } catch (error) {
        if (!(error instanceof InvalidCheckpointError)) throw error;
        onUnreadable(file, error);
      }
    }
    return null;
  }

  /** Epochs of the baseline's checkpoints, latest first. */
  async epochs(baselineKey: string): Promise<number[]> {
    return (await this.list(baselineKey)).map(([epoch]) => epoch);
  }

  /**
   * Removes the checkpoints of every baseline last written before `olderThan`, then of the
   * oldest baselines (but `keep`) while all of them take more than `maxBytes`; returns how many
   * baselines' checkpoints went.
   */
  async prune(limits: { olderThan?: Date; maxBytes?: number; keep?: string }): Promise<number> {
    const baselines = (await this.baselines()).sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = baselines.reduce((sum, b) => sum + b.bytes, 0);
    let removed = 0;
    for (const baseline of baselines) {
      const old = limits.olderThan !== undefined && baseline.mtimeMs < limits.olderThan.getTime();
      const over = limits.maxBytes !== undefined && total > limits.maxBytes;
      if (baseline.key === limits.keep || !(old || over)) continue;
      await rm(path.join(this.root, baseline.key), { recursive: true, force: true });
      total -= baseline.bytes;
      removed++;
    }
    return removed;
  }

  private async baselines(): Promise<{ key: string; mtimeMs: number; bytes: number }[]> {
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found = [];
    for (const key of entries.filter((name) => KEY.test(name))) {
      const dir = path.join(this.root, key);
      try {
        const { mtimeMs } = await stat(dir);
        let bytes = 0;
        for (const name of await readdir(dir)) bytes += (await stat(path.join(dir, name))).size;
        found.push({ key, mtimeMs, bytes });
      } catch (error) {
        // Another process pruned it meanwhile.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return found;
  }

  private async list(baselineKey: string): Promise<[number, string][]> {
    const dir = this.dirOf(baselineKey);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => [FILE.exec(name), name] as const)
      .filter(([match]) => match !== null)
      .map(([match, name]): [number, string] => [Number(match![1]), path.join(dir, name)])
      .sort((a, b) => b[0] - a[0]);
  }

  private dirOf(baselineKey: string): string {
    // The key names a directory: only a content key may, never a path.
    if (!KEY.test(baselineKey)) throw new RangeError(`not a trial key: ${baselineKey}`);
    return path.join(this.root, baselineKey);
  }
}
