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

  const searchSection = search ? await describeSearch(search, figure) : null;
  const gridSection = grid ? await describeGrid(grid, search, figure) : null;
  const document = findingsDocument({
    trials: library.size,
    files: library.sweeps.length,
    search: searchSection,
    grid: gridSection,
    compute: [search, grid].flatMap((s) =>
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
    fates: search ? fates(grid, search) : [],
  };
}

/**
 * For each group of the grid, the same seeds' baselines in the search (same region, input scale
 * and learning rate, fewer epochs): how many were at chance there and here, and how many changed.
 */
function fates(grid: StudySweep, search: StudySweep): GridSection['fates'] {
  return grid.grid.groups.flatMap((g) => {
    const twin = search.grid.groups.find(
      (s) =>
        s.region === g.region &&
        s.axes.inputScale === g.axes.inputScale &&
        s.axes.learningRate === g.axes.learningRate &&
        s.axes.batchSize === g.axes.batchSize,
    );
    if (!twin || twin.failureThreshold === null || g.failureThreshold === null) return [];
    const early = search.baselineAccuracies(twin.id);
    const late = grid.baselineAccuracies(g.id);
    let n = 0;
    let earlyFailed = 0;
    let lateFailed = 0;
    let changed = 0;
    g.seeds.forEach((seed, i) => {
      const j = twin.seeds.indexOf(seed);
      const a = j < 0 ? null : early[j];
      const b = late[i];
      if (a == null || b == null) return;
      n++;
      const failedEarly = a <= twin.failureThreshold!;
      const failedLate = b <= g.failureThreshold!;
      if (failedEarly) earlyFailed++;
      if (failedLate) lateFailed++;
      if (failedEarly !== failedLate) changed++;
    });
    return n === 0 ? [] : [{ region: g.region, early: earlyFailed, late: lateFailed, changed, n }];
  });
}

async function writeAtomically(file: string, data: string | Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}
