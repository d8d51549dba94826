import type { RandomStream } from '@seedsweep/prng';
import { CRATER_CNN, type CraterModel } from './crater-model.js';
import { activeEpochsOf, isActiveEpoch } from './random-out-schedule.js';
import type { RandomOutConfig } from './train-config.js';
import type { LayerCounts } from './train-result.js';

/**
 * RandomOut (Cohen, Lo & Ding): re-initialise a convolutional filter whose gradient norm
 * |CGN| fell below tau, during the first P percent of the epochs only.
 */
export class RandomOut {
  /** Epochs with index below this are active: floor(P% of the epochs). */
  readonly activeEpochs: number;

  constructor(
    private readonly config: RandomOutConfig,
    epochs: number,
    private readonly stream: RandomStream,
  ) {
    this.activeEpochs = activeEpochsOf(config, epochs);
  }

  /** Whether checks run in this 0-based epoch, given the previous epoch's mean loss. */
  activeIn(epoch: number, previousEpochLoss: number | null): boolean {
    return isActiveEpoch(this.config, this.activeEpochs, epoch, previousEpochLoss);
  }

  checksBatch(batch: number, batches: number): boolean {
    return this.config.checkEvery === 'batch' || batch === batches - 1;
  }

  /** Re-initialises the failing filters of `model`; returns how many per layer. */
  apply(model: CraterModel, cgn: Float32Array): LayerCounts {
    const f = CRATER_CNN.filters;
    const failing = (offset: number): number[] => {
      const out: number[] = [];
      for (let k = 0; k < f; k++) if (Math.abs(cgn[offset + k]!) < this.config.tau) out.push(k);
      return out;
    };
    const conv1 = failing(0);
    const conv2 = failing(f);
    model.reinitialiseFilters('conv1', conv1, this.stream);
    model.reinitialiseFilters('conv2', conv2, this.stream);
    return { conv1: conv1.length, conv2: conv2.length };
  }
}
