import { useMemo, useState } from 'preact/hooks';
import { formatTau } from '@seedsweep/figures/browser';
import type { TrialRow } from '@seedsweep/api-contract';
import { formatAccuracy, formatDuration } from './format.js';

const SHOWN = 200;

type TrialState = TrialRow['state'] | 'running';

const cellOf = (row: TrialRow) =>
  row.baseline ? 'baseline' : `τ ${formatTau(row.tau ?? 0)}, P ${row.activePercent ?? ''}%`;

/**
 * The sweep's trials (its first 10,000), filtered by state, failure reason, region and cell; the
 * first 200 that match are shown.
 */
export function TrialsTable({
  rows,
  total,
  runningKeys,
}: {
  rows: readonly TrialRow[];
  /** The sweep's trials; more than `rows` when the sweep is larger than one page. */
  total: number;
  runningKeys: ReadonlySet<string>;
}) {
  const [state, setState] = useState('');
  const [reason, setReason] = useState('');
  const [region, setRegion] = useState('');
  const [cell, setCell] = useState('');
  const stateOf = (row: TrialRow): TrialState =>
    row.state === 'pending' && runningKeys.has(row.key) ? 'running' : row.state;

  const options = useMemo(
    () => ({
      reasons: distinct(rows.map((r) => r.failureReason).filter((r): r is string => r !== null)),
      regions: distinct(rows.map((r) => r.region)),
      cells: distinct(rows.map(cellOf)),
    }),
    [rows],
  );
  const matching = rows.filter(
    (row) =>
      (state === '' || stateOf(row) === state) &&
      (reason === '' || row.failureReason === reason) &&
      (region === '' || row.region === region) &&
      (cell === '' || cellOf(row) === cell),
  );
  return (
    <section aria-labelledby="trials-title">
      <h2 id="trials-title">Trials</h2>
      <div class="filters">
        <Select
          label="State"
          value={state}
          onChange={setState}
          testId="filter-state"
          options={['done', 'running', 'pending', 'failed']}
        />
        <Select
          label="Failure"
          value={reason}
          onChange={setReason}
          testId="filter-failure"
          options={options.reasons}
        />
        <Select
          label="Region"
          value={region}
          onChange={setRegion}
          testId="filter-region"
          options={options.regions}
        />
        <Select
          label="Cell"
          value={cell}
          onChange={setCell}
          testId="filter-cell"
          options={options.cells}
        />
        <span class="muted small" data-testid="trials-count" aria-live="polite">
          {matching.length > SHOWN
            ? `the first ${SHOWN} of ${matching.length} matching trials`
            : `${matching.length} of ${rows.length} trials`}
          {total > rows.length &&
            ` (the table holds the first ${rows.length} of the sweep's ${total}; the CSV has all)`}
        </span>
      </div>
      <div class="scroll">
        <table class="trials" data-testid="trials-table">
          <thead>
            <tr>
              <th scope="col">Trial</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Accuracy
              </th>
              <th scope="col" class="num">
                Re-inits
              </th>
              <th scope="col">Derived / resumed</th>
              <th scope="col" class="num">
                Duration
              </th>
              <th scope="col">Failure</th>
            </tr>
          </thead>
          <tbody>
            {matching.slice(0, SHOWN).map((row) => (
              <tr key={row.key} data-state={stateOf(row)}>
                <th scope="row">{row.label}</th>
                <td>{stateOf(row)}</td>
                <td class="num">{formatAccuracy(row.testAccuracy)}</td>
                <td class="num">{row.reinitializations ?? '–'}</td>
                <td>
                  {row.derivedFrom
                    ? 'derived'
                    : row.resumedFromEpoch !== null
                      ? `resumed at epoch ${row.resumedFromEpoch}`
                      : row.state === 'done'
                        ? 'trained'
                        : '–'}
                </td>
                <td class="num">
                  {row.durationMs === null ? '–' : formatDuration(row.durationMs / 1000)}
                </td>
                <td>
                  {row.failureReason ?? ''}
                  {row.failureFix && <div class="muted small">{row.failureFix}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Select({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
