/**
 * A coordinate or length as SVG text: two decimals are finer than any screen or print needs and
 * keep the output short and stable. Throws on NaN or an infinity, so no figure ever contains one.
 */
export function svgNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`non-finite number in a figure: ${value}`);
  // String() of a rounded -0 is "0", unlike toFixed.
  return String(Math.round(value * 100) / 100);
}
