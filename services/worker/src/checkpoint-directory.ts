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
  constructor(readonly root: string) {}

  /** Written to a temporary name and renamed: a reader never sees half a file. */
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

  /** Removes every baseline's checkpoints last written before `olderThan`; returns how many. */
  async prune(olderThan: Date): Promise<number> {
    let removed = 0;
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    for (const entry of entries.filter((name) => KEY.test(name))) {
      const dir = path.join(this.root, entry);
      const { mtime } = await stat(dir);
      if (mtime < olderThan) {
        await rm(dir, { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
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
