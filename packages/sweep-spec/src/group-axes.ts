import type { RegionName } from '@seedsweep/crater-data';
import { sweepCases, type SweepCase, type SweepDefinition } from './sweep-definition.js';
import type { GroupAxes } from './sweep-plan.js';

interface AxisDef<K extends keyof GroupAxes> {
  key: K;
  /** Short name used in group ids. */
  label: string;
  values(def: SweepCase): readonly GroupAxes[K][];
}

/** Plan order: the first axis varies slowest. RandomOut's own axes come last, so groups that
 * share a baseline (same data and training axes) are neighbours. */
const GROUP_AXES: readonly AxisDef<keyof GroupAxes>[] = [
  { key: 'inputScale', label: 'input', values: (d) => d.dataset.inputScale },
  { key: 'epochs', label: 'epochs', values: (d) => d.training.epochs },
  { key: 'learningRate', label: 'lr', values: (d) => d.training.learningRate },
  { key: 'batchSize', label: 'batch', values: (d) => d.training.batchSize },
  { key: 'dataSeed', label: 'dataSeed', values: (d) => d.training.dataSeed },
  { key: 'cgn', label: 'cgn', values: (d) => d.randomout.cgn },
  { key: 'checkEvery', label: 'check', values: (d) => d.randomout.checkEvery },
  { key: 'minTrainLoss', label: 'minLoss', values: (d) => d.randomout.minTrainLoss },
];

/** Every combination of one case's non-(tau, P) axes, in plan order, values in definition order. */
export function groupAxesCombos(def: SweepCase): GroupAxes[] {
  let combos: Partial<GroupAxes>[] = [{}];
  for (const axis of GROUP_AXES) {
    const values = axis.values(def);
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [axis.key]: value })));
  }
  return combos as GroupAxes[];
}

/** Whether an axis takes more than one value over all of the sweep's cases. */
function varies(def: SweepDefinition, values: (c: SweepCase) => readonly unknown[]): boolean {
  const seen = new Set(sweepCases(def).flatMap((c) => values(c).map((v) => JSON.stringify(v))));
  return seen.size > 1;
}

/**
 * "East", "East lr=0.05 cgn=sum": the region and each axis that has more than one value in the
 * sweep (over all its cases). Values within an axis are distinct, so ids are unique within a case;
 * the planner refuses cases that repeat a group.
 */
export function groupId(def: SweepDefinition, region: RegionName, axes: GroupAxes): string {
  const parts = GROUP_AXES.filter((axis) => varies(def, axis.values)).map(
    (axis) => `${axis.label}=${String(axes[axis.key])}`,
  );
  return [region, ...parts].join(' ');
}

/** Names (as in GroupAxes, plus `region`) of the axes that tell a plan's groups apart. */
export function varyingAxes(def: SweepDefinition): string[] {
  const axes = GROUP_AXES.filter((axis) => varies(def, axis.values)).map((axis) => axis.key);
  return varies(def, (c) => c.regions) ? ['region', ...axes] : axes;
}
