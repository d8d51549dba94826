import { createHash } from 'node:crypto';
import type { BaselineHistory } from './baseline-equivalence.js';
import { firstPossibleFiring } from './baseline-equivalence.js';
import type { ModelSnapshot } from './crater-model.js';
import type { NumericFamily } from './engine-choice.js';
import { InvalidCheckpointError } from './errors/index.js';
import type { TrainConfig } from './train-config.js';
import type { LayerCounts } from './train-result.js';
import { TRAINER_VERSION } from './trainer-version.js';

/**
 * A run's whole state at the start of an epoch: resuming from it continues the run bit for bit.
 * The epochs before it are done; their loss, |CGN| and re-initialisation counts are part of the
 * result, so they travel with it.
 */
export interface TrainCheckpoint {
  trainerVersion: string;
  /**
   * The numeric family that wrote it: a run continues in the family it started in, on any of
   * its engines (native and wasm give the same bits).
   */
  numerics: NumericFamily;
  /** 0-based epoch the state is the start of. */
  epoch: number;
  params: ModelSnapshot;
  /** States of the init stream (RandomOut's draws continue it) and the data-order stream. */
  streams: { init: number[]; dataOrder: number[] };
  trainLoss: (number | null)[];
  minAbsCgn: (number | null)[];
  minAbsSumCgn: (number | null)[];
  perEpoch: LayerCounts[];
}

/** Which epochs' starting states a run keeps, and where they go. */
export interface CheckpointPolicy {
  /** Called after each epoch ends, with the run's record so far: keep the state at its start? */
  wants(epoch: number, history: BaselineHistory): boolean;
  save(checkpoint: TrainCheckpoint): Promise<void>;
}

/**
 * For a baseline: keep the start of every epoch in which one of `dependents` (RandomOut runs of
 * the same configuration) could first fire, since each resumes there. Epoch 0 is the initial
 * state, which costs nothing to recompute.
 */
export function dependentsNeed(
  dependents: readonly TrainConfig[],
): (epoch: number, history: BaselineHistory) => boolean {
  return (epoch, history) =>
    epoch > 0 && dependents.some((config) => firstPossibleFiring(config, history) === epoch);
}

const MAGIC = 'seedsweep-checkpoint/1\n';

interface Header extends Omit<TrainCheckpoint, 'params'> {
  params: { name: string; shape: number[]; length: number }[];
  sha256: string;
}

/**
 * One buffer: a magic line, a JSON header of 4-byte-prefixed length, then every parameter's
 * float32 values in the header's order. The header carries the body's SHA-256, so a torn or
 * altered file is refused rather than resumed from.
 */
export function encodeCheckpoint(checkpoint: TrainCheckpoint): Buffer {
  const names = Object.keys(checkpoint.params);
  const body = Buffer.concat(
    names.map((name) => {
      const values = checkpoint.params[name]!.values;
      return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    }),
  );
  const { params, ...rest } = checkpoint;
  const header: Header = {
    ...rest,
    params: names.map((name) => ({
      name,
      shape: params[name]!.shape,
      length: params[name]!.values.length,
    })),
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  return Buffer.concat([Buffer.from(MAGIC), length, headerBytes, body]);
}

export function decodeCheckpoint(bytes: Buffer): TrainCheckpoint {
  if (!bytes.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) {
    throw new InvalidCheckpointError('not a seedsweep checkpoint');
  }
  const at = MAGIC.length;
  if (bytes.length < at + 4) throw new InvalidCheckpointError('truncated header');
  const headerLength = bytes.readUInt32LE(at);
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(at + 4, at + 4 + headerLength).toString('utf8')) as Header;
  } catch {
    throw new InvalidCheckpointError('truncated or unreadable header');
  }
  // A resumed run's result carries the checkpoint's history, which must be the one training from
  // the start records: a checkpoint without the |sum CGN| minima cannot give that.
  if (!Array.isArray(header.minAbsSumCgn)) {
    throw new InvalidCheckpointError('no |sum CGN| history (written by an earlier trainer)');
  }
  const body = bytes.subarray(at + 4 + headerLength);
  const expected = header.params.reduce((sum, p) => sum + p.length * 4, 0);
  if (body.length !== expected) {
    throw new InvalidCheckpointError(`body of ${body.length} bytes, expected ${expected}`);
  }
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) {
    throw new InvalidCheckpointError('body does not match its checksum');
  }
  // Copy once into an aligned buffer: float32 views need 4-byte alignment.
  const aligned = new Float32Array(expected / 4);
  new Uint8Array(aligned.buffer).set(body);
  const params: ModelSnapshot = {};
  let offset = 0;
  for (const p of header.params) {
    params[p.name] = { shape: p.shape, values: aligned.subarray(offset, offset + p.length) };
    offset += p.length;
  }
  return {
    trainerVersion: header.trainerVersion,
    numerics: header.numerics,
    epoch: header.epoch,
    params,
    streams: header.streams,
    trainLoss: header.trainLoss,
    minAbsCgn: header.minAbsCgn,
    minAbsSumCgn: header.minAbsSumCgn,
    perEpoch: header.perEpoch,
  };
}

/** Refuses a checkpoint that the current trainer cannot continue as `config`'s run. */
export function checkResumable(
  checkpoint: TrainCheckpoint,
  config: TrainConfig,
  numerics: NumericFamily,
): void {
  if (checkpoint.trainerVersion !== TRAINER_VERSION) {
    throw new InvalidCheckpointError(
      `written by trainer ${checkpoint.trainerVersion}, this is ${TRAINER_VERSION}`,
    );
  }
  if (checkpoint.numerics !== numerics) {
    throw new InvalidCheckpointError(
      `written by the ${checkpoint.numerics} engines, this runs ${numerics}`,
    );
  }
  const e = checkpoint.epoch;
  if (!Number.isInteger(e) || e < 0 || e >= config.epochs) {
    throw new InvalidCheckpointError(`epoch ${e} is outside a run of ${config.epochs} epochs`);
  }
  const { trainLoss, minAbsCgn, minAbsSumCgn, perEpoch } = checkpoint;
  for (const list of [trainLoss, minAbsCgn, minAbsSumCgn, perEpoch]) {
    if (list.length !== e) {
      throw new InvalidCheckpointError(`history of ${list.length} epochs for epoch ${e}`);
    }
  }
}
