import { activeEpochsOf, isActiveEpoch } from './random-out-schedule.js';
import type { TrainConfig } from './train-config.js';
import type { TrainResult } from './train-result.js';

/**
 * What a baseline run records that tells where a RandomOut run could first part from it. Records
 * written before the |sum CGN| minima were kept lack them.
 */
export type BaselineHistory = Pick<TrainResult, 'trainLoss' | 'minAbsCgn'> &
  Partial<Pick<TrainResult, 'minAbsSumCgn'>>;

/**
 * The first epoch (0-based) in which a RandomOut run could re-initialise a filter, judged from
 * its baseline's record (the same configuration without RandomOut): null when it never can,
 * 0 when the record cannot tell.
 *
 * Until its first re-initialisation a RandomOut run is its baseline, step for step: the same
 * initial weights, data order and updates; RandomOut draws random numbers only when it
 * re-initialises. A check fires when a filter's |CGN| < tau, so it can fire in an epoch only if
 * the epoch is active and the baseline's smallest |CGN| of that epoch is below tau. The loss gate
 * reads the previous epoch's loss, which is the baseline's until the first firing. Checking once
 * an epoch only checks less, so the answer is never later than the real first firing: the run's
 * state at the start of that epoch is the baseline's. An l1 run is judged by the l1 minima, a
 * sum run by the |sum| minima: those are the values its checks compare, rounded as they are. A
 * record without the sum minima cannot judge a sum run (0); an unknown value (non-finite)
 * counts as a firing.
 */
export function firstPossibleFiring(config: TrainConfig, baseline: BaselineHistory): number | null {
  const randomout = config.randomout;
  if (randomout === null || randomout.tau <= 0) return null;
  const minima = randomout.cgn === 'l1' ? baseline.minAbsCgn : baseline.minAbsSumCgn;
  if (!minima) return 0;
  const active = activeEpochsOf(randomout, config.epochs);
  // A baseline that diverged has fewer epochs; the RandomOut run stops at the same point.
  const epochs = Math.min(active, baseline.minAbsCgn.length);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const previousLoss = epoch === 0 ? null : (baseline.trainLoss[epoch - 1] ?? null);
    if (!isActiveEpoch(randomout, active, epoch, previousLoss)) continue;
    const smallest = minima[epoch];
    if (smallest === null || smallest === undefined || smallest < randomout.tau) return epoch;
  }
  return null;
}

/** Whether a RandomOut run must end exactly as its baseline did: no check can ever fire. */
export function matchesBaseline(config: TrainConfig, baseline: BaselineHistory): boolean {
  return firstPossibleFiring(config, baseline) === null;
}
