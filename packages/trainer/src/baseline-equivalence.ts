import { RandomOut } from './random-out.js';
import type { TrainConfig } from './train-config.js';
import type { TrainResult } from './train-result.js';

/**
 * Whether a RandomOut run must end exactly as its baseline did (the same configuration without
 * RandomOut), judged from the baseline's record alone.
 *
 * Until its first re-initialisation a RandomOut run is its baseline, step for step: the same
 * initial weights, data order and updates; RandomOut draws random numbers only when it
 * re-initialises. A check fires when a filter's |CGN| < tau, so if the baseline's smallest |CGN|
 * in every active epoch is at least tau, no check can fire (gating on the loss or checking once
 * an epoch only checks less), and the result is the baseline's, bit for bit. The baseline records
 * the l1 norm, so only `cgn: 'l1'` runs can be judged; anything unknown (a non-finite value)
 * answers false.
 */
export function matchesBaseline(
  config: TrainConfig,
  baseline: Pick<TrainResult, 'minAbsCgn'>,
): boolean {
  const randomout = config.randomout;
  if (randomout === null) return true;
  if (randomout.tau <= 0) return true;
  if (randomout.cgn !== 'l1') return false;
  const active = RandomOut.activeEpochsOf(randomout, config.epochs);
  // A baseline that diverged has fewer epochs; the RandomOut run stops at the same point.
  return baseline.minAbsCgn
    .slice(0, active)
    .every((smallest) => smallest !== null && smallest >= randomout.tau);
}
