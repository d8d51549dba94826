import { DEFAULT_INPUT_SCALE } from '@seedsweep/crater-data';
import { randomOutSchema, TRAINING_DEFAULTS } from '@seedsweep/trainer/config';
import type { TrialSpec } from './sweep-plan.js';
import { inputScaleOf } from './trial-spec.js';

const RANDOMOUT_DEFAULTS = randomOutSchema.parse({ tau: 0, activePercent: 0 });

/**
 * A short label for logs: "East seed 3 tau=1e-8 P=60%", "East seed 3 baseline". Settings that
 * differ from the defaults are added ("East seed 3 input=unit lr=0.05 baseline"), so trials of
 * different groups stay distinguishable.
 */
export function describeTrial(spec: TrialSpec): string {
  const { train } = spec;
  const parts = [spec.region, `seed ${train.seed}`];
  const inputScale = inputScaleOf(spec);
  if (inputScale !== DEFAULT_INPUT_SCALE) parts.push(`input=${inputScale}`);
  if (train.epochs !== TRAINING_DEFAULTS.epochs) parts.push(`epochs=${train.epochs}`);
  if (train.learningRate !== TRAINING_DEFAULTS.learningRate) parts.push(`lr=${train.learningRate}`);
  if (train.batchSize !== TRAINING_DEFAULTS.batchSize) parts.push(`batch=${train.batchSize}`);
  if (train.dataSeed !== TRAINING_DEFAULTS.dataSeed) parts.push(`dataSeed=${train.dataSeed}`);
  const ro = train.randomout;
  if (ro === null) return [...parts, 'baseline'].join(' ');
  parts.push(`tau=${ro.tau}`, `P=${ro.activePercent}%`);
  if (ro.cgn !== RANDOMOUT_DEFAULTS.cgn) parts.push(`cgn=${ro.cgn}`);
  if (ro.checkEvery !== RANDOMOUT_DEFAULTS.checkEvery) parts.push(`check=${ro.checkEvery}`);
  if (ro.minTrainLoss !== RANDOMOUT_DEFAULTS.minTrainLoss) parts.push(`minLoss=${ro.minTrainLoss}`);
  return parts.join(' ');
}
