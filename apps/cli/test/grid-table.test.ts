import { describe, expect, it } from 'vitest';
import type { CellStats, GroupGrid, SweepGrid } from '../src/api-types.js';
import { EMPTY_CELL, renderGrid } from '../src/grid-table.js';

function cell(tau: number, activePercent: number, values: Partial<CellStats> = {}): CellStats {
  return {
    tau,
    activePercent,
    n: 0,
    meanGain: null,
    ci95: null,
    wins: 0,
    ties: 0,
    losses: 0,
    wilcoxonP: null,
    recovered: 0,
    harmed: 0,
    diverged: 0,
    done: 0,
    meanAccuracy: null,
    ...values,
  };
}

/** A SweepGrid as the API sends it: East with 2 taus x 3 Ps, half done; a second group, empty. */
const east: GroupGrid = {
  id: 'East',
  region: 'East',
  taus: [1e-8, 0.0001],
  activePercents: [30, 60, 90],
  seeds: [0, 1, 2, 3, 4],
  majorityRate: 0.625,
  failureThreshold: 0.645,
  baseline: { done: 5, meanAccuracy: 0.90123, sd: 0.01, atChance: 1, diverged: 0 },
  cells: [
    [
      cell(1e-8, 30, { n: 50, meanGain: 0.012, meanAccuracy: 0.9134, done: 50, wilcoxonP: 0.0312 }),
      cell(1e-8, 60, { n: 5, meanGain: -0.0043, meanAccuracy: 0.8969, done: 5, wilcoxonP: 0.5 }),
      cell(1e-8, 90, { n: 2, meanGain: 0.0004, meanAccuracy: 0.9016, done: 3, wilcoxonP: 0.00002 }),
    ],
    [
      cell(0.0001, 30, { n: 3, meanGain: 0, meanAccuracy: 0.9012, done: 3 }),
      cell(0.0001, 60),
      cell(0.0001, 90, { n: 0, done: 1, meanAccuracy: 0.88 }),
    ],
  ],
};

const slow: GroupGrid = {
  id: 'East lr=0.05',
  region: 'East',
  taus: [1e-8],
  activePercents: [60],
  seeds: [0, 1, 2, 3, 4],
  majorityRate: null,
  failureThreshold: null,
  baseline: { done: 0, meanAccuracy: null, sd: null, atChance: 0, diverged: 0 },
  cells: [[cell(1e-8, 60)]],
};

const grid: SweepGrid = { trials: { total: 44, done: 20 }, groups: [east, slow] };

/** The cells of a table line, split on the two-space column gaps. */
function columns(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}

describe('renderGrid', () => {
  it('has a heading per group, one row per tau and one column per P, in plan order', () => {
    const lines = renderGrid(grid, 'gain');
    expect(lines[0]).toBe(
      'group East (region East): baseline mean accuracy 90.1% over 5 of 5 seeds done, 1 at chance',
    );
    expect(columns(lines[1]!)).toEqual(['tau \\ P', 'P=30%', 'P=60%', 'P=90%']);
    expect(columns(lines[2]!)).toEqual(['tau=1e-8', '+1.2 (n=50)', '-0.4 (n=5)', '+0.0 (n=2)']);
    expect(columns(lines[3]!)).toEqual(['tau=0.0001', '0.0 (n=3)', EMPTY_CELL, EMPTY_CELL]);
    expect(lines[4]).toBe('');
    expect(lines[5]).toBe(
      `group East lr=0.05 (region East): baseline mean accuracy ${EMPTY_CELL} over 0 of 5 seeds done, 0 at chance`,
    );
    expect(columns(lines[6]!)).toEqual(['tau \\ P', 'P=60%']);
    expect(columns(lines[7]!)).toEqual(['tau=1e-8', EMPTY_CELL]);
    expect(lines[8]).toBe('');
    expect(lines[9]).toMatch(/percentage points.*pairs matched by seed/);
    expect(lines).toHaveLength(10);
  });

  it('right-aligns the cells under their column headings', () => {
    const [, header, first, second] = renderGrid(grid, 'gain');
    for (const row of [first!, second!]) expect(row).toHaveLength(header!.length);
    const end = header!.indexOf('P=30%') + 'P=30%'.length;
    expect(first!.slice(0, end).endsWith('+1.2 (n=50)')).toBe(true);
    expect(second!.slice(0, end).endsWith('0.0 (n=3)')).toBe(true);
  });

  it('shows mean accuracies in % with the runs done, or a dash where none is done', () => {
    const lines = renderGrid(grid, 'accuracy');
    expect(columns(lines[2]!)).toEqual(['tau=1e-8', '91.3% (n=50)', '89.7% (n=5)', '90.2% (n=3)']);
    expect(columns(lines[3]!)).toEqual(['tau=0.0001', '90.1% (n=3)', EMPTY_CELL, '88.0% (n=1)']);
    expect(lines.at(-1)).toMatch(/mean test accuracy/);
  });

  it('shows Wilcoxon p-values with three decimals, a bound below 0.001, a dash when unknown', () => {
    const lines = renderGrid(grid, 'p');
    expect(columns(lines[2]!)).toEqual(['tau=1e-8', '0.031 (n=50)', '0.500 (n=5)', '<0.001 (n=2)']);
    expect(columns(lines[3]!)).toEqual(['tau=0.0001', EMPTY_CELL, EMPTY_CELL, EMPTY_CELL]);
    expect(lines.at(-1)).toMatch(/Wilcoxon/);
  });

  it('says so when the sweep has no groups', () => {
    expect(renderGrid({ trials: { total: 0, done: 0 }, groups: [] })[0]).toBe(
      'the sweep has no groups',
    );
  });
});

describe('renderGrid with diverged runs', () => {
  it('says how many of a cell’s RandomOut runs diverged, and what div. means', () => {
    const diverging: GroupGrid = {
      ...slow,
      id: 'East minmax',
      cells: [[cell(1e-8, 60, { n: 10, meanGain: -0.19, done: 10, diverged: 8 })]],
    };
    const text = renderGrid({ trials: { total: 20, done: 20 }, groups: [diverging] }).join('\n');
    expect(text).toContain('-19.0 (n=10, 8 div.)');
    expect(text).toContain('div. = RandomOut runs that diverged');
  });
});
