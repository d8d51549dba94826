export type Align = 'left' | 'right';

/**
 * Rows of cells as aligned text lines, columns two spaces apart. Numbers read best right-aligned,
 * so callers say which columns hold them. Trailing spaces are trimmed.
 */
export function textTable(rows: string[][], align: Align[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) =>
        align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd(),
  );
}
