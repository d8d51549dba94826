import type { RandomOutConfig } from './train-config.js';

// When RandomOut checks, apart from the model: planning a sweep (which trials a baseline proves
// equal to it) needs this rule, and must not load the training kernels to get it.

/** floor(P% of the epochs): the count of epochs, from the first, in which checks may run. */
export function activeEpochsOf(
  config: Pick<RandomOutConfig, 'activePercent'>,
  epochs: number,
): number {
  return Math.floor((config.activePercent / 100) * epochs);
}

/** Whether checks run in a 0-based epoch, given the previous epoch's mean loss. */
export function isActiveEpoch(
  config: Pick<RandomOutConfig, 'tau' | 'minTrainLoss'>,
  activeEpochs: number,
  epoch: number,
  previousEpochLoss: number | null,
): boolean {
  if (epoch >= activeEpochs || config.tau <= 0) return false;
  const gate = config.minTrainLoss;
  // The paper's text: a filter with low CGN is abandoned only while the error is high.
  // Before the first epoch has ended there is no loss yet, and the error is at its highest.
  return gate === null || previousEpochLoss === null || previousEpochLoss > gate;
}
