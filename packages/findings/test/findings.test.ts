import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  canonicalJson,
  parseSweepDefinition,
  planSweep,
  recordSha256,
  type SweepPlan,
} from '@seedsweep/sweep-spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseRegime, FindingsError, writeFindings, type LotteryRow } from '../src/index.js';

const SEARCH = {
  name: 'lottery-search',
  regions: ['East', 'West'],
  seeds: { from: 0, to: 3 },
  randomout: { tau: 1e-8, activePercent: 60 },
  training: { epochs: 10 },
  dataset: { cropScale: 1 },
  cases: [
    { dataset: { inputScale: 'minmax' }, training: { learningRate: [0.001, 0.003] } },
    { dataset: { inputScale: 'unit' }, training: { learningRate: [0.01, 0.05] } },
  ],
};

/** The test accuracy each baseline gets: seeds below `failing` end at chance (0.6). */
function failingSeeds(inputScale: string, learningRate: number): number {
  if (inputScale === 'minmax') return learningRate === 0.001 ? 0 : 1;
  return learningRate === 0.01 ? 2 : 4;
}

interface Written {
  plan: SweepPlan;
  lines: string[];
}

/**
 * A records file as `seedsweep export --records` writes it, results made up but consistent.
 * `failing` overrides how many seeds, from the first, end at chance.
 */
function recordsOf(definitionInput: unknown, failing?: number): Written {
  const definition = parseSweepDefinition(definitionInput);
  const plan = planSweep(definition, { trainerVersion: '4' });
  const header = {
    format: 'seedsweep-records',
    version: 1,
    sweep: { id: 'sw-test', name: definition.name, trainerVersion: '4', definition },
  };
  const lines = [canonicalJson(header)];
  for (const { key, spec } of plan.trials) {
    const scale = spec.dataset.inputScale ?? 'standardise';
    const failed = spec.train.seed < (failing ?? failingSeeds(scale, spec.train.learningRate));
    const baseline = spec.train.randomout === null;
    // RandomOut recovers every failing seed; converged seeds are derived from their baseline,
    // except seed 3 at tau 1e-4, which diverges in its first epoch.
    const diverged = spec.train.randomout?.tau === 1e-4 && spec.train.seed === 3;
    const accuracy = diverged
      ? 0.6
      : failed
        ? baseline
          ? 0.6
          : 0.85
        : 0.9 + spec.train.seed / 1000;
    const epochs = spec.train.epochs;
    const record = {
      key,
      testAccuracy: accuracy,
      majorityRate: 0.6,
      testCount: 600,
      diverged,
      ...(diverged && { divergedAtEpoch: 1 }),
      epochsRun: diverged ? 1 : epochs,
      // A failing seed has a dead filter in every epoch, the others in their first only.
      minAbsCgn: Array.from({ length: epochs }, (_, e) => (failed || e === 0 ? 0 : 0.01)),
      durationMs: baseline || failed || diverged ? 10_000 : 0,
      ...(!baseline && !failed && !diverged && { derivedFrom: 'b'.repeat(64) }),
      ...(!baseline && failed && { resumedFrom: { key: 'b'.repeat(64), epoch: 2 } }),
    };
    lines.push(canonicalJson({ key, spec, record, recordSha256: recordSha256(record) }));
  }
  return { plan, lines };
}

describe('writeFindings', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-findings-'));
    await mkdir(path.join(dir, 'results'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const write = (name: string, lines: string[]) =>
    writeFile(path.join(dir, 'results', name), gzipSync(lines.join('\n') + '\n'));

  it('tabulates the search, draws its figure and chooses the regime nearest 5% at chance', async () => {
    const { lines, plan } = recordsOf(SEARCH);
    await write('lottery-search.jsonl.gz', lines);
    const written = await writeFindings({
      resultsDir: path.join(dir, 'results'),
      outDir: path.join(dir, 'docs'),
    });
    expect(written.trials).toBe(plan.trials.length);
    expect(written.files.sort()).toEqual(
      ['findings.md', 'figures/lottery-search.png', 'figures/lottery-search.svg'].sort(),
    );
    const md = await readFile(path.join(dir, 'docs', 'findings.md'), 'utf8');
    // No gain is significant with 4 pairs; RandomOut recovers all 7 seeds at chance per region.
    expect(md).toContain(
      'it gains significantly (p < 0.05) at none; it loses significantly at none. Where none of its runs diverged (8 settings and regions) it recovered 14 of 14 seeds at chance; where some did (0), 0 of 0.',
    );
    // 4 seeds; minmax 0.003 fails seed 0 only: 1 of 4 at chance, RandomOut recovers it.
    expect(md).toContain('| East | minmax | 0.003 | 4 | 1 (25.0%) | 82.7% | 90.2% |');
    expect(md).toMatch(
      /\| East \| minmax \| 0\.003 \|[^\n]*\+6\.25 \[[^\n]*\(n 4\) \|[^\n]*\| 1 of 1 \|/,
    );
    expect(md).toContain('| West | unit | 0.05 | 4 | 4 (100.0%) | 60.0% | – |');
    // minmax 0.001 has no seed at chance: no lottery. minmax 0.003 (25%) is nearer 5% than
    // unit 0.01 (50%); unit 0.05 has no seed that escaped.
    expect(md).toContain('`inputScale: minmax` at learning rate 0.003');
    expect(md).toContain('Not run yet: `examples/paper-fig3.yaml` has no committed results.');
    // Compute: 32 baselines trained, the 7 x 2 failing seeds' cells resumed, the rest derived.
    expect(md).toMatch(/\| lottery-search \| 64 \| 32 \| 14 \| 18 \|/);
    const svg = await readFile(path.join(dir, 'docs', 'figures', 'lottery-search.svg'), 'utf8');
    expect(svg.match(/<g class="series"/g)).toHaveLength(2 * 4);
    expect(
      (await stat(path.join(dir, 'docs', 'figures', 'lottery-search.png'))).size,
    ).toBeGreaterThan(1000);
  });

  it('counts a search cut short on the first seeds every trial has, so settings share their seeds', async () => {
    const { lines, plan } = recordsOf(SEARCH);
    // Seed 2's baseline of one setting is missing, and seed 0's RandomOut trial of another.
    const missing = new Set([
      plan.groups[1]!.cells[0]![0]![0]!,
      plan.groups[2]!.baseline[2]!,
      plan.groups[2]!.cells[0]![0]![2]!,
    ]);
    await write(
      'lottery-search.jsonl.gz',
      lines.filter((line) => !missing.has((JSON.parse(line) as { key?: string }).key ?? '')),
    );
    await writeFindings({ resultsDir: path.join(dir, 'results'), outDir: path.join(dir, 'docs') });
    const md = await readFile(path.join(dir, 'docs', 'findings.md'), 'utf8');
    expect(md).toContain('both regions, the first 2 of its 4 seeds (so far:');
    // minmax 0.003 fails seed 0 of 0-1: 1 of 2; unit 0.05 fails both.
    expect(md).toContain('| East | minmax | 0.003 | 2 | 1 (50.0%) |');
    // Its RandomOut trial of seed 0 is missing: the cell pairs seed 1 alone.
    expect(md).toMatch(/\| East \| minmax \| 0\.003 \| 2 \|[^\n]*\(n 1\) \|/);
    expect(md).toContain('| West | unit | 0.05 | 2 | 2 (100.0%) |');
    expect(md).toContain('**Provisional:**');
    // The compute counts every result stored, counted or not.
    expect(md).toMatch(/\| lottery-search \| 61 \|/);
  });

  it('writes the paper grid with its claims and the seeds whose fate changed', async () => {
    await write('lottery-search.jsonl.gz', recordsOf(SEARCH).lines);
    // The grid's baselines trained for 20 epochs instead of 10: seed 1 falls to chance too.
    const longer = recordsOf(
      {
        name: 'lottery-fates',
        regions: ['East'],
        seeds: { from: 0, to: 3 },
        randomout: { tau: 1e-8, activePercent: 60 },
        training: { epochs: 20, learningRate: 0.003 },
        dataset: { cropScale: 1, inputScale: 'minmax' },
      },
      2,
    );
    await write('lottery-fates.jsonl.gz', longer.lines);
    const grid = recordsOf({
      name: 'paper-fig3',
      regions: ['East'],
      seeds: { from: 0, to: 3 },
      randomout: { tau: [1e-8, 1e-4], activePercent: [30, 60] },
      training: { epochs: 10, learningRate: 0.003 },
      dataset: { cropScale: 1, inputScale: 'minmax' },
    });
    await write('paper-fig3.jsonl.gz', grid.lines);
    const written = await writeFindings({
      resultsDir: path.join(dir, 'results'),
      outDir: path.join(dir, 'docs'),
    });
    expect(written.files).toContain('figures/paper-fig3-East-fig3.svg');
    expect(written.files).toContain('figures/paper-fig3-East-fig4.png');
    const md = await readFile(path.join(dir, 'docs', 'findings.md'), 'utf8');
    expect(md).toContain(
      '| Baseline seeds at chance | about 5% ("as low as random chance") | 1 of 4 (25.0%) |',
    );
    expect(md).toContain('| Failed seeds recovered | all | 1 of 1 at the largest-gain cell |');
    expect(md).toContain(
      'East: 1 of 4 at chance after 10 epochs, 2 after 20; 1 seed(s) changed fate (seed 1: 90.1% then 60.0%)',
    );
    expect(md).toContain(
      '| RandomOut trials that diverged (loss not finite) | none reported | 2 of 16, 2 of them in their first epoch |',
    );
    // Seed 0 fails (10 dead epochs), seeds 1-3 have a dead filter in their first epoch only.
    expect(md).toMatch(/\| Baseline epochs with a dead filter [^|]+\| – \| 13 of 40 \|/);
    expect(md).toMatch(/\| lottery-fates \| 8 \|/);
    expect(md).toContain(
      'RandomOut gains significantly (Wilcoxon p < 0.05) in 0 of its 4 cells and loses significantly in 0; 2 of its 16 runs diverged; of its 4 (cell, seed) pairs whose baseline was at chance, 4 were recovered.',
    );
    expect(md).toContain(
      "So 10 epochs do not settle every seed's fate here: 1 seed(s) changed fate",
    );
    // RandomOut after 20 epochs recovers both seeds at chance there (0.6 -> 0.85).
    expect(md).toContain('RandomOut after 20 epochs (`examples/lottery-fates.yaml`):');
    expect(md).toMatch(/\| East \| 1e-8 \| 60% \| [^|]+ \| 4 \| [^|]+ \| 2 of 2 \| 0 of 4 \|/);
  });

  it('refuses a results file whose record was changed after export, writing nothing', async () => {
    const { lines } = recordsOf(SEARCH);
    lines[3] = lines[3]!.replace(/"testAccuracy":[0-9.]+/, '"testAccuracy":0.99');
    await write('lottery-search.jsonl.gz', lines);
    const error = await writeFindings({
      resultsDir: path.join(dir, 'results'),
      outDir: path.join(dir, 'docs'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FindingsError);
    expect(error).toMatchObject({ code: 'RECORD_REFUSED' });
    expect((error as Error).message).toContain('line 4');
    await expect(stat(path.join(dir, 'docs', 'findings.md'))).rejects.toThrow();
  });
});

describe('chooseRegime', () => {
  const row = (
    region: string,
    inputScale: string,
    lr: number,
    n: number,
    atChance: number,
    meanConverged: number | null = 0.9,
  ) =>
    ({
      region,
      inputScale,
      learningRate: lr,
      epochs: 30,
      n,
      atChance,
      meanAccuracy: 0.8,
      meanConverged,
      failureThreshold: 0.64,
      cell: null,
    }) as LotteryRow;

  it('takes the setting nearest the paper: 5% at chance and the rest as good as the region allows', () => {
    const rows = [
      row('East', 'standardise', 0.1, 20, 0, 0.91),
      row('West', 'standardise', 0.1, 20, 0, 0.88),
      row('East', 'minmax', 0.002, 20, 1, 0.9),
      row('West', 'minmax', 0.002, 20, 3, 0.86),
      row('East', 'unit', 0.02, 20, 1, 0.89),
      row('West', 'unit', 0.02, 20, 1, 0.87),
      // 5% at chance too, but its escaped seeds learn far worse than the regions allow.
      row('East', 'raw', 0.001, 20, 1, 0.8),
      row('West', 'raw', 0.001, 20, 1, 0.8),
    ];
    // standardise has no lottery. unit: 0 + (0.02 + 0.01) / 2; minmax: 0.05 + 0.015; raw: 0.095.
    const unit = chooseRegime(rows, 20)!;
    expect(unit).toMatchObject({ inputScale: 'unit', learningRate: 0.02, complete: true });
    expect(unit.failureDistance).toBeCloseTo(0, 12);
    expect(unit.shortfall).toBeCloseTo(0.015, 12);
    expect(
      chooseRegime(
        rows.filter((r) => r.inputScale !== 'unit'),
        20,
      ),
    ).toMatchObject({
      inputScale: 'minmax',
      distance: expect.closeTo(0.065, 12) as number,
    });
    expect(
      chooseRegime(
        rows.filter((r) => r.inputScale === 'raw' || r.inputScale === 'standardise'),
        20,
      ),
    ).toMatchObject({ inputScale: 'raw' });
  });

  it('chooses nothing where no seed is at chance, and marks a search without all its seeds', () => {
    expect(
      chooseRegime([row('East', 'unit', 0.02, 12, 0), row('West', 'unit', 0.02, 12, 0)], 20),
    ).toBeNull();
    expect(
      chooseRegime([row('East', 'unit', 0.02, 12, 1), row('West', 'unit', 0.02, 12, 0)], 20),
    ).toMatchObject({ complete: false });
  });
});
