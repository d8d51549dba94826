/** Below this a Lentz denominator counts as zero and is nudged away from it. */
const TINY = 1e-300;
const EPSILON = 1e-15;
const MAX_TERMS = 100_000;

/**
 * Evaluates b0 + a1/(b1 + a2/(b2 + ...)) by the modified Lentz method, with term(m) giving
 * [a_m, b_m] for m >= 1. Throws a RangeError when it has not converged after many terms, which
 * only happens for arguments far outside what the statistics here ask for.
 */
export function continuedFraction(b0: number, term: (m: number) => [number, number]): number {
  let f = nudge(b0);
  let c = f;
  let d = 0;
  for (let m = 1; m <= MAX_TERMS; m += 1) {
    const [a, b] = term(m);
    d = 1 / nudge(b + a * d);
    c = nudge(b + a / c);
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPSILON) return f;
  }
  throw new RangeError(`continued fraction did not converge in ${MAX_TERMS} terms`);
}

function nudge(value: number): number {
  return Math.abs(value) < TINY ? TINY : value;
}
