import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderGridSvg, renderLotterySvg, renderSeedsSvg, svgToPng } from '@seedsweep/figures';
import { seedAccuracies } from '@seedsweep/stats';
import { computeLedger } from './compute-ledger.js';
import { findingsDocument, type GridSection, type SearchSection } from './findings-document.js';
import { chooseRegime, lotteryLines, lotteryRows } from './lottery-search.js';
import { regionClaims } from './paper-claims.js';
import { RecordsLibrary } from './records-library.js';
import { StudySweep } from './study-sweep.js';

export interface WriteFindingsOptions {
  /** Where the committed records files are (docs/results). */
  resultsDir: string;
  /** Where findings.md goes; its figures go to `figures/` beside it. */
  outDir: string;
  /** The search's sweep name; default lottery-search. */
  searchName?: string;
  /** The paper grid's sweep name; default paper-fig3. */
  gridName?: string;
  /** The sweep that trains the grid's baselines for longer; default lottery-fates. */
  fatesName?: string;
}

export interface WrittenFindings {
  /** Every file written, relative to outDir. */
  files: string[];
  trials: number;
}

/** Reads the committed results and writes findings.md with its figures (SVG and PNG). */
export async function writeFindings(options: WriteFindingsOptions): Promise<WrittenFindings> {
  const library = await RecordsLibrary.fromDirectory(options.resultsDir);
  const figuresDir = path.join(options.outDir, 'figures');
  await mkdir(figuresDir, { recursive: true });
  const files: string[] = [];
  const figure = async (name: string, svg: string): Promise<string> => {
    await writeAtomically(path.join(figuresDir, `${name}.svg`), svg);
    await writeAtomically(path.join(figuresDir, `${name}.png`), svgToPng(svg));
    files.push(`figures/${name}.svg`, `figures/${name}.png`);
    return `figures/${name}.svg`;
  };

  const searchHeader = library.sweep(options.searchName ?? 'lottery-search');
  const gridHeader = library.sweep(options.gridName ?? 'paper-fig3');
  const search = searchHeader && new StudySweep(searchHeader, library, { firstSeedsDone: true });
  const grid = gridHeader && new StudySweep(gridHeader, library);
  const fatesHeader = library.sweep(options.fatesName ?? 'lottery-fates');
  const long = fatesHeader && new StudySweep(fatesHeader, library);

  const searchSection = search ? await describeSearch(search, figure) : null;
  const gridSection = grid ? await describeGrid(grid, search, long, figure) : null;
  const document = findingsDocument({
    trials: library.size,
    files: library.sweeps.length,
    search: searchSection,
    grid: gridSection,
    compute: [search, grid, long].flatMap((s) =>
      s ? [{ sweepName: s.name, ledger: computeLedger(s.results()) }] : [],
    ),
  });
  await writeAtomically(path.join(options.outDir, 'findings.md'), document);
  files.push('findings.md');
  return { files, trials: library.size };
}

type Figure = (name: string, svg: string) => Promise<string>;

async function describeSearch(search: StudySweep, figure: Figure): Promise<SearchSection> {
  const rows = lotteryRows(search.grid.groups, (g) => search.meanConverged(g));
  const def = search.definition;
  const planned = Math.max(0, ...search.plan.groups.map((g) => g.seeds.length));
  const seeds = search.seedsCounted;
  const epochs = [...new Set(search.plan.groups.map((g) => g.axes.epochs))];
  const firstGroup = search.plan.groups[0]!;
  const svg = renderLotterySvg({
    title: 'Where the filter lottery exists',
    note: `${seeds} seeds per point, ${epochs.join('/')} epochs, crop scale ${def.dataset.cropScale}; East solid, West dashed`,
    lines: lotteryLines(rows),
  });
  return {
    sweepName: search.name,
    seeds,
    epochs,
    cropScale: def.dataset.cropScale,
    cell: { tau: firstGroup.taus[0]!, activePercent: firstGroup.activePercents[0]! },
    rows,
    seedsPlanned: planned,
    choice: chooseRegime(rows, planned),
    figure: await figure(search.name, svg),
  };
}

async function describeGrid(
  grid: StudySweep,
  search: StudySweep | undefined,
  long: StudySweep | undefined,
  figure: Figure,
): Promise<GridSection> {
  const regions: GridSection['regions'] = [];
  for (const group of grid.grid.groups) {
    const claims = regionClaims(group);
    const name = `${grid.name}-${group.id.replaceAll(/[^A-Za-z0-9.=-]+/g, '_')}`;
    const gridSvg = renderGridSvg(
      { trials: grid.grid.trials, groups: [group] },
      { title: `${grid.name}: ${group.id}, mean gain in test accuracy (points)` },
    );
    const cell = claims.best ?? group.cells[0]?.[0];
    const seedsSvg = renderSeedsSvg({
      title: `${grid.name}: ${group.id}, tau=${cell?.tau}, P=${cell?.activePercent}%: seeds sorted`,
      seeds: cell
        ? seedAccuracies(grid.plan, group.id, cell.tau, cell.activePercent, (k) => grid.result(k))
        : [],
      failureThreshold: group.failureThreshold,
    });
    regions.push({
      ...claims,
      anatomy: grid.anatomy(group.id),
      figures: {
        grid: await figure(`${name}-fig3`, gridSvg),
        seeds: await figure(`${name}-fig4`, seedsSvg),
      },
    });
  }
  const first = grid.plan.groups[0];
  const input = first?.axes.inputScale ?? 'standardise';
  return {
    sweepName: grid.name,
    setting: first ? `input scale ${input}, learning rate ${first.axes.learningRate}` : '',
    seeds: Math.max(0, ...grid.plan.groups.map((g) => g.seeds.length)),
    epochs: first?.axes.epochs ?? 0,
    regions,
    fates: fatesOf(grid, search, long),
    long: long
      ? {
          sweepName: long.name,
          epochs: Math.max(0, ...long.plan.groups.map((g) => g.axes.epochs)),
          cells: long.grid.groups.flatMap((g) =>
            g.cells.flat().flatMap((cell) => (cell.n > 0 ? [{ region: g.region, cell }] : [])),
          ),
        }
      : null,
  };
}

/**
 * Whether the grid's epochs settle each seed's fate: the longer-trained sweep (lottery-fates)
 * against the grid, or else the grid against the search when the grid trains longer.
 */
function fatesOf(
  grid: StudySweep,
  search: StudySweep | undefined,
  long: StudySweep | undefined,
): GridSection['fates'] {
  if (long) {
    const againstGrid = fates(long, grid);
    return againstGrid.length > 0 || !search ? againstGrid : fates(long, search);
  }
  return search ? fates(grid, search) : [];
}

/**
 * For each baseline group of `late`, the same seeds' baselines in `early` (same region, input
 * scale, learning rate and batch size, fewer epochs): how many were at chance in each, and which
 * seeds changed fate. A region appears once, for its first twin.
 */
function fates(late: StudySweep, early: StudySweep): GridSection['fates'] {
  const seen = new Set<string>();
  return late.grid.groups.flatMap((g) => {
    if (seen.has(g.region)) return [];
    const twin = early.grid.groups.find(
      (s) =>
        s.region === g.region &&
        s.axes.inputScale === g.axes.inputScale &&
        s.axes.learningRate === g.axes.learningRate &&
        s.axes.batchSize === g.axes.batchSize &&
        s.axes.epochs < g.axes.epochs,
    );
    if (!twin || twin.failureThreshold === null || g.failureThreshold === null) return [];
    const before = early.baselineAccuracies(twin.id);
    const after = late.baselineAccuracies(g.id);
    const fate: GridSection['fates'][number] = {
      region: g.region,
      earlyEpochs: twin.axes.epochs,
      lateEpochs: g.axes.epochs,
      early: 0,
      late: 0,
      n: 0,
      changed: [],
    };
    g.seeds.forEach((seed, i) => {
      const j = twin.seeds.indexOf(seed);
      const a = j < 0 ? null : before[j];
      const b = after[i];
      if (a == null || b == null) return;
      fate.n++;
      const failedEarly = a <= twin.failureThreshold!;
      const failedLate = b <= g.failureThreshold!;
      if (failedEarly) fate.early++;
      if (failedLate) fate.late++;
      if (failedEarly !== failedLate) fate.changed.push({ seed, early: a, late: b });
    });
    if (fate.n === 0) return [];
    seen.add(g.region);
    return [fate];
  });
}

async function writeAtomically(file: string, data: string | Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}
