import { planSweep, type SweepPlan } from '@seedsweep/sweep-spec';
import type { SweepRecord } from './sweep-record.js';

/**
 * Plans recomputed from stored definitions, kept for the most recently used sweeps: planning a
 * 100,000-trial sweep hashes every spec, and every grid or status request needs the plan.
 */
export class PlanCache {
  private readonly plans = new Map<string, SweepPlan>();

  constructor(private readonly capacity = 16) {}

  get(sweep: SweepRecord): SweepPlan {
    const cached = this.plans.get(sweep.id);
    if (cached) {
      this.plans.delete(sweep.id);
      this.plans.set(sweep.id, cached);
      return cached;
    }
    const plan = planSweep(sweep.definition, {
      maxTrials: Number.MAX_SAFE_INTEGER,
      trainerVersion: sweep.trainerVersion,
    });
    this.plans.set(sweep.id, plan);
    if (this.plans.size > this.capacity) this.plans.delete(this.plans.keys().next().value!);
    return plan;
  }
}
