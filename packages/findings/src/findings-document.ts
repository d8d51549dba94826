import type { ComputeLedger } from './compute-ledger.js';
import type { LotteryRow, RegimeChoice } from './lottery-search.js';
import { interval, markdownTable, percent, points, pValue } from './number-text.js';
import { PAPER_BEST, type RegionClaims } from './paper-claims.js';
import type { GroupAnatomy } from './study-sweep.js';
import type { CellStats } from '@seedsweep/stats';

export interface SearchSection {
  sweepName: string;
  /** Seeds counted: the first ones, done in every trial of every setting. */
  seeds: number;
  seedsPlanned: number;
  epochs: number[];
  cropScale: number;
  cell: { tau: number; activePercent: number };
  rows: LotteryRow[];
  choice: RegimeChoice | null;
  figure: string;
}

export interface GridSection {
  sweepName: string;
  setting: string;
  seeds: number;
  epochs: number;
  regions: (RegionClaims & { anatomy: GroupAnatomy; figures: { grid: string; seeds: string } })[];
  /** For each region: the same seeds' baselines after fewer and more epochs: do fates settle? */
  fates: {
    region: string;
    earlyEpochs: number;
    lateEpochs: number;
    /** Seeds at chance after earlyEpochs and after lateEpochs, of n. */
    early: number;
    late: number;
    n: number;
    changed: { seed: number; early: number; late: number }[];
  }[];
  /** The longer sweep's name and its RandomOut cells, paired with its own baselines. */
  long: { sweepName: string; epochs: number; cells: { region: string; cell: CellStats }[] } | null;
}

export interface FindingsInput {
  trials: number;
  files: number;
  search: SearchSection | null;
  grid: GridSection | null;
  compute: { sweepName: string; ledger: ComputeLedger }[];
}

/** docs/findings.md: every number in it comes from the committed records. */
export function findingsDocument(input: FindingsInput): string {
  return [
    '# Findings: the filter lottery, measured',
    '',
    `Written by \`pnpm seedsweep findings\` from the ${input.trials} trial results committed in ` +
      `\`docs/results/\` (${input.files} records file(s)); do not edit it by hand. Every result ` +
      'there is checked against its trial key before it is counted, and `seedsweep import` loads ' +
      'the same files into a deployment, so a sweep continued later trains only what is missing.',
    '',
    'The paper (Cohen, Lo & Ding) is a hypothesis here, not a target. "At chance" means a ' +
      "baseline's test accuracy is at or below the majority-class rate of its test set plus 2 " +
      'points (`analysis.failureMargin`). Intervals are 95% Student-t intervals of the mean paired ' +
      'gain; p is the two-sided Wilcoxon signed-rank test of the paired gains.',
    '',
    ...shortAnswer(input.grid, input.search),
    ...searchSection(input.search),
    ...gridSection(input.grid),
    ...computeSection(input.compute),
  ].join('\n');
}

/** The grid's verdict in three counts, over every cell of every group. */
function shortAnswer(grid: GridSection | null, search: SearchSection | null): string[] {
  if (grid === null || grid.regions.length === 0) return [];
  const recovery = search && searchRecovery(search);
  const elsewhere = recovery
    ? ` Across the search (section 1), where none of RandomOut's runs diverged it recovered ` +
      `${recovery.calm.text} seeds at chance, and where some did, ${recovery.diverging.text}.`
    : '';
  const cells = grid.regions.flatMap((r) => r.group.cells.flat()).filter((c) => c.n > 0);
  const helped = cells.filter((c) => significantly(c, 1)).length;
  const harmed = cells.filter((c) => significantly(c, -1)).length;
  const pairs = cells.reduce((n, c) => n + c.n, 0);
  const diverged = cells.reduce((n, c) => n + c.diverged, 0);
  const atChance = cells.reduce((n, c) => n + c.baselineAtChance, 0);
  const recovered = cells.reduce((n, c) => n + c.recovered, 0);
  return [
    "**In short.** In the paper's regime (section 2), RandomOut gains significantly (Wilcoxon " +
      `p < 0.05) in ${helped} of its ${cells.length} cells and loses significantly in ${harmed}; ` +
      `${diverged} of its ${pairs} runs diverged; of its ${atChance} (cell, seed) pairs whose ` +
      `baseline was at chance, ${recovered} were recovered. ` +
      (helped === 0 && recovered === 0
        ? "Neither the paper's gain nor its recovery of failed seeds is reproduced there."
        : helped > harmed
          ? 'Where it is significant, the effect is the gain the paper reports.'
          : 'The effect is mixed: see each group below.') +
      elsewhere,
    '',
  ];
}

function searchSection(search: SearchSection | null): string[] {
  if (search === null)
    return ['## 1. Where the lottery exists', '', 'The search has no committed results yet.', ''];
  const { cell } = search;
  const rows = [...search.rows]
    .sort(byRegion)
    .map((r) => [
      r.region,
      r.inputScale,
      String(r.learningRate),
      String(r.n),
      `${r.atChance} (${percent(r.n === 0 ? null : r.atChance / r.n)})`,
      percent(r.meanAccuracy),
      percent(r.meanConverged),
      r.cell?.meanGain == null
        ? '–'
        : `${points(r.cell.meanGain)}${r.cell.ci95 ? ` ${interval(r.cell.ci95)}` : ''} (n ${r.cell.n})`,
      r.cell ? pValue(r.cell.wilcoxonP) : '–',
      r.cell ? `${r.cell.recovered} of ${r.cell.baselineAtChance}` : '–',
      r.cell ? `${r.cell.diverged} of ${r.cell.n}` : '–',
    ]);
  return [
    '## 1. Where the lottery exists',
    '',
    `The search (\`examples/${search.sweepName}.yaml\`): both regions, ${seedsText(search)}, ` +
      `${search.epochs.join('/')} epochs, crop scale ${search.cropScale} (the authors' box), every ` +
      'input scale over a learning-rate range of its own, and beside each baseline one RandomOut ' +
      `cell at the paper's East setting (tau ${cell.tau}, P ${cell.activePercent}%).`,
    '',
    `![Baseline seeds at chance and mean accuracy against the learning rate](${search.figure})`,
    '',
    markdownTable(
      [
        'Region',
        'Input scale',
        'Learning rate',
        'n',
        'At chance',
        'Mean accuracy',
        'Mean of the rest',
        `RandomOut gain, points [95% CI]`,
        'Wilcoxon p',
        'Recovered',
        'Diverged',
      ],
      rows,
    ),
    '',
    ...choiceText(search.choice),
    '',
    ...cellSummary(search),
    '',
  ];
}

/**
 * What the search's RandomOut column says across settings: where it gains or loses
 * significantly, and how many seeds at chance it recovered where none of its runs diverged and
 * where some did.
 */
function cellSummary(search: SearchSection): string[] {
  const recovery = searchRecovery(search);
  if (recovery === null) return [];
  const { rows, calm, diverging } = recovery;
  const name = (r: LotteryRow) => `${r.region} ${r.inputScale} ${r.learningRate}`;
  const listed = (sign: 1 | -1) => {
    const list = rows.filter((r) => significantly(r.cell!, sign));
    return list.length === 0
      ? 'none'
      : list.map((r) => `${name(r)} (${points(r.cell!.meanGain)})`).join(', ');
  };
  return [
    `**RandomOut across the search** (tau ${search.cell.tau}, P ${search.cell.activePercent}%, ` +
      `${rows.length} settings and regions): it gains significantly (p < 0.05) at ` +
      `${listed(1)}; it loses significantly at ${listed(-1)}. Where none of its runs diverged ` +
      `(${calm.rows} settings and regions) it recovered ${calm.text} seeds at chance; ` +
      `where some did (${diverging.rows}), ${diverging.text}.`,
    '',
  ];
}

/** A cell's mean gain has this sign and its Wilcoxon p is below 0.05. */
function significantly(cell: CellStats, sign: 1 | -1): boolean {
  return cell.meanGain !== null && sign * cell.meanGain > 0 && (cell.wilcoxonP ?? 1) < 0.05;
}

interface Recovery {
  /** Rows (settings and regions) counted. */
  rows: number;
  /** Seeds at chance recovered, "x of y". */
  text: string;
}

/**
 * The search's rows with a RandomOut result, and the seeds at chance its cell recovered where
 * none of its runs diverged and where some did. Null when no row has one.
 */
function searchRecovery(
  search: SearchSection,
): { rows: LotteryRow[]; calm: Recovery; diverging: Recovery } | null {
  const rows = search.rows.filter((r) => r.cell !== null && r.cell.n > 0);
  if (rows.length === 0) return null;
  const recovery = (list: LotteryRow[]): Recovery => {
    const atChance = list.reduce((n, r) => n + r.cell!.baselineAtChance, 0);
    const recovered = list.reduce((n, r) => n + r.cell!.recovered, 0);
    return { rows: list.length, text: `${recovered} of ${atChance}` };
  };
  return {
    rows,
    calm: recovery(rows.filter((r) => r.cell!.diverged === 0)),
    diverging: recovery(rows.filter((r) => r.cell!.diverged > 0)),
  };
}

/** Regions in the rows' first-seen order, the rows' own order within a region. */
function byRegion(a: LotteryRow, b: LotteryRow): number {
  return a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

function seedsText(search: SearchSection): string {
  if (search.seeds >= search.seedsPlanned) return `${search.seeds} seeds`;
  return (
    `the first ${search.seeds} of its ${search.seedsPlanned} seeds (so far: a seed counts once ` +
    "every setting's baseline has it, so all settings are compared on the same seeds; the " +
    'RandomOut column pairs the counted seeds whose RandomOut trial is done, its n)'
  );
}

function choiceText(choice: SearchSection['choice']): string[] {
  if (choice === null) {
    return [
      'No setting has a baseline seed at chance yet, so no regime where the lottery exists is chosen.',
    ];
  }
  const regions = choice.regions
    .map(
      (r) =>
        `${r.region} ${r.atChance} of ${r.n} at chance (${percent(r.atChance / r.n)}), the rest at ` +
        `${percent(r.meanConverged)} (the region's best: ${percent(r.bestConverged)})`,
    )
    .join('; ');
  const status = choice.complete
    ? ''
    : ' **Provisional:** the search does not have all its seeds yet; the choice may change.';
  return [
    `**The regime closest to the paper's baseline** (about 5% of seeds at chance, the rest ` +
      `converged) is \`inputScale: ${choice.inputScale}\` at learning rate ${choice.learningRate}: ` +
      `${regions}; ${points(choice.failureDistance, 1).slice(1)} points from 5% at chance and ` +
      `${points(choice.shortfall, 1).slice(1)} points short of the best escaped accuracy, on ` +
      'average over the regions. The rule: among settings where the lottery exists (a seed at ' +
      'chance in some region), the smallest sum of those two distances; among equals, the higher ' +
      'accuracy of the rest.' +
      status,
  ];
}

function gridSection(grid: GridSection | null): string[] {
  if (grid === null) {
    return [
      "## 2. The paper's grid in that regime",
      '',
      'Not run yet: `examples/paper-fig3.yaml` has no committed results.',
      '',
    ];
  }
  const claims = grid.regions.flatMap((r) => regionText(r));
  const fates = grid.fates.map((f) => {
    const changed = f.changed
      .map((c) => `seed ${c.seed}: ${percent(c.early)} then ${percent(c.late)}`)
      .join(', ');
    return (
      `${f.region}: ${f.early} of ${f.n} at chance after ${f.earlyEpochs} epochs, ${f.late} after ` +
      `${f.lateEpochs}; ${f.changed.length} seed(s) changed fate${changed ? ` (${changed})` : ''}`
    );
  });
  return [
    "## 2. The paper's grid in that regime",
    '',
    `\`examples/${grid.sweepName}.yaml\`: ${grid.setting}, ${grid.seeds} seeds, ${grid.epochs} epochs.`,
    '',
    ...fatesText(grid, fates),
    ...claims,
  ];
}

function fatesText(grid: GridSection, fates: string[]): string[] {
  if (fates.length === 0) return [];
  const first = grid.fates[0]!;
  const changed = grid.fates.reduce((n, f) => n + f.changed.length, 0);
  const source = grid.long
    ? ` (\`examples/${grid.long.sweepName}.yaml\`: the same seeds' baselines)`
    : '';
  const verdict =
    changed === 0
      ? `Every seed ends as it was: ${first.earlyEpochs} epochs settle its fate here.`
      : `So ${first.earlyEpochs} epochs do not settle every seed's fate here: ${changed} seed(s) ` +
        `changed fate between ${first.earlyEpochs} and ${first.lateEpochs} epochs, and the failure ` +
        `rates of this section are those of ${first.earlyEpochs} epochs.`;
  return [
    `**Fates after ${first.earlyEpochs} and ${first.lateEpochs} epochs**${source}: ` +
      fates.join('; ') +
      '. ' +
      verdict,
    '',
    ...longCellsText(grid.long),
  ];
}

/** RandomOut at the longer sweep's epochs, against its own baselines. */
function longCellsText(long: GridSection['long']): string[] {
  if (long === null || long.cells.length === 0) return [];
  const rows = long.cells.map(({ region, cell: c }) => [
    region,
    String(c.tau),
    `${c.activePercent}%`,
    c.meanGain === null ? '–' : `${points(c.meanGain)}${c.ci95 ? ` ${interval(c.ci95)}` : ''}`,
    String(c.n),
    pValue(c.wilcoxonP),
    `${c.recovered} of ${c.baselineAtChance}`,
    `${c.diverged} of ${c.n}`,
  ]);
  return [
    `RandomOut after ${long.epochs} epochs (\`examples/${long.sweepName}.yaml\`):`,
    '',
    markdownTable(
      ['Region', 'tau', 'P', 'Gain, points [95% CI]', 'n', 'Wilcoxon p', 'Recovered', 'Diverged'],
      rows,
    ),
    '',
  ];
}

function regionText(r: GridSection['regions'][number]): string[] {
  const g = r.group;
  const paper = PAPER_BEST[g.region];
  const best = r.best;
  const rows: string[][] = [
    [
      'Baseline seeds at chance',
      'about 5% ("as low as random chance")',
      `${g.baseline.atChance} of ${g.baseline.done} (${percent(g.baseline.done ? g.baseline.atChance / g.baseline.done : null)})`,
    ],
    [
      'Largest mean gain',
      'up to +1.8 points',
      best
        ? `${points(best.meanGain)} at tau ${best.tau}, P ${best.activePercent}% (n ${best.n}, CI ${interval(best.ci95)}, p ${pValue(best.wilcoxonP)})`
        : '–',
    ],
    [
      `Gain at the paper's best setting${paper ? ` (tau ${paper.tau}, P ${paper.activePercent}%)` : ''}`,
      'its best cell',
      r.paperBest
        ? `${points(r.paperBest.meanGain)} (n ${r.paperBest.n}, CI ${interval(r.paperBest.ci95)}, p ${pValue(r.paperBest.wilcoxonP)})`
        : 'not in the grid',
    ],
    [
      'Failed seeds recovered',
      'all',
      best ? `${best.recovered} of ${best.baselineAtChance} at the largest-gain cell` : '–',
    ],
    [
      'Trend with tau (mean gain per tau, over P)',
      'smaller tau best in West',
      r.byTau.map((t) => `${t.tau}: ${points(t.meanGain)}`).join(', '),
    ],
    [
      'Trend with P (mean gain per P, over tau)',
      'larger P best in West',
      r.byP.map((p) => `${p.activePercent}%: ${points(p.meanGain)}`).join(', '),
    ],
    [
      'RandomOut trials that diverged (loss not finite)',
      'none reported',
      `${r.anatomy.diverged} of ${r.anatomy.randomOutDone}, ${r.anatomy.divergedFirstEpoch} of them in their first epoch`,
    ],
    [
      'Baseline epochs with a dead filter (a CGN of exactly 0, which every tau > 0 re-initialises)',
      '–',
      `${r.anatomy.deadFilterEpochs} of ${r.anatomy.baselineEpochs}`,
    ],
    [
      'Cells where RandomOut harms or diverges',
      'none reported',
      harmfulText(r.harmful, g.cells.flat().length),
    ],
  ];
  return [
    `### ${g.id}`,
    '',
    `![Figure 3, ${g.region}](${r.figures.grid})`,
    `![Figure 4, ${g.region}](${r.figures.seeds})`,
    '',
    markdownTable(['Claim', 'Paper', 'Measured'], rows),
    '',
  ];
}

/** A few harmful cells are named one by one; many are counted, with the worst named. */
function harmfulText(harmful: RegionClaims['harmful'], cells: number): string {
  const cellText = (c: RegionClaims['harmful'][number]) =>
    `tau ${c.tau} P ${c.activePercent}%: ${c.harmed} harmed, ${c.diverged} diverged, gain ${points(c.meanGain)}`;
  if (harmful.length === 0) return 'none';
  if (harmful.length <= 3) return harmful.map(cellText).join('; ');
  const sum = (pick: (c: RegionClaims['harmful'][number]) => number) =>
    harmful.reduce((total, c) => total + pick(c), 0);
  const worst = [...harmful].sort((a, b) => (a.meanGain ?? 0) - (b.meanGain ?? 0))[0]!;
  return (
    `${harmful.length} of ${cells} cells, with ${sum((c) => c.harmed)} harmed and ` +
    `${sum((c) => c.diverged)} diverged runs among their ${sum((c) => c.n)} pairs; the worst, ` +
    cellText(worst)
  );
}

function computeSection(compute: FindingsInput['compute']): string[] {
  const rows = compute.map(({ sweepName, ledger: l }) => [
    sweepName,
    String(l.trials),
    String(l.full),
    String(l.resumed),
    String(l.derived),
    `${l.epochsTrained} of ${l.epochsNaive} (${percent(l.epochsNaive ? l.epochsTrained / l.epochsNaive : null)})`,
    l.coreHours.toFixed(2),
    l.naiveCoreHours.toFixed(2),
  ]);
  return [
    '## 3. Compute',
    '',
    'A RandomOut trial is its baseline until its first re-initialisation: the product derives it ' +
      'from the baseline when the baseline proves no check can fire, and otherwise resumes it ' +
      "from the baseline's state at the first epoch one could. Core-hours are the trials' own " +
      'wall-clock training time (on a 2-core VM shared with other work, so an upper bound); the ' +
      'naive figure is the same seconds per epoch over every trial trained from the start.',
    '',
    markdownTable(
      [
        'Sweep',
        'Trials',
        'Trained in full',
        'Resumed',
        'Derived',
        'Epochs trained',
        'Core-hours',
        'Naive core-hours',
      ],
      rows,
    ),
    '',
  ];
}
