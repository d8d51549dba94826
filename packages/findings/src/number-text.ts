/** Percent with one decimal: 0.8912 -> "89.1%". */
export function percent(fraction: number | null): string {
  return fraction === null ? '–' : `${(fraction * 100).toFixed(1)}%`;
}

/** A gain in percentage points with its sign: 0.0123 -> "+1.23". */
export function points(fraction: number | null, digits = 2): string {
  if (fraction === null) return '–';
  const value = fraction * 100;
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}

export function interval(ci: readonly [number, number] | null): string {
  return ci === null ? '–' : `[${points(ci[0])}, ${points(ci[1])}]`;
}

/** A p-value as papers print it. */
export function pValue(p: number | null): string {
  if (p === null) return '–';
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
