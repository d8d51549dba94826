import type { RandomOutConfig } from '@seedsweep/trainer/config';
import { sweepCases, type SweepCase, type SweepDefinition } from './sweep-definition.js';

/**
 * Every RandomOut setting a sweep trains: the combinations of its `randomout` axes. Each of them
 * runs against every baseline of the sweep, which is what a baseline's worker needs to know to
 * keep the checkpoints those runs will resume from.
 */
export function randomOutVariants(def: SweepDefinition): RandomOutConfig[] {
  const all = new Map<string, RandomOutConfig>();
  for (const c of sweepCases(def)) {
    for (const config of caseVariants(c)) all.set(JSON.stringify(config), config);
  }
  return [...all.values()];
}

function caseVariants(def: SweepCase): RandomOutConfig[] {
  const { tau, activePercent, cgn, checkEvery, minTrainLoss } = def.randomout;
  return tau.flatMap((t) =>
    activePercent.flatMap((p) =>
      cgn.flatMap((norm) =>
        checkEvery.flatMap((check) =>
          minTrainLoss.map((gate) => ({
            tau: t,
            activePercent: p,
            cgn: norm,
            checkEvery: check,
            minTrainLoss: gate,
          })),
        ),
      ),
    ),
  );
}
